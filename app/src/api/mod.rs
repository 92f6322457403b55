//! The only module that speaks HTTP. It reports what came back (a status and the body,
//! if it arrived whole) or why nothing did; what that means for an outbox item is
//! decided in core (`adal_core::sync::classify`), by the sync engine.

use adal_core::Lang;
use adal_core::api::{BatchRequest, SubmissionRequest};
use adal_core::attachment::{AttachmentRef, Part, UploadStatus};
use adal_core::sync::engine::{Answer, TransportError};
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;

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
    let deadline = Deadline::start()?;
    let request = Request::post(url)
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang.tag())
        .abort_signal(Some(&deadline.signal()))
        .json(body)
        .map_err(|e| TransportError::Unreachable(e.to_string()))?;
    let response = request.send().await.map_err(|e| deadline.failed(e))?;
    let body = response.text().await.ok();
    Ok(Answer { status: response.status(), body })
}

/// [`REQUEST_TIMEOUT_MS`] for one request of the sync engine: the request is aborted
/// when it runs out, so that it always ends under its sending lease.
struct Deadline {
    controller: web_sys::AbortController,
    _timeout: Timeout,
}

impl Deadline {
    fn start() -> Result<Deadline, TransportError> {
        let controller = web_sys::AbortController::new()
            .map_err(|_| TransportError::Unreachable("no AbortController".into()))?;
        let abort = controller.clone();
        let _timeout = Timeout::new(REQUEST_TIMEOUT_MS, move || abort.abort());
        Ok(Deadline { controller, _timeout })
    }

    fn signal(&self) -> web_sys::AbortSignal {
        self.controller.signal()
    }

    /// Why no answer came: the deadline, or no connection.
    fn failed(&self, error: gloo::net::Error) -> TransportError {
        if self.controller.signal().aborted() {
            TransportError::TimedOut
        } else {
            TransportError::Unreachable(error.to_string())
        }
    }
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
    let body = json_value(&response).await?;
    Some((decode_list(&body, "forms").await?, etag))
}

/// `GET /api/v1/directory?since=N`: only what changed since the version on the device.
pub async fn get_directory(since: u64) -> Option<adal_core::provider::DirectoryDelta> {
    let response = Request::get(&format!("/api/v1/directory?since={since}")).send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    let body = json_value(&response).await?;
    let providers = decode_list(&body, "providers").await?;
    // What is left (version, full, deleted) is small: decoded at once.
    js_sys::Reflect::set(&body, &"providers".into(), &js_sys::Array::new()).ok()?;
    let delta: adal_core::provider::DirectoryDelta = serde_wasm_bindgen::from_value(body).ok()?;
    Some(adal_core::provider::DirectoryDelta { providers, ..delta })
}

fn attachment_url(photo: &AttachmentRef) -> String {
    format!("/api/v1/attachments/{}", photo.id)
}

/// `GET /api/v1/attachments/{id}`: how far the upload of `photo` got (which of its
/// 256 KiB parts arrived, whether it is assembled and verified).
pub async fn attachment_status(photo: &AttachmentRef) -> Result<UploadStatus, TransportError> {
    let deadline = Deadline::start()?;
    let response = Request::get(&attachment_url(photo))
        .abort_signal(Some(&deadline.signal()))
        .send()
        .await
        .map_err(|e| deadline.failed(e))?;
    if response.status() != 200 {
        return Err(TransportError::Broken(format!(
            "upload status answered {}",
            response.status()
        )));
    }
    json(&response).await.ok_or_else(|| TransportError::Broken("upload status unreadable".into()))
}

/// `PUT /api/v1/attachments/{id}/parts/{n}`: the bytes of `part`, sliced from the photo
/// as stored on the device.
pub async fn put_part(
    photo: &AttachmentRef,
    part: &Part,
    file: &web_sys::Blob,
) -> Result<(), TransportError> {
    let chunk = file
        .slice_with_f64_and_f64(part.start as f64, part.end as f64)
        .map_err(|_| TransportError::Broken("photo unreadable".into()))?;
    let deadline = Deadline::start()?;
    let response = Request::put(&format!("{}/parts/{}", attachment_url(photo), part.n))
        .header("Content-Type", "application/octet-stream")
        .abort_signal(Some(&deadline.signal()))
        .body(chunk)
        .map_err(|e| TransportError::Broken(e.to_string()))?
        .send()
        .await
        .map_err(|e| deadline.failed(e))?;
    if !response.ok() {
        return Err(TransportError::Broken(format!(
            "part {} answered {}",
            part.n,
            response.status()
        )));
    }
    Ok(())
}

/// `POST /api/v1/attachments/{id}/complete`: the server assembles the parts and checks
/// the whole file against the photo's SHA-256 and size.
pub async fn complete_attachment(photo: &AttachmentRef) -> Result<(), TransportError> {
    let deadline = Deadline::start()?;
    let response = Request::post(&format!("{}/complete", attachment_url(photo)))
        .abort_signal(Some(&deadline.signal()))
        .json(&photo.completion())
        .map_err(|e| TransportError::Broken(e.to_string()))?
        .send()
        .await
        .map_err(|e| deadline.failed(e))?;
    if !response.ok() {
        return Err(TransportError::Broken(format!("complete answered {}", response.status())));
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
    serde_wasm_bindgen::from_value(json_value(response).await?).ok()
}

async fn json_value(response: &gloo::net::http::Response) -> Option<wasm_bindgen::JsValue> {
    let text = response.text().await.ok()?;
    js_sys::JSON::parse(&text).ok()
}

/// Decodes the list `field` of a JSON object entry by entry, in turns: the whole
/// directory on a first visit (a few hundred KB) never holds the page for the sum.
async fn decode_list<T: serde::de::DeserializeOwned>(
    body: &wasm_bindgen::JsValue,
    field: &str,
) -> Option<Vec<T>> {
    let list: js_sys::Array = js_sys::Reflect::get(body, &field.into()).ok()?.dyn_into().ok()?;
    let mut turns = crate::state::Turns::new();
    let mut decoded = Vec::with_capacity(list.length() as usize);
    for entry in list.iter() {
        decoded.push(serde_wasm_bindgen::from_value(entry).ok()?);
        turns.take().await;
    }
    Some(decoded)
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

/// `GET /api/v1/reports`: every published two-weekly report, newest first; `None` when
/// the server could not be reached.
pub async fn get_published_reports() -> Option<adal_core::report::PublishedList> {
    let response = Request::get("/api/v1/reports").send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    json(&response).await
}

/// `GET /api/v1/reports/{hash}`: a published report's bytes exactly as the server sent
/// them (the text its hash is of), or `None`.
pub async fn get_published_report(hash: &str) -> Option<String> {
    let response = Request::get(&format!("/api/v1/reports/{hash}")).send().await.ok()?;
    if response.status() != 200 {
        return None;
    }
    response.text().await.ok()
}
