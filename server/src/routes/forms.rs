//! `GET /api/v1/forms`: every accepted form version, for the app to keep offline.
//!
//! The document changes only with a new build of the server, so it is serialised and
//! hashed once, at start-up; a device that already holds it asks with `If-None-Match`
//! and gets a bodiless 304, a few bytes on a rural line.

use std::sync::LazyLock;

use adal_core::api::FormsResponse;
use adal_core::form;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The serialised forms and their strong entity tag.
struct Document {
    body: Bytes,
    etag: HeaderValue,
}

static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
    let forms = FormsResponse { forms: form::catalogue().to_vec() };
    // Strings, numbers and booleans only: serialising cannot fail, and if it ever did
    // the server should not start.
    let body = serde_json::to_vec(&forms).expect("the form catalogue serialises");
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..16]));
    let etag = HeaderValue::from_str(&etag).expect("hex in quotes is a valid header value");
    Document { body: Bytes::from(body), etag }
});

/// "Revalidate every time": cheap with a 304, and a new version reaches the device on
/// its first visit after the server is updated.
const CACHE_CONTROL: HeaderValue = HeaderValue::from_static("no-cache");

pub fn router() -> OpenApiRouter<AppState> {
    // Serialise now, at start-up, not on the first request.
    LazyLock::force(&DOCUMENT);
    OpenApiRouter::new().routes(routes!(get_forms))
}

/// Every accepted version of every form, as data.
#[utoipa::path(
    get,
    path = "/api/v1/forms",
    tag = "reference",
    params(("if-none-match" = Option<String>, Header, description = "The ETag of the catalogue held")),
    responses(
        (status = 200, description = "The form catalogue", body = FormsResponse),
        (status = 304, description = "The catalogue held is current"),
    ),
)]
async fn get_forms(headers: HeaderMap) -> Response {
    let document = &*DOCUMENT;
    let cache = [(header::ETAG, document.etag.clone()), (header::CACHE_CONTROL, CACHE_CONTROL)];
    let if_none_match = headers.get_all(header::IF_NONE_MATCH).iter();
    if if_none_match.filter_map(|v| v.to_str().ok()).any(|v| matches(v, &document.etag)) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let content_type = [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))];
    (StatusCode::OK, cache, content_type, document.body.clone()).into_response()
}

/// Whether an `If-None-Match` value names `etag`: `*`, or one of a comma-separated list
/// of tags, compared weakly (a `W/` prefix is ignored) as RFC 9110 §13.1.2 asks.
fn matches(if_none_match: &str, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).as_bytes() == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_a_star() {
        let etag = HeaderValue::from_static("\"abc\"");
        assert!(matches("\"abc\"", &etag));
        assert!(matches("W/\"abc\"", &etag));
        assert!(matches("\"old\", \"abc\"", &etag));
        assert!(matches("*", &etag));
        assert!(!matches("\"old\"", &etag));
        assert!(!matches("abc", &etag), "tags are quoted");
        assert!(!matches("", &etag));
    }

    #[test]
    fn the_etag_is_strong_and_follows_the_body() {
        let document = &*DOCUMENT;
        let etag = document.etag.to_str().unwrap();
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34, "{etag}");
        let again = format!("\"{}\"", hex::encode(&Sha256::digest(&document.body)[..16]));
        assert_eq!(etag, again);
    }
}
