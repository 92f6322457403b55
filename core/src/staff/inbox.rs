//! A district's inbox and one submission as staff read it, with the act's draft built
//! from what a mediation request says.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::StaffEvent;

use crate::District;
use crate::act::{self, ActInput, PartyInput, TermDetail};
use crate::calendar::Deadlines;
use crate::form::FormRef;
use crate::mediation::{MediationSession, SessionRecord};
use crate::receipt::{EventKind, Identity};
use crate::staff::DUE_SOON_DAYS;

/// One submission in an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub tracking: String,
    pub form: FormRef,
    pub district: District,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub anonymous: bool,
    /// The latest event of its timeline that the citizen sees (internal notes do not
    /// change a status).
    pub status: EventKind,
    /// The deadlines the law sets from the day it arrived.
    pub deadlines: Deadlines,
    /// The answer is due by this day: `deadlines.answer_by`, or the day of the latest
    /// extension ([`StaffAction::Extend`]).
    #[serde(with = "crate::calendar::iso_date")]
    pub answer_by: Date,
    /// Working days until `answer_by`; negative when overdue.
    pub days_left: i64,
    /// Still open, neither registered nor forwarded, and past `deadlines.forward_by`
    /// ([`Deadlines::forwarding_overdue`]): the office is late to take it up or send it on.
    #[serde(default)]
    pub forwarding_overdue: bool,
    /// The complaint's `category` answer (a choice code), if its form has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The `institution` answer, as the person wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// The login of the staff member it was last assigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// It names the district's own integrity office or reconciliation centre (or their
    /// staff): only the district's curator and the regional front office handle it.
    #[serde(default)]
    pub conflict: bool,
}

/// How due an inbox item is (`?due=` of the inbox): the one rule the server's filter,
/// the staff inbox's filter and the region's overview counts all read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Due {
    /// Neither answered nor closed.
    Open,
    /// Open and due today or within [`DUE_SOON_DAYS`] working days (not yet overdue).
    Soon,
    /// Open and past its answer day.
    Overdue,
    /// Open, and neither registered nor forwarded by its forwarding day.
    Unforwarded,
    /// Open and due within the next five working days, or overdue.
    Week,
}

impl Due {
    pub const ALL: [Due; 5] = [Due::Open, Due::Soon, Due::Overdue, Due::Unforwarded, Due::Week];

    pub fn as_str(self) -> &'static str {
        match self {
            Due::Open => "open",
            Due::Soon => "soon",
            Due::Overdue => "overdue",
            Due::Unforwarded => "unforwarded",
            Due::Week => "week",
        }
    }

    /// Whether `item` is due so.
    pub fn matches(self, item: &InboxItem) -> bool {
        item.is_open()
            && match self {
                Due::Open => true,
                Due::Soon => (0..=DUE_SOON_DAYS).contains(&item.days_left),
                Due::Overdue => item.days_left < 0,
                Due::Unforwarded => item.forwarding_overdue,
                Due::Week => item.days_left < 5,
            }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("due is `open`, `soon`, `overdue`, `unforwarded` or `week`")]
pub struct UnknownDue;

impl FromStr for Due {
    type Err = UnknownDue;

    fn from_str(s: &str) -> Result<Due, UnknownDue> {
        Due::ALL.into_iter().find(|d| d.as_str() == s).ok_or(UnknownDue)
    }
}

/// `GET /api/v1/staff/inbox?district=`: open items first, by what is due first;
/// answered and closed ones after them, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxResponse {
    pub district: District,
    pub items: Vec<InboxItem>,
}

/// `GET /api/v1/staff/submissions/{tracking}`: everything the office needs to handle it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSubmission {
    pub tracking: String,
    pub form: FormRef,
    pub district: District,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub anonymous: bool,
    pub answers: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Everything that happened to it, oldest first: internal notes and who did what too.
    pub timeline: Vec<StaffEvent>,
    pub deadlines: Deadlines,
    /// The answer is due by this day (after any extension).
    #[serde(with = "crate::calendar::iso_date")]
    pub answer_by: Date,
    /// Working days until `answer_by`; negative when overdue.
    pub days_left: i64,
    /// See [`InboxItem::forwarding_overdue`].
    #[serde(default)]
    pub forwarding_overdue: bool,
    /// The extension in force, its reason, and the day the citizen must be told of it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<crate::calendar::ExtensionNotice>,
    /// See [`InboxItem::conflict`].
    #[serde(default)]
    pub conflict: bool,
    /// A mediation request's sessions, oldest first, each with what it came to: the same
    /// facts as its `session_scheduled` and `session_held` events, typed. `None` for other
    /// forms, and in a copy a device kept before the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Vec<SessionRecord>>,
}

impl StaffSubmission {
    /// A reconciliation act's draft from what a mediation request already says: its
    /// district, the parties as the request names them (the applicant first, with the
    /// IIN if given), the dispute in the applicant's words, and the place and mediator of
    /// the latest scheduled session (from the typed [`sessions`](Self::sessions)). What the request does not say stays empty. The draft
    /// is an act of [`act::ART_27`]: it asks for everything Art. 27 lists, with one empty
    /// term (and its time limit and manner) to fill.
    pub fn act_draft(&self) -> ActInput {
        let text = |v: &serde_json::Value, key: &str| {
            v.get(key).and_then(|v| v.as_str()).map(str::trim).unwrap_or_default().to_owned()
        };
        let answers = &self.answers;
        let mut parties = Vec::new();
        let applicant = text(answers, "applicant_name");
        if !applicant.is_empty() {
            parties.push(PartyInput {
                name: applicant,
                iin: text(answers, "applicant_iin"),
                ..PartyInput::default()
            });
        }
        if let Some(others) = answers.get("parties").and_then(|v| v.as_array()) {
            parties.extend(others.iter().filter(|p| !text(p, "name").is_empty()).map(|p| {
                PartyInput {
                    name: text(p, "name"),
                    address: text(p, "address"),
                    ..PartyInput::default()
                }
            }));
        }
        while parties.len() < 2 {
            parties.push(PartyInput::default());
        }
        let (place, mediator_name) = self.latest_session_place().unwrap_or_default();
        ActInput {
            district: self.district.code().to_owned(),
            place,
            mediator_name,
            parties,
            dispute: text(answers, "description"),
            terms: vec![String::new()],
            term_details: vec![TermDetail::default()],
            version: act::ART_27,
            ..ActInput::default()
        }
    }

    /// The place and mediator of the latest scheduled session. A copy kept on a device
    /// before the server sent the sessions typed has them only in the public note of its
    /// latest `session_scheduled` event, and is read from there.
    fn latest_session_place(&self) -> Option<(String, String)> {
        match &self.sessions {
            Some(sessions) => {
                sessions.last().map(|s| (s.session.place.clone(), s.session.mediator.clone()))
            }
            None => self
                .timeline
                .iter()
                .rev()
                .find(|e| e.kind == EventKind::SessionScheduled)
                .and_then(|e| e.note.as_deref())
                .and_then(MediationSession::place_and_mediator_of_note),
        }
    }
}
