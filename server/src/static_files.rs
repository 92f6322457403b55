//! The Trunk-built web app: files from the static directory, `index.html` for any other
//! page path (the app routes in the browser), and cache headers that let phones keep
//! content-hashed files forever while always revalidating the entry points.

use std::convert::Infallible;
use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::{Service, service_fn};
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

/// Serves `dir`, or explains with a 503 that the app is not built when it has no
/// `index.html` (the API keeps working either way).
pub fn router(dir: &Path) -> Router {
    let index_html = dir.join("index.html");
    if !index_html.is_file() {
        tracing::warn!(static_dir = %dir.display(), "no index.html: the web app is not built");
        return Router::new().fallback(not_built);
    }
    let index = ServeFile::new(index_html);
    // The staff workspace is a second app under `/staff/`, with its own shell.
    let staff_index = ServeFile::new(dir.join(STAFF_DIR).join("index.html"));
    let spa_fallback = service_fn(move |request: Request| {
        let (mut index, mut staff_index) = (index.clone(), staff_index.clone());
        async move {
            // A missing `/app-0123.js` must stay a 404: answered with HTML, it would be
            // cached by the service worker as if it were the script.
            let path = request.uri().path();
            if looks_like_a_file(path) {
                return Ok::<_, Infallible>(StatusCode::NOT_FOUND.into_response());
            }
            if is_staff_page(path) {
                return Ok(staff_index.call(request).await.into_response());
            }
            Ok(index.call(request).await.into_response())
        }
    });
    Router::new()
        .fallback_service(ServeDir::new(dir).fallback(spa_fallback))
        .layer(middleware::from_fn(cache_control))
        .layer(middleware::from_fn(refuse_long_paths))
}

/// The longest path segment a file system takes as a name (ext4, XFS, NTFS: 255 bytes).
const SEGMENT_MAX_BYTES: usize = 255;
/// The longest path looked up: the app's longest is a few dozen bytes, and the file
/// system's limit (4096 with the static directory's own path) must never be reached.
const PATH_MAX_BYTES: usize = 1024;

/// A path the file system would refuse as too long is refused here as malformed: the
/// file lookup would fail with an error it does not expect, a 500.
async fn refuse_long_paths(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.len() > PATH_MAX_BYTES {
        let detail = format!("a path is at most {PATH_MAX_BYTES} bytes");
        return ApiError::MalformedRequest { detail }.into_response();
    }
    if path.split('/').any(|segment| segment.len() > SEGMENT_MAX_BYTES) {
        let detail = format!("a path segment is at most {SEGMENT_MAX_BYTES} bytes");
        return ApiError::MalformedRequest { detail }.into_response();
    }
    next.run(request).await
}

/// The staff workspace's directory inside the static directory (Trunk's `--dist`).
const STAFF_DIR: &str = "staff";

/// Whether `path` is a page of the staff workspace (`/staff/…`), not of the citizen app.
fn is_staff_page(path: &str) -> bool {
    path == "/staff" || path.starts_with("/staff/")
}

async fn not_built() -> (StatusCode, &'static str) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The Adal web app is not built yet: build it with Trunk into the static directory \
         and restart the server. The API under /api/v1 works.\n",
    )
}

async fn cache_control(request: Request, next: Next) -> Response {
    let policy = cache_policy(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// The `Cache-Control` for a successful answer to `path`.
fn cache_policy(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    if is_content_hashed(name) {
        // The name changes whenever the content does, so the content never changes.
        "public, max-age=31536000, immutable"
    } else if !looks_like_a_file(path) || name.ends_with(".html") || name == "sw.js" {
        // Entry points name the hashed files of the current release: always revalidate,
        // or a phone would keep running an old release.
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

/// Whether the last path segment has an extension, i.e. names a file rather than a page.
fn looks_like_a_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains('.'))
}

/// Trunk names hashed files `<name>-<16 hex digits>` before the extension, with `_bg`
/// after the hash for the wasm-bindgen module: `adal-app-1a2b3c4d5e6f7a8b_bg.wasm`.
fn is_content_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        for name in [
            "adal-app-1a2b3c4d5e6f7a8b.js",
            "adal-app-1a2b3c4d5e6f7a8b_bg.wasm",
            "style-0123456789abcdef.css",
        ] {
            assert!(is_content_hashed(name), "{name}");
        }
        for name in ["index.html", "sw.js", "adal-app.js", "icon-192.png", "a-0123456789abcdeg.js"]
        {
            assert!(!is_content_hashed(name), "{name}");
        }
    }

    #[test]
    fn staff_pages_are_told_apart_from_citizen_pages() {
        for path in ["/staff", "/staff/", "/staff/item/URA-2026-00001", "/staff/admin"] {
            assert!(is_staff_page(path), "{path}");
        }
        for path in ["/", "/staffing", "/item/staff", "/draft/1"] {
            assert!(!is_staff_page(path), "{path}");
        }
    }

    #[test]
    fn entry_points_revalidate_hashed_files_are_immutable_and_the_rest_expires() {
        assert_eq!(cache_policy("/"), "no-cache");
        assert_eq!(cache_policy("/index.html"), "no-cache");
        assert_eq!(cache_policy("/sw.js"), "no-cache");
        assert_eq!(cache_policy("/complaint/abc"), "no-cache");
        assert_eq!(
            cache_policy("/adal-app-1a2b3c4d5e6f7a8b_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_policy("/manifest.webmanifest"), "public, max-age=3600");
    }
}
