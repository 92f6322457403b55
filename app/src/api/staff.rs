//! The staff API (`/api/v1/staff`): the session lives in an HttpOnly cookie the browser
//! sends by itself; every state-changing request repeats the login's CSRF token.

use adal_core::api::{Problem, ProblemCode};
use adal_core::calendar::Year;
use adal_core::staff::{
    AccountChange, AccountSummary, AccountsResponse, AuditResponse, CSRF_HEADER,
    IDEMPOTENCY_HEADER, InboxResponse, LoginRequest, LoginResponse, Me, NewAccountRequest,
    Overview, StaffAction, StaffSubmission, TasksResponse,
};
use adal_core::{District, Lang};
use gloo::net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a staff request did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffError {
    /// No answer from the server: no signal, or it is down. Try again later.
    Offline,
    /// The session expired or was never there: log in again (the queue is kept).
    Unauthenticated,
    /// The server refused, and said why.
    Refused(Problem),
    /// Any other answer (a 5xx, a body we could not read): try again later.
    Failed(u16),
}

impl StaffError {
    /// Whether trying the same request again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            StaffError::Offline | StaffError::Failed(_) => true,
            StaffError::Refused(p) => p.status == 429 || p.status >= 500,
            StaffError::Unauthenticated => false,
        }
    }
}

type Result<T> = std::result::Result<T, StaffError>;

fn with_lang(builder: RequestBuilder, lang: Lang) -> RequestBuilder {
    builder
        .header("Accept", "application/json, application/problem+json")
        .header("Accept-Language", lang.tag())
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json().await.map_err(|_| StaffError::Failed(status));
    }
    Err(refusal(response).await)
}

async fn refusal(response: Response) -> StaffError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) if p.code == ProblemCode::Unauthenticated => StaffError::Unauthenticated,
        Ok(p) if status < 500 => StaffError::Refused(p),
        _ if status == 401 => StaffError::Unauthenticated,
        _ => StaffError::Failed(status),
    }
}

async fn get<T: DeserializeOwned>(url: &str, lang: Lang) -> Result<T> {
    let response =
        with_lang(Request::get(url), lang).send().await.map_err(|_| StaffError::Offline)?;
    read(response).await
}

/// A state-changing request: JSON body, the CSRF token, and an idempotency key if given.
async fn send<B: Serialize>(
    builder: RequestBuilder,
    body: &B,
    csrf: &str,
    idempotency_key: Option<&str>,
    lang: Lang,
) -> Result<Response> {
    let mut builder = with_lang(builder, lang).header(CSRF_HEADER, csrf);
    if let Some(key) = idempotency_key {
        builder = builder.header(IDEMPOTENCY_HEADER, key);
    }
    let request = builder.json(body).map_err(|_| StaffError::Failed(0))?;
    request.send().await.map_err(|_| StaffError::Offline)
}

pub async fn login(request: &LoginRequest, lang: Lang) -> Result<LoginResponse> {
    let builder = with_lang(Request::post("/api/v1/staff/login"), lang);
    let response = builder
        .json(request)
        .map_err(|_| StaffError::Failed(0))?
        .send()
        .await
        .map_err(|_| StaffError::Offline)?;
    read(response).await
}

pub async fn logout(csrf: &str, lang: Lang) -> Result<()> {
    let response = send(Request::post("/api/v1/staff/logout"), &(), csrf, None, lang).await?;
    if response.ok() { Ok(()) } else { Err(refusal(response).await) }
}

pub async fn me(lang: Lang) -> Result<Me> {
    get("/api/v1/staff/me", lang).await
}

/// A district's inbox; `None` asks for the account's own district.
pub async fn inbox(district: Option<District>, lang: Lang) -> Result<InboxResponse> {
    match district {
        Some(d) => get(&format!("/api/v1/staff/inbox?district={}", d.code()), lang).await,
        None => get("/api/v1/staff/inbox", lang).await,
    }
}

/// The region-wide view of what is due (curators and the front office).
pub async fn overview(lang: Lang) -> Result<Overview> {
    get("/api/v1/staff/overview", lang).await
}

pub async fn submission(tracking: &str, lang: Lang) -> Result<StaffSubmission> {
    get(&format!("/api/v1/staff/submissions/{tracking}"), lang).await
}

/// Records one action; `key` makes a resend of the same action harmless.
pub async fn post_event(
    tracking: &str,
    action: &StaffAction,
    key: &str,
    csrf: &str,
    lang: Lang,
) -> Result<()> {
    let url = format!("/api/v1/staff/submissions/{tracking}/events");
    let response = send(Request::post(&url), action, csrf, Some(key), lang).await?;
    if response.ok() { Ok(()) } else { Err(refusal(response).await) }
}

pub async fn create_user(
    request: &NewAccountRequest,
    csrf: &str,
    lang: Lang,
) -> Result<AccountSummary> {
    let response = send(Request::post("/api/v1/staff/users"), request, csrf, None, lang).await?;
    read(response).await
}

pub async fn audit(lang: Lang) -> Result<AuditResponse> {
    get("/api/v1/staff/audit", lang).await
}

pub async fn users(lang: Lang) -> Result<AccountsResponse> {
    get("/api/v1/staff/users", lang).await
}

/// Disables or enables an account, sets a new password, or moves it to another role or
/// district (administrators).
pub async fn change_user(
    login: &str,
    change: &AccountChange,
    csrf: &str,
    lang: Lang,
) -> Result<()> {
    let url = format!("/api/v1/staff/users/{login}");
    let response = send(Request::post(&url), change, csrf, None, lang).await?;
    if response.ok() { Ok(()) } else { Err(refusal(response).await) }
}

/// The monitoring visits a district's volunteers are asked to make.
pub async fn tasks(district: Option<District>, lang: Lang) -> Result<TasksResponse> {
    match district {
        Some(d) => get(&format!("/api/v1/staff/tasks?district={}", d.code()), lang).await,
        None => get("/api/v1/staff/tasks", lang).await,
    }
}

/// The working-day calendar's years, as an administrator edits them.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct CalendarYears {
    pub years: Vec<Year>,
}

pub async fn calendar(lang: Lang) -> Result<CalendarYears> {
    get("/api/v1/staff/calendar", lang).await
}

pub async fn put_calendar_year(year: &Year, csrf: &str, lang: Lang) -> Result<CalendarYears> {
    let url = format!("/api/v1/staff/calendar/{}", year.year);
    let response = send(Request::put(&url), year, csrf, None, lang).await?;
    read(response).await
}

/// The query of a report: `period=YYYY-MM-DD` and, for a district, `&district=URA`.
fn report_query(period: adal_core::report::Period, district: Option<District>) -> String {
    match district {
        Some(d) => format!("period={}&district={}", period.start(), d.code()),
        None => format!("period={}", period.start()),
    }
}

/// The two-weekly report of `period` for a district, or the region when `None`.
pub async fn report(
    period: adal_core::report::Period,
    district: Option<District>,
    lang: Lang,
) -> Result<adal_core::report::Report> {
    get(&format!("/api/v1/staff/reports?{}", report_query(period, district)), lang).await
}

/// Where the same figures are downloaded as CSV; the browser sends the session cookie.
pub fn report_csv_url(period: adal_core::report::Period, district: Option<District>) -> String {
    format!("/api/v1/staff/reports.csv?{}", report_query(period, district))
}

/// The snapshots published for a district, or every one (regional roles) when `None`.
pub async fn published_reports(
    district: Option<District>,
    lang: Lang,
) -> Result<adal_core::report::PublishedList> {
    match district {
        Some(d) => {
            get(&format!("/api/v1/staff/reports/published?district={}", d.code()), lang).await
        }
        None => get("/api/v1/staff/reports/published", lang).await,
    }
}

/// Freezes a finished period's figures; publishing again answers the same snapshot.
pub async fn publish_report(
    period: adal_core::report::Period,
    district: Option<District>,
    csrf: &str,
    lang: Lang,
) -> Result<adal_core::report::PublishedReport> {
    let request =
        adal_core::report::PublishRequest { period: period.start().to_string(), district };
    let response =
        send(Request::post("/api/v1/staff/reports/publish"), &request, csrf, None, lang).await?;
    read(response).await
}

/// The channel's threads, pinned first; of one topic and matching words if given.
pub async fn channel_posts(
    topic: Option<adal_core::channel::Topic>,
    q: &str,
    lang: Lang,
) -> Result<adal_core::channel::ChannelPage> {
    let mut url = "/api/v1/staff/channel/posts?limit=100".to_owned();
    if let Some(topic) = topic {
        url.push_str(&format!("&topic={}", topic.as_str()));
    }
    if !q.trim().is_empty() {
        url.push_str(&format!("&q={}", js_sys::encode_uri_component(q.trim())));
    }
    get(&url, lang).await
}

/// A thread of the channel and its replies.
pub async fn channel_thread(id: i64, lang: Lang) -> Result<adal_core::channel::Thread> {
    get(&format!("/api/v1/staff/channel/posts/{id}"), lang).await
}

/// Posts a thread or a reply; its own id makes a resend harmless.
pub async fn post_channel(
    post: &adal_core::channel::NewPost,
    csrf: &str,
    lang: Lang,
) -> Result<adal_core::channel::Post> {
    let response =
        send(Request::post("/api/v1/staff/channel/posts"), post, csrf, None, lang).await?;
    read(response).await
}

/// Pins, unpins, hides or shows a post (curators and the front office).
pub async fn moderate_channel(
    id: i64,
    action: adal_core::channel::Moderation,
    csrf: &str,
    lang: Lang,
) -> Result<adal_core::channel::Post> {
    let url = format!("/api/v1/staff/channel/posts/{id}/moderation");
    let request = adal_core::channel::ModerationRequest { action };
    read(send(Request::post(&url), &request, csrf, None, lang).await?).await
}
