//! Logging in and out, and who am I.

use adal_core::api::ProblemCode;
use adal_core::staff::{LoginRequest, LoginResponse, Me, SESSION_COOKIE};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::{Duration, OffsetDateTime};

use super::actor::{Actor, WriteActor, device_of};
use crate::AppState;
use crate::accounts::{random_token, sha256_hex, verify_password};
use crate::client::Client;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;

/// A session lasts a working day; then the person logs in again.
pub const SESSION_HOURS: i64 = 12;

/// The cookie is always `Secure`: browsers keep such cookies on `http://localhost` and
/// `http://127.0.0.1` too (both count as secure origins), so local use works without TLS,
/// and a deployment behind a TLS proxy never sends the session in the clear.
fn session_cookie(token: &str, max_age_s: i64) -> HeaderValue {
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_s}"
    );
    HeaderValue::from_str(&cookie).expect("a cookie of hex digits and ASCII attributes")
}

/// `POST /api/v1/staff/login`. Unknown login, wrong password and disabled account all
/// answer the same 401, after the same Argon2 work. Failures are limited per client
/// address and login ([`super::StaffLimits`]); a correct password is never counted.
#[utoipa::path(
    post,
    path = "/api/v1/staff/login",
    tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in: the session cookie is set (`Set-Cookie`)", body = LoginResponse),
        (status = 401, description = "login_failed"),
        (status = 429, description = "rate_limited"),
    ),
)]
pub async fn post_login(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Json(request): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let login = request.login.trim().to_lowercase();
    state.staff.check(client.ip, &login)?;
    let device = device_of(&headers);
    let key = login.clone();
    let account = state.db.call(move |conn| db::accounts::find_by_login(conn, &key)).await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let password = request.password;
    let matches =
        tokio::task::spawn_blocking(move || verify_password(stored.as_deref(), &password))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
    let now = OffsetDateTime::now_utc();
    let account = match account {
        Some(account) if matches && !account.disabled => account,
        account => {
            state.staff.failed(client.ip, &login);
            // An unknown login is not written down: it may be a password typed in the
            // wrong box.
            let entry = db::audit::NewEntry {
                at: now,
                account_id: account.as_ref().map(|a| a.id),
                login: account.as_ref().map(|a| a.login.clone()),
                role: account.as_ref().map(|a| a.role),
                action: "login",
                target: None,
                district: account.as_ref().and_then(|a| a.district),
                outcome: "login_failed",
                device_sha256: device,
            };
            state.db.call(move |conn| db::audit::append(conn, &entry)).await?;
            state.metrics.login_failed();
            return Err(ApiError::Refused(ProblemCode::LoginFailed));
        }
    };

    let token = random_token()?;
    let csrf_token = random_token()?;
    let expires_at = now + Duration::hours(SESSION_HOURS);
    let expires_at = db::clock::stored_precision(expires_at);
    let (token_sha256, csrf_sha256) = (sha256_hex(&token), sha256_hex(&csrf_token));
    let entry = db::audit::NewEntry {
        at: now,
        account_id: Some(account.id),
        login: Some(account.login.clone()),
        role: Some(account.role),
        action: "login",
        target: None,
        district: account.district,
        outcome: "allowed",
        device_sha256: device,
    };
    let account_id = account.id;
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            db::sessions::insert(&tx, &token_sha256, account_id, &csrf_sha256, now, expires_at)?;
            db::audit::append(&tx, &entry)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!(role = account.role.as_str(), "staff logged in");
    let body = LoginResponse {
        account: Me { login: account.login, role: account.role, district: account.district },
        csrf_token,
        expires_at,
    };
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, session_cookie(&token, SESSION_HOURS * 3600));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /api/v1/staff/logout`: ends this session (204) and clears the cookie.
#[utoipa::path(
    post,
    path = "/api/v1/staff/logout",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    responses(
        (status = 204, description = "Logged out; the cookie is cleared"),
    ),
)]
pub async fn post_logout(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
) -> Result<Response, ApiError> {
    let entry = actor.entry("logout", None, actor.district, "allowed");
    let token_sha256 = actor.token_sha256.clone();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            db::sessions::delete(&tx, &token_sha256)?;
            db::audit::append(&tx, &entry)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie("", 0));
    Ok(response)
}

/// `GET /api/v1/staff/me`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/me",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Who is logged in", body = Me),
    ),
)]
pub async fn get_me(actor: Actor) -> Json<Me> {
    Json(actor.me())
}
