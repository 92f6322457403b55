//! How the database keeps time: one text format for every timestamp column, and the
//! precision a stored time comes back with.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::DbError;

/// How timestamps are stored: UTC, to the millisecond (what a JavaScript `Date` keeps),
/// fixed width, so that text order is time order (`ORDER BY received_at`).
const TIMESTAMP: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// `at` to the millisecond, as it is stored: what a later read gives back.
pub fn stored_precision(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_millisecond(at.millisecond()).unwrap_or(at)
}

/// A timestamp as stored (see [`TIMESTAMP`]): UTC, to the millisecond.
pub fn format_time(at: OffsetDateTime) -> Result<String, DbError> {
    at.to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .map_err(|e| DbError::Corrupt(format!("unformattable timestamp: {e}")))
}

/// A stored timestamp read back (see [`TIMESTAMP`]).
pub(crate) fn parse_time(raw: &str) -> Result<OffsetDateTime, DbError> {
    PrimitiveDateTime::parse(raw, TIMESTAMP)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| DbError::Corrupt(format!("received_at {raw:?}: {e}")))
}
