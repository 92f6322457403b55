//! The HTTP API under `/api/v1`, one module per resource.

pub mod attachments;
pub mod directory;
pub mod forms;
pub mod health;
pub mod open311;
pub mod openapi;
pub mod receipts;
pub mod reports;
pub mod staff;
pub mod submissions;

use adal_core::api::ProblemCode;
use axum::routing::any;
use axum::{Extension, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

/// Every API route, plus a problem+json 404 for unknown paths under `/api`, so that a
/// mistyped API call is never answered by the web app's `index.html`. Every route is
/// added with its entry in the contract (see [`openapi`]), which the router serves.
pub fn router(state: &AppState) -> Router<AppState> {
    let (api, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(submissions::router(state))
        .merge(attachments::router(state))
        .merge(receipts::router(state))
        .merge(health::router())
        .merge(directory::router(state))
        .merge(forms::router())
        .merge(staff::router(state))
        .merge(reports::router(state))
        .merge(open311::router(state))
        .routes(routes!(openapi::get_openapi))
        .routes(routes!(openapi::get_docs))
        .split_for_parts();
    api.layer(Extension(openapi::Contract::new(doc)))
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError::Refused(ProblemCode::MethodNotAllowed)
}

async fn not_found() -> ApiError {
    ApiError::Refused(ProblemCode::NotFound)
}
