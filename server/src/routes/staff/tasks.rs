//! Monitoring tasks: raised by repeated complaints about one school or clinic, done by a
//! volunteer's checklist about it (see `db::triage`).

use adal_core::District;
use adal_core::staff::TasksResponse;
use axum::extract::State;
use serde::Deserialize;

use super::actor::Actor;
use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use adal_core::staff::policy::Action;

#[derive(Debug, Deserialize)]
pub struct TasksQuery {
    district: Option<String>,
}

/// `GET /api/v1/staff/tasks?district=URA` (the actor's own district when omitted).
#[utoipa::path(
    get,
    path = "/api/v1/staff/tasks",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("district" = Option<String>, Query, description = "A district code such as `URA`"),
    ),
    responses(
        (status = 200, description = "The district's monitoring tasks", body = TasksResponse),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_tasks(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<TasksQuery>, ApiError>,
) -> Result<Json<TasksResponse>, ApiError> {
    let Query(query) = query?;
    let district = match query.district.as_deref() {
        Some(code) => District::from_code(code).ok_or_else(|| ApiError::MalformedRequest {
            detail: format!("district: unknown district {code:?}"),
        })?,
        None => actor.district.ok_or_else(|| ApiError::MalformedRequest {
            detail: "district: say which: ?district=URA".into(),
        })?,
    };
    actor.authorize(&state, Action::ReadTasks, Some(district), None).await?;
    let tasks = state.db.call(move |conn| db::tasks::of_district(conn, district)).await?;
    Ok(Json(TasksResponse { district, tasks }))
}
