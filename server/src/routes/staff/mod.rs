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
pub mod mediation;
pub mod open311;
pub mod policy;
pub mod read;
pub mod reports;
pub mod session;
pub mod tasks;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use adal_core::api::MAX_BODY_BYTES;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::AppState;
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
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
        .route("/api/v1/calendar", get(calendar::get_public_calendar))
        .route("/api/v1/staff/submissions/{tracking}/mediation", get(mediation::get_mediation))
        .route("/api/v1/staff/submissions/{tracking}/act", get(mediation::get_act))
        .route("/api/v1/staff/audit", get(admin::get_audit))
        .merge(read::router())
        .merge(reports::router())
        .merge(open311::router())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Login attempts, limited per client address and per login, so that neither one
/// address trying many logins nor many addresses trying one login get far.
#[derive(Clone)]
pub struct StaffLimits {
    per_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    per_login: Arc<DefaultKeyedRateLimiter<String>>,
}

impl StaffLimits {
    pub fn new(burst_per_ip: NonZeroU32, burst_per_login: NonZeroU32) -> StaffLimits {
        let quota = |period_s, burst| {
            Quota::with_period(Duration::from_secs(period_s))
                .expect("a period longer than zero")
                .allow_burst(burst)
        };
        StaffLimits {
            per_ip: Arc::new(DefaultKeyedRateLimiter::keyed(quota(6, burst_per_ip))),
            per_login: Arc::new(DefaultKeyedRateLimiter::keyed(quota(60, burst_per_login))),
        }
    }

    /// Counts one attempt of `login` from `ip`; 429 once either has had too many.
    pub fn check(&self, ip: IpAddr, login: &str) -> Result<(), ApiError> {
        let now = DefaultClock::default().now();
        let refused = |not_until: governor::NotUntil<_>| ApiError::RateLimited {
            retry_after_s: not_until.wait_time_from(now).as_secs().max(1),
        };
        self.per_ip.check_key(&ip).map_err(refused)?;
        self.per_login.check_key(&login.to_owned()).map_err(refused)
    }

    /// Forgets the keys that are back to a full burst.
    pub fn retain_recent(&self) {
        self.per_ip.retain_recent();
        self.per_login.retain_recent();
    }
}
