//! The one error type of the API and its `application/problem+json` rendering.
//!
//! A handler or extractor returns an [`ApiError`]; its `IntoResponse` attaches the error
//! to the response, and [`render_problems`], a middleware that can see the request's
//! `Accept-Language`, writes the body in the person's language and logs the error once.

use std::sync::Arc;

use adal_core::api::{FormRef, Problem, ProblemCode};
use adal_core::attachment::AttachmentError;
use adal_core::staff::{ActionRefusal, NOTE_MAX_CHARS};
use adal_core::validation::MAX_FIELD_ERRORS;
use adal_core::{FieldErrors, Lang};
use axum::extract::Request;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_governor::GovernorError;
use uuid::Uuid;

use crate::attachments::StoreError;
use crate::db::DbError;

/// Everything a request can fail with. Client errors carry what the client needs to fix
/// them; server errors carry the cause for the log, which never reaches the client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON, or not JSON of the expected shape. `detail` is the parser's
    /// explanation; it is returned to the client but never logged, as it may quote input.
    #[error("malformed request")]
    MalformedRequest { detail: String },
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("unknown form {}@{}", .0.id, .0.version)]
    UnknownForm(FormRef),
    #[error("submission id reused with different content")]
    ConflictingResubmission { id: Uuid },
    #[error("rate limited")]
    RateLimited { retry_after_s: u64 },
    /// An attachment (or the list of a submission's) refused before any byte is read.
    #[error("attachment refused: {0}")]
    Attachment(AttachmentError),
    /// The assembled bytes are not what the device said; the parts were discarded.
    #[error("attachment hash mismatch")]
    AttachmentHashMismatch { id: Uuid },
    /// Listed or completed attachments whose parts or verification are missing.
    #[error("attachments incomplete")]
    AttachmentsIncomplete { ids: Vec<Uuid> },
    #[error("attachment id reused for another file")]
    AttachmentConflict { id: Uuid },
    #[error("extension not later than the answer day")]
    ExtensionNotLater { answer_by: time::Date },
    #[error("extension past the longest allowed")]
    ExtensionTooLong { latest: time::Date },
    /// The answer day in force has passed; audited.
    #[error("extension after the answer day")]
    ExtensionTooLate { answer_by: time::Date },
    /// `detail` says what does not hold together (dates, no personal data).
    #[error("invalid calendar")]
    InvalidCalendar { detail: String },
    /// `detail` says which bound the address reached (no address in it).
    #[error("too many unfinished uploads")]
    TooManyUploads { detail: String, retry_after_s: u64 },
    /// A refusal that has nothing to say beyond its code and status (a missing item,
    /// a wrong method, a staff request without session or outside its role, already
    /// audited where the law asks it). Its title comes from core's table.
    #[error("refused: {}", .0.as_str())]
    Refused(ProblemCode),
    #[error(transparent)]
    Storage(#[from] StoreError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The stable code from core's catalogue.
    pub fn code(&self) -> ProblemCode {
        match self {
            ApiError::MalformedRequest { .. } => ProblemCode::MalformedRequest,
            ApiError::Validation(_) => ProblemCode::ValidationFailed,
            ApiError::UnknownForm(_) => ProblemCode::UnknownForm,
            ApiError::ConflictingResubmission { .. } => ProblemCode::ConflictingResubmission,
            ApiError::RateLimited { .. } => ProblemCode::RateLimited,
            ApiError::Refused(code) => *code,
            ApiError::Attachment(e) => e.problem_code(),
            ApiError::AttachmentHashMismatch { .. } => ProblemCode::AttachmentHashMismatch,
            ApiError::AttachmentsIncomplete { .. } => ProblemCode::AttachmentsIncomplete,
            ApiError::AttachmentConflict { .. } => ProblemCode::AttachmentConflict,
            ApiError::ExtensionNotLater { .. } => ProblemCode::ExtensionNotLater,
            ApiError::ExtensionTooLong { .. } => ProblemCode::ExtensionTooLong,
            ApiError::ExtensionTooLate { .. } => ProblemCode::ExtensionTooLate,
            ApiError::InvalidCalendar { .. } => ProblemCode::InvalidCalendar,
            ApiError::TooManyUploads { .. } => ProblemCode::TooManyUploads,
            ApiError::Storage(_) | ApiError::Database(_) | ApiError::Internal(_) => {
                ProblemCode::Internal
            }
        }
    }

    /// The problem document in `lang`. Server errors get nothing but their title.
    pub fn problem(&self, lang: Lang) -> Problem {
        match self {
            ApiError::Validation(errors) => Problem::validation(errors, lang),
            ApiError::MalformedRequest { detail }
            | ApiError::InvalidCalendar { detail }
            | ApiError::TooManyUploads { detail, .. } => {
                Problem::new(self.code(), lang).with_detail(detail.clone())
            }
            // The days, so the app can offer the right one.
            ApiError::ExtensionNotLater { answer_by }
            | ApiError::ExtensionTooLate { answer_by } => {
                Problem::new(self.code(), lang).with_detail(format!("answer_by: {answer_by}"))
            }
            ApiError::ExtensionTooLong { latest } => {
                Problem::new(self.code(), lang).with_detail(format!("latest: {latest}"))
            }
            // Only the malformed kinds need explaining, to the client's developers.
            ApiError::Attachment(e) if self.code() == ProblemCode::MalformedRequest => {
                Problem::new(self.code(), lang).with_detail(e.to_string())
            }
            ApiError::AttachmentHashMismatch { id } | ApiError::AttachmentConflict { id } => {
                Problem::new(self.code(), lang).with_attachments(vec![*id])
            }
            ApiError::AttachmentsIncomplete { ids } => {
                Problem::new(self.code(), lang).with_attachments(ids.clone())
            }
            _ => Problem::new(self.code(), lang),
        }
    }

    /// Logs the error with ids and codes only: no answers, names or phones.
    pub(crate) fn log(&self) {
        let code = self.code().as_str();
        match self {
            _ if self.code().status() >= 500 => {
                tracing::error!(code, error = %self, "request failed");
            }
            ApiError::AttachmentHashMismatch { id } | ApiError::AttachmentConflict { id } => {
                tracing::warn!(code, attachment.id = %id, "request refused");
            }
            ApiError::AttachmentsIncomplete { ids } => {
                tracing::info!(code, attachments = ids.len(), "request refused");
            }
            // Paths are schema keys and item numbers, and core reports at most
            // MAX_FIELD_ERRORS of them (and a marker): the line's size is bounded whatever
            // was sent. `take` keeps it so for a list built by hand.
            ApiError::Validation(errors) => {
                let fields: Vec<_> = errors
                    .0
                    .iter()
                    .take(MAX_FIELD_ERRORS + 1)
                    .map(|e| format!("{}:{:?}", e.field.as_str(), e.code))
                    .collect();
                tracing::info!(code, fields = %fields.join(","), "request refused");
            }
            ApiError::ConflictingResubmission { id } => {
                tracing::warn!(code, submission.id = %id, "request refused");
            }
            // The id is the sender's: logged only if it is shaped as the catalogue's are.
            ApiError::UnknownForm(form) => {
                let shaped = form.id.len() <= 64
                    && form
                        .id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                let id = if shaped { form.id.as_str() } else { "(not a form id)" };
                tracing::info!(code, form.id = %id, form.version, "request refused");
            }
            _ => tracing::info!(code, "request refused"),
        }
    }
}

impl ApiError {
    /// Whether the law refused it (a deadline), rather than the request's shape: such a
    /// refusal of a staff step is written to the audit log.
    pub fn is_law(&self) -> bool {
        matches!(
            self,
            ApiError::ExtensionTooLate { .. }
                | ApiError::ExtensionNotLater { .. }
                | ApiError::ExtensionTooLong { .. }
        )
    }
}

/// A staff action's own checks, as the API answers them.
impl From<ActionRefusal> for ApiError {
    fn from(refusal: ActionRefusal) -> ApiError {
        match refusal {
            ActionRefusal::Text { field } => ApiError::MalformedRequest {
                detail: format!("{field}: 1 to {NOTE_MAX_CHARS} characters"),
            },
            ActionRefusal::ExtensionReasonMissing => {
                ApiError::Refused(ProblemCode::ExtensionReasonMissing)
            }
            ActionRefusal::ExtensionTooLate { answer_by } => {
                ApiError::ExtensionTooLate { answer_by }
            }
            ActionRefusal::ExtensionNotLater { answer_by } => {
                ApiError::ExtensionNotLater { answer_by }
            }
            ActionRefusal::ExtensionTooLong { latest } => ApiError::ExtensionTooLong { latest },
        }
    }
}

impl From<ProblemCode> for ApiError {
    fn from(code: ProblemCode) -> ApiError {
        ApiError::Refused(code)
    }
}

impl IntoResponse for ApiError {
    /// Renders the problem in the default language and attaches the error itself, so
    /// that [`render_problems`] can re-render it in the negotiated language.
    fn into_response(self) -> Response {
        let mut response = self.render(Lang::default(), None);
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}

impl ApiError {
    fn render(&self, lang: Lang, request_id: Option<&str>) -> Response {
        let mut problem = self.problem(lang);
        if let Some(request_id) = request_id {
            problem = problem.with_request_id(request_id);
        }
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // Serialising a struct of strings and numbers cannot fail; the fallback is a formality.
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let headers = [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")),
            (header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag())),
        ];
        let mut response = (status, headers, body).into_response();
        match self {
            // At least a second: `Retry-After: 0` invites a client to hammer at once.
            ApiError::RateLimited { retry_after_s }
            | ApiError::TooManyUploads { retry_after_s, .. } => {
                let seconds = (*retry_after_s).max(1);
                response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            }
            // The rest of the body will never be read: the connection cannot be reused.
            ApiError::Refused(ProblemCode::RequestTimeout) => {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

/// Middleware: rewrites every [`ApiError`] response in the language the request asked
/// for, with the request's id (see [`crate::request_id`]), and logs the error. The one
/// place errors are logged.
pub async fn render_problems(request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let request_id = crate::request_id::of(request.headers()).map(str::to_owned);
    let response = next.run(request).await;
    match response.extensions().get::<Arc<ApiError>>() {
        Some(error) => {
            error.log();
            error.render(lang, request_id.as_deref())
        }
        None => response,
    }
}

/// The language a request's `Accept-Language` asks for, Russian by default.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(Lang::negotiate)
        .unwrap_or_default()
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::Refused(ProblemCode::UnsupportedMediaType)
            }
            // Buffering fails with 413 when the body is over `DefaultBodyLimit`, whether
            // the Content-Length announced it or the stream ran over.
            JsonRejection::BytesRejection(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::Refused(ProblemCode::BodyTooLarge)
            }
            JsonRejection::JsonDataError(e) => ApiError::MalformedRequest { detail: e.body_text() },
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::MalformedRequest { detail: e.body_text() }
            }
            other => ApiError::MalformedRequest { detail: other.body_text() },
        }
    }
}

impl From<GovernorError> for ApiError {
    fn from(error: GovernorError) -> Self {
        match error {
            // The limiter rounds down to whole seconds, which is 0 for the last
            // fraction of a second; `render` makes it at least 1.
            GovernorError::TooManyRequests { wait_time, .. } => {
                ApiError::RateLimited { retry_after_s: wait_time }
            }
            // The peer address is missing only if the router is served without
            // `ConnectInfo`, which is a wiring mistake, not the client's.
            other => ApiError::Internal(anyhow::anyhow!("rate limiter: {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use adal_core::{ErrorCode, Field, FieldError};

    use super::*;

    /// A log sink for one test.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    fn logged(error: &ApiError) -> String {
        let out = Captured::default();
        let subscriber =
            tracing_subscriber::fmt().with_writer(out.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || error.log());
        let bytes = out.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn a_bare_refusal_reads_as_core_says_and_only_a_server_error_logs_as_an_error() {
        let forbidden = ApiError::Refused(ProblemCode::Forbidden);
        let problem = forbidden.problem(Lang::Kk);
        assert_eq!(problem.status, 403);
        assert_eq!(problem.title, ProblemCode::Forbidden.title(Lang::Kk));
        assert_eq!(problem.detail, None);
        assert!(logged(&forbidden).contains("INFO"), "{}", logged(&forbidden));
        let internal = logged(&ApiError::Refused(ProblemCode::Internal));
        assert!(internal.contains("ERROR") && internal.contains("internal"), "{internal}");
    }

    #[test]
    fn a_refusal_logs_one_short_line_whatever_its_sender_made_it_of() {
        // One error per entry of a group, as a 2 MB submission once made: 42 MB of log.
        let per_entry = FieldErrors(
            (0..100_000)
                .map(|i| FieldError {
                    field: Field::new(format!("parties.{i}.name")),
                    code: ErrorCode::Required,
                })
                .collect(),
        );
        let hostile_form = FormRef::new(format!("\u{1b}[31m{}", "x".repeat(60_000)), 1);

        let validation = logged(&ApiError::Validation(per_entry));
        let unknown_form = logged(&ApiError::UnknownForm(hostile_form));

        assert_eq!(validation.lines().count(), 1);
        assert!(validation.len() < 4096, "{} bytes", validation.len());
        assert!(validation.contains("parties.0.name:Required"));
        assert!(unknown_form.len() < 512, "{} bytes", unknown_form.len());
        assert!(!unknown_form.contains('\u{1b}') && !unknown_form.contains("xxx"));
        let known_shape = logged(&ApiError::UnknownForm(FormRef::new("petition", 1)));
        assert!(known_shape.contains("petition"), "{known_shape}");
    }
}
