//! Mediation (the law on mediation): a request's sessions, what each came to, and the
//! record staff and the parties read. The signed act itself is [`crate::act`]'s.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::act::SignedAct;
use crate::calendar::ISO_DATE;
use crate::validation::{self, FieldErrors};
use crate::{ErrorCode, Lang};

/// A mediation session: local date and time in the region, the place, the mediator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediationSession {
    #[serde(with = "crate::calendar::iso_date")]
    pub date: Date,
    /// `HH:MM`, local time in the region.
    pub time: String,
    pub place: String,
    pub mediator: String,
}

/// Shortest and longest place or mediator name of a session.
pub const SESSION_TEXT_MIN: usize = 2;
pub const SESSION_TEXT_MAX: usize = 200;

impl MediationSession {
    /// The session as it will be stored: trimmed, the time as `HH:MM`, the date today
    /// (the region's local date, passed in) or later. Every problem at once, under
    /// `session.date`, `session.time`, `session.place` and `session.mediator`.
    pub fn check(&self, today: Date) -> Result<MediationSession, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.date < today {
            errors.push("session.date", ErrorCode::DateInPast);
        }
        let time = errors.check("session.time", crate::form::value::time_of_day(&self.time));
        let text = |raw: &str| validation::text(raw, SESSION_TEXT_MIN, SESSION_TEXT_MAX);
        let place = errors.check("session.place", text(&self.place));
        let mediator = errors.check("session.mediator", text(&self.mediator));
        match (time, place, mediator) {
            (Some(time), Some(place), Some(mediator)) if errors.is_empty() => {
                Ok(MediationSession { date: self.date, time, place, mediator })
            }
            _ => Err(errors),
        }
    }

    /// The public note of its `session_scheduled` event, in no particular language:
    /// `2026-12-03 10:00 · Uralsk, Dostyk 12, room 4 · A. Serikova`.
    pub fn note(&self) -> String {
        let date = self.date.format(ISO_DATE).expect("a date formats");
        format!("{date} {} · {} · {}", self.time, self.place, self.mediator)
    }

    /// The place and mediator written in a `session_scheduled` event's public note, read
    /// back only for a copy of a submission kept on a device before the server sent its
    /// sessions typed ([`StaffSubmission::sessions`](crate::staff::StaffSubmission)); the
    /// inverse of [`note`](Self::note), kept beside it so the two cannot drift apart.
    pub fn place_and_mediator_of_note(note: &str) -> Option<(String, String)> {
        let (_, rest) = note.split_once(" · ")?;
        let (place, mediator) = rest.rsplit_once(" · ")?;
        Some((place.trim().to_owned(), mediator.trim().to_owned()))
    }
}

/// What a mediation session came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionOutcome {
    /// The parties agreed; an act follows ([`SignAct`](crate::staff::StaffAction::SignAct)).
    Agreed,
    NotAgreed,
    /// Another session is needed.
    Postponed,
}

impl SessionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionOutcome::Agreed => "agreed",
            SessionOutcome::NotAgreed => "not_agreed",
            SessionOutcome::Postponed => "postponed",
        }
    }

    /// How a person reads it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SessionOutcome::Agreed, Lang::Kk) => "Тараптар келісімге келді",
            (SessionOutcome::Agreed, Lang::Ru) => "Стороны достигли согласия",
            (SessionOutcome::Agreed, Lang::En) => "The parties agreed",
            (SessionOutcome::NotAgreed, Lang::Kk) => "Тараптар келісімге келмеді",
            (SessionOutcome::NotAgreed, Lang::Ru) => "Стороны не достигли согласия",
            (SessionOutcome::NotAgreed, Lang::En) => "The parties did not agree",
            (SessionOutcome::Postponed, Lang::Kk) => "Тағы бір кездесу қажет",
            (SessionOutcome::Postponed, Lang::Ru) => "Нужна ещё одна встреча",
            (SessionOutcome::Postponed, Lang::En) => "Another session is needed",
        }
    }

    /// The public note of its `session_held` event: the outcome in Kazakh and Russian
    /// (the languages of the act), then the mediator's note, if any, on its own line.
    pub fn note(self, note: &str) -> String {
        let words = format!("{} / {}", self.label(Lang::Kk), self.label(Lang::Ru));
        match note.trim() {
            "" => words,
            note => format!("{words}\n{note}"),
        }
    }
}

/// One session of a mediation request, as staff and the parties read it: what was
/// scheduled and, once held, what it came to. A session's outcome is recorded against
/// the latest session that has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRecord {
    pub session: MediationSession,
    #[serde(with = "time::serde::rfc3339")]
    pub scheduled_at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<SessionOutcome>,
    /// The mediator's public note on the outcome, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_note: Option<String>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub held_at: Option<OffsetDateTime>,
}

/// `GET /api/v1/staff/submissions/{tracking}/mediation`: the sessions of a mediation
/// request, oldest first, and its signed act if there is one. The act alone is at
/// `GET /api/v1/staff/submissions/{tracking}/act` (404 until signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediationRecord {
    pub sessions: Vec<SessionRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<SignedAct>,
}
