//! Calendar years replaced by administrators, and the idempotency records of staff
//! actions.

use adal_core::calendar::Year;
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::DbError;
use super::submissions::format_time;

/// Every edited year, oldest first.
pub fn edited_years(conn: &Connection) -> Result<Vec<Year>, DbError> {
    let mut statement = conn.prepare("SELECT year, data FROM calendar_years ORDER BY year")?;
    let rows =
        statement.query_map([], |row| Ok((row.get::<_, i32>(0)?, row.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (year, data) = row?;
        serde_json::from_str(&data)
            .map_err(|e| DbError::Corrupt(format!("calendar year {year}: {e}")))
    })
    .collect()
}

/// Stores `year` in place of any earlier version of it.
pub fn put_year(
    conn: &Connection,
    year: &Year,
    by: &str,
    at: OffsetDateTime,
) -> Result<(), DbError> {
    let data = serde_json::to_string(year)
        .map_err(|e| DbError::Corrupt(format!("calendar year {}: {e}", year.year)))?;
    conn.execute(
        "INSERT INTO calendar_years (year, data, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (year) DO UPDATE SET data = excluded.data, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![year.year, data, format_time(at)?, by],
    )?;
    Ok(())
}

/// A staff action already done under an idempotency key.
#[derive(Debug, Clone)]
pub struct DoneRequest {
    pub account_id: i64,
    pub request_sha256: String,
    pub status: u16,
    /// The JSON answered.
    pub response: String,
}

pub fn done_request(conn: &Connection, key: &str) -> Result<Option<DoneRequest>, DbError> {
    Ok(conn
        .query_row(
            "SELECT account_id, request_sha256, status, response FROM staff_requests \
             WHERE idempotency_key = ?1",
            params![key],
            |row| {
                Ok(DoneRequest {
                    account_id: row.get(0)?,
                    request_sha256: row.get(1)?,
                    status: row.get(2)?,
                    response: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Records what a keyed request was answered; part of the transaction that did it.
pub fn record_request(
    conn: &Connection,
    key: &str,
    done: &DoneRequest,
    at: OffsetDateTime,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO staff_requests \
         (idempotency_key, account_id, request_sha256, status, response, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            key,
            done.account_id,
            done.request_sha256,
            done.status,
            done.response,
            format_time(at)?
        ],
    )?;
    Ok(())
}
