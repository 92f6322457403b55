//! Who is on the other end of a request: the client's address and whether it reached us
//! over HTTPS (our own TLS, or a trusted proxy's), as the rate limits, the login limits and the HSTS header need them.
//!
//! Without `--behind-proxy` the client is the TCP peer and forwarded headers are ignored
//! (anyone can write them). With it, a request whose peer lies in one of the trusted
//! networks is taken to come from the right-most `X-Forwarded-For` address that is not
//! itself a trusted proxy (each proxy appends the address it saw, so everything left of
//! that may be made up by the client), and `X-Forwarded-Proto` tells the scheme.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

use crate::error::ApiError;

/// `Strict-Transport-Security` on answers sent over HTTPS: a year, the usual value once
/// a deployment is known to work; subdomains are left alone, as an office's domain may
/// have plain-HTTP hosts that are not ours.
const HSTS: &str = "max-age=31536000";

/// The networks whose forwarded headers are believed (`--behind-proxy`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(Arc::new(networks))
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client behind a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return Client { ip: peer, https: false };
        }
        Client { ip: self.forwarded_for(peer, headers), https: forwarded_https(headers) }
    }

    /// The right-most `X-Forwarded-For` address that is not a trusted proxy; the left-most
    /// one when all are; the peer when the header is missing or the proxies wrote
    /// something that is not an address.
    fn forwarded_for(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let listed: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for raw in listed.iter().rev() {
            let Some(ip) = parse_forwarded_ip(raw) else {
                return client;
            };
            client = ip;
            if !self.contains(ip) {
                return ip;
            }
        }
        client
    }
}

/// `X-Forwarded-Proto` as the nearest proxy wrote it (the last value).
fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .next_back()
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// An address as proxies write it: `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:443` or
/// `203.0.113.7:5000`.
fn parse_forwarded_ip(raw: &str) -> Option<IpAddr> {
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    raw.parse::<SocketAddr>().ok().map(|address| canonical(address.ip()))
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:203.0.113.7`) is that IPv4
/// client: one key for the limits, and IPv4 networks match it.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client of one request, put in its extensions by [`identify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// Whether the client's own connection was HTTPS: ours (`--tls-cert`, `--acme`), or a
    /// trusted proxy's that said so.
    pub https: bool,
}

/// Middleware: works out the [`Client`] of every request before any limit looks at it,
/// and adds HSTS to answers that went out over HTTPS.
pub async fn identify(
    proxies: axum::extract::State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let over_tls = request.extensions().get::<crate::serve::OverTls>().is_some();
    let client = peer.map(|peer| {
        let client = proxies.client(peer, request.headers());
        Client { https: client.https || over_tls, ..client }
    });
    if let Some(client) = client {
        request.extensions_mut().insert(client);
    }
    let mut response = next.run(request).await;
    if client.is_some_and(|client| client.https) {
        response
            .headers_mut()
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, ApiError> {
        // Missing only if the router is served without `ConnectInfo`: a wiring mistake.
        parts
            .extensions
            .get::<Client>()
            .copied()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no client address on the request")))
    }
}

/// The rate limiters' key: the client's address as [`identify`] found it.
#[derive(Debug, Clone, Copy)]
pub struct ClientKeyExtractor;

impl KeyExtractor for ClientKeyExtractor {
    type Key = IpAddr;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<IpAddr, GovernorError> {
        request
            .extensions()
            .get::<Client>()
            .map(|client| client.ip)
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(networks: &[&str]) -> TrustedProxies {
        TrustedProxies::new(networks.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_forwarded_headers_are_ignored() {
        let forged = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-proto", "https")]);
        let client = TrustedProxies::default().client(ip("198.51.100.9"), &forged);
        assert_eq!(client, Client { ip: ip("198.51.100.9"), https: false });
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let proxies = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client forged the first entry; the proxy chain appended the rest.
        let chain = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
            ("x-forwarded-for", "10.1.2.3"),
            ("x-forwarded-proto", "https"),
        ]);
        let client = proxies.client(ip("127.0.0.1"), &chain);
        assert_eq!(client, Client { ip: ip("203.0.113.7"), https: true });
        // From a peer that is not a proxy, the same headers mean nothing.
        assert_eq!(proxies.client(ip("203.0.113.50"), &chain).ip, ip("203.0.113.50"));
    }

    #[test]
    fn odd_forwarded_values_fall_back_to_what_is_known() {
        let proxies = proxies(&["127.0.0.0/8", "::1/128"]);
        let peer = ip("127.0.0.1");
        assert_eq!(proxies.client(peer, &HeaderMap::new()).ip, peer);
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(proxies.client(peer, &garbage).ip, peer);
        let ported = headers(&[("x-forwarded-for", "[2001:db8::1]:443, 203.0.113.7:5000")]);
        assert_eq!(proxies.client(peer, &ported).ip, ip("203.0.113.7"));
        let all_proxies = headers(&[("x-forwarded-for", "127.0.0.5, 127.0.0.6")]);
        assert_eq!(proxies.client(peer, &all_proxies).ip, ip("127.0.0.5"));
        let mapped = headers(&[("x-forwarded-for", "::ffff:203.0.113.7")]);
        assert_eq!(proxies.client(ip("::1"), &mapped).ip, ip("203.0.113.7"));
        let http = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(!proxies.client(peer, &http).https);
    }
}
