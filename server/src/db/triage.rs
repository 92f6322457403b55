//! What is decided about a submission when it is stored, in the transaction that stores
//! it: the conflict of interest and the institution key (stored in its row), and the
//! monitoring tasks that repeated complaints raise and checklists finish.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::sql::{Conn, Value, params};
use adal_core::District;
use adal_core::form::Answers;
use adal_core::provider::ProviderKind;
use adal_core::staff::{
    REPEATED_COMPLAINT_DAYS, REPEATED_COMPLAINTS, monitoring_form, monitoring_key, names_an_office,
    office_name_key,
};
use time::Duration;

use super::DbError;
use super::clock::format_time;

/// What a submission's answers decide for triage, worked out before it is stored (and
/// stored with it); the conflict of interest, which also needs the directory, is
/// [`Conflicts::of`]'s.
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

/// The directory's office names, read once for a group of submissions.
pub struct Conflicts(Arc<Names>);

impl Conflicts {
    pub fn read(conn: &Conn) -> Result<Conflicts, DbError> {
        Ok(Conflicts(own_office_names(conn)?))
    }

    /// Whether a submission may name an office at all: a complaint naming an
    /// institution. (Of the others, no directory need be read.)
    pub fn may_concern(triage: &Triage) -> bool {
        triage.complaint && !triage.institution.is_empty()
    }

    /// The district whose own office a complaint from `district` names (its conflict of
    /// interest), from what its answers decided and the directory; writes nothing.
    pub fn of(&self, district: District, triage: &Triage) -> Option<District> {
        let conflict = Conflicts::may_concern(triage)
            && names_an_office(
                &triage.institution,
                self.0.get(&district).into_iter().flatten().map(String::as_str),
            );
        conflict.then_some(district)
    }
}

/// A submission of a group about to be stored, as [`after_group_stored`] needs it.
pub struct Arriving<'a> {
    pub tracking: &'a str,
    pub district: District,
    pub triage: &'a Triage,
    /// As stored ([`format_time`]).
    pub received_at: &'a str,
}

/// Raises or finishes the monitoring tasks the submissions of a group concern, in their
/// order, as if each were stored and then looked at alone. Part of the transaction that
/// stores them, and run *before* their rows are inserted: the complaints of the group
/// itself are counted here, those stored before it by one query for the whole group,
/// and the open tasks by the same query, so a group costs one statement (and one for each
/// task raised or finished), not two for each submission.
pub fn after_group_stored(conn: &Conn, group: &[Arriving<'_>]) -> Result<(), DbError> {
    let keyed: Vec<(usize, &str)> = group
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.triage.institution_key.as_deref().map(|key| (i, key)))
        .collect();
    if keyed.is_empty() {
        return Ok(());
    }
    let (mut open, stored_before) = before_group(conn, group, &keyed)?;
    for &(i, key) in &keyed {
        let arriving = &group[i];
        let institution = (arriving.district, key);
        if !arriving.triage.complaint {
            conn.prepare_cached(
                "UPDATE monitoring_tasks SET done_by = ?1 \
                 WHERE district = ?2 AND institution_key = ?3 AND done_by IS NULL",
            )?
            .execute(params![arriving.tracking, arriving.district.code(), key])?;
            open.remove(&institution);
            continue;
        }
        if open.contains(&institution) {
            continue;
        }
        // This complaint and the group's earlier ones about the institution count too.
        let since = since(arriving.received_at)?;
        let in_group = group[..=i]
            .iter()
            .filter(|a| {
                a.district == arriving.district
                    && a.triage.complaint
                    && a.triage.institution_key.as_deref() == Some(key)
                    && a.received_at > since.as_str()
            })
            .count() as u32;
        let complaints =
            (stored_before.get(&i).copied().unwrap_or(0) + in_group).min(REPEATED_COMPLAINTS);
        if raise_task(conn, arriving, key, complaints)? {
            open.insert(institution);
        }
    }
    Ok(())
}

/// The start of the window of complaints that count for one received at `received_at`.
fn since(received_at: &str) -> Result<String, DbError> {
    let at = super::clock::parse_time(received_at)?;
    format_time(at - Duration::days(REPEATED_COMPLAINT_DAYS))
}

/// The open tasks (by district and institution key) and the complaints stored before
/// (by the index of the complaint whose window they fall in); see [`before_group`].
type BeforeGroup<'k> = (HashSet<(District, &'k str)>, HashMap<usize, u32>);

/// Before the group: which institutions its `keyed` submissions name have an open task,
/// and for each keyed complaint (by its index) how many complaints about its institution
/// stored before the group fall in its window, counting no further than
/// [`REPEATED_COMPLAINTS`] (so a school with thousands costs what one with three does).
/// One query for the whole group.
fn before_group<'k>(
    conn: &Conn,
    group: &[Arriving<'_>],
    keyed: &[(usize, &'k str)],
) -> Result<BeforeGroup<'k>, DbError> {
    let mut windows = Vec::new();
    for &(i, key) in keyed {
        // A checklist counts no complaints: an empty window start counts them all, cheaply.
        let since =
            if group[i].triage.complaint { since(group[i].received_at)? } else { String::new() };
        windows.push((i.to_string(), group[i].district.code(), key, since));
    }
    let rows: Vec<Vec<Value<'_>>> = windows
        .iter()
        .map(|(i, district, key, since)| {
            vec![Value::Text(i), Value::Text(district), Value::Text(key), Value::Text(since)]
        })
        .collect();
    let (mut open, mut counts) = (HashSet::new(), HashMap::new());
    conn.rows(
        &format!(
            "SELECT w.column1, (SELECT COUNT(*) FROM (SELECT 1 FROM submissions \
             WHERE district = w.column2 AND institution_key = w.column3 \
             AND form_id = 'complaint' AND received_at > w.column4 \
             LIMIT {REPEATED_COMPLAINTS}) AS recent), \
             (SELECT COUNT(*) FROM monitoring_tasks WHERE district = w.column2 \
             AND institution_key = w.column3 AND done_by IS NULL) FROM (VALUES "
        ),
        "(?, ?, ?, ?)",
        ") AS w",
        &rows,
        |row| {
            let index: String = row.get(0)?;
            let index: usize =
                index.parse().map_err(|_| DbError::Corrupt(format!("row {index}")))?;
            let &(i, key) = keyed
                .iter()
                .find(|(i, _)| *i == index)
                .ok_or_else(|| DbError::Corrupt(format!("row {index}")))?;
            counts.insert(i, row.get(1)?);
            if row.get::<i64>(2)? > 0 {
                open.insert((group[i].district, key));
            }
            Ok(())
        },
    )?;
    Ok((open, counts))
}

/// Opens a task for the institution `key` if `complaints` reached
/// [`REPEATED_COMPLAINTS`] within [`REPEATED_COMPLAINT_DAYS`] days; whether one is open.
fn raise_task(
    conn: &Conn,
    arriving: &Arriving<'_>,
    key: &str,
    complaints: u32,
) -> Result<bool, DbError> {
    if complaints < REPEATED_COMPLAINTS {
        return Ok(false);
    }
    let Some(form) = monitoring_form(key).and_then(adal_core::form::current) else {
        return Ok(false);
    };
    // The partial unique index keeps one open task per institution: a fourth complaint
    // finds it there and adds nothing.
    conn.prepare_cached(
        "INSERT INTO monitoring_tasks \
         (district, institution_key, institution, form_id, form_version, complaints, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        arriving.district.code(),
        key,
        arriving.triage.institution,
        form.id,
        form.version,
        complaints,
        arriving.received_at
    ])?;
    Ok(true)
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
    let conflicts = Conflicts::read(tx)?;
    for (id, form_id, district, answers) in rows {
        let Some(district) = District::from_code(&district) else { continue };
        let answers: Answers = serde_json::from_str(&answers)
            .map_err(|e| DbError::Corrupt(format!("answers of a {form_id}: {e}")))?;
        let triage = Triage::of(&form_id, &answers);
        let conflict = conflicts.of(district, &triage);
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
