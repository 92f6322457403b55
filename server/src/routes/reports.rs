//! The published two-weekly reports, for anyone: `GET /api/v1/reports` lists them (the
//! citizen app's `/reports` page), `GET /api/v1/reports/{hash}` answers one exactly as the
//! bytes that were hashed when it was published, so that whoever heard the figures can
//! check them: the SHA-256 of the body is the hash in the address. A snapshot holds
//! figures only (`Report::published`).

use adal_core::api::ProblemCode;
use adal_core::report::PublishedList;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tower_governor::GovernorLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::Path;

/// Rate-limited per client address like every public endpoint.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    OpenApiRouter::new()
        .routes(routes!(get_published_reports))
        .routes(routes!(get_published_report))
        .route_layer(rate_limit)
}

/// Every published report, newest first: its period, district (none: the region), hash
/// and address. A new one may appear at any time, so caches check again.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "reports",
    responses(
        (status = 200, description = "The published reports, newest first", body = PublishedList),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn get_published_reports(State(state): State<AppState>) -> Result<Response, ApiError> {
    let reports = state.db.read(db::reports::list).await?;
    let headers = [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))];
    Ok((headers, axum::Json(PublishedList { reports })).into_response())
}

/// A published report, byte for byte as hashed.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{hash}",
    tag = "reports",
    params(("hash" = String, Path, description = "The SHA-256 of the report's bytes, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The report; its SHA-256 is `hash`", body = adal_core::report::Report),
        (status = 400, description = "malformed_request"),
        (status = 404, description = "not_found"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn get_published_report(
    State(state): State<AppState>,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let well_formed =
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(ApiError::Refused(ProblemCode::NotFound));
    }
    let key = hash.clone();
    let snapshot = state.db.read(move |conn| db::reports::by_hash(conn, &key)).await?;
    let snapshot = snapshot.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    let etag =
        HeaderValue::from_str(&format!("\"{hash}\"")).map_err(|e| ApiError::Internal(e.into()))?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        // It never changes: any cache may keep it for good.
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        (header::ETAG, etag),
    ];
    Ok((headers, snapshot.content).into_response())
}
