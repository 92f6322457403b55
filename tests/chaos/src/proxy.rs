//! The faulty network: an HTTP proxy on a loopback port between the devices and the
//! server. For each request a seeded random draw picks what the network does to it, and
//! for whole periods the "network is down": the port stops listening (connections are
//! refused) and open connections are reset.
//!
//! Forwarding runs in a task of its own, so a request that reached the proxy reaches the
//! server even when the device has given up waiting: that is how a real network loses
//! answers, not requests.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the network does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded, answered faithfully.
    Pass,
    /// Answered 500 by the proxy; the server never sees it.
    Refuse500,
    /// Forwarded (the server stores it), then answered 500: the device never learns.
    Forward500,
    /// Forwarded, then the connection is closed before the answer.
    ForwardDrop,
    /// Held past the device's timeout, then forwarded.
    Delay,
    /// Forwarded; the answer's body is cut in half (a short body, or a broken connection).
    Truncate,
    /// The connection is reset (TCP RST) before anything is forwarded.
    Reset,
}

impl Fault {
    pub const ALL: [Fault; 7] = [
        Fault::Pass,
        Fault::Refuse500,
        Fault::Forward500,
        Fault::ForwardDrop,
        Fault::Delay,
        Fault::Truncate,
        Fault::Reset,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Fault::Pass => "passed through",
            Fault::Refuse500 => "500 without forwarding",
            Fault::Forward500 => "forwarded, then 500",
            Fault::ForwardDrop => "forwarded, then dropped",
            Fault::Delay => "delayed past the timeout",
            Fault::Truncate => "body truncated",
            Fault::Reset => "connection reset",
        }
    }
}

/// The proxy's settings.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    /// Probability that a request meets any fault (spread evenly over the kinds).
    pub rate: f64,
    /// How long a delayed request is held: longer than the devices' timeout.
    pub delay: Duration,
    pub seed: u64,
}

/// What the proxy did, counted.
#[derive(Debug, Default)]
pub struct Counters {
    by_fault: [AtomicU64; 7],
    /// Forwards that found no server (it was killed): answered 502.
    pub upstream_down: AtomicU64,
    /// Open connections reset when the network went down.
    pub connections_cut: AtomicU64,
}

impl Counters {
    pub fn of(&self, fault: Fault) -> u64 {
        self.by_fault[fault as usize].load(Ordering::Relaxed)
    }
}

struct Shared {
    /// The servers, each request to the next in turn (round-robin).
    upstreams: Vec<String>,
    next: AtomicUsize,
    faults: Faults,
    rng: Mutex<StdRng>,
    client: reqwest::Client,
    counters: Arc<Counters>,
    up: watch::Sender<bool>,
}

/// A running proxy. Dropping it does not stop it; the process ends it.
#[derive(Clone)]
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

type Body = BoxBody<Bytes, io::Error>;

impl Proxy {
    /// Listens on the first of `ports` (loopback) that is free and forwards each request
    /// to the next of `upstreams` in turn.
    pub async fn start(
        upstreams: &[SocketAddr],
        faults: Faults,
        ports: impl IntoIterator<Item = u16>,
    ) -> anyhow::Result<Proxy> {
        let mut listener = None;
        for port in ports {
            if let Ok(bound) = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await {
                listener = Some(bound);
                break;
            }
        }
        let listener = listener.ok_or_else(|| anyhow::anyhow!("no free port for the proxy"))?;
        let addr = listener.local_addr()?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(64)
            .build()?;
        let (up, _) = watch::channel(true);
        let shared = Arc::new(Shared {
            upstreams: upstreams.iter().map(|addr| format!("http://{addr}")).collect(),
            next: AtomicUsize::new(0),
            faults,
            rng: Mutex::new(StdRng::seed_from_u64(faults.seed)),
            client,
            counters: Arc::default(),
            up,
        });
        tokio::spawn(serve(listener, Arc::clone(&shared)));
        Ok(Proxy { addr, shared })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.shared.counters)
    }

    /// Takes the network down (`false`: refuse and reset everything) or brings it back.
    pub fn set_up(&self, up: bool) {
        self.shared.up.send_replace(up);
    }

    /// Tells when the network comes back, as a phone's "online" event does.
    pub fn watch(&self) -> watch::Receiver<bool> {
        self.shared.up.subscribe()
    }
}

/// Accepts while the network is up; closes the port while it is down and binds it again
/// when it comes back.
async fn serve(mut listener: TcpListener, shared: Arc<Shared>) {
    let addr = listener.local_addr().expect("a bound listener has an address");
    let mut up = shared.up.subscribe();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(connection(stream, Arc::clone(&shared)));
                }
            }
            changed = up.changed() => {
                if changed.is_err() {
                    return;
                }
                if *up.borrow_and_update() {
                    continue;
                }
                drop(listener);
                // Down: nothing listens, so connecting is refused. Wait for the network.
                while !*up.borrow_and_update() {
                    if up.changed().await.is_err() {
                        return;
                    }
                }
                listener = match rebind(addr).await {
                    Some(listener) => listener,
                    None => {
                        // The devices will find nobody listening and the check will fail.
                        eprintln!("chaos: the proxy cannot listen on {addr} again");
                        return;
                    }
                };
            }
        }
    }
}

async fn rebind(addr: SocketAddr) -> Option<TcpListener> {
    for _ in 0..200 {
        if let Ok(listener) = TcpListener::bind(addr).await {
            return Some(listener);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

/// Serves one device connection (HTTP/1.1, keep-alive) until it ends or the network
/// goes down.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    // A second handle on the socket, kept here, lets a fault (or the network going down)
    // turn the close into a reset: with a zero linger, the last close sends RST.
    let Ok(std) = stream.into_std() else { return };
    let Ok(handle) = std.try_clone() else { return };
    let Ok(stream) = TcpStream::from_std(std) else { return };
    let handle = Arc::new(handle);
    let mut up = shared.up.subscribe();
    let counters = Arc::clone(&shared.counters);
    let service = {
        let handle = Arc::clone(&handle);
        service_fn(move |request| handle_request(Arc::clone(&shared), Arc::clone(&handle), request))
    };
    let served = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = served => {}
        _ = async { while up.changed().await.is_ok() && *up.borrow() {} } => {
            // The network went down under an open connection: reset it.
            let _ = socket2::SockRef::from(&*handle).set_linger(Some(Duration::ZERO));
            counters.connections_cut.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn handle_request(
    shared: Arc<Shared>,
    socket: Arc<std::net::TcpStream>,
    request: Request<Incoming>,
) -> Result<Response<Body>, io::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    let fault = pick(&shared);
    shared.counters.by_fault[fault as usize].fetch_add(1, Ordering::Relaxed);
    let forward = |delay: Duration| {
        let shared = Arc::clone(&shared);
        let (method, uri, headers) =
            (parts.method.clone(), parts.uri.clone(), parts.headers.clone());
        let body = body.clone();
        // A task of its own: it finishes even if the device hangs up meanwhile.
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            forward(&shared, method, &uri, headers, body).await
        })
    };
    match fault {
        Fault::Pass => Ok(into_response(forward(Duration::ZERO).await?)),
        Fault::Refuse500 => Ok(plain(StatusCode::INTERNAL_SERVER_ERROR, "proxy says no")),
        Fault::Forward500 => {
            forward(Duration::ZERO).await?;
            Ok(plain(StatusCode::INTERNAL_SERVER_ERROR, "lost on the way back"))
        }
        Fault::ForwardDrop => {
            forward(Duration::ZERO).await?;
            Err(io::Error::other("dropped before the answer"))
        }
        Fault::Delay => Ok(into_response(forward(shared.faults.delay).await?)),
        Fault::Truncate => {
            let upstream = forward(Duration::ZERO).await?;
            let cut_connection =
                shared.rng.lock().map(|mut rng| rng.random_bool(0.5)).unwrap_or(true);
            Ok(truncated(upstream, cut_connection))
        }
        Fault::Reset => {
            socket2::SockRef::from(&*socket).set_linger(Some(Duration::ZERO))?;
            Err(io::Error::other("reset"))
        }
    }
}

fn pick(shared: &Shared) -> Fault {
    let mut rng = shared.rng.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !rng.random_bool(shared.faults.rate.clamp(0.0, 1.0)) {
        return Fault::Pass;
    }
    Fault::ALL[rng.random_range(1..Fault::ALL.len())]
}

/// An answer from the server, read whole.
struct Upstream {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: Bytes,
}

async fn forward(
    shared: &Shared,
    method: hyper::Method,
    uri: &hyper::Uri,
    mut headers: hyper::HeaderMap,
    body: Bytes,
) -> Upstream {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    for hop in ["host", "connection", "content-length", "transfer-encoding", "keep-alive"] {
        headers.remove(hop);
    }
    let turn = shared.next.fetch_add(1, Ordering::Relaxed) % shared.upstreams.len();
    let sent = shared
        .client
        .request(method, format!("{}{path}", shared.upstreams[turn]))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            response.bytes().await.map(|body| Upstream { status, headers, body })
        }
        Err(e) => Err(e),
    };
    answer.unwrap_or_else(|_| {
        shared.counters.upstream_down.fetch_add(1, Ordering::Relaxed);
        Upstream {
            status: StatusCode::BAD_GATEWAY,
            headers: hyper::HeaderMap::new(),
            body: Bytes::from_static(b"no server"),
        }
    })
}

fn into_response(upstream: Upstream) -> Response<Body> {
    let mut response = Response::new(full(upstream.body));
    *response.status_mut() = upstream.status;
    *response.headers_mut() = upstream.headers;
    for hop in ["connection", "content-length", "transfer-encoding", "keep-alive"] {
        response.headers_mut().remove(hop);
    }
    response
}

/// Half the body: either as a complete, short message (the body parses as garbage) or
/// with the full length announced and the connection broken half-way.
fn truncated(upstream: Upstream, cut_connection: bool) -> Response<Body> {
    let full_length = upstream.body.len();
    let half = upstream.body.slice(..full_length / 2);
    let mut response = into_response(Upstream { body: Bytes::new(), ..upstream });
    if cut_connection {
        // The pause lets the status line, the headers and the first half reach the
        // device before the connection breaks.
        let first_half = futures_util::stream::iter([Ok(Frame::data(half))]);
        let then_break = futures_util::stream::once(async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Err(io::Error::other("cut mid-body"))
        });
        let body = futures_util::StreamExt::chain(first_half, then_break);
        *response.body_mut() = BodyExt::boxed(StreamBody::new(body));
        response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(full_length));
    } else {
        *response.body_mut() = full(half);
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(full(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}
