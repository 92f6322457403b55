//! The only module that speaks HTTP. It reports what came back (a status and the body,
//! if it arrived whole) or why nothing did; what that means for an outbox item is
//! decided in core (`adal_core::sync::classify`), by the sync engine.

use adal_core::Lang;
use adal_core::api::SubmissionRequest;
use adal_core::sync::engine::{Answer, TransportError};
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;

/// How long to wait for the server before giving up on one attempt. Long enough for a
/// slow rural 3G link, short enough that a dead connection does not hold the queue.
/// The sync lease (`sync::LEASE_MS`) must outlast it.
pub const REQUEST_TIMEOUT_MS: u32 = 30_000;

pub const SUBMISSIONS_URL: &str = "/api/v1/submissions";

/// Sends one submission; the answer's body is `None` when it was cut off.
pub async fn post_submission(
    request: &SubmissionRequest,
    lang: Lang,
) -> Result<Answer, TransportError> {
    let controller = web_sys::AbortController::new()
        .map_err(|_| TransportError::Unreachable("no AbortController".into()))?;
    let abort = controller.clone();
    let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || abort.abort());
    let request = Request::post(SUBMISSIONS_URL)
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang.tag())
        .abort_signal(Some(&controller.signal()))
        .json(request)
        .map_err(|e| TransportError::Unreachable(e.to_string()))?;
    let response = request.send().await.map_err(|e| {
        if controller.signal().aborted() {
            TransportError::TimedOut
        } else {
            TransportError::Unreachable(e.to_string())
        }
    })?;
    let body = response.text().await.ok();
    Ok(Answer { status: response.status(), body })
}
