//! `GET /api/v1/directory?since=N`: the provider directory, or only what changed in it
//! after version N, so that a phone on a slow line that already holds the directory
//! downloads a few bytes rather than the whole list.

use adal_core::provider::DirectoryDelta;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_governor::GovernorLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Query};

/// Limited per client address like the rest of the public API, on a budget of its own.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.directory_rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    OpenApiRouter::new().routes(routes!(get_directory)).route_layer(rate_limit)
}

#[derive(Debug, Deserialize)]
struct Params {
    /// The version the device holds; missing or 0 when it holds nothing.
    since: Option<u64>,
}

/// The answer for one URL is fixed by the directory's version (nothing changes without a
/// new version), so the version is the entity tag. A device that asks again without a
/// change gets 304; `no-cache` makes every cache in between ask us first. Read on a read
/// connection: a directory of thousands never holds up a submission.
#[utoipa::path(
    get,
    path = "/api/v1/directory",
    tag = "reference",
    params(
        ("since" = Option<u64>, Query, description = "The directory version the device holds; 0 or missing for all of it"),
        ("if-none-match" = Option<String>, Header, description = "The ETag of the version held"),
    ),
    responses(
        (status = 200, description = "The providers changed after `since`, with tombstones", body = DirectoryDelta),
        (status = 304, description = "Nothing changed since that version"),
        (status = 400, description = "malformed_request"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn get_directory(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<Params>, ApiError>,
) -> Result<Response, ApiError> {
    let Query(Params { since }) = params?;
    let since = since.unwrap_or(0);
    let version = state.db.read(db::directory::current_version).await?;
    if if_none_match(&headers, version) {
        return Ok((StatusCode::NOT_MODIFIED, cache_headers(version)).into_response());
    }
    let delta: DirectoryDelta =
        state.db.read(move |conn| db::directory::delta(conn, since)).await?;
    tracing::info!(
        since,
        version = delta.version,
        full = delta.full,
        changed = delta.providers.len(),
        deleted = delta.deleted.len(),
        "directory sent"
    );
    Ok((cache_headers(delta.version), Json(delta)).into_response())
}

fn etag(version: u64) -> String {
    format!("W/\"{version}\"")
}

fn cache_headers(version: u64) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        // Digits and quotes only: always a valid header value.
        (
            header::ETAG,
            HeaderValue::from_str(&etag(version)).unwrap_or(HeaderValue::from_static("W/\"0\"")),
        ),
    ]
}

/// `If-None-Match` with the weak comparison RFC 9110 §13.1.2 asks for.
fn if_none_match(headers: &HeaderMap, version: u64) -> bool {
    let ours = format!("\"{version}\"");
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|value| {
        value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
    })
}
