//! What administrators do: create, list and change accounts, and read the audit log.

use adal_core::api::ProblemCode;
use adal_core::staff::{
    AccountChange, AccountSummary, AccountsResponse, AuditResponse, NewAccountRequest, Role,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::actor::{Actor, WriteActor};
use crate::AppState;
use crate::accounts::hash_password;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use adal_core::staff::policy::Action;

/// `POST /api/v1/staff/users`: 201 with the new account; 409 if the login is taken.
#[utoipa::path(
    post,
    path = "/api/v1/staff/users",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = NewAccountRequest,
    responses(
        (status = 201, description = "The new account", body = AccountSummary),
        (status = 403, description = "forbidden"),
        (status = 409, description = "login_taken"),
        (status = 422, description = "validation_failed"),
    ),
)]
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
    // As stored, so that the answer is what a later read of the account gives.
    let now = db::clock::stored_precision(OffsetDateTime::now_utc());
    let created = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let id = db::accounts::insert(&tx, &login, role, district, &hash, now)?;
            if id.is_some() {
                db::audit::append(&tx, &entry)?;
                tx.commit()?;
            }
            Ok(id.is_some())
        })
        .await?;
    if !created {
        return Err(ApiError::Refused(ProblemCode::LoginTaken));
    }
    let account = AccountSummary {
        login: request.login,
        role: request.role,
        district: request.district,
        disabled: false,
        created_at: now,
    };
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    limit: Option<u32>,
}

/// `GET /api/v1/staff/audit?limit=N`: the latest N entries (default 1000), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/audit",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("limit" = Option<u32>, Query, description = "How many of the latest entries (1000 by default)"),
    ),
    responses(
        (status = 200, description = "The latest entries, newest first", body = AuditResponse),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_audit(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<AuditQuery>, ApiError>,
) -> Result<Json<AuditResponse>, ApiError> {
    let Query(query) = query?;
    actor.authorize(&state, Action::ReadAudit, None, None).await?;
    let limit = query.limit.unwrap_or(1000).min(10_000);
    let entries = state.db.call(move |conn| db::audit::latest(conn, limit)).await?;
    Ok(Json(AuditResponse { entries }))
}

/// `GET /api/v1/staff/users`: every account, by login.
#[utoipa::path(
    get,
    path = "/api/v1/staff/users",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Every account, by login", body = AccountsResponse),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_users(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<AccountsResponse>, ApiError> {
    actor.authorize(&state, Action::ManageAccounts, None, None).await?;
    let accounts = state.db.call(|conn| db::accounts::list(conn)).await?;
    Ok(Json(AccountsResponse { accounts }))
}

/// `POST /api/v1/staff/users/{login}`: 200 with the account as it now is. Disabling it
/// or setting a new password ends its sessions; a role or district is checked as at
/// creation; an administrator cannot disable themselves, and nobody can demote or disable
/// the last active administrator (nobody could then manage accounts).
#[utoipa::path(
    post,
    path = "/api/v1/staff/users/{login}",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("login" = String, Path, description = "The account's login"),
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = AccountChange,
    responses(
        (status = 200, description = "The account as it now is", body = AccountSummary),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
        (status = 409, description = "cannot_disable_self, last_administrator"),
        (status = 422, description = "validation_failed"),
    ),
)]
pub async fn post_user_change(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Path(login): Path<String>,
    Json(change): Json<AccountChange>,
) -> Result<Json<AccountSummary>, ApiError> {
    actor.authorize(&state, Action::ManageAccounts, None, Some(&login)).await?;
    if login == actor.login && change.disabled == Some(true) {
        return Err(ApiError::Refused(ProblemCode::CannotDisableSelf));
    }
    let key = login.clone();
    let account = state.db.call(move |conn| db::accounts::find_by_login(conn, &key)).await?;
    let account = account.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    let (role, district) = change
        .apply(account.role, account.district)
        .map_err(|e| ApiError::MalformedRequest { detail: e.to_string() })?;
    let hash = match change.password.clone() {
        Some(password) => Some(
            tokio::task::spawn_blocking(move || hash_password(&password))
                .await
                .map_err(|e| ApiError::Internal(e.into()))??,
        ),
        None => None,
    };
    let disabled = change.disabled.unwrap_or(account.disabled);
    let was_active_admin = account.role == Role::Administrator && !account.disabled;
    let stays_active_admin = role == Role::Administrator && !disabled;
    let entry = actor.entry(Action::ManageAccounts.as_str(), Some(&login), district, "allowed");
    let summary = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            // Counted in the transaction of the change, on the one writer connection: two
            // administrators demoting each other at once cannot both succeed.
            if was_active_admin
                && !stays_active_admin
                && db::accounts::active_administrators(&tx)? <= 1
            {
                return Ok(Err(ApiError::Refused(ProblemCode::LastAdministrator)));
            }
            db::accounts::update(&tx, account.id, role, district, disabled, hash.as_deref())?;
            if disabled || hash.is_some() {
                db::sessions::delete_all_of(&tx, account.id)?;
            }
            db::audit::append(&tx, &entry)?;
            tx.commit()?;
            Ok(db::accounts::summary(conn, &account.login)?
                .ok_or(ApiError::Refused(ProblemCode::NotFound)))
        })
        .await??;
    Ok(Json(summary))
}
