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

/// `GET /api/v1/forms`, conditional on the cached ETag: `None` when nothing changed or
/// the server could not be reached (the cache serves either way).
pub async fn get_forms(etag: Option<&str>) -> Option<(Vec<adal_core::form::FormSchema>, String)> {
    let mut request = Request::get("/api/v1/forms");
    if let Some(etag) = etag {
        request = request.header("If-None-Match", etag);
    }
    let response = request.send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    let etag = response.headers().get("etag").unwrap_or_default();
    let body: adal_core::api::FormsResponse = response.json().await.ok()?;
    Some((body.forms, etag))
}

/// `GET /api/v1/directory?since=N`: only what changed since the version on the device.
pub async fn get_directory(since: u64) -> Option<adal_core::provider::DirectoryDelta> {
    let response = Request::get(&format!("/api/v1/directory?since={since}")).send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json().await.ok()
}
