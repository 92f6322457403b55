//! Field-level validation errors and their messages in Kazakh, Russian and English.
//!
//! A rule is written once, in this crate; the client shows these messages next to the
//! field and the server returns the same codes and messages in `application/problem+json`.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A field of a form that an error can point at. Serialised in snake_case, the same name
/// the client uses for the input and the server uses in problem details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    District,
    Category,
    Institution,
    Description,
    OccurredOn,
    Name,
    Phone,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::District => "district",
            Field::Category => "category",
            Field::Institution => "institution",
            Field::Description => "description",
            Field::OccurredOn => "occurred_on",
            Field::Name => "name",
            Field::Phone => "phone",
        }
    }
}

/// Why a value was refused. Each code maps to one message per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ErrorCode {
    #[error("a value is required")]
    Required,
    #[error("shorter than {min} characters")]
    TooShort { min: usize },
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("not one of the allowed choices")]
    UnknownChoice,
    #[error("not a valid date")]
    InvalidDate,
    #[error("date is in the future")]
    DateInFuture,
    #[error("date is too far in the past")]
    DateTooOld,
    #[error("not a Kazakhstan phone number in +7 format")]
    InvalidPhone,
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
            (InvalidDate, Lang::Kk) => "Күнді КК.АА.ЖЖЖЖ түрінде енгізіңіз.".into(),
            (InvalidDate, Lang::Ru) => "Введите дату в виде ДД.ММ.ГГГГ.".into(),
            (InvalidDate, Lang::En) => "Please enter a date as DD.MM.YYYY.".into(),
            (DateInFuture, Lang::Kk) => "Бұл күн әлі келген жоқ.".into(),
            (DateInFuture, Lang::Ru) => "Эта дата ещё не наступила.".into(),
            (DateInFuture, Lang::En) => "This date is in the future.".into(),
            (DateTooOld, Lang::Kk) => "Күн 2000 жылдан кейін болуы керек.".into(),
            (DateTooOld, Lang::Ru) => "Дата должна быть не раньше 2000 года.".into(),
            (DateTooOld, Lang::En) => "The date must be in 2000 or later.".into(),
            (InvalidPhone, Lang::Kk) => {
                "Нөмірді +7 форматында жазыңыз, мысалы +7 701 234 56 78.".into()
            }
            (InvalidPhone, Lang::Ru) => {
                "Укажите номер в формате +7, например +7 701 234 56 78.".into()
            }
            (InvalidPhone, Lang::En) => {
                "Please give a number in +7 format, e.g. +7 701 234 56 78.".into()
            }
        }
    }
}

/// One refused field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    #[serde(flatten)]
    pub code: ErrorCode,
}

/// Every refused field of one form, in the order the form shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{} field(s) refused", .0.len())]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: Field, code: ErrorCode) {
        self.0.push(FieldError { field, code });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error for `field`, if any: a field shows one message at a time.
    pub fn get(&self, field: Field) -> Option<ErrorCode> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }

    /// Records the outcome of parsing one field and hands back the value when it parsed.
    pub fn check<T>(&mut self, field: Field, parsed: Result<T, ErrorCode>) -> Option<T> {
        parsed.map_err(|code| self.push(field, code)).ok()
    }
}

/// Trims `raw` and checks its length in characters (not bytes: Cyrillic and Kazakh
/// letters are two bytes each in UTF-8).
pub fn text(raw: &str, min: usize, max: usize) -> Result<String, ErrorCode> {
    let value = raw.trim();
    let len = value.chars().count();
    match len {
        0 => Err(ErrorCode::Required),
        n if n < min => Err(ErrorCode::TooShort { min }),
        n if n > max => Err(ErrorCode::TooLong { max }),
        _ => Ok(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_counts_characters_not_bytes() {
        assert_eq!(text("  Әділ  ", 2, 4), Ok("Әділ".to_owned()));
        assert_eq!(text("Әділет", 2, 4), Err(ErrorCode::TooLong { max: 4 }));
        assert_eq!(text("   ", 2, 4), Err(ErrorCode::Required));
        assert_eq!(text("Ә", 2, 4), Err(ErrorCode::TooShort { min: 2 }));
    }

    #[test]
    fn every_code_has_a_distinct_message_in_every_language() {
        let codes = [
            ErrorCode::Required,
            ErrorCode::TooShort { min: 3 },
            ErrorCode::TooLong { max: 3 },
            ErrorCode::UnknownChoice,
            ErrorCode::InvalidDate,
            ErrorCode::DateInFuture,
            ErrorCode::DateTooOld,
            ErrorCode::InvalidPhone,
        ];
        for code in codes {
            let messages: std::collections::HashSet<_> =
                Lang::ALL.iter().map(|&l| code.message(l)).collect();
            assert_eq!(messages.len(), 3, "{code:?} is not translated");
        }
    }

    #[test]
    fn field_errors_serialise_with_a_flat_code() {
        let mut errors = FieldErrors::default();
        errors.push(Field::Description, ErrorCode::TooShort { min: 10 });
        let json = serde_json::to_value(&errors).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"field": "description", "code": "too_short", "min": 10}])
        );
    }
}
