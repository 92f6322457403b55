//! What staff read of submissions: a district's inbox, and moving a submission to another
//! district's inbox when it is forwarded there.

use adal_core::District;
use adal_core::api::FormRef;
use adal_core::receipt::EventKind;
use rusqlite::{Connection, params};
use time::{Date, OffsetDateTime};

use super::DbError;
use super::submissions::parse_time;

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
    /// The day of the latest extension, if any.
    pub extended_until: Option<Date>,
    /// The login of the latest assignment, if any.
    pub assignee: Option<String>,
    pub conflict: bool,
    /// JSON of the answers.
    pub answers: String,
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
pub fn of_district(conn: &Connection, district: District) -> Result<Vec<Row>, DbError> {
    let sql = format!(
        "SELECT s.tracking, s.form_id, s.form_version, s.received_at, \
                COALESCE(r.anonymous, 0) AND NOT EXISTS \
                    (SELECT 1 FROM submission_identities i WHERE i.submission_id = s.id), \
                (SELECT e.kind FROM submission_events e WHERE e.submission_id = s.id \
                 AND e.kind NOT IN ({internal}) ORDER BY e.at DESC, e.id DESC LIMIT 1), \
                (SELECT MAX(e.until) FROM submission_events e \
                 WHERE e.submission_id = s.id AND e.kind = 'extended'), \
                (SELECT e.assignee FROM submission_events e \
                 WHERE e.submission_id = s.id AND e.kind = 'assigned' \
                 ORDER BY e.at DESC, e.id DESC LIMIT 1), \
                s.conflict, s.answers \
         FROM submissions s LEFT JOIN receipts r ON r.submission_id = s.id \
         WHERE s.district = ?1 ORDER BY s.received_at DESC, s.tracking DESC",
        internal = internal_kinds()
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params![district.code()], |row| {
        Ok((
            (
                row.get::<_, String>(0)?,
                FormRef { id: row.get(1)?, version: row.get(2)? },
                row.get::<_, String>(3)?,
                row.get::<_, bool>(4)?,
                row.get::<_, Option<String>>(5)?,
            ),
            (
                row.get::<_, Option<String>>(6)?,
                row.get::<_, Option<String>>(7)?,
                row.get::<_, bool>(8)?,
                row.get::<_, String>(9)?,
            ),
        ))
    })?;
    rows.map(|row| {
        let (
            (tracking, form, received_at, anonymous, status),
            (until, assignee, conflict, answers),
        ) = row?;
        Ok(Row {
            tracking,
            form,
            district,
            received_at: parse_time(&received_at)?,
            anonymous,
            // Submissions stored before timelines existed have none: they were received.
            status: status.map_or(EventKind::Received, |k| k.parse().unwrap_or(EventKind::Other)),
            extended_until: until.as_deref().map(super::events::parse_date).transpose()?,
            assignee,
            conflict,
            answers,
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
    /// The day of the latest extension, if any.
    pub extended_until: Option<Date>,
}

/// The submission with tracking number `tracking`, if any.
pub fn locate(conn: &Connection, tracking: &str) -> Result<Option<Located>, DbError> {
    let mut statement = conn.prepare(
        "SELECT s.district, s.answers, s.conflict, s.received_at, \
                (SELECT MAX(e.until) FROM submission_events e \
                 WHERE e.submission_id = s.id AND e.kind = 'extended') \
         FROM submissions s WHERE s.tracking = ?1",
    )?;
    let mut rows = statement.query(params![tracking])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let code: String = row.get(0)?;
    let district = District::from_code(&code)
        .ok_or_else(|| DbError::Corrupt(format!("district of {tracking}")))?;
    let until: Option<String> = row.get(4)?;
    Ok(Some(Located {
        district,
        answers: row.get(1)?,
        conflict: row.get(2)?,
        received_at: parse_time(&row.get::<_, String>(3)?)?,
        extended_until: until.as_deref().map(super::events::parse_date).transpose()?,
    }))
}

/// Puts the submission into `district`'s inbox. Its tracking number keeps the district
/// it was sent to: the citizen's receipt never changes.
pub fn move_to_district(
    conn: &Connection,
    tracking: &str,
    district: District,
) -> Result<(), DbError> {
    conn.execute(
        "UPDATE submissions SET district = ?1 WHERE tracking = ?2",
        params![district.code(), tracking],
    )?;
    Ok(())
}
