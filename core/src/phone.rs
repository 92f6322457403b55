//! Kazakhstan phone numbers in +7 format.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// A Kazakhstan phone number, normalised to `+7XXXXXXXXXX`.
///
/// Kazakhstan shares country code +7 with Russia; its national numbers start with 6 or 7
/// (mobile 70x/74x/77x, fixed lines 71x/72x), which is what tells the two apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phone(String);

impl Phone {
    /// Accepts what people actually type: `+7 701 234-56-78`, `8 (701) 2345678`,
    /// `77012345678`, or the ten national digits alone.
    pub fn parse(raw: &str) -> Result<Phone, ErrorCode> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ErrorCode::Required);
        }
        if raw
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '.')))
        {
            return Err(ErrorCode::InvalidPhone);
        }
        let plus = raw.starts_with('+');
        if raw.chars().skip(1).any(|c| c == '+') {
            return Err(ErrorCode::InvalidPhone);
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let national = match (plus, digits.len()) {
            (true, 11) if digits.starts_with('7') => &digits[1..],
            (false, 11) if digits.starts_with('8') || digits.starts_with('7') => &digits[1..],
            (false, 10) => &digits[..],
            _ => return Err(ErrorCode::InvalidPhone),
        };
        if !national.starts_with(['6', '7']) {
            return Err(ErrorCode::InvalidPhone);
        }
        Ok(Phone(format!("+7{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = ErrorCode;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Phone::parse(&raw)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> String {
        phone.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_ways_of_writing_a_number_normalise_to_plus_seven() {
        for raw in [
            "+7 701 234 56 78",
            "+7 (701) 234-56-78",
            "87012345678",
            "8 701 234 5678",
            "77012345678",
            "7012345678",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "+77012345678", "{raw}");
        }
    }

    #[test]
    fn wrong_numbers_are_refused() {
        for raw in [
            "+7 901 234 56 78", // a Russian mobile, not Kazakhstan
            "+1 701 234 5678",
            "+7 701 234 56",
            "8701234567899",
            "701-CALL-NOW",
            "+7+7012345678",
        ] {
            assert_eq!(Phone::parse(raw), Err(ErrorCode::InvalidPhone), "{raw}");
        }
        assert_eq!(Phone::parse("  "), Err(ErrorCode::Required));
    }
}
