//! `/api/v1/staff`: the staff workspace's API. Every request but the login carries a
//! session cookie ([`actor::Actor`]); every state-changing one also the CSRF token
//! ([`actor::WriteActor`]); every read and write is checked by the one policy,
//! [`authorize`](adal_core::staff::policy::authorize), and every refusal is written to the audit log.
//!
//! A complaint naming its district's own office or its staff (flagged when stored) is
//! seen and handled only by the district's curator and the front office: the policy
//! has a list of actions per role for such items.

pub mod actor;
pub mod admin;
pub mod calendar;
pub mod channel;
pub mod idempotent;
pub mod inbox;
pub mod login_limits;
pub mod mediation;
pub mod open311;
pub mod overview;
pub mod read;
pub mod reports;
pub mod session;
pub mod tasks;

use adal_core::api::MAX_BODY_BYTES;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use tower_governor::GovernorLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use login_limits::{LoginLimits, StaffLimits};

use crate::AppState;
use crate::error::ApiError;

/// Every staff route, limited per client address (one office shares an address: see
/// `DEFAULT_STAFF_RATE_LIMIT_BURST`).
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.staff_rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    OpenApiRouter::new()
        .routes(routes!(session::post_login))
        .routes(routes!(session::post_logout))
        .routes(routes!(session::get_me))
        .routes(routes!(inbox::get_inbox))
        .routes(routes!(inbox::get_submission))
        .routes(routes!(overview::get_overview))
        .routes(routes!(inbox::post_event))
        .routes(routes!(admin::post_user, admin::get_users))
        .routes(routes!(admin::post_user_change))
        .routes(routes!(tasks::get_tasks))
        .routes(routes!(calendar::get_calendar))
        .routes(routes!(calendar::put_calendar_year))
        .routes(routes!(mediation::get_mediation))
        .routes(routes!(mediation::get_act))
        .routes(routes!(admin::get_audit))
        .merge(read::router())
        .merge(reports::router())
        .merge(open311::router())
        .merge(channel::router())
        .route_layer(rate_limit)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Public, cached by its entity tag, and served from memory: not limited.
        .routes(routes!(calendar::get_public_calendar))
}
