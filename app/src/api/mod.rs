//! The only module that speaks HTTP. It reports what came back (a status and the body,
//! if it arrived whole) or why nothing did; what that means for an outbox item is
//! decided in core (`adal_core::sync::classify`), by the sync engine.

use adal_core::Lang;
use adal_core::api::{BatchRequest, SubmissionRequest};
use adal_core::sync::engine::{Answer, TransportError};
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;

pub mod staff;

/// How long to wait for the server before giving up on one attempt. Long enough for a
/// slow rural 3G link, short enough that a dead connection does not hold the queue.
/// The sync lease (`sync::LEASE_MS`) must outlast it.
pub const REQUEST_TIMEOUT_MS: u32 = 30_000;

pub const SUBMISSIONS_URL: &str = "/api/v1/submissions";
pub const BATCH_URL: &str = "/api/v1/submissions/batch";

/// Sends one submission; the answer's body is `None` when it was cut off.
pub async fn post_submission(
    request: &SubmissionRequest,
    lang: Lang,
) -> Result<Answer, TransportError> {
    post(SUBMISSIONS_URL, request, lang).await
}

/// Sends up to a hundred submissions in one request; the body lists each one's outcome.
pub async fn post_batch(batch: &BatchRequest, lang: Lang) -> Result<Answer, TransportError> {
    post(BATCH_URL, batch, lang).await
}

async fn post(
    url: &str,
    body: &impl serde::Serialize,
    lang: Lang,
) -> Result<Answer, TransportError> {
    let controller = web_sys::AbortController::new()
        .map_err(|_| TransportError::Unreachable("no AbortController".into()))?;
    let abort = controller.clone();
    let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || abort.abort());
    let request = Request::post(url)
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang.tag())
        .abort_signal(Some(&controller.signal()))
        .json(body)
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
    let body: adal_core::api::FormsResponse = json(&response).await?;
    Some((body.forms, etag))
}

/// `GET /api/v1/directory?since=N`: only what changed since the version on the device.
pub async fn get_directory(since: u64) -> Option<adal_core::provider::DirectoryDelta> {
    let response = Request::get(&format!("/api/v1/directory?since={since}")).send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    json(&response).await
}

/// Uploads every photo the server does not hold yet, in 256 KiB parts, resuming after
/// a drop: it first asks which parts arrived, sends the rest (core's plan,
/// `attachment::parts_to_send`), then asks the server to assemble and verify the file
/// (SHA-256). `Err` when any photo could not be finished now; the caller retries later.
pub async fn upload_attachments(
    attachments: &[adal_core::attachment::AttachmentRef],
) -> Result<(), ()> {
    use adal_core::attachment::{UploadStatus, parts_to_send};
    for photo in attachments {
        let url = format!("/api/v1/attachments/{}", photo.id);
        let status: UploadStatus = match Request::get(&url).send().await {
            Ok(r) if r.status() == 200 => json(&r).await.ok_or(())?,
            _ => return Err(()),
        };
        if status.holds(photo) {
            continue;
        }
        let blob = crate::store::attachments::blob(&photo.id.to_string())
            .await
            .map_err(|_| ())?
            .ok_or(())?;
        for part in parts_to_send(photo.size, &status.received_parts) {
            let chunk =
                blob.slice_with_f64_and_f64(part.start as f64, part.end as f64).map_err(|_| ())?;
            let response = Request::put(&format!("{url}/parts/{}", part.n))
                .header("Content-Type", "application/octet-stream")
                .body(chunk)
                .map_err(|_| ())?
                .send()
                .await
                .map_err(|_| ())?;
            if !response.ok() {
                return Err(());
            }
        }
        let response = Request::post(&format!("{url}/complete"))
            .json(&photo.completion())
            .map_err(|_| ())?
            .send()
            .await
            .map_err(|_| ())?;
        if !response.ok() {
            return Err(());
        }
    }
    Ok(())
}

/// `GET /api/v1/submissions/{tracking}` with the device-held secret: the timeline and
/// public answer. `None` offline or when the server does not answer.
pub async fn get_status(
    tracking: &str,
    secret: &str,
) -> Option<adal_core::receipt::SubmissionStatus> {
    let response = Request::get(&format!("/api/v1/submissions/{tracking}"))
        .header("X-Receipt-Secret", secret)
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    json(&response).await
}

/// `POST /api/v1/submissions/{tracking}/identity`: turns an anonymous complaint into a
/// named one. `Err(Some(problem))` when the server refused, `Err(None)` when unreachable.
pub async fn post_identity(
    tracking: &str,
    secret: &str,
    identity: &adal_core::receipt::IdentityRequest,
    lang: Lang,
) -> Result<adal_core::receipt::SubmissionStatus, Option<adal_core::api::Problem>> {
    let request = Request::post(&format!("/api/v1/submissions/{tracking}/identity"))
        .header("X-Receipt-Secret", secret)
        .header("Accept-Language", lang.tag())
        .json(identity)
        .map_err(|_| None)?;
    let response = request.send().await.map_err(|_| None)?;
    if response.status() == 200 {
        return json(&response).await.ok_or(None);
    }
    Err(json(&response).await)
}

/// Reads a JSON body with the browser's `JSON.parse` and decodes it as IndexedDB values
/// are decoded (`serde-wasm-bindgen`). The same types are read from the device too, so
/// this keeps one decoder of each in the wasm instead of a second, `serde_json`'s, that
/// would add about as much code again. `None` when the body is not that JSON.
async fn json<T: serde::de::DeserializeOwned>(response: &gloo::net::http::Response) -> Option<T> {
    let text = response.text().await.ok()?;
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(&text).ok()?).ok()
}

/// `POST /api/v1/submissions/{tracking}/reply`: the person's answer to the office's
/// question. `Ok` once the server has it; `Err(Some(problem))` when it refused (the reply
/// is then dropped with the reason shown), `Err(None)` when it could not be reached.
pub async fn post_reply(
    tracking: &str,
    secret: &str,
    text: &str,
    lang: Lang,
) -> Result<(), Option<adal_core::api::Problem>> {
    let request = Request::post(&format!("/api/v1/submissions/{tracking}/reply"))
        .header("X-Receipt-Secret", secret)
        .header("Accept-Language", lang.tag())
        .json(&serde_json::json!({ "text": text }))
        .map_err(|_| None)?;
    let response = request.send().await.map_err(|_| None)?;
    if response.ok() {
        return Ok(());
    }
    if response.status() >= 500 || response.status() == 429 {
        return Err(None);
    }
    Err(response.json().await.ok())
}
