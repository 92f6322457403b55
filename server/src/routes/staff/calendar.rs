//! The working-day calendar: public for the app to count days left offline
//! (`GET /api/v1/calendar`, with an ETag), and replaced a year at a time by
//! administrators (`/api/v1/staff/calendar`). An edit is checked by core's
//! `Calendar::new`, stored, audited, and counts for every deadline from then on.

use adal_core::calendar::{Calendar, Year};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::actor::{Actor, WriteActor};
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use adal_core::staff::policy::Action;

/// `GET /api/v1/calendar`: the calendar deadlines are counted on; 304 for a matching
/// `If-None-Match`. Devices revalidate it, as they do the forms.
#[utoipa::path(
    get,
    path = "/api/v1/calendar",
    tag = "reference",
    params(
        ("if-none-match" = Option<String>, Header, description = "The ETag of the calendar held"),
    ),
    responses(
        (status = 200, description = "The working-day calendar", body = Calendar),
        (status = 304, description = "The calendar held is current"),
    ),
)]
pub async fn get_public_calendar(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (json, etag) = state.calendar.public();
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == &*etag));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value), cache]).into_response();
    }
    let json_type = (header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    ([(header::ETAG, etag_value), cache, json_type], json.to_vec()).into_response()
}

/// `GET /api/v1/staff/calendar` (administrators): the calendar as it is now.
#[utoipa::path(
    get,
    path = "/api/v1/staff/calendar",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The calendar as it is now", body = Calendar),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_calendar(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Calendar>, ApiError> {
    actor.authorize(&state, Action::ManageCalendar, None, None).await?;
    Ok(Json(Calendar::clone(&state.calendar.get())))
}

/// `PUT /api/v1/staff/calendar/{year}` (administrators): the year in place of the one
/// there; 200 with the whole calendar as it now is.
#[utoipa::path(
    put,
    path = "/api/v1/staff/calendar/{year}",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("year" = i32, Path, description = "The year, as in the body"),
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = Year,
    responses(
        (status = 200, description = "The whole calendar as it now is", body = Calendar),
        (status = 403, description = "forbidden"),
        (status = 422, description = "invalid_calendar"),
    ),
)]
pub async fn put_calendar_year(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Path(number): Path<String>,
    Json(year): Json<Year>,
) -> Result<Json<Calendar>, ApiError> {
    let target = format!("calendar {number}");
    actor.authorize(&state, Action::ManageCalendar, None, Some(&target)).await?;
    let number: i32 = number
        .parse()
        .ok()
        .filter(|n| (2000..=2100).contains(n))
        .ok_or_else(|| ApiError::MalformedRequest { detail: "year: 2000 to 2100".into() })?;
    if year.year != number {
        return Err(ApiError::MalformedRequest {
            detail: format!("year: the body is of {}, the address of {number}", year.year),
        });
    }
    let entry = actor.entry(Action::ManageCalendar.as_str(), Some(&target), None, "allowed");
    let login = actor.login.clone();
    // Checked, stored and swapped under the one writer connection, so that two edits
    // of different years both end up in the calendar.
    let shared = state.calendar.clone();
    let calendar = state
        .db
        .call(move |conn| {
            let calendar = match shared.get().with_year(year.clone()) {
                Ok(calendar) => calendar,
                Err(e) => return Ok(Err(ApiError::InvalidCalendar { detail: e.to_string() })),
            };
            let tx = conn.transaction()?;
            db::calendar::put_year(&tx, &year, &login, OffsetDateTime::now_utc())?;
            db::audit::append(&tx, &entry)?;
            tx.commit()?;
            shared.replace(calendar.clone());
            Ok(Ok(calendar))
        })
        .await??;
    tracing::info!(year = number, "calendar year replaced");
    Ok(Json(calendar))
}
