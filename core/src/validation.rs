//! Field-level validation errors and their messages in Kazakh, Russian and English.
//!
//! A rule is written once, in this crate; the client shows these messages next to the
//! field and the server returns the same codes and messages in `application/problem+json`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::clean::{self, Lines};

/// Where in a form's answers an error points: the field's key, and inside a repeating
/// group the group's key, the item's index (from 0, as in the JSON array) and the
/// sub-field's key, joined by dots: `description`, `parties.1.phone`.
///
/// The client finds the input to mark by this path; the server returns it in problem
/// details. Paths are made of schema keys only, never of what a person typed, so they
/// are safe to log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field(String);

impl Field {
    /// The form as a whole: where an error about no one field points.
    pub const FORM: Field = Field(String::new());

    pub fn new(path: impl Into<String>) -> Field {
        Field(path.into())
    }

    /// The path of `key` inside item `index` of this group field.
    pub fn item(&self, index: usize, key: &str) -> Field {
        Field(format!("{}.{index}.{key}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Field {
    fn from(path: &str) -> Field {
        Field(path.to_owned())
    }
}

impl From<String> for Field {
    fn from(path: String) -> Field {
        Field(path)
    }
}

impl PartialEq<str> for Field {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Field {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Makes [`ErrorCode`] from one row per code: its variant and bounds (each with the value
/// the tests use), its wire name, the developer's sentence (`Display`) and the message a
/// person reads, in Kazakh, Russian and English.
macro_rules! error_codes {
    ($(#[$enum_doc:meta])* pub enum ErrorCode { $(
        $(#[$doc:meta])*
        $code:ident $({ $($field:ident: $ty:ty = $example:expr),+ })? = $name:literal,
            error: $error:literal,
            kk: $kk:literal, ru: $ru:literal, en: $en:literal;
    )* }) => {
        $(#[$enum_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
        #[serde(tag = "code", rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum ErrorCode {
            $($(#[$doc])* #[error($error)] $code $({ $($field: $ty),+ })?,)*
        }

        impl ErrorCode {
            /// The message a person reads next to the field.
            pub fn message(self, lang: Lang) -> String {
                match self {
                    $(ErrorCode::$code $({ $($field),+ })? => match lang {
                        Lang::Kk => format!($kk),
                        Lang::Ru => format!($ru),
                        Lang::En => format!($en),
                    },)*
                }
            }

            /// The code a wire shape names, with its bounds.
            fn from_wire<E: serde::de::Error>(wire: ErrorCodeWire) -> Result<ErrorCode, E> {
                Ok(match wire.code.as_str() {
                    $($name => ErrorCode::$code $({ $(
                        $field: <$ty as Bound>::read(wire.$field, stringify!($field))?
                    ),+ })?,)*
                    other => return Err(E::custom(format_args!("unknown code `{other}`"))),
                })
            }

            /// One of every code, for tests that must cover them all (e.g. translations).
            #[cfg(test)]
            pub(crate) const EXAMPLES: [ErrorCode; [$($name),*].len()] =
                [$(ErrorCode::$code $({ $($field: $example),+ })?),*];
        }
    };
}

error_codes! {
/// Why a value was refused. Each code maps to one message per language.
///
/// On the wire `{"code": "too_short", "min": 3}`; it is read through [`ErrorCodeWire`],
/// not serde's derive for an internally tagged enum, which buffers the whole object first
/// and cost the browser's wasm some 50 KB of code (twice, for JSON and for JS values). The
/// names are those `Serialize` writes; a test reads every code back.
pub enum ErrorCode {
    Required = "required",
        error: "a value is required",
        kk: "Бұл өрісті толтырыңыз.",
        ru: "Заполните это поле.",
        en: "Please fill in this field.";

    TooShort { min: usize = 3 } = "too_short",
        error: "shorter than {min} characters",
        kk: "Кемінде {min} таңба жазыңыз.",
        ru: "Напишите не меньше {min} символов.",
        en: "Please write at least {min} characters.";

    TooLong { max: usize = 3 } = "too_long",
        error: "longer than {max} characters",
        kk: "{max} таңбадан аспауы керек.",
        ru: "Не больше {max} символов.",
        en: "At most {max} characters, please.";

    UnknownChoice = "unknown_choice",
        error: "not one of the allowed choices",
        kk: "Тізімнен таңдаңыз.",
        ru: "Выберите значение из списка.",
        en: "Please choose one from the list.";

    TooFewChoices { min: usize = 1 } = "too_few_choices",
        error: "fewer than {min} choices",
        kk: "Кемінде {min} нұсқаны белгілеңіз.",
        ru: "Отметьте не меньше {min}.",
        en: "Please tick at least {min}.";

    TooManyChoices { max: usize = 3 } = "too_many_choices",
        error: "more than {max} choices",
        kk: "Ең көбі {max} нұсқа белгілеуге болады.",
        ru: "Отметьте не больше {max}.",
        en: "Please tick no more than {max}.";

    InvalidDate = "invalid_date",
        error: "not a valid date",
        kk: "Күнді КК.АА.ЖЖЖЖ түрінде енгізіңіз.",
        ru: "Введите дату в виде ДД.ММ.ГГГГ.",
        en: "Please enter a date as DD.MM.YYYY.";

    DateInFuture = "date_in_future",
        error: "date is in the future",
        kk: "Бұл күн әлі келген жоқ.",
        ru: "Эта дата ещё не наступила.",
        en: "This date is in the future.";

    DateTooOld = "date_too_old",
        error: "date is too far in the past",
        kk: "Күн 2000 жылдан кейін болуы керек.",
        ru: "Дата должна быть не раньше 2000 года.",
        en: "The date must be in 2000 or later.";

    InvalidTime = "invalid_time",
        error: "not a valid time of day",
        kk: "Уақытты СС:ММ түрінде жазыңыз, мысалы 08:30.",
        ru: "Укажите время в виде ЧЧ:ММ, например 08:30.",
        en: "Please give the time as HH:MM, e.g. 08:30.";

    NotANumber = "not_a_number",
        error: "not a number",
        kk: "Мұнда тек сан жазыңыз.",
        ru: "Здесь нужно указать число.",
        en: "Please enter a number here.";

    NotAWholeNumber = "not_a_whole_number",
        error: "not a whole number",
        kk: "Бүтін сан жазыңыз, бөлшексіз.",
        ru: "Укажите целое число, без дробной части.",
        en: "Please enter a whole number.";

    NumberOutOfRange { min: i64 = 0, max: i64 = 100 } = "number_out_of_range",
        error: "number outside {min}..={max}",
        kk: "Сан ең азы {min}, ең көбі {max} болуы керек.",
        ru: "Число должно быть от {min} до {max}.",
        en: "The number must be between {min} and {max}.";

    InvalidPhone = "invalid_phone",
        error: "not a Kazakhstan phone number in +7 format",
        kk: "Нөмірді +7 форматында жазыңыз, мысалы +7 701 234 56 78.",
        ru: "Укажите номер в формате +7, например +7 701 234 56 78.",
        en: "Please give a number in +7 format, e.g. +7 701 234 56 78.";

    InvalidIin = "invalid_iin",
        error: "not a valid IIN",
        kk: "ЖСН дұрыс емес: 12 цифрды жеке куәліктегідей тексеріп жазыңыз.",
        ru: "ИИН указан неверно: проверьте 12 цифр по удостоверению личности.",
        en: "This IIN is not valid: please check the 12 digits against the ID card.";

    IinLength = "iin_length",
        error: "an IIN is twelve digits",
        kk: "ЖСН 12 цифрдан тұрады: жеке куәліктегідей толық жазыңыз.",
        ru: "ИИН состоит из 12 цифр: впишите его полностью, как в удостоверении личности.",
        en: "An IIN has exactly 12 digits: please type all of them, as on the ID card.";

    IinCheckDigit = "iin_check_digit",
        error: "the IIN's check digit does not match",
        kk: "ЖСН-нің соңғы (бақылау) цифры басқаларына сәйкес емес: бір цифр қате терілген болуы мүмкін.",
        ru: "Последняя (контрольная) цифра ИИН не сходится с остальными: вероятно, одна цифра введена с ошибкой.",
        en: "The IIN's last (check) digit does not match the others: a digit is probably mistyped.";

    InvalidBin = "invalid_bin",
        error: "not a valid BIN",
        kk: "БСН дұрыс емес: 12 цифрды тіркеу куәлігіндегідей тексеріп жазыңыз.",
        ru: "БИН указан неверно: проверьте 12 цифр по справке о регистрации.",
        en: "This BIN is not valid: please check the 12 digits against the registration certificate.";

    InvalidProvider = "invalid_provider",
        error: "not a provider from the directory",
        kk: "Анықтамалықтан таңдаңыз.",
        ru: "Выберите из справочника.",
        en: "Please choose one from the directory.";

    InvalidAttachment = "invalid_attachment",
        error: "a photo reference of the wrong shape",
        kk: "Фото бүлінген; оны қайта қосыңыз.",
        ru: "Фото повреждено; добавьте его заново.",
        en: "A photo is damaged; please add it again.";

    TooManyPhotos { max: usize = 5 } = "too_many_photos",
        error: "more than {max} photos",
        kk: "Ең көбі {max} фото қосуға болады.",
        ru: "Не больше {max} фото.",
        en: "At most {max} photos, please.";

    UnlistedPhoto = "unlisted_photo",
        error: "a photo the submission does not list in its attachments",
        kk: "Бұл фото өтінішпен бірге жүктелмеген; оны қайта қосыңыз.",
        ru: "Это фото не было загружено вместе с обращением; добавьте его заново.",
        en: "This photo was not uploaded with the submission; please add it again.";

    InvalidLocation = "invalid_location",
        error: "not a location",
        kk: "Орынды анықтау мүмкін болмады; қайталаңыз.",
        ru: "Не удалось определить место; попробуйте ещё раз.",
        en: "The location could not be read; please try again.";

    OutsideRegion = "outside_region",
        error: "location outside the region",
        kk: "Бұл орын Батыс Қазақстан облысынан тыс.",
        ru: "Это место за пределами Западно-Казахстанской области.",
        en: "This place is outside the West Kazakhstan region.";

    ConsentRequired = "consent_required",
        error: "consent not given",
        kk: "Жалғастыру үшін келісіміңізді белгілеңіз.",
        ru: "Чтобы продолжить, отметьте своё согласие.",
        en: "Please tick to give your consent.";

    TooFewItems { min: usize = 1 } = "too_few_items",
        error: "fewer than {min} items",
        kk: "Кемінде {min} жазба қосыңыз.",
        ru: "Нужно добавить не меньше {min}.",
        en: "Please add at least {min}.";

    TooManyItems { max: usize = 5 } = "too_many_items",
        error: "more than {max} items",
        kk: "Ең көбі {max} жазба қосуға болады.",
        ru: "Можно добавить не больше {max}.",
        en: "No more than {max}, please.";

    InvalidValue = "invalid_value",
        error: "a value of the wrong type",
        kk: "Бұл жауап дұрыс түрде емес; қайта толтырыңыз.",
        ru: "Ответ в неверном виде; заполните поле заново.",
        en: "This answer is not in the expected form; please fill it in again.";

    MediationWithStateBody = "mediation_with_state_body",
        error: "mediation is not allowed when a state body is a party",
        kk: "Тараптардың бірі мемлекеттік орган болса, заң бойынша медиация жүргізілмейді. \
            Оның орнына шағым беріңіз.",
        ru: "По закону медиация невозможна, если одна из сторон — государственный орган. \
            Подайте вместо этого жалобу.",
        en: "By law there can be no mediation when a party is a state body. \
            Please file a complaint instead.";

    MediationCorruptionCase = "mediation_corruption_case",
        error: "mediation is not allowed in a criminal case about a corruption offence",
        kk: "Сыбайлас жемқорлық қылмысы туралы істе заң бойынша медиация жүргізілмейді. \
            Сыбайлас жемқорлыққа қарсы 1424 байланыс орталығына хабарласыңыз не шағым беріңіз.",
        ru: "По закону медиация невозможна по уголовным делам о коррупционных \
            правонарушениях. Позвоните в колл-центр 1424 или подайте жалобу.",
        en: "By law there can be no mediation in a criminal case about a corruption \
            offence. Call the anti-corruption call centre 1424 or file a complaint.";

    MediationPartyIncapable = "mediation_party_incapable",
        error: "mediation is not allowed when a party lacks legal capacity",
        kk: "Тараптардың бірі әрекетке қабілетсіз болса, заң бойынша медиация жүргізілмейді. \
            Анықтамалықтағы адвокатқа не нотариусқа жүгініңіз.",
        ru: "По закону медиация невозможна, если одна из сторон недееспособна. \
            Обратитесь к адвокату или нотариусу из справочника.",
        en: "By law there can be no mediation when a party lacks legal capacity. \
            Please turn to a lawyer or a notary from the directory.";

    MediationThirdParties = "mediation_third_parties",
        error: "mediation is not allowed when the dispute affects third parties' rights",
        kk: "Дау үшінші тұлғалардың құқығын қозғаса, заң бойынша медиация жүргізілмейді. \
            Анықтамалықтағы адвокатқа не нотариусқа жүгініңіз.",
        ru: "По закону медиация невозможна, если спор затрагивает права третьих лиц. \
            Обратитесь к адвокату или нотариусу из справочника.",
        en: "By law there can be no mediation when the dispute affects the rights of \
            people who are not party to it. Please turn to a lawyer or a notary from the \
            directory.";

    DateInPast = "date_in_past",
        error: "date is in the past",
        kk: "Бұл күн өтіп кетті: бүгінгі не кейінгі күнді таңдаңыз.",
        ru: "Эта дата уже прошла: выберите сегодняшнюю или более позднюю.",
        en: "This date has passed: choose today or a later day.";

    /// Not about one field: the answers had more problems than are reported
    /// ([`MAX_FIELD_ERRORS`]), and the rest were cut. Always the last entry, under
    /// [`Field::FORM`].
    TooManyErrors { max: usize = MAX_FIELD_ERRORS } = "too_many_errors",
        error: "more than {max} problems; the rest were cut",
        kk: "Тек алғашқы {max} қате көрсетілді: оларды түзетіп, қайта жіберіңіз.",
        ru: "Показаны только первые {max} ошибок: исправьте их и отправьте снова.",
        en: "Only the first {max} problems are shown: correct them and send again.";
}
}

/// The flat shape an [`ErrorCode`] is read from: the tag and the bounds some codes carry.
#[derive(Deserialize)]
struct ErrorCodeWire {
    code: String,
    min: Option<i64>,
    max: Option<i64>,
}

/// A bound as an [`ErrorCode`] carries it, read from the wire's number.
trait Bound: Sized {
    fn read<E: serde::de::Error>(value: Option<i64>, name: &'static str) -> Result<Self, E>;
}

impl Bound for i64 {
    fn read<E: serde::de::Error>(value: Option<i64>, name: &'static str) -> Result<i64, E> {
        value.ok_or_else(|| E::missing_field(name))
    }
}

impl Bound for usize {
    fn read<E: serde::de::Error>(value: Option<i64>, name: &'static str) -> Result<usize, E> {
        usize::try_from(i64::read::<E>(value, name)?)
            .map_err(|_| E::custom(format_args!("{name} is not a count")))
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ErrorCode::from_wire(ErrorCodeWire::deserialize(deserializer)?)
    }
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    #[serde(flatten)]
    pub code: ErrorCode,
}

/// The most field errors one answer reports. A form of the catalogue, filled as badly as
/// it can be, has fewer; the cap bounds what an attacker's answers cost to report, send
/// and log.
pub const MAX_FIELD_ERRORS: usize = 50;

/// Every refused field of one form, in the order the form shows them: at most
/// [`MAX_FIELD_ERRORS`], then, if there were more, one [`ErrorCode::TooManyErrors`] under
/// [`Field::FORM`] that says the rest were cut.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{} field(s) refused", .0.len())]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds a refusal; past [`MAX_FIELD_ERRORS`], adds the one marker that the rest were
    /// cut, then nothing.
    pub fn push(&mut self, field: impl Into<Field>, code: ErrorCode) {
        let error = match self.0.len() {
            n if n < MAX_FIELD_ERRORS => FieldError { field: field.into(), code },
            MAX_FIELD_ERRORS => FieldError {
                field: Field::FORM,
                code: ErrorCode::TooManyErrors { max: MAX_FIELD_ERRORS },
            },
            _ => return,
        };
        self.0.push(error);
    }

    /// Whether more errors were found than are listed.
    pub fn is_truncated(&self) -> bool {
        self.0.last().is_some_and(|e| matches!(e.code, ErrorCode::TooManyErrors { .. }))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error for the field at `path`, if any: a field shows one message at a
    /// time.
    pub fn get(&self, path: &str) -> Option<ErrorCode> {
        self.0.iter().find(|e| e.field == path).map(|e| e.code)
    }

    /// Records the outcome of parsing one field and hands back the value when it parsed.
    pub fn check<T>(&mut self, field: impl Into<Field>, parsed: Result<T, ErrorCode>) -> Option<T> {
        parsed.map_err(|code| self.push(field, code)).ok()
    }
}

/// One line of free text: `raw` cleaned ([`crate::clean`]: controls and invisible
/// characters removed, line breaks as spaces, ends trimmed) and its length checked in
/// characters (not bytes: Cyrillic and Kazakh letters are two bytes each in UTF-8).
///
/// Nothing visible left is [`ErrorCode::Required`]; the minimum is judged on the visible
/// characters ([`clean::visible_len`]), the maximum on every character kept.
///
/// On the server (the `nfc` feature) the text is also composed ([`clean::nfc`]) before it
/// is measured: what is stored is NFC.
pub fn text(raw: &str, min: usize, max: usize) -> Result<String, ErrorCode> {
    length(clean::nfc(clean::clean(raw, Lines::One)), min, max)
}

/// Free text of several lines (a description, a reply, a note): as [`text`], but line
/// breaks and tabs are kept.
pub fn long_text(raw: &str, min: usize, max: usize) -> Result<String, ErrorCode> {
    length(clean::nfc(clean::clean(raw, Lines::Many)), min, max)
}

/// Checks the length of text already cleaned ([`clean::clean`]): nothing is
/// [`ErrorCode::Required`], the minimum is counted in visible characters, the maximum in
/// every character.
pub fn length(value: String, min: usize, max: usize) -> Result<String, ErrorCode> {
    if value.is_empty() {
        return Err(ErrorCode::Required);
    }
    if clean::visible_len(&value) < min {
        return Err(ErrorCode::TooShort { min });
    }
    if value.chars().count() > max {
        return Err(ErrorCode::TooLong { max });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn text_counts_characters_not_bytes() {
        assert_eq!(text("  Әділ  ", 2, 4), Ok("Әділ".to_owned()));
        assert_eq!(text("Әділет", 2, 4), Err(ErrorCode::TooLong { max: 4 }));
        assert_eq!(text("   ", 2, 4), Err(ErrorCode::Required));
        assert_eq!(text("Ә", 2, 4), Err(ErrorCode::TooShort { min: 2 }));
    }

    #[test]
    fn text_with_nothing_visible_is_required_whatever_it_is_made_of() {
        // The security review's cases: ten U+0000 as a description, two zero-width
        // spaces as a name.
        assert_eq!(long_text(&"\u{0}".repeat(10), 10, 4000), Err(ErrorCode::Required));
        assert_eq!(text("\u{200b}\u{200b}", 2, 100), Err(ErrorCode::Required));
        assert_eq!(text("\u{202e}\u{2066}\u{feff}", 1, 100), Err(ErrorCode::Required));
    }

    #[test]
    fn the_minimum_counts_visible_characters_only() {
        assert_eq!(text("A\u{200b}\u{200b}\u{200b}", 2, 100), Err(ErrorCode::TooShort { min: 2 }));
        assert_eq!(text("A\u{200d}\u{200d}", 2, 100), Err(ErrorCode::TooShort { min: 2 }));
        let padded = format!("Short{}", "\u{0}".repeat(20));
        assert_eq!(long_text(&padded, 10, 4000), Err(ErrorCode::TooShort { min: 10 }));
    }

    #[test]
    fn escapes_and_bidi_overrides_are_removed_from_what_is_kept() {
        assert_eq!(text("\u{1b}[31mBolat\u{1b}[0m K.", 2, 100), Ok("Bolat K.".to_owned()));
        assert_eq!(text("report\u{202e}fdp.exe", 2, 100), Ok("reportfdp.exe".to_owned()));
        assert_eq!(
            long_text("Line one\r\n\u{7}Line two\u{1b}]0;title\u{7}", 2, 100),
            Ok("Line one\nLine two".to_owned())
        );
        assert_eq!(text("Line one\nLine two", 2, 100), Ok("Line one Line two".to_owned()));
    }

    #[test]
    fn field_errors_stop_at_the_cap_with_one_marker() {
        let mut errors = FieldErrors::default();
        for i in 0..10 * MAX_FIELD_ERRORS {
            errors.push(format!("f{i}"), ErrorCode::Required);
        }
        assert_eq!(errors.0.len(), MAX_FIELD_ERRORS + 1);
        assert!(errors.is_truncated());
        assert_eq!(errors.get(""), Some(ErrorCode::TooManyErrors { max: MAX_FIELD_ERRORS }));
        let mut few = FieldErrors::default();
        few.push("a", ErrorCode::Required);
        assert!(!few.is_truncated());
    }

    #[test]
    fn every_code_has_a_distinct_message_in_every_language() {
        let mut seen = HashSet::new();
        for code in ErrorCode::EXAMPLES {
            let messages: HashSet<_> = Lang::ALL.iter().map(|&l| code.message(l)).collect();
            assert_eq!(messages.len(), 3, "{code:?} is not translated");
            for message in messages {
                assert!(!message.trim().is_empty(), "{code:?}");
                assert!(seen.insert(message.clone()), "{code:?} repeats {message:?}");
            }
        }
    }

    #[test]
    fn every_code_has_a_distinct_name_on_the_wire() {
        let codes: HashSet<_> = ErrorCode::EXAMPLES
            .iter()
            .map(|c| serde_json::to_value(c).unwrap()["code"].clone())
            .collect();
        assert_eq!(codes.len(), ErrorCode::EXAMPLES.len());
    }

    #[test]
    fn every_code_reads_back_what_it_writes() {
        let mut codes = ErrorCode::EXAMPLES.to_vec();
        codes.push(ErrorCode::NumberOutOfRange { min: -40, max: 9_000_000_000 });
        for code in codes {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(serde_json::from_value::<ErrorCode>(json.clone()).unwrap(), code, "{json}");
        }
    }

    #[test]
    fn a_code_that_is_unknown_or_lacks_its_bound_is_refused() {
        let read = |json| serde_json::from_value::<ErrorCode>(json);
        assert!(read(serde_json::json!({"code": "no_such_code"})).is_err());
        assert!(read(serde_json::json!({"code": "too_short"})).is_err());
        assert!(read(serde_json::json!({"code": "too_long", "max": -1})).is_err());
        assert!(read(serde_json::json!({"min": 3})).is_err());
        // A field it does not know is ignored, as before.
        assert_eq!(
            read(serde_json::json!({"code": "required", "hint": "x"})).unwrap(),
            ErrorCode::Required
        );
    }

    #[test]
    fn field_errors_serialise_with_a_flat_code_and_a_path() {
        let mut errors = FieldErrors::default();
        errors.push("description", ErrorCode::TooShort { min: 10 });
        errors.push(Field::new("parties").item(1, "phone"), ErrorCode::InvalidPhone);
        let json = serde_json::to_value(&errors).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"field": "description", "code": "too_short", "min": 10},
                {"field": "parties.1.phone", "code": "invalid_phone"},
            ])
        );
        let back: FieldErrors = serde_json::from_value(json).unwrap();
        assert_eq!(back, errors);
        assert_eq!(back.get("parties.1.phone"), Some(ErrorCode::InvalidPhone));
        assert_eq!(back.get("parties.0.phone"), None);
    }
}
