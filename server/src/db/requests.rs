//! The idempotency records of staff steps (`POST /api/v1/staff/submissions/{t}/events`
//! with an `Idempotency-Key`): what was asked and what was answered, to answer a retry.

use super::sql::{Conn, params};
use time::OffsetDateTime;

use super::DbError;
use super::clock::format_time;

/// A staff action already done under an idempotency key.
#[derive(Debug, Clone)]
pub struct DoneRequest {
    pub account_id: i64,
    pub request_sha256: String,
    pub status: u16,
    /// The JSON answered.
    pub response: String,
}

pub fn done_request(conn: &Conn, key: &str) -> Result<Option<DoneRequest>, DbError> {
    conn.query_opt(
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
}

/// Records what a keyed request was answered; part of the transaction that did it.
pub fn record_request(
    conn: &Conn,
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
