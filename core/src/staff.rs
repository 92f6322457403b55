//! Staff accounts and the wire types of the staff API (`/api/v1/staff`).
//!
//! Who may do what is decided by the server alone (its `authorize` policy); the roles and
//! [`Role::may`] are here because the app shows a person only the steps their role lets
//! them take (the policy's test holds the two together).

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::act::{ActInput, PartyInput, SignedAct};
use crate::api::FormRef;
use crate::calendar::Deadlines;
use crate::calendar::ISO_DATE;
use crate::receipt::{EventKind, Identity, StatusEvent};
use crate::validation::{self, FieldErrors};
use crate::{District, ErrorCode, Lang};

/// The cookie that carries a staff session.
pub const SESSION_COOKIE: &str = "adal_staff";
/// The header every state-changing staff request repeats the login's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Shortest password accepted for a staff account.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted (hashing a megabyte is a denial of service, not security).
pub const PASSWORD_MAX_CHARS: usize = 256;
/// Longest public answer or reason a staff member may write.
pub const NOTE_MAX_CHARS: usize = 4000;
/// The header that makes a staff action idempotent: the app sends a UUID made when the
/// action was queued (possibly offline), and a retry with the same key changes nothing
/// and gets the first answer again.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// What a staff account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Youth resource centre volunteer: fills monitoring checklists in one district.
    Volunteer,
    /// Staff of a district's integrity office or reconciliation centre.
    OfficeStaff,
    /// A mediator (or other provider) working with one district's centre.
    Mediator,
    /// The deputy district akim who curates one district's office.
    Curator,
    /// The regional front office in Uralsk: every district.
    FrontOffice,
    /// Manages accounts; reads the audit log, not the citizens' submissions.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Volunteer,
        Role::OfficeStaff,
        Role::Mediator,
        Role::Curator,
        Role::FrontOffice,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::OfficeStaff => "office_staff",
            Role::Mediator => "mediator",
            Role::Curator => "curator",
            Role::FrontOffice => "front_office",
            Role::Administrator => "administrator",
        }
    }

    /// Whether an account of this role belongs to one district (all but the regional
    /// front office and administrators).
    pub fn has_district(self) -> bool {
        !matches!(self, Role::FrontOffice | Role::Administrator)
    }
}

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
    /// names its district's own office). The server decides (its policy table, whose
    /// test holds it to this); the app uses it to offer a person only the steps they may
    /// take. Office staff and the front office take every step; curators forward,
    /// assign and add notes, and take every step on conflict items; mediators answer,
    /// add notes and run mediations, on ordinary items only.
    pub fn may(self, step: Step, conflict: bool) -> bool {
        match (self, conflict) {
            (Role::FrontOffice, _) | (Role::OfficeStaff, false) | (Role::Curator, true) => true,
            (Role::Curator, false) => matches!(step, Step::Forward | Step::Assign | Step::Note),
            (Role::Mediator, false) => matches!(step, Step::Answer | Step::Note | Step::Mediate),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown role")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(UnknownRole)
    }
}

/// Why a new account was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("a login is 3 to 64 characters: a-z, 0-9, '.', '_' or '-'")]
    InvalidLogin,
    #[error("a password has {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters")]
    InvalidPassword,
    #[error("this role works in one district: give it")]
    DistrictRequired,
    #[error("this role works in every district: give none")]
    DistrictNotAllowed,
}

/// A login: lowercase ASCII, so that `Aigerim` and `aigerim` are never two accounts.
pub fn check_login(login: &str) -> Result<(), AccountError> {
    let ok = (3..=64).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(AccountError::InvalidLogin) }
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(AccountError::InvalidPassword)
    }
}

/// A district exactly when the role works in one.
pub fn check_district(role: Role, district: Option<District>) -> Result<(), AccountError> {
    match (role.has_district(), district) {
        (true, None) => Err(AccountError::DistrictRequired),
        (false, Some(_)) => Err(AccountError::DistrictNotAllowed),
        _ => Ok(()),
    }
}

/// `POST /api/v1/staff/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// `GET /api/v1/staff/me`, and the account part of a login's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub login: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
}

/// The answer to a login. The session itself is in an HttpOnly cookie; `csrf_token` is
/// what the app repeats in [`CSRF_HEADER`] on every state-changing request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub account: Me,
    pub csrf_token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /api/v1/staff/users` (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAccountRequest {
    pub login: String,
    pub role: Role,
    #[serde(default)]
    pub district: Option<District>,
    pub password: String,
}

impl NewAccountRequest {
    pub fn check(&self) -> Result<(), AccountError> {
        check_login(&self.login)?;
        check_password(&self.password)?;
        check_district(self.role, self.district)
    }
}

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

/// How soon an inbox item's answer is due (`?due=` of the inbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Due {
    /// Past its answer day and not answered or closed.
    Overdue,
    /// Open and due within the next five working days (or overdue).
    Week,
}

impl Due {
    pub const ALL: [Due; 2] = [Due::Overdue, Due::Week];

    pub fn as_str(self) -> &'static str {
        match self {
            Due::Overdue => "overdue",
            Due::Week => "week",
        }
    }

    /// Whether an item with `days_left` working days left, open or not, is due so.
    pub fn matches(self, days_left: i64, open: bool) -> bool {
        open && match self {
            Due::Overdue => days_left < 0,
            Due::Week => days_left < 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("due is `overdue` or `week`")]
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

/// One account as administrators see it (`GET /api/v1/staff/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    pub login: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /api/v1/staff/users`: every account, by login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountsResponse {
    pub accounts: Vec<AccountSummary>,
}

/// `POST /api/v1/staff/users/{login}`: what an administrator changes about an account;
/// whatever is missing stays. Disabling ends the account's sessions. When `role` is
/// given, `district` is read with it (missing = no district), so that an office
/// worker can become front office; when only `district` is given, the role stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// A new password, set by the administrator (told to its owner in person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<District>,
}

impl AccountChange {
    /// The role and district the account will have, checked as a new account's are,
    /// and the password checked if one is given.
    pub fn apply(
        &self,
        role: Role,
        district: Option<District>,
    ) -> Result<(Role, Option<District>), AccountError> {
        if let Some(password) = &self.password {
            check_password(password)?;
        }
        let (role, district) = match (self.role, self.district) {
            (Some(role), district) => (role, district),
            (None, Some(district)) => (role, Some(district)),
            (None, None) => (role, district),
        };
        check_district(role, district)?;
        Ok((role, district))
    }
}

/// A monitoring visit the district's volunteers are asked to make: the third complaint
/// within [`REPEATED_COMPLAINT_DAYS`] days about one school or clinic raises it, with the
/// checklist form to fill there. Done when a checklist about that institution arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitoringTask {
    pub id: i64,
    pub district: District,
    /// The institution's name as the latest complaint wrote it.
    pub institution: String,
    /// The checklist to fill: `monitoring_school` or `monitoring_clinic`, current version.
    pub form: FormRef,
    /// Complaints about it in the window when the task was raised.
    pub complaints: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The tracking number of the checklist that did it; none while the task is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
}

/// The phrases that name an integrity office or a reconciliation centre in general, as
/// people write them in Kazakh, Russian or English (folded before comparing).
const OFFICE_PHRASES: [&str; 8] = [
    "адалдық алаңы",
    "адалдык аланы",
    "adaldyq alany",
    "integrity office",
    "татуластыру орталығы",
    "центр примирения",
    "reconciliation centre",
    "reconciliation center",
];

/// Whether a complaint's `institution` names the district's own integrity office or
/// reconciliation centre, or one of their mediators: then that office must not handle
/// it (conflict of interest). `own` are the [`office_name_key`]s of the names (in every
/// language) of the district's directory entries of those kinds and of the mediators
/// working there. Matched folded (any script, case, accents): the institution contains
/// a name, or a name contains the institution (at least five letters), or it uses one
/// of the general phrases.
pub fn names_an_office<'a>(institution: &str, own: impl IntoIterator<Item = &'a str>) -> bool {
    let institution = crate::search::fold(institution);
    if institution.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return false;
    }
    let names = own.into_iter().filter(|n| n.len() >= 5);
    OFFICE_PHRASE_KEYS.iter().map(String::as_str).chain(names).any(|name| {
        institution.contains(name) || (institution.len() >= 5 && name.contains(&institution))
    })
}

/// A directory name as [`names_an_office`] compares it: folded, and without what it
/// says in brackets ("(sample)", "(образец)").
pub fn office_name_key(name: &str) -> String {
    crate::search::fold(&without_brackets(name))
}

static OFFICE_PHRASE_KEYS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| OFFICE_PHRASES.iter().map(|p| crate::search::fold(p)).collect());

fn without_brackets(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// The key that ties complaints about one school or clinic to each other and to the
/// monitoring checklist done there: `school:<folded name>` or `clinic:<folded name>`.
/// `None` for other forms, other categories, or no institution.
pub fn monitoring_key(form_id: &str, answers: &crate::form::Answers) -> Option<String> {
    let kind = match form_id {
        "complaint" => match answers.get("category")?.as_str()? {
            kind @ ("school" | "clinic") => kind,
            _ => return None,
        },
        "monitoring_school" => "school",
        "monitoring_clinic" => "clinic",
        _ => return None,
    };
    let name = crate::search::fold(answers.get("institution")?.as_str()?);
    let name = name.trim();
    (!name.is_empty()).then(|| format!("{kind}:{name}"))
}

/// The checklist form a monitoring task of `key` ([`monitoring_key`]) asks for.
pub fn monitoring_form(key: &str) -> Option<&'static str> {
    match key.split_once(':')?.0 {
        "school" => Some("monitoring_school"),
        "clinic" => Some("monitoring_clinic"),
        _ => None,
    }
}

/// The number of complaints about one institution that raises a monitoring task…
pub const REPEATED_COMPLAINTS: u32 = 3;
/// …within this many days.
pub const REPEATED_COMPLAINT_DAYS: i64 = 30;

/// `GET /api/v1/staff/tasks?district=`: open tasks first, then done ones, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TasksResponse {
    pub district: District,
    pub tasks: Vec<MonitoringTask>,
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
}

impl StaffSubmission {
    /// A reconciliation act's draft from what a mediation request already says: its
    /// district, the parties as the request names them (the applicant first, with the
    /// IIN if given), the dispute in the applicant's words, and the place and mediator of
    /// the latest scheduled session. What the request does not say stays empty.
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
        // The latest session's public note: `date time · place · mediator`.
        let session = self
            .timeline
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::SessionScheduled)
            .and_then(|e| e.note.as_deref())
            .and_then(|note| {
                let (_, rest) = note.split_once(" · ")?;
                let (place, mediator) = rest.rsplit_once(" · ")?;
                Some((place.trim().to_owned(), mediator.trim().to_owned()))
            });
        let (place, mediator_name) = session.unwrap_or_default();
        ActInput {
            district: self.district.code().to_owned(),
            place,
            mediator_name,
            parties,
            dispute: text(answers, "description"),
            ..ActInput::default()
        }
    }
}

/// What a mediation session came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionOutcome {
    /// The parties agreed; an act follows ([`StaffAction::SignAct`]).
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

/// One line of the audit log. Says who did what to which item, never what a citizen
/// wrote: `target` is a tracking number or a staff login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    pub action: String,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub district: Option<District>,
    /// `allowed`, `denied`, `refused` (the law refused the step: a late extension),
    /// `csrf_rejected`, `login_failed`.
    pub outcome: String,
    /// SHA-256 (hex) of the User-Agent: tells devices apart without naming them.
    #[serde(default)]
    pub device: Option<String>,
}

/// `GET /api/v1/staff/audit` (administrators), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditResponse {
    pub entries: Vec<AuditEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acts_draft_takes_what_the_request_says() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let event = |kind, note: Option<&str>| StaffEvent {
            kind,
            at,
            note: note.map(str::to_owned),
            by: None,
            to: None,
            assignee: None,
            until: None,
        };
        let session = MediationSession {
            date: time::macros::date!(2026 - 12 - 3),
            time: "10:00".into(),
            place: "Aksai, Druzhby 7".into(),
            mediator: "A. Serikova".into(),
        };
        let mut sub: StaffSubmission = serde_json::from_value(serde_json::json!({
            "tracking": "ADL-X", "form": {"id": "mediation_request", "version": 1},
            "district": "BUR", "received_at": "2026-11-25T10:00:00Z", "anonymous": false,
            "answers": {
                "applicant_name": " Aigerim Sadykova ", "applicant_iin": "900101300007",
                "parties": [{"name": "Bolat K.", "address": "Aksai, 2 mkr"}, {"name": ""}],
                "description": "The pipe leaks.",
            },
            "timeline": [],
            "deadlines": {
                "registered_on": "2026-11-25", "answer_by": "2026-12-16", "forward_by": "2026-11-28",
                "extended_answer_by": "2027-01-25",
                "provisional": false,
            },
            "answer_by": "2026-12-25", "days_left": 20,
        }))
        .unwrap();
        let draft = sub.act_draft();
        assert_eq!(draft.district, "BUR");
        assert_eq!(draft.parties.len(), 2);
        assert_eq!(draft.parties[0].name, "Aigerim Sadykova");
        assert_eq!(draft.parties[0].iin, "900101300007");
        assert_eq!(draft.parties[1].name, "Bolat K.");
        assert_eq!(draft.parties[1].address, "Aksai, 2 mkr");
        assert_eq!(draft.dispute, "The pipe leaks.");
        assert_eq!((draft.place.as_str(), draft.mediator_name.as_str()), ("", ""));
        sub.timeline.push(event(EventKind::SessionScheduled, Some("2026-11-30 09:00 · Old · B")));
        sub.timeline.push(event(EventKind::SessionScheduled, Some(&session.note())));
        let draft = sub.act_draft();
        assert_eq!(draft.place, "Aksai, Druzhby 7");
        assert_eq!(draft.mediator_name, "A. Serikova");
    }

    #[test]
    fn roles_round_trip_and_only_regional_roles_have_no_district() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert!(!Role::FrontOffice.has_district() && !Role::Administrator.has_district());
        assert!(Role::Curator.has_district());
    }

    #[test]
    fn each_role_is_offered_only_the_steps_it_may_take() {
        let steps = |role: Role, conflict| {
            Step::ALL.into_iter().filter(|s| role.may(*s, conflict)).collect::<Vec<_>>()
        };
        assert_eq!(steps(Role::OfficeStaff, false), Step::ALL);
        assert_eq!(steps(Role::FrontOffice, false), Step::ALL);
        assert_eq!(steps(Role::FrontOffice, true), Step::ALL);
        assert_eq!(steps(Role::Curator, false), [Step::Forward, Step::Assign, Step::Note]);
        assert_eq!(steps(Role::Curator, true), Step::ALL);
        assert_eq!(steps(Role::Mediator, false), [Step::Note, Step::Answer, Step::Mediate]);
        for role in [Role::OfficeStaff, Role::Mediator, Role::Volunteer, Role::Administrator] {
            assert_eq!(steps(role, true), [], "{role:?}");
        }
        assert_eq!(steps(Role::Volunteer, false), []);
        assert_eq!(steps(Role::Administrator, false), []);
        let session = MediationSession {
            date: time::macros::date!(2026 - 12 - 3),
            time: "10:00".into(),
            place: "Uralsk".into(),
            mediator: "A. Serikova".into(),
        };
        assert_eq!(StaffAction::ScheduleSession { session }.step(), Step::Mediate);
        assert_eq!(StaffAction::Close.step(), Step::Close);
    }

    #[test]
    fn accounts_are_checked() {
        let ok = NewAccountRequest {
            login: "aigerim.s".into(),
            role: Role::OfficeStaff,
            district: Some(District::Uralsk),
            password: "correct horse battery".into(),
        };
        assert_eq!(ok.check(), Ok(()));
        let upper = NewAccountRequest { login: "Aigerim".into(), ..ok.clone() };
        assert_eq!(upper.check(), Err(AccountError::InvalidLogin));
        let short = NewAccountRequest { password: "short".into(), ..ok.clone() };
        assert_eq!(short.check(), Err(AccountError::InvalidPassword));
        let nowhere = NewAccountRequest { district: None, ..ok.clone() };
        assert_eq!(nowhere.check(), Err(AccountError::DistrictRequired));
        let admin = NewAccountRequest { role: Role::Administrator, ..ok };
        assert_eq!(admin.check(), Err(AccountError::DistrictNotAllowed));
    }

    #[test]
    fn actions_read_as_tagged_objects() {
        let forward: StaffAction =
            serde_json::from_str(r#"{"action":"forward","reason":"akimat","to":"TER"}"#).unwrap();
        assert_eq!(
            forward,
            StaffAction::Forward { reason: "akimat".into(), to: Some(District::Terekti) }
        );
        assert_eq!(forward.event_kind(), EventKind::Forwarded);
        let close: StaffAction = serde_json::from_str(r#"{"action":"close"}"#).unwrap();
        assert_eq!(close.event_kind(), EventKind::Closed);
    }

    #[test]
    fn account_changes_are_checked_like_new_accounts() {
        let ura = Some(District::Uralsk);
        let office = (Role::OfficeStaff, ura);
        assert_eq!(AccountChange::default().apply(office.0, office.1), Ok(office));
        let front = AccountChange { role: Some(Role::FrontOffice), ..Default::default() };
        assert_eq!(front.apply(office.0, office.1), Ok((Role::FrontOffice, None)));
        let moved = AccountChange { district: Some(District::Terekti), ..Default::default() };
        assert_eq!(
            moved.apply(office.0, office.1),
            Ok((Role::OfficeStaff, Some(District::Terekti)))
        );
        assert_eq!(moved.apply(Role::Administrator, None), Err(AccountError::DistrictNotAllowed));
        let curator = AccountChange { role: Some(Role::Curator), ..Default::default() };
        assert_eq!(curator.apply(office.0, office.1), Err(AccountError::DistrictRequired));
        let weak = AccountChange { password: Some("short".into()), ..Default::default() };
        assert_eq!(weak.apply(office.0, office.1), Err(AccountError::InvalidPassword));
    }

    #[test]
    fn a_staff_timeline_shows_the_citizen_everything_but_notes_and_logins() {
        let at = time::macros::datetime!(2026-11-25 10:00 UTC);
        let event = |kind| StaffEvent {
            kind,
            at,
            note: Some("text".into()),
            by: Some("aigerim".into()),
            to: None,
            assignee: Some("bolat".into()),
            until: None,
        };
        assert_eq!(event(EventKind::Note).public(), None);
        let public = event(EventKind::Assigned).public().unwrap();
        assert!(!serde_json::to_string(&public).unwrap().contains("bolat"));
        let extended = StaffEvent {
            until: Some(time::macros::date!(2027 - 01 - 15)),
            ..event(EventKind::Extended)
        };
        let json = serde_json::to_value(&extended).unwrap();
        assert_eq!(json["until"], "2027-01-15");
        assert_eq!(serde_json::from_value::<StaffEvent>(json).unwrap(), extended);
    }

    #[test]
    fn a_reply_is_one_to_four_thousand_characters() {
        assert_eq!(
            ReplyRequest { text: "  yes, School No. 12 ".into() }.validate().unwrap(),
            "yes, School No. 12"
        );
        let empty = ReplyRequest { text: "   ".into() }.validate().unwrap_err();
        assert_eq!(empty.get("text"), Some(crate::ErrorCode::Required));
        let long = ReplyRequest { text: "ә".repeat(NOTE_MAX_CHARS + 1) }.validate().unwrap_err();
        assert_eq!(long.get("text"), Some(crate::ErrorCode::TooLong { max: NOTE_MAX_CHARS }));
    }

    /// The deadlines of an appeal received on Friday 20 March 2026 at 10:00: answer by
    /// Wednesday 15 April, two months from receipt on Wednesday 20 May.
    fn march_20() -> Deadlines {
        crate::calendar::Calendar::kazakhstan()
            .deadlines_local(time::macros::datetime!(2026-03-20 10:00))
    }

    fn extend(until: Date) -> StaffAction {
        StaffAction::Extend { reason: " Awaiting the school's reply. ".into(), until }
    }

    #[test]
    fn an_extension_asked_one_day_late_is_refused() {
        use time::macros::{date, datetime};
        let d = march_20();
        let late =
            extend(date!(2026 - 05 - 20)).check(datetime!(2026-04-16 09:00 +5), &d, d.answer_by);
        assert_eq!(late, Err(ActionRefusal::ExtensionTooLate { answer_by: date!(2026 - 04 - 15) }));
        // The region's date decides: 19:30 UTC on the 15th is already the 16th in Uralsk.
        let late =
            extend(date!(2026 - 05 - 20)).check(datetime!(2026-04-15 19:30 UTC), &d, d.answer_by);
        assert!(matches!(late, Err(ActionRefusal::ExtensionTooLate { .. })));
    }

    #[test]
    fn an_extension_on_the_last_day_is_accepted_with_its_reason_and_day() {
        use time::macros::{date, datetime};
        let d = march_20();
        let at = datetime!(2026-04-15 23:30 +5);
        let event = extend(date!(2026 - 05 - 20)).check(at, &d, d.answer_by).unwrap();
        assert_eq!(event.kind, EventKind::Extended);
        assert_eq!(event.until, Some(date!(2026 - 05 - 20)));
        assert_eq!(event.note.as_deref(), Some("Awaiting the school's reply."));
    }

    #[test]
    fn an_extension_is_later_than_the_day_in_force_and_within_two_months_of_receipt() {
        use time::macros::{date, datetime};
        let d = march_20();
        let at = datetime!(2026-04-01 10:00 +5);
        assert_eq!(
            extend(date!(2026 - 04 - 15)).check(at, &d, d.answer_by),
            Err(ActionRefusal::ExtensionNotLater { answer_by: date!(2026 - 04 - 15) })
        );
        assert_eq!(
            extend(date!(2026 - 05 - 21)).check(at, &d, d.answer_by),
            Err(ActionRefusal::ExtensionTooLong { latest: date!(2026 - 05 - 20) })
        );
        // Once extended to 6 May, the day in force is 6 May: asking on the 6th works.
        let on_the_day = datetime!(2026-05-06 10:00 +5);
        assert!(extend(date!(2026 - 05 - 12)).check(on_the_day, &d, date!(2026 - 05 - 06)).is_ok());
        let no_reason = StaffAction::Extend { reason: " ".into(), until: date!(2026 - 05 - 12) };
        assert_eq!(
            no_reason.check(at, &d, d.answer_by),
            Err(ActionRefusal::ExtensionReasonMissing)
        );
    }

    #[test]
    fn every_text_of_a_step_is_one_to_four_thousand_characters() {
        let d = march_20();
        let at = time::macros::datetime!(2026-04-01 10:00 +5);
        let long = "ә".repeat(NOTE_MAX_CHARS + 1);
        let cases = [
            (StaffAction::Answer { text: " ".into() }, "text"),
            (StaffAction::Note { text: long.clone() }, "text"),
            (StaffAction::AskInfo { question: String::new() }, "question"),
            (StaffAction::Forward { reason: long.clone(), to: None }, "reason"),
            (StaffAction::Extend { reason: long, until: d.extended_answer_by }, "reason"),
        ];
        for (action, field) in cases {
            assert_eq!(action.check(at, &d, d.answer_by), Err(ActionRefusal::Text { field }));
        }
        let assign = StaffAction::Assign { to: " Bolat ".into() }.check(at, &d, d.answer_by);
        assert_eq!(assign.unwrap().assignee.as_deref(), Some("bolat"));
    }

    #[test]
    fn due_filters_only_open_items() {
        assert_eq!("overdue".parse(), Ok(Due::Overdue));
        assert!("soon".parse::<Due>().is_err());
        assert!(Due::Overdue.matches(-1, true) && !Due::Overdue.matches(-1, false));
        assert!(!Due::Overdue.matches(0, true));
        assert!(Due::Week.matches(4, true) && !Due::Week.matches(5, true));
    }

    #[test]
    fn a_complaint_about_the_office_itself_is_a_conflict_of_interest() {
        let own = ["«Ақжайық – адалдық алаңы» Орал кеңсесі", "Центр примирения г. Уральск"]
            .map(office_name_key);
        let own = || own.iter().map(String::as_str);
        assert!(names_an_office("центр примирения г. уральск", own()));
        assert!(names_an_office("Tsentr primireniya g. Uralsk, mediator", own()));
        assert!(names_an_office("Адалдык аланы офисі", own()), "a general phrase");
        assert!(names_an_office("The integrity office in Uralsk", []));
        let mediator = office_name_key("Aigul Sarsenova (sample)");
        assert!(names_an_office("mediator Aigul Sarsenova", [mediator.as_str()]));
        assert!(!names_an_office("School No. 12", own()));
        assert!(!names_an_office("г.", own()), "too short to name anything");
    }

    #[test]
    fn complaints_and_checklists_about_one_school_share_a_key() {
        let answers = |value| serde_json::from_value::<crate::form::Answers>(value).unwrap();
        let complaint =
            answers(serde_json::json!({ "category": "school", "institution": "Школа № 12" }));
        let checklist = answers(serde_json::json!({ "institution": "школа №12 " }));
        assert_eq!(monitoring_key("complaint", &complaint).as_deref(), Some("school:shkola 12"));
        assert_eq!(
            monitoring_key("complaint", &complaint),
            monitoring_key("monitoring_school", &checklist)
        );
        let akimat = answers(serde_json::json!({ "category": "akimat", "institution": "Akimat" }));
        assert_eq!(monitoring_key("complaint", &akimat), None);
        assert_eq!(monitoring_form("clinic:emkhana 1"), Some("monitoring_clinic"));
    }

    #[test]
    fn a_session_is_today_or_later_at_a_time_of_day_in_a_named_place() {
        let today = time::macros::date!(2026 - 11 - 25);
        let typed = MediationSession {
            date: today,
            time: "9:30".into(),
            place: "  Uralsk, Dostyk 12, room 4 ".into(),
            mediator: "A. Serikova".into(),
        };
        let session = typed.check(today).unwrap();
        assert_eq!(
            (session.time.as_str(), session.place.as_str()),
            ("09:30", "Uralsk, Dostyk 12, room 4")
        );
        assert_eq!(session.note(), "2026-11-25 09:30 · Uralsk, Dostyk 12, room 4 · A. Serikova");
        let bad = MediationSession {
            date: today.previous_day().unwrap(),
            time: "25:00".into(),
            place: "x".into(),
            mediator: "m".repeat(201),
        };
        let errors = bad.check(today).unwrap_err();
        assert_eq!(errors.get("session.date"), Some(ErrorCode::DateInPast));
        assert_eq!(errors.get("session.time"), Some(ErrorCode::InvalidTime));
        assert_eq!(errors.get("session.place"), Some(ErrorCode::TooShort { min: 2 }));
        assert_eq!(errors.get("session.mediator"), Some(ErrorCode::TooLong { max: 200 }));
    }

    #[test]
    fn an_outcome_reads_in_the_acts_languages_with_the_mediators_note() {
        assert_eq!(
            SessionOutcome::Postponed.note("  "),
            "Тағы бір кездесу қажет / Нужна ещё одна встреча"
        );
        assert!(SessionOutcome::Agreed.note("terms drafted").ends_with("\nterms drafted"));
        let outcome: SessionOutcome = serde_json::from_str("\"not_agreed\"").unwrap();
        assert_eq!(outcome.as_str(), "not_agreed");
    }
}
