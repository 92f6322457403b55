//! Every request's id: made here (a random UUID), or taken from a trusted proxy that
//! made one already, so that the proxy's log and ours name the same request. It is sent
//! back in `X-Request-Id`, carried by the request's tracing span (every log line of the
//! request shows it) and put in every problem+json body, so that a citizen's screenshot
//! of an error leads to the log line.
//!
//! The layers, outermost first: [`only_from_trusted_proxies`], tower-http's
//! `SetRequestIdLayer` (makes an id where none is left) and `PropagateRequestIdLayer`
//! (copies it to the response); the trace span and `error::render_problems` read it
//! with [`of`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::client::TrustedProxies;

/// `x-request-id`, as most proxies and log tools name it.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a proxy; a UUID is 36 characters.
const MAX_LEN: usize = 64;

/// The request's id, once the layers above have set it.
pub fn of(headers: &HeaderMap) -> Option<&str> {
    headers.get(HEADER).and_then(|value| value.to_str().ok())
}

/// Middleware: an `X-Request-Id` is kept only when a trusted proxy (`--behind-proxy`)
/// sent it and it is short and plain (letters, digits, `-`, `_`, `.`); anyone else's is
/// dropped, so that a client can neither choose the id its requests are logged under
/// nor put arbitrary text into the log.
pub async fn only_from_trusted_proxies(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let trusted = peer.is_some_and(|peer| proxies.contains(peer));
    let ids = request.headers().get_all(HEADER).iter().count();
    if ids > 0 && !(trusted && ids == 1 && request.headers().get(HEADER).is_some_and(plain)) {
        request.headers_mut().remove(HEADER);
    }
    next.run(request).await
}

fn plain(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_a_proxy() {
        let plain_id = |raw: &str| plain(&HeaderValue::from_str(raw).unwrap());
        assert!(plain_id("6b3c1c9e-0d0b-4f5e-9a7e-3f6d1c2b4a10"));
        assert!(plain_id("caddy.req_42"));
        assert!(!plain_id(""));
        assert!(!plain_id("a b"));
        assert!(!plain_id("\"},{\"level\":\"ERROR\""));
        assert!(!plain_id(&"x".repeat(MAX_LEN + 1)));
    }
}
