//! `GET /api/v1/health`: for load balancers, monitoring and the client's "is our server
//! reachable" check.

use adal_core::api::Health;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/health", get(get_health))
}

/// Answers "ok" only when the database answers too.
async fn get_health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.call(|conn| db::ping(conn)).await?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() }))
}
