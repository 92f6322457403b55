//! The accept loop: HTTP/1.1 connections served by hyper with the limits that keep a
//! slow or greedy client from holding the server (`axum::serve` has none of them).
//!
//! - Headers must arrive within the header read timeout, which is also how long an idle
//!   keep-alive connection is kept: a client that sends half its headers and then
//!   nothing (slowloris) is disconnected.
//! - A request body that stops arriving for the body read timeout ends the request with
//!   408 ([`body_timeout`]).
//! - One address holds at most so many connections at once; the next are closed as soon
//!   as they are accepted. Trusted proxies are exempt: every client behind them shares
//!   their address.
//!
//! - With TLS ([`crate::tls`]), the handshake must finish within the header read
//!   timeout too: a client that opens a connection and never completes it is dropped.
//!
//! HTTP/2 is not offered, not even over TLS: hyper's HTTP/2 server has no header read or
//! idle timeout, so its connections would escape the limits above.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adal_core::api::ProblemCode;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use prometheus_client::metrics::counter::Counter;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::client::TrustedProxies;
use crate::error::ApiError;

/// How connections are limited; see the module's documentation.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub max_connections_per_ip: usize,
    /// Exempt from the per-address cap.
    pub trusted_proxies: TrustedProxies,
}

/// Open connections per address, and how many were refused since the last report (and
/// in all, for `/metrics`).
#[derive(Clone, Default)]
pub struct ConnectionCounts {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    refused: Arc<AtomicU64>,
    refused_total: Counter,
}

impl ConnectionCounts {
    /// Counts refusals into `refused_total` too.
    pub fn new(refused_total: Counter) -> ConnectionCounts {
        ConnectionCounts { refused_total, ..ConnectionCounts::default() }
    }

    /// Takes one of `ip`'s `max` connection slots, or `None` when it holds them all.
    fn acquire(&self, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(ip).or_default();
        if *count >= max {
            drop(open);
            self.refused.fetch_add(1, Ordering::Relaxed);
            self.refused_total.inc();
            return None;
        }
        *count += 1;
        Some(Slot { ip, counts: self.clone() })
    }

    /// How many connections were refused since the last call (for a periodic log line).
    pub fn take_refused(&self) -> u64 {
        self.refused.swap(0, Ordering::Relaxed)
    }
}

/// One open connection of an address; gives its slot back when dropped.
struct Slot {
    ip: IpAddr,
    counts: ConnectionCounts,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Put in the extensions of every request that came over our own TLS (not a proxy's).
#[derive(Debug, Clone, Copy)]
pub struct OverTls;

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown` completes, then
/// stops accepting and waits for the connections in flight to finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    counts: ConnectionCounts,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let exempt = limits.trusted_proxies.contains(peer.ip());
        let max = if exempt { usize::MAX } else { limits.max_connections_per_ip };
        // Refused: dropping the stream closes it at once, before a byte is read.
        let Some(slot) = counts.acquire(peer.ip(), max) else {
            continue;
        };
        // Small answers go out at once rather than waiting for more to send.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let http = http.clone();
        let watcher = graceful.watcher();
        let Some(tls) = tls.clone() else {
            let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(request)
            });
            let connection = watcher.watch(http.serve_connection(TokioIo::new(stream), service));
            tokio::spawn(finish(connection, slot));
            continue;
        };
        let handshake_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(handshake_timeout, tls.accept(stream)).await {
                Ok(Ok(stream)) => stream,
                // A scanner, a client that does not trust us, or one that never finished.
                Ok(Err(error)) => return tracing::debug!(%error, "TLS handshake failed"),
                Err(_) => return tracing::debug!("TLS handshake timed out"),
            };
            if stream.get_ref().1.alpn_protocol() == Some(crate::tls::ACME_TLS_ALPN) {
                // The ACME CA's validation: the handshake itself was the answer.
                let mut stream = stream;
                let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
                return;
            }
            let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.extensions_mut().insert(OverTls);
                app.clone().oneshot(request)
            });
            let connection = watcher.watch(http.serve_connection(TokioIo::new(stream), service));
            finish(connection, slot).await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Runs one connection to its end, then gives its address's slot back.
async fn finish<E: std::fmt::Display>(connection: impl Future<Output = Result<(), E>>, slot: Slot) {
    // A client that went away or timed out: routine, nothing to report.
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended with an error");
    }
    drop(slot);
}

/// Out of file descriptors and the like: wait a little rather than spin; a connection
/// that failed before it was accepted is the client's business.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Set by the request body when it stopped arriving.
#[derive(Clone, Default)]
struct TimedOut(Arc<AtomicBool>);

#[derive(Debug, thiserror::Error)]
#[error("the request body stopped arriving")]
struct BodyTimedOut;

/// Middleware: a request body that sends nothing for `timeout` fails to read, and the
/// request is answered 408 whatever its handler made of the failure; the connection is
/// closed, as the rest of the body will not be read.
pub async fn body_timeout(
    axum::extract::State(timeout): axum::extract::State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let timed_out = TimedOut::default();
    let flag = timed_out.clone();
    let request = request.map(|body| {
        let frames = body.into_data_stream();
        let guarded = futures_util::stream::unfold(Some(frames), move |frames| {
            let flag = flag.clone();
            async move {
                let mut frames = frames?;
                match tokio::time::timeout(timeout, frames.next()).await {
                    Ok(Some(frame)) => Some((frame.map_err(axum::Error::new), Some(frames))),
                    Ok(None) => None,
                    Err(_) => {
                        flag.0.store(true, Ordering::Relaxed);
                        Some((Err(axum::Error::new(BodyTimedOut)), None))
                    }
                }
            }
        });
        Body::from_stream(guarded)
    });
    let response = next.run(request).await;
    if !timed_out.0.load(Ordering::Relaxed) {
        return response;
    }
    ApiError::Refused(ProblemCode::RequestTimeout).into_response()
}
