//! The append-only audit log (triggers in migration 0004 refuse updates and deletes).

use std::borrow::Cow;

use super::sql::{Conn, params};
use adal_core::District;
use adal_core::staff::{AuditEntry, Role};
use time::OffsetDateTime;

use super::DbError;
use super::clock::{format_time, parse_time};

/// One line to append. No citizen's words ever go here.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub at: OffsetDateTime,
    pub account_id: Option<i64>,
    pub login: Option<String>,
    pub role: Option<Role>,
    pub action: &'static str,
    pub target: Option<String>,
    pub district: Option<District>,
    pub outcome: &'static str,
    pub device_sha256: Option<String>,
}

/// The longest text an audit line keeps of one field. Logins are at most 64 characters
/// and targets are tracking numbers, logins or report scopes; anything longer came from
/// a client (a login in a refused request, a path) and must not grow a log that can
/// never be trimmed.
pub const TEXT_MAX_CHARS: usize = 128;

/// `text` cut to [`TEXT_MAX_CHARS`] on a character boundary, with a marker saying how
/// long it was, so a reader knows it was cut.
fn bounded(text: Option<&str>) -> Option<Cow<'_, str>> {
    let text = text?;
    let Some((cut, _)) = text.char_indices().nth(TEXT_MAX_CHARS) else {
        return Some(Cow::Borrowed(text));
    };
    let total = text.chars().count();
    Some(Cow::Owned(format!("{}…[cut: {total} characters]", &text[..cut])))
}

/// Appends `entry`, every text field bounded (see [`TEXT_MAX_CHARS`]): the one place
/// audit lines are written.
pub fn append(conn: &Conn, entry: &NewEntry) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO audit_log \
         (at, account_id, login, role, action, target, district, outcome, device_sha256) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            format_time(entry.at)?,
            entry.account_id,
            bounded(entry.login.as_deref()),
            entry.role.map(Role::as_str),
            entry.action,
            bounded(entry.target.as_deref()),
            entry.district.map(District::code),
            entry.outcome,
            bounded(entry.device_sha256.as_deref()),
        ],
    )?;
    Ok(())
}

/// The latest `limit` entries, newest first.
pub fn latest(conn: &Conn, limit: u32) -> Result<Vec<AuditEntry>, DbError> {
    let rows = conn.query_map(
        "SELECT id, at, login, role, action, target, district, outcome, device_sha256 \
         FROM audit_log ORDER BY id DESC LIMIT ?1",
        params![limit],
        |row| {
            Ok((
                row.get::<i64>(0)?,
                row.get::<String>(1)?,
                row.get::<Option<String>>(2)?,
                row.get::<Option<String>>(3)?,
                row.get::<String>(4)?,
                row.get::<Option<String>>(5)?,
                row.get::<Option<String>>(6)?,
                row.get::<String>(7)?,
                row.get::<Option<String>>(8)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(id, at, login, role, action, target, district, outcome, device)| {
            Ok(AuditEntry {
                id,
                at: parse_time(&at)?,
                login,
                role: role.and_then(|r| r.parse().ok()),
                action,
                target,
                district: district.as_deref().and_then(District::from_code),
                outcome,
                device,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn long_texts_are_cut_on_a_character_boundary_with_a_marker() {
        assert_eq!(bounded(None), None);
        assert_eq!(bounded(Some("URA-2026-00042")).as_deref(), Some("URA-2026-00042"));
        let exact = "ә".repeat(TEXT_MAX_CHARS);
        assert_eq!(bounded(Some(&exact)).as_deref(), Some(exact.as_str()));
        let long = "ә".repeat(60_000);
        let cut = bounded(Some(&long)).unwrap();
        assert!(cut.starts_with(&exact));
        assert!(cut.ends_with("…[cut: 60000 characters]"), "{cut}");
    }

    #[test]
    fn the_log_refuses_updates_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        db.call_blocking(|conn| {
            let entry = NewEntry {
                at: OffsetDateTime::now_utc(),
                account_id: None,
                login: None,
                role: None,
                action: "login",
                target: None,
                district: None,
                outcome: "login_failed",
                device_sha256: None,
            };
            append(conn, &entry)?;
            assert!(conn.execute("UPDATE audit_log SET outcome = 'allowed'", params![]).is_err());
            assert!(conn.execute("DELETE FROM audit_log", params![]).is_err());
            assert_eq!(latest(conn, 10)?.len(), 1);
            Ok(())
        })
        .unwrap();
    }
}
