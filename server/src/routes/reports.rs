//! `GET /api/v1/reports/{hash}`: a published two-weekly report, for anyone. The answer is
//! exactly the bytes that were hashed when it was published, so that whoever heard the
//! figures can check them: the SHA-256 of the body is the hash in the address.

use adal_core::api::ProblemCode;
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
    OpenApiRouter::new().routes(routes!(get_published_report)).route_layer(rate_limit)
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
