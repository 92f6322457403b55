//! A district's inbox, one submission in full, and the steps of handling it.

use adal_core::receipt::{EventKind, StatusEvent};
use adal_core::staff::{InboxItem, InboxResponse, NOTE_MAX_CHARS, StaffAction, StaffSubmission};
use adal_core::{District, TrackingNumber};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::actor::{Actor, WriteActor};
use super::policy::Action;
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};

#[derive(Debug, Deserialize)]
pub struct InboxQuery {
    district: Option<String>,
}

/// `GET /api/v1/staff/inbox?district=URA` (the actor's own district when omitted).
pub async fn get_inbox(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<InboxQuery>, QueryRejection>,
) -> Result<Json<InboxResponse>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::MalformedRequest { detail: e.body_text() })?;
    let district = match query.district.as_deref() {
        Some(code) => District::from_code(code).ok_or_else(|| ApiError::MalformedRequest {
            detail: format!("unknown district {code:?}"),
        })?,
        None => actor.district.ok_or_else(|| ApiError::MalformedRequest {
            detail: "say which district: ?district=URA".into(),
        })?,
    };
    actor.authorize(&state, Action::ReadInbox, Some(district), None).await?;
    let rows = state.db.call(move |conn| db::inbox::of_district(conn, district)).await?;
    let today = adal_core::district::region_date(OffsetDateTime::now_utc());
    let calendar = &state.calendar;
    let mut items: Vec<InboxItem> = rows
        .into_iter()
        .map(|row| {
            let deadlines = calendar.deadlines(row.received_at);
            InboxItem {
                days_left: calendar.working_days_left(today, deadlines.answer_by),
                tracking: row.tracking,
                form: row.form,
                district: row.district,
                received_at: row.received_at,
                anonymous: row.anonymous,
                status: row.status,
                deadlines,
            }
        })
        .collect();
    // Rows come newest first; a stable sort keeps that order among equal due dates.
    items.sort_by_key(|item| {
        let done = matches!(item.status, EventKind::Answered | EventKind::Closed);
        (done, if done { None } else { Some(item.deadlines.answer_by) })
    });
    Ok(Json(InboxResponse { district, items }))
}

/// The district of the submission `tracking`, and its answers; 404 if there is none.
async fn locate(state: &AppState, tracking: &str) -> Result<(String, District, String), ApiError> {
    let tracking = tracking.parse::<TrackingNumber>().map_err(|_| ApiError::NotFound)?.to_string();
    let key = tracking.clone();
    let found = state.db.call(move |conn| db::inbox::district_and_answers(conn, &key)).await?;
    let (district, answers) = found.ok_or(ApiError::NotFound)?;
    Ok((tracking, district, answers))
}

/// `GET /api/v1/staff/submissions/{tracking}`.
pub async fn get_submission(
    State(state): State<AppState>,
    actor: Actor,
    Path(tracking): Path<String>,
) -> Result<Json<StaffSubmission>, ApiError> {
    let (tracking, district, answers) = locate(&state, &tracking).await?;
    actor.authorize(&state, Action::ReadSubmission, Some(district), Some(&tracking)).await?;
    let key = tracking.clone();
    let (status, identity) = state
        .db
        .call(move |conn| {
            let found = db::events::find(conn, &key)?
                .ok_or_else(|| db::DbError::Corrupt(format!("{key} vanished")))?;
            Ok((db::events::status(conn, &found)?, db::events::identity_of(conn, found.id)?))
        })
        .await?;
    let answers = serde_json::from_str(&answers)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("answers of {tracking}: {e}")))?;
    Ok(Json(StaffSubmission {
        deadlines: state.calendar.deadlines(status.received_at),
        tracking,
        form: status.form,
        district,
        received_at: status.received_at,
        anonymous: status.anonymous,
        answers,
        identity,
        timeline: status.timeline,
    }))
}

/// The public note of an action: a reason or an answer, trimmed, not empty, not too long.
fn note(text: &str, what: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > NOTE_MAX_CHARS {
        return Err(ApiError::MalformedRequest {
            detail: format!("{what}: 1 to {NOTE_MAX_CHARS} characters"),
        });
    }
    Ok(text.to_owned())
}

/// `POST /api/v1/staff/submissions/{tracking}/events`: 201 with the event added to the
/// public timeline. Forwarding `to` a district moves the submission into that district's
/// inbox; assigning names a staff member who works there (the citizen does not see who).
pub async fn post_event(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Path(tracking): Path<String>,
    Json(action): Json<StaffAction>,
) -> Result<Response, ApiError> {
    let (tracking, district, _) = locate(&state, &tracking).await?;
    let policy_action = match action {
        StaffAction::ScheduleSession { .. }
        | StaffAction::RecordOutcome { .. }
        | StaffAction::SignAct { .. } => {
            return super::mediation::post_action(&state, &actor, tracking, district, action).await;
        }
        // Not carried out by this build yet.
        StaffAction::AskInfo { .. } | StaffAction::Note { .. } | StaffAction::Extend { .. } => {
            return Err(ApiError::ActionUnavailable);
        }
        StaffAction::Register => Action::Register,
        StaffAction::Forward { .. } => Action::Forward,
        StaffAction::Assign { .. } => Action::Assign,
        StaffAction::Answer { .. } => Action::Answer,
        StaffAction::Close => Action::Close,
    };
    actor.authorize(&state, policy_action, Some(district), Some(&tracking)).await?;
    let kind = action.event_kind();
    let (public_note, move_to, assignee) = match &action {
        StaffAction::Forward { reason, to } => (Some(note(reason, "reason")?), *to, None),
        StaffAction::Answer { text } => (Some(note(text, "answer")?), None, None),
        StaffAction::Assign { to } => (None, None, Some(to.trim().to_lowercase())),
        _ => (None, None, None),
    };
    let now = OffsetDateTime::now_utc();
    let at = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    let audit_target = match &assignee {
        Some(login) => format!("{tracking} -> {login}"),
        None => tracking.clone(),
    };
    let entry = actor.entry(policy_action.as_str(), Some(&audit_target), Some(district), "allowed");
    let key = tracking.clone();
    let stored_note = public_note.clone();
    let assigned = state
        .db
        .call(move |conn| {
            if let Some(login) = &assignee {
                let fits = db::accounts::find_by_login(conn, login)?.is_some_and(|a| {
                    !a.disabled && (a.district.is_none() || a.district == Some(district))
                });
                if !fits {
                    return Ok(false);
                }
            }
            let tx = conn.transaction()?;
            db::events::append_by_tracking(&tx, &key, kind, at, stored_note.as_deref())?;
            if let Some(to) = move_to {
                db::inbox::move_to_district(&tx, &key, to)?;
            }
            db::audit::append(&tx, &entry)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !assigned {
        return Err(ApiError::MalformedRequest {
            detail: "assign to the login of an active account of this district".into(),
        });
    }
    tracing::info!(%tracking, kind = kind.as_str(), "staff event recorded");
    let event = StatusEvent { kind, at, note: public_note };
    Ok((StatusCode::CREATED, Json(event)).into_response())
}
