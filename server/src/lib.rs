//! Adal's companion server: receives the submissions that devices sync from their outbox,
//! hands out tracking numbers, and serves the web app.
//!
//! `main.rs` only parses flags; everything else starts here, so that the integration
//! tests run exactly the server that ships.

pub mod accounts;
pub mod attachments;
pub mod backup;
pub mod calendar;
pub mod client;
pub mod config_file;
pub mod db;
pub mod directory;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod request_id;
pub mod routes;
pub mod serve;
pub mod spreadsheet;
mod static_files;
pub mod tls;

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use adal_core::api::ProblemCode;
use anyhow::Context;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use tokio::net::TcpListener;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use db::submissions::StoredSubmission;

use crate::client::{ClientKeyExtractor, TrustedProxies};
use crate::db::Db;
use crate::db::writer::Writer;
use crate::error::ApiError;
use crate::metrics::Metrics;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (see [`Application::port`]).
    pub listen: SocketAddr,
    /// Where to serve `/metrics` (`--metrics-listen`), never on `listen`; `None` serves
    /// no metrics. Port 0 picks a free port (see [`Application::metrics_addr`]).
    pub metrics_listen: Option<SocketAddr>,
    /// Directory of the SQLite database (unless `database` is given), the attachments
    /// (unless `attachments_url` is given) and the TLS certificates; created if missing.
    pub data_dir: PathBuf,
    /// A PostgreSQL database (`postgres://…`, `--database`) instead of the SQLite file
    /// in `data_dir`.
    pub database: Option<String>,
    /// Directory of the Trunk-built web app. May be missing: the API works without it.
    pub static_dir: PathBuf,
    /// Submissions each client IP address regains per second once its burst is spent.
    pub rate_limit_per_second: NonZeroU32,
    /// Submissions a client IP address may send at once.
    pub rate_limit_burst: NonZeroU32,
    /// Where attachments go: `None` for `<data_dir>/attachments`, or `s3://bucket/prefix`
    /// (with the `s3` feature).
    pub attachments_url: Option<String>,
    /// Failed staff logins, at once, from one client address, and per address and login,
    /// and per login from the addresses that failed for it (see
    /// [`routes::staff::login_limits`]).
    pub login_limits: routes::staff::LoginLimits,
    /// Staff requests each client address regains per second once its burst is spent.
    pub staff_rate_limit_per_second: NonZeroU32,
    /// Staff requests a client address may send at once.
    pub staff_rate_limit_burst: NonZeroU32,
    /// The working-day calendar deadlines are counted on.
    pub calendar: adal_core::calendar::Calendar,
    /// A client that has not sent a request's headers within this is disconnected; also
    /// how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// A request whose body sends nothing for this long is answered 408.
    pub body_read_timeout: Duration,
    /// Connections one client address may hold at once (trusted proxies are exempt).
    pub max_connections_per_ip: usize,
    /// `--behind-proxy`: the networks whose `X-Forwarded-For`/`-Proto` are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Unfinished uploads whose last part is older than this are deleted.
    pub upload_expiry: Duration,
    /// Unfinished uploads one client address may hold.
    pub max_unfinished_uploads_per_ip: usize,
    /// Bytes of unfinished uploads one client address may hold.
    pub max_unfinished_upload_bytes_per_ip: u64,
    /// HTTPS on `listen` with this certificate source; plain HTTP when `None`.
    pub tls: Option<tls::TlsConfig>,
    /// `--http-redirect`: a plain-HTTP address whose every request is redirected to HTTPS
    /// (only with `tls`).
    pub http_redirect: Option<SocketAddr>,
}

/// Enough for a phone on a poor line to send a request's few hundred bytes of headers,
/// short enough that a thousand half-open connections cost a thousand only briefly.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// A 2G link stalls for seconds at a time; thirty without a byte is a dead or hostile one.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// A browser opens six connections to a host, and a village office may put a few dozen
/// phones behind one address; an attacker needs many addresses to hold many sockets.
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 64;
/// A phone offline for a week still finishes its uploads; after that nobody will.
pub const DEFAULT_UPLOAD_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);
/// Dozens of phones behind one office address each uploading a photo or two at once.
pub const DEFAULT_MAX_UNFINISHED_UPLOADS_PER_IP: usize = 64;
/// Two submissions' worth of photos (25 MiB each) in flight per address at once.
pub const DEFAULT_MAX_UNFINISHED_UPLOAD_BYTES_PER_IP: u64 = 50 * 1024 * 1024;
/// An office's whole staff working from one address: lists, opening items, reports.
pub const DEFAULT_STAFF_RATE_LIMIT_PER_SECOND: NonZeroU32 = NonZeroU32::new(20).unwrap();
/// See [`DEFAULT_STAFF_RATE_LIMIT_PER_SECOND`]; a morning's first sync fetches much at once.
pub const DEFAULT_STAFF_RATE_LIMIT_BURST: NonZeroU32 = NonZeroU32::new(300).unwrap();

/// An office behind one address may have a dozen staff mistyping at nine.
pub const DEFAULT_LOGIN_FAILURES_PER_IP: NonZeroU32 = NonZeroU32::new(20).unwrap();
/// Enough for typing mistakes, too few for guessing.
pub const DEFAULT_LOGIN_FAILURES_PER_ADDRESS_AND_LOGIN: NonZeroU32 = NonZeroU32::new(5).unwrap();
/// Generous: it only slows a guess spread over many addresses, and never refuses an
/// address that has not failed itself.
pub const DEFAULT_LOGIN_FAILURES_PER_LOGIN: NonZeroU32 = NonZeroU32::new(100).unwrap();

/// Generous on purpose: a whole village office may share one IP address and flush
/// every phone's outbox at once when the connection comes back.
pub const DEFAULT_RATE_LIMIT_PER_SECOND: NonZeroU32 = NonZeroU32::new(20).unwrap();
/// See [`DEFAULT_RATE_LIMIT_PER_SECOND`].
pub const DEFAULT_RATE_LIMIT_BURST: NonZeroU32 = NonZeroU32::new(120).unwrap();

impl Config {
    /// The default rate limits, with the given address and directories.
    pub fn new(listen: SocketAddr, data_dir: PathBuf, static_dir: PathBuf) -> Config {
        Config {
            listen,
            metrics_listen: None,
            data_dir,
            database: None,
            static_dir,
            rate_limit_per_second: DEFAULT_RATE_LIMIT_PER_SECOND,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
            attachments_url: None,
            login_limits: routes::staff::LoginLimits {
                failures_per_ip: DEFAULT_LOGIN_FAILURES_PER_IP,
                failures_per_address_and_login: DEFAULT_LOGIN_FAILURES_PER_ADDRESS_AND_LOGIN,
                failures_per_login: DEFAULT_LOGIN_FAILURES_PER_LOGIN,
            },
            staff_rate_limit_per_second: DEFAULT_STAFF_RATE_LIMIT_PER_SECOND,
            staff_rate_limit_burst: DEFAULT_STAFF_RATE_LIMIT_BURST,
            calendar: adal_core::calendar::Calendar::kazakhstan(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            trusted_proxies: Vec::new(),
            upload_expiry: DEFAULT_UPLOAD_EXPIRY,
            max_unfinished_uploads_per_ip: DEFAULT_MAX_UNFINISHED_UPLOADS_PER_IP,
            max_unfinished_upload_bytes_per_ip: DEFAULT_MAX_UNFINISHED_UPLOAD_BYTES_PER_IP,
            tls: None,
            http_redirect: None,
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Stores submissions, many to a transaction (see [`db::writer`]).
    pub writer: Writer,
    pub static_dir: PathBuf,
    /// The public API's limiter (submissions, receipts, uploads), keyed by client address.
    pub rate_limit: Arc<RateLimit>,
    /// The directory's, with the same numbers: fetching reference data must not spend
    /// the budget a device needs to send its outbox.
    pub directory_rate_limit: Arc<RateLimit>,
    /// Every staff route's, keyed by client address.
    pub staff_rate_limit: Arc<RateLimit>,
    /// Who is behind a request (`--behind-proxy`).
    pub trusted_proxies: TrustedProxies,
    pub body_read_timeout: Duration,
    pub attachments: attachments::Attachments,
    /// Deadlines are counted on this calendar (`calendar.get()`), which administrators
    /// may edit.
    pub calendar: calendar::SharedCalendar,
    pub staff: routes::staff::StaffLimits,
    /// What `/metrics` shows, counted as the server works.
    pub metrics: Metrics,
    /// New channel posts for the open event streams.
    pub channel: routes::staff::channel::Hub,
}

/// A limiter of requests per client address.
pub type RateLimit = GovernorConfig<ClientKeyExtractor, NoOpMiddleware>;

fn rate_limit(per_second: NonZeroU32, burst: NonZeroU32) -> anyhow::Result<Arc<RateLimit>> {
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientKeyExtractor)
        .period(Duration::from_secs(1) / per_second.get())
        .burst_size(burst.get())
        .finish()
        .context("rate limit period rounds to zero")?;
    Ok(Arc::new(config))
}

impl AppState {
    /// Also starts the writer thread, which stops when the last clone of the state is
    /// dropped.
    pub fn new(db: Db, config: &Config) -> anyhow::Result<AppState> {
        let store = attachments::open(&config.data_dir, config.attachments_url.as_deref())?;
        tracing::info!(store = %store.describe(), "attachment store");
        let edited = db
            .call_blocking(|conn| db::calendar::edited_years(conn))
            .context("reading the calendar")?;
        let calendar = calendar::SharedCalendar::new(config.calendar.clone(), edited)
            .context("the calendar years stored by administrators")?;
        let metrics = Metrics::new(config.data_dir.clone());
        if db.dialect() == db::Dialect::Postgres {
            metrics.measure_postgres(db.clone());
        }
        let writer = db.start_writer(metrics.clone()).context("starting the writer")?;
        Ok(AppState {
            db,
            writer,
            static_dir: config.static_dir.clone(),
            rate_limit: rate_limit(config.rate_limit_per_second, config.rate_limit_burst)?,
            directory_rate_limit: rate_limit(
                config.rate_limit_per_second,
                config.rate_limit_burst,
            )?,
            staff_rate_limit: rate_limit(
                config.staff_rate_limit_per_second,
                config.staff_rate_limit_burst,
            )?,
            trusted_proxies: TrustedProxies::new(config.trusted_proxies.clone()),
            body_read_timeout: config.body_read_timeout,
            attachments: attachments::Attachments::new(
                store,
                attachments::UploadQuota::new(
                    config.max_unfinished_uploads_per_ip,
                    config.max_unfinished_upload_bytes_per_ip,
                ),
            ),
            calendar,
            staff: routes::staff::StaffLimits::new(config.login_limits),
            metrics,
            channel: routes::staff::channel::Hub::default(),
        })
    }
}

/// The whole HTTP application. Nothing happens until it serves a request (apart from
/// looking whether the static directory holds a build), so tests could drive it with
/// `tower::ServiceExt::oneshot` too; the rate limiter then needs a
/// `ConnectInfo<SocketAddr>` extension on each submission request.
pub fn router(state: AppState) -> Router {
    // Trunk injects an inline `<script type="module">` loader into index.html, and its
    // hash changes with every build: hence 'unsafe-inline' for scripts until the build
    // emits the hash for us. 'wasm-unsafe-eval' is what compiling the wasm app needs.
    const CSP: &str = "default-src 'self'; \
        script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'; \
        style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
        manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'";
    let security_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, CSP),
    ];

    let mut app = Router::new()
        .merge(routes::router(&state))
        // Metrics have a listener of their own (`--metrics-listen`); here the app's page
        // would answer, and a scraper pointed at the wrong port would read HTML.
        .route(
            "/metrics",
            axum::routing::any(|| async { ApiError::Refused(ProblemCode::NotFound) }),
        )
        .fallback_service(static_files::router(&state.static_dir))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(state.body_read_timeout, serve::body_timeout))
        .layer(axum::middleware::from_fn(error::render_problems))
        // Inside the routing (so it sees the route's template), outside every refusal.
        .layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(axum::middleware::from_fn(no_store))
        .layer(CompressionLayer::new());
    for (name, value) in security_headers {
        app = app.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)));
    }
    // Outside every limit, so that each of them sees the client behind a trusted proxy.
    app = app.layer(axum::middleware::from_fn_with_state(
        state.trusted_proxies.clone(),
        client::identify,
    ));
    app.layer(
        TraceLayer::new_for_http()
            // The path only: query strings are not ours to log. The request's id is in
            // the span, so every line logged for the request carries it.
            .make_span_with(|request: &Request| {
                let id = request_id::of(request.headers()).unwrap_or_default();
                tracing::info_span!(
                    "http",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id = %id,
                )
            })
            .on_response(|response: &Response, latency: Duration, _: &tracing::Span| {
                let duration_ms = latency.as_millis() as u64;
                tracing::info!(status = response.status().as_u16(), duration_ms, "answered");
            })
            // Failures are logged once, with their cause, by `render_problems`.
            .on_failure(()),
    )
    .layer(PropagateRequestIdLayer::new(request_id::HEADER))
    .layer(SetRequestIdLayer::new(request_id::HEADER, MakeRequestUuid))
    .layer(axum::middleware::from_fn_with_state(
        state.trusted_proxies.clone(),
        request_id::only_from_trusted_proxies,
    ))
    .with_state(state)
}

/// Middleware: answers that may hold personal data — the staff API and what a receipt
/// shows its holder — are `no-store`, refusals included, so that no cache on a shared
/// computer or in between keeps them.
async fn no_store(request: Request, next: axum::middleware::Next) -> Response {
    let path = request.uri().path();
    let personal = path == "/api/v1/staff"
        || path.starts_with("/api/v1/staff/")
        || path.starts_with("/api/v1/submissions/") && path != "/api/v1/submissions/batch";
    let mut response = next.run(request).await;
    if personal {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    ApiError::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    /// `--metrics-listen`, bound.
    metrics: Option<(TcpListener, SocketAddr)>,
    tls: Option<tls::Tls>,
    redirect: Option<(TcpListener, SocketAddr)>,
    state: AppState,
    limits: serve::ConnectionLimits,
    upload_expiry: Duration,
}

impl Application {
    /// Opens and migrates the database and binds the listener; fails early and clearly
    /// if either is impossible.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let location = db::Location::of(&config.data_dir, config.database.as_deref());
        let db = Db::open_at(&location)
            .with_context(|| format!("opening the database in {}", location.describe()))?;
        if directory::seed_sample(&db).context("loading the sample directory")? {
            tracing::info!("loaded the sample provider directory");
        }
        let tls = match &config.tls {
            Some(tls) => Some(tls::Tls::new(tls, &config.data_dir).context("setting up TLS")?),
            None => None,
        };
        let state = AppState::new(db, &config)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let local_addr = listener.local_addr()?;
        let metrics = match config.metrics_listen {
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .with_context(|| format!("listening for metrics on {address}"))?;
                let bound = listener.local_addr()?;
                Some((listener, bound))
            }
            None => None,
        };
        let redirect = match config.http_redirect {
            None => None,
            Some(_) if tls.is_none() => {
                anyhow::bail!("--http-redirect needs HTTPS: --tls-cert and --tls-key, or --acme")
            }
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .with_context(|| format!("listening on {address} (--http-redirect)"))?;
                let local = listener.local_addr()?;
                Some((listener, local))
            }
        };
        let limits = serve::ConnectionLimits {
            header_read_timeout: config.header_read_timeout,
            max_connections_per_ip: config.max_connections_per_ip,
            trusted_proxies: state.trusted_proxies.clone(),
        };
        Ok(Application {
            listener,
            local_addr,
            metrics,
            tls,
            redirect,
            state,
            limits,
            upload_expiry: config.upload_expiry,
        })
    }

    /// `https` or `http`: what `local_addr` speaks.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }

    /// The plain-HTTP address that redirects to HTTPS, if `--http-redirect` was given.
    pub fn redirect_addr(&self) -> Option<SocketAddr> {
        self.redirect.as_ref().map(|(_, address)| *address)
    }

    /// The address actually bound, with the real port when the config asked for port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The address `/metrics` is served on, if `--metrics-listen` asked for it.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, address)| *address)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting, finishes the requests in
    /// flight and lets the writer commit what it was given: every request answered 2xx
    /// is on disk when this returns, and none is half-stored.
    pub async fn run(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes, then shuts down as [`Application::run`] does.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        // The limiters keep one entry per address they have seen; forget the idle ones.
        let limiters = [
            Arc::clone(self.state.rate_limit.limiter()),
            Arc::clone(self.state.directory_rate_limit.limiter()),
            Arc::clone(self.state.staff_rate_limit.limiter()),
        ];
        let staff_limits = self.state.staff.clone();
        let connections = serve::ConnectionCounts::new(self.state.metrics.connections_refused());
        let refused = connections.clone();
        let pruning = tokio::spawn(async move {
            let mut every_minute = tokio::time::interval(Duration::from_secs(60));
            loop {
                every_minute.tick().await;
                limiters.iter().for_each(|limiter| limiter.retain_recent());
                staff_limits.retain_recent();
                // One line a minute, however many: an attack must not flood the log.
                let refused = refused.take_refused();
                if refused > 0 {
                    tracing::warn!(refused, "connections refused: too many from one address");
                }
            }
        });
        let expiring = tokio::spawn(attachments::expire_uploads(
            self.state.attachments.clone(),
            self.upload_expiry,
        ));
        let (acceptor, refreshing) = match self.tls {
            Some(tls) => (Some(tls.acceptor.clone()), Some(tokio::spawn(tls.keep_fresh()))),
            None => (None, None),
        };
        let shutdown = futures_util::FutureExt::shared(Box::pin(shutdown));
        let redirecting = self.redirect.map(|(listener, _)| {
            let app = tls::redirect_router(self.local_addr.port());
            let (limits, counts) = (self.limits.clone(), connections.clone());
            tokio::spawn(serve::serve(listener, app, limits, counts, None, shutdown.clone()))
        });
        // Operators' scrapes are answered until the public listener has finished.
        let metrics = self.metrics.map(|(listener, _)| {
            let app = metrics::router(self.state.metrics.clone());
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, app).await {
                    tracing::error!(%error, "the metrics listener failed");
                }
            })
        });
        // The channel's event streams never end by themselves: end them, or the
        // connections they hold would keep the server from stopping.
        let (hub, stopping) = (self.state.channel.clone(), shutdown.clone());
        tokio::spawn(async move {
            stopping.await;
            hub.close();
        });
        let writer = self.state.writer.clone();
        let app = router(self.state);
        serve::serve(self.listener, app, self.limits, connections, acceptor, shutdown).await;
        if let Some(redirecting) = redirecting {
            let _ = redirecting.await;
        }
        // Every request has been answered; a handler whose client went away may still
        // have left its submissions in the writer's queue: those are committed too.
        writer.drain().await;
        pruning.abort();
        expiring.abort();
        if let Some(refreshing) = refreshing {
            refreshing.abort();
        }
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Writes every stored submission to `out` as one JSON object per line (see
/// [`StoredSubmission`]), oldest first; returns how many were written. The database must
/// already exist `at` (a data directory, or a [`db::Location`]).
pub fn export(at: impl Into<db::Location>, mut out: impl Write) -> anyhow::Result<u64> {
    let db = Db::open_existing_at(&at.into())?;
    let mut write = |submission: &StoredSubmission| {
        serde_json::to_writer(&mut out, submission)?;
        out.write_all(b"\n")
    };
    let async_code = tokio::runtime::Handle::try_current().is_ok();
    let count = match db.dialect() {
        // Streamed, a row (or a cursor's batch) at a time, on this thread.
        db::Dialect::Sqlite => {
            db.call_here(|conn| db::submissions::for_each(conn, |s| write(&s)))?
        }
        db::Dialect::Postgres if !async_code => {
            db.call_here(|conn| db::submissions::for_each(conn, |s| write(&s)))?
        }
        // From async code (tests), rust-postgres's blocking client runs on a thread of its
        // own, and `out` may not cross threads: collected first.
        db::Dialect::Postgres => {
            let mut all = Vec::new();
            db.call_blocking(|conn| {
                db::submissions::for_each(conn, |s| {
                    all.push(s);
                    Ok(())
                })
            })?;
            for submission in &all {
                write(submission)?;
            }
            all.len() as u64
        }
    };
    out.flush()?;
    Ok(count)
}

/// Appends an event to the timeline of the submission `tracking`, as the command
/// `adal-server submissions event` does; an `answered` event's note becomes the public
/// answer. `received` and `identity_added` are refused: the server writes those itself.
/// The database must already exist in `data_dir`.
pub fn record_event(
    at_database: impl Into<db::Location>,
    tracking: &str,
    kind: adal_core::receipt::EventKind,
    note: Option<&str>,
) -> anyhow::Result<adal_core::receipt::StatusEvent> {
    if !kind.is_recorded_by_staff() {
        anyhow::bail!("`{}` events are recorded by the server itself", kind.as_str());
    }
    let tracking: adal_core::TrackingNumber = tracking.parse()?;
    let note = note.map(str::trim).filter(|note| !note.is_empty()).map(str::to_owned);
    let now = time::OffsetDateTime::now_utc();
    // Stored to the millisecond; answer with what a later read gives back.
    let at = db::clock::stored_precision(now);
    let db = Db::open_existing_at(&at_database.into())?;
    let recorded = db.call_blocking(|conn| {
        db::events::append_by_tracking(conn, &tracking.to_string(), kind, at, note.as_deref())
    })?;
    if !recorded {
        anyhow::bail!("no submission with tracking number {tracking}");
    }
    tracing::info!(%tracking, kind = kind.as_str(), "event recorded");
    Ok(adal_core::receipt::StatusEvent { kind, at, note, until: None })
}
