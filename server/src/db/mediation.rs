//! Mediation: the sessions of a mediation request and the reconciliation act its parties
//! signed. The act is stored once and never changed (triggers of migration 0007).

use super::sql::{Conn, Optional, params};
use adal_core::act::{ActInput, SignedAct};
use adal_core::calendar::ISO_DATE;
use adal_core::staff::{MediationSession, SessionOutcome, SessionRecord};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::DbError;
use super::clock::{format_time, parse_time};

/// The id and form of the submission `tracking`.
pub fn submission_form(conn: &Conn, tracking: &str) -> Result<Option<(Uuid, String)>, DbError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT id, form_id FROM submissions WHERE tracking = ?1",
            params![tracking],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(id, form)| {
        let id = id.parse().map_err(|_| DbError::Corrupt(format!("submission id {id}")))?;
        Ok((id, form))
    })
    .transpose()
}

/// Stores a checked session.
pub fn schedule(
    conn: &Conn,
    submission: Uuid,
    session: &MediationSession,
    at: OffsetDateTime,
) -> Result<(), DbError> {
    let date = session.date.format(ISO_DATE).map_err(|e| DbError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO mediation_sessions \
         (submission_id, session_date, session_time, place, mediator, scheduled_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            submission.to_string(),
            date,
            session.time,
            session.place,
            session.mediator,
            format_time(at)?
        ],
    )?;
    Ok(())
}

/// Records `outcome` against the latest session that has none; `false` if there is none.
pub fn record_outcome(
    conn: &Conn,
    submission: Uuid,
    outcome: SessionOutcome,
    note: Option<&str>,
    at: OffsetDateTime,
) -> Result<bool, DbError> {
    let updated = conn.execute(
        "UPDATE mediation_sessions SET outcome = ?1, outcome_note = ?2, held_at = ?3 \
         WHERE id = (SELECT id FROM mediation_sessions \
                     WHERE submission_id = ?4 AND outcome IS NULL ORDER BY id DESC LIMIT 1)",
        params![outcome.as_str(), note, format_time(at)?, submission.to_string()],
    )?;
    Ok(updated == 1)
}

/// Whether some session of `submission` ended with the parties' agreement.
pub fn agreed(conn: &Conn, submission: Uuid) -> Result<bool, DbError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM mediation_sessions \
                        WHERE submission_id = ?1 AND outcome = 'agreed')",
        params![submission.to_string()],
        |row| row.get(0),
    )
}

/// The sessions of `submission`, oldest first.
pub fn sessions(conn: &Conn, submission: Uuid) -> Result<Vec<SessionRecord>, DbError> {
    let mut statement = conn.prepare(
        "SELECT session_date, session_time, place, mediator, scheduled_at, outcome, \
                outcome_note, held_at \
         FROM mediation_sessions WHERE submission_id = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map(params![submission.to_string()], |row| {
        Ok((
            row.get::<String>(0)?,
            MediationSession {
                date: Date::MIN,
                time: row.get(1)?,
                place: row.get(2)?,
                mediator: row.get(3)?,
            },
            row.get::<String>(4)?,
            row.get::<Option<String>>(5)?,
            row.get::<Option<String>>(6)?,
            row.get::<Option<String>>(7)?,
        ))
    })?;
    rows.map(|row| {
        let (date, mut session, scheduled_at, outcome, outcome_note, held_at) = row?;
        session.date = Date::parse(&date, ISO_DATE)
            .map_err(|_| DbError::Corrupt(format!("session date of {submission}")))?;
        let outcome = outcome
            .map(|o| serde_json::from_value(serde_json::Value::String(o)))
            .transpose()
            .map_err(|_| DbError::Corrupt(format!("session outcome of {submission}")))?;
        Ok(SessionRecord {
            session,
            scheduled_at: parse_time(&scheduled_at)?,
            outcome,
            outcome_note,
            held_at: held_at.as_deref().map(parse_time).transpose()?,
        })
    })
    .collect()
}

/// Stores the signed act; `false` (and nothing stored) if `submission` has one already.
pub fn store_act(conn: &Conn, submission: Uuid, act: &SignedAct) -> Result<bool, DbError> {
    let input = serde_json::to_string(&act.input)
        .map_err(|e| DbError::Corrupt(format!("act input: {e}")))?;
    let inserted = conn.execute(
        "INSERT INTO reconciliation_acts (submission_id, number, input, text, sha256, signed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (submission_id) DO NOTHING",
        params![
            submission.to_string(),
            act.number,
            input,
            act.text,
            act.hash,
            format_time(act.signed_at)?
        ],
    )?;
    Ok(inserted == 1)
}

/// The act signed for `submission`, if any, as stored.
pub fn act(conn: &Conn, submission: Uuid) -> Result<Option<SignedAct>, DbError> {
    let row: Option<(String, String, String, String, String)> = conn
        .query_row(
            "SELECT number, input, text, sha256, signed_at FROM reconciliation_acts \
             WHERE submission_id = ?1",
            params![submission.to_string()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
        )
        .optional()?;
    row.map(|(number, input, text, hash, signed_at)| {
        let input: ActInput = serde_json::from_str(&input)
            .map_err(|_| DbError::Corrupt(format!("act input of {submission}")))?;
        Ok(SignedAct {
            number,
            short_hash: adal_core::act::short_form(&hash),
            hash,
            text,
            input,
            signed_at: parse_time(&signed_at)?,
        })
    })
    .transpose()
}
