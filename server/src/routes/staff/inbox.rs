//! A district's inbox (filtered, what is due first), one submission in full with its
//! whole timeline, and the steps of handling it.
//!
//! Steps are idempotent by the [`IDEMPOTENCY_HEADER`]: the app queues them offline and
//! may send one twice. The key, the request's hash and the answer are stored in the
//! transaction that records the step, on the one writer connection, so a retry (even
//! one racing the first send) gets the first answer and records nothing.

use std::str::FromStr;

use adal_core::api::ProblemCode;
use adal_core::calendar::{Calendar, Deadlines};
use adal_core::form::{FieldKind, MEDIATION_FORMS};
use adal_core::receipt::EventKind;
use adal_core::search::{Query as Search, fold};
use adal_core::staff::{Due, InboxItem, InboxResponse, StaffAction, StaffEvent, StaffSubmission};
use adal_core::{District, TrackingNumber};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use super::actor::{Actor, WriteActor};
use super::idempotent::{Idempotent, Step};
use crate::AppState;
use crate::db::{self, inbox::Extensions, inbox::Located};
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use adal_core::staff::policy::{self, Action, Target};

/// `GET /api/v1/staff/inbox`: every parameter optional; an empty one counts as missing.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    district: Option<String>,
    /// A form id (`complaint`).
    form: Option<String>,
    /// An event kind: the item's latest public event (`registered`).
    status: Option<String>,
    /// A category code of the complaint form (`school`).
    category: Option<String>,
    /// Words of the institution's name, in any script.
    institution: Option<String>,
    /// A tracking number, or words of the answers.
    q: Option<String>,
    /// `overdue` or `week`.
    due: Option<String>,
}

/// The inbox's filters, parsed.
struct Filters {
    form: Option<String>,
    status: Option<EventKind>,
    category: Option<String>,
    institution: Option<Search>,
    tracking: Option<String>,
    words: Option<Search>,
    due: Option<Due>,
}

fn bad(parameter: &str, detail: &str) -> ApiError {
    ApiError::MalformedRequest { detail: format!("{parameter}: {detail}") }
}

impl Filters {
    fn parse(query: &InboxQuery) -> Result<Filters, ApiError> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let form = given(&query.form)
            .map(|id| {
                adal_core::form::current(id)
                    .map(|f| f.id.clone())
                    .ok_or_else(|| bad("form", "no form has this id"))
            })
            .transpose()?;
        let status = given(&query.status)
            .map(|s| EventKind::from_str(s).map_err(|_| bad("status", "not an event kind")))
            .transpose()?;
        let category = given(&query.category)
            .map(|c| {
                let known = adal_core::form::catalogue().iter().filter_map(|f| f.field("category"));
                let mut codes = known.flat_map(|field| match &field.kind {
                    FieldKind::SingleChoice { options } => options.clone(),
                    _ => Vec::new(),
                });
                codes
                    .any(|choice| choice.value == c)
                    .then(|| c.to_owned())
                    .ok_or_else(|| bad("category", "not a category of any form"))
            })
            .transpose()?;
        let institution = given(&query.institution).map(Search::parse);
        if institution.as_ref().is_some_and(Search::is_empty) {
            return Err(bad("institution", "give letters or digits"));
        }
        let (tracking, words) = match given(&query.q) {
            None => (None, None),
            Some(q) => match q.parse::<TrackingNumber>() {
                Ok(tracking) => (Some(tracking.to_string()), None),
                Err(_) => {
                    let words = Search::parse(q);
                    if words.is_empty() {
                        return Err(bad("q", "give a tracking number or words"));
                    }
                    (None, Some(words))
                }
            },
        };
        let due = given(&query.due)
            .map(|d| Due::from_str(d).map_err(|e| bad("due", &e.to_string())))
            .transpose()?;
        Ok(Filters { form, status, category, institution, tracking, words, due })
    }

    fn keep(&self, item: &InboxItem, answers: &serde_json::Value) -> bool {
        let folded_institution = || fold(item.institution.as_deref().unwrap_or(""));
        self.form.as_ref().is_none_or(|f| &item.form.id == f)
            && self.status.is_none_or(|s| item.status == s)
            && self.category.as_ref().is_none_or(|c| item.category.as_ref() == Some(c))
            && self.institution.as_ref().is_none_or(|q| q.matches(&folded_institution()))
            && self.tracking.as_ref().is_none_or(|t| &item.tracking == t)
            && self.words.as_ref().is_none_or(|q| q.matches(&fold(&text_of(answers))))
            && self.due.is_none_or(|d| d.matches(item))
    }
}

/// Every text of the answers, one after the other: what `?q=` searches.
fn text_of(answers: &serde_json::Value) -> String {
    let mut text = String::new();
    if let Some(map) = answers.as_object() {
        for value in map.values().filter_map(|v| v.as_str()) {
            text.push_str(value);
            text.push(' ');
        }
    }
    text
}

fn is_open(status: EventKind) -> bool {
    !status.settles()
}

/// The answer day in force after the extensions the law lets count, and the working
/// days left until it.
fn due(calendar: &Calendar, deadlines: &Deadlines, extensions: &Extensions) -> (Date, i64) {
    let answer_by = deadlines.answer_day(extensions.iter().copied());
    (answer_by, calendar.working_days_left(today(), answer_by))
}

/// Today in the region.
fn today() -> Date {
    adal_core::district::region_date(OffsetDateTime::now_utc())
}

/// `GET /api/v1/staff/inbox?district=URA&form=&status=&category=&institution=&q=&due=`
/// (the actor's own district when omitted). Open items first, by what is due first;
/// answered and closed ones after them, newest first. Conflict items only for whom
/// the policy lets handle them.
#[utoipa::path(
    get,
    path = "/api/v1/staff/inbox",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("district" = Option<String>, Query, description = "A district code such as `URA`"),
        ("form" = Option<String>, Query, description = "A form id"),
        ("status" = Option<String>, Query, description = "The latest event's kind"),
        ("category" = Option<String>, Query, description = "A complaint category"),
        ("institution" = Option<String>, Query, description = "Words of the institution's name"),
        ("q" = Option<String>, Query, description = "Words of the answers, or a tracking number"),
        ("due" = Option<String>, Query, description = "`open`, `soon` (within 3 working days), `overdue`, `unforwarded` (not registered nor forwarded in time) or `week` (within 5 working days, or overdue)"),
    ),
    responses(
        (status = 200, description = "The inbox, what is due first", body = InboxResponse),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_inbox(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<InboxQuery>, ApiError>,
) -> Result<Json<InboxResponse>, ApiError> {
    let Query(query) = query?;
    let district = match query.district.as_deref() {
        Some(code) => District::from_code(code)
            .ok_or_else(|| bad("district", &format!("unknown district {code:?}")))?,
        None => actor.district.ok_or_else(|| bad("district", "say which: ?district=URA"))?,
    };
    actor.authorize(&state, Action::ReadInbox, Some(district), None).await?;
    let filters = Filters::parse(&query)?;
    let mut items: Vec<InboxItem> = readable_items(&state, &actor, district)
        .await?
        .into_iter()
        .filter(|(item, answers)| filters.keep(item, answers))
        .map(|(item, _)| item)
        .collect();
    // Rows come newest first; a stable sort keeps that order among equal due dates.
    items.sort_by_key(|item| {
        let done = !is_open(item.status);
        (done, if done { None } else { Some(item.answer_by) })
    });
    Ok(Json(InboxResponse { district, items }))
}

/// Every item of `district`'s inbox that `actor` may read (conflict items only for whom
/// the policy gives them), with its answers, newest first.
pub(super) async fn readable_items(
    state: &AppState,
    actor: &Actor,
    district: District,
) -> Result<Vec<(InboxItem, serde_json::Value)>, ApiError> {
    let rows = state.db.call(move |conn| db::inbox::of_district(conn, district)).await?;
    let calendar = state.calendar.get();
    let mut items = Vec::new();
    for row in rows {
        let target = Target { district: Some(district), conflict: row.conflict };
        if !actor.may(Action::ReadSubmission, target) {
            continue;
        }
        let answers: serde_json::Value = serde_json::from_str(&row.answers)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("answers of {}: {e}", row.tracking)))?;
        let text = |key: &str| answers.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let deadlines = calendar.deadlines(row.received_at);
        let (answer_by, days_left) = due(&calendar, &deadlines, &row.extensions);
        let forwarding_overdue =
            deadlines.forwarding_overdue(is_open(row.status), row.triaged, today());
        let item = InboxItem {
            forwarding_overdue,
            category: text("category"),
            institution: text("institution"),
            tracking: row.tracking,
            form: row.form,
            district: row.district,
            received_at: row.received_at,
            anonymous: row.anonymous,
            status: row.status,
            deadlines,
            answer_by,
            days_left,
            assignee: row.assignee,
            conflict: row.conflict,
        };
        items.push((item, answers));
    }
    Ok(items)
}

/// The submission `tracking` (normalised); 404 if there is none.
pub(super) async fn locate(
    state: &AppState,
    tracking: &str,
) -> Result<(String, Located), ApiError> {
    let tracking = tracking
        .parse::<TrackingNumber>()
        .map_err(|_| ApiError::Refused(ProblemCode::NotFound))?
        .to_string();
    let key = tracking.clone();
    let found = state.db.call(move |conn| db::inbox::locate(conn, &key)).await?;
    Ok((tracking, found.ok_or(ApiError::Refused(ProblemCode::NotFound))?))
}

pub(super) fn target(found: &Located) -> Target {
    Target { district: Some(found.district), conflict: found.conflict }
}

/// `GET /api/v1/staff/submissions/{tracking}`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/submissions/{tracking}",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("tracking" = String, Path, description = "The tracking number"),
    ),
    responses(
        (status = 200, description = "The submission with its timeline", body = StaffSubmission),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
    ),
)]
pub async fn get_submission(
    State(state): State<AppState>,
    actor: Actor,
    Path(tracking): Path<String>,
) -> Result<Json<StaffSubmission>, ApiError> {
    let (tracking, found) = locate(&state, &tracking).await?;
    actor.authorize_on(&state, Action::ReadSubmission, target(&found), Some(&tracking)).await?;
    let key = tracking.clone();
    let (status, identity, timeline, sessions) = state
        .db
        .call(move |conn| {
            let found = db::events::find(conn, &key)?
                .ok_or_else(|| db::DbError::Corrupt(format!("{key} vanished")))?;
            let status = db::events::status(conn, &found)?;
            // A mediation request's sessions, typed, so that nothing reads them back out
            // of the timeline's notes (the act's draft among others).
            let sessions = MEDIATION_FORMS
                .contains(&status.form.id.as_str())
                .then(|| db::mediation::sessions(conn, found.id))
                .transpose()?;
            Ok((
                status,
                db::events::identity_of(conn, found.id)?,
                db::events::staff_timeline(conn, found.id)?,
                sessions,
            ))
        })
        .await?;
    let answers = serde_json::from_str(&found.answers)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("answers of {tracking}: {e}")))?;
    let calendar = state.calendar.get();
    let deadlines = calendar.deadlines(status.received_at);
    let (answer_by, days_left) = due(&calendar, &deadlines, &found.extensions);
    let open = timeline.iter().rev().find(|e| e.kind.is_public()).is_none_or(|e| !e.kind.settles());
    let triaged =
        timeline.iter().any(|e| matches!(e.kind, EventKind::Registered | EventKind::Forwarded));
    let extensions = timeline.iter().filter(|e| e.kind == EventKind::Extended);
    let extension =
        calendar.extension_notice(&deadlines, extensions.map(|e| (e.at, e.until, e.note.clone())));
    Ok(Json(StaffSubmission {
        forwarding_overdue: deadlines.forwarding_overdue(open, triaged, today()),
        extension,
        deadlines,
        answer_by,
        days_left,
        conflict: found.conflict,
        tracking,
        form: status.form,
        district: found.district,
        received_at: status.received_at,
        anonymous: status.anonymous,
        answers,
        identity,
        timeline,
        sessions,
    }))
}

/// `POST /api/v1/staff/submissions/{tracking}/events`: 201 with the event as staff see
/// it ([`StaffEvent`]). Forwarding `to` a district moves the submission into that
/// district's inbox; assigning names someone the policy lets handle it (the citizen does
/// not see who); notes stay internal; an extension moves the answer day everywhere.
#[utoipa::path(
    post,
    path = "/api/v1/staff/submissions/{tracking}/events",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("tracking" = String, Path, description = "The tracking number"),
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
        ("idempotency-key" = Option<String>, Header, description = "A UUID: a retry with it answers as the first time"),
    ),
    request_body = StaffAction,
    responses(
        (status = 201, description = "The event recorded, as staff see it", body = StaffEvent),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
        (status = 409, description = "idempotency_key_reused, no_open_session, no_agreement, act_already_signed"),
        (status = 422, description = "validation_failed, extension_reason_missing, extension_not_later, extension_too_long, extension_too_late, not_mediation"),
    ),
)]
pub async fn post_event(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Json(action): Json<StaffAction>,
) -> Result<Response, ApiError> {
    let (tracking, found) = locate(&state, &tracking).await?;
    let policy_action = Action::from(action.step());
    // A retry of a step already done answers as the first time, before any other check:
    // a forward has moved the item out of reach of whoever forwarded it.
    let idempotent = Idempotent::of(&headers, &tracking, &action, actor.account_id)?;
    let before = idempotent.clone();
    if let Some(done) = state.db.call(move |conn| before.done(conn)).await? {
        return idempotent.answer_again(done);
    }
    actor.authorize_on(&state, policy_action, target(&found), Some(&tracking)).await?;
    if policy_action == Action::Mediate {
        return super::mediation::post_action(&state, &actor, tracking, &found, action, idempotent)
            .await;
    }
    let at = db::clock::stored_precision(OffsetDateTime::now_utc());
    let calendar = state.calendar.get();
    refuse_malformed(&action, at, &calendar, &found)?;
    let audit_target = match &action {
        StaffAction::Assign { to } => format!("{tracking} -> {}", to.trim().to_lowercase()),
        _ => tracking.clone(),
    };
    let by = actor.login.clone();
    let entry =
        actor.entry(policy_action.as_str(), Some(&audit_target), Some(found.district), "allowed");
    let (role, home) = (actor.role, actor.district);
    let item = target(&found);
    idempotent
        .run(&state, at, move |tx| {
            let Some(current) = db::inbox::locate(tx, &tracking)? else {
                return Ok(Step::Refuse(ApiError::Refused(ProblemCode::NotFound)));
            };
            // Someone may have forwarded it meanwhile: the policy decides on where it is now.
            if target(&current) != item
                && !policy::authorize(role, home, policy_action, target(&current))
            {
                let denied = db::audit::NewEntry {
                    outcome: "denied",
                    district: Some(current.district),
                    target: Some(tracking.clone()),
                    ..entry
                };
                db::audit::append(tx, &denied)?;
                return Ok(Step::Refuse(ApiError::Refused(ProblemCode::Forbidden)));
            }
            let event = match checked(tx, &action, at, &current, item, &calendar)? {
                Ok(event) => StaffEvent { by: Some(by), ..event },
                Err(refusal) => {
                    // What the law refuses is audited, as a denial is: who tried what, when.
                    if refusal.is_law() {
                        let refused = db::audit::NewEntry { outcome: "refused", ..entry };
                        db::audit::append(tx, &refused)?;
                    }
                    return Ok(Step::Refuse(refusal));
                }
            };
            let found = db::events::find(tx, &tracking)?
                .ok_or_else(|| db::DbError::Corrupt(format!("{tracking} vanished")))?;
            if let Some(to) = event.to {
                db::inbox::move_to_district(tx, &tracking, to)?;
            }
            Ok(Step::Record { submission: found.id, event, audit: entry })
        })
        .await
}

/// Refuses a step whose text is malformed before anything is written; what the law
/// refuses (the deadlines) is checked in the transaction, against the extensions recorded
/// by then, and audited there.
fn refuse_malformed(
    action: &StaffAction,
    at: OffsetDateTime,
    calendar: &Calendar,
    found: &Located,
) -> Result<(), ApiError> {
    let deadlines = calendar.deadlines(found.received_at);
    match action.check(at, &deadlines, due(calendar, &deadlines, &found.extensions).0) {
        Err(refusal) => {
            let refusal = ApiError::from(refusal);
            if refusal.is_law() { Ok(()) } else { Err(refusal) }
        }
        Ok(_) => Ok(()),
    }
}

/// The event `action` records at `at` on `current`, or why it cannot now: the action's
/// own checks ([`StaffAction::check`]) against the deadlines as they are now (an
/// extension recorded meanwhile moves the day in force), or an assignee who may not
/// handle the item.
fn checked(
    conn: &crate::db::Conn,
    action: &StaffAction,
    at: OffsetDateTime,
    current: &Located,
    item: Target,
    calendar: &Calendar,
) -> Result<Result<StaffEvent, ApiError>, db::DbError> {
    let deadlines = calendar.deadlines(current.received_at);
    let (answer_day, _) = due(calendar, &deadlines, &current.extensions);
    let event = match action.check(at, &deadlines, answer_day) {
        Ok(event) => event,
        Err(refusal) => return Ok(Err(refusal.into())),
    };
    if let Some(login) = &event.assignee {
        // Whoever it goes to must be let handle it by the same policy: an active account
        // that may read it where it is (so never the office a conflict item names).
        let fits = db::accounts::find_by_login(conn, login)?.is_some_and(|a| {
            !a.disabled && policy::authorize(a.role, a.district, Action::ReadSubmission, item)
        });
        if !fits {
            return Ok(Err(bad("to", "the login of an active account that may handle it")));
        }
    }
    Ok(Ok(event))
}
