//! What staff read of submissions: a district's inbox, and moving a submission to another
//! district's inbox when it is forwarded there.

use super::sql::{Conn, params};
use adal_core::District;
use adal_core::api::FormRef;
use adal_core::receipt::EventKind;
use time::{Date, OffsetDateTime};

use super::DbError;
use super::clock::parse_time;

/// One row of an inbox, before deadlines are counted.
#[derive(Debug, Clone)]
pub struct Row {
    pub tracking: String,
    pub form: FormRef,
    pub district: District,
    pub received_at: OffsetDateTime,
    pub anonymous: bool,
    /// The latest event the citizen sees.
    pub status: EventKind,
    /// Its extensions: when each was recorded and the day it asked for (what
    /// `Deadlines::answer_day` reads).
    pub extensions: Extensions,
    /// The login of the latest assignment, if any.
    pub assignee: Option<String>,
    /// It names the office of the district it is in (see `db::triage`).
    pub conflict: bool,
    /// JSON of the answers.
    pub answers: String,
    /// An office registered or forwarded it (what `Deadlines::forwarding_overdue` reads).
    pub triaged: bool,
}

/// A submission's extensions: when each was recorded, and the day it asked for.
pub type Extensions = Vec<(OffsetDateTime, Option<Date>)>;

/// The extensions as `Dialect::json_rows("e.at, e.until", …)` gives them.
pub(super) fn parse_extensions(json: Option<&str>) -> Result<Extensions, DbError> {
    let raw: Vec<(String, Option<String>)> = match json {
        Some(json) => {
            serde_json::from_str(json).map_err(|e| DbError::Corrupt(format!("extensions: {e}")))?
        }
        None => Vec::new(),
    };
    raw.into_iter()
        .map(|(at, until)| {
            Ok((parse_time(&at)?, until.as_deref().map(super::events::parse_date).transpose()?))
        })
        .collect()
}

/// The kinds the citizen does not see, quoted for SQL: they never make a status.
fn internal_kinds() -> String {
    let kinds: Vec<String> = EventKind::ALL
        .into_iter()
        .filter(|k| !k.is_public())
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    kinds.join(", ")
}

/// Every submission of `district`, newest first, with its latest event.
pub fn of_district(conn: &Conn, district: District) -> Result<Vec<Row>, DbError> {
    let sql = format!(
        "SELECT s.tracking, s.form_id, s.form_version, s.received_at, \
                (COALESCE(r.anonymous, 0) <> 0 AND NOT EXISTS \
                    (SELECT 1 FROM submission_identities i WHERE i.submission_id = s.id)), \
                (SELECT e.kind FROM submission_events e WHERE e.submission_id = s.id \
                 AND e.kind NOT IN ({internal}) ORDER BY e.at DESC, e.id DESC LIMIT 1), \
                (SELECT {until} FROM submission_events e \
                 WHERE e.submission_id = s.id AND e.kind = 'extended'), \
                (SELECT e.assignee FROM submission_events e \
                 WHERE e.submission_id = s.id AND e.kind = 'assigned' \
                 ORDER BY e.at DESC, e.id DESC LIMIT 1), \
                (CASE WHEN s.conflict_district = s.district THEN 1 ELSE 0 END), s.answers, \
                EXISTS (SELECT 1 FROM submission_events e WHERE e.submission_id = s.id \
                        AND e.kind IN ('registered', 'forwarded')) \
         FROM submissions s LEFT JOIN receipts r ON r.submission_id = s.id \
         WHERE s.district = ?1 ORDER BY s.received_at DESC, s.tracking DESC",
        internal = internal_kinds(),
        until = conn.dialect().json_rows("e.at, e.until", "e.at, e.id"),
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params![district.code()], |row| {
        Ok((
            (
                row.get::<String>(0)?,
                FormRef { id: row.get(1)?, version: row.get(2)? },
                row.get::<String>(3)?,
                row.get::<bool>(4)?,
                row.get::<Option<String>>(5)?,
            ),
            (
                row.get::<Option<String>>(6)?,
                row.get::<Option<String>>(7)?,
                row.get::<bool>(8)?,
                row.get::<String>(9)?,
                row.get::<bool>(10)?,
            ),
        ))
    })?;
    rows.map(|row| {
        let (
            (tracking, form, received_at, anonymous, status),
            (until, assignee, conflict, answers, triaged),
        ) = row?;
        Ok(Row {
            tracking,
            form,
            district,
            received_at: parse_time(&received_at)?,
            anonymous,
            // Submissions stored before timelines existed have none: they were received.
            status: status.map_or(EventKind::Received, |k| k.parse().unwrap_or(EventKind::Other)),
            extensions: parse_extensions(until.as_deref())?,
            assignee,
            conflict,
            answers,
            triaged,
        })
    })
    .collect()
}

/// Where a submission is and what decides who may handle it.
#[derive(Debug, Clone)]
pub struct Located {
    pub district: District,
    /// JSON of the answers.
    pub answers: String,
    pub conflict: bool,
    pub received_at: OffsetDateTime,
    /// Its extensions: when each was recorded and the day it asked for (what
    /// `Deadlines::answer_day` reads).
    pub extensions: Extensions,
}

/// The submission with tracking number `tracking`, if any.
pub fn locate(conn: &Conn, tracking: &str) -> Result<Option<Located>, DbError> {
    let mut statement = conn.prepare(&format!(
        "SELECT s.district, s.answers, \
                (CASE WHEN s.conflict_district = s.district THEN 1 ELSE 0 END), \
                s.received_at, \
                (SELECT {} FROM submission_events e \
                 WHERE e.submission_id = s.id AND e.kind = 'extended') \
         FROM submissions s WHERE s.tracking = ?1",
        conn.dialect().json_rows("e.at, e.until", "e.at, e.id"),
    ))?;
    let mut rows = statement.query(params![tracking])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let code: String = row.get(0)?;
    let district = District::from_code(&code)
        .ok_or_else(|| DbError::Corrupt(format!("district of {tracking}")))?;
    let extensions: Option<String> = row.get(4)?;
    Ok(Some(Located {
        district,
        answers: row.get(1)?,
        conflict: row.get(2)?,
        received_at: parse_time(&row.get::<String>(3)?)?,
        extensions: parse_extensions(extensions.as_deref())?,
    }))
}

/// Puts the submission into `district`'s inbox. Its tracking number keeps the district
/// it was sent to: the citizen's receipt never changes.
pub fn move_to_district(conn: &Conn, tracking: &str, district: District) -> Result<(), DbError> {
    conn.execute(
        "UPDATE submissions SET district = ?1 WHERE tracking = ?2",
        params![district.code(), tracking],
    )?;
    Ok(())
}
