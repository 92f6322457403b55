//! `GET /api/v1/health`: for load balancers, monitoring and the client's "is our server
//! reachable" check.

use adal_core::api::Health;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_health))
}

/// Answers "ok" only when the database answers too.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "reference",
    responses((status = 200, description = "The server and its database answer", body = Health)),
)]
async fn get_health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.call(|conn| db::ping(conn)).await?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() }))
}
