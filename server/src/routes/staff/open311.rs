//! Open311 API keys: administrators issue them to a civic-reporting client (one key per
//! client, labelled with who it is for), list them, and revoke them. A key is 256
//! random bits, answered once when issued; only its SHA-256 is stored, as with session
//! tokens. A revoked key never opens again.
//!
//! A key is an account of a client system, so the policy's `ManageAccounts` (the
//! administrators') decides who may do this; the audit log names the step
//! (`issue_open311_key`, `revoke_open311_key`) and the key by its id, never the key.

use adal_core::api::ProblemCode;
use adal_core::open311::{IssuedKey, KeySummary, KeysResponse, NewKeyRequest};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::actor::{Actor, WriteActor};
use crate::AppState;
use crate::accounts::{random_token, sha256_hex};
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use adal_core::staff::policy::Action;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_key, get_keys)).routes(routes!(post_key_revocation))
}

/// `POST /api/v1/staff/open311/keys` `{"label": "..."}`: 201 with the key, the only time
/// it is shown (the answer is never cached).
#[utoipa::path(
    post,
    path = "/api/v1/staff/open311/keys",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = NewKeyRequest,
    responses(
        (status = 201, description = "The key, shown this once", body = IssuedKey),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn post_key(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Json(request): Json<NewKeyRequest>,
) -> Result<Response, ApiError> {
    actor.authorize(&state, Action::ManageAccounts, None, None).await?;
    let label =
        request.label().map_err(|detail| ApiError::MalformedRequest { detail: detail.into() })?;
    // Prefixed, so that a key found in a config file or a log says what it is.
    let api_key = format!("adal311_{}", random_token()?);
    let key_sha256 = sha256_hex(&api_key);
    let created_at = db::clock::stored_precision(OffsetDateTime::now_utc());
    let (login, stored_label) = (actor.login.clone(), label.clone());
    let id = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let id = db::open311::insert_key(&tx, &key_sha256, &stored_label, &login, created_at)?;
            let target = format!("open311_key:{id}");
            db::audit::append(
                &tx,
                &actor.entry("issue_open311_key", Some(&target), None, "allowed"),
            )?;
            tx.commit()?;
            Ok(id)
        })
        .await?;
    tracing::info!(open311.key = id, "open311 key issued");
    let mut response =
        (StatusCode::CREATED, Json(IssuedKey { id, label, api_key, created_at })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /api/v1/staff/open311/keys`: every key ever issued, newest first, without the
/// keys themselves.
#[utoipa::path(
    get,
    path = "/api/v1/staff/open311/keys",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Every key, newest first, without the keys", body = KeysResponse),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_keys(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<KeysResponse>, ApiError> {
    actor.authorize(&state, Action::ManageAccounts, None, None).await?;
    let keys = state.db.read(db::open311::keys).await?;
    Ok(Json(KeysResponse { keys }))
}

/// `POST /api/v1/staff/open311/keys/{id}/revoke`: 200 with the key as it now is;
/// revoking a revoked key changes nothing and answers the same.
#[utoipa::path(
    post,
    path = "/api/v1/staff/open311/keys/{id}/revoke",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("id" = i64, Path, description = "The key's id"),
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    responses(
        (status = 200, description = "The key as it now is", body = KeySummary),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
    ),
)]
pub async fn post_key_revocation(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Path(id): Path<i64>,
) -> Result<Json<KeySummary>, ApiError> {
    let target = format!("open311_key:{id}");
    actor.authorize(&state, Action::ManageAccounts, None, Some(&target)).await?;
    let at = db::clock::stored_precision(OffsetDateTime::now_utc());
    let summary = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let summary = db::open311::revoke(&tx, id, &actor.login, at)?;
            if summary.is_some() {
                let entry = actor.entry("revoke_open311_key", Some(&target), None, "allowed");
                db::audit::append(&tx, &entry)?;
                tx.commit()?;
            }
            Ok(summary)
        })
        .await?;
    let summary = summary.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    tracing::info!(open311.key = id, "open311 key revoked");
    Ok(Json(summary))
}
