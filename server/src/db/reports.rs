//! What the two-weekly report reads (submissions with their timelines) and the published
//! snapshots, which are stored once and never changed (triggers of migration 0007).

use std::collections::HashMap;

use super::sql::{Conn, Optional, Row, params};
use adal_core::District;
use adal_core::calendar::ISO_DATE;
use adal_core::district::REGION_UTC_OFFSET;
use adal_core::receipt::EventKind;
use adal_core::report::{Period, PublishedReport, ReportRow, RowEvent};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::DbError;
use super::clock::{format_time, parse_time};

/// What a snapshot is of: `URA`…, or `region`.
pub fn scope(district: Option<District>) -> &'static str {
    district.map_or("region", District::code)
}

/// The first instant of `day` in the region.
fn region_midnight(day: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_offset(REGION_UTC_OFFSET)
}

/// Every submission the report of `period` may count: received in it, with an event in
/// it, or still open when it began; each with its whole timeline (the report needs the first answer, the extension).
/// Both queries read one snapshot of the database, so a submission stored meanwhile is
/// either wholly in the figures or not at all.
pub fn rows(conn: &Conn, period: Period) -> Result<Vec<ReportRow>, DbError> {
    let snapshot = conn.snapshot()?;
    let rows = read_rows(&snapshot, period)?;
    snapshot.commit()?;
    Ok(rows)
}

fn read_rows(conn: &Conn, period: Period) -> Result<Vec<ReportRow>, DbError> {
    let from = format_time(region_midnight(period.start()))?;
    let until = format_time(region_midnight(period.next().start()))?;
    // The third line: received before the period ended and not settled before it began,
    // for the open items past their answer day.
    let selected = "SELECT s.id FROM submissions s \
         WHERE (s.received_at >= ?1 AND s.received_at < ?2) \
            OR EXISTS (SELECT 1 FROM submission_events e \
                       WHERE e.submission_id = s.id AND e.at >= ?1 AND e.at < ?2) \
            OR (s.received_at < ?2 AND NOT EXISTS (SELECT 1 FROM submission_events e \
                       WHERE e.submission_id = s.id AND e.at < ?1 \
                       AND e.kind IN ('answered', 'closed')))";
    let mut events: HashMap<String, Vec<RowEvent>> = HashMap::new();
    let mut statement = conn.prepare(&format!(
        "SELECT submission_id, kind, at, until FROM submission_events \
         WHERE submission_id IN ({selected}) ORDER BY submission_id, at, id"
    ))?;
    let mut found = statement.query(params![from, until])?;
    while let Some(row) = found.next()? {
        let id: String = row.get(0)?;
        let kind: String = row.get(1)?;
        let at: String = row.get(2)?;
        let until: Option<String> = row.get(3)?;
        let kind = kind.parse().unwrap_or(EventKind::Other);
        // The day an extension moved the answer to; an unreadable one counts as none (the
        // law's longest extension then applies).
        let until = until.and_then(|day| time::Date::parse(&day, ISO_DATE).ok());
        events.entry(id).or_default().push(RowEvent { kind, at: parse_time(&at)?, until });
    }
    let mut statement = conn.prepare(&format!(
        "SELECT id, district, form_id, answers, received_at FROM submissions \
         WHERE id IN ({selected})"
    ))?;
    let mut found = statement.query(params![from, until])?;
    let mut rows = Vec::new();
    while let Some(row) = found.next()? {
        let id: String = row.get(0)?;
        let code: String = row.get(1)?;
        let district = District::from_code(&code)
            .ok_or_else(|| DbError::Corrupt(format!("district of {id}")))?;
        let form: String = row.get(2)?;
        let answers: String = row.get(3)?;
        let answers = serde_json::from_str(&answers)
            .map_err(|_| DbError::Corrupt(format!("answers of {id}")))?;
        let received_at = parse_time(&row.get::<String>(4)?)?;
        let timeline = events.remove(&id).unwrap_or_default();
        rows.push(ReportRow::new(district, &form, &answers, received_at, timeline));
    }
    Ok(rows)
}

/// A stored snapshot: what is listed, and its bytes.
pub struct Snapshot {
    pub listed: PublishedReport,
    pub content: String,
}

/// Stores a snapshot of `period` and `district` unless one exists; either way returns
/// the one stored, and whether it was stored now.
pub fn publish(
    conn: &Conn,
    period: Period,
    district: Option<District>,
    content: &str,
    hash: &str,
    at: OffsetDateTime,
    account_id: i64,
) -> Result<(Snapshot, bool), DbError> {
    let start = period.start().format(ISO_DATE).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let inserted = conn.execute(
        "INSERT INTO report_snapshots \
         (sha256, period_start, scope, content, published_at, account_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        params![hash, start, scope(district), content, format_time(at)?, account_id],
    )?;
    let stored = of_period(conn, period, district)?
        .ok_or_else(|| DbError::Corrupt(format!("snapshot of {start} vanished")))?;
    Ok((stored, inserted == 1))
}

const COLUMNS: &str = "sha256, period_start, scope, published_at, content";

fn snapshot(row: &Row<'_>) -> Result<(String, String, String, String, String), DbError> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
}

fn read(
    (hash, start, scope, published_at, content): (String, String, String, String, String),
) -> Result<Snapshot, DbError> {
    let corrupt = || DbError::Corrupt(format!("snapshot {hash}"));
    let period = Period::containing(Date::parse(&start, ISO_DATE).map_err(|_| corrupt())?);
    let district = match scope.as_str() {
        "region" => None,
        code => Some(District::from_code(code).ok_or_else(corrupt)?),
    };
    Ok(Snapshot {
        listed: PublishedReport {
            url: format!("/api/v1/reports/{hash}"),
            hash,
            period,
            district,
            published_at: parse_time(&published_at)?,
        },
        content,
    })
}

/// The snapshot of `period` and `district`, if published.
pub fn of_period(
    conn: &Conn,
    period: Period,
    district: Option<District>,
) -> Result<Option<Snapshot>, DbError> {
    let start = period.start().format(ISO_DATE).map_err(|e| DbError::Corrupt(e.to_string()))?;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM report_snapshots WHERE period_start = ?1 AND scope = ?2"),
        params![start, scope(district)],
        snapshot,
    )
    .optional()?
    .map(read)
    .transpose()
}

/// The snapshot with SHA-256 `hash`, if any.
pub fn by_hash(conn: &Conn, hash: &str) -> Result<Option<Snapshot>, DbError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM report_snapshots WHERE sha256 = ?1"),
        params![hash],
        snapshot,
    )
    .optional()?
    .map(read)
    .transpose()
}

/// Every published snapshot, newest first, without their content.
pub fn list(conn: &Conn) -> Result<Vec<PublishedReport>, DbError> {
    // The same columns, but not the content: a list does not need the figures.
    let mut statement = conn.prepare(
        "SELECT sha256, period_start, scope, published_at, '' FROM report_snapshots \
         ORDER BY published_at DESC, period_start DESC",
    )?;
    let rows = statement.query_map(params![], snapshot)?;
    rows.map(|row| Ok(read(row?)?.listed)).collect()
}
