//! Open311's own error format: `[{"code": 403, "description": "..."}]` with the HTTP
//! status in `code`, never `application/problem+json` (an Open311 client reads only
//! this). Like [`crate::error::ApiError`], a refusal is rendered in the language the
//! request asked for by a middleware ([`render_faults`]), which also logs it once.

use std::sync::Arc;

use adal_core::api::ProblemCode;
use adal_core::open311::{self, Error};
use adal_core::{FieldErrors, Lang};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, request_lang};

/// Why an Open311 request was refused.
#[derive(Debug)]
pub enum Fault {
    /// No `api_key` in a POST.
    MissingKey,
    /// An `api_key` that was never issued, or was revoked.
    InvalidKey,
    MissingServiceCode,
    /// A `service_code` that is none of the services (cut to a sane length).
    UnknownService(String),
    /// No complaint has this `service_request_id`.
    UnknownRequest(String),
    /// A path under `/open311` that is no resource.
    NoSuchResource,
    /// A resource asked for in a format other than JSON (`.xml`).
    NotJson,
    /// The answers do not pass the complaint form's rules.
    Validation(FieldErrors),
    /// A parameter that cannot be read; `detail` names it and says why (no input quoted
    /// beyond what the client needs to find it).
    Malformed(String),
    /// `start_date`..`end_date` longer than 90 days, or backwards.
    BadRange,
    BodyTooLarge,
    NotFormEncoded,
    MethodNotAllowed,
    RateLimited {
        retry_after_s: u64,
    },
    /// The cause is logged, never told.
    Internal(ApiError),
}

impl Fault {
    pub fn status(&self) -> StatusCode {
        match self {
            Fault::MissingKey | Fault::InvalidKey => StatusCode::FORBIDDEN,
            Fault::UnknownService(_) | Fault::UnknownRequest(_) | Fault::NoSuchResource => {
                StatusCode::NOT_FOUND
            }
            Fault::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Fault::NotFormEncoded => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Fault::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Fault::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Fault::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Fault::MissingServiceCode
            | Fault::NotJson
            | Fault::Validation(_)
            | Fault::Malformed(_)
            | Fault::BadRange => StatusCode::BAD_REQUEST,
        }
    }

    /// What the client is told, in `lang`: one line per problem.
    pub fn descriptions(&self, lang: Lang) -> Vec<String> {
        let t = |kk: &str, ru: &str, en: &str| -> String {
            match lang {
                Lang::Kk => kk,
                Lang::Ru => ru,
                Lang::En => en,
            }
            .to_owned()
        };
        let line = match self {
            Fault::Validation(errors) => return open311::describe(errors, lang),
            Fault::MissingKey => t(
                "api_key берілмеген: өтінімді тек Adal әкімшісі берген кілтпен жіберуге болады.",
                "Нет api_key: заявку можно отправить только с ключом, выданным администратором Adal.",
                "No api_key: a request can only be posted with a key issued by an Adal administrator.",
            ),
            Fault::InvalidKey => t(
                "api_key жарамсыз немесе кері қайтарылған.",
                "api_key недействителен или отозван.",
                "Invalid or revoked api_key received: cannot create the request.",
            ),
            Fault::MissingServiceCode => t(
                "service_code берілмеген: services.json тізімінен біреуін таңдаңыз.",
                "Нет service_code: выберите одну из служб из services.json.",
                "No service_code: pick one of the services of services.json.",
            ),
            Fault::UnknownService(code) => format!(
                "{} {code:?}",
                t("Мұндай service_code жоқ:", "Нет такого service_code:", "No such service_code:")
            ),
            Fault::UnknownRequest(id) => format!(
                "{} {id:?}",
                t(
                    "Мұндай service_request_id жоқ:",
                    "Нет такого service_request_id:",
                    "No such service_request_id:"
                )
            ),
            Fault::NoSuchResource => t(
                "Мұндай ресурс жоқ: /open311/v2/discovery.json қараңыз.",
                "Нет такого ресурса: см. /open311/v2/discovery.json.",
                "No such resource: see /open311/v2/discovery.json.",
            ),
            Fault::NotJson => t(
                "Бұл сервер тек JSON пішімінде жауап береді: .json қолданыңыз.",
                "Этот сервер отвечает только в формате JSON: используйте .json.",
                "This server answers in JSON only: use .json.",
            ),
            Fault::Malformed(detail) => detail.clone(),
            Fault::BadRange => t(
                "start_date end_date-тен кейін болмауы керек, аралық 90 күннен аспайды.",
                "start_date не позже end_date, и между ними не больше 90 дней.",
                "start_date must not be after end_date, and they may not span more than 90 days.",
            ),
            Fault::BodyTooLarge => t(
                "Өтінім тым үлкен (64 КиБ-тан аспауы керек).",
                "Заявка слишком большая (не больше 64 КиБ).",
                "The request is too large (at most 64 KiB).",
            ),
            Fault::NotFormEncoded => t(
                "Өтінімді application/x-www-form-urlencoded түрінде жіберіңіз.",
                "Отправьте заявку как application/x-www-form-urlencoded.",
                "Post the request as application/x-www-form-urlencoded.",
            ),
            Fault::MethodNotAllowed => t(
                "Бұл ресурс мұндай әдісті қабылдамайды.",
                "Этот ресурс не принимает такой метод.",
                "This resource does not take this method.",
            ),
            Fault::RateLimited { retry_after_s } => format!(
                "{} {retry_after_s} s.",
                t(
                    "Сұраулар тым көп: қайталаңыз, күту уақыты",
                    "Слишком много запросов: повторите через",
                    "Too many requests: try again in"
                )
            ),
            Fault::Internal(_) => t(
                "Серверде қате болды: кейінірек қайталаңыз.",
                "Ошибка на сервере: повторите позже.",
                "The server failed: please try again later.",
            ),
        };
        vec![line]
    }

    fn render(&self, lang: Lang) -> Response {
        let status = self.status();
        let errors: Vec<Error> = self
            .descriptions(lang)
            .into_iter()
            .map(|description| Error { code: status.as_u16(), description })
            .collect();
        let mut response = (status, axum::Json(errors)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
        if let Fault::RateLimited { retry_after_s } = self {
            headers.insert(header::RETRY_AFTER, (*retry_after_s).max(1).into());
        }
        response
    }

    /// Logs with codes only: never a key, an answer or a name.
    fn log(&self) {
        let code = self.status().as_u16();
        match self {
            Fault::Internal(error) => {
                tracing::error!(code, error = %error, "open311 request failed")
            }
            Fault::Validation(errors) => {
                let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
                tracing::info!(code, fields = %fields.join(","), "open311 request refused");
            }
            _ => tracing::info!(code, "open311 request refused"),
        }
    }
}

impl From<ApiError> for Fault {
    fn from(error: ApiError) -> Fault {
        match error {
            ApiError::Validation(errors) => Fault::Validation(errors),
            ApiError::RateLimited { retry_after_s } => Fault::RateLimited { retry_after_s },
            ApiError::Refused(ProblemCode::BodyTooLarge) => Fault::BodyTooLarge,
            ApiError::MalformedRequest { detail } => Fault::Malformed(detail),
            other => Fault::Internal(other),
        }
    }
}

impl From<crate::db::DbError> for Fault {
    fn from(error: crate::db::DbError) -> Fault {
        Fault::Internal(ApiError::Database(error))
    }
}

impl IntoResponse for Fault {
    /// Rendered in the default language, with the fault attached for [`render_faults`].
    fn into_response(self) -> Response {
        let mut response = self.render(Lang::default());
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}

/// Middleware of the Open311 routes: every refusal in the request's language, logged once.
pub async fn render_faults(request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let response = next.run(request).await;
    match response.extensions().get::<Arc<Fault>>() {
        Some(fault) => {
            fault.log();
            fault.render(lang)
        }
        None => response,
    }
}
