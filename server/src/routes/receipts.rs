//! `/api/v1/submissions/{tracking}`: the status timeline, adding an identity to an
//! anonymous submission, and replying to the office's question, for whoever holds the
//! tracking number and the receipt secret. Internal notes and staff logins never show.
//!
//! An unknown tracking number, a missing secret and a wrong one get the very same 404,
//! so the answers tell a stranger nothing, not even whether the number exists.

use adal_core::TrackingNumber;
use adal_core::api::{MAX_BODY_BYTES, ProblemCode};
use adal_core::receipt::{IdentityRequest, RECEIPT_SECRET_HEADER, ReceiptSecret, SubmissionStatus};
use adal_core::staff::ReplyRequest;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use tower_governor::GovernorLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::db::events::{self, IdentityAdded, Receipted, Replied};
use crate::error::ApiError;
use crate::extract::{Json, Path};

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    OpenApiRouter::new()
        .routes(routes!(get_submission_status))
        .routes(routes!(post_identity))
        .routes(routes!(post_reply))
        .route_layer(rate_limit)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The timeline, with the public answer once there is one.
///
/// An unknown tracking number, a missing secret and a wrong one get the same 404.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{tracking}",
    tag = "receipts",
    params(
        ("tracking" = String, Path, description = "The tracking number, e.g. `URA-2026-00042`"),
        ("x-receipt-secret" = String, Header, description = "The receipt secret the device sent with the submission"),
    ),
    responses(
        (status = 200, description = "The status (`Cache-Control: no-store`)", body = SubmissionStatus, links(
            ("reply" = (operation_id = "post_reply", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.header.x-receipt-secret")))),
            ("identity" = (operation_id = "post_identity", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.header.x-receipt-secret")))),
        )),
        (status = 404, description = "not_found"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn get_submission_status(
    State(state): State<AppState>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = authorize(&state, &tracking, &headers).await?;
    let terms = found.terms(&state.calendar.get());
    let status = state.db.call(move |conn| events::status(conn, &found)).await?;
    Ok(private(&state, status, terms))
}

/// Turns an anonymous submission into a named one; with the IIN and postal address, into
/// a formal appeal (APC Art. 63), whose answer is then due in 15 working days. Resending
/// the same identity answers as the first time; the same name and phone with the IIN or
/// address the first left out completes it; another identity, or a submission that was
/// never anonymous, is 409.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{tracking}/identity",
    tag = "receipts",
    params(
        ("tracking" = String, Path, description = "The tracking number, e.g. `URA-2026-00042`"),
        ("x-receipt-secret" = String, Header, description = "The receipt secret the device sent with the submission"),
    ),
    request_body = IdentityRequest,
    responses(
        (status = 200, description = "The status, now named", body = SubmissionStatus),
        (status = 404, description = "not_found"),
        (status = 409, description = "not_anonymous"),
        (status = 422, description = "validation_failed"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn post_identity(
    State(state): State<AppState>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Json(request): Json<IdentityRequest>,
) -> Result<Response, ApiError> {
    let mut found = authorize(&state, &tracking, &headers).await?;
    let identity = request.validate().map_err(ApiError::Validation)?;
    if found.named_but_incomplete() {
        identity.completes_a_named_complaint().map_err(ApiError::Validation)?;
    }
    let at = OffsetDateTime::now_utc();
    let (status, found) = state
        .db
        .call(move |conn| match events::add_identity(conn, &mut found, &identity, at)? {
            IdentityAdded::Added => events::status(conn, &found).map(|s| Some((s, found))),
            IdentityAdded::NotAnonymous => Ok(None),
        })
        .await?
        .ok_or(ApiError::Refused(ProblemCode::NotAnonymous))?;
    // Counted after: the identity may have made it a formal appeal.
    let terms = found.terms(&state.calendar.get());
    tracing::info!(tracking = %status.tracking, "identity added");
    Ok(private(&state, status, terms))
}

/// The person's reply to the office's question, recorded as `info_provided`: 200 with
/// the status. Resending the same reply answers as the first time; a reply while no
/// question is open is 409.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{tracking}/reply",
    tag = "receipts",
    params(
        ("tracking" = String, Path, description = "The tracking number, e.g. `URA-2026-00042`"),
        ("x-receipt-secret" = String, Header, description = "The receipt secret the device sent with the submission"),
    ),
    request_body = ReplyRequest,
    responses(
        (status = 200, description = "The status with the reply", body = SubmissionStatus),
        (status = 404, description = "not_found"),
        (status = 409, description = "no_question_pending"),
        (status = 422, description = "validation_failed"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn post_reply(
    State(state): State<AppState>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Json(request): Json<ReplyRequest>,
) -> Result<Response, ApiError> {
    let found = authorize(&state, &tracking, &headers).await?;
    let terms = found.terms(&state.calendar.get());
    let text = request.validate().map_err(ApiError::Validation)?;
    let at = OffsetDateTime::now_utc();
    let status = state
        .db
        .call(move |conn| match events::reply(conn, &found, &text, at)? {
            Replied::Recorded => events::status(conn, &found).map(Some),
            Replied::NoQuestion => Ok(None),
        })
        .await?
        .ok_or(ApiError::Refused(ProblemCode::NoQuestionPending))?;
    tracing::info!(tracking = %status.tracking, "reply recorded");
    Ok(private(&state, status, terms))
}

/// The submission `tracking` if the request carries its secret; the same 404 otherwise.
async fn authorize(
    state: &AppState,
    tracking: &str,
    headers: &HeaderMap,
) -> Result<Receipted, ApiError> {
    let secret = headers
        .get(RECEIPT_SECRET_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| ReceiptSecret::parse(value).ok());
    // Hash something even without a secret, so that every refusal costs the same.
    let presented = events::secret_hash(secret.as_ref().map_or("", ReceiptSecret::expose));
    let Ok(tracking) = tracking.parse::<TrackingNumber>() else {
        return Err(ApiError::Refused(ProblemCode::NotFound));
    };
    let tracking = tracking.to_string();
    let found = state.db.call(move |conn| events::find(conn, &tracking)).await?;
    match found {
        Some(found) if found.opens_with(&presented) && secret.is_some() => Ok(found),
        _ => Err(ApiError::Refused(ProblemCode::NotFound)),
    }
}

/// The status is the sender's alone: no shared cache may keep it.
/// The status as the person reads it, with the extension in force (its reason, the new
/// answer day) counted by the calendar in force, the receipt's `terms`, and not to be
/// cached.
fn private(
    state: &AppState,
    mut status: SubmissionStatus,
    terms: Option<adal_core::receipt::ReceiptTerms>,
) -> Response {
    let calendar = state.calendar.get();
    status.terms = terms;
    status.extension =
        SubmissionStatus::extension_of(&calendar, status.received_at, &status.timeline);
    let mut response = Json(status).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
