//! Adal's companion server: receives the submissions that devices sync from their outbox,
//! hands out tracking numbers, and serves the web app.
//!
//! `main.rs` only parses flags; everything else starts here, so that the integration
//! tests run exactly the server that ships.

pub mod accounts;
pub mod attachments;
pub mod backup;
pub mod calendar;
pub mod db;
pub mod directory;
pub mod error;
pub mod extract;
pub mod routes;
pub mod spreadsheet;
mod static_files;

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use tokio::net::TcpListener;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::PeerIpKeyExtractor;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use db::submissions::StoredSubmission;

use crate::db::Db;
use crate::db::writer::Writer;
use crate::error::ApiError;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (see [`Application::port`]).
    pub listen: SocketAddr,
    /// Directory of the SQLite database, created if missing.
    pub data_dir: PathBuf,
    /// Directory of the Trunk-built web app. May be missing: the API works without it.
    pub static_dir: PathBuf,
    /// Submissions each client IP address regains per second once its burst is spent.
    pub rate_limit_per_second: NonZeroU32,
    /// Submissions a client IP address may send at once.
    pub rate_limit_burst: NonZeroU32,
    /// Where attachments go: `None` for `<data_dir>/attachments`, or `s3://bucket/prefix`
    /// (with the `s3` feature).
    pub attachments_url: Option<String>,
    /// Staff login attempts an IP address may make at once (then one every 6 seconds).
    pub login_burst_per_ip: NonZeroU32,
    /// Login attempts one login may get at once (then one a minute), whatever the address.
    pub login_burst_per_login: NonZeroU32,
    /// The working-day calendar deadlines are counted on.
    pub calendar: adal_core::calendar::Calendar,
}

/// An office behind one address may have a dozen staff logging in at nine.
pub const DEFAULT_LOGIN_BURST_PER_IP: NonZeroU32 = NonZeroU32::new(20).unwrap();
/// Enough for typing mistakes, too few for guessing.
pub const DEFAULT_LOGIN_BURST_PER_LOGIN: NonZeroU32 = NonZeroU32::new(5).unwrap();

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
            data_dir,
            static_dir,
            rate_limit_per_second: DEFAULT_RATE_LIMIT_PER_SECOND,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
            attachments_url: None,
            login_burst_per_ip: DEFAULT_LOGIN_BURST_PER_IP,
            login_burst_per_login: DEFAULT_LOGIN_BURST_PER_LOGIN,
            calendar: adal_core::calendar::Calendar::kazakhstan(),
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
    /// One limiter for the process, keyed by peer IP address.
    pub rate_limit: Arc<GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware>>,
    pub attachments: attachments::Attachments,
    /// Deadlines are counted on this calendar (`calendar.get()`), which administrators
    /// may edit.
    pub calendar: calendar::SharedCalendar,
    pub staff: routes::staff::StaffLimits,
}

impl AppState {
    /// Also starts the writer thread, which stops when the last clone of the state is
    /// dropped.
    pub fn new(db: Db, config: &Config) -> anyhow::Result<AppState> {
        let period = Duration::from_secs(1) / config.rate_limit_per_second.get();
        let rate_limit = GovernorConfigBuilder::default()
            .period(period)
            .burst_size(config.rate_limit_burst.get())
            .finish()
            .context("rate limit period rounds to zero")?;
        let store = attachments::open(&config.data_dir, config.attachments_url.as_deref())?;
        tracing::info!(store = %store.describe(), "attachment store");
        let edited = db
            .call_blocking(|conn| db::calendar::edited_years(conn))
            .context("reading the calendar")?;
        let calendar = calendar::SharedCalendar::new(config.calendar.clone(), edited)
            .context("the calendar years stored by administrators")?;
        let writer = db.start_writer().context("starting the writer")?;
        Ok(AppState {
            db,
            writer,
            static_dir: config.static_dir.clone(),
            rate_limit: Arc::new(rate_limit),
            attachments: attachments::Attachments::new(store),
            calendar,
            staff: routes::staff::StaffLimits::new(
                config.login_burst_per_ip,
                config.login_burst_per_login,
            ),
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
        .fallback_service(static_files::router(&state.static_dir))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(error::render_problems))
        .layer(CompressionLayer::new());
    for (name, value) in security_headers {
        app = app.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)));
    }
    app.layer(
        TraceLayer::new_for_http()
            // The path only: query strings are not ours to log.
            .make_span_with(|request: &Request| {
                tracing::info_span!("http", method = %request.method(), path = %request.uri().path())
            })
            .on_response(|response: &Response, latency: Duration, _: &tracing::Span| {
                let duration_ms = latency.as_millis() as u64;
                tracing::info!(status = response.status().as_u16(), duration_ms, "answered");
            })
            // Failures are logged once, with their cause, by `render_problems`.
            .on_failure(()),
    )
    .with_state(state)
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
    state: AppState,
}

impl Application {
    /// Opens and migrates the database and binds the listener; fails early and clearly
    /// if either is impossible.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::open(&config.data_dir)
            .with_context(|| format!("opening the database in {}", config.data_dir.display()))?;
        if directory::seed_sample(&db).context("loading the sample directory")? {
            tracing::info!("loaded the sample provider directory");
        }
        let state = AppState::new(db, &config)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let local_addr = listener.local_addr()?;
        Ok(Application { listener, local_addr, state })
    }

    /// The address actually bound, with the real port when the config asked for port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        // The limiter keeps one entry per IP address it has seen; forget the idle ones.
        let limiter = Arc::clone(self.state.rate_limit.limiter());
        let staff_limits = self.state.staff.clone();
        let pruning = tokio::spawn(async move {
            let mut every_minute = tokio::time::interval(Duration::from_secs(60));
            loop {
                every_minute.tick().await;
                limiter.retain_recent();
                staff_limits.retain_recent();
            }
        });
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await;
        pruning.abort();
        served.context("serving HTTP")
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
/// already exist in `data_dir`.
pub fn export(data_dir: &Path, mut out: impl Write) -> anyhow::Result<u64> {
    let db = Db::open_existing(data_dir)?;
    let count = db.call_blocking(|conn| {
        db::submissions::for_each(conn, |submission| {
            serde_json::to_writer(&mut out, &submission)?;
            out.write_all(b"\n")
        })
    })?;
    out.flush()?;
    Ok(count)
}

/// Appends an event to the timeline of the submission `tracking`, as the command
/// `adal-server submissions event` does; an `answered` event's note becomes the public
/// answer. `received` and `identity_added` are refused: the server writes those itself.
/// The database must already exist in `data_dir`.
pub fn record_event(
    data_dir: &Path,
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
    let at = db::submissions::stored_precision(now);
    let db = Db::open_existing(data_dir)?;
    let recorded = db.call_blocking(|conn| {
        db::events::append_by_tracking(conn, &tracking.to_string(), kind, at, note.as_deref())
    })?;
    if !recorded {
        anyhow::bail!("no submission with tracking number {tracking}");
    }
    tracing::info!(%tracking, kind = kind.as_str(), "event recorded");
    Ok(adal_core::receipt::StatusEvent { kind, at, note, until: None })
}
