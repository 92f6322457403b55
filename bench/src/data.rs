//! What the benchmarks send and store: complaints of about 2 KB on the current complaint
//! form, and databases seeded with a million of them by direct SQL.

use std::path::Path;

use adal_core::District;
use adal_core::api::SubmissionRequest;
use adal_core::form::{self, Answers};
use anyhow::Context;
use rusqlite::{Connection, params};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// The description of the benchmark complaints sent over HTTP: about 1,600 bytes, which
/// makes the whole request about 2 KB.
pub const FULL_DESCRIPTION: usize = 1600;

/// At least `bytes` of description (Kazakh, Russian and English).
fn description(n: u64, bytes: usize) -> String {
    let mut text = format!("Report {n}. ");
    let sentences = [
        "Мектепте ата-аналардан перде мен жиһаз үшін 5000 теңге жинады, түбіртек берілмеді. ",
        "Родителей попросили сдать деньги на охрану и шторы, чеков не дали. ",
        "The parents' committee collected money in cash and no price list was posted. ",
        "Директорға айтқанда, бұл ерікті деп жауап берді, бірақ тізім ілініп тұр. ",
    ];
    while text.len() < bytes {
        text.push_str(sentences[(n as usize + text.len()) % sentences.len()]);
    }
    text
}

/// The answers of the `n`-th benchmark complaint, as a person's phone sends them, with a
/// description of about `bytes`.
pub fn complaint(n: u64, today: time::Date, bytes: usize) -> Answers {
    let district = District::ALL[(n % District::ALL.len() as u64) as usize];
    let category = ["school", "clinic", "akimat", "police"][(n % 4) as usize];
    let answers = json!({
        "district": district.code(),
        "category": category,
        "institution": format!("School No. {}", n % 97 + 1),
        "description": description(n, bytes),
        "amount_asked": 5000 + (n % 10) * 1000,
        "occurred_on": (today - Duration::days(3)).to_string(),
        "location": { "lat": 51.2 + (n % 100) as f64 / 1000.0, "lon": 51.37, "accuracy_m": 25 },
        "anonymous": false,
        "name": "Aigerim Sadykova",
        "phone": "+7 701 234 56 78",
    });
    serde_json::from_value(answers).expect("an object")
}

/// A submission id as a phone makes it (`adal_core::api::new_submission_id`): this
/// clock's milliseconds and ten random bytes (bytes 0–5 and 9–12 of a v4 UUID, which
/// hold no version or variant bits).
pub fn phone_id() -> Uuid {
    let unix_ms = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let v4 = *Uuid::new_v4().as_bytes();
    let mut random = [0u8; 10];
    random[..6].copy_from_slice(&v4[..6]);
    random[6..].copy_from_slice(&v4[9..13]);
    adal_core::api::new_submission_id(unix_ms as u64, random)
}

/// Today in the region, as the server sees it.
pub fn today() -> time::Date {
    adal_core::district::region_date(OffsetDateTime::now_utc())
}

/// The `n`-th benchmark submission with a fresh id and, as the app sends, a fresh
/// receipt secret (no photos).
pub fn submission(n: u64, today: time::Date) -> SubmissionRequest {
    let form = form::current("complaint").expect("the complaint form").form_ref();
    let secret = adal_core::receipt::ReceiptSecret::parse(&Uuid::new_v4().simple().to_string())
        .expect("32 hex digits are a receipt secret");
    SubmissionRequest {
        id: Uuid::new_v4(),
        form,
        answers: complaint(n, today, FULL_DESCRIPTION),
        attachments: Vec::new(),
        receipt_secret: Some(secret),
    }
}

/// What the server stores of a submission besides its keys (id, fingerprint, tracking
/// number): the normalised answers that `validate` returns.
pub struct StoredRow {
    pub district: &'static str,
    pub answers: String,
    pub received_at: String,
}

/// The stored columns of the `n`-th submission, received at `at`, with a description of
/// about `bytes`.
pub fn stored_row(
    n: u64,
    today: time::Date,
    at: OffsetDateTime,
    bytes: usize,
) -> anyhow::Result<StoredRow> {
    let schema = form::current("complaint").context("the complaint form")?;
    let answers = form::validate(schema, &complaint(n, today, bytes), today)
        .map_err(|e| anyhow::anyhow!("the benchmark complaint is invalid: {e:?}"))?;
    let district = District::ALL[(n % District::ALL.len() as u64) as usize];
    Ok(StoredRow {
        district: district.code(),
        answers: serde_json::to_string(&answers)?,
        received_at: adal_server::db::clock::format_time(at)?,
    })
}

/// What a seeded database holds, for building requests against it.
pub struct Seeded {
    pub rows: u64,
    /// The first receipt time; row `n` was received `n` × [`SEED_STEP_MS`] later.
    pub start: OffsetDateTime,
}

/// Seeded rows are this far apart: a million span about four months.
pub const SEED_STEP_MS: i64 = 10;

impl Seeded {
    pub fn received_at(&self, n: u64) -> OffsetDateTime {
        self.start + Duration::milliseconds(n as i64 * SEED_STEP_MS)
    }

    pub fn id(n: u64) -> Uuid {
        Uuid::from_u128(0xada1_u128 << 100 | u128::from(n))
    }

    pub fn tracking(&self, n: u64) -> String {
        let district = District::ALL[(n % District::ALL.len() as u64) as usize];
        format!("{}-{}-{:05}", district.code(), self.received_at(n).year(), n / 13 + 1)
    }
}

/// A database in `dir` holding `rows` submissions with descriptions of about
/// `description` bytes, made by direct SQL (not HTTP) in big transactions; reused when a
/// previous run left one (with `--keep-work`). The server's own migrations make the
/// schema, so its indexes are the ones the server has.
pub fn seed(dir: &Path, rows: u64, description: usize) -> anyhow::Result<Seeded> {
    let start = time::macros::datetime!(2026-01-05 04:00 UTC);
    let seeded = Seeded { rows, start };
    let marker = dir.join(format!("seeded-{rows}-{description}-v2"));
    if marker.is_file() {
        return Ok(seeded);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    // Creates the file and runs every migration of the server.
    drop(adal_server::db::Db::open(dir)?);
    let mut conn = Connection::open(dir.join(adal_server::db::FILE_NAME))?;
    // Seeding is set-up, not a measure: no fsync per transaction, a big cache.
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -1_000_000)?;
    let today = today();
    // Validating each row would take longer than storing it: vary a few templates.
    let templates: Vec<StoredRow> =
        (0..52).map(|n| stored_row(n, today, start, description)).collect::<Result<_, _>>()?;
    let forms = ["complaint", "complaint", "complaint", "mediation_request", "monitoring_school"];
    let mut n = 0;
    while n < rows {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO submissions \
                 (id, fingerprint, form_id, form_version, district, tracking, answers, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            // What the server writes with each submission besides its row: the receipt
            // (a secret's hash) and the `received` event, which the staff API reads.
            let mut receipt = tx.prepare(
                "INSERT INTO receipts (submission_id, secret_sha256, anonymous) \
                 VALUES (?1, ?2, 0)",
            )?;
            let mut received = tx.prepare(
                "INSERT INTO submission_events (submission_id, kind, at, note) \
                 VALUES (?1, 'received', ?2, NULL)",
            )?;
            let end = (n + 50_000).min(rows);
            while n < end {
                let template = &templates[(n % templates.len() as u64) as usize];
                let form = forms[(n % forms.len() as u64) as usize];
                insert.execute(params![
                    Seeded::id(n).to_string(),
                    format!("{:064x}", u128::from(n)),
                    form,
                    if form == "complaint" { 2 } else { 1 },
                    template.district,
                    seeded.tracking(n),
                    template.answers,
                    adal_server::db::clock::format_time(seeded.received_at(n))?,
                ])?;
                let id = Seeded::id(n).to_string();
                receipt.execute(params![id, format!("{:064x}", u128::from(n) << 1)])?;
                let at = adal_server::db::clock::format_time(seeded.received_at(n))?;
                received.execute(params![id, at])?;
                n += 1;
            }
        }
        tx.commit()?;
    }
    // Later submissions continue each district's numbering.
    conn.execute(
        "INSERT OR REPLACE INTO tracking_counters (district, year, next) \
         SELECT district, CAST(substr(tracking, 5, 4) AS INTEGER), \
                MAX(CAST(substr(tracking, 10) AS INTEGER)) + 1 \
         FROM submissions GROUP BY district, substr(tracking, 5, 4)",
        [],
    )?;
    // No ANALYZE: the server never runs it, so the planner works as it does in service.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    std::fs::write(marker, b"")?;
    Ok(seeded)
}
