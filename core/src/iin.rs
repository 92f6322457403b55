//! Kazakhstan's individual identification number (ИИН / ЖСН).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::ErrorCode;

/// A person's IIN: twelve digits, `YYMMDD` of birth, a digit for century and sex, four
/// digits of a serial number and a check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Iin(String);

/// Weights of the first pass of the check digit, and of the second pass that is used
/// when the first gives 10.
const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

impl Iin {
    /// Accepts the twelve digits with spaces or dashes between groups, as people copy
    /// them from an ID card; checks the birth date and the check digit.
    pub fn parse(raw: &str) -> Result<Iin, ErrorCode> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ErrorCode::Required);
        }
        if raw.chars().any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-'))) {
            return Err(ErrorCode::InvalidIin);
        }
        let digits: Vec<u32> = raw.chars().filter_map(|c| c.to_digit(10)).collect();
        let digits: [u32; 12] = digits.try_into().map_err(|_| ErrorCode::IinLength)?;
        birth_date(&digits).ok_or(ErrorCode::InvalidIin)?;
        // A mistyped digit almost always shows here: say so, rather than "not valid".
        if check_digit(&digits) != Some(digits[11]) {
            return Err(ErrorCode::IinCheckDigit);
        }
        Ok(Iin(digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()))
    }

    /// The twelve digits without separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date of birth the IIN encodes.
    pub fn birth_date(&self) -> Date {
        let digits: Vec<u32> = self.0.chars().filter_map(|c| c.to_digit(10)).collect();
        // Parsing checked the date, so the fallback is never taken.
        digits.try_into().ok().and_then(|d: [u32; 12]| birth_date(&d)).unwrap_or(Date::MIN)
    }
}

/// A business identification number (BIN) of an organisation: twelve digits, the
/// registration year and month, then the kind of entity (4 a resident legal entity, 5 a
/// non-resident one, 6 an individual entrepreneur's joint venture), with the IIN's check
/// digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bin(String);

impl Bin {
    pub fn parse(raw: &str) -> Result<Bin, ErrorCode> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ErrorCode::Required);
        }
        if raw.chars().any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-'))) {
            return Err(ErrorCode::InvalidBin);
        }
        let digits: Vec<u32> = raw.chars().filter_map(|c| c.to_digit(10)).collect();
        let digits: [u32; 12] = digits.try_into().map_err(|_| ErrorCode::InvalidBin)?;
        let month = digits[2] * 10 + digits[3];
        if !(1..=12).contains(&month) || !(4..=6).contains(&digits[4]) {
            return Err(ErrorCode::InvalidBin);
        }
        if check_digit(&digits) != Some(digits[11]) {
            return Err(ErrorCode::InvalidBin);
        }
        Ok(Bin(digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Bin {
    type Error = ErrorCode;

    fn try_from(raw: String) -> Result<Bin, ErrorCode> {
        Bin::parse(&raw)
    }
}

impl From<Bin> for String {
    fn from(bin: Bin) -> String {
        bin.0
    }
}

/// The birth date of digits 1–7, or `None` if the century digit is not 1–6 (1 and 2
/// for the 1800s, 3 and 4 for the 1900s, 5 and 6 for the 2000s; odd for men) or the
/// date does not exist.
fn birth_date(d: &[u32; 12]) -> Option<Date> {
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return None,
    };
    let year = century + (d[0] * 10 + d[1]) as i32;
    let month = Month::try_from((d[2] * 10 + d[3]) as u8).ok()?;
    Date::from_calendar_date(year, month, (d[4] * 10 + d[5]) as u8).ok()
}

/// The check digit of the first eleven digits, or `None` when both passes give 10:
/// such a serial number is never issued.
fn check_digit(d: &[u32; 12]) -> Option<u32> {
    let sum = |weights: &[u32; 11]| d.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11;
    match sum(&FIRST_WEIGHTS) {
        10 => match sum(&SECOND_WEIGHTS) {
            10 => None,
            second => Some(second),
        },
        first => Some(first),
    }
}

impl TryFrom<String> for Iin {
    type Error = ErrorCode;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Iin::parse(&raw)
    }
}

impl From<Iin> for String {
    fn from(iin: Iin) -> String {
        iin.0
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn valid_iins_parse_with_or_without_separators() {
        for (raw, born) in [
            ("900101300007", date!(1990 - 01 - 01)),
            ("850315 400124", date!(1985 - 03 - 15)),
            ("000229-500454", date!(2000 - 02 - 29)),
            ("990101100010", date!(1899 - 01 - 01)),
        ] {
            let iin = Iin::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(iin.birth_date(), born, "{raw}");
            assert_eq!(iin.as_str().len(), 12);
        }
        assert_eq!(Iin::parse(" 850315 400124 ").unwrap().as_str(), "850315400124");
    }

    #[test]
    fn the_second_pass_is_used_when_the_first_gives_ten() {
        // Digits 1–11 weigh 10 (mod 11) with weights 1..11; the second weights give 1.
        assert!(Iin::parse("900101300811").is_ok());
        assert_eq!(Iin::parse("900101300810"), Err(ErrorCode::IinCheckDigit));
    }

    #[test]
    fn a_serial_where_both_passes_give_ten_is_never_valid() {
        for check in 0..=9 {
            assert_eq!(Iin::parse(&format!("90010130080{check}")), Err(ErrorCode::IinCheckDigit));
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(Iin::parse("900101300008"), Err(ErrorCode::IinCheckDigit));
        assert_eq!(Iin::parse("850315400125"), Err(ErrorCode::IinCheckDigit));
    }

    #[test]
    fn the_date_and_century_digit_must_be_real() {
        for raw in [
            "020229500458", // 29 February 2002 did not exist
            "011301300010", // month 13
            "950732300017", // 32 July
            "950715700013", // century digit 7
            "950715000015", // century digit 0
        ] {
            assert_eq!(Iin::parse(raw), Err(ErrorCode::InvalidIin), "{raw}");
        }
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        for raw in ["90010130000", "9001013000071"] {
            assert_eq!(Iin::parse(raw), Err(ErrorCode::IinLength), "{raw}");
        }
        for raw in ["90010130000A", "9001013000.7"] {
            assert_eq!(Iin::parse(raw), Err(ErrorCode::InvalidIin), "{raw}");
        }
        assert_eq!(Iin::parse("   "), Err(ErrorCode::Required));
    }
}
