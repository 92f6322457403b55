//! Tracking numbers: what a person reads out over the phone to ask about their appeal.

use std::fmt;
use std::str::FromStr;

use crate::District;

/// `URA-2026-00042`: the district the appeal is addressed to, the year it was received,
/// and its sequence number in that district, year and [`Series`]. An anonymous report
/// is numbered in a series of its own, `URA-2026-A00007`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrackingNumber {
    pub district: District,
    pub year: i32,
    pub series: Series,
    pub sequence: u32,
}

/// Which register a submission is numbered in.
///
/// Anonymous reports have a register of their own, for two reasons. The law: a state
/// body does not consider an anonymous appeal (except about a crime), so it is a signal
/// for monitoring, not an appeal of the register. And privacy: numbers are handed out in
/// commit order, so an anonymous complaint sent in one batch with a named mediation
/// request from the same phone would get the next number, and the staff list would tie
/// the two together. Numbered apart, nothing in its number points to a named item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    /// Appeals and requests of a named person: `URA-2026-00042`.
    Named,
    /// Anonymous reports: `URA-2026-A00007`.
    Anonymous,
}

impl Series {
    pub fn of(anonymous: bool) -> Series {
        if anonymous { Series::Anonymous } else { Series::Named }
    }

    /// What comes before the digits.
    fn prefix(self) -> &'static str {
        match self {
            Series::Named => "",
            Series::Anonymous => "A",
        }
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (district, year, prefix) = (self.district.code(), self.year, self.series.prefix());
        write!(f, "{district}-{year}-{prefix}{:05}", self.sequence)
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
        let (series, number) = match sequence.strip_prefix(['A', 'a']) {
            Some(number) => (Series::Anonymous, number),
            None => (Series::Named, sequence),
        };
        if number.len() < 5 || !digits(number) {
            return Err(ParseTrackingError);
        }
        let sequence = number.parse().map_err(|_| ParseTrackingError)?;
        Ok(TrackingNumber { district, year, series, sequence })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_padding_and_parses_back() {
        let n = TrackingNumber {
            district: District::Terekti,
            year: 2026,
            series: Series::Named,
            sequence: 42,
        };
        assert_eq!(n.to_string(), "TER-2026-00042");
        assert_eq!("ter-2026-00042".parse(), Ok(n));
        let big = TrackingNumber { sequence: 123_456, ..n };
        assert_eq!(big.to_string().parse(), Ok(big));
        let anonymous = TrackingNumber { series: Series::Anonymous, sequence: 7, ..n };
        assert_eq!(anonymous.to_string(), "TER-2026-A00007");
        assert_eq!("ter-2026-a00007".parse(), Ok(anonymous));
    }

    #[test]
    fn a_year_before_1_parses_back_too() {
        // Found by the property tests: `-1` was split at its minus sign.
        let n = TrackingNumber {
            district: District::Uralsk,
            year: -1,
            series: Series::Named,
            sequence: 0,
        };
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
            "TER-2026-A1",
            "TER-2026-B00001",
            "TER-2026-+00001",
            "TER-2026-AA00001",
            "TER-+2026-00001",
            "TER-2026-+0001",
            "TER--2026",
            "TER---00001",
        ] {
            assert_eq!(s.parse::<TrackingNumber>(), Err(ParseTrackingError), "{s}");
        }
    }
}
