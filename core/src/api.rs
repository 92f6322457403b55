//! Wire types of the HTTP API (`/api/v1`). No logic beyond naming.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::form::{Answers, FormSchema};
use crate::validation::{ErrorCode, Field, FieldErrors};
use crate::{District, Lang};

/// The largest request body the API accepts. A 4000-character description in Kazakh
/// is about 8 KB in UTF-8; the rest is headroom for the other fields.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The most submissions one `POST /api/v1/submissions/batch` takes.
pub const MAX_BATCH_ITEMS: usize = 100;

/// The largest batch body. A hundred ordinary submissions are about 200 KB; a client
/// packs a batch until it holds [`MAX_BATCH_ITEMS`] or would pass this size.
pub const MAX_BATCH_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Which form, in which version, a set of answers belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FormRef {
    pub id: String,
    pub version: u32,
}

impl FormRef {
    pub fn new(id: impl Into<String>, version: u32) -> FormRef {
        FormRef { id: id.into(), version }
    }
}

/// `POST /api/v1/submissions`. The `id` is made on the device when the person taps
/// "Send"; it is the idempotency key for every retry of this one submission.
///
/// `answers` are the form's answers keyed by field key (see [`crate::form`]); missing
/// answers are an empty map, so that the person gets field errors, not a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionRequest {
    pub id: Uuid,
    pub form: FormRef,
    #[serde(default)]
    pub answers: Answers,
}

/// `POST /api/v1/submissions/batch`: up to [`MAX_BATCH_ITEMS`] submissions, each with
/// the meaning it has alone, stored in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    pub submissions: Vec<SubmissionRequest>,
}

/// The answer to a batch: one outcome per submission, in the order they were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    pub results: Vec<BatchOutcome>,
}

/// What became of one submission of a batch: what `POST /api/v1/submissions` would have
/// answered for it alone, with its HTTP status as `status` (201, 200, 409, 422, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
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

/// A stored submission as staff read it (`/api/v1/staff/submissions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSubmission {
    pub id: Uuid,
    pub tracking: String,
    pub form: FormRef,
    pub district: District,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The normalised answers, as stored.
    pub answers: Answers,
}

/// `GET /api/v1/staff/submissions`: one page, newest first. `next` is the cursor for the
/// following page (`?after=`), missing on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionPage {
    pub submissions: Vec<StaffSubmission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /api/v1/forms`: the current version of every form and every previous version
/// still accepted, so that a draft of an older version can be carried over offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormsResponse {
    pub forms: Vec<FormSchema>,
}

/// The answer to an accepted submission, the same for every resend of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: Uuid,
    pub tracking: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// Why the API refused a request: one stable code per kind of problem (RFC 9457 `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    MalformedRequest,
    ValidationFailed,
    UnknownForm,
    ConflictingResubmission,
    BodyTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Unauthorized,
    NotFound,
    MethodNotAllowed,
    Internal,
}

impl ProblemCode {
    /// The stable code, as in the `code` member and the end of the `type` URI.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::MalformedRequest => "malformed_request",
            ProblemCode::ValidationFailed => "validation_failed",
            ProblemCode::UnknownForm => "unknown_form",
            ProblemCode::ConflictingResubmission => "conflicting_resubmission",
            ProblemCode::BodyTooLarge => "body_too_large",
            ProblemCode::UnsupportedMediaType => "unsupported_media_type",
            ProblemCode::RateLimited => "rate_limited",
            ProblemCode::Unauthorized => "unauthorized",
            ProblemCode::NotFound => "not_found",
            ProblemCode::MethodNotAllowed => "method_not_allowed",
            ProblemCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the problem.
    pub fn status(self) -> u16 {
        match self {
            ProblemCode::MalformedRequest => 400,
            ProblemCode::ValidationFailed => 422,
            ProblemCode::UnknownForm => 422,
            ProblemCode::ConflictingResubmission => 409,
            ProblemCode::BodyTooLarge => 413,
            ProblemCode::UnsupportedMediaType => 415,
            ProblemCode::RateLimited => 429,
            ProblemCode::Unauthorized => 401,
            ProblemCode::NotFound => 404,
            ProblemCode::MethodNotAllowed => 405,
            ProblemCode::Internal => 500,
        }
    }

    /// A sentence a person can act on, in their language.
    pub fn title(self, lang: Lang) -> &'static str {
        use ProblemCode::*;
        match (self, lang) {
            (MalformedRequest, Lang::Kk) => "Сұрау дұрыс құрылмаған.",
            (MalformedRequest, Lang::Ru) => "Запрос составлен неправильно.",
            (MalformedRequest, Lang::En) => "The request is malformed.",
            (ValidationFailed, Lang::Kk) => "Кейбір өрістерді түзету керек.",
            (ValidationFailed, Lang::Ru) => "Некоторые поля нужно исправить.",
            (ValidationFailed, Lang::En) => "Some fields need correcting.",
            (UnknownForm, Lang::Kk) => "Бұл форманың нұсқасы қабылданбайды; қолданбаны жаңартыңыз.",
            (UnknownForm, Lang::Ru) => "Эта версия формы не принимается; обновите приложение.",
            (UnknownForm, Lang::En) => "This form version is not accepted; please update the app.",
            (ConflictingResubmission, Lang::Kk) => {
                "Бұл өтініш басқа мазмұнмен бұрын жіберілген; оны жаңа өтініш ретінде жіберіңіз."
            }
            (ConflictingResubmission, Lang::Ru) => {
                "Это обращение уже отправлено с другим текстом; отправьте его как новое."
            }
            (ConflictingResubmission, Lang::En) => {
                "This submission was already sent with different content; send it as a new one."
            }
            (BodyTooLarge, Lang::Kk) => "Өтініш тым үлкен; мәтінді қысқартыңыз.",
            (BodyTooLarge, Lang::Ru) => "Обращение слишком большое; сократите текст.",
            (BodyTooLarge, Lang::En) => "The submission is too large; please shorten the text.",
            (UnsupportedMediaType, Lang::Kk) => "Сұрау JSON түрінде болуы керек.",
            (UnsupportedMediaType, Lang::Ru) => "Запрос должен быть в формате JSON.",
            (UnsupportedMediaType, Lang::En) => "The request must be JSON.",
            (RateLimited, Lang::Kk) => "Сұраулар тым көп; сәлден соң қайталаңыз.",
            (RateLimited, Lang::Ru) => "Слишком много запросов; повторите чуть позже.",
            (RateLimited, Lang::En) => "Too many requests; please try again shortly.",
            (Unauthorized, Lang::Kk) => "Кіру үшін қызметкер кілті қажет.",
            (Unauthorized, Lang::Ru) => "Нужен ключ сотрудника.",
            (Unauthorized, Lang::En) => "A staff token is required.",
            (NotFound, Lang::Kk) => "Табылмады.",
            (NotFound, Lang::Ru) => "Не найдено.",
            (NotFound, Lang::En) => "Not found.",
            (MethodNotAllowed, Lang::Kk) => "Бұл әдіс бұл мекенжайда қолданылмайды.",
            (MethodNotAllowed, Lang::Ru) => "Этот метод для этого адреса не поддерживается.",
            (MethodNotAllowed, Lang::En) => "This method is not allowed here.",
            (Internal, Lang::Kk) => "Серверде қате; өтініш сақталды және кейін қайта жіберіледі.",
            (Internal, Lang::Ru) => {
                "Ошибка на сервере; обращение сохранено и будет отправлено позже."
            }
            (Internal, Lang::En) => "Server error; your submission is kept and will be sent later.",
        }
    }
}

/// One refused field in a problem response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    fn every_problem_code_is_translated() {
        use ProblemCode::*;
        for code in [
            MalformedRequest,
            ValidationFailed,
            UnknownForm,
            ConflictingResubmission,
            BodyTooLarge,
            UnsupportedMediaType,
            RateLimited,
            Unauthorized,
            NotFound,
            MethodNotAllowed,
            Internal,
        ] {
            let titles: std::collections::HashSet<_> =
                Lang::ALL.iter().map(|&l| code.title(l)).collect();
            assert_eq!(titles.len(), 3, "{code:?}");
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
