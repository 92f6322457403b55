//! The provider directory: versioned rows with tombstones, so that a device can ask for
//! only what changed since the version it holds.
//!
//! Every change (an import, the first seeding) writes its changed rows with one new
//! version, one more than the largest so far; rows are never removed, a deletion only
//! sets `deleted`. The directory's version is therefore `MAX(version)`, and it never
//! goes down.

use std::collections::{HashMap, HashSet};

use super::sql::{Behavior, Conn, Dialect, params};
use adal_core::Provider;
use adal_core::provider::DirectoryDelta;

use super::DbError;

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The directory's version after the import (unchanged if nothing changed).
    pub version: u64,
    /// New ids, and deleted ids brought back.
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Entries turned into tombstones.
    pub deleted: usize,
}

/// Which entries missing from an import are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Keep them (the file is a set of additions and corrections)...
    Keep,
    /// ...or delete them: the file is the whole directory.
    Delete,
}

/// A `centre_id` that names no centre once the import is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DanglingCentre {
    /// Index into the imported providers.
    pub index: usize,
    pub centre_id: String,
    /// Whether the id exists but is not a centre (it is a person).
    pub not_a_centre: bool,
}

/// What importing came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Done(ImportReport),
    /// Nothing was written: these entries would point at no centre.
    Refused(Vec<DanglingCentre>),
}

/// Upserts `providers` by id in one transaction, at one new version.
///
/// An entry identical to the stored one keeps its version, so importing the same file
/// twice sends devices nothing. Live entries missing from the file are deleted when
/// `missing` says so; and sample entries missing from a file that holds real (not sample)
/// entries are always deleted: once the real directory arrives, the fictional one goes.
pub fn import(conn: &Conn, providers: &[Provider], missing: Missing) -> Result<Imported, DbError> {
    let tx = conn.transaction_with_behavior(Behavior::Immediate)?;
    if tx.dialect() == Dialect::Postgres {
        // The new version is one more than the largest: two servers importing at once
        // would both take it. Readers go on reading meanwhile.
        tx.execute_batch("LOCK TABLE providers IN EXCLUSIVE MODE")?;
    }
    // id → (stored JSON, deleted, sample)
    let mut stored: HashMap<String, (String, bool, bool)> = HashMap::new();
    {
        let mut statement = tx.prepare("SELECT id, data, deleted, sample FROM providers")?;
        let mut rows = statement.query(params![])?;
        while let Some(row) = rows.next()? {
            stored.insert(
                row.get(0)?,
                (row.get(1)?, row.get::<i64>(2)? != 0, row.get::<i64>(3)? != 0),
            );
        }
    }
    let version = current_version(&tx)? + 1;
    let in_file: HashSet<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    let has_real = providers.iter().any(|p| !p.sample);
    let to_delete: Vec<&String> = stored
        .iter()
        .filter(|(id, (_, deleted, sample))| {
            !deleted
                && !in_file.contains(id.as_str())
                && (missing == Missing::Delete || (*sample && has_real))
        })
        .map(|(id, _)| id)
        .collect();

    let dangling = dangling_centres(providers, &stored, &to_delete)?;
    if !dangling.is_empty() {
        return Ok(Imported::Refused(dangling));
    }

    let mut report = ImportReport { version, ..ImportReport::default() };
    for provider in providers {
        let data = serde_json::to_string(provider).map_err(|e| {
            DbError::Corrupt(format!("unserialisable provider {}: {e}", provider.id))
        })?;
        match stored.get(&provider.id) {
            Some((old, false, _)) if *old == data => {
                report.unchanged += 1;
                continue;
            }
            Some((_, false, _)) => report.updated += 1,
            Some((_, true, _)) | None => report.added += 1,
        }
        tx.execute(
            "INSERT INTO providers (id, version, deleted, sample, data) VALUES (?1, ?2, 0, ?3, ?4) \
             ON CONFLICT (id) DO UPDATE SET version = excluded.version, deleted = 0, \
             sample = excluded.sample, data = excluded.data",
            params![provider.id, version as i64, provider.sample as i64, data],
        )?;
    }
    for id in &to_delete {
        tx.execute(
            "UPDATE providers SET deleted = 1, version = ?2 WHERE id = ?1",
            params![id, version as i64],
        )?;
        report.deleted += 1;
    }
    if report.added + report.updated + report.deleted == 0 {
        report.version = version - 1;
        return Ok(Imported::Done(report));
    }
    tx.commit()?;
    Ok(Imported::Done(report))
}

/// Each `centre_id` of `providers` must name a centre that is live after the import:
/// one in the file, or one stored and not about to be deleted.
fn dangling_centres(
    providers: &[Provider],
    stored: &HashMap<String, (String, bool, bool)>,
    to_delete: &[&String],
) -> Result<Vec<DanglingCentre>, DbError> {
    let from_file: HashMap<&str, bool> =
        providers.iter().map(|p| (p.id.as_str(), p.kind.is_centre())).collect();
    let mut dangling = Vec::new();
    for (index, provider) in providers.iter().enumerate() {
        let Some(centre_id) = &provider.centre_id else { continue };
        let is_centre = match from_file.get(centre_id.as_str()) {
            Some(&is_centre) => Some(is_centre),
            None => match stored.get(centre_id) {
                Some((data, false, _)) if !to_delete.contains(&centre_id) => {
                    Some(parse(centre_id, data)?.kind.is_centre())
                }
                _ => None,
            },
        };
        if is_centre != Some(true) {
            dangling.push(DanglingCentre {
                index,
                centre_id: centre_id.clone(),
                not_a_centre: is_centre.is_some(),
            });
        }
    }
    Ok(dangling)
}

/// Loads `providers` if the directory has never held anything: the sample data at first
/// start. Returns whether it did. A directory whose entries were all deleted is not
/// empty (its tombstones remain), so sample data never comes back after a real import.
pub fn seed_if_empty(conn: &Conn, providers: &[Provider]) -> Result<bool, DbError> {
    let count: i64 =
        conn.query_row("SELECT COUNT(*) FROM providers", params![], |row| row.get(0))?;
    if count > 0 {
        return Ok(false);
    }
    match import(conn, providers, Missing::Keep)? {
        Imported::Done(_) => Ok(true),
        Imported::Refused(dangling) => Err(DbError::Corrupt(format!(
            "the sample directory points at missing centres: {dangling:?}"
        ))),
    }
}

/// The directory's version: that of its latest change, 0 when it never held anything.
pub fn current_version(conn: &Conn) -> Result<u64, DbError> {
    // Cached: the writer asks for every complaint it stores (see `triage`).
    let version: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(version), 0) FROM providers")?
        .query_row(params![], |row| row.get(0))?;
    Ok(version as u64)
}

/// What changed after version `since`. `since` 0, or newer than the directory (a device
/// that synced with a server since reset), gets the whole directory with `full` set.
pub fn delta(conn: &Conn, since: u64) -> Result<DirectoryDelta, DbError> {
    let version = current_version(conn)?;
    if since == 0 || since > version {
        return Ok(DirectoryDelta {
            version,
            full: true,
            providers: live(conn)?,
            deleted: Vec::new(),
        });
    }
    let mut statement = conn.prepare(
        "SELECT id, deleted, data FROM providers WHERE version > ?1 ORDER BY version, id",
    )?;
    let mut rows = statement.query(params![since as i64])?;
    let mut delta =
        DirectoryDelta { version, full: false, providers: Vec::new(), deleted: Vec::new() };
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        if row.get::<i64>(1)? != 0 {
            delta.deleted.push(id);
        } else {
            delta.providers.push(parse(&id, &row.get::<String>(2)?)?);
        }
    }
    Ok(delta)
}

/// Every entry that is not deleted, ordered by id.
pub fn live(conn: &Conn) -> Result<Vec<Provider>, DbError> {
    let mut statement =
        conn.prepare("SELECT id, data FROM providers WHERE deleted = 0 ORDER BY id")?;
    let mut rows = statement.query(params![])?;
    let mut providers = Vec::new();
    while let Some(row) = rows.next()? {
        providers.push(parse(&row.get::<String>(0)?, &row.get::<String>(1)?)?);
    }
    Ok(providers)
}

fn parse(id: &str, data: &str) -> Result<Provider, DbError> {
    serde_json::from_str(data).map_err(|e| DbError::Corrupt(format!("provider {id}: {e}")))
}
