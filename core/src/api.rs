//! Wire types of the HTTP API (`/api/v1`). No logic beyond naming.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::attachment::AttachmentRef;
use crate::form::{Answers, FormSchema};
use crate::receipt::ReceiptSecret;
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormRef {
    pub id: String,
    pub version: u32,
}

impl FormRef {
    pub fn new(id: impl Into<String>, version: u32) -> FormRef {
        FormRef { id: id.into(), version }
    }
}

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
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// Why the API refused a request: one stable code per kind of problem (RFC 9457 `type`).
///
/// Read by its name from [`ProblemCode::ALL`]: serde's derive writes three matchers of
/// the names (text, bytes, index) for every decoder, some 15 KB of the browser's wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProblemCode {
    MalformedRequest,
    ValidationFailed,
    UnknownForm,
    ConflictingResubmission,
    BodyTooLarge,
    UnsupportedMediaType,
    RateLimited,
    NotFound,
    MethodNotAllowed,
    Internal,
    AttachmentTooLarge,
    AttachmentsTooLarge,
    AttachmentPartTooLarge,
    AttachmentHashMismatch,
    AttachmentsIncomplete,
    AttachmentConflict,
    UnsupportedAttachmentType,
    NotAnonymous,
    /// A staff request without a valid session.
    Unauthenticated,
    /// Wrong login or password (the same answer for both).
    LoginFailed,
    /// A staff request outside the account's role or district.
    Forbidden,
    /// A state-changing staff request without the session's CSRF token.
    CsrfRejected,
    /// An account with this login exists already.
    LoginTaken,
    /// An extension without a reason (the law requires one, and the citizen is told it).
    ExtensionReasonMissing,
    /// An extension to a day not later than the answer day already set.
    ExtensionNotLater,
    /// An extension past the longest the law allows (two months after receipt).
    ExtensionTooLong,
    /// An extension asked after the answer day in force has passed: it would turn a late
    /// answer into an on-time one.
    ExtensionTooLate,
    /// A reply from the receipt while the office has asked nothing (or it was answered).
    NoQuestionPending,
    /// An idempotency key used again for a different request.
    IdempotencyKeyReused,
    /// An administrator disabling their own account (nobody could then undo it).
    CannotDisableSelf,
    /// A working-day calendar year that does not hold together.
    InvalidCalendar,
    /// Only a mediation request is handled this way.
    NotMediation,
    /// No scheduled session awaits an outcome.
    NoOpenSession,
    /// An act follows a session where the parties agreed.
    NoAgreement,
    /// The request has its act; an act never changes.
    ActAlreadySigned,
    /// A report is published once its period has ended.
    PeriodNotOver,
    /// The request's body stopped arriving before it was whole (a slow or stalled link).
    RequestTimeout,
    /// Demoting or disabling the last active administrator (nobody could then manage
    /// accounts).
    LastAdministrator,
    /// One address holds as many unfinished photo uploads as it may.
    TooManyUploads,
}

impl<'de> Deserialize<'de> for ProblemCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        ProblemCode::ALL
            .into_iter()
            .find(|code| code.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown problem code `{name}`")))
    }
}

impl ProblemCode {
    /// Every code, in the order they are declared.
    pub const ALL: [ProblemCode; 39] = [
        ProblemCode::MalformedRequest,
        ProblemCode::ValidationFailed,
        ProblemCode::UnknownForm,
        ProblemCode::ConflictingResubmission,
        ProblemCode::BodyTooLarge,
        ProblemCode::UnsupportedMediaType,
        ProblemCode::RateLimited,
        ProblemCode::NotFound,
        ProblemCode::MethodNotAllowed,
        ProblemCode::Internal,
        ProblemCode::AttachmentTooLarge,
        ProblemCode::AttachmentsTooLarge,
        ProblemCode::AttachmentPartTooLarge,
        ProblemCode::AttachmentHashMismatch,
        ProblemCode::AttachmentsIncomplete,
        ProblemCode::AttachmentConflict,
        ProblemCode::UnsupportedAttachmentType,
        ProblemCode::NotAnonymous,
        ProblemCode::Unauthenticated,
        ProblemCode::LoginFailed,
        ProblemCode::Forbidden,
        ProblemCode::CsrfRejected,
        ProblemCode::LoginTaken,
        ProblemCode::ExtensionReasonMissing,
        ProblemCode::ExtensionNotLater,
        ProblemCode::ExtensionTooLong,
        ProblemCode::ExtensionTooLate,
        ProblemCode::NoQuestionPending,
        ProblemCode::IdempotencyKeyReused,
        ProblemCode::CannotDisableSelf,
        ProblemCode::InvalidCalendar,
        ProblemCode::NotMediation,
        ProblemCode::NoOpenSession,
        ProblemCode::NoAgreement,
        ProblemCode::ActAlreadySigned,
        ProblemCode::PeriodNotOver,
        ProblemCode::RequestTimeout,
        ProblemCode::LastAdministrator,
        ProblemCode::TooManyUploads,
    ];

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
            ProblemCode::NotFound => "not_found",
            ProblemCode::MethodNotAllowed => "method_not_allowed",
            ProblemCode::Internal => "internal",
            ProblemCode::AttachmentTooLarge => "attachment_too_large",
            ProblemCode::AttachmentsTooLarge => "attachments_too_large",
            ProblemCode::AttachmentPartTooLarge => "attachment_part_too_large",
            ProblemCode::AttachmentHashMismatch => "attachment_hash_mismatch",
            ProblemCode::AttachmentsIncomplete => "attachments_incomplete",
            ProblemCode::AttachmentConflict => "attachment_conflict",
            ProblemCode::UnsupportedAttachmentType => "unsupported_attachment_type",
            ProblemCode::NotAnonymous => "not_anonymous",
            ProblemCode::Unauthenticated => "unauthenticated",
            ProblemCode::LoginFailed => "login_failed",
            ProblemCode::Forbidden => "forbidden",
            ProblemCode::CsrfRejected => "csrf_rejected",
            ProblemCode::LoginTaken => "login_taken",
            ProblemCode::ExtensionReasonMissing => "extension_reason_missing",
            ProblemCode::ExtensionNotLater => "extension_not_later",
            ProblemCode::ExtensionTooLong => "extension_too_long",
            ProblemCode::ExtensionTooLate => "extension_too_late",
            ProblemCode::NoQuestionPending => "no_question_pending",
            ProblemCode::IdempotencyKeyReused => "idempotency_key_reused",
            ProblemCode::CannotDisableSelf => "cannot_disable_self",
            ProblemCode::InvalidCalendar => "invalid_calendar",
            ProblemCode::NotMediation => "not_mediation",
            ProblemCode::NoOpenSession => "no_open_session",
            ProblemCode::NoAgreement => "no_agreement",
            ProblemCode::ActAlreadySigned => "act_already_signed",
            ProblemCode::PeriodNotOver => "period_not_over",
            ProblemCode::RequestTimeout => "request_timeout",
            ProblemCode::LastAdministrator => "last_administrator",
            ProblemCode::TooManyUploads => "too_many_uploads",
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
            ProblemCode::NotFound => 404,
            ProblemCode::MethodNotAllowed => 405,
            ProblemCode::Internal => 500,
            ProblemCode::AttachmentTooLarge => 413,
            ProblemCode::AttachmentsTooLarge => 413,
            ProblemCode::AttachmentPartTooLarge => 413,
            ProblemCode::AttachmentHashMismatch => 422,
            ProblemCode::AttachmentsIncomplete => 409,
            ProblemCode::AttachmentConflict => 409,
            ProblemCode::UnsupportedAttachmentType => 422,
            ProblemCode::NotAnonymous => 409,
            ProblemCode::Unauthenticated => 401,
            ProblemCode::LoginFailed => 401,
            ProblemCode::Forbidden => 403,
            ProblemCode::CsrfRejected => 403,
            ProblemCode::LoginTaken => 409,
            ProblemCode::ExtensionReasonMissing => 422,
            ProblemCode::ExtensionNotLater => 422,
            ProblemCode::ExtensionTooLong => 422,
            ProblemCode::ExtensionTooLate => 422,
            ProblemCode::NoQuestionPending => 409,
            ProblemCode::IdempotencyKeyReused => 409,
            ProblemCode::CannotDisableSelf => 409,
            ProblemCode::InvalidCalendar => 422,
            ProblemCode::NotMediation => 422,
            ProblemCode::NoOpenSession => 409,
            ProblemCode::NoAgreement => 409,
            ProblemCode::ActAlreadySigned => 409,
            ProblemCode::PeriodNotOver => 422,
            ProblemCode::RequestTimeout => 408,
            ProblemCode::LastAdministrator => 409,
            ProblemCode::TooManyUploads => 429,
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
            (AttachmentTooLarge, Lang::Kk) => "Фото тым үлкен: бір файл 8 МБ-тан аспауы керек.",
            (AttachmentTooLarge, Lang::Ru) => "Фото слишком большое: файл не больше 8 МБ.",
            (AttachmentTooLarge, Lang::En) => "The photo is too large: at most 8 MB per file.",
            (AttachmentsTooLarge, Lang::Kk) => {
                "Фотолар тым көп: бір өтінішке барлығы 25 МБ-тан аспауы керек; кейбірін алып тастаңыз."
            }
            (AttachmentsTooLarge, Lang::Ru) => {
                "Слишком много фото: всего не больше 25 МБ на обращение; уберите некоторые."
            }
            (AttachmentsTooLarge, Lang::En) => {
                "Too many photos: at most 25 MB in all per submission; please remove some."
            }
            (AttachmentPartTooLarge, Lang::Kk) => "Файл бөлігі тым үлкен: 256 КБ-тан аспауы керек.",
            (AttachmentPartTooLarge, Lang::Ru) => "Часть файла слишком большая: не больше 256 КБ.",
            (AttachmentPartTooLarge, Lang::En) => {
                "A part of the file is too large: at most 256 KB."
            }
            (AttachmentHashMismatch, Lang::Kk) => "Фото жолда бүлінді; ол қайта жүктеледі.",
            (AttachmentHashMismatch, Lang::Ru) => {
                "Фото повредилось при передаче; оно будет загружено заново."
            }
            (AttachmentHashMismatch, Lang::En) => {
                "The photo was damaged on the way; it will be uploaded again."
            }
            (AttachmentsIncomplete, Lang::Kk) => {
                "Фотолар әлі толық жүктелмеген; олар жүктеліп, өтініш қайта жіберіледі."
            }
            (AttachmentsIncomplete, Lang::Ru) => {
                "Фото ещё не загружены полностью; они будут загружены, и обращение отправится снова."
            }
            (AttachmentsIncomplete, Lang::En) => {
                "The photos have not finished uploading; they will be uploaded and the submission sent again."
            }
            (AttachmentConflict, Lang::Kk) => {
                "Бұл фотоның нөмірі басқа файлға берілген; фотоны қайта қосыңыз."
            }
            (AttachmentConflict, Lang::Ru) => {
                "Этот номер фото уже занят другим файлом; добавьте фото заново."
            }
            (AttachmentConflict, Lang::En) => {
                "This photo's id is already taken by another file; please add the photo again."
            }
            (UnsupportedAttachmentType, Lang::Kk) => "Тек JPEG, PNG не WebP суреттері қабылданады.",
            (UnsupportedAttachmentType, Lang::Ru) => {
                "Принимаются только изображения JPEG, PNG или WebP."
            }
            (UnsupportedAttachmentType, Lang::En) => "Only JPEG, PNG or WebP images are accepted.",
            (NotAnonymous, Lang::Kk) => "Бұл өтініш жасырын емес: онда жіберушінің аты бар.",
            (NotAnonymous, Lang::Ru) => "Это обращение не анонимное: в нём уже указан отправитель.",
            (NotAnonymous, Lang::En) => {
                "This submission is not anonymous: it already names its sender."
            }
            (Unauthenticated, Lang::Kk) => "Алдымен жүйеге кіріңіз.",
            (Unauthenticated, Lang::Ru) => "Сначала войдите в систему.",
            (Unauthenticated, Lang::En) => "Please sign in first.",
            (LoginFailed, Lang::Kk) => "Логин немесе құпиясөз қате.",
            (LoginFailed, Lang::Ru) => "Неверный логин или пароль.",
            (LoginFailed, Lang::En) => "Wrong login or password.",
            (Forbidden, Lang::Kk) => "Бұл әрекетке рұқсатыңыз жоқ.",
            (Forbidden, Lang::Ru) => "У вас нет права на это действие.",
            (Forbidden, Lang::En) => "You are not allowed to do this.",
            (CsrfRejected, Lang::Kk) => "Сұрау расталмады; бетті жаңартып, қайталаңыз.",
            (CsrfRejected, Lang::Ru) => "Запрос не подтверждён; обновите страницу и повторите.",
            (CsrfRejected, Lang::En) => {
                "The request was not confirmed; reload the page and try again."
            }
            (LoginTaken, Lang::Kk) => "Бұл логин бос емес.",
            (LoginTaken, Lang::Ru) => "Этот логин уже занят.",
            (LoginTaken, Lang::En) => "This login is already taken.",
            (ExtensionReasonMissing, Lang::Kk) => {
                "Мерзімді ұзарту себебін жазыңыз: ол азаматқа хабарланады."
            }
            (ExtensionReasonMissing, Lang::Ru) => {
                "Укажите причину продления срока: её сообщат заявителю."
            }
            (ExtensionReasonMissing, Lang::En) => {
                "Give the reason for the extension: the citizen is told it."
            }
            (ExtensionNotLater, Lang::Kk) => {
                "Жаңа мерзім қазіргі жауап беру күнінен кейін болуы керек."
            }
            (ExtensionNotLater, Lang::Ru) => "Новый срок должен быть позже текущего срока ответа.",
            (ExtensionNotLater, Lang::En) => {
                "The new day must be later than the current answer day."
            }
            (ExtensionTooLong, Lang::Kk) => {
                "Мерзімді өтініш түскен күннен бастап екі айдан артық ұзартуға болмайды."
            }
            (ExtensionTooLong, Lang::Ru) => {
                "Срок нельзя продлить больше чем на два месяца со дня поступления обращения."
            }
            (ExtensionTooLong, Lang::En) => {
                "The deadline cannot go past two months after the appeal was received."
            }
            (ExtensionTooLate, Lang::Kk) => {
                "Жауап беру мерзімі өтіп кетті: оны енді ұзартуға болмайды."
            }
            (ExtensionTooLate, Lang::Ru) => "Срок ответа уже прошёл: продлить его теперь нельзя.",
            (ExtensionTooLate, Lang::En) => {
                "The answer day has passed: it can no longer be extended."
            }
            (NoQuestionPending, Lang::Kk) => {
                "Кеңсе қазір сізден ештеңе сұраған жоқ: жауап жіберуге болмайды."
            }
            (NoQuestionPending, Lang::Ru) => {
                "Офис сейчас ничего у вас не спрашивает: ответ отправить нельзя."
            }
            (NoQuestionPending, Lang::En) => {
                "The office has no open question for you: there is nothing to reply to."
            }
            (IdempotencyKeyReused, Lang::Kk) => {
                "Бұл әрекеттің кілті басқа әрекетке қолданылған; әрекетті қайта жасаңыз."
            }
            (IdempotencyKeyReused, Lang::Ru) => {
                "Ключ этого действия уже использован для другого; повторите действие заново."
            }
            (IdempotencyKeyReused, Lang::En) => {
                "This action's key was already used for another one; please do it again."
            }
            (CannotDisableSelf, Lang::Kk) => "Өз есептік жазбаңызды өшіре алмайсыз.",
            (CannotDisableSelf, Lang::Ru) => "Нельзя отключить собственную учётную запись.",
            (CannotDisableSelf, Lang::En) => "You cannot disable your own account.",
            (InvalidCalendar, Lang::Kk) => "Күнтізбе жылы дұрыс емес; түзетіп, қайталаңыз.",
            (InvalidCalendar, Lang::Ru) => {
                "Календарь года составлен неверно; исправьте и повторите."
            }
            (InvalidCalendar, Lang::En) => {
                "The calendar year does not hold together; fix it and retry."
            }
            (NotMediation, Lang::Kk) => "Бұл әрекет тек медиацияға өтінішке арналған.",
            (NotMediation, Lang::Ru) => "Это действие только для заявок на медиацию.",
            (NotMediation, Lang::En) => "This action is only for mediation requests.",
            (NoOpenSession, Lang::Kk) => {
                "Нәтиже жазылатын кездесу жоқ: алдымен кездесуді белгілеңіз."
            }
            (NoOpenSession, Lang::Ru) => "Нет встречи, ожидающей итога: сначала назначьте встречу.",
            (NoOpenSession, Lang::En) => {
                "No session is waiting for an outcome: schedule a session first."
            }
            (NoAgreement, Lang::Kk) => {
                "Акт тараптар келісімге келген кездесуден кейін ғана жасалады."
            }
            (NoAgreement, Lang::Ru) => {
                "Акт составляется только после встречи, на которой стороны договорились."
            }
            (NoAgreement, Lang::En) => {
                "An act is signed only after a session where the parties agreed."
            }
            (ActAlreadySigned, Lang::Kk) => {
                "Бұл өтініш бойынша акт қол қойылған; оны өзгертуге болмайды."
            }
            (ActAlreadySigned, Lang::Ru) => "По этой заявке акт уже подписан; изменить его нельзя.",
            (ActAlreadySigned, Lang::En) => {
                "An act is already signed for this request; it cannot be changed."
            }
            (PeriodNotOver, Lang::Kk) => {
                "Бұл кезең әлі аяқталған жоқ; оны соңғы күнінен кейін жариялаңыз."
            }
            (PeriodNotOver, Lang::Ru) => {
                "Этот период ещё не закончился; опубликуйте его после последнего дня."
            }
            (PeriodNotOver, Lang::En) => {
                "This period has not ended yet; publish it after its last day."
            }
            (RequestTimeout, Lang::Kk) => {
                "Сұрау толық жетпей қалды; байланыс қалпына келгенде ол қайта жіберіледі."
            }
            (RequestTimeout, Lang::Ru) => {
                "Запрос не дошёл целиком; он будет отправлен снова, когда связь наладится."
            }
            (RequestTimeout, Lang::En) => {
                "The request did not arrive whole; it will be sent again when the connection recovers."
            }
            (LastAdministrator, Lang::Kk) => {
                "Бұл соңғы белсенді әкімші; алдымен басқа әкімші тағайындаңыз."
            }
            (LastAdministrator, Lang::Ru) => {
                "Это последний активный администратор; сначала назначьте другого администратора."
            }
            (LastAdministrator, Lang::En) => {
                "This is the last active administrator; make someone else an administrator first."
            }
            (TooManyUploads, Lang::Kk) => {
                "Бұл мекенжайдан аяқталмаған жүктеулер тым көп; фотолар кейін қайта жіберіледі."
            }
            (TooManyUploads, Lang::Ru) => {
                "С этого адреса слишком много незавершённых загрузок; фото будут отправлены позже."
            }
            (TooManyUploads, Lang::En) => {
                "Too many unfinished uploads from this address; the photos will be sent later."
            }
        }
    }
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
    fn every_problem_code_is_listed_once_and_reads_back() {
        // A new variant stops this match compiling: give it the next number and add it to
        // ProblemCode::ALL, or it could be written but never read.
        let number = |code: ProblemCode| -> usize {
            use ProblemCode::*;
            match code {
                MalformedRequest => 0,
                ValidationFailed => 1,
                UnknownForm => 2,
                ConflictingResubmission => 3,
                BodyTooLarge => 4,
                UnsupportedMediaType => 5,
                RateLimited => 6,
                NotFound => 7,
                MethodNotAllowed => 8,
                Internal => 9,
                AttachmentTooLarge => 10,
                AttachmentsTooLarge => 11,
                AttachmentPartTooLarge => 12,
                AttachmentHashMismatch => 13,
                AttachmentsIncomplete => 14,
                AttachmentConflict => 15,
                UnsupportedAttachmentType => 16,
                NotAnonymous => 17,
                Unauthenticated => 18,
                LoginFailed => 19,
                Forbidden => 20,
                CsrfRejected => 21,
                LoginTaken => 22,
                ExtensionReasonMissing => 23,
                ExtensionNotLater => 24,
                ExtensionTooLong => 25,
                ExtensionTooLate => 38,
                NoQuestionPending => 26,
                IdempotencyKeyReused => 27,
                CannotDisableSelf => 28,
                InvalidCalendar => 29,
                NotMediation => 30,
                NoOpenSession => 31,
                NoAgreement => 32,
                ActAlreadySigned => 33,
                PeriodNotOver => 34,
                RequestTimeout => 35,
                LastAdministrator => 36,
                TooManyUploads => 37,
            }
        };
        let numbers: std::collections::HashSet<_> =
            ProblemCode::ALL.iter().map(|&c| number(c)).collect();
        assert_eq!(numbers, (0..ProblemCode::ALL.len()).collect());
        for code in ProblemCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(serde_json::from_value::<ProblemCode>(json).unwrap(), code);
        }
        assert!(serde_json::from_value::<ProblemCode>(serde_json::json!("teapot")).is_err());
        assert!(serde_json::from_value::<ProblemCode>(serde_json::json!(0)).is_err());
    }

    #[test]
    fn every_problem_code_is_translated() {
        for code in ProblemCode::ALL {
            let titles: std::collections::HashSet<_> =
                Lang::ALL.iter().map(|&l| code.title(l)).collect();
            assert_eq!(titles.len(), 3, "{code:?}");
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn every_problem_code_and_title_is_distinct() {
        let codes: std::collections::HashSet<_> =
            ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), ProblemCode::ALL.len());
        for lang in Lang::ALL {
            let titles: std::collections::HashSet<_> =
                ProblemCode::ALL.iter().map(|c| c.title(lang)).collect();
            assert_eq!(titles.len(), ProblemCode::ALL.len(), "{lang:?}");
        }
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
