//! Mediation requests: sessions, their outcomes and the signed reconciliation act.
//!
//! `POST /api/v1/staff/submissions/{tracking}/events` hands `schedule_session`,
//! `record_outcome` and `sign_act` here ([`post_action`]). Each is refused (422) for any
//! form but `mediation_request`; an outcome needs a session waiting for one (409); an act
//! needs an `agreed` outcome and is stored once (a second is 409). The act is checked and
//! its canonical text and hash computed by `adal_core::act`, nowhere else.

use adal_core::act::SignedAct;
use adal_core::receipt::StatusEvent;
use adal_core::staff::{MediationRecord, NOTE_MAX_CHARS, StaffAction};
use adal_core::{District, Field, FieldErrors, TrackingNumber};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use uuid::Uuid;

use super::actor::Actor;
use super::policy::Action;
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};

/// The only form these actions apply to.
const MEDIATION_FORM: &str = "mediation_request";

/// Runs a mediation action on the submission `tracking` of `district`; answers 201 with
/// the event added to the timeline, as every staff action does.
pub async fn post_action(
    state: &AppState,
    actor: &Actor,
    tracking: String,
    district: District,
    action: StaffAction,
) -> Result<Response, ApiError> {
    actor.authorize(state, Action::Mediate, Some(district), Some(&tracking)).await?;
    let submission = mediation_request(state, &tracking).await?;
    let now = OffsetDateTime::now_utc();
    let at = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    let kind = action.event_kind();
    let entry = actor.entry(action_name(&action), Some(&tracking), Some(district), "allowed");
    let note = match action {
        StaffAction::ScheduleSession { session } => {
            let today = adal_core::district::region_date(now);
            let session = session.check(today).map_err(ApiError::Validation)?;
            let note = session.note();
            let stored = note.clone();
            state
                .db
                .call(move |conn| {
                    let tx = conn.transaction()?;
                    db::mediation::schedule(&tx, submission, &session, at)?;
                    db::events::append(&tx, submission, kind, at, Some(&stored))?;
                    db::audit::append(&tx, &entry)?;
                    tx.commit()?;
                    Ok(())
                })
                .await?;
            note
        }
        StaffAction::RecordOutcome { outcome, note } => {
            let note = note.trim().to_owned();
            if note.chars().count() > NOTE_MAX_CHARS {
                let mut errors = FieldErrors::default();
                errors.push("note", adal_core::ErrorCode::TooLong { max: NOTE_MAX_CHARS });
                return Err(ApiError::Validation(errors));
            }
            let public = outcome.note(&note);
            let stored = public.clone();
            let recorded = state
                .db
                .call(move |conn| {
                    let tx = conn.transaction()?;
                    let own = (!note.is_empty()).then_some(note.as_str());
                    if !db::mediation::record_outcome(&tx, submission, outcome, own, at)? {
                        return Ok(false);
                    }
                    db::events::append(&tx, submission, kind, at, Some(&stored))?;
                    db::audit::append(&tx, &entry)?;
                    tx.commit()?;
                    Ok(true)
                })
                .await?;
            if !recorded {
                return Err(ApiError::NoOpenSession);
            }
            public
        }
        StaffAction::SignAct { act: input } => {
            let act = input.parse().map_err(|errors| ApiError::Validation(under("act", errors)))?;
            let signed = SignedAct::new(input, &act, at);
            let note = signed.note();
            let stored = note.clone();
            state
                .db
                .call(move |conn| {
                    let tx = conn.transaction()?;
                    if db::mediation::act(&tx, submission)?.is_some() {
                        return Ok(Err(ApiError::ActAlreadySigned));
                    }
                    if !db::mediation::agreed(&tx, submission)? {
                        return Ok(Err(ApiError::NoAgreement));
                    }
                    db::mediation::store_act(&tx, submission, &signed)?;
                    db::events::append(&tx, submission, kind, at, Some(&stored))?;
                    db::audit::append(&tx, &entry)?;
                    tx.commit()?;
                    Ok(Ok(()))
                })
                .await??;
            note
        }
        _ => return Err(ApiError::Internal(anyhow::anyhow!("not a mediation action"))),
    };
    tracing::info!(%tracking, kind = kind.as_str(), "mediation event recorded");
    let event = StatusEvent { kind, at, note: Some(note) };
    Ok((StatusCode::CREATED, Json(event)).into_response())
}

/// As written in the audit log.
fn action_name(action: &StaffAction) -> &'static str {
    match action {
        StaffAction::ScheduleSession { .. } => "schedule_session",
        StaffAction::RecordOutcome { .. } => "record_outcome",
        _ => "sign_act",
    }
}

/// The errors of a part of the request body, with paths from the body's root
/// (`parties.0.iin` of the act is `act.parties.0.iin`).
fn under(prefix: &str, errors: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::default();
    for error in errors.0 {
        out.push(Field::new(format!("{prefix}.{}", error.field)), error.code);
    }
    out
}

/// The id of the submission `tracking` if it is a mediation request; 422 otherwise.
async fn mediation_request(state: &AppState, tracking: &str) -> Result<Uuid, ApiError> {
    let key = tracking.to_owned();
    let found = state.db.call(move |conn| db::mediation::submission_form(conn, &key)).await?;
    match found {
        Some((id, form)) if form == MEDIATION_FORM => Ok(id),
        Some(_) => Err(ApiError::NotMediation),
        None => Err(ApiError::NotFound),
    }
}

/// The submission `tracking` as the actor may read it: its district checked by the policy.
async fn readable(state: &AppState, actor: &Actor, tracking: &str) -> Result<Uuid, ApiError> {
    let tracking = tracking.parse::<TrackingNumber>().map_err(|_| ApiError::NotFound)?.to_string();
    let key = tracking.clone();
    let found = state.db.call(move |conn| db::inbox::district_and_answers(conn, &key)).await?;
    let (district, _) = found.ok_or(ApiError::NotFound)?;
    actor.authorize(state, Action::ReadSubmission, Some(district), Some(&tracking)).await?;
    mediation_request(state, &tracking).await
}

/// `GET /api/v1/staff/submissions/{tracking}/mediation`: sessions and the act.
pub async fn get_mediation(
    State(state): State<AppState>,
    actor: Actor,
    Path(tracking): Path<String>,
) -> Result<Json<MediationRecord>, ApiError> {
    let id = readable(&state, &actor, &tracking).await?;
    let record = state
        .db
        .call(move |conn| {
            Ok(MediationRecord {
                sessions: db::mediation::sessions(conn, id)?,
                act: db::mediation::act(conn, id)?,
            })
        })
        .await?;
    Ok(Json(record))
}

/// `GET /api/v1/staff/submissions/{tracking}/act`: the signed act; 404 until there is one.
pub async fn get_act(
    State(state): State<AppState>,
    actor: Actor,
    Path(tracking): Path<String>,
) -> Result<Json<SignedAct>, ApiError> {
    let id = readable(&state, &actor, &tracking).await?;
    let act = state.db.call(move |conn| db::mediation::act(conn, id)).await?;
    act.map(Json).ok_or(ApiError::NotFound)
}
