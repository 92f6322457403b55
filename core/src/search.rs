//! Offline search over the provider directory, in whatever script a person types.
//!
//! People of the region write the same name as `Ақжайық`, `Акжаик`, `Akzhaiyk` or
//! `Aqjaiyq`. [`fold`] brings every one of them to one lowercase Latin skeleton
//! (`akzhaik`), so a query matches in any script, case, or accent. Folding works letter by
//! letter, so the folded start of a word is the start of the folded word: a query still
//! matches while it is being typed.
//!
//! Use: fold each entry once ([`crate::Provider::search_text`]) and keep the string;
//! per keystroke, [`Query::parse`] once and call [`Query::matches`] on each kept string.

/// Folds `text` to a lowercase Latin skeleton of words separated by single spaces:
///
/// - Kazakh letters to their Russian neighbours (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ ү→у, һ→х,
///   і→и), then ё→е, й→и, ы→и, and Cyrillic to Latin (ж→zh, х→kh, ш→sh, ч→ch, ц→ts,
///   ю→iu, я→ia; ъ and ь vanish);
/// - Latin accents stripped, Kazakh Latin letters to the same skeleton (ş→sh, ç→ch,
///   q→k, j→zh), y→i (so `Bayterek` and `Байтерек` meet), x→ks;
/// - a letter repeated is written once (`Akzhaiyk` → `akzhaik`, `Ассель` → `asel`);
/// - apostrophes (', ’, ʼ) vanish inside words; any other non-alphanumeric is a space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for lower in c.to_lowercase() {
            match skeleton(lower) {
                Piece::Letters(letters) => {
                    for letter in letters.chars() {
                        push_letter(&mut out, letter);
                    }
                }
                Piece::Char(c) => push_letter(&mut out, c),
                Piece::Nothing => {}
                Piece::Space => {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                }
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

enum Piece {
    Letters(&'static str),
    Char(char),
    Nothing,
    Space,
}

fn push_letter(out: &mut String, letter: char) {
    // Doubled letters are spelled single in another script (Ассель/Asel, Akzhaiyk →
    // akzhaiik → akzhaik). Digits stay as they are: 100 is not 10.
    if letter.is_alphabetic() && out.ends_with(letter) {
        return;
    }
    out.push(letter);
}

fn skeleton(c: char) -> Piece {
    use Piece::*;
    match c {
        'a'..='z' => match c {
            'y' => Char('i'),
            'q' => Char('k'),
            'j' => Letters("zh"),
            'x' => Letters("ks"),
            _ => Char(c),
        },
        '0'..='9' => Char(c),
        // Cyrillic, Russian and Kazakh.
        'а' | 'ә' => Char('a'),
        'б' => Char('b'),
        'в' => Char('v'),
        'г' | 'ғ' => Char('g'),
        'д' => Char('d'),
        'е' | 'ё' | 'э' => Char('e'),
        'ж' => Letters("zh"),
        'з' => Char('z'),
        'и' | 'й' | 'і' | 'ы' => Char('i'),
        'к' | 'қ' => Char('k'),
        'л' => Char('l'),
        'м' => Char('m'),
        'н' | 'ң' => Char('n'),
        'о' | 'ө' => Char('o'),
        'п' => Char('p'),
        'р' => Char('r'),
        'с' => Char('s'),
        'т' => Char('t'),
        'у' | 'ұ' | 'ү' | 'ў' => Char('u'),
        'ф' => Char('f'),
        'х' => Letters("kh"),
        'һ' => Char('h'),
        'ц' => Letters("ts"),
        'ч' => Letters("ch"),
        'ш' => Letters("sh"),
        'щ' => Letters("shch"),
        'ъ' | 'ь' => Nothing,
        'ю' => Letters("iu"),
        'я' => Letters("ia"),
        'є' => Letters("ie"),
        'ї' => Char('i'),
        // Latin with accents, including the Kazakh Latin alphabets (ä ğ ı ñ ö ş ū ü).
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => Char('a'),
        'æ' => Letters("ae"),
        'ç' | 'č' => Letters("ch"),
        'ć' | 'ĉ' | 'ċ' => Char('c'),
        'ď' | 'đ' | 'ð' => Char('d'),
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => Char('e'),
        'ğ' | 'ĝ' | 'ġ' | 'ģ' => Char('g'),
        'ĥ' | 'ħ' => Char('h'),
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ý' | 'ÿ' | 'ŷ' => {
            Char('i')
        }
        'ĵ' => Letters("zh"),
        'ķ' => Char('k'),
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => Char('l'),
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŋ' => Char('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => Char('o'),
        'œ' => Letters("oe"),
        'ŕ' | 'ŗ' | 'ř' => Char('r'),
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => match c {
            'ś' | 'ŝ' => Char('s'),
            _ => Letters("sh"),
        },
        'ß' => Char('s'),
        'ţ' | 'ť' | 'ŧ' | 'ț' => Char('t'),
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => Char('u'),
        'ŵ' => Char('w'),
        'ź' | 'ż' => Char('z'),
        'ž' => Letters("zh"),
        // Apostrophes join: the 2017 Kazakh Latin wrote a' and g', names have O'Brien.
        '\'' | '’' | 'ʼ' | '`' | '´' | 'ʻ' => Nothing,
        // Combining accents, as in decomposed text or the dot of a lowercased İ.
        '\u{0300}'..='\u{036f}' => Nothing,
        c if c.is_alphanumeric() => Char(c),
        _ => Space,
    }
}

/// A search as a person typed it, folded and split into tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    tokens: Vec<String>,
}

impl Query {
    /// Folds `raw` and keeps each distinct token once, longest first: the longest token
    /// is the rarest, so most entries are ruled out by the first comparison.
    pub fn parse(raw: &str) -> Query {
        let folded = fold(raw);
        let mut tokens: Vec<String> = Vec::new();
        for token in folded.split(' ').filter(|t| !t.is_empty()) {
            // A token that is the prefix of another adds nothing: "ak akzhaik" is "akzhaik".
            if tokens.iter().any(|t| t.starts_with(token)) {
                continue;
            }
            tokens.retain(|t| !token.starts_with(t.as_str()));
            tokens.push(token.to_owned());
        }
        tokens.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Query { tokens }
    }

    /// An empty query (nothing typed but spaces and punctuation) matches everything.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The folded tokens, longest first.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// Whether every token is the start of some word of `folded_haystack`, which must be
    /// the output of [`fold`] (e.g. [`crate::Provider::search_text`]).
    pub fn matches(&self, folded_haystack: &str) -> bool {
        self.tokens.iter().all(|token| starts_a_word(folded_haystack, token))
    }
}

fn starts_a_word(haystack: &str, token: &str) -> bool {
    // Non-overlapping matches are enough: a token has no space, so a match that starts a
    // word can never begin inside an earlier match.
    haystack.match_indices(token).any(|(at, _)| at == 0 || haystack.as_bytes()[at - 1] == b' ')
}

/// The great-circle distance in kilometres between two points given in degrees
/// (haversine, on a sphere of the Earth's mean radius: within 0.5 % of the ellipsoid).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Provider, ProviderKind, Text};
    use crate::{District, Lang};

    fn finds(query: &str, text: &str) -> bool {
        Query::parse(query).matches(&fold(text))
    }

    #[test]
    fn folding_ignores_case_diacritics_and_kazakh_letter_variants() {
        assert_eq!(fold("ӘҒҚҢӨҰҮҺІ"), "agknouhi");
        assert_eq!(fold("Ёлка Йод Ыс"), fold("елка иод ис"));
        assert_eq!(fold("Crème Brûlée Ağa"), "creme brule aga");
        assert_eq!(fold("  «Ақжайық – адалдық алаңы»!  "), "akzhaik adaldik alani");
        assert_eq!(fold("Қазақ Әділет"), fold("казак адилет"));
    }

    #[test]
    fn apostrophes_join_and_punctuation_separates() {
        assert_eq!(fold("Ma’ri O'Brien"), "mari obrien");
        assert_eq!(fold("Бокей-Орда, №12"), "bokei orda 12");
        assert_eq!(fold("100 ул."), "100 ul");
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    #[test]
    fn latin_spellings_find_cyrillic_names_of_the_region_and_back() {
        let pairs = [
            ("uralsk", "Уральск"),
            ("oral", "Орал қаласы"),
            ("akzhaik", "Ақжайық ауданы"),
            ("akzhaiyk", "Ақжайық"),
            ("aqjaiyq", "Ақжайық"),
            ("akzhaik", "Акжаикский район"),
            ("bayterek", "Бәйтерек ауданы"),
            ("baiterek", "Байтерекский район"),
            ("bokey orda", "Бөкей ордасы"),
            ("saykhin", "Сайхин"),
            ("burlin", "Бурлинский район"),
            ("aksai", "Ақсай"),
            ("aksay", "Аксай"),
            ("zhanakala", "Жаңақала"),
            ("zhangala", "село Жангала"),
            ("zhanibek", "Жәнібек"),
            ("jänibek", "Жәнібек"),
            ("karatobe", "Қаратөбе"),
            ("qaratöbe", "Қаратөбе"),
            ("kaztalov", "Қазталов"),
            ("zhalpaktal", "Жалпақтал"),
            ("syrym", "Сырым"),
            ("zhympity", "Жымпиты"),
            ("taskala", "Тасқала"),
            ("terekti", "Теректі"),
            ("fedorovka", "Фёдоровка"),
            ("chingirlau", "Чингирлау"),
            ("shyngyrlau", "Шыңғырлау"),
            ("chapaev", "Чапаев"),
            ("peremetnoe", "Переметное"),
            ("adaldyq alany", "адалдық алаңы"),
            ("assel", "Әсел"),
            ("lyazzat", "Ляззат"),
            ("Уральск", "Uralsk city"),
            ("Ақжайық", "Akzhaik district"),
            ("Жәнібек", "Zhanibek"),
        ];
        for (query, text) in pairs {
            assert!(finds(query, text), "{query:?} should find {text:?}");
        }
    }

    #[test]
    fn a_query_matches_while_it_is_being_typed() {
        for name in ["Ақжайық", "Шыңғырлау", "Жәнібек", "Щербакова", "Хамза", "Уральск"]
        {
            let chars: Vec<char> = name.chars().collect();
            for end in 1..=chars.len() {
                let typed: String = chars[..end].iter().collect();
                assert!(finds(&typed, name), "{typed:?} should find {name:?}");
            }
        }
    }

    #[test]
    fn every_token_must_start_some_word() {
        let text = "Нотариус Бисенова Гүлнар, Ақсай";
        assert!(finds("нотар акс", text));
        assert!(finds("bisen notar", text));
        assert!(!finds("notar oral", text));
        assert!(!finds("isenova", text), "inside a word is not a match");
        assert!(finds("", text) && finds(" ,. ", text), "nothing typed matches all");
    }

    #[test]
    fn queries_drop_tokens_that_add_nothing() {
        assert_eq!(Query::parse("ak Akzhaik ак").tokens(), ["akzhaik"]);
        assert_eq!(Query::parse("notary aksai").tokens(), ["notari", "aksai"]);
        assert!(Query::parse(" – ").is_empty());
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        // Uralsk to Aksai: about 114 km as the crow flies.
        let d = distance_km(51.23, 51.37, 51.17, 53.00);
        assert!((d - 113.6).abs() < 1.0, "{d}");
        assert_eq!(distance_km(51.23, 51.37, 51.23, 51.37), 0.0);
        let equator_degree = distance_km(0.0, 0.0, 0.0, 1.0);
        assert!((equator_degree - 111.195).abs() < 0.01, "{equator_degree}");
    }

    /// 10,000 entries, each with a known name, district and kind, so the expected number
    /// of hits of each query is known without searching.
    fn synthetic_directory() -> Vec<Provider> {
        let first = [
            ("Айгүл", "Айгуль", "Aigul"),
            ("Ерлан", "Ерлан", "Yerlan"),
            ("Сәуле", "Сауле", "Saule"),
            ("Нұрлан", "Нурлан", "Nurlan"),
            ("Жанар", "Жанар", "Zhanar"),
        ];
        let last = [
            ("Сәрсенов", "Сарсенов", "Sarsenov"),
            ("Қуанышев", "Куанышев", "Kuanyshev"),
            ("Жұмабаев", "Жумабаев", "Zhumabayev"),
            ("Ғабдуллин", "Габдуллин", "Gabdullin"),
        ];
        (0..10_000)
            .map(|i| {
                let (f, l) = (first[i % 5], last[(i / 5) % 4]);
                let district = District::ALL[i % 13];
                let kind = ProviderKind::ALL[i % 9];
                Provider {
                    id: format!("p-{i}"),
                    kind,
                    name: Text::new(
                        format!("{} {} {i}", f.0, l.0),
                        format!("{} {} {i}", f.1, l.1),
                        format!("{} {} {i}", f.2, l.2),
                    ),
                    district,
                    address: Text::new("", format!("ул. Абая, {}", i % 200), ""),
                    lat: 51.0,
                    lon: 51.0,
                    phones: Vec::new(),
                    hours: Text::default(),
                    languages: vec![Lang::Kk, Lang::Ru],
                    services: Text::new(
                        "",
                        "семейные споры, наследство",
                        "family disputes, inheritance",
                    ),
                    centre_id: None,
                    sample: false,
                }
            })
            .collect()
    }

    #[test]
    fn searching_ten_thousand_entries_finds_exactly_the_matching_ones() {
        let directory = synthetic_directory();
        let index: Vec<String> = directory.iter().map(Provider::search_text).collect();
        let hits = |query: &str| {
            let query = Query::parse(query);
            index.iter().filter(|text| query.matches(text)).count()
        };
        // Every fifth entry is an Aigul, every twentieth an Aigul Sarsenova.
        assert_eq!(hits("айгүл"), 2_000);
        assert_eq!(hits("Aigul Sarsenov"), 500);
        assert_eq!(hits("АЙГУЛЬ сарсенова"), 0, "a female surname is not a prefix");
        // Kuanyshev is surname 1: i / 5 % 4 == 1. "Akzhaik" is district 1 (i % 13 == 1)
        // and starts the name of every integrity office (kind 6: i % 9 == 6).
        let expected =
            (0..10_000).filter(|i| (i / 5) % 4 == 1 && (i % 13 == 1 || i % 9 == 6)).count();
        assert_eq!(hits("куанышев akzhaik"), expected);
        let notaries = (0..10_000).filter(|i| i % 9 == 2).count();
        assert_eq!(hits("нотариус"), notaries);
        assert_eq!(hits("notary"), notaries, "notary folds to notari, a prefix of notarius");
        assert_eq!(hits("9999"), 1);
        assert_eq!(hits("семейн"), 10_000);
        assert_eq!(hits("nowhere"), 0);
    }
}
