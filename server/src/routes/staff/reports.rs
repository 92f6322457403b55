//! The two-weekly report: live figures (`GET /api/v1/staff/reports`), the same as CSV
//! (`GET /api/v1/staff/reports.csv`), and publishing (`POST /api/v1/staff/reports/publish`,
//! `GET /api/v1/staff/reports/published`). The public, frozen figures are served by
//! `routes::reports`.
//!
//! Architecture invariant: a published snapshot never changes. It is stored once per
//! period and scope (district or region) with the SHA-256 of its bytes, the table refuses
//! UPDATE and DELETE, and publishing again answers the snapshot already stored.

use adal_core::District;
use adal_core::api::ProblemCode;
use adal_core::report::{self, Period, PublishRequest, PublishedList, PublishedReport, Report};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::actor::{Actor, WriteActor};
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use adal_core::staff::policy::Action;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_report))
        .routes(routes!(get_report_csv))
        .routes(routes!(post_publish))
        .routes(routes!(get_published))
}

/// `?period=YYYY-MM-DD` (any day of it; today's period when omitted) and
/// `&district=URA` (the region when omitted).
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    period: Option<String>,
    district: Option<String>,
}

fn period_of(raw: Option<&str>) -> Result<Period, ApiError> {
    match raw {
        None => Ok(Period::containing(adal_core::district::region_date(OffsetDateTime::now_utc()))),
        Some(raw) => Period::parse(raw)
            .map_err(|e| ApiError::MalformedRequest { detail: format!("period: {e}") }),
    }
}

fn district_of(raw: Option<&str>) -> Result<Option<District>, ApiError> {
    raw.map(|code| {
        District::from_code(code).ok_or_else(|| ApiError::MalformedRequest {
            detail: format!("unknown district {code:?}"),
        })
    })
    .transpose()
}

/// The audit log's target for a report: `report 2026-02-09..2026-02-22 URA`.
fn target(period: Period, district: Option<District>) -> String {
    format!("report {period} {}", db::reports::scope(district))
}

/// The figures of `period` for `district` (the region when `None`), as of now.
async fn compute(
    state: &AppState,
    period: Period,
    district: Option<District>,
) -> Result<Report, ApiError> {
    let calendar = state.calendar.get();
    let report = state
        .db
        .read(move |conn| {
            let rows = db::reports::rows(conn, period)?;
            let as_of = db::clock::stored_precision(OffsetDateTime::now_utc());
            Ok(report::compute(period, district, &rows, &calendar, as_of))
        })
        .await?;
    Ok(report)
}

/// Checks the query and the actor's reach: the region's report is for regional roles
/// only, a district's for that district's roles and regional ones.
async fn authorized(
    state: &AppState,
    actor: &Actor,
    query: Result<Query<ReportQuery>, ApiError>,
) -> Result<(Period, Option<District>), ApiError> {
    let Query(query) = query?;
    let period = period_of(query.period.as_deref())?;
    let district = district_of(query.district.as_deref())?;
    let target = target(period, district);
    actor.authorize(state, Action::ReadReport, district, Some(&target)).await?;
    Ok((period, district))
}

/// `GET /api/v1/staff/reports?period=2026-02-09&district=URA`.
#[utoipa::path(
    get,
    path = "/api/v1/staff/reports",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("period" = Option<String>, Query, description = "Any day of the period, `YYYY-MM-DD` (today's when omitted)"),
        ("district" = Option<String>, Query, description = "A district code (the region when omitted)"),
    ),
    responses(
        (status = 200, description = "The live figures", body = Report),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn get_report(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<ReportQuery>, ApiError>,
) -> Result<Json<Report>, ApiError> {
    let (period, district) = authorized(&state, &actor, query).await?;
    Ok(Json(compute(&state, period, district).await?))
}

/// The CSV's columns: one figure per line, so a spreadsheet pivots it as it likes.
const CSV_HEADER: [&str; 6] = ["period_start", "period_end", "district", "figure", "key", "value"];

/// `GET /api/v1/staff/reports.csv?…`: the same figures, one per line; for the region its
/// own lines (`district` = `region`) and then each district's. UTF-8 with a byte-order
/// mark, so that Excel reads Kazakh and Russian names right.
#[utoipa::path(
    get,
    path = "/api/v1/staff/reports.csv",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("period" = Option<String>, Query, description = "Any day of the period, `YYYY-MM-DD` (today's when omitted)"),
        ("district" = Option<String>, Query, description = "A district code (the region when omitted)"),
    ),
    responses(
        (status = 200, description = "The figures, one per line (UTF-8 with BOM)", content_type = "text/csv", body = String),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn get_report_csv(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<ReportQuery>, ApiError>,
) -> Result<Response, ApiError> {
    let (period, district) = authorized(&state, &actor, query).await?;
    let report = compute(&state, period, district).await?;
    let body = csv_of(&report).map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))?;
    let name = format!(
        "attachment; filename=\"report-{}-{}.csv\"",
        period.start(),
        db::reports::scope(district)
    );
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&name).map_err(|e| ApiError::Internal(e.into()))?,
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, body).into_response())
}

fn csv_of(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut csv = crate::spreadsheet::Writer::from_writer(&mut out);
        csv.write_record(CSV_HEADER)?;
        let (start, end) = (report.period.start().to_string(), report.period.end().to_string());
        let mut scopes = vec![(db::reports::scope(report.district), &report.figures)];
        scopes.extend(report.districts.iter().map(|d| (d.district.code(), &d.figures)));
        for (scope, f) in scopes {
            let mut line = |figure: &str, key: &str, value: String| {
                csv.write_record([start.as_str(), &end, scope, figure, key, &value])
            };
            line("received", "", f.received.to_string())?;
            for (form, n) in &f.received_by_form {
                line("received_by_form", form, n.to_string())?;
            }
            for (category, n) in &f.received_by_category {
                line("received_by_category", category, n.to_string())?;
            }
            line("registered", "", f.registered.to_string())?;
            line("forwarded", "", f.forwarded.to_string())?;
            line("answered_on_time", "", f.answered_on_time.to_string())?;
            line("answered_late", "", f.answered_late.to_string())?;
            line("acts_signed", "", f.acts_signed.to_string())?;
            line("monitoring_visits", "", f.monitoring_visits.to_string())?;
            let median = f.median_working_days_to_answer.map(|m| m.to_string());
            line("median_working_days_to_answer", "", median.unwrap_or_default())?;
            line("forwarded_on_time", "", f.forwarded_on_time.to_string())?;
            line("forwarded_late", "", f.forwarded_late.to_string())?;
            line("mediation_first_sessions", "", f.mediation_first_sessions.to_string())?;
            let median = f.median_working_days_to_first_session.map(|m| m.to_string());
            line("median_working_days_to_first_session", "", median.unwrap_or_default())?;
            line("open_past_answer_day", "", f.open_past_answer_day.to_string())?;
            for institution in &f.top_institutions {
                line("top_institution", &institution.name, institution.count.to_string())?;
            }
        }
        csv.flush()?;
    }
    Ok(out)
}

/// `POST /api/v1/staff/reports/publish {"period":"2026-02-09","district":"URA"}`: 201
/// with the new snapshot, or 200 with the one published before, never another. Only a
/// period that has ended (in the region's time) is published.
#[utoipa::path(
    post,
    path = "/api/v1/staff/reports/publish",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = PublishRequest,
    responses(
        (status = 201, description = "Published now", body = PublishedReport),
        (status = 200, description = "Published before: the same snapshot", body = PublishedReport),
        (status = 403, description = "forbidden"),
        (status = 422, description = "period_not_over"),
    ),
)]
async fn post_publish(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Json(request): Json<PublishRequest>,
) -> Result<Response, ApiError> {
    let period = period_of(Some(&request.period))?;
    let district = request.district;
    let target = target(period, district);
    actor.authorize(&state, Action::PublishReport, district, Some(&target)).await?;
    if adal_core::district::region_date(OffsetDateTime::now_utc()) <= period.end() {
        return Err(ApiError::Refused(ProblemCode::PeriodNotOver));
    }
    let entry = actor.entry(Action::PublishReport.as_str(), Some(&target), district, "allowed");
    let published =
        state.db.read(move |conn| db::reports::of_period(conn, period, district)).await?;
    let (snapshot, created) = match published {
        Some(snapshot) => {
            state.db.call(move |conn| db::audit::append(conn, &entry)).await?;
            (snapshot, false)
        }
        None => {
            // Figures only: nothing a citizen typed is published.
            let report = compute(&state, period, district).await?.published();
            let (content, hash) = (report.canonical_json(), report.hash());
            let account = actor.account_id;
            state
                .db
                .call(move |conn| {
                    let tx = conn.transaction()?;
                    let at = report.as_of;
                    let stored =
                        db::reports::publish(&tx, period, district, &content, &hash, at, account)?;
                    db::audit::append(&tx, &entry)?;
                    tx.commit()?;
                    Ok(stored)
                })
                .await?
        }
    };
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    tracing::info!(hash = %snapshot.listed.hash, created, "report published");
    Ok((status, Json::<PublishedReport>(snapshot.listed)).into_response())
}

/// `?district=URA`: that district's snapshots; none: every snapshot (regional roles).
#[derive(Debug, Deserialize)]
pub struct PublishedQuery {
    district: Option<String>,
}

/// `GET /api/v1/staff/reports/published[?district=URA]`, newest first. The snapshots are
/// public by their hash; the list is for those who read that scope's reports.
#[utoipa::path(
    get,
    path = "/api/v1/staff/reports/published",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("district" = Option<String>, Query, description = "A district code (every scope when omitted)"),
    ),
    responses(
        (status = 200, description = "The snapshots, newest first", body = PublishedList),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn get_published(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<PublishedQuery>, ApiError>,
) -> Result<Json<PublishedList>, ApiError> {
    let Query(query) = query?;
    let district = district_of(query.district.as_deref())?;
    let target = format!("reports/published {}", db::reports::scope(district));
    actor.authorize(&state, Action::ReadReport, district, Some(&target)).await?;
    let reports = state.db.read(db::reports::list).await?;
    let reports = match district {
        Some(d) => reports.into_iter().filter(|r| r.district == Some(d)).collect(),
        None => reports,
    };
    Ok(Json(PublishedList { reports }))
}
