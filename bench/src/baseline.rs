//! The baselines: raw rusqlite inserts of the same rows the server stores, with the
//! server's durability (WAL, `synchronous = FULL`), on the same disk, in the same run.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use rusqlite::{Connection, params};

use crate::data::{FULL_DESCRIPTION, StoredRow, stored_row, today};
use crate::load::Run;

/// The rows to insert: a few validated templates, each row with its own id, tracking
/// number and fingerprint, made before the clock starts. Ids are made as phones make
/// them (`data::phone_id`), in the order they are inserted, as the server gets them.
pub(crate) struct Rows {
    pub(crate) templates: Vec<StoredRow>,
    /// Id, tracking number and fingerprint of each row.
    pub(crate) keys: Vec<(String, String, String)>,
}

impl Rows {
    pub(crate) fn new(count: usize) -> anyhow::Result<Rows> {
        let now = time::OffsetDateTime::now_utc();
        let templates = (0..52)
            .map(|n| stored_row(n, today(), now, FULL_DESCRIPTION))
            .collect::<Result<_, _>>()?;
        let keys = (0..count as u64)
            .map(|n| {
                let district = adal_core::District::ALL[(n % 13) as usize].code();
                (
                    crate::data::phone_id().to_string(),
                    format!("{district}-{}-{:05}", now.year(), n / 13 + 1),
                    format!("{:064x}", u128::from(n)),
                )
            })
            .collect();
        Ok(Rows { templates, keys })
    }
}

/// A fresh database with the server's schema, opened as the server opens it.
fn open(dir: &Path) -> anyhow::Result<Connection> {
    drop(adal_server::db::Db::open(dir)?);
    let conn = Connection::open(dir.join(adal_server::db::FILE_NAME))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    ensure!(mode == "wal", "journal_mode {mode}");
    conn.pragma_update(None, "synchronous", "FULL")?;
    let synchronous: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
    ensure!(synchronous == 2, "synchronous is {synchronous}, not FULL (2)");
    Ok(conn)
}

/// Inserts rows in transactions of `per_transaction` rows for `duration`; the latencies
/// are those of whole transactions.
pub fn insert(
    dir: &Path,
    per_transaction: usize,
    duration: Duration,
    capacity: usize,
) -> anyhow::Result<Run> {
    let rows = Rows::new(capacity)?;
    let mut conn = open(dir)?;
    let mut run = Run::default();
    let started = Instant::now();
    let mut n = 0;
    // Stops at `duration`, or earlier when the rows made beforehand run out.
    while started.elapsed() < duration && n + per_transaction <= rows.keys.len() {
        let began = Instant::now();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut statement = tx.prepare_cached(
                "INSERT INTO submissions \
                 (id, fingerprint, form_id, form_version, district, tracking, answers, received_at) \
                 VALUES (?1, ?2, 'complaint', 2, ?3, ?4, ?5, ?6)",
            )?;
            for _ in 0..per_transaction {
                let template = &rows.templates[n % rows.templates.len()];
                let (id, tracking, fingerprint) = &rows.keys[n];
                statement
                    .execute(params![
                        id,
                        fingerprint,
                        template.district,
                        tracking,
                        template.answers,
                        template.received_at
                    ])
                    .context("baseline insert")?;
                n += 1;
            }
        }
        tx.commit()?;
        run.latencies_us.push(began.elapsed().as_micros() as u64);
    }
    run.elapsed = started.elapsed();
    Ok(run)
}
