//! What administrators do: create accounts and read the audit log.

use adal_core::staff::{AuditResponse, Me, NewAccountRequest};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::actor::{Actor, WriteActor};
use super::policy::Action;
use crate::AppState;
use crate::accounts::hash_password;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;

/// `POST /api/v1/staff/users`: 201 with the new account; 409 if the login is taken.
pub async fn post_user(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Json(request): Json<NewAccountRequest>,
) -> Result<Response, ApiError> {
    actor.authorize(&state, Action::ManageAccounts, None, Some(&request.login)).await?;
    request.check().map_err(|e| ApiError::MalformedRequest { detail: e.to_string() })?;
    let password = request.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let entry = actor.entry(
        Action::ManageAccounts.as_str(),
        Some(&request.login),
        request.district,
        "allowed",
    );
    let (login, role, district) = (request.login.clone(), request.role, request.district);
    let created = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let now = OffsetDateTime::now_utc();
            let id = db::accounts::insert(&tx, &login, role, district, &hash, now)?;
            if id.is_some() {
                db::audit::append(&tx, &entry)?;
                tx.commit()?;
            }
            Ok(id.is_some())
        })
        .await?;
    if !created {
        return Err(ApiError::LoginTaken);
    }
    let me = Me { login: request.login, role: request.role, district: request.district };
    Ok((StatusCode::CREATED, Json(me)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    limit: Option<u32>,
}

/// `GET /api/v1/staff/audit?limit=N`: the latest N entries (default 1000), newest first.
pub async fn get_audit(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<AuditResponse>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::MalformedRequest { detail: e.body_text() })?;
    actor.authorize(&state, Action::ReadAudit, None, None).await?;
    let limit = query.limit.unwrap_or(1000).min(10_000);
    let entries = state.db.call(move |conn| db::audit::latest(conn, limit)).await?;
    Ok(Json(AuditResponse { entries }))
}
