//! Staff sessions, stored by the SHA-256 of their token: the token itself lives only in
//! the browser's HttpOnly cookie. A token has 256 random bits, so a plain hash is enough.

use super::sql::{Conn, params};
use time::OffsetDateTime;

use super::DbError;
use super::accounts::{self, Account};
use super::clock::{format_time, parse_time};

pub fn insert(
    conn: &Conn,
    token_sha256: &str,
    account_id: i64,
    csrf_sha256: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), DbError> {
    // Expired sessions of everyone go at each login: the table stays as small as the staff.
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![format_time(now)?])?;
    conn.execute(
        "INSERT INTO sessions (token_sha256, account_id, csrf_sha256, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_sha256, account_id, csrf_sha256, format_time(now)?, format_time(expires_at)?],
    )?;
    Ok(())
}

/// A live session: its account (enabled) and the hash of its CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_sha256: String,
}

/// The session of `token_sha256` if it has not expired at `now` and its account is enabled.
pub fn find_live(
    conn: &Conn,
    token_sha256: &str,
    now: OffsetDateTime,
) -> Result<Option<Session>, DbError> {
    let found = conn.query_opt(
        "SELECT account_id, csrf_sha256, expires_at FROM sessions WHERE token_sha256 = ?1",
        params![token_sha256],
        |row| Ok((row.get::<i64>(0)?, row.get::<String>(1)?, row.get::<String>(2)?)),
    )?;
    let Some((account_id, csrf_sha256, expires_at)) = found else { return Ok(None) };
    if parse_time(&expires_at)? <= now {
        return Ok(None);
    }
    let Some(account) = accounts::find_by_id(conn, account_id)? else { return Ok(None) };
    if account.disabled {
        return Ok(None);
    }
    Ok(Some(Session { account, csrf_sha256 }))
}

pub fn delete(conn: &Conn, token_sha256: &str) -> Result<(), DbError> {
    conn.execute("DELETE FROM sessions WHERE token_sha256 = ?1", params![token_sha256])?;
    Ok(())
}

/// Ends every session of an account (it was disabled or its password reset).
pub fn delete_all_of(conn: &Conn, account_id: i64) -> Result<(), DbError> {
    conn.execute("DELETE FROM sessions WHERE account_id = ?1", params![account_id])?;
    Ok(())
}
