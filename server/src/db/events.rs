//! Receipts (the hash of the device-held secret), status timelines, and identities added
//! to anonymous submissions.
//!
//! Architecture invariant: a receipt secret is never stored, logged or compared in the
//! clear. The server keeps its SHA-256 and compares hashes in constant time.

use super::sql::{Conn, Optional, params};
use adal_core::District;
use adal_core::api::FormRef;
use adal_core::appeal::{Requisite, Standing};
use adal_core::receipt::{EventKind, Identity, ReceiptTerms, StatusEvent, SubmissionStatus};
use adal_core::staff::StaffEvent;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::DbError;
use super::clock::{format_time, parse_time};

/// The stored form of a receipt secret: SHA-256, lowercase hex. A secret has at least
/// 128 random bits, so a plain hash is enough: there is nothing to guess from it.
/// Takes the secret's text (`ReceiptSecret::expose`) so that callers can hash a stand-in
/// when there is none.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two hashes in time that depends only on their lengths.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a resend's secret (`sent`) is the one stored (both none counts).
pub fn secrets_match(stored: Option<&str>, sent: Option<&str>) -> bool {
    match (stored, sent) {
        (None, None) => true,
        (Some(stored), Some(sent)) => hashes_match(stored, sent),
        _ => false,
    }
}

/// Appends an event to a submission's timeline.
pub fn append(
    conn: &Conn,
    submission: Uuid,
    kind: EventKind,
    at: OffsetDateTime,
    note: Option<&str>,
) -> Result<(), DbError> {
    let event = StaffEvent { note: note.map(str::to_owned), ..StaffEvent::new(kind, at) };
    append_staff(conn, submission, &event)
}

/// Appends an event with who recorded it and what it carried (see [`StaffEvent`]).
pub fn append_staff(conn: &Conn, submission: Uuid, event: &StaffEvent) -> Result<(), DbError> {
    conn.prepare_cached(
        "INSERT INTO submission_events \
         (submission_id, kind, at, note, by_login, to_district, assignee, until) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        submission.to_string(),
        event.kind.as_str(),
        format_time(event.at)?,
        event.note,
        event.by,
        event.to.map(District::code),
        event.assignee,
        event.until.map(|d| d.to_string()),
    ])?;
    Ok(())
}

/// A submission's whole timeline as staff see it, oldest first.
pub fn staff_timeline(conn: &Conn, submission: Uuid) -> Result<Vec<StaffEvent>, DbError> {
    let mut statement = conn.prepare(
        "SELECT kind, at, note, by_login, to_district, assignee, until \
         FROM submission_events WHERE submission_id = ?1 ORDER BY at, id",
    )?;
    let rows = statement.query_map(params![submission.to_string()], |row| {
        Ok((
            row.get::<String>(0)?,
            row.get::<String>(1)?,
            row.get::<Option<String>>(2)?,
            row.get::<Option<String>>(3)?,
            row.get::<Option<String>>(4)?,
            row.get::<Option<String>>(5)?,
            row.get::<Option<String>>(6)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, at, note, by, to, assignee, until) = row?;
        Ok(StaffEvent {
            kind: kind.parse().unwrap_or(EventKind::Other),
            at: parse_time(&at)?,
            note,
            by,
            to: to.as_deref().and_then(District::from_code),
            assignee,
            until: until.as_deref().map(parse_date).transpose()?,
        })
    })
    .collect()
}

/// A `YYYY-MM-DD` day as stored in `submission_events.until`.
pub fn parse_date(raw: &str) -> Result<Date, DbError> {
    Date::parse(raw, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| DbError::Corrupt(format!("date {raw}")))
}

/// Appends an event recorded by staff (from the shell or the staff API) to the timeline
/// of the submission `tracking`; `false` if there is no such submission.
pub fn append_by_tracking(
    conn: &Conn,
    tracking: &str,
    kind: EventKind,
    at: OffsetDateTime,
    note: Option<&str>,
) -> Result<bool, DbError> {
    let Some(found) = find(conn, tracking)? else {
        return Ok(false);
    };
    append(conn, found.id, kind, at, note)?;
    Ok(true)
}

/// A submission found by its tracking number, with what decides who may see it.
#[derive(Debug, Clone)]
pub struct Receipted {
    pub id: Uuid,
    /// `None` for submissions sent without a secret: nobody can open their status.
    pub secret_sha256: Option<String>,
    tracking: String,
    form: FormRef,
    received_at: OffsetDateTime,
    sent_anonymous: bool,
    identity_added: bool,
    district: Option<District>,
    reports_a_bribe: bool,
    /// Whether it is a formal appeal (APC Art. 63), and since when.
    standing: Standing,
    /// Sent named: the name and phone its answers give.
    named_as: Option<(String, String)>,
}

impl Receipted {
    /// Who accepted it, when it is registered and answered by, counted by `calendar`.
    /// Sent anonymously, it stays outside the answer clock until an identity with the
    /// IIN and postal address makes it a formal appeal; from then.
    pub fn terms(&self, calendar: &adal_core::calendar::Calendar) -> Option<ReceiptTerms> {
        Some(ReceiptTerms::new(
            calendar,
            &self.form.id,
            self.district?,
            self.received_at,
            &self.standing,
            self.reports_a_bribe,
        ))
    }

    /// Sent with a name, but without what makes it a formal appeal: its sender may still
    /// add the IIN and postal address ([`add_identity`]), both at once.
    pub fn named_but_incomplete(&self) -> bool {
        !self.sent_anonymous && matches!(self.standing, Standing::Incomplete(_))
    }

    /// Still anonymous: sent so, and no identity added since.
    pub fn anonymous(&self) -> bool {
        self.sent_anonymous && !self.identity_added
    }

    /// Whether `presented` (a hash) opens this submission. Always compares, so that a
    /// submission without a secret takes as long to refuse as a wrong secret.
    pub fn opens_with(&self, presented: &str) -> bool {
        let stored = self.secret_sha256.as_deref();
        hashes_match(stored.unwrap_or(&"0".repeat(64)), presented) && stored.is_some()
    }
}

/// The submission with tracking number `tracking` (normalised, e.g. `URA-2026-00042`).
pub fn find(conn: &Conn, tracking: &str) -> Result<Option<Receipted>, DbError> {
    let row = conn
        .query_row(
            "SELECT s.id, r.secret_sha256, s.form_id, s.form_version, s.received_at, \
                    COALESCE(r.anonymous, 0), i.submission_id IS NOT NULL, s.district, \
                    s.answers, i.iin IS NOT NULL, i.postal_address IS NOT NULL, i.formal_at \
             FROM submissions s \
             LEFT JOIN receipts r ON r.submission_id = s.id \
             LEFT JOIN submission_identities i ON i.submission_id = s.id \
             WHERE s.tracking = ?1",
            params![tracking],
            |row| {
                Ok((
                    (
                        row.get::<String>(0)?,
                        row.get::<Option<String>>(1)?,
                        FormRef { id: row.get(2)?, version: row.get(3)? },
                        row.get::<String>(4)?,
                        row.get::<bool>(5)?,
                        row.get::<bool>(6)?,
                        row.get::<String>(7)?,
                        row.get::<String>(8)?,
                    ),
                    (row.get::<bool>(9)?, row.get::<bool>(10)?, row.get::<Option<String>>(11)?),
                ))
            },
        )
        .optional()?;
    let Some((
        (id, secret_sha256, form, received_at, sent_anonymous, identity_added, district, answers),
        (has_iin, has_address, formal_at),
    )) = row
    else {
        return Ok(None);
    };
    // Answers that no longer read as answers only lose the bribe flag, never the receipt.
    let answers: adal_core::form::Answers = serde_json::from_str(&answers).unwrap_or_default();
    let reports_a_bribe = adal_core::receipt::reports_a_bribe(&form.id, &answers);
    let received_at = parse_time(&received_at)?;
    let standing = if sent_anonymous {
        let missing = [(has_iin, Requisite::Iin), (has_address, Requisite::PostalAddress)]
            .into_iter()
            .filter_map(|(given, requisite)| (!given).then_some(requisite))
            .collect();
        let formal_at = formal_at.as_deref().map(parse_time).transpose()?;
        Standing::of_identity(identity_added.then_some((missing, formal_at)))
    } else {
        // A named complaint completed later with the IIN and address: formal from then.
        match (Standing::of_submission(&form, &answers, received_at), formal_at) {
            (Standing::Incomplete(_), Some(at)) => Standing::Formal { since: parse_time(&at)? },
            (standing, _) => standing,
        }
    };
    let text = |key: &str| answers.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let named_as = text("name").zip(text("phone")).filter(|_| !sent_anonymous);
    Ok(Some(Receipted {
        id: id.parse().map_err(|_| DbError::Corrupt(format!("submission id {id}")))?,
        secret_sha256,
        tracking: tracking.to_owned(),
        form,
        received_at,
        sent_anonymous,
        identity_added,
        district: District::from_code(&district),
        reports_a_bribe,
        standing,
        named_as,
    }))
}

/// The status of a found submission: its timeline, oldest first.
pub fn status(conn: &Conn, found: &Receipted) -> Result<SubmissionStatus, DbError> {
    let mut statement = conn.prepare(
        "SELECT kind, at, note, until FROM submission_events \
         WHERE submission_id = ?1 ORDER BY at, id",
    )?;
    let rows = statement.query_map(params![found.id.to_string()], |row| {
        Ok((
            row.get::<String>(0)?,
            row.get::<String>(1)?,
            row.get::<Option<String>>(2)?,
            row.get::<Option<String>>(3)?,
        ))
    })?;
    let timeline = rows
        .map(|row| {
            let (kind, at, note, until) = row?;
            Ok(StatusEvent {
                // A kind this build does not know still shows, as `other`.
                kind: kind.parse().unwrap_or(EventKind::Other),
                at: parse_time(&at)?,
                note,
                until: until.as_deref().map(parse_date).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    // Internal notes stay in the office (the rule is `EventKind::is_public`).
    let timeline: Vec<StatusEvent> = timeline.into_iter().filter(|e| e.kind.is_public()).collect();
    Ok(SubmissionStatus {
        tracking: found.tracking.clone(),
        form: found.form.clone(),
        received_at: found.received_at,
        anonymous: found.anonymous(),
        public_answer: SubmissionStatus::public_answer_of(&timeline),
        // Counted by the route, which holds the calendar.
        extension: None,
        timeline,
        sessions: super::mediation::sessions(conn, found.id)?,
        act: super::mediation::act(conn, found.id)?,
        // Counted by the route, which holds the calendar (`Receipted::terms`).
        terms: None,
    })
}

/// What a reply from the receipt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replied {
    /// Recorded now, or this very reply was recorded before (a resend).
    Recorded,
    /// The office has no unanswered question.
    NoQuestion,
}

/// Records the person's reply to the office's latest question as `info_provided`, if
/// that question is unanswered; a resend of the reply that answered it changes nothing.
pub fn reply(
    conn: &Conn,
    found: &Receipted,
    text: &str,
    at: OffsetDateTime,
) -> Result<Replied, DbError> {
    let tx = conn.transaction_with_behavior(super::sql::Behavior::Immediate)?;
    let events = staff_timeline(&tx, found.id)?;
    let Some(asked) = events.iter().rposition(|e| e.kind == EventKind::InfoRequested) else {
        return Ok(Replied::NoQuestion);
    };
    if let Some(reply) = events[asked..].iter().find(|e| e.kind == EventKind::InfoProvided) {
        let same = reply.note.as_deref() == Some(text);
        return Ok(if same { Replied::Recorded } else { Replied::NoQuestion });
    }
    append(&tx, found.id, EventKind::InfoProvided, at, Some(text))?;
    tx.commit()?;
    Ok(Replied::Recorded)
}

/// What adding an identity came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityAdded {
    /// Added now, or the very same identity was added before (a resend).
    Added,
    /// The submission names its sender already.
    NotAnonymous,
}

/// Adds `identity` to the anonymous submission `found` and appends `identity_added`, in
/// one transaction; `found` then reads as named. The same name and phone again may bring
/// the IIN and postal address the first request left out (each kept once given, never
/// replaced): the identity is completed, `identity_added` appended again, and once both
/// are there the complaint is a formal appeal from `at`. A complaint sent named without
/// them is completed the same way, by its own name and phone with both.
pub fn add_identity(
    conn: &Conn,
    found: &mut Receipted,
    identity: &Identity,
    at: OffsetDateTime,
) -> Result<IdentityAdded, DbError> {
    let tx = conn.transaction_with_behavior(super::sql::Behavior::Immediate)?;
    let id = found.id.to_string();
    // On PostgreSQL two servers may add an identity to one submission at once: the
    // submission's row, locked until the commit, lets one in at a time, and the second
    // then reads what the first added (as a resend). SQLite's IMMEDIATE already does.
    if tx.dialect() == super::sql::Dialect::Postgres {
        tx.query_row(
            "SELECT 1 FROM submissions WHERE id = ?1 FOR NO KEY UPDATE",
            params![id],
            |row| row.get::<i64>(0),
        )?;
    }
    let existing = identity_row(&tx, &id)?;
    // A named complaint takes only its own name and phone, with both requisites at once.
    let completes_named = found.named_but_incomplete()
        && found.named_as.as_ref().is_some_and(|(name, phone)| {
            *name == identity.name && phone.as_str() == identity.phone.as_str()
        })
        && identity.missing().is_empty();
    if existing.is_none() && !found.sent_anonymous && !completes_named {
        return Ok(IdentityAdded::NotAnonymous);
    }
    let given_iin = identity.iin.as_ref().map(|i| i.as_str().to_owned());
    let given_address = identity.postal_address.clone();
    let (iin, postal_address) = match &existing {
        None => (given_iin, given_address),
        Some(row) => {
            let same = row.name == identity.name && row.phone == identity.phone.as_str();
            // Once given, a value stays: another one is another identity.
            let keeps = |kept: &Option<String>, given: &Option<String>| {
                kept.is_none() || given.is_none() || kept == given
            };
            if !same || !keeps(&row.iin, &given_iin) || !keeps(&row.postal_address, &given_address)
            {
                return Ok(IdentityAdded::NotAnonymous);
            }
            (row.iin.clone().or(given_iin), row.postal_address.clone().or(given_address))
        }
    };
    let unchanged =
        existing.as_ref().is_some_and(|row| row.iin == iin && row.postal_address == postal_address);
    if unchanged {
        return Ok(IdentityAdded::Added);
    }
    let formal_at =
        (iin.is_some() && postal_address.is_some()).then(|| format_time(at)).transpose()?;
    tx.execute(
        "INSERT INTO submission_identities \
             (submission_id, name, phone, added_at, iin, postal_address, formal_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (submission_id) DO UPDATE SET \
             iin = excluded.iin, postal_address = excluded.postal_address, \
             formal_at = excluded.formal_at",
        params![
            id,
            identity.name,
            identity.phone.as_str(),
            format_time(at)?,
            iin,
            postal_address,
            formal_at
        ],
    )?;
    append(&tx, found.id, EventKind::IdentityAdded, at, None)?;
    tx.commit()?;
    found.identity_added = true;
    let missing =
        [(iin.is_some(), Requisite::Iin), (postal_address.is_some(), Requisite::PostalAddress)]
            .into_iter()
            .filter_map(|(given, requisite)| (!given).then_some(requisite))
            .collect();
    found.standing = Standing::of_identity(Some((missing, formal_at.is_some().then_some(at))));
    Ok(IdentityAdded::Added)
}

/// The row of an identity added to a submission, as stored.
struct IdentityRow {
    name: String,
    phone: String,
    iin: Option<String>,
    postal_address: Option<String>,
}

fn identity_row(conn: &Conn, submission: &str) -> Result<Option<IdentityRow>, DbError> {
    conn.query_row(
        "SELECT name, phone, iin, postal_address FROM submission_identities \
             WHERE submission_id = ?1",
        params![submission],
        |row| {
            Ok(IdentityRow {
                name: row.get(0)?,
                phone: row.get(1)?,
                iin: row.get(2)?,
                postal_address: row.get(3)?,
            })
        },
    )
    .optional()
}

/// The identity added to a submission, if any.
pub fn identity_of(conn: &Conn, submission: Uuid) -> Result<Option<Identity>, DbError> {
    let corrupt = |what: &str| DbError::Corrupt(format!("{what} of submission {submission}"));
    identity_row(conn, &submission.to_string())?
        .map(|row| {
            let phone = adal_core::Phone::parse(&row.phone).map_err(|_| corrupt("phone"))?;
            let iin = row.iin.as_deref().map(adal_core::Iin::parse).transpose();
            Ok(Identity {
                name: row.name,
                phone,
                iin: iin.map_err(|_| corrupt("iin"))?,
                postal_address: row.postal_address,
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_only_when_equal() {
        let hash = secret_hash(&"a1".repeat(16));
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("a1a1"));
        assert!(hashes_match(&hash, &hash.clone()));
        assert!(!hashes_match(&hash, &secret_hash(&"a2".repeat(16))));
        assert!(!hashes_match(&hash, &hash[..63]));
        assert!(!hashes_match("", "a"));
    }
}
