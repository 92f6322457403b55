//! Storing submissions idempotently and allocating their tracking numbers.

use std::collections::{BTreeMap, HashMap};

use super::sql::{Behavior, Conn, Dialect, Value, params};
use super::triage::{Arriving, Conflicts};
use adal_core::api::{FormRef, Receipt};
use adal_core::receipt::{EventKind, Identity};
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
/// The idempotency check of an item sees every earlier item of the group: two resends of
/// one submission in the same group get one row and one tracking number, exactly as in
/// two transactions.
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
    let results = match store_items(&tx, group) {
        Ok(results) => results,
        Err(error) if group.len() == 1 => return Err(error),
        // Dropping the transaction rolls the whole group back.
        Err(_) => return Ok(None),
    };
    tx.commit()?;
    Ok(Some(results.into_iter().map(Ok).collect()))
}

/// [`store_group`] with a savepoint per item, once an item has failed.
fn store_group_by_savepoints(
    conn: &Conn,
    group: &[&NewSubmission],
) -> Result<Vec<Result<Stored, DbError>>, DbError> {
    let tx = conn.transaction_with_behavior(Behavior::Immediate)?;
    // Every counter of the group locked first, in the one order (see `take_numbers`).
    take_numbers(&tx, group.iter().map(|new| (counter_of(new), 0)).collect())?;
    let mut results = Vec::with_capacity(group.len());
    for new in group {
        let savepoint = tx.savepoint()?;
        match store_items(&savepoint, &[new]) {
            Ok(mut stored) => {
                savepoint.commit()?;
                results.push(Ok(stored.pop().expect("one result per submission")));
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
type Counter = (Series, &'static str, i32);

fn counter_of(new: &NewSubmission) -> Counter {
    let received_at = stored_precision(new.received_at.to_offset(time::UtcOffset::UTC));
    let year = adal_core::district::region_date(received_at).year();
    (Series::of(new.anonymous), new.district.code(), year)
}

/// Takes `n` numbers from each counter (a map, so in one order for everyone) and returns
/// the first of each. One upsert per register advances every counter of the group
/// (`n` 0 only locks it).
///
/// On PostgreSQL, where several servers may store at once, a counter row stays locked
/// from here until the commit, which keeps numbers gap-free, and the rows are locked in
/// the same order by everyone (ordered rows of one statement, the named register first),
/// which keeps two groups of two servers from waiting for each other for ever. SQLite's
/// `BEGIN IMMEDIATE` already lets one writer in at a time.
fn take_numbers(
    conn: &Conn,
    counts: BTreeMap<Counter, u32>,
) -> Result<HashMap<Counter, u32>, DbError> {
    let mut first = HashMap::new();
    for series in [Series::Named, Series::Anonymous] {
        let table = match series {
            Series::Named => "tracking_counters",
            Series::Anonymous => "anonymous_counters",
        };
        let mine: Vec<(&Counter, &u32)> = counts.iter().filter(|(c, _)| c.0 == series).collect();
        // A new row's `next` is the number after the `n` taken; a row there advances by
        // `n` (`excluded.next - 1`).
        let rows: Vec<Vec<Value<'_>>> = mine
            .iter()
            .map(|((_, district, year), n)| {
                vec![
                    Value::Text(district),
                    Value::Int((*year).into()),
                    Value::Int(i64::from(**n) + 1),
                ]
            })
            .collect();
        conn.rows(
            &format!("INSERT INTO {table} (district, year, next) VALUES "),
            "(?, ?, ?)",
            &format!(
                " ON CONFLICT (district, year) DO UPDATE \
                 SET next = {table}.next + excluded.next - 1 RETURNING district, year, next"
            ),
            &rows,
            |row| {
                let (district, year, next): (String, i32, i64) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                if let Some((counter, n)) =
                    mine.iter().find(|((_, d, y), _)| *d == district && *y == year)
                {
                    first.insert(**counter, (next - i64::from(**n)) as u32);
                }
                Ok(())
            },
        )?;
    }
    Ok(first)
}

/// What an item of a group comes to, decided before anything of the group is written.
enum Plan {
    Create,
    /// A resend of a submission stored before the group.
    Resend(Box<Receipt>),
    /// A resend of the group's item at this index.
    ResendOfItem(usize),
    Conflict,
    Incomplete(Vec<Uuid>),
}

/// A submission known by id: stored before the group, or created by an earlier item.
struct Known {
    fingerprint: String,
    secret_sha256: Option<String>,
    first: Result<Receipt, usize>,
}

/// Stores the items of `group` in the caller's transaction, in order. A few statements
/// for the whole group, whatever its size: the ids already stored are read in one query,
/// the counters advanced in one statement per register, and the rows of each table
/// inserted with one statement (on PostgreSQL; SQLite runs its cached one-row
/// statements, see [`Conn::rows`]).
fn store_items(conn: &Conn, group: &[&NewSubmission]) -> Result<Vec<Stored>, DbError> {
    // On PostgreSQL another server may be storing the same ids: once the counters are
    // locked, whatever it stored first is committed and seen below.
    if conn.dialect() == Dialect::Postgres {
        take_numbers(conn, group.iter().map(|new| (counter_of(new), 0)).collect())?;
    }
    let mut known = stored_already(conn, group)?;
    let mut plans = Vec::with_capacity(group.len());
    for (index, new) in group.iter().enumerate() {
        let plan = match known.get(&new.id) {
            Some(k)
                if k.fingerprint != new.fingerprint
                    || !super::events::secrets_match(
                        k.secret_sha256.as_deref(),
                        new.receipt_secret_sha256.as_deref(),
                    ) =>
            {
                Plan::Conflict
            }
            Some(Known { first: Ok(receipt), .. }) => Plan::Resend(Box::new(receipt.clone())),
            Some(Known { first: Err(item), .. }) => Plan::ResendOfItem(*item),
            None => {
                let incomplete = super::attachments::not_complete(conn, &new.attachments)?;
                if incomplete.is_empty() {
                    known.insert(
                        new.id,
                        Known {
                            fingerprint: new.fingerprint.clone(),
                            secret_sha256: new.receipt_secret_sha256.clone(),
                            first: Err(index),
                        },
                    );
                    Plan::Create
                } else {
                    Plan::Incomplete(incomplete)
                }
            }
        };
        plans.push(plan);
    }
    let created = create(conn, group, &plans)?;
    Ok(plans
        .into_iter()
        .enumerate()
        .map(|(index, plan)| match plan {
            Plan::Create => Stored::Created(created[&index].clone()),
            Plan::Resend(receipt) => Stored::AlreadyStored(*receipt),
            Plan::ResendOfItem(item) => {
                Stored::AlreadyStored(Receipt { id: group[index].id, ..created[&item].clone() })
            }
            Plan::Conflict => Stored::Conflict,
            Plan::Incomplete(missing) => Stored::AttachmentsIncomplete(missing),
        })
        .collect())
}

/// The submissions of `group` stored before it, by id, with their receipt secrets.
fn stored_already(conn: &Conn, group: &[&NewSubmission]) -> Result<HashMap<Uuid, Known>, DbError> {
    let ids: Vec<String> = group.iter().map(|new| new.id.to_string()).collect();
    let rows: Vec<Vec<Value<'_>>> = ids.iter().map(|id| vec![Value::Text(id)]).collect();
    let mut known = HashMap::new();
    conn.rows(
        "SELECT s.id, s.fingerprint, s.tracking, s.received_at, r.secret_sha256 \
         FROM submissions s LEFT JOIN receipts r ON r.submission_id = s.id WHERE s.id IN (",
        "?",
        ")",
        &rows,
        |row| {
            let id: String = row.get(0)?;
            let id = id.parse().map_err(|_| DbError::Corrupt(format!("submission id {id}")))?;
            let receipt = Receipt {
                id,
                tracking: row.get(2)?,
                received_at: parse_time(&row.get::<String>(3)?)?,
                terms: None,
            };
            known.insert(
                id,
                Known { fingerprint: row.get(1)?, secret_sha256: row.get(4)?, first: Ok(receipt) },
            );
            Ok(())
        },
    )?;
    Ok(known)
}

/// Numbers and stores the items planned to be created; their receipts by index.
fn create(
    conn: &Conn,
    group: &[&NewSubmission],
    plans: &[Plan],
) -> Result<HashMap<usize, Receipt>, DbError> {
    let items: Vec<usize> =
        (0..group.len()).filter(|&i| matches!(plans[i], Plan::Create)).collect();
    if items.is_empty() {
        return Ok(HashMap::new());
    }
    let counters: Vec<Counter> = items.iter().map(|&i| counter_of(group[i])).collect();
    let mut counts = BTreeMap::new();
    for counter in &counters {
        *counts.entry(*counter).or_insert(0) += 1;
    }
    // In the group's order within each counter.
    let mut next = take_numbers(conn, counts)?;
    let mut receipts = HashMap::new();
    let mut rows = Vec::with_capacity(items.len());
    for (&i, &(series, district, year)) in items.iter().zip(&counters) {
        let new = group[i];
        let sequence = next.get_mut(&(series, district, year)).ok_or(DbError::NoRows)?;
        let tracking = TrackingNumber { district: new.district, year, series, sequence: *sequence };
        *sequence += 1;
        let received_at = stored_precision(new.received_at.to_offset(time::UtcOffset::UTC));
        let receipt =
            Receipt { id: new.id, tracking: tracking.to_string(), received_at, terms: None };
        rows.push(Row { new, id: new.id.to_string(), received_at: format_time(received_at)? });
        receipts.insert(i, receipt);
    }
    let tracking: Vec<&str> = items.iter().map(|i| receipts[i].tracking.as_str()).collect();
    insert(conn, &rows, &tracking)?;
    Ok(receipts)
}

fn text_or_null(text: Option<&str>) -> Value<'_> {
    text.map_or(Value::Null, Value::Text)
}

/// A submission's row about to be inserted: what it needs beyond [`NewSubmission`].
struct Row<'a> {
    new: &'a NewSubmission,
    id: String,
    received_at: String,
}

/// Inserts the rows of the created items (`tracking` their numbers): their monitoring
/// tasks first (see `triage::after_group_stored`), then their submissions, attachment
/// links, receipts and `received` events, a statement (or a few) per table.
fn insert(conn: &Conn, rows: &[Row<'_>], tracking: &[&str]) -> Result<(), DbError> {
    let arriving: Vec<Arriving<'_>> = rows
        .iter()
        .zip(tracking)
        .map(|(row, tracking)| Arriving {
            tracking,
            district: row.new.district,
            triage: &row.new.triage,
            received_at: &row.received_at,
        })
        .collect();
    super::triage::after_group_stored(conn, &arriving)?;
    insert_submissions(conn, rows, tracking)?;
    insert_attachment_links(conn, rows)?;
    insert_receipts_and_events(conn, rows)
}

/// The submissions' own rows, each with the office it is a conflict of interest for.
fn insert_submissions(conn: &Conn, rows: &[Row<'_>], tracking: &[&str]) -> Result<(), DbError> {
    // The directory is read only if a complaint names an institution.
    let conflicts = match rows.iter().any(|row| Conflicts::may_concern(&row.new.triage)) {
        true => Some(Conflicts::read(conn)?),
        false => None,
    };
    let conflict: Vec<Option<&str>> = rows
        .iter()
        .map(|row| {
            let conflict = conflicts.as_ref().and_then(|c| c.of(row.new.district, &row.new.triage));
            conflict.map(District::code)
        })
        .collect();
    let submissions: Vec<Vec<Value<'_>>> = rows
        .iter()
        .zip(tracking)
        .zip(&conflict)
        .map(|((row, tracking), conflict)| {
            let new = row.new;
            vec![
                Value::Text(&row.id),
                Value::Text(&new.fingerprint),
                Value::Text(&new.form.id),
                Value::Int(new.form.version.into()),
                Value::Text(new.district.code()),
                Value::Text(tracking),
                Value::Text(&new.answers),
                Value::Text(&row.received_at),
                text_or_null(*conflict),
                text_or_null(new.triage.institution_key.as_deref()),
            ]
        })
        .collect();
    conn.rows(
        "INSERT INTO submissions \
         (id, fingerprint, form_id, form_version, district, tracking, answers, received_at, \
          conflict_district, institution_key) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "",
        &submissions,
        |_| Ok(()),
    )
}

/// The photos each submission lists, in its order.
fn insert_attachment_links(conn: &Conn, rows: &[Row<'_>]) -> Result<(), DbError> {
    let ids: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.new.attachments.iter().map(|a| a.id.to_string()).collect())
        .collect();
    let links: Vec<Vec<Value<'_>>> = rows
        .iter()
        .zip(&ids)
        .flat_map(|(row, ids)| {
            ids.iter().enumerate().map(|(position, attachment)| {
                vec![Value::Text(&row.id), Value::Text(attachment), Value::Int(position as i64)]
            })
        })
        .collect();
    conn.rows(
        "INSERT INTO submission_attachments (submission_id, attachment_id, position) VALUES ",
        "(?, ?, ?)",
        "",
        &links,
        |_| Ok(()),
    )
}

/// Each submission's receipt (its secret's hash) and its `received` event.
fn insert_receipts_and_events(conn: &Conn, rows: &[Row<'_>]) -> Result<(), DbError> {
    let receipts: Vec<Vec<Value<'_>>> = rows
        .iter()
        .map(|row| {
            let secret = row.new.receipt_secret_sha256.as_deref();
            vec![Value::Text(&row.id), text_or_null(secret), Value::Int(row.new.anonymous.into())]
        })
        .collect();
    conn.rows(
        "INSERT INTO receipts (submission_id, secret_sha256, anonymous) VALUES ",
        "(?, ?, ?)",
        "",
        &receipts,
        |_| Ok(()),
    )?;
    let received = EventKind::Received.as_str();
    let events: Vec<Vec<Value<'_>>> = rows
        .iter()
        .map(|row| vec![Value::Text(&row.id), Value::Text(received), Value::Text(&row.received_at)])
        .collect();
    conn.rows(
        "INSERT INTO submission_events (submission_id, kind, at) VALUES ",
        "(?, ?, ?)",
        "",
        &events,
        |_| Ok(()),
    )
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

    /// Runs `test` on a fresh SQLite database and, under `scripts/pg`, on a fresh
    /// PostgreSQL one.
    fn on_both(test: impl Fn(&Conn) -> Result<(), DbError> + Sync) {
        let dir = tempfile::tempdir().unwrap();
        Db::open(dir.path()).unwrap().call_blocking(|conn| test(conn)).unwrap();
        if let Some(db) = crate::db::on_postgres::fresh() {
            db.call_blocking(|conn| test(conn)).unwrap();
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
    fn a_group_numbers_in_arrival_order_and_answers_resends_within_it_as_in_two_transactions() {
        on_both(|conn| {
            let before = new(Uuid::new_v4(), District::Uralsk, "before");
            let Stored::Created(first) = store(conn, &before)? else { panic!("not created") };
            let a = new(Uuid::new_v4(), District::Uralsk, "a");
            let b = new(Uuid::new_v4(), District::Terekti, "b");
            let c = new(Uuid::new_v4(), District::Uralsk, "c");
            let other_content = new(a.id, District::Uralsk, "other");
            let other_secret =
                NewSubmission { receipt_secret_sha256: Some("00".repeat(32)), ..a.clone() };
            let group = [&a, &before, &b, &a, &other_content, &other_secret, &c];
            let results: Vec<Stored> =
                store_group(conn, &group)?.into_iter().collect::<Result<_, _>>()?;
            let tracking = |stored: &Stored| match stored {
                Stored::Created(r) | Stored::AlreadyStored(r) => r.tracking.clone(),
                other => format!("{other:?}"),
            };
            let numbers: Vec<String> = results.iter().map(tracking).collect();
            assert_eq!(
                numbers[..4],
                ["URA-2026-00002", "URA-2026-00001", "TER-2026-00001", "URA-2026-00002"]
            );
            assert!(matches!(results[0], Stored::Created(_)));
            assert_eq!(results[1], Stored::AlreadyStored(first));
            assert_eq!(
                results[3],
                Stored::AlreadyStored(match &results[0] {
                    Stored::Created(r) => r.clone(),
                    _ => unreachable!(),
                })
            );
            assert_eq!(results[4], Stored::Conflict);
            assert_eq!(results[5], Stored::Conflict);
            assert!(matches!(&results[6], Stored::Created(r) if r.tracking == "URA-2026-00003"));
            let stored: i64 =
                conn.query_row("SELECT count(*) FROM submissions", params![], |r| r.get(0))?;
            assert_eq!(stored, 4);
            let events: i64 =
                conn.query_row("SELECT count(*) FROM submission_events", params![], |r| r.get(0))?;
            assert_eq!(events, 4, "one received event a submission");
            Ok(())
        });
    }

    #[test]
    fn complaints_about_one_school_in_one_group_raise_its_task_as_if_sent_one_by_one() {
        on_both(|conn| {
            let tasks = |together: bool| {
                let answers: adal_core::form::Answers = serde_json::from_value(
                    serde_json::json!({ "category": "school", "institution": "School No. 12" }),
                )
                .unwrap();
                let complaints: Vec<NewSubmission> = (0..4)
                    .map(|n| NewSubmission {
                        received_at: datetime!(2026-11-25 10:00 UTC) + time::Duration::minutes(n),
                        triage: Triage::of("complaint", &answers),
                        ..new(Uuid::new_v4(), District::Uralsk, &n.to_string())
                    })
                    .collect();
                if together {
                    store_group(conn, &complaints.iter().collect::<Vec<_>>())?;
                } else {
                    for complaint in &complaints {
                        store(conn, complaint)?;
                    }
                }
                let tasks = conn.query_map(
                    "SELECT institution_key, complaints, created_at FROM monitoring_tasks",
                    params![],
                    |row| Ok((row.get::<String>(0)?, row.get::<i64>(1)?, row.get::<String>(2)?)),
                );
                conn.execute_batch(
                    "DELETE FROM monitoring_tasks; DELETE FROM submission_events; \
                     DELETE FROM receipts; DELETE FROM submissions; \
                     DELETE FROM tracking_counters",
                )?;
                tasks
            };
            let one_by_one = tasks(false)?;
            assert_eq!(one_by_one.len(), 1, "the third complaint raises one task: {one_by_one:?}");
            assert_eq!(one_by_one[0].1, 3);
            assert!(one_by_one[0].2.starts_with("2026-11-25T10:02"), "{one_by_one:?}");
            assert_eq!(tasks(true)?, one_by_one);
            Ok(())
        });
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
