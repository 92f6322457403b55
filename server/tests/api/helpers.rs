//! `spawn_app()` and a `TestApp` whose helpers speak HTTP, as a device would.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::Path;

use adal_core::api::{BatchOutcome, BatchResponse, FormRef, Problem, Receipt, SubmissionRequest};
use adal_core::form::{self, Answers};
use adal_core::staff::Role;
use adal_server::{Application, Config, StoredSubmission};
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, IF_NONE_MATCH, SET_COOKIE};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// The fake build output every test app serves: names as Trunk makes them.
pub const WASM_FILE: &str = "adal-app-0123456789abcdef_bg.wasm";
pub const JS_FILE: &str = "adal-app-0123456789abcdef.js";
pub const INDEX_HTML: &str =
    "<!doctype html><html><head><title>Adal</title></head><body></body></html>\n";

/// A logged-in staff member: the session cookie and the CSRF token.
pub struct StaffSession {
    pub cookie: String,
    pub csrf: String,
}

/// A running server on a free port with its own data and static directories.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// `http://127.0.0.1:<port>/metrics`, the operators' listener (`--metrics-listen`).
    pub metrics_url: String,
    pub client: reqwest::Client,
    pub data_dir: TempDir,
    pub static_dir: TempDir,
    /// The PostgreSQL database of this app (`ADAL_TEST_DATABASE_URL`), or `None` for the
    /// SQLite file in `data_dir`.
    pub database: Option<String>,
    /// The session cookie [`TestApp::staff_get`] sends, if a staff member logged in.
    pub staff_cookie: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Starts the real application with the default configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the real application after `configure` adjusted its configuration.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let static_dir = tempfile::tempdir().unwrap();
    write_fake_build(static_dir.path());
    start(data_dir, static_dir, configure).await
}

/// Starts the real application on an existing data directory (a restored backup, say).
pub async fn spawn_app_on(data_dir: TempDir) -> TestApp {
    let static_dir = tempfile::tempdir().unwrap();
    write_fake_build(static_dir.path());
    start(data_dir, static_dir, |_| {}).await
}

fn write_fake_build(dir: &Path) {
    std::fs::write(dir.join("index.html"), INDEX_HTML).unwrap();
    // Long and repetitive enough to be worth compressing.
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0".iter().copied().cycle().take(4096).collect();
    std::fs::write(dir.join(WASM_FILE), wasm).unwrap();
    std::fs::write(dir.join(JS_FILE), "export default function init() {}\n".repeat(50)).unwrap();
    std::fs::write(dir.join("sw.js"), "self.addEventListener('fetch', () => {});\n").unwrap();
    std::fs::write(dir.join("manifest.webmanifest"), r#"{"name":"Adal"}"#).unwrap();
}

async fn start(
    data_dir: TempDir,
    static_dir: TempDir,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    start_on(data_dir, static_dir, fresh_postgres_database(), configure).await
}

/// [`start`] on PostgreSQL database `database` (`None`: SQLite in `data_dir`).
async fn start_on(
    data_dir: TempDir,
    static_dir: TempDir,
    database: Option<String>,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    // `RUST_LOG=warn cargo test … -- --nocapture` shows what a failing server logged.
    if std::env::var_os("RUST_LOG").is_some() {
        let filter = tracing_subscriber::EnvFilter::from_default_env();
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
    }
    let mut config = Config::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir.path().to_owned(),
        static_dir.path().to_owned(),
    );
    config.metrics_listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    config.database = database;
    configure(&mut config);
    let database = config.database.clone();
    let app = Application::build(config).await.expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics = app.metrics_addr().expect("every test app serves metrics");
    let metrics_url = format!("http://{metrics}/metrics");
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        metrics_url,
        client,
        data_dir,
        static_dir,
        database,
        staff_cookie: None,
        shutdown: Some(shutdown),
        server: Some(server),
    }
}

/// Set by `scripts/pg`: every test app then runs on a database of its own in that
/// PostgreSQL cluster instead of an SQLite file.
pub const DATABASE_URL_VARIABLE: &str = "ADAL_TEST_DATABASE_URL";

/// Whether the tests run on PostgreSQL (`scripts/pg cargo test …`).
pub fn on_postgres() -> bool {
    std::env::var_os(DATABASE_URL_VARIABLE).is_some()
}

/// A new, empty database in the cluster of `ADAL_TEST_DATABASE_URL` (its URL), if set.
pub fn fresh_postgres_database() -> Option<String> {
    let admin = std::env::var(DATABASE_URL_VARIABLE).ok()?;
    let name = format!("adal_test_{}", Uuid::new_v4().simple());
    let create = format!("CREATE DATABASE {name}");
    let url = admin.clone();
    // rust-postgres's blocking client may not run on an async worker thread.
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .expect("the PostgreSQL cluster of ADAL_TEST_DATABASE_URL answers");
        client.batch_execute(&create).expect("a test database is created");
    })
    .join()
    .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
    Some(format!("{base}/{name}"))
}

/// Skips the rest of a test that only means something on PostgreSQL (several servers on
/// one database), saying why, when the suite runs on SQLite.
#[macro_export]
macro_rules! postgres_only {
    ($why:literal) => {
        if !$crate::helpers::on_postgres() {
            eprintln!("skipped on SQLite: {}", $why);
            return;
        }
    };
}

/// Skips the rest of a test that only means something on SQLite (a file copied, a file
/// of an older release), saying why, when the suite runs on PostgreSQL.
#[macro_export]
macro_rules! sqlite_only {
    ($why:literal) => {
        if $crate::helpers::on_postgres() {
            eprintln!("skipped on PostgreSQL: {}", $why);
            return;
        }
    };
}

/// The login and password of the staff member [`spawn_staff_app`] logs in.
pub const STAFF_LOGIN: &str = "front";
pub const STAFF_PASSWORD: &str = "a long staff password 1";

/// Starts the real application with a rate limit no test reaches, adds a front-office
/// account (regional: reads every district) the way `adal-server user add` does, and
/// logs it in: [`TestApp::staff_get`] then sends its session cookie.
pub async fn spawn_staff_app() -> TestApp {
    let mut app = spawn_app_with(no_limit_reached).await;
    app.staff_cookie = Some(app.log_in_staff(STAFF_LOGIN, Role::FrontOffice, None).await);
    app
}

/// Rate and connection limits no test reaches.
fn no_limit_reached(config: &mut Config) {
    config.rate_limit_burst = NonZeroU32::new(100_000).unwrap();
    config.rate_limit_per_second = NonZeroU32::new(100_000).unwrap();
    config.staff_rate_limit_burst = NonZeroU32::new(100_000).unwrap();
    config.staff_rate_limit_per_second = NonZeroU32::new(100_000).unwrap();
    // Some tests open a connection per request, all at once, from one address.
    config.max_connections_per_ip = 100_000;
}

/// A second server on `other`'s PostgreSQL database (with a data directory of its own,
/// and limits no test reaches), as a second machine behind the same proxy.
pub async fn spawn_app_beside(other: &TestApp) -> TestApp {
    spawn_app_beside_with(other, no_limit_reached).await
}

/// [`spawn_app_beside`], configured by `configure` as well.
pub async fn spawn_app_beside_with(
    other: &TestApp,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    let database = other.database.clone();
    assert!(database.is_some(), "two servers share a PostgreSQL database, not an SQLite file");
    let data_dir = tempfile::tempdir().unwrap();
    let static_dir = tempfile::tempdir().unwrap();
    write_fake_build(static_dir.path());
    start_on(data_dir, static_dir, database, |config| {
        no_limit_reached(config);
        configure(config);
    })
    .await
}

/// A rate limit of `burst` requests at once and then one per second.
pub fn tiny_rate_limit(burst: u32) -> impl FnOnce(&mut Config) {
    move |config| {
        config.rate_limit_burst = NonZeroU32::new(burst).unwrap();
        config.rate_limit_per_second = NonZeroU32::new(1).unwrap();
    }
}

impl TestApp {
    /// Stops the server (letting requests in flight finish) and starts a new one on the
    /// same data, as an operator's restart or a crash-free redeploy would.
    pub async fn restart(mut self) -> TestApp {
        self.stop().await;
        let TestApp { data_dir, static_dir, database, .. } = self;
        start_on(data_dir, static_dir, database, |_| {}).await
    }

    /// Where the app's database is: its PostgreSQL database, or its data directory.
    pub fn location(&self) -> adal_server::db::Location {
        adal_server::db::Location::of(self.data_dir.path(), self.database.as_deref())
    }

    /// Every row of every table of the app's PostgreSQL database, as text (none on
    /// SQLite, whose files the tests read byte by byte instead).
    pub fn postgres_rows(&self) -> Vec<String> {
        if self.database.is_none() {
            return Vec::new();
        }
        use adal_server::db::sql::params;
        self.db()
            .call_blocking(|conn| {
                let tables = conn.query_map(
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = 'public' ORDER BY 1",
                    params![],
                    |row| row.get::<String>(0),
                )?;
                let mut rows = Vec::new();
                for table in tables {
                    let sql = format!("SELECT t::text FROM {table} t");
                    rows.extend(conn.query_map(&sql, params![], |row| row.get::<String>(0))?);
                }
                Ok(rows)
            })
            .unwrap()
    }

    /// The app's database, opened beside the server, as an operator's tool would.
    pub fn db(&self) -> adal_server::db::Db {
        adal_server::db::Db::open_at(&self.location()).unwrap()
    }

    async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).unwrap();
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().expect("the server stops cleanly");
        }
    }

    /// What Prometheus would read from the metrics listener.
    pub async fn scrape(&self) -> String {
        let response = self.client.get(&self.metrics_url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// `GET /api/v1/forms`, with `If-None-Match` when `etag` is given.
    pub async fn get_forms(&self, etag: Option<&str>) -> Response {
        let mut request = self.client.get(self.url("/api/v1/forms"));
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        request.send().await.unwrap()
    }

    pub async fn post_submission(&self, request: &SubmissionRequest) -> Response {
        self.client.post(self.url("/api/v1/submissions")).json(request).send().await.unwrap()
    }

    pub async fn post_submission_in(&self, lang: &str, request: &SubmissionRequest) -> Response {
        self.client
            .post(self.url("/api/v1/submissions"))
            .header(ACCEPT_LANGUAGE, lang)
            .json(request)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/v1/submissions/batch` of `requests`.
    pub async fn post_batch(&self, requests: &[SubmissionRequest]) -> Response {
        self.post_batch_in("ru", requests).await
    }

    pub async fn post_batch_in(&self, lang: &str, requests: &[SubmissionRequest]) -> Response {
        self.client
            .post(self.url("/api/v1/submissions/batch"))
            .header(ACCEPT_LANGUAGE, lang)
            .json(&json!({ "submissions": requests }))
            .send()
            .await
            .unwrap()
    }

    /// Posts a batch that must be answered 200, and returns its outcomes.
    pub async fn batch(&self, requests: &[SubmissionRequest]) -> Vec<BatchOutcome> {
        let response = self.post_batch(requests).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<BatchResponse>().await.unwrap().results
    }

    /// Posts `body` as is to `path`.
    pub async fn post_raw_to(
        &self,
        path: &str,
        body: impl Into<reqwest::Body>,
        content_type: &str,
    ) -> Response {
        self.client
            .post(self.url(path))
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Adds an account (password [`STAFF_PASSWORD`]) and logs it in through
    /// `POST /api/v1/staff/login`; returns the session cookie.
    pub async fn log_in_staff(
        &self,
        login: &str,
        role: Role,
        district: Option<adal_core::District>,
    ) -> String {
        self.staff_session(login, role, district).await.cookie
    }

    /// Adds an account and logs it in, keeping what the app keeps: the cookie and the
    /// CSRF token, for [`TestApp::staff_send`].
    pub async fn staff_session(
        &self,
        login: &str,
        role: Role,
        district: Option<adal_core::District>,
    ) -> StaffSession {
        adal_server::accounts::add_user(self.location(), login, role, district, STAFF_PASSWORD)
            .unwrap();
        self.log_in(login, STAFF_PASSWORD).await
    }

    /// Logs an existing account in, keeping what the app keeps.
    pub async fn log_in(&self, login: &str, password: &str) -> StaffSession {
        let response = self
            .client
            .post(self.url("/api/v1/staff/login"))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login of {login}");
        let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let body: adal_core::staff::LoginResponse = response.json().await.unwrap();
        StaffSession { cookie, csrf: body.csrf_token }
    }

    /// A staff request as the app sends it: the cookie, and on a POST the CSRF token and
    /// the JSON body; `Accept-Language: lang`.
    pub async fn staff_send(
        &self,
        session: &StaffSession,
        lang: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let request = match body {
            Some(body) => self
                .client
                .post(self.url(path))
                .header(adal_core::staff::CSRF_HEADER, &session.csrf)
                .json(body),
            None => self.client.get(self.url(path)),
        };
        request
            .header(COOKIE, &session.cookie)
            .header(reqwest::header::ACCEPT_LANGUAGE, lang)
            .send()
            .await
            .unwrap()
    }

    /// `POST path` as [`TestApp::staff_send`] does, under the idempotency key `key` (as the
    /// staff app's queue sends a step).
    pub async fn staff_send_keyed(
        &self,
        session: &StaffSession,
        path: &str,
        key: &str,
        body: &Value,
    ) -> Response {
        self.client
            .post(self.url(path))
            .header(COOKIE, &session.cookie)
            .header(adal_core::staff::CSRF_HEADER, &session.csrf)
            .header(adal_core::staff::IDEMPOTENCY_HEADER, key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `GET path` with the session cookie of the logged-in staff member, if any.
    pub async fn staff_get(&self, path: &str) -> Response {
        self.staff_get_as(self.staff_cookie.as_deref(), path).await
    }

    /// `GET path` with the session `cookie`, if any.
    pub async fn staff_get_as(&self, cookie: Option<&str>, path: &str) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send().await.unwrap()
    }

    /// Posts `body` as is, to test what a broken or hostile client might send.
    pub async fn post_raw(&self, body: impl Into<reqwest::Body>, content_type: &str) -> Response {
        self.client
            .post(self.url("/api/v1/submissions"))
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts a submission that must be accepted, and returns its receipt.
    pub async fn submit(&self, request: &SubmissionRequest) -> Receipt {
        let response = self.post_submission(request).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// Everything stored, through the function behind `adal-server export`.
    pub fn export(&self) -> Vec<StoredSubmission> {
        let mut out = Vec::new();
        adal_server::export(self.location(), &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

/// Reads a problem+json answer, checking its media type and that it agrees with the
/// HTTP status.
pub async fn problem(response: Response) -> Problem {
    let status = response.status();
    assert_eq!(response.headers()[CONTENT_TYPE], "application/problem+json");
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.status, status.as_u16());
    problem
}

fn days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

/// Answers from a JSON object literal.
pub fn answers(value: Value) -> Answers {
    serde_json::from_value(value).expect("answers are a JSON object")
}

/// `answers` with the members of `changes` set (or, when `null`, removed).
pub fn with(mut answers: Answers, changes: Value) -> Answers {
    for (key, value) in changes.as_object().expect("changes are a JSON object") {
        match value {
            Value::Null => answers.remove(key),
            value => answers.insert(key.clone(), value.clone()),
        };
    }
    answers
}

/// A complaint that passes validation, about something that happened three days ago,
/// with the keys of the first release (valid in every version of the complaint form).
pub fn complaint() -> Answers {
    answers(json!({
        "district": "URA",
        "category": "school",
        "institution": "School No. 12",
        "description": "Parents were asked for 5000 tenge for new curtains.",
        "occurred_on": days_ago(3),
        "anonymous": false,
        "name": "Aigerim S.",
        "phone": "+7 701 234 56 78",
    }))
}

/// A mediation request that passes validation.
pub fn mediation_request() -> Answers {
    answers(json!({
        "district": "BUR",
        "applicant_name": "Aigerim Sadykova",
        "applicant_phone": "+7 701 234 56 78",
        "applicant_iin": "900101300007",
        "parties": [
            { "name": "Bolat K.", "reach_by": "phone", "phone": "8 705 111 22 33" },
        ],
        "other_party_state_body": false,
        "corruption_case": false,
        "party_lacks_capacity": false,
        "third_parties_affected": false,
        "dispute_kind": "neighbours",
        "description": "The neighbours' water pipe leaks into our cellar every spring.",
        "applicant_wants": "That they repair the pipe and pay for the cellar walls.",
        "preferred_language": "kk",
        "consent": true,
    }))
}

/// A school checklist that passes validation.
pub fn monitoring_school() -> Answers {
    answers(json!({
        "district": "TER",
        "institution": "Terekti secondary school No. 2",
        "visit_date": days_ago(1),
        "visit_time": "09:40",
        "money_collected": true,
        "collected_for": ["security", "curtains_furniture"],
        "amount": "3 000",
        "collected_by": "parents_committee",
        "receipts_given": false,
        "price_list_posted": false,
        "staff_behaviour": "neutral",
        "location": { "lat": 51.3, "lon": 51.9, "accuracy_m": 40 },
    }))
}

/// A clinic checklist that passes validation. Its photo was never uploaded: a test that
/// stores the checklist uploads one and puts it in its place (and in `attachments`).
pub fn monitoring_clinic() -> Answers {
    answers(json!({
        "district": "URA",
        "institution": "City Clinic No. 3",
        "visit_date": days_ago(1),
        "visit_time": "07:50",
        "blood_draw_start": "08:10",
        "blood_draw_end": "09:30",
        "queue_length": 35,
        "waiting_minutes": "70",
        "price_list_posted": true,
        "informal_payment_asked": false,
        "staff_behaviour": "polite",
        "photos": [{
            "id": "6f1c3c1e-8d6b-4a8e-9d61-3f2a3d4c5b61",
            "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "size": 183412,
            "content_type": "image/jpeg",
        }],
    }))
}

/// A new submission (fresh id) of `answers` on the current complaint form.
pub fn submission(answers: Answers) -> SubmissionRequest {
    submission_of("complaint", answers)
}

/// A new submission (fresh id) of `answers` on the current version of form `id`.
pub fn submission_of(id: &str, answers: Answers) -> SubmissionRequest {
    let form = form::current(id).expect("a form of the catalogue").form_ref();
    submission_of_version(id, form.version, answers)
}

/// A new submission (fresh id) of `answers` on version `version` of form `id`, with no
/// photos and no receipt secret.
pub fn submission_of_version(id: &str, version: u32, answers: Answers) -> SubmissionRequest {
    SubmissionRequest {
        id: Uuid::new_v4(),
        form: FormRef::new(id, version),
        answers,
        attachments: Vec::new(),
        receipt_secret: None,
    }
}
