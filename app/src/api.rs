//! The only module that speaks HTTP. It turns every answer, or the lack of one, into a
//! core `sync::Outcome`, so the rules for what a status code means live in core.

use adal_core::Lang;
use adal_core::api::SubmissionRequest;
use adal_core::sync::{self, Outcome};
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;

/// How long to wait for the server before giving up on one attempt. Long enough for a
/// slow rural 3G link, short enough that a dead connection does not hold the queue.
const REQUEST_TIMEOUT_MS: u32 = 30_000;

pub const SUBMISSIONS_URL: &str = "/api/v1/submissions";

/// Sends one submission and says what became of it. Never fails: a network error is
/// `RetryLater`, like any answer that proves nothing about the submission itself.
pub async fn post_submission(request: &SubmissionRequest, lang: Lang) -> Outcome {
    let Ok(controller) = web_sys::AbortController::new() else {
        return Outcome::RetryLater;
    };
    let abort = controller.clone();
    let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || abort.abort());
    let built = Request::post(SUBMISSIONS_URL)
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang.tag())
        .abort_signal(Some(&controller.signal()))
        .json(request);
    let Ok(built) = built else {
        return Outcome::RetryLater;
    };
    let Ok(response) = built.send().await else {
        return Outcome::RetryLater;
    };
    let body = response.text().await.ok();
    sync::classify(response.status(), body.as_deref())
}
