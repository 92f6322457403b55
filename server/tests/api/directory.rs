use std::collections::HashSet;

use adal_core::api::ProblemCode;
use adal_core::provider::{DirectoryDelta, Provider, ProviderKind, Text};
use adal_core::{District, Lang, Phone};
use adal_server::db::directory::ImportReport;
use adal_server::directory::{self, ImportError};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH};

use crate::helpers::{TestApp, problem, spawn_app};

impl TestApp {
    /// `GET /api/v1/directory`, with `?since=` when given; must answer 200.
    async fn directory(&self, since: Option<u64>) -> DirectoryDelta {
        let path = match since {
            Some(since) => format!("/api/v1/directory?since={since}"),
            None => "/api/v1/directory".to_owned(),
        };
        let response = self.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Imports `csv` through the function behind `adal-server directory import`, while
    /// the server runs, as an operator would.
    fn import(&self, providers: &[Provider], replace: bool) -> ImportReport {
        self.import_csv(&csv(providers), replace).expect("the import is accepted")
    }

    fn import_csv(&self, csv: &str, replace: bool) -> Result<ImportReport, ImportError> {
        directory::import(self.location(), csv.as_bytes(), replace)
    }

    /// The CSV of `adal-server directory export`.
    fn export_directory(&self) -> String {
        let mut out = Vec::new();
        directory::export(self.location(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}

fn csv(providers: &[Provider]) -> String {
    let mut out = Vec::new();
    directory::write_csv(providers, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn ids(providers: &[Provider]) -> HashSet<&str> {
    providers.iter().map(|p| p.id.as_str()).collect()
}

/// A real (not sample) entry.
fn real_centre() -> Provider {
    Provider {
        id: "ura-rc-real".into(),
        kind: ProviderKind::ReconciliationCentre,
        name: Text::new("Татуластыру орталығы", "Центр примирения", "Reconciliation centre"),
        district: District::Uralsk,
        address: Text::new("", "г. Уральск, ул. Примерная, 1", ""),
        lat: 51.23,
        lon: 51.37,
        phones: vec![Phone::parse("+7 7112 00 00 00").unwrap()],
        hours: Text::default(),
        languages: vec![Lang::Kk, Lang::Ru],
        services: Text::default(),
        centre_id: None,
        sample: false,
    }
}

#[tokio::test]
async fn the_full_directory_has_every_district_and_every_kind_of_provider() {
    let app = spawn_app().await;

    let delta = app.directory(None).await;

    assert!(delta.full);
    assert!(delta.deleted.is_empty());
    assert!(delta.version >= 1);
    assert_eq!(delta.providers.len(), directory::sample().len());
    let districts: HashSet<_> = delta.providers.iter().map(|p| p.district).collect();
    assert_eq!(districts.len(), 13);
    let kinds: HashSet<_> = delta.providers.iter().map(|p| p.kind).collect();
    assert_eq!(kinds.len(), 9);
    assert!(delta.providers.iter().all(|p| p.sample));
}

#[tokio::test]
async fn since_zero_is_the_full_directory_too() {
    let app = spawn_app().await;

    assert_eq!(app.directory(Some(0)).await, app.directory(None).await);
}

#[tokio::test]
async fn asking_since_the_current_version_returns_nothing() {
    let app = spawn_app().await;
    let full = app.directory(None).await;

    let delta = app.directory(Some(full.version)).await;

    assert_eq!(
        delta,
        DirectoryDelta { version: full.version, full: false, providers: vec![], deleted: vec![] }
    );
}

#[tokio::test]
async fn after_an_import_that_changes_one_entry_and_deletes_one_the_delta_holds_exactly_those() {
    let app = spawn_app().await;
    let before = app.directory(None).await;
    let mut providers = before.providers.clone();
    let changed = providers.iter_mut().find(|p| p.id == "akz-notary-1").unwrap();
    changed.hours = Text::new("Дс–Жм 8:00–17:00", "Пн–Пт 8:00–17:00", "Mon–Fri 8:00–17:00");
    let changed = changed.clone();
    providers.retain(|p| p.id != "ura-mediator-2");

    let report = app.import(&providers, true);

    assert_eq!(
        report,
        ImportReport {
            version: before.version + 1,
            added: 0,
            updated: 1,
            unchanged: before.providers.len() - 2,
            deleted: 1,
        }
    );
    let delta = app.directory(Some(before.version)).await;
    assert_eq!(
        delta,
        DirectoryDelta {
            version: before.version + 1,
            full: false,
            providers: vec![changed],
            deleted: vec!["ura-mediator-2".into()],
        }
    );
}

#[tokio::test]
async fn a_deleted_entry_stays_a_tombstone_and_can_come_back() {
    let app = spawn_app().await;
    let before = app.directory(None).await;
    let mut providers = before.providers.clone();
    let removed = providers.iter().position(|p| p.id == "bur-lawyer-1").unwrap();
    let removed = providers.remove(removed);
    app.import(&providers, true);
    let deleted_at = before.version + 1;

    let full = app.directory(None).await;
    let later = app.directory(Some(before.version)).await;

    assert!(!ids(&full.providers).contains("bur-lawyer-1"));
    assert!(full.deleted.is_empty(), "a full download carries no tombstones");
    assert!(!app.export_directory().contains("bur-lawyer-1"));
    assert_eq!(later.deleted, ["bur-lawyer-1"]);

    let report = app.import(std::slice::from_ref(&removed), false);

    assert_eq!((report.added, report.version), (1, deleted_at + 1));
    let back = app.directory(Some(deleted_at)).await;
    assert_eq!((back.providers, back.deleted), (vec![removed], vec![]));
}

#[tokio::test]
async fn a_since_newer_than_the_directory_gets_the_whole_directory() {
    let app = spawn_app().await;
    let full = app.directory(None).await;

    let delta = app.directory(Some(full.version + 1000)).await;

    assert_eq!(delta, full);
}

#[tokio::test]
async fn exporting_gives_the_shipped_sample_file_and_importing_it_again_changes_nothing() {
    let app = spawn_app().await;
    let before = app.directory(None).await;

    let exported = app.export_directory();
    let report = app.import_csv(&exported, true).unwrap();

    assert!(exported == directory::SAMPLE_CSV, "export differs from the shipped file");
    assert_eq!(
        report,
        ImportReport {
            version: before.version,
            unchanged: before.providers.len(),
            ..ImportReport::default()
        }
    );
    assert_eq!(app.directory(None).await, before);
}

#[tokio::test]
async fn an_invalid_row_is_refused_with_its_line_number_and_nothing_is_imported() {
    let app = spawn_app().await;
    let before = app.directory(None).await;
    let valid = csv(&[real_centre()]);
    let mut lines: Vec<String> = valid.lines().map(str::to_owned).collect();
    let bad_phone =
        lines[1].replace("ura-rc-real", "ura-rc-2").replace("+77112000000", "+7 901 234 56 78");
    let bad_district = lines[1].replace("ura-rc-real", "ura-rc-3").replace(",URA,", ",XYZ,");
    lines.extend([bad_phone, bad_district]);
    let csv = lines.join("\n");

    let error = app.import_csv(&csv, false).unwrap_err();

    let ImportError::Invalid(errors) = error else { panic!("{error}") };
    let found: Vec<_> = errors.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "phone \"+7 901 234 56 78\" is not a Kazakhstan number in +7 format"),
            (
                4,
                "district \"XYZ\" is not one of: URA, AKZ, BAY, BOK, BUR, ZHG, ZHB, KAR, KAZ, SYR, TAS, TER, CHN"
            ),
        ]
    );
    assert_eq!(app.directory(None).await, before, "not even the valid row was imported");
}

#[tokio::test]
async fn a_row_whose_centre_is_missing_or_a_person_is_refused_with_its_line_number() {
    let app = spawn_app().await;
    let before = app.directory(None).await;
    let mediator = |id: &str, centre: &str| Provider {
        id: id.into(),
        kind: ProviderKind::Mediator,
        centre_id: Some(centre.into()),
        ..real_centre()
    };
    let rows = [
        real_centre(),
        mediator("ura-med-a", "ura-rc-real"),
        mediator("ura-med-b", "ura-rc-nowhere"),
        mediator("ura-med-c", "ura-med-a"),
    ];

    let error = app.import_csv(&csv(&rows), false).unwrap_err();

    let ImportError::Invalid(errors) = error else { panic!("{error}") };
    let found: Vec<_> = errors.iter().map(|e| e.line).collect();
    assert_eq!(found, [4, 5], "{errors:?}");
    assert!(errors[0].message.contains("neither in the file nor in the directory"));
    assert!(errors[1].message.contains("is a person"));
    assert_eq!(app.directory(None).await, before);
}

#[tokio::test]
async fn sample_data_does_not_come_back_after_a_real_import_and_a_restart() {
    let app = spawn_app().await;
    let sample_count = app.directory(None).await.providers.len();

    let report = app.import(&[real_centre()], false);
    let app = app.restart().await;

    assert_eq!((report.added, report.deleted), (1, sample_count), "the samples were retired");
    let full = app.directory(None).await;
    assert_eq!(full.providers, [real_centre()]);
}

#[tokio::test]
async fn a_malformed_since_is_refused_with_a_problem() {
    let app = spawn_app().await;

    for query in ["since=abc", "since=-1", "since=1.5", "since=99999999999999999999999"] {
        let response = app.get(&format!("/api/v1/directory?{query}")).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(problem(response).await.code, ProblemCode::MalformedRequest);
    }
}

#[tokio::test]
async fn an_unchanged_directory_answers_304_to_the_etag_it_sent() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/directory").await;
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    let etag = response.headers()[ETAG].to_str().unwrap().to_owned();
    let version = response.json::<DirectoryDelta>().await.unwrap().version;
    assert_eq!(etag, format!("W/\"{version}\""));
    let url = app.url("/api/v1/directory");

    let unchanged = app.client.get(&url).header(IF_NONE_MATCH, &etag).send().await.unwrap();
    app.import(&[real_centre()], false);
    let changed = app.client.get(&url).header(IF_NONE_MATCH, &etag).send().await.unwrap();

    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.headers()[ETAG], format!("W/\"{}\"", version + 1).as_str());
}

/// Sizes over the wire, not part of the normal run:
/// `cargo test -p adal-server --test api -- --ignored --nocapture measure_directory`.
#[tokio::test]
#[ignore = "a measurement, not a check; prints the sizes"]
async fn measure_directory_download_sizes() {
    let app = spawn_app().await;
    let sample = app.directory(None).await;
    println!("| download | entries | identity | gzip | br |");
    println!("|---|---|---|---|---|");
    app.print_sizes("sample: full", "", sample.providers.len()).await;
    app.print_sizes("sample: since=current", &format!("?since={}", sample.version), 0).await;
    let mut changed = sample.providers.clone();
    changed[7].hours.ru.push_str(" (изменено)");
    app.import(&changed, false);
    app.print_sizes("sample: delta, one changed", &format!("?since={}", sample.version), 1).await;

    let synthetic = synthetic_directory(10_000);
    app.import(&synthetic, true);
    let full = app.directory(None).await;
    assert_eq!(full.providers.len(), 10_000);
    app.print_sizes("10,000: full", "", 10_000).await;
    let mut changed = synthetic.clone();
    changed[4242].phones.push(Phone::parse("+7 700 000 99 99").unwrap());
    app.import(&changed, false);
    app.print_sizes("10,000: delta, one changed", &format!("?since={}", full.version), 1).await;
}

impl TestApp {
    async fn print_sizes(&self, what: &str, query: &str, entries: usize) {
        let mut sizes = Vec::new();
        for encoding in ["identity", "gzip", "br"] {
            let response = self
                .client
                .get(self.url(&format!("/api/v1/directory{query}")))
                .header(ACCEPT_ENCODING, encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let used =
                response.headers().get(CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(used.as_deref().unwrap_or("identity"), encoding, "{what}");
            sizes.push(response.bytes().await.unwrap().len());
        }
        println!("| {what} | {entries} | {} | {} | {} |", sizes[0], sizes[1], sizes[2]);
    }
}

/// `count` varied, realistic-looking (not sample) entries: names, streets and numbers
/// drawn from lists by a fixed pseudo-random sequence, so that compression sees roughly
/// the redundancy of a real directory rather than one entry repeated.
fn synthetic_directory(count: usize) -> Vec<Provider> {
    const FIRST: [(&str, &str, &str); 8] = [
        ("Айгүл", "Айгуль", "Aigul"),
        ("Ерлан", "Ерлан", "Yerlan"),
        ("Сәуле", "Сауле", "Saule"),
        ("Нұрлан", "Нурлан", "Nurlan"),
        ("Жанар", "Жанар", "Zhanar"),
        ("Қайрат", "Кайрат", "Kairat"),
        ("Ләззат", "Ляззат", "Lyazzat"),
        ("Дәурен", "Даурен", "Dauren"),
    ];
    const LAST: [(&str, &str, &str); 8] = [
        ("Сәрсенов", "Сарсенов", "Sarsenov"),
        ("Қуанышев", "Куанышев", "Kuanyshev"),
        ("Жұмабаев", "Жумабаев", "Zhumabayev"),
        ("Ғабдуллин", "Габдуллин", "Gabdullin"),
        ("Есенов", "Есенов", "Yessenov"),
        ("Бисенов", "Бисенов", "Bissenov"),
        ("Исмағұлов", "Исмагулов", "Ismagulov"),
        ("Әбілов", "Абилов", "Abilov"),
    ];
    const STREETS: [(&str, &str, &str); 6] = [
        ("Абай көшесі", "ул. Абая", "Abay Street"),
        ("Достық даңғылы", "пр. Достык", "Dostyk Avenue"),
        ("Құрманғазы көшесі", "ул. Курмангазы", "Kurmangazy Street"),
        ("Мұхит көшесі", "ул. Мухита", "Mukhit Street"),
        ("Тәуелсіздік көшесі", "ул. Тауелсиздик", "Tauelsizdik Street"),
        ("Жеңіс көшесі", "ул. Жениса", "Zhenis Street"),
    ];
    const SERVICES: [(&str, &str, &str); 4] = [
        ("отбасылық даулар, қарыз", "семейные споры, долги", "family disputes, debts"),
        ("мұра, мүлік", "наследство, имущество", "inheritance, property"),
        ("еңбек даулары", "трудовые споры", "labour disputes"),
        ("тегін заң көмегі", "бесплатная юридическая помощь", "free legal aid"),
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    (0..count)
        .map(|i| {
            let (first, last) = (FIRST[next(8)], LAST[next(8)]);
            let street = STREETS[next(6)];
            let services = SERVICES[next(4)];
            let district = District::ALL[next(13)];
            let house = 1 + next(250);
            let kind = ProviderKind::ALL[next(9)];
            Provider {
                id: format!(
                    "{}-{}-{i}",
                    district.code().to_lowercase(),
                    kind.code().replace('_', "-")
                ),
                kind,
                name: Text::new(
                    format!("{} {}", first.0, last.0),
                    format!("{} {}", first.1, last.1),
                    format!("{} {}", first.2, last.2),
                ),
                district,
                address: Text::new(
                    format!("{}, {}, {house}", district.name(Lang::Kk), street.0),
                    format!("{}, {}, {house}", district.name(Lang::Ru), street.1),
                    format!("{}, {house} {}", district.name(Lang::En), street.2),
                ),
                lat: 48.5 + next(300_000) as f64 / 100_000.0,
                lon: 47.0 + next(700_000) as f64 / 100_000.0,
                phones: vec![
                    Phone::parse(&format!("+7 70{} {:07}", next(8), next(10_000_000))).unwrap(),
                ],
                hours: Text::new("Дс–Жм 9:00–18:00", "Пн–Пт 9:00–18:00", "Mon–Fri 9:00–18:00"),
                languages: if next(3) == 0 {
                    vec![Lang::Kk, Lang::Ru, Lang::En]
                } else {
                    vec![Lang::Kk, Lang::Ru]
                },
                services: Text::new(services.0, services.1, services.2),
                centre_id: None,
                sample: false,
            }
        })
        .collect()
}
