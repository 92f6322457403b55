//! Who is asking: the [`Actor`] behind a staff session cookie, and [`WriteActor`], an
//! actor whose request also carries the session's CSRF token.
//!
//! CSRF: the session cookie is `SameSite=Strict`, and every state-changing request must
//! repeat, in the `X-CSRF-Token` header, the token the login answered with (kept by the
//! app in memory, its hash in the session row). A cross-site page can neither read that
//! token nor set a custom header without a CORS preflight, which this server never grants.

use adal_core::District;
use adal_core::api::ProblemCode;
use adal_core::staff::{CSRF_HEADER, Me, Role, SESSION_COOKIE};
use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::header;
use axum::http::request::Parts;
use time::OffsetDateTime;

use crate::AppState;
use crate::accounts::sha256_hex;
use crate::db::{self, events::hashes_match};
use crate::error::ApiError;
use adal_core::staff::policy::{self, Action, Scope, Target};

/// A staff member with a live session.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: i64,
    pub login: String,
    pub role: Role,
    pub district: Option<District>,
    pub token_sha256: String,
    csrf_sha256: String,
    /// SHA-256 of the User-Agent, for the audit log.
    pub device: Option<String>,
}

impl Actor {
    pub fn me(&self) -> Me {
        Me { login: self.login.clone(), role: self.role, district: self.district }
    }

    /// Passes if the policy lets this actor do `action` on something of `district`;
    /// otherwise writes the refusal to the audit log and answers 403.
    pub async fn authorize(
        &self,
        state: &AppState,
        action: Action,
        district: Option<District>,
        target: Option<&str>,
    ) -> Result<(), ApiError> {
        self.authorize_on(state, action, Target::of(district), target).await
    }

    /// [`Actor::authorize`] for one submission, which may be a conflict item.
    pub async fn authorize_on(
        &self,
        state: &AppState,
        action: Action,
        on: Target,
        target: Option<&str>,
    ) -> Result<(), ApiError> {
        if self.may(action, on) {
            return Ok(());
        }
        let district = on.district;
        self.audit(state, action.as_str(), target, district, "denied").await?;
        tracing::warn!(role = self.role.as_str(), action = action.as_str(), "staff request denied");
        Err(ApiError::Refused(ProblemCode::Forbidden))
    }

    /// The [`Scope`] of a bulk read of `district` (see [`policy::scope`]); refused, audited
    /// and answered 403 as [`Actor::authorize`] does if the actor may not read it at all.
    pub async fn scope(
        &self,
        state: &AppState,
        action: Action,
        district: Option<District>,
    ) -> Result<Scope, ApiError> {
        match policy::scope(self.role, self.district, action, district) {
            Some(scope) => Ok(scope),
            None => self
                .authorize(state, action, district, None)
                .await
                .and(Err(ApiError::Refused(ProblemCode::Forbidden))),
        }
    }

    /// Whether the policy lets this actor do `action` on `on` (nothing is audited: for
    /// leaving out of a list what the actor may not see).
    pub fn may(&self, action: Action, on: Target) -> bool {
        policy::authorize(self.role, self.district, action, on)
    }

    /// Appends a line about this actor to the audit log.
    pub async fn audit(
        &self,
        state: &AppState,
        action: &'static str,
        target: Option<&str>,
        district: Option<District>,
        outcome: &'static str,
    ) -> Result<(), ApiError> {
        let entry = self.entry(action, target, district, outcome);
        state.db.call(move |conn| db::audit::append(conn, &entry)).await?;
        Ok(())
    }

    /// The audit line, for handlers that write it in the transaction of the change.
    pub fn entry(
        &self,
        action: &'static str,
        target: Option<&str>,
        district: Option<District>,
        outcome: &'static str,
    ) -> db::audit::NewEntry {
        db::audit::NewEntry {
            at: OffsetDateTime::now_utc(),
            account_id: Some(self.account_id),
            login: Some(self.login.clone()),
            role: Some(self.role),
            action,
            target: target.map(str::to_owned),
            district,
            outcome,
            device_sha256: self.device.clone(),
        }
    }
}

/// SHA-256 of the request's User-Agent, if it sent one.
pub fn device_of(parts: &axum::http::HeaderMap) -> Option<String> {
    parts.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(sha256_hex)
}

/// The session token from the `Cookie` header(s), if well-formed.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| token)
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, ApiError> {
        let Some(token) = session_token(&parts.headers) else {
            return Err(ApiError::Refused(ProblemCode::Unauthenticated));
        };
        let token_sha256 = sha256_hex(token);
        let key = token_sha256.clone();
        let now = OffsetDateTime::now_utc();
        let session = state.db.call(move |conn| db::sessions::find_live(conn, &key, now)).await?;
        let Some(session) = session else {
            return Err(ApiError::Refused(ProblemCode::Unauthenticated));
        };
        let account = session.account;
        Ok(Actor {
            account_id: account.id,
            login: account.login,
            role: account.role,
            district: account.district,
            token_sha256,
            csrf_sha256: session.csrf_sha256,
            device: device_of(&parts.headers),
        })
    }
}

/// An [`Actor`] whose request carries the session's CSRF token in `X-CSRF-Token`. A
/// request without it is refused with 403, and the refusal is audited.
#[derive(Debug, Clone)]
pub struct WriteActor(pub Actor);

impl FromRequestParts<AppState> for WriteActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<WriteActor, ApiError> {
        let actor = Actor::from_request_parts(parts, state).await?;
        let presented = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        // Hash whatever came, so that a missing token costs what a wrong one does.
        let presented_sha256 = sha256_hex(presented.unwrap_or(""));
        if presented.is_some() && hashes_match(&presented_sha256, &actor.csrf_sha256) {
            return Ok(WriteActor(actor));
        }
        let path = parts.extensions.get::<MatchedPath>().map(|p| p.as_str().to_owned());
        actor.audit(state, "csrf_check", path.as_deref(), None, "csrf_rejected").await?;
        Err(ApiError::Refused(ProblemCode::CsrfRejected))
    }
}
