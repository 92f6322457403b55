//! `/api/v1/staff`: the staff workspace's API. Every request but the login carries a
//! session cookie ([`actor::Actor`]); every state-changing one also the CSRF token
//! ([`actor::WriteActor`]); every read and write is checked by the one policy,
//! [`policy::authorize`], and every refusal is written to the audit log.
//!
//! A complaint naming its district's own office or its staff (flagged when stored) is
//! seen and handled only by the district's curator and the front office: the policy
//! has a list of actions per role for such items.

pub mod actor;
pub mod admin;
pub mod calendar;
pub mod idempotent;
pub mod inbox;
pub mod login_limits;
pub mod mediation;
pub mod open311;
pub mod policy;
pub mod read;
pub mod reports;
pub mod session;
pub mod tasks;

use adal_core::api::MAX_BODY_BYTES;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use tower_governor::GovernorLayer;

pub use login_limits::{LoginLimits, StaffLimits};

use crate::AppState;
use crate::error::ApiError;

/// Every staff route, limited per client address (one office shares an address: see
/// `DEFAULT_STAFF_RATE_LIMIT_BURST`).
pub fn router(state: &AppState) -> Router<AppState> {
    let rate_limit = GovernorLayer::new(state.staff_rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    Router::new()
        .route("/api/v1/staff/login", post(session::post_login))
        .route("/api/v1/staff/logout", post(session::post_logout))
        .route("/api/v1/staff/me", get(session::get_me))
        .route("/api/v1/staff/inbox", get(inbox::get_inbox))
        .route("/api/v1/staff/submissions/{tracking}", get(inbox::get_submission))
        .route("/api/v1/staff/submissions/{tracking}/events", post(inbox::post_event))
        .route("/api/v1/staff/users", post(admin::post_user).get(admin::get_users))
        .route("/api/v1/staff/users/{login}", post(admin::post_user_change))
        .route("/api/v1/staff/tasks", get(tasks::get_tasks))
        .route("/api/v1/staff/calendar", get(calendar::get_calendar))
        .route("/api/v1/staff/calendar/{year}", put(calendar::put_calendar_year))
        .route("/api/v1/staff/submissions/{tracking}/mediation", get(mediation::get_mediation))
        .route("/api/v1/staff/submissions/{tracking}/act", get(mediation::get_act))
        .route("/api/v1/staff/audit", get(admin::get_audit))
        .merge(read::router())
        .merge(reports::router())
        .merge(open311::router())
        .route_layer(rate_limit)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Public, cached by its entity tag, and served from memory: not limited.
        .route("/api/v1/calendar", get(calendar::get_public_calendar))
}
