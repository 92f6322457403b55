//! `/open311/v2/`: Open311 GeoReport v2 (JSON), the civic-reporting standard, over the
//! complaint form (the mapping is written once, in `adal_core::open311`).
//!
//! - `discovery.json`, `services.json` (the complaint categories) and
//!   `services/{service_code}.json` (the form's other fields as attributes), in the
//!   language of `Accept-Language`.
//! - `POST requests.json` (form-encoded, with an `api_key` an administrator issued, see
//!   `routes::staff::open311`): a complaint, checked by the form's rules and stored by the
//!   same path as the app's submissions (the writer, its tracking number, receipt and
//!   triage). Its district is `attribute[district]`, or else the district of the
//!   integrity office nearest to `lat`/`long` in the directory. A resend of the same
//!   request with the same key (and receipt secret) is the same complaint: its id is
//!   made from the key, the normalised answers and the secret, and the writer answers a
//!   resend with the first tracking number.
//! - `GET requests.json` and `requests/{id}.json`: the public status of complaints, and
//!   nothing the person wrote or is (see [`ServiceRequest`]).
//!
//! Every refusal is Open311's `[{"code", "description"}]` ([`fault`]), never a 500 for
//! what a client sent.

mod fault;

use std::collections::HashMap;

use adal_core::api::{MAX_BODY_BYTES, SubmissionRequest};
use adal_core::open311::{
    self, Created, Discovery, Endpoint, MAX_REQUESTS, MAX_SPAN_DAYS, PostedRequest, ServiceRequest,
    Status,
};
use adal_core::receipt::ReceiptSecret;
use adal_core::search::distance_km;
use adal_core::{District, Lang, Provider, TrackingNumber};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};
use tower_governor::GovernorLayer;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;
use uuid::Uuid;

pub use fault::Fault;

use crate::AppState;
use crate::db::open311::{Filter, Row};
use crate::db::submissions::Stored;
use crate::error::{ApiError, request_lang};

/// The Open311 routes, each with its entry in the API's contract (`routes::openapi`): its
/// answers are Open311's JSON, and its refusals `[{code, description}]`, not problems.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.rate_limit.clone())
        .error_handler(|error| Fault::from(ApiError::from(error)).into_response());
    OpenApiRouter::new()
        .routes(refuse_other_methods(routes!(get_discovery)))
        .routes(refuse_other_methods(routes!(get_services)))
        .routes(refuse_other_methods(routes!(get_service_definition)))
        .routes(refuse_other_methods(routes!(get_requests, post_request)))
        .routes(refuse_other_methods(routes!(get_request)))
        .route_layer(rate_limit)
        .route("/open311", any(no_such_resource))
        .route("/open311/{*rest}", any(no_such_resource))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(fault::render_faults))
}

/// A route whose other methods are answered 405 in Open311's format.
fn refuse_other_methods(
    (schemas, paths, methods): UtoipaMethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    (schemas, paths, methods.fallback(method_not_allowed))
}

/// What `POST requests.json` reads, as the specification names it (form-encoded; only
/// for the contract: the handler reads the form itself, `attribute[CODE]` keys and all).
#[derive(utoipa::ToSchema)]
#[schema(as = Open311PostedRequest)]
#[allow(dead_code)]
struct PostForm {
    /// The key an administrator issued (`POST /api/v1/staff/open311/keys`).
    api_key: String,
    /// One of `services.json`.
    service_code: String,
    lat: Option<f64>,
    long: Option<f64>,
    address_string: Option<String>,
    description: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    media_url: Option<String>,
    /// Adal's extension: a secret the client made, with which the person reads the
    /// receipt (`GET /api/v1/submissions/{tracking}`).
    receipt_secret: Option<String>,
}

async fn method_not_allowed() -> Fault {
    Fault::MethodNotAllowed
}

async fn no_such_resource() -> Fault {
    Fault::NoSuchResource
}

/// JSON in the request's language, saying which.
fn answer(body: impl serde::Serialize, status: StatusCode, lang: Lang) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
    response
}

/// `discovery.json`. The endpoint's URL is made from the request's `Host` (and
/// `X-Forwarded-Proto: https` from a proxy in front), so it is right wherever Adal is
/// served; a `Host` that is not a plain host name gives a URL without one.
#[utoipa::path(
    get,
    path = "/open311/v2/discovery.json",
    tag = "open311",
    responses(
        (status = 200, description = "Where and how to reach this Open311 server", body = Discovery),
        (status = 429, description = "Too many requests from this address", body = Vec<open311::Error>),
        (status = 500, description = "The server failed; nothing the client sent", body = Vec<open311::Error>),
    ),
)]
async fn get_discovery(headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| {
        h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
    });
    let https = headers.get("x-forwarded-proto").is_some_and(|p| p.as_bytes() == b"https");
    let url = match host {
        Some(host) => format!("{}://{host}/open311/v2", if https { "https" } else { "http" }),
        None => "/open311/v2".to_owned(),
    };
    let (contact, key_service) = open311::contact(lang);
    let changeset = open311::changeset();
    let discovery = Discovery {
        changeset: changeset.clone(),
        contact: contact.into(),
        key_service: key_service.into(),
        endpoints: vec![Endpoint {
            specification: open311::SPECIFICATION.into(),
            url,
            changeset,
            kind: "production".into(),
            formats: vec!["application/json".into()],
        }],
    };
    answer(discovery, StatusCode::OK, lang)
}

#[utoipa::path(
    get,
    path = "/open311/v2/services.json",
    tag = "open311",
    responses(
        (status = 200, description = "The complaint categories, in the language of `Accept-Language`", body = Vec<open311::Service>),
        (status = 429, description = "Too many requests from this address", body = Vec<open311::Error>),
        (status = 500, description = "The server failed; nothing the client sent", body = Vec<open311::Error>),
    ),
)]
async fn get_services(headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    answer(open311::services(lang), StatusCode::OK, lang)
}

/// The name in a path such as `school.json`; any other format is refused.
fn json_name(file: Result<Path<String>, PathRejection>) -> Result<String, Fault> {
    let Path(file) = file.map_err(|e| Fault::Malformed(e.body_text()))?;
    let Some((name, format)) = file.rsplit_once('.') else {
        return Err(Fault::NotJson);
    };
    if format != "json" {
        return Err(Fault::NotJson);
    }
    Ok(name.to_owned())
}

/// A client's text, cut to a length fit to quote back in an error.
fn quoted(raw: &str) -> String {
    raw.chars().take(60).filter(|c| !c.is_control()).collect()
}

#[utoipa::path(
    get,
    path = "/open311/v2/services/{file}",
    tag = "open311",
    params(
        ("file" = String, Path, description = "`<service_code>.json`"),
    ),
    responses(
        (status = 200, description = "The complaint form's fields as attributes", body = open311::ServiceDefinition),
        (status = 400, description = "Not `.json`", body = Vec<open311::Error>),
        (status = 404, description = "No such service_code", body = Vec<open311::Error>),
        (status = 429, description = "Too many requests from this address", body = Vec<open311::Error>),
        (status = 500, description = "The server failed; nothing the client sent", body = Vec<open311::Error>),
    ),
)]
async fn get_service_definition(
    headers: HeaderMap,
    file: Result<Path<String>, PathRejection>,
) -> Result<Response, Fault> {
    let lang = request_lang(&headers);
    let code = json_name(file)?;
    let definition =
        open311::definition(&code, lang).ok_or_else(|| Fault::UnknownService(quoted(&code)))?;
    Ok(answer(definition, StatusCode::OK, lang))
}

/// `POST requests.json`: 201 with the tracking number, or 200 with the first one for a
/// resend.
#[utoipa::path(
    post,
    path = "/open311/v2/requests.json",
    tag = "open311",
    request_body(content = PostForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 201, description = "Stored: its tracking number", body = Vec<Created>),
        (status = 200, description = "A resend: the first tracking number", body = Vec<Created>),
        (status = 400, description = "A parameter missing or invalid, or an attribute the form refuses", body = Vec<open311::Error>),
        (status = 404, description = "No such service_code", body = Vec<open311::Error>),
        (status = 403, description = "No api_key, or one never issued or revoked", body = Vec<open311::Error>),
        (status = 413, description = "Over 64 KiB", body = Vec<open311::Error>),
        (status = 415, description = "Not application/x-www-form-urlencoded", body = Vec<open311::Error>),
        (status = 429, description = "Too many requests from this address", body = Vec<open311::Error>),
        (status = 500, description = "The server failed; nothing the client sent", body = Vec<open311::Error>),
    ),
)]
async fn post_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Fault> {
    let lang = request_lang(&headers);
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !form_encoded {
        return Err(Fault::NotFormEncoded);
    }
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Fault::BodyTooLarge,
        _ => Fault::Malformed(rejection.body_text()),
    })?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let posted = PostedRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| Fault::Malformed(e.to_string()))?;

    // The key first: without one, nothing else is looked at.
    let key = posted.api_key.as_deref().ok_or(Fault::MissingKey)?;
    let key_sha256 = crate::accounts::sha256_hex(key);
    let key_id = state
        .db
        .read(move |conn| crate::db::open311::live_key(conn, &key_sha256))
        .await?
        .ok_or(Fault::InvalidKey)?;

    let code = posted.service_code.as_deref().ok_or(Fault::MissingServiceCode)?;
    open311::category(code).ok_or_else(|| Fault::UnknownService(quoted(code)))?;
    let receipt_secret = posted
        .receipt_secret
        .as_deref()
        .map(ReceiptSecret::parse)
        .transpose()
        .map_err(|e| Fault::Malformed(format!("receipt_secret: {e}")))?;

    let nearest = match posted.point() {
        Some(point) if !posted.names_district() => {
            let offices = state.db.read(crate::db::open311::offices).await?;
            nearest_district(&offices, point)
        }
        _ => None,
    };
    let request = SubmissionRequest {
        // Replaced below, once the answers are normalised.
        id: Uuid::nil(),
        form: open311::form().form_ref(),
        answers: posted.answers(nearest),
        attachments: Vec::new(),
        receipt_secret,
    };
    let received_at = OffsetDateTime::now_utc();
    let mut new = crate::routes::submissions::prepare(request, received_at)?;
    new.id = request_id(key_id, &new.fingerprint, new.receipt_secret_sha256.as_deref());
    let district = new.district;
    let (status, receipt) = match state.writer.store(new).await.map_err(ApiError::from)? {
        Stored::Created(receipt) => (StatusCode::CREATED, receipt),
        Stored::AlreadyStored(receipt) => (StatusCode::OK, receipt),
        // The id holds the fingerprint and the secret: another content cannot reach it.
        other => {
            let cause = anyhow::anyhow!("open311 request stored as {other:?}");
            return Err(Fault::Internal(ApiError::Internal(cause)));
        }
    };
    tracing::info!(tracking = %receipt.tracking, open311.key = key_id, district = district.code(), status = status.as_u16(), "open311 request stored");
    let answer_by = state.calendar.get().deadlines(receipt.received_at).answer_by;
    let created = Created {
        service_request_id: receipt.tracking,
        service_notice: Some(open311::service_notice(district, answer_by, lang)),
        account_id: None,
    };
    Ok(answer([created], status, lang))
}

/// The submission id of a request: a UUID (version 8) made from the key, the normalised
/// content and the receipt secret's hash, so that resending the same request is the same
/// complaint (the writer answers it with the first tracking number), while two people
/// who happen to write the same words with their own secrets are two.
fn request_id(key_id: i64, fingerprint: &str, secret_sha256: Option<&str>) -> Uuid {
    let mut hash = Sha256::new();
    for part in [b"adal open311 request".as_slice(), &key_id.to_be_bytes(), fingerprint.as_bytes()]
    {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.update(secret_sha256.unwrap_or("").as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The district of the integrity office nearest to `point`, as the directory places
/// them (the simple rule: no district boundaries are kept, and every district has its
/// office near its centre). `None` if the directory lists no office.
fn nearest_district(offices: &[Provider], (lat, lon): (f64, f64)) -> Option<District> {
    offices
        .iter()
        .map(|office| (distance_km(lat, lon, office.lat, office.lon), office.district))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, district)| district)
}

/// `GET requests.json`: the specification's filters, newest first, at most 1000.
#[utoipa::path(
    get,
    path = "/open311/v2/requests.json",
    tag = "open311",
    params(
        ("service_request_id" = Option<String>, Query, description = "Tracking numbers, comma-separated (the other filters are then ignored)"),
        ("service_code" = Option<String>, Query, description = "One of `services.json`"),
        ("start_date" = Option<String>, Query, description = "W3C datetime; 90 days before end_date by default"),
        ("end_date" = Option<String>, Query, description = "W3C datetime; now by default"),
        ("status" = Option<String>, Query, description = "`open` or `closed`"),
    ),
    responses(
        (status = 200, description = "The public status of the complaints, newest first, at most 1000", body = Vec<ServiceRequest>),
        (status = 400, description = "A filter that cannot be read, or a range over 90 days", body = Vec<open311::Error>),
        (status = 404, description = "No such service_code", body = Vec<open311::Error>),
        (status = 429, description = "Too many requests from this address", body = Vec<open311::Error>),
        (status = 500, description = "The server failed; nothing the client sent", body = Vec<open311::Error>),
    ),
)]
async fn get_requests(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Fault> {
    let lang = request_lang(&headers);
    let filter = parse_filter(query.as_deref().unwrap_or(""), OffsetDateTime::now_utc())?;
    let requests = statuses(&state, filter, lang).await?;
    Ok(answer(requests, StatusCode::OK, lang))
}

/// `GET requests/{service_request_id}.json`: an array of one, or 404.
#[utoipa::path(
    get,
    path = "/open311/v2/requests/{file}",
    tag = "open311",
    params(
        ("file" = String, Path, description = "`<service_request_id>.json`"),
    ),
    responses(
        (status = 200, description = "The public status of one complaint, as an array of one", body = Vec<ServiceRequest>),
        (status = 400, description = "Not `.json`", body = Vec<open311::Error>),
        (status = 404, description = "No such service_request_id", body = Vec<open311::Error>),
        (status = 429, description = "Too many requests from this address", body = Vec<open311::Error>),
        (status = 500, description = "The server failed; nothing the client sent", body = Vec<open311::Error>),
    ),
)]
async fn get_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    file: Result<Path<String>, PathRejection>,
) -> Result<Response, Fault> {
    let lang = request_lang(&headers);
    let id = json_name(file)?;
    let tracking: TrackingNumber = id.parse().map_err(|_| Fault::UnknownRequest(quoted(&id)))?;
    let requests = statuses(&state, Filter::Ids(vec![tracking.to_string()]), lang).await?;
    if requests.is_empty() {
        return Err(Fault::UnknownRequest(quoted(&id)));
    }
    Ok(answer(requests, StatusCode::OK, lang))
}

/// The public status of the complaints `filter` asks for, in `lang`.
async fn statuses(
    state: &AppState,
    filter: Filter,
    lang: Lang,
) -> Result<Vec<ServiceRequest>, Fault> {
    let (rows, offices) = state
        .db
        .read(move |conn| {
            Ok((crate::db::open311::requests(conn, &filter)?, crate::db::open311::offices(conn)?))
        })
        .await?;
    let offices: HashMap<District, &Provider> =
        offices.iter().rev().map(|office| (office.district, office)).collect();
    let calendar = state.calendar.get();
    let end_of_day = |day: time::Date| {
        PrimitiveDateTime::new(day, Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT))
            .assume_offset(adal_core::district::REGION_UTC_OFFSET)
    };
    let seconds = |at: OffsetDateTime| at.replace_nanosecond(0).unwrap_or(at);
    Ok(rows
        .into_iter()
        .map(|row: Row| {
            let code = row.category.unwrap_or_default();
            let answer_by = calendar.deadlines(row.received_at).answer_day(row.extensions);
            let settled = row.latest.is_some_and(|(kind, _)| kind.settles());
            ServiceRequest {
                service_request_id: row.tracking,
                status: if settled { Status::Closed } else { Status::Open },
                // The office's answer is written to the person who complained and may
                // name them; it stays behind their receipt secret. Open311 readers see
                // the status only.
                status_notes: None,
                service_name: open311::category(&code)
                    .map_or_else(|| code.clone(), |c| c.label.get(lang).to_owned()),
                service_code: code,
                agency_responsible: offices.get(&row.district).map_or_else(
                    || open311::default_agency(row.district, lang),
                    |office| office.name.get(lang).to_owned(),
                ),
                requested_datetime: seconds(row.received_at),
                updated_datetime: seconds(row.latest.map_or(row.received_at, |(_, at)| at)),
                expected_datetime: end_of_day(answer_by),
            }
        })
        .collect())
}

/// The filters of `GET requests.json` from its query string, with the specification's
/// defaults: the 90 days before `now` when no dates are given.
fn parse_filter(query: &str, now: OffsetDateTime) -> Result<Filter, Fault> {
    let mut lists: HashMap<String, Vec<String>> = HashMap::new();
    let mut dates: HashMap<String, String> = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "service_request_id" | "service_code" | "status" => {
                lists.entry(name.into_owned()).or_default().extend(
                    value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned),
                )
            }
            "start_date" | "end_date" if !value.trim().is_empty() => {
                dates.insert(name.into_owned(), value.trim().to_owned());
            }
            _ => {}
        }
    }
    let list = |name: &str| lists.get(name).cloned().unwrap_or_default();
    let ids = list("service_request_id");
    if !ids.is_empty() {
        if ids.len() > MAX_REQUESTS {
            return Err(Fault::Malformed(format!(
                "service_request_id: at most {MAX_REQUESTS} at once"
            )));
        }
        // A number that is no tracking number names no complaint: it is not found.
        let ids = ids.iter().filter_map(|id| id.parse::<TrackingNumber>().ok());
        return Ok(Filter::Ids(ids.map(|t| t.to_string()).collect()));
    }
    let categories = list("service_code");
    if let Some(unknown) = categories.iter().find(|c| open311::category(c).is_none()) {
        return Err(Fault::UnknownService(quoted(unknown)));
    }
    let statuses = list("status")
        .iter()
        .map(|s| {
            Status::parse(s).ok_or_else(|| {
                Fault::Malformed(format!("status: open or closed, not {:?}", quoted(s)))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let date = |name: &str| dates.get(name).map(|raw| w3c_datetime(name, raw)).transpose();
    let span = Duration::days(MAX_SPAN_DAYS);
    let (from, to) = match (date("start_date")?, date("end_date")?) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from.checked_add(span).ok_or(Fault::BadRange)?),
        (None, Some(to)) => (to.checked_sub(span).ok_or(Fault::BadRange)?, to),
        (None, None) => (now.checked_sub(span).ok_or(Fault::BadRange)?, now),
    };
    if from > to || to - from > span {
        return Err(Fault::BadRange);
    }
    Ok(Filter::Range { from, to, categories, statuses })
}

/// A W3C datetime as the specification writes them (`2010-01-01T00:00:00Z`, or with an
/// offset), or a bare day, taken as midnight in the region.
fn w3c_datetime(name: &str, raw: &str) -> Result<OffsetDateTime, Fault> {
    use time::format_description::well_known::Rfc3339;
    let malformed =
        || Fault::Malformed(format!("{name}: a W3C datetime such as 2026-01-01T00:00:00Z"));
    let at = OffsetDateTime::parse(raw, &Rfc3339).or_else(|_| {
        let day = time::Date::parse(raw, time::macros::format_description!("[year]-[month]-[day]"));
        day.map(|day| day.midnight().assume_offset(adal_core::district::REGION_UTC_OFFSET))
    });
    // In UTC from here on, checked: an instant at the calendar's edge has no UTC time.
    at.ok().and_then(|at| at.checked_to_offset(time::UtcOffset::UTC)).ok_or_else(malformed)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

    #[test]
    fn without_dates_the_last_ninety_days_are_asked_for() {
        let Filter::Range { from, to, .. } = parse_filter("", NOW).unwrap() else { panic!() };
        assert_eq!((from, to), (NOW - Duration::days(90), NOW));
    }

    #[test]
    fn a_span_over_ninety_days_or_backwards_is_refused() {
        let too_long = "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z";
        assert!(matches!(parse_filter(too_long, NOW), Err(Fault::BadRange)));
        let backwards = "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z";
        assert!(matches!(parse_filter(backwards, NOW), Err(Fault::BadRange)));
        let far = "start_date=9999-12-31T00:00:00Z";
        assert!(matches!(parse_filter(far, NOW), Err(Fault::BadRange)));
        let past = "end_date=-9999-01-01";
        assert!(parse_filter(past, NOW).is_err());
    }

    #[test]
    fn ids_override_every_other_filter_and_bad_ones_find_nothing() {
        let query = "service_request_id=ura-2026-00001,%20TER-2026-00002,nonsense&status=junk";
        assert_eq!(
            parse_filter(query, NOW).unwrap(),
            Filter::Ids(vec!["URA-2026-00001".into(), "TER-2026-00002".into()])
        );
    }

    #[test]
    fn the_same_request_with_the_same_key_and_secret_gets_the_same_id() {
        let id = request_id(1, "abc", None);
        assert_eq!(id, request_id(1, "abc", None));
        assert_ne!(id, request_id(2, "abc", None));
        assert_ne!(id, request_id(1, "abd", None));
        assert_ne!(id, request_id(1, "abc", Some("00")));
        assert_eq!(id.get_version_num(), 8);
    }
}
