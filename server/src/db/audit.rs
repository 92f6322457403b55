//! The append-only audit log (triggers in migration 0004 refuse updates and deletes).

use adal_core::District;
use adal_core::staff::{AuditEntry, Role};
use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::DbError;
use super::submissions::{format_time, parse_time};

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

pub fn append(conn: &Connection, entry: &NewEntry) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO audit_log \
         (at, account_id, login, role, action, target, district, outcome, device_sha256) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            format_time(entry.at)?,
            entry.account_id,
            entry.login,
            entry.role.map(Role::as_str),
            entry.action,
            entry.target,
            entry.district.map(District::code),
            entry.outcome,
            entry.device_sha256,
        ],
    )?;
    Ok(())
}

/// The latest `limit` entries, newest first.
pub fn latest(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>, DbError> {
    let mut statement = conn.prepare(
        "SELECT id, at, login, role, action, target, district, outcome, device_sha256 \
         FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = statement.query_map(params![limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<String>>(6)?,
            row.get::<_, String>(7)?,
            row.get::<_, Option<String>>(8)?,
        ))
    })?;
    rows.map(|row| {
        let (id, at, login, role, action, target, district, outcome, device) = row?;
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
            assert!(conn.execute("UPDATE audit_log SET outcome = 'allowed'", []).is_err());
            assert!(conn.execute("DELETE FROM audit_log", []).is_err());
            assert_eq!(latest(conn, 10)?.len(), 1);
            Ok(())
        })
        .unwrap();
    }
}
