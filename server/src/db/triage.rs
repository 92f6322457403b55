//! What is decided about a submission when it is stored, in the transaction that stores
//! it: the conflict-of-interest flag, the institution key, and the monitoring tasks that
//! repeated complaints raise and checklists finish.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use adal_core::District;
use adal_core::provider::ProviderKind;
use adal_core::staff::{
    REPEATED_COMPLAINT_DAYS, REPEATED_COMPLAINTS, monitoring_form, monitoring_key, names_an_office,
};
use rusqlite::{Connection, params};
use time::{Duration, OffsetDateTime};

use super::DbError;
use super::submissions::format_time;

/// Classifies the submission just stored (`id`, tracking number `tracking`) and raises or
/// finishes monitoring tasks. Part of the transaction that stores it.
pub fn on_stored(
    conn: &Connection,
    id: &str,
    tracking: &str,
    form_id: &str,
    district: District,
    answers: &str,
    received_at: OffsetDateTime,
) -> Result<(), DbError> {
    let Some((conflict, key, institution)) = classify(conn, id, form_id, district, answers)? else {
        return Ok(());
    };
    let Some(key) = key else { return Ok(()) };
    if form_id == "complaint" {
        raise_task(conn, district, &key, &institution, received_at)
    } else {
        debug_assert!(!conflict);
        conn.prepare_cached(
            "UPDATE monitoring_tasks SET done_by = ?1 \
             WHERE district = ?2 AND institution_key = ?3 AND done_by IS NULL",
        )?
        .execute(params![tracking, district.code(), key])?;
        Ok(())
    }
}

/// Works out and stores the submission's `conflict` flag and `institution_key`; `None`
/// for forms that have neither (what else it returns: the flag, the key, the institution).
fn classify(
    conn: &Connection,
    id: &str,
    form_id: &str,
    district: District,
    answers: &str,
) -> Result<Option<(bool, Option<String>, String)>, DbError> {
    if form_id != "complaint" && !form_id.starts_with("monitoring_") {
        return Ok(None);
    }
    let answers: serde_json::Value = serde_json::from_str(answers)
        .map_err(|e| DbError::Corrupt(format!("answers of submission {id}: {e}")))?;
    let institution = answers.get("institution").and_then(|v| v.as_str()).unwrap_or("");
    let conflict = form_id == "complaint"
        && !institution.is_empty()
        && names_an_office(
            institution,
            own_office_names(conn, district)?.iter().map(String::as_str),
        );
    let key = monitoring_key(form_id, &answers);
    if conflict || key.is_some() {
        conn.prepare_cached(
            "UPDATE submissions SET conflict = ?1, institution_key = ?2 WHERE id = ?3",
        )?
        .execute(params![conflict, key, id])?;
    }
    Ok(Some((conflict, key, institution.to_owned())))
}

/// Migration 0006's hook: classifies the submissions stored before it, so that an older
/// complaint about an office leaves that office's inbox too. Raises no tasks: the
/// 30-day windows of the past are over or will be seen by the next complaint.
pub fn classify_stored(tx: &rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult {
    let fail = |e: DbError| rusqlite_migration::HookError::Hook(e.to_string());
    let mut statement = tx.prepare(
        "SELECT id, form_id, district, answers FROM submissions \
         WHERE form_id IN ('complaint', 'monitoring_school', 'monitoring_clinic')",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get(1)?, row.get::<_, String>(2)?, row.get(3)?))
    })?;
    let rows: Vec<(String, String, String, String)> = rows.collect::<Result<_, _>>()?;
    for (id, form_id, district, answers) in rows {
        let Some(district) = District::from_code(&district) else { continue };
        classify(tx, &id, &form_id, district, &answers).map_err(fail)?;
    }
    Ok(())
}

/// The office names of every district, for one database at one directory version: the
/// directory changes seldom, and reading it whole for each complaint would slow the writer.
type Names = HashMap<District, Vec<String>>;
static NAMES: Mutex<Option<(String, u64, Arc<Names>)>> = Mutex::new(None);

/// The names, in every language, of `district`'s integrity offices and reconciliation
/// centres and of the mediators who work at them.
fn own_office_names(conn: &Connection, district: District) -> Result<Vec<String>, DbError> {
    let path = conn.path().unwrap_or_default().to_owned();
    let version = super::directory::current_version(conn)?;
    let cached = NAMES.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let names = match cached {
        Some((p, v, names)) if p == path && v == version => names,
        _ => {
            let names = Arc::new(office_names(conn)?);
            *NAMES.lock().unwrap_or_else(|e| e.into_inner()) = Some((path, version, names.clone()));
            names
        }
    };
    Ok(names.get(&district).cloned().unwrap_or_default())
}

fn office_names(conn: &Connection) -> Result<Names, DbError> {
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
            names.entry(provider.district).or_default().extend([
                name.kk.clone(),
                name.ru.clone(),
                name.en.clone(),
            ]);
        }
    }
    Ok(names)
}

/// Opens a task for the institution `key` if this complaint is the
/// [`REPEATED_COMPLAINTS`]th within [`REPEATED_COMPLAINT_DAYS`] days and none is open.
fn raise_task(
    conn: &Connection,
    district: District,
    key: &str,
    institution: &str,
    received_at: OffsetDateTime,
) -> Result<(), DbError> {
    let since = format_time(received_at - Duration::days(REPEATED_COMPLAINT_DAYS))?;
    let complaints: u32 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM submissions WHERE district = ?1 AND institution_key = ?2 \
             AND form_id = 'complaint' AND received_at > ?3",
        )?
        .query_row(params![district.code(), key, since], |row| row.get(0))?;
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
    use rusqlite::Connection;

    #[test]
    fn the_migration_classifies_complaints_stored_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("before.sqlite3")).unwrap();
        super::super::migrations().to_version(&mut conn, 5).unwrap();
        let insert = |id: &str, answers: &str| {
            conn.execute(
                "INSERT INTO submissions \
                 (id, fingerprint, form_id, form_version, district, tracking, answers, received_at) \
                 VALUES (?1, ?1, 'complaint', 2, 'URA', ?1, ?2, '2026-03-02T05:00:00.000Z')",
                [id, answers],
            )
            .unwrap();
        };
        insert("a", r#"{"category":"other","institution":"Центр примирения, Уральск"}"#);
        insert("b", r#"{"category":"school","institution":"School No. 12"}"#);
        super::super::migrations().to_latest(&mut conn).unwrap();
        let row = |id: &str| -> (bool, Option<String>) {
            conn.query_row(
                "SELECT conflict, institution_key FROM submissions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        assert_eq!(row("a"), (true, None));
        assert_eq!(row("b"), (false, Some("school:schol no 12".into())));
    }
}
