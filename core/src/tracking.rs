//! Tracking numbers: what a person reads out over the phone to ask about their appeal.

use std::fmt;
use std::str::FromStr;

use crate::District;

/// `URA-2026-00042`: the district the appeal is addressed to, the year it was received,
/// and its sequence number in that district and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrackingNumber {
    pub district: District,
    pub year: i32,
    pub sequence: u32,
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:05}", self.district.code(), self.year, self.sequence)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a tracking number such as URA-2026-00042")]
pub struct ParseTrackingError;

impl FromStr for TrackingNumber {
    type Err = ParseTrackingError;

    /// Reads what [`Display`](fmt::Display) writes, for every value (a year before 1 has a
    /// minus sign of its own: `URA--1-00001`), with the district in any case. Only ASCII
    /// digits are numbers: no `+`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (district, rest) = s.trim().split_once('-').ok_or(ParseTrackingError)?;
        let (year, sequence) = rest.rsplit_once('-').ok_or(ParseTrackingError)?;
        let district =
            District::from_code(&district.to_ascii_uppercase()).ok_or(ParseTrackingError)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year.strip_prefix('-').unwrap_or(year)) {
            return Err(ParseTrackingError);
        }
        let year = year.parse().map_err(|_| ParseTrackingError)?;
        if sequence.len() < 5 || !digits(sequence) {
            return Err(ParseTrackingError);
        }
        let sequence = sequence.parse().map_err(|_| ParseTrackingError)?;
        Ok(TrackingNumber { district, year, sequence })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_padding_and_parses_back() {
        let n = TrackingNumber { district: District::Terekti, year: 2026, sequence: 42 };
        assert_eq!(n.to_string(), "TER-2026-00042");
        assert_eq!("ter-2026-00042".parse(), Ok(n));
        let big = TrackingNumber { sequence: 123_456, ..n };
        assert_eq!(big.to_string().parse(), Ok(big));
    }

    #[test]
    fn a_year_before_1_parses_back_too() {
        // Found by the property tests: `-1` was split at its minus sign.
        let n = TrackingNumber { district: District::Uralsk, year: -1, sequence: 0 };
        assert_eq!(n.to_string(), "URA--1-00000");
        assert_eq!(n.to_string().parse(), Ok(n));
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "TER-2026",
            "XXX-2026-00001",
            "TER-2026-1",
            "TER-2026-00001-1",
            "TER-+2026-00001",
            "TER-2026-+0001",
            "TER--2026",
            "TER---00001",
        ] {
            assert_eq!(s.parse::<TrackingNumber>(), Err(ParseTrackingError), "{s}");
        }
    }
}
