//! What is decided about a submission when it is stored, in the transaction that stores
//! it: the conflict of interest and the institution key (stored in its row), and the
//! monitoring tasks that repeated complaints raise and checklists finish.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::sql::{Conn, Optional, params};
use adal_core::District;
use adal_core::form::Answers;
use adal_core::provider::ProviderKind;
use adal_core::staff::{
    REPEATED_COMPLAINT_DAYS, REPEATED_COMPLAINTS, monitoring_form, monitoring_key, names_an_office,
    office_name_key,
};
use time::{Duration, OffsetDateTime};

use super::DbError;
use super::clock::format_time;

/// What a submission's answers decide for triage, worked out before it is stored (and
/// stored with it); the conflict of interest, which also needs the directory, is
/// [`conflict_district`]'s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// `school:<folded name>` or `clinic:<folded name>` (`monitoring_key`).
    pub institution_key: Option<String>,
    /// The `institution` answer as written.
    institution: String,
    complaint: bool,
    /// The complaint reports a bribe (`receipt::reports_a_bribe`): its receipt shows the
    /// anti-corruption channels. Not stored; the receipt says it.
    pub reports_a_bribe: bool,
}

impl Triage {
    /// The institution and its key. Worked out while validating, off the writer, so
    /// that the writer reads no JSON.
    pub fn of(form_id: &str, answers: &Answers) -> Triage {
        if form_id != "complaint" && !form_id.starts_with("monitoring_") {
            return Triage::default();
        }
        let institution = answers.get("institution").and_then(|v| v.as_str()).unwrap_or("");
        Triage {
            institution_key: monitoring_key(form_id, answers),
            institution: institution.to_owned(),
            complaint: form_id == "complaint",
            reports_a_bribe: adal_core::receipt::reports_a_bribe(form_id, answers),
        }
    }
}

/// The district whose own office a complaint from `district` names (its conflict of
/// interest), from what its answers decided and the directory; writes nothing.
pub fn conflict_district(
    conn: &Conn,
    district: District,
    triage: &Triage,
) -> Result<Option<District>, DbError> {
    let conflict = triage.complaint
        && !triage.institution.is_empty()
        && names_an_office(
            &triage.institution,
            own_office_names(conn)?.get(&district).into_iter().flatten().map(String::as_str),
        );
    Ok(conflict.then_some(district))
}

/// Raises or finishes the monitoring task the submission just stored (`tracking`)
/// concerns. Part of the transaction that stores it, after its row.
pub fn after_stored(
    conn: &Conn,
    tracking: &str,
    district: District,
    triage: &Triage,
    received_at: OffsetDateTime,
) -> Result<(), DbError> {
    let Some(key) = &triage.institution_key else { return Ok(()) };
    if triage.complaint {
        return raise_task(conn, district, key, &triage.institution, received_at);
    }
    conn.prepare_cached(
        "UPDATE monitoring_tasks SET done_by = ?1 \
         WHERE district = ?2 AND institution_key = ?3 AND done_by IS NULL",
    )?
    .execute(params![tracking, district.code(), key])?;
    Ok(())
}

/// Migration 0006's hook: classifies the submissions stored before it, so that an older
/// complaint about an office leaves that office's inbox too. Raises no tasks: the
/// 30-day windows of the past are over or will be seen by the next complaint.
pub fn classify_stored(tx: &Conn) -> Result<(), DbError> {
    let mut statement = tx.prepare(
        "SELECT id, form_id, district, answers FROM submissions \
         WHERE form_id IN ('complaint', 'monitoring_school', 'monitoring_clinic')",
    )?;
    let rows = statement.query_map(params![], |row| {
        Ok((row.get::<String>(0)?, row.get(1)?, row.get::<String>(2)?, row.get(3)?))
    })?;
    let rows: Vec<(String, String, String, String)> = rows.collect::<Result<_, _>>()?;
    for (id, form_id, district, answers) in rows {
        let Some(district) = District::from_code(&district) else { continue };
        let answers: Answers = serde_json::from_str(&answers)
            .map_err(|e| DbError::Corrupt(format!("answers of a {form_id}: {e}")))?;
        let triage = Triage::of(&form_id, &answers);
        let conflict = conflict_district(tx, district, &triage)?;
        if conflict.is_some() || triage.institution_key.is_some() {
            tx.execute(
                "UPDATE submissions SET conflict_district = ?1, institution_key = ?2 \
                 WHERE id = ?3",
                params![conflict.map(District::code), triage.institution_key, id],
            )?;
        }
    }
    Ok(())
}

/// The office names of every district (as `office_name_key`s), for one database at one
/// directory version: the directory changes seldom, and reading and folding it for each
/// complaint would slow the writer.
type Names = HashMap<District, Vec<String>>;
static NAMES: Mutex<Option<(String, u64, Arc<Names>)>> = Mutex::new(None);

/// The names, in every language, of each district's integrity offices and reconciliation
/// centres and of the mediators who work at them.
fn own_office_names(conn: &Conn) -> Result<Arc<Names>, DbError> {
    let path = conn.key();
    let version = super::directory::current_version(conn)?;
    let mut cache = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((p, v, names)) = cache.as_ref()
        && p == path
        && *v == version
    {
        return Ok(names.clone());
    }
    let names = Arc::new(office_names(conn)?);
    *cache = Some((path.to_owned(), version, names.clone()));
    Ok(names)
}

fn office_names(conn: &Conn) -> Result<Names, DbError> {
    let providers = super::directory::live(conn)?;
    let offices: Vec<_> = providers
        .iter()
        .filter(|p| {
            matches!(p.kind, ProviderKind::IntegrityOffice | ProviderKind::ReconciliationCentre)
        })
        .collect();
    let mut names = Names::new();
    for provider in &providers {
        let works_there = provider
            .centre_id
            .as_ref()
            .is_some_and(|centre| offices.iter().any(|o| &o.id == centre));
        if works_there || offices.iter().any(|o| o.id == provider.id) {
            let name = &provider.name;
            names
                .entry(provider.district)
                .or_default()
                .extend([&name.kk, &name.ru, &name.en].map(|n| office_name_key(n)));
        }
    }
    Ok(names)
}

/// Opens a task for the institution `key` if this complaint is the
/// [`REPEATED_COMPLAINTS`]th within [`REPEATED_COMPLAINT_DAYS`] days and none is open.
fn raise_task(
    conn: &Conn,
    district: District,
    key: &str,
    institution: &str,
    received_at: OffsetDateTime,
) -> Result<(), DbError> {
    // Most complaints about a busy school find its task open: one indexed lookup.
    let open: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM monitoring_tasks \
             WHERE district = ?1 AND institution_key = ?2 AND done_by IS NULL",
        )?
        .query_row(params![district.code(), key], |row| row.get(0))
        .optional()?;
    if open.is_some() {
        return Ok(());
    }
    // Counting stops at the threshold, so a school with thousands of complaints costs
    // what one with three does.
    let since = format_time(received_at - Duration::days(REPEATED_COMPLAINT_DAYS))?;
    let complaints: u32 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM (SELECT 1 FROM submissions \
             WHERE district = ?1 AND institution_key = ?2 AND form_id = 'complaint' \
             AND received_at > ?3 LIMIT ?4) AS recent",
        )?
        .query_row(params![district.code(), key, since, REPEATED_COMPLAINTS], |row| row.get(0))?;
    if complaints < REPEATED_COMPLAINTS {
        return Ok(());
    }
    let Some(form) = monitoring_form(key).and_then(adal_core::form::current) else {
        return Ok(());
    };
    // The partial unique index keeps one open task per institution: a fourth complaint
    // finds it there and adds nothing.
    conn.prepare_cached(
        "INSERT INTO monitoring_tasks \
         (district, institution_key, institution, form_id, form_version, complaints, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        district.code(),
        key,
        institution,
        form.id,
        form.version,
        complaints,
        format_time(received_at)?
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::db::Conn;
    use crate::db::sql::params;

    #[test]
    fn the_migration_classifies_complaints_stored_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join("before.sqlite3")).unwrap();
        let conn = Conn::sqlite(conn);
        super::super::migrate_to(&conn, 5).unwrap();
        let insert = |id: &str, answers: &str| {
            conn.execute(
                "INSERT INTO submissions \
                 (id, fingerprint, form_id, form_version, district, tracking, answers, received_at) \
                 VALUES (?1, ?1, 'complaint', 2, 'URA', ?1, ?2, '2026-03-02T05:00:00.000Z')",
                params![id, answers],
            )
            .unwrap();
        };
        insert("a", r#"{"category":"other","institution":"Центр примирения, Уральск"}"#);
        insert("b", r#"{"category":"school","institution":"School No. 12"}"#);
        super::super::migrate_to(&conn, super::super::MIGRATION_NAMES.len()).unwrap();
        let row = |id: &str| -> (bool, Option<String>) {
            conn.query_row(
                "SELECT conflict_district IS NOT NULL, institution_key FROM submissions \
                 WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        assert_eq!(row("a"), (true, None));
        assert_eq!(row("b"), (false, Some("school:schol no 12".into())));
    }
}
