//! Wire types of the HTTP API (`/api/v1`). No logic beyond naming.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::attachment::AttachmentRef;
use crate::form::{Answers, FormSchema};
use crate::receipt::ReceiptSecret;
use crate::validation::{ErrorCode, Field, FieldErrors};
use crate::{District, Lang};

pub use crate::form::FormRef;
pub use crate::problem::ProblemCode;

/// The largest request body the API accepts. A 4000-character description in Kazakh
/// is about 8 KB in UTF-8; the rest is headroom for the other fields.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The most submissions one `POST /api/v1/submissions/batch` takes.
pub const MAX_BATCH_ITEMS: usize = 100;

/// The largest batch body. A hundred ordinary submissions are about 200 KB; a client
/// packs a batch until it holds [`MAX_BATCH_ITEMS`] or would pass this size.
pub const MAX_BATCH_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A new submission id, as the device makes it: a UUID v7 of the device clock's
/// milliseconds since the epoch and 74 random bits (from `random`, which must come from a
/// cryptographic generator). Time-ordered ids land next to each other in every index
/// keyed by them, where random ones touch a different page of the index per row: the raw
/// SQLite baseline of the batch benchmark stores about three times as many rows a second
/// with them. A wrong device clock only costs that locality; uniqueness rests on the
/// random bits.
pub fn new_submission_id(unix_ms: u64, random: [u8; 10]) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid()
}

/// `POST /api/v1/submissions`. The `id` is made on the device when the person taps
/// "Send"; it is the idempotency key for every retry of this one submission.
///
/// `answers` are the form's answers keyed by field key (see [`crate::form`]); missing
/// answers are an empty map, so that the person gets field errors, not a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionRequest {
    pub id: Uuid,
    pub form: FormRef,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[serde(default)]
    pub answers: Answers,
    /// Photos uploaded before this request (see [`crate::attachment`]), in the order
    /// shown. Every photo a `photo` answer names must be listed here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRef>,
    /// Made on the device with the id and kept there: with the tracking number, it opens
    /// the status. Every resend must carry the same one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_secret: Option<ReceiptSecret>,
}

/// `POST /api/v1/submissions/batch`: up to [`MAX_BATCH_ITEMS`] submissions, each with
/// the meaning it has alone, stored in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchRequest {
    pub submissions: Vec<SubmissionRequest>,
}

/// The answer to a batch: one outcome per submission, in the order they were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResponse {
    pub results: Vec<BatchOutcome>,
}

/// What became of one submission of a batch: what `POST /api/v1/submissions` would have
/// answered for it alone, with its HTTP status as `status` (201, 200, 409, 422, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BatchOutcome {
    /// Stored now (201) or before (200, a resend).
    Stored { id: Uuid, status: u16, receipt: Receipt },
    /// Refused; `id` is missing only when the item was too malformed to have one.
    Refused {
        #[serde(default)]
        id: Option<Uuid>,
        status: u16,
        problem: Problem,
    },
}

impl BatchOutcome {
    pub fn status(&self) -> u16 {
        match self {
            BatchOutcome::Stored { status, .. } | BatchOutcome::Refused { status, .. } => *status,
        }
    }
}

/// A stored submission as a row of the staff list (`GET /api/v1/staff/submissions`);
/// one submission in full is [`crate::staff::StaffSubmission`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionRow {
    pub id: Uuid,
    pub tracking: String,
    pub form: FormRef,
    pub district: District,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The normalised answers, as stored.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: Answers,
}

/// `GET /api/v1/staff/submissions`: one page, newest first. `next` is the cursor for the
/// following page (`?after=`), missing on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionPage {
    pub submissions: Vec<SubmissionRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /api/v1/forms`: the current version of every form and every previous version
/// still accepted, so that a draft of an older version can be carried over offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormsResponse {
    /// Each form as data (`core::form::FormSchema`): fields, conditions, rules.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub forms: Vec<FormSchema>,
}

/// The answer to an accepted submission, the same for every resend of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub id: Uuid,
    pub tracking: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Who accepted it, the day it is registered and the day the answer is due (APC
    /// Art. 64), kept on the device with the receipt. Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<crate::receipt::ReceiptTerms>,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// One refused field in a problem response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    pub field: Field,
    #[serde(flatten)]
    pub code: ErrorCode,
    /// The message in the language the request asked for.
    pub message: String,
}

/// An `application/problem+json` body (RFC 9457), with Adal's stable `code` and, for
/// validation problems, every refused field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// For attachment problems: the attachments concerned, to upload again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Uuid>,
    /// The id the server gave the request (also its `X-Request-Id` header and in its log
    /// lines): what a person reads out from the screen so that the office finds the
    /// request in the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// A problem with its title in `lang` and no details.
    pub fn new(code: ProblemCode, lang: Lang) -> Problem {
        Problem {
            type_uri: format!("/problems/{}", code.as_str()),
            title: code.title(lang).to_owned(),
            status: code.status(),
            code,
            detail: None,
            errors: Vec::new(),
            attachments: Vec::new(),
            request_id: None,
        }
    }

    /// A 422 listing every refused field, each with its message in `lang`.
    pub fn validation(errors: &FieldErrors, lang: Lang) -> Problem {
        Problem {
            errors: errors
                .0
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    code: e.code,
                    message: e.code.message(lang),
                })
                .collect(),
            ..Problem::new(ProblemCode::ValidationFailed, lang)
        }
    }

    pub fn with_detail(self, detail: impl Into<String>) -> Problem {
        Problem { detail: Some(detail.into()), ..self }
    }

    pub fn with_attachments(self, attachments: Vec<Uuid>) -> Problem {
        Problem { attachments, ..self }
    }

    pub fn with_request_id(self, request_id: impl Into<String>) -> Problem {
        Problem { request_id: Some(request_id.into()), ..self }
    }

    /// The field errors as core values, so a client can show them next to its inputs.
    pub fn field_errors(&self) -> FieldErrors {
        FieldErrors(
            self.errors
                .iter()
                .map(|e| crate::FieldError { field: e.field.clone(), code: e.code })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submission_ids_are_v7_in_the_order_of_their_clock_and_keep_the_random_bits() {
        let a = new_submission_id(1_764_000_000_000, [0xff; 10]);
        let b = new_submission_id(1_764_000_000_001, [0x00; 10]);
        assert_eq!(a.get_version_num(), 7);
        assert!(a < b, "a later millisecond sorts after, whatever the random bits");
        assert!(a.to_string() < b.to_string(), "as text too, as SQLite compares them");
        let (c, d) = (new_submission_id(5, [1; 10]), new_submission_id(5, [2; 10]));
        assert_ne!(c, d);
    }

    #[test]
    fn problem_json_has_the_rfc_members_and_field_errors() {
        let mut errors = FieldErrors::default();
        errors.push("parties.0.phone", ErrorCode::InvalidPhone);
        let json = serde_json::to_value(Problem::validation(&errors, Lang::En)).unwrap();
        assert_eq!(json["type"], "/problems/validation_failed");
        assert_eq!(json["status"], 422);
        assert_eq!(json["code"], "validation_failed");
        assert_eq!(json["errors"][0]["field"], "parties.0.phone");
        assert_eq!(json["errors"][0]["code"], "invalid_phone");
        assert!(json["errors"][0]["message"].as_str().unwrap().contains("+7"));
        let back: Problem = serde_json::from_value(json).unwrap();
        assert_eq!(back.field_errors(), errors);
    }

    #[test]
    fn a_request_without_attachments_or_secret_reads_and_writes_as_before() {
        let json = serde_json::json!({
            "id": Uuid::nil(),
            "form": { "id": "complaint", "version": 1 },
            "answers": {},
        });
        let request: SubmissionRequest = serde_json::from_value(json.clone()).unwrap();
        assert!(request.attachments.is_empty());
        assert!(request.receipt_secret.is_none());
        // Written back member for member: no `attachments`, no `receipt_secret`.
        assert_eq!(serde_json::to_value(&request).unwrap(), json);
    }

    #[test]
    fn an_attachment_problem_names_the_attachments() {
        let id = Uuid::from_u128(7);
        let problem =
            Problem::new(ProblemCode::AttachmentsIncomplete, Lang::Kk).with_attachments(vec![id]);
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["status"], 409);
        assert_eq!(json["attachments"][0], id.to_string());
        assert!(
            serde_json::to_value(Problem::new(ProblemCode::NotFound, Lang::En))
                .unwrap()
                .get("attachments")
                .is_none()
        );
    }
}
