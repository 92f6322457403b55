//! The steps of handling a submission: what staff send ([`StaffAction`]), each step's own
//! checks ([`StaffAction::check`]), and the timeline entry it records ([`StaffEvent`]).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::{Role, policy};
use crate::mediation::{MediationSession, SessionOutcome};

use crate::District;
use crate::act::ActInput;
use crate::calendar::Deadlines;
use crate::receipt::{EventKind, StatusEvent};
use crate::validation;

/// Longest public answer or reason a staff member may write.
pub const NOTE_MAX_CHARS: usize = 4000;

/// The header that makes a staff action idempotent: the app sends a UUID made when the
/// action was queued (possibly offline), and a retry with the same key changes nothing
/// and gets the first answer again.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// A step of handling a submission, as the policy names it: the mediation steps
/// (scheduling a session, recording its outcome, signing the act) are one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Register,
    Forward,
    Assign,
    AskInfo,
    Note,
    Extend,
    Answer,
    Close,
    Mediate,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Register,
        Step::Forward,
        Step::Assign,
        Step::AskInfo,
        Step::Note,
        Step::Extend,
        Step::Answer,
        Step::Close,
        Step::Mediate,
    ];
}

impl Role {
    /// Whether this role may take `step` on an item of its reach (`conflict`: the item
    /// names its district's own office), as the [`policy`] says: the app offers a person
    /// only these steps; the server also checks where the item is.
    pub fn may(self, step: Step, conflict: bool) -> bool {
        policy::allows(self, step.into(), conflict)
    }
}

/// One entry of a submission's timeline as staff see it. The citizen's receipt shows the
/// same events as [`StatusEvent`]s, without internal notes and without logins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffEvent {
    pub kind: EventKind,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The public text (question, reason, answer, the citizen's reply) or, for
    /// [`EventKind::Note`], the internal note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The login of the staff member who recorded it; none for what the server or the
    /// citizen recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Forwarded: the district it went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<District>,
    /// Assigned: the login it went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Extended: the new answer day.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::calendar::optional_date"
    )]
    pub until: Option<Date>,
}

impl StaffEvent {
    /// An event of `kind` at `at` that carries nothing else yet.
    pub fn new(kind: EventKind, at: OffsetDateTime) -> StaffEvent {
        StaffEvent { kind, at, note: None, by: None, to: None, assignee: None, until: None }
    }

    /// What the citizen sees of it, if anything.
    pub fn public(&self) -> Option<StatusEvent> {
        self.kind.is_public().then(|| StatusEvent {
            kind: self.kind,
            at: self.at,
            note: self.note.clone(),
            until: self.until,
        })
    }
}

/// `POST /api/v1/submissions/{tracking}/reply` with the receipt secret: the person's
/// reply to the office's question ([`StaffAction::AskInfo`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyRequest {
    pub text: String,
}

impl ReplyRequest {
    /// The reply trimmed, 1 to [`NOTE_MAX_CHARS`] characters; the error is for the `text`
    /// field.
    pub fn validate(&self) -> Result<String, crate::validation::FieldErrors> {
        let mut errors = crate::validation::FieldErrors::default();
        let text =
            errors.check("text", crate::validation::long_text(&self.text, 1, NOTE_MAX_CHARS));
        match text {
            Some(text) if errors.is_empty() => Ok(text),
            _ => Err(errors),
        }
    }
}

/// `POST /api/v1/staff/submissions/{tracking}/events`: one step of handling. Each becomes
/// an event of the timeline; all but [`StaffAction::Note`] are shown to the citizen.
/// Sent with an [`IDEMPOTENCY_HEADER`], so that an action queued offline and sent twice
/// happens once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffAction {
    Register,
    /// To another district's office (`to`), or to another body named in the reason.
    Forward {
        reason: String,
        #[serde(default)]
        to: Option<District>,
    },
    /// To a staff member by login; the login is not shown to the citizen.
    Assign {
        to: String,
    },
    /// Ask the citizen for more information; the question is shown on their receipt and
    /// they reply from it.
    AskInfo {
        question: String,
    },
    /// An internal note: who, when, what, never shown to the citizen.
    Note {
        text: String,
    },
    /// Extend the answer deadline to `until` (at most two months after receipt), with
    /// the reason the citizen is told; only until the answer day in force has passed
    /// ([`Deadlines::answer_day`]).
    Extend {
        reason: String,
        #[serde(with = "crate::calendar::iso_date")]
        until: Date,
    },
    /// The public answer, shown on the citizen's receipt.
    Answer {
        text: String,
    },
    /// Schedule a mediation session; the parties see it on their receipt.
    ScheduleSession {
        session: MediationSession,
    },
    /// What a held session came to.
    RecordOutcome {
        outcome: SessionOutcome,
        #[serde(default)]
        note: String,
    },
    /// The parties signed a reconciliation act: the server checks and stores it, and the
    /// receipt shows its number and hash.
    SignAct {
        act: Box<ActInput>,
    },
    Close,
}

impl StaffAction {
    /// The step of the policy this action is.
    pub fn step(&self) -> Step {
        match self {
            StaffAction::Register => Step::Register,
            StaffAction::Forward { .. } => Step::Forward,
            StaffAction::Assign { .. } => Step::Assign,
            StaffAction::AskInfo { .. } => Step::AskInfo,
            StaffAction::Note { .. } => Step::Note,
            StaffAction::Extend { .. } => Step::Extend,
            StaffAction::Answer { .. } => Step::Answer,
            StaffAction::Close => Step::Close,
            StaffAction::ScheduleSession { .. }
            | StaffAction::RecordOutcome { .. }
            | StaffAction::SignAct { .. } => Step::Mediate,
        }
    }

    pub fn event_kind(&self) -> EventKind {
        match self {
            StaffAction::Register => EventKind::Registered,
            StaffAction::Forward { .. } => EventKind::Forwarded,
            StaffAction::Assign { .. } => EventKind::Assigned,
            StaffAction::AskInfo { .. } => EventKind::InfoRequested,
            StaffAction::Note { .. } => EventKind::Note,
            StaffAction::Extend { .. } => EventKind::Extended,
            StaffAction::Answer { .. } => EventKind::Answered,
            StaffAction::ScheduleSession { .. } => EventKind::SessionScheduled,
            StaffAction::RecordOutcome { .. } => EventKind::SessionHeld,
            StaffAction::SignAct { .. } => EventKind::ActSigned,
            StaffAction::Close => EventKind::Closed,
        }
    }
}

/// Why a staff action's own checks refuse it (who may take it is the server's policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActionRefusal {
    /// A reason, question, answer or note that is empty or longer than [`NOTE_MAX_CHARS`];
    /// `field` names it as the request does.
    #[error("{field}: 1 to {NOTE_MAX_CHARS} characters")]
    Text { field: &'static str },
    #[error("extension without a reason")]
    ExtensionReasonMissing,
    /// The answer day in force, `answer_by`, has passed: an extension now would turn a
    /// late answer into an on-time one.
    #[error("the answer day {answer_by} has passed")]
    ExtensionTooLate { answer_by: Date },
    #[error("extension not later than the answer day {answer_by}")]
    ExtensionNotLater { answer_by: Date },
    /// Past two months from receipt ([`Deadlines::extended_answer_by`]).
    #[error("extension past the longest allowed, {latest}")]
    ExtensionTooLong { latest: Date },
}

impl StaffAction {
    /// The event this action records at `at` (its texts cleaned, as every free text is),
    /// or why the law or the form refuses it: the one place these checks live, for the
    /// server's handler and the staff app alike. `deadlines` are the item's, and
    /// `answer_day` the day in force now ([`Deadlines::answer_day`] of the extensions
    /// recorded so far). An extension needs a reason, must be recorded on or before the
    /// answer day in force (the region's date of `at`), must move it later, and not past
    /// two months from receipt. The mediation steps are checked by their own types
    /// ([`MediationSession::check`], `ActInput::parse`) with what the server holds.
    pub fn check(
        &self,
        at: OffsetDateTime,
        deadlines: &Deadlines,
        answer_day: Date,
    ) -> Result<StaffEvent, ActionRefusal> {
        let text = |raw: &str, field: &'static str| {
            validation::long_text(raw, 1, NOTE_MAX_CHARS).map_err(|_| ActionRefusal::Text { field })
        };
        let mut event = StaffEvent::new(self.event_kind(), at);
        match self {
            StaffAction::Forward { reason, to } => {
                event.note = Some(text(reason, "reason")?);
                event.to = *to;
            }
            StaffAction::Answer { text: answer } => event.note = Some(text(answer, "text")?),
            StaffAction::AskInfo { question } => event.note = Some(text(question, "question")?),
            StaffAction::Note { text: note } => event.note = Some(text(note, "text")?),
            StaffAction::Assign { to } => event.assignee = Some(to.trim().to_lowercase()),
            StaffAction::Extend { reason, until } => {
                if reason.trim().is_empty() {
                    return Err(ActionRefusal::ExtensionReasonMissing);
                }
                event.note = Some(text(reason, "reason")?);
                if !Deadlines::may_extend(answer_day, crate::district::region_date(at)) {
                    return Err(ActionRefusal::ExtensionTooLate { answer_by: answer_day });
                }
                if *until <= answer_day {
                    return Err(ActionRefusal::ExtensionNotLater { answer_by: answer_day });
                }
                if *until > deadlines.extended_answer_by {
                    return Err(ActionRefusal::ExtensionTooLong {
                        latest: deadlines.extended_answer_by,
                    });
                }
                event.until = Some(*until);
            }
            StaffAction::Register
            | StaffAction::Close
            | StaffAction::ScheduleSession { .. }
            | StaffAction::RecordOutcome { .. }
            | StaffAction::SignAct { .. } => {}
        }
        Ok(event)
    }
}
