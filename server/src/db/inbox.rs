//! What staff read of submissions: a district's inbox, and moving a submission to another
//! district's inbox when it is forwarded there.

use adal_core::District;
use adal_core::api::FormRef;
use adal_core::receipt::EventKind;
use rusqlite::{Connection, params};
use time::OffsetDateTime;

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
    pub status: EventKind,
}

/// Every submission of `district`, newest first, with its latest event.
pub fn of_district(conn: &Connection, district: District) -> Result<Vec<Row>, DbError> {
    let mut statement = conn.prepare(
        "SELECT s.tracking, s.form_id, s.form_version, s.received_at, \
                COALESCE(r.anonymous, 0) AND NOT EXISTS \
                    (SELECT 1 FROM submission_identities i WHERE i.submission_id = s.id), \
                (SELECT e.kind FROM submission_events e WHERE e.submission_id = s.id \
                 ORDER BY e.at DESC, e.id DESC LIMIT 1) \
         FROM submissions s LEFT JOIN receipts r ON r.submission_id = s.id \
         WHERE s.district = ?1 ORDER BY s.received_at DESC, s.tracking DESC",
    )?;
    let rows = statement.query_map(params![district.code()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            FormRef { id: row.get(1)?, version: row.get(2)? },
            row.get::<_, String>(3)?,
            row.get::<_, bool>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (tracking, form, received_at, anonymous, status) = row?;
        Ok(Row {
            tracking,
            form,
            district,
            received_at: parse_time(&received_at)?,
            anonymous,
            // Submissions stored before timelines existed have none: they were received.
            status: status.map_or(EventKind::Received, |k| k.parse().unwrap_or(EventKind::Other)),
        })
    })
    .collect()
}

/// The district and answers (JSON) of the submission with tracking number `tracking`.
pub fn district_and_answers(
    conn: &Connection,
    tracking: &str,
) -> Result<Option<(District, String)>, DbError> {
    let mut statement =
        conn.prepare("SELECT district, answers FROM submissions WHERE tracking = ?1")?;
    let mut rows = statement.query(params![tracking])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let code: String = row.get(0)?;
    let district = District::from_code(&code)
        .ok_or_else(|| DbError::Corrupt(format!("district of {tracking}")))?;
    Ok(Some((district, row.get(1)?)))
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
