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

/// Why a value was refused. Each code maps to one message per language.
///
/// On the wire `{"code": "too_short", "min": 3}`; it is read through [`ErrorCodeWire`],
/// not serde's derive for an internally tagged enum, which buffers the whole object first
/// and cost the browser's wasm some 50 KB of code (twice, for JSON and for JS values). The
/// names are those `Serialize` writes; a test reads every code back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ErrorCode {
    #[error("a value is required")]
    Required,
    #[error("shorter than {min} characters")]
    TooShort { min: usize },
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("not one of the allowed choices")]
    UnknownChoice,
    #[error("fewer than {min} choices")]
    TooFewChoices { min: usize },
    #[error("more than {max} choices")]
    TooManyChoices { max: usize },
    #[error("not a valid date")]
    InvalidDate,
    #[error("date is in the future")]
    DateInFuture,
    #[error("date is too far in the past")]
    DateTooOld,
    #[error("not a valid time of day")]
    InvalidTime,
    #[error("not a number")]
    NotANumber,
    #[error("not a whole number")]
    NotAWholeNumber,
    #[error("number outside {min}..={max}")]
    NumberOutOfRange { min: i64, max: i64 },
    #[error("not a Kazakhstan phone number in +7 format")]
    InvalidPhone,
    #[error("not a valid IIN")]
    InvalidIin,
    #[error("not a provider from the directory")]
    InvalidProvider,
    #[error("a photo reference of the wrong shape")]
    InvalidAttachment,
    #[error("more than {max} photos")]
    TooManyPhotos { max: usize },
    #[error("a photo the submission does not list in its attachments")]
    UnlistedPhoto,
    #[error("not a location")]
    InvalidLocation,
    #[error("location outside the region")]
    OutsideRegion,
    #[error("consent not given")]
    ConsentRequired,
    #[error("fewer than {min} items")]
    TooFewItems { min: usize },
    #[error("more than {max} items")]
    TooManyItems { max: usize },
    #[error("a value of the wrong type")]
    InvalidValue,
    #[error("mediation is not allowed when a state body is a party")]
    MediationWithStateBody,
    #[error("date is in the past")]
    DateInPast,
    /// Not about one field: the answers had more problems than are reported
    /// ([`MAX_FIELD_ERRORS`]), and the rest were cut. Always the last entry, under
    /// [`Field::FORM`].
    #[error("more than {max} problems; the rest were cut")]
    TooManyErrors { max: usize },
}

/// The flat shape an [`ErrorCode`] is read from: the tag and the bounds some codes carry.
#[derive(Deserialize)]
struct ErrorCodeWire {
    code: String,
    min: Option<i64>,
    max: Option<i64>,
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let wire = ErrorCodeWire::deserialize(deserializer)?;
        let bound = |value: Option<i64>, name: &'static str| {
            value.ok_or_else(|| D::Error::missing_field(name))
        };
        let count = |value: Option<i64>, name: &'static str| {
            usize::try_from(bound(value, name)?)
                .map_err(|_| D::Error::custom(format_args!("{name} is not a count")))
        };
        let (min, max) = (wire.min, wire.max);
        Ok(match wire.code.as_str() {
            "required" => ErrorCode::Required,
            "too_short" => ErrorCode::TooShort { min: count(min, "min")? },
            "too_long" => ErrorCode::TooLong { max: count(max, "max")? },
            "unknown_choice" => ErrorCode::UnknownChoice,
            "too_few_choices" => ErrorCode::TooFewChoices { min: count(min, "min")? },
            "too_many_choices" => ErrorCode::TooManyChoices { max: count(max, "max")? },
            "invalid_date" => ErrorCode::InvalidDate,
            "date_in_future" => ErrorCode::DateInFuture,
            "date_too_old" => ErrorCode::DateTooOld,
            "invalid_time" => ErrorCode::InvalidTime,
            "not_a_number" => ErrorCode::NotANumber,
            "not_a_whole_number" => ErrorCode::NotAWholeNumber,
            "number_out_of_range" => {
                ErrorCode::NumberOutOfRange { min: bound(min, "min")?, max: bound(max, "max")? }
            }
            "invalid_phone" => ErrorCode::InvalidPhone,
            "invalid_iin" => ErrorCode::InvalidIin,
            "invalid_provider" => ErrorCode::InvalidProvider,
            "invalid_attachment" => ErrorCode::InvalidAttachment,
            "too_many_photos" => ErrorCode::TooManyPhotos { max: count(max, "max")? },
            "unlisted_photo" => ErrorCode::UnlistedPhoto,
            "invalid_location" => ErrorCode::InvalidLocation,
            "outside_region" => ErrorCode::OutsideRegion,
            "consent_required" => ErrorCode::ConsentRequired,
            "too_few_items" => ErrorCode::TooFewItems { min: count(min, "min")? },
            "too_many_items" => ErrorCode::TooManyItems { max: count(max, "max")? },
            "invalid_value" => ErrorCode::InvalidValue,
            "mediation_with_state_body" => ErrorCode::MediationWithStateBody,
            "date_in_past" => ErrorCode::DateInPast,
            "too_many_errors" => ErrorCode::TooManyErrors { max: count(max, "max")? },
            other => return Err(D::Error::custom(format_args!("unknown code `{other}`"))),
        })
    }
}

impl ErrorCode {
    /// The message a person reads next to the field.
    pub fn message(self, lang: Lang) -> String {
        use ErrorCode::*;
        match (self, lang) {
            (Required, Lang::Kk) => "Бұл өрісті толтырыңыз.".into(),
            (Required, Lang::Ru) => "Заполните это поле.".into(),
            (Required, Lang::En) => "Please fill in this field.".into(),
            (TooShort { min }, Lang::Kk) => format!("Кемінде {min} таңба жазыңыз."),
            (TooShort { min }, Lang::Ru) => format!("Напишите не меньше {min} символов."),
            (TooShort { min }, Lang::En) => format!("Please write at least {min} characters."),
            (TooLong { max }, Lang::Kk) => format!("{max} таңбадан аспауы керек."),
            (TooLong { max }, Lang::Ru) => format!("Не больше {max} символов."),
            (TooLong { max }, Lang::En) => format!("At most {max} characters, please."),
            (UnknownChoice, Lang::Kk) => "Тізімнен таңдаңыз.".into(),
            (UnknownChoice, Lang::Ru) => "Выберите значение из списка.".into(),
            (UnknownChoice, Lang::En) => "Please choose one from the list.".into(),
            (TooFewChoices { min }, Lang::Kk) => format!("Кемінде {min} нұсқаны белгілеңіз."),
            (TooFewChoices { min }, Lang::Ru) => format!("Отметьте не меньше {min}."),
            (TooFewChoices { min }, Lang::En) => format!("Please tick at least {min}."),
            (TooManyChoices { max }, Lang::Kk) => format!("Ең көбі {max} нұсқа белгілеуге болады."),
            (TooManyChoices { max }, Lang::Ru) => format!("Отметьте не больше {max}."),
            (TooManyChoices { max }, Lang::En) => format!("Please tick no more than {max}."),
            (InvalidDate, Lang::Kk) => "Күнді КК.АА.ЖЖЖЖ түрінде енгізіңіз.".into(),
            (InvalidDate, Lang::Ru) => "Введите дату в виде ДД.ММ.ГГГГ.".into(),
            (InvalidDate, Lang::En) => "Please enter a date as DD.MM.YYYY.".into(),
            (DateInFuture, Lang::Kk) => "Бұл күн әлі келген жоқ.".into(),
            (DateInFuture, Lang::Ru) => "Эта дата ещё не наступила.".into(),
            (DateInFuture, Lang::En) => "This date is in the future.".into(),
            (DateTooOld, Lang::Kk) => "Күн 2000 жылдан кейін болуы керек.".into(),
            (DateTooOld, Lang::Ru) => "Дата должна быть не раньше 2000 года.".into(),
            (DateTooOld, Lang::En) => "The date must be in 2000 or later.".into(),
            (InvalidTime, Lang::Kk) => "Уақытты СС:ММ түрінде жазыңыз, мысалы 08:30.".into(),
            (InvalidTime, Lang::Ru) => "Укажите время в виде ЧЧ:ММ, например 08:30.".into(),
            (InvalidTime, Lang::En) => "Please give the time as HH:MM, e.g. 08:30.".into(),
            (NotANumber, Lang::Kk) => "Мұнда тек сан жазыңыз.".into(),
            (NotANumber, Lang::Ru) => "Здесь нужно указать число.".into(),
            (NotANumber, Lang::En) => "Please enter a number here.".into(),
            (NotAWholeNumber, Lang::Kk) => "Бүтін сан жазыңыз, бөлшексіз.".into(),
            (NotAWholeNumber, Lang::Ru) => "Укажите целое число, без дробной части.".into(),
            (NotAWholeNumber, Lang::En) => "Please enter a whole number.".into(),
            (NumberOutOfRange { min, max }, Lang::Kk) => {
                format!("Сан ең азы {min}, ең көбі {max} болуы керек.")
            }
            (NumberOutOfRange { min, max }, Lang::Ru) => {
                format!("Число должно быть от {min} до {max}.")
            }
            (NumberOutOfRange { min, max }, Lang::En) => {
                format!("The number must be between {min} and {max}.")
            }
            (InvalidPhone, Lang::Kk) => {
                "Нөмірді +7 форматында жазыңыз, мысалы +7 701 234 56 78.".into()
            }
            (InvalidPhone, Lang::Ru) => {
                "Укажите номер в формате +7, например +7 701 234 56 78.".into()
            }
            (InvalidPhone, Lang::En) => {
                "Please give a number in +7 format, e.g. +7 701 234 56 78.".into()
            }
            (InvalidIin, Lang::Kk) => {
                "ЖСН дұрыс емес: 12 цифрды жеке куәліктегідей тексеріп жазыңыз.".into()
            }
            (InvalidIin, Lang::Ru) => {
                "ИИН указан неверно: проверьте 12 цифр по удостоверению личности.".into()
            }
            (InvalidIin, Lang::En) => {
                "This IIN is not valid: please check the 12 digits against the ID card.".into()
            }
            (InvalidProvider, Lang::Kk) => "Анықтамалықтан таңдаңыз.".into(),
            (InvalidProvider, Lang::Ru) => "Выберите из справочника.".into(),
            (InvalidProvider, Lang::En) => "Please choose one from the directory.".into(),
            (InvalidAttachment, Lang::Kk) => "Фото бүлінген; оны қайта қосыңыз.".into(),
            (InvalidAttachment, Lang::Ru) => "Фото повреждено; добавьте его заново.".into(),
            (InvalidAttachment, Lang::En) => "A photo is damaged; please add it again.".into(),
            (TooManyPhotos { max }, Lang::Kk) => format!("Ең көбі {max} фото қосуға болады."),
            (TooManyPhotos { max }, Lang::Ru) => format!("Не больше {max} фото."),
            (TooManyPhotos { max }, Lang::En) => format!("At most {max} photos, please."),
            (UnlistedPhoto, Lang::Kk) => {
                "Бұл фото өтінішпен бірге жүктелмеген; оны қайта қосыңыз.".into()
            }
            (UnlistedPhoto, Lang::Ru) => {
                "Это фото не было загружено вместе с обращением; добавьте его заново.".into()
            }
            (UnlistedPhoto, Lang::En) => {
                "This photo was not uploaded with the submission; please add it again.".into()
            }
            (InvalidLocation, Lang::Kk) => "Орынды анықтау мүмкін болмады; қайталаңыз.".into(),
            (InvalidLocation, Lang::Ru) => {
                "Не удалось определить место; попробуйте ещё раз.".into()
            }
            (InvalidLocation, Lang::En) => {
                "The location could not be read; please try again.".into()
            }
            (OutsideRegion, Lang::Kk) => "Бұл орын Батыс Қазақстан облысынан тыс.".into(),
            (OutsideRegion, Lang::Ru) => {
                "Это место за пределами Западно-Казахстанской области.".into()
            }
            (OutsideRegion, Lang::En) => "This place is outside the West Kazakhstan region.".into(),
            (ConsentRequired, Lang::Kk) => "Жалғастыру үшін келісіміңізді белгілеңіз.".into(),
            (ConsentRequired, Lang::Ru) => "Чтобы продолжить, отметьте своё согласие.".into(),
            (ConsentRequired, Lang::En) => "Please tick to give your consent.".into(),
            (TooFewItems { min }, Lang::Kk) => format!("Кемінде {min} жазба қосыңыз."),
            (TooFewItems { min }, Lang::Ru) => format!("Нужно добавить не меньше {min}."),
            (TooFewItems { min }, Lang::En) => format!("Please add at least {min}."),
            (TooManyItems { max }, Lang::Kk) => format!("Ең көбі {max} жазба қосуға болады."),
            (TooManyItems { max }, Lang::Ru) => format!("Можно добавить не больше {max}."),
            (TooManyItems { max }, Lang::En) => format!("No more than {max}, please."),
            (InvalidValue, Lang::Kk) => "Бұл жауап дұрыс түрде емес; қайта толтырыңыз.".into(),
            (InvalidValue, Lang::Ru) => "Ответ в неверном виде; заполните поле заново.".into(),
            (InvalidValue, Lang::En) => {
                "This answer is not in the expected form; please fill it in again.".into()
            }
            (MediationWithStateBody, Lang::Kk) => {
                "Тараптардың бірі мемлекеттік орган болса, заң бойынша медиация жүргізілмейді. \
                 Оның орнына шағым беріңіз."
                    .into()
            }
            (MediationWithStateBody, Lang::Ru) => {
                "По закону медиация невозможна, если одна из сторон — государственный орган. \
                 Подайте вместо этого жалобу."
                    .into()
            }
            (MediationWithStateBody, Lang::En) => {
                "By law there can be no mediation when a party is a state body. \
                 Please file a complaint instead."
                    .into()
            }
            (DateInPast, Lang::Kk) => {
                "Бұл күн өтіп кетті: бүгінгі не кейінгі күнді таңдаңыз.".into()
            }
            (DateInPast, Lang::Ru) => {
                "Эта дата уже прошла: выберите сегодняшнюю или более позднюю.".into()
            }
            (DateInPast, Lang::En) => "This date has passed: choose today or a later day.".into(),
            (TooManyErrors { max }, Lang::Kk) => {
                format!("Тек алғашқы {max} қате көрсетілді: оларды түзетіп, қайта жіберіңіз.")
            }
            (TooManyErrors { max }, Lang::Ru) => {
                format!("Показаны только первые {max} ошибок: исправьте их и отправьте снова.")
            }
            (TooManyErrors { max }, Lang::En) => {
                format!("Only the first {max} problems are shown: correct them and send again.")
            }
        }
    }

    /// One of every code, for tests that must cover them all (e.g. translations).
    #[cfg(test)]
    pub(crate) const EXAMPLES: [ErrorCode; 28] = [
        ErrorCode::Required,
        ErrorCode::TooShort { min: 3 },
        ErrorCode::TooLong { max: 3 },
        ErrorCode::UnknownChoice,
        ErrorCode::TooFewChoices { min: 1 },
        ErrorCode::TooManyChoices { max: 3 },
        ErrorCode::InvalidDate,
        ErrorCode::DateInFuture,
        ErrorCode::DateTooOld,
        ErrorCode::InvalidTime,
        ErrorCode::NotANumber,
        ErrorCode::NotAWholeNumber,
        ErrorCode::NumberOutOfRange { min: 0, max: 100 },
        ErrorCode::InvalidPhone,
        ErrorCode::InvalidIin,
        ErrorCode::InvalidProvider,
        ErrorCode::InvalidAttachment,
        ErrorCode::TooManyPhotos { max: 5 },
        ErrorCode::InvalidLocation,
        ErrorCode::OutsideRegion,
        ErrorCode::ConsentRequired,
        ErrorCode::TooFewItems { min: 1 },
        ErrorCode::TooManyItems { max: 5 },
        ErrorCode::InvalidValue,
        ErrorCode::MediationWithStateBody,
        ErrorCode::UnlistedPhoto,
        ErrorCode::DateInPast,
        ErrorCode::TooManyErrors { max: MAX_FIELD_ERRORS },
    ];
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
    fn the_examples_name_every_code_once() {
        // A new variant stops this match compiling: give it the next number and add it
        // to EXAMPLES, so that the translation test above covers it.
        let number = |code: ErrorCode| -> usize {
            use ErrorCode::*;
            match code {
                Required => 0,
                TooShort { .. } => 1,
                TooLong { .. } => 2,
                UnknownChoice => 3,
                TooFewChoices { .. } => 4,
                TooManyChoices { .. } => 5,
                InvalidDate => 6,
                DateInFuture => 7,
                DateTooOld => 8,
                InvalidTime => 9,
                NotANumber => 10,
                NotAWholeNumber => 11,
                NumberOutOfRange { .. } => 12,
                InvalidPhone => 13,
                InvalidIin => 14,
                InvalidProvider => 15,
                InvalidAttachment => 16,
                TooManyPhotos { .. } => 17,
                InvalidLocation => 18,
                OutsideRegion => 19,
                ConsentRequired => 20,
                TooFewItems { .. } => 21,
                TooManyItems { .. } => 22,
                InvalidValue => 23,
                MediationWithStateBody => 24,
                UnlistedPhoto => 25,
                DateInPast => 26,
                TooManyErrors { .. } => 27,
            }
        };
        let numbers: HashSet<_> = ErrorCode::EXAMPLES.iter().map(|&c| number(c)).collect();
        assert_eq!(numbers, (0..ErrorCode::EXAMPLES.len()).collect());
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
