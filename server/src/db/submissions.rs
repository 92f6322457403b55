//! Storing submissions idempotently and allocating their tracking numbers.

use super::sql::{Behavior, Conn, Dialect, Optional, params};
use adal_core::api::{FormRef, Receipt};
use adal_core::receipt::Identity;
use adal_core::{AttachmentRef, District, Series, TrackingNumber};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbError;
use super::clock::{format_time, parse_time, stored_precision};
use super::triage::Triage;

/// A validated, normalised submission about to be stored.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub id: Uuid,
    pub fingerprint: String,
    pub form: FormRef,
    pub district: District,
    /// JSON of the normalised answers.
    pub answers: String,
    /// Stored to the millisecond, in UTC.
    pub received_at: OffsetDateTime,
    /// Must all count (be verified) with exactly these hashes; linked in order.
    pub attachments: Vec<AttachmentRef>,
    /// SHA-256 of the receipt secret; a resend must carry the same one.
    pub receipt_secret_sha256: Option<String>,
    /// Sent without name and phone.
    pub anonymous: bool,
    /// What its answers decide for triage (institution and its key).
    pub triage: Triage,
}

/// What storing a submission came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// First time this id was seen: a new row and a new tracking number.
    Created(Receipt),
    /// A resend of a stored submission: the receipt it got the first time.
    AlreadyStored(Receipt),
    /// The id is taken by a submission with different content, or with another
    /// receipt secret.
    Conflict,
    /// Nothing stored: these listed attachments do not count (yet) with the hash given.
    AttachmentsIncomplete(Vec<Uuid>),
}

/// A stored submission as `export` prints it, one JSON object per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSubmission {
    pub id: Uuid,
    pub tracking: String,
    pub form: FormRef,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub answers: serde_json::Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRef>,
    /// A name and phone added later to an anonymous submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
}

/// Stores `new` unless its id is already stored, in its own transaction. The server
/// stores through [`store_group`] (see `db::writer`); this is for tools and tests.
pub fn store(conn: &Conn, new: &NewSubmission) -> Result<Stored, DbError> {
    let mut results = store_group(conn, &[new])?;
    results.pop().expect("one result per submission")
}

/// Stores every submission of `group` in one transaction: one commit, and so one fsync,
/// for the whole group. Each item is stored as if under its own savepoint, so an item
/// that fails rolls back alone (its tracking number too) and the others still commit;
/// the outer `Err` means the commit itself failed and nothing of the group is stored.
///
/// Items are stored one after the other on one connection, so the idempotency check of
/// an item sees every earlier item of the group: two resends of one submission in the
/// same group get one row and one tracking number, exactly as in two transactions.
pub fn store_group(
    conn: &Conn,
    group: &[&NewSubmission],
) -> Result<Vec<Result<Stored, DbError>>, DbError> {
    // Items practically never fail (a refusal such as a conflict is a result, not an
    // error), and a savepoint per item costs two statements and a copy of every page the
    // item touches, kept for the whole transaction: past 64 KiB, SQLite writes those
    // copies to a temporary file, so a group of a few hundred wrote several times the
    // bytes it stored. So the group is first stored without savepoints; only if an item
    // fails is that transaction rolled back and the group stored again item by item
    // under savepoints, which comes to exactly the same rows and tracking numbers.
    if let Some(results) = store_group_at_once(conn, group)? {
        return Ok(results);
    }
    store_group_by_savepoints(conn, group)
}

/// The common case of [`store_group`]: `None` (and nothing stored) if any item fails.
fn store_group_at_once(
    conn: &Conn,
    group: &[&NewSubmission],
) -> Result<Option<Vec<Result<Stored, DbError>>>, DbError> {
    // IMMEDIATE takes the write lock up front: the counters read and updated below
    // cannot interleave with another writer's (such as `adal-server directory import`).
    let tx = conn.transaction_with_behavior(Behavior::Immediate)?;
    lock_counters(&tx, group)?;
    let mut results = Vec::with_capacity(group.len());
    for new in group {
        match store_one(&tx, new) {
            Ok(stored) => results.push(Ok(stored)),
            Err(error) if group.len() == 1 => return Err(error),
            // Dropping the transaction rolls the whole group back.
            Err(_) => return Ok(None),
        }
    }
    tx.commit()?;
    Ok(Some(results))
}

/// [`store_group`] with a savepoint per item, once an item has failed.
fn store_group_by_savepoints(
    conn: &Conn,
    group: &[&NewSubmission],
) -> Result<Vec<Result<Stored, DbError>>, DbError> {
    let tx = conn.transaction_with_behavior(Behavior::Immediate)?;
    lock_counters(&tx, group)?;
    let mut results = Vec::with_capacity(group.len());
    for new in group {
        let savepoint = tx.savepoint()?;
        match store_one(&savepoint, new) {
            Ok(stored) => {
                savepoint.commit()?;
                results.push(Ok(stored));
            }
            // Dropping the savepoint rolls this item back.
            Err(error) => results.push(Err(error)),
        }
    }
    tx.commit()?;
    Ok(results)
}

/// The counter a submission takes its number from: its register, district and the year
/// a person in the region sees on the calendar (not the UTC year).
fn counter_of(new: &NewSubmission) -> (Series, &'static str, i32) {
    let received_at = stored_precision(new.received_at.to_offset(time::UtcOffset::UTC));
    let year = adal_core::district::region_date(received_at).year();
    (Series::of(new.anonymous), new.district.code(), year)
}

/// The upsert that takes the next number of a register and advances its counter (with
/// RETURNING: SQLite 3.35 and PostgreSQL alike).
fn next_number_sql(series: Series) -> &'static str {
    match series {
        Series::Named => {
            "INSERT INTO tracking_counters (district, year, next) VALUES (?1, ?2, 2) \
             ON CONFLICT (district, year) DO UPDATE SET next = tracking_counters.next + 1 \
             RETURNING next - 1"
        }
        Series::Anonymous => {
            "INSERT INTO anonymous_counters (district, year, next) VALUES (?1, ?2, 2) \
             ON CONFLICT (district, year) DO UPDATE SET next = anonymous_counters.next + 1 \
             RETURNING next - 1"
        }
    }
}

/// On PostgreSQL, where several servers may store at once, locks the counter rows the
/// group will take numbers from, in one order for everyone, before any is taken: a
/// counter row stays locked until the commit, which keeps numbers gap-free, and taking
/// the locks in the same order keeps two groups of two servers from waiting for each
/// other for ever. (SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time.)
fn lock_counters(conn: &Conn, group: &[&NewSubmission]) -> Result<(), DbError> {
    if conn.dialect() == Dialect::Sqlite {
        return Ok(());
    }
    let counters: std::collections::BTreeSet<_> = group.iter().map(|new| counter_of(new)).collect();
    for (series, district, year) in counters {
        let table = match series {
            Series::Named => "tracking_counters",
            Series::Anonymous => "anonymous_counters",
        };
        // Creates the row if it is the first of its year (`next` 1: nothing taken yet).
        let sql = format!(
            "INSERT INTO {table} (district, year, next) VALUES (?1, ?2, 1) \
             ON CONFLICT (district, year) DO UPDATE SET next = {table}.next RETURNING next"
        );
        conn.query_row(&sql, params![district, year], |row| row.get::<i64>(0))?;
    }
    Ok(())
}

/// Stores one submission inside the caller's transaction.
fn store_one(conn: &Conn, new: &NewSubmission) -> Result<Stored, DbError> {
    let id = new.id.to_string();
    let existing = conn
        .prepare_cached("SELECT fingerprint, tracking, received_at FROM submissions WHERE id = ?1")?
        .query_row(params![id], |row| {
            Ok((row.get::<String>(0)?, row.get::<String>(1)?, row.get::<String>(2)?))
        })
        .optional()?;
    if let Some((fingerprint, tracking, received_at)) = existing {
        if fingerprint != new.fingerprint
            || !super::events::same_secret(conn, new.id, new.receipt_secret_sha256.as_deref())?
        {
            return Ok(Stored::Conflict);
        }
        let received_at = parse_time(&received_at)?;
        return Ok(Stored::AlreadyStored(Receipt {
            id: new.id,
            tracking,
            received_at,
            terms: None,
        }));
    }
    let incomplete = super::attachments::not_complete(conn, &new.attachments)?;
    if !incomplete.is_empty() {
        return Ok(Stored::AttachmentsIncomplete(incomplete));
    }

    let received_at = stored_precision(new.received_at.to_offset(time::UtcOffset::UTC));
    // One statement takes the next number of the item's register and advances the
    // counter.
    let (series, district, year) = counter_of(new);
    let sequence: u32 = conn
        .prepare_cached(next_number_sql(series))?
        .query_row(params![district, year], |row| row.get(0))?;
    let tracking = TrackingNumber { district: new.district, year, series, sequence }.to_string();
    let received_at_text = format_time(received_at)?;
    let conflict = super::triage::conflict_district(conn, new.district, &new.triage)?;
    conn.prepare_cached(
        "INSERT INTO submissions \
         (id, fingerprint, form_id, form_version, district, tracking, answers, received_at, \
          conflict_district, institution_key) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        new.fingerprint,
        new.form.id,
        new.form.version,
        district,
        tracking,
        new.answers,
        received_at_text,
        conflict.map(District::code),
        new.triage.institution_key,
    ])?;
    super::attachments::link(conn, new.id, &new.attachments)?;
    super::triage::after_stored(conn, &tracking, new.district, &new.triage, received_at)?;
    let secret = new.receipt_secret_sha256.as_deref();
    super::events::record_receipt(conn, new.id, secret, new.anonymous, received_at)?;
    Ok(Stored::Created(Receipt { id: new.id, tracking, received_at, terms: None }))
}

/// Calls `each` with every stored submission, oldest first; returns how many there were.
pub fn for_each(
    conn: &Conn,
    mut each: impl FnMut(StoredSubmission) -> std::io::Result<()>,
) -> Result<u64, DbError> {
    // Streamed (through a cursor on PostgreSQL); `each` may query too.
    conn.stream(
        "SELECT id, tracking, form_id, form_version, received_at, answers \
         FROM submissions ORDER BY received_at, tracking",
        params![],
        |row| {
            let id: String = row.get(0)?;
            let answers: String = row.get(5)?;
            let uuid = id.parse().map_err(|_| DbError::Corrupt(format!("submission id {id}")))?;
            each(StoredSubmission {
                id: uuid,
                tracking: row.get(1)?,
                form: FormRef { id: row.get(2)?, version: row.get(3)? },
                received_at: parse_time(&row.get::<String>(4)?)?,
                answers: serde_json::from_str(&answers)
                    .map_err(|e| DbError::Corrupt(format!("answers of submission {id}: {e}")))?,
                attachments: super::attachments::of_submission(conn, uuid)?,
                identity: super::events::identity_of(conn, uuid)?,
            })?;
            Ok(true)
        },
    )
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::db::Db;

    fn new(id: Uuid, district: District, fingerprint: &str) -> NewSubmission {
        NewSubmission {
            id,
            fingerprint: fingerprint.into(),
            form: FormRef::new("complaint", 2),
            district,
            answers: r#"{"district":"URA"}"#.into(),
            received_at: datetime!(2026-11-25 10:00:00.123_456 UTC),
            attachments: Vec::new(),
            receipt_secret_sha256: None,
            anonymous: false,
            triage: Default::default(),
        }
    }

    #[test]
    fn sequences_count_per_district_and_year_and_resends_keep_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        db.call_blocking(|conn| {
            let first = new(Uuid::new_v4(), District::Uralsk, "a");
            let Stored::Created(receipt) = store(conn, &first)? else { panic!("not created") };
            assert_eq!(receipt.tracking, "URA-2026-00001");
            assert_eq!(receipt.received_at, datetime!(2026-11-25 10:00:00.123 UTC));
            let second = new(Uuid::new_v4(), District::Uralsk, "b");
            assert!(matches!(store(conn, &second)?, Stored::Created(r) if r.tracking == "URA-2026-00002"));
            let elsewhere = new(Uuid::new_v4(), District::Terekti, "c");
            assert!(matches!(store(conn, &elsewhere)?, Stored::Created(r) if r.tracking == "TER-2026-00001"));
            let next_year = NewSubmission {
                received_at: datetime!(2027-01-01 00:00 UTC),
                ..new(Uuid::new_v4(), District::Uralsk, "d")
            };
            assert!(matches!(store(conn, &next_year)?, Stored::Created(r) if r.tracking == "URA-2027-00001"));

            assert_eq!(store(conn, &first)?, Stored::AlreadyStored(receipt.clone()));
            assert_eq!(store(conn, &new(first.id, District::Uralsk, "other"))?, Stored::Conflict);

            let mut exported = Vec::new();
            let count = for_each(conn, |s| {
                exported.push(s);
                Ok(())
            })?;
            assert_eq!(count, 4);
            let exported_first = exported.iter().find(|s| s.id == first.id).unwrap();
            assert_eq!(exported_first.tracking, "URA-2026-00001");
            assert_eq!(exported_first.received_at, receipt.received_at);
            assert_eq!(exported_first.answers["district"], "URA");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn an_item_that_fails_in_a_group_rolls_back_alone_and_leaves_no_gap() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        db.call_blocking(|conn| {
            // A storage failure of one item, as a full disk or a broken row would cause.
            conn.execute_batch(
                "CREATE TEMP TRIGGER fail BEFORE INSERT ON submissions \
                 WHEN NEW.fingerprint = 'fails' BEGIN SELECT RAISE(ABORT, 'failed'); END;",
            )?;
            let first = new(Uuid::new_v4(), District::Uralsk, "a");
            let failing = new(Uuid::new_v4(), District::Uralsk, "fails");
            let last = new(Uuid::new_v4(), District::Uralsk, "b");
            let results = store_group(conn, &[&first, &failing, &last])?;
            assert!(
                matches!(&results[0], Ok(Stored::Created(r)) if r.tracking == "URA-2026-00001")
            );
            assert!(matches!(&results[1], Err(DbError::Sqlite(_))), "{:?}", results[1]);
            assert!(
                matches!(&results[2], Ok(Stored::Created(r)) if r.tracking == "URA-2026-00002")
            );
            let stored: i64 =
                conn.query_row("SELECT count(*) FROM submissions", params![], |r| r.get(0))?;
            assert_eq!(stored, 2);
            let receipts: i64 =
                conn.query_row("SELECT count(*) FROM receipts", params![], |r| r.get(0))?;
            assert_eq!(receipts, 2, "the failed item left no receipt behind");
            // Alone in its group, a failing item fails the group.
            assert!(store_group(conn, &[&failing]).is_err());
            let next = new(Uuid::new_v4(), District::Uralsk, "c");
            assert!(
                matches!(store(conn, &next)?, Stored::Created(r) if r.tracking == "URA-2026-00003")
            );
            Ok(())
        })
        .unwrap();
    }
}
