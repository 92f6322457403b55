//! Mediation requests: sessions, their outcomes and the signed reconciliation act.
//!
//! `POST /api/v1/staff/submissions/{tracking}/events` hands `schedule_session`,
//! `record_outcome` and `sign_act` here ([`post_action`]). Each is refused (422) for any
//! form but `mediation_request`; an outcome needs a session waiting for one (409); an act
//! needs an `agreed` outcome and is stored once (a second is 409). The act is checked and
//! its canonical text and hash computed by `adal_core::act`, nowhere else.

use adal_core::act::SignedAct;
use adal_core::api::ProblemCode;
use adal_core::form::MEDIATION_FORMS;
use adal_core::staff::{
    MediationRecord, MediationSession, NOTE_MAX_CHARS, SessionOutcome, StaffAction, StaffEvent,
};
use adal_core::{Field, FieldErrors};
use axum::extract::State;
use axum::response::Response;
use time::OffsetDateTime;
use uuid::Uuid;

use super::actor::Actor;
use super::idempotent::{Idempotent, Step};
use super::inbox::{locate, target};
use crate::AppState;
use crate::db::{self, inbox::Located};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use adal_core::staff::policy::Action;

/// Runs a mediation action on the submission `tracking` (the policy has allowed it where
/// `found` is); answers 201 with the event added to the timeline, as every staff action
/// does, and a retry with the same idempotency key answers the same and records nothing.
pub async fn post_action(
    state: &AppState,
    actor: &Actor,
    tracking: String,
    found: &Located,
    action: StaffAction,
    idempotent: Idempotent,
) -> Result<Response, ApiError> {
    let submission = mediation_request(state, &tracking).await?;
    let now = OffsetDateTime::now_utc();
    let at = db::clock::stored_precision(now);
    let mut event =
        StaffEvent { by: Some(actor.login.clone()), ..StaffEvent::new(action.event_kind(), at) };
    let entry = actor.entry(action_name(&action), Some(&tracking), Some(found.district), "allowed");
    // What to write besides the event, checked before the transaction where it can be.
    let step = match action {
        StaffAction::ScheduleSession { session } => {
            let today = adal_core::district::region_date(now);
            let session = session.check(today).map_err(ApiError::Validation)?;
            event.note = Some(session.note());
            Own::Schedule(session)
        }
        StaffAction::RecordOutcome { outcome, note } => {
            // Optional, and cleaned as every free text is (core's `clean`).
            let note = match adal_core::validation::long_text(&note, 0, NOTE_MAX_CHARS) {
                Ok(note) => note,
                Err(adal_core::ErrorCode::Required) => String::new(),
                Err(code) => {
                    let mut errors = FieldErrors::default();
                    errors.push("note", code);
                    return Err(ApiError::Validation(errors));
                }
            };
            event.note = Some(outcome.note(&note));
            Own::Outcome(outcome, note)
        }
        StaffAction::SignAct { act: input } => {
            let act = input.parse().map_err(|errors| ApiError::Validation(under("act", errors)))?;
            let signed = SignedAct::new(*input, &act, at);
            event.note = Some(signed.note());
            Own::Act(Box::new(signed))
        }
        _ => return Err(ApiError::Internal(anyhow::anyhow!("not a mediation action"))),
    };
    idempotent
        .run(state, at, move |tx| {
            let refused = match &step {
                Own::Schedule(session) => {
                    db::mediation::schedule(tx, submission, session, at)?;
                    None
                }
                Own::Outcome(outcome, note) => {
                    let own = (!note.is_empty()).then_some(note.as_str());
                    (!db::mediation::record_outcome(tx, submission, *outcome, own, at)?)
                        .then_some(ProblemCode::NoOpenSession)
                }
                Own::Act(signed) => {
                    if db::mediation::act(tx, submission)?.is_some() {
                        Some(ProblemCode::ActAlreadySigned)
                    } else if !db::mediation::agreed(tx, submission)? {
                        Some(ProblemCode::NoAgreement)
                    } else {
                        db::mediation::store_act(tx, submission, signed)?;
                        None
                    }
                }
            };
            Ok(match refused {
                Some(code) => Step::Refuse(ApiError::Refused(code)),
                None => Step::Record { submission, event, audit: entry },
            })
        })
        .await
}

/// What a mediation action writes besides its event.
enum Own {
    Schedule(MediationSession),
    Outcome(SessionOutcome, String),
    Act(Box<SignedAct>),
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
        Some((id, form)) if MEDIATION_FORMS.contains(&form.as_str()) => Ok(id),
        Some(_) => Err(ApiError::Refused(ProblemCode::NotMediation)),
        None => Err(ApiError::Refused(ProblemCode::NotFound)),
    }
}

/// The submission `tracking` as the actor may read it: its district checked by the policy.
async fn readable(state: &AppState, actor: &Actor, tracking: &str) -> Result<Uuid, ApiError> {
    let (tracking, found) = locate(state, tracking).await?;
    actor.authorize_on(state, Action::ReadSubmission, target(&found), Some(&tracking)).await?;
    mediation_request(state, &tracking).await
}

/// `GET /api/v1/staff/submissions/{tracking}/mediation`: sessions and the act.
#[utoipa::path(
    get,
    path = "/api/v1/staff/submissions/{tracking}/mediation",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("tracking" = String, Path, description = "The tracking number"),
    ),
    responses(
        (status = 200, description = "Sessions and the act", body = MediationRecord),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
        (status = 422, description = "not_mediation"),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/staff/submissions/{tracking}/act",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("tracking" = String, Path, description = "The tracking number"),
    ),
    responses(
        (status = 200, description = "The signed act", body = SignedAct),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
        (status = 422, description = "not_mediation"),
    ),
)]
pub async fn get_act(
    State(state): State<AppState>,
    actor: Actor,
    Path(tracking): Path<String>,
) -> Result<Json<SignedAct>, ApiError> {
    let id = readable(&state, &actor, &tracking).await?;
    let act = state.db.call(move |conn| db::mediation::act(conn, id)).await?;
    act.map(Json).ok_or(ApiError::Refused(ProblemCode::NotFound))
}
