//! What an operator's Prometheus reads at `/metrics` on `--metrics-listen`, a listener of
//! its own: never on the public one, where anybody could read the office's traffic.
//!
//! One [`Metrics`] per application with its own registry (prometheus-client), rather
//! than a process-wide recorder: the integration tests run many servers in one process,
//! and each must count only its own requests.
//!
//! Labels are bounded by construction: routes are the router's templates
//! (`/api/v1/submissions/{tracking}`, never a tracking number), districts and forms come
//! from the catalogue after validation. No label ever holds what a person typed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SubmissionLabels {
    district: String,
    form: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The application's metrics; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    data_dir: PathBuf,
    requests: Family<RequestLabels, Counter>,
    request_seconds: HistogramFamily<RouteLabels>,
    rate_limited: Family<RouteLabels, Counter>,
    group_submissions: Histogram,
    group_commit_seconds: Histogram,
    submission_wait_seconds: Histogram,
    submissions_accepted: Family<SubmissionLabels, Counter>,
    attachment_bytes: Counter,
    attachments_stored: Counter,
    login_failures: Counter,
    connections_refused: Counter,
    database_bytes: Gauge,
    data_dir_free_bytes: Gauge,
    /// A PostgreSQL database, whose size PostgreSQL tells (SQLite's is its files').
    postgres: std::sync::OnceLock<crate::db::Db>,
}

fn request_seconds() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    /// Metrics of a server whose database lives in `data_dir`.
    pub fn new(data_dir: PathBuf) -> Metrics {
        let mut registry = Registry::with_prefix("adal");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            requests.clone(),
        );
        let request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(request_seconds);
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer a request (headers sent), by route template",
            Unit::Seconds,
            request_seconds.clone(),
        );
        let rate_limited = Family::<RouteLabels, Counter>::default();
        registry.register(
            "rate_limit_refusals",
            "Requests refused 429 by a rate limit (per address, per login, uploads), by route",
            rate_limited.clone(),
        );
        let connections_refused = Counter::default();
        registry.register(
            "connections_refused",
            "Connections closed at once: their address held --max-connections-per-ip",
            connections_refused.clone(),
        );
        let group_submissions = Histogram::new(exponential_buckets(1.0, 2.0, 11));
        registry.register(
            "group_commit_submissions",
            "Submissions stored by one transaction of the group-commit writer",
            group_submissions.clone(),
        );
        let group_commit_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        registry.register_with_unit(
            "group_commit_duration",
            "Time one group takes to store and commit (fsync included)",
            Unit::Seconds,
            group_commit_seconds.clone(),
        );
        let submission_wait_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        registry.register_with_unit(
            "group_commit_wait",
            "Time a request waits from joining the writer's queue to its group's commit",
            Unit::Seconds,
            submission_wait_seconds.clone(),
        );
        let submissions_accepted = Family::<SubmissionLabels, Counter>::default();
        registry.register(
            "submissions_accepted",
            "Submissions stored for the first time (not resends), by district and form",
            submissions_accepted.clone(),
        );
        let attachment_bytes = Counter::default();
        registry.register_with_unit(
            "attachment",
            "Bytes of attachments verified and stored",
            Unit::Bytes,
            attachment_bytes.clone(),
        );
        let attachments_stored = Counter::default();
        registry.register(
            "attachments_stored",
            "Attachments verified and stored",
            attachments_stored.clone(),
        );
        let login_failures = Counter::default();
        registry.register(
            "staff_login_failures",
            "Staff logins refused: unknown login, wrong password or disabled account",
            login_failures.clone(),
        );
        let database_bytes = Gauge::default();
        registry.register_with_unit(
            "database_size",
            "Size of the database (SQLite's file with its WAL, or PostgreSQL's \
             pg_database_size), sampled at each scrape",
            Unit::Bytes,
            database_bytes.clone(),
        );
        let data_dir_free_bytes = Gauge::default();
        registry.register_with_unit(
            "data_dir_free",
            "Space left for the database on the data directory's file system (unprivileged)",
            Unit::Bytes,
            data_dir_free_bytes.clone(),
        );
        Metrics(Arc::new(Inner {
            registry,
            data_dir,
            requests,
            request_seconds,
            rate_limited,
            group_submissions,
            group_commit_seconds,
            submission_wait_seconds,
            submissions_accepted,
            attachment_bytes,
            attachments_stored,
            login_failures,
            connections_refused,
            database_bytes,
            data_dir_free_bytes,
            postgres: std::sync::OnceLock::new(),
        }))
    }

    /// One commit of the writer: how many submissions and how long it took.
    pub fn group_committed(&self, submissions: usize, took: Duration) {
        self.0.group_submissions.observe(submissions as f64);
        self.0.group_commit_seconds.observe(took.as_secs_f64());
    }

    /// A request's submissions were committed `since` it queued them.
    pub fn waited(&self, since: Instant) {
        self.0.submission_wait_seconds.observe(since.elapsed().as_secs_f64());
    }

    /// A submission stored for the first time.
    pub fn submission_accepted(&self, district: adal_core::District, form: &str) {
        let labels = SubmissionLabels { district: district.code().to_owned(), form: form.into() };
        self.0.submissions_accepted.get_or_create(&labels).inc();
    }

    /// An attachment of `bytes` verified and stored.
    pub fn attachment_stored(&self, bytes: u64) {
        self.0.attachments_stored.inc();
        self.0.attachment_bytes.inc_by(bytes);
    }

    pub fn login_failed(&self) {
        self.0.login_failures.inc();
    }

    /// Samples the size of `db` from PostgreSQL at each scrape, not from the data
    /// directory's files (for a database on PostgreSQL).
    pub fn measure_postgres(&self, db: crate::db::Db) {
        let _ = self.0.postgres.set(db);
    }

    /// The counter `serve` adds refused connections to.
    pub fn connections_refused(&self) -> Counter {
        self.0.connections_refused.clone()
    }

    /// The text Prometheus reads (OpenMetrics), with the sizes sampled now.
    pub fn render(&self) -> String {
        let database = crate::db::FILE_NAME;
        let size =
            |name: String| std::fs::metadata(self.0.data_dir.join(name)).map_or(0, |m| m.len());
        let bytes = match self.0.postgres.get() {
            Some(db) => db.postgres_size().unwrap_or_else(|error| {
                tracing::warn!(%error, "cannot read the database's size");
                0
            }),
            None => size(database.into()) + size(format!("{database}-wal")),
        };
        self.0.database_bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
        match free_bytes(&self.0.data_dir) {
            Ok(free) => {
                self.0.data_dir_free_bytes.set(i64::try_from(free).unwrap_or(i64::MAX));
            }
            Err(error) => tracing::warn!(%error, "cannot read the data directory's free space"),
        }
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.0.registry);
        out
    }
}

/// Bytes an unprivileged process may still write on the file system holding `dir`.
fn free_bytes(dir: &Path) -> nix::Result<u64> {
    let stat = nix::sys::statvfs::statvfs(dir)?;
    #[allow(clippy::useless_conversion)] // the types differ between platforms
    Ok(u64::from(stat.blocks_available()).saturating_mul(u64::from(stat.fragment_size())))
}

/// Middleware on every route: counts each answer by the route's template and status,
/// and times it. The static files (the router's fallback) share the route `static`.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "static".to_owned(), |path| path.as_str().to_owned());
    // Any token is a method to HTTP: only the ones we serve become labels.
    let method = match request.method().as_str() {
        method @ ("GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS") => method,
        _ => "other",
    }
    .to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let route = RouteLabels { method, route };
    metrics.0.request_seconds.get_or_create(&route).observe(started.elapsed().as_secs_f64());
    if status == axum::http::StatusCode::TOO_MANY_REQUESTS {
        metrics.0.rate_limited.get_or_create(&route).inc();
    }
    let RouteLabels { method, route } = route;
    metrics
        .0
        .requests
        .get_or_create(&RequestLabels { method, route, status: status.as_u16() })
        .inc();
    response
}

/// The metrics listener's whole router: `GET /metrics`.
pub fn router(metrics: Metrics) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(metrics)
}

async fn scrape(State(metrics): State<Metrics>) -> Response {
    const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    let body = tokio::task::spawn_blocking(move || metrics.render()).await.unwrap_or_default();
    ([(header::CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS))], body).into_response()
}
