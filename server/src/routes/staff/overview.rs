//! `GET /api/v1/staff/overview`: the region-wide view of what is due, for curators and
//! the front office (`Action::ReadOverview`). Built from the very inbox rows each reader
//! may read, district by district, so it never shows what an inbox would hide: another
//! district's conflict items stay that district's curator's.

use adal_core::District;
use adal_core::staff::Overview;
use adal_core::staff::policy::{Action, Target};
use axum::extract::State;

use super::actor::Actor;
use super::inbox::readable_items;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Json;

/// Every district the reader may read, in the region's order: counts of open items due
/// soon, overdue and late to be forwarded; then the open conflict items the reader
/// handles and the late items, what to take up first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/overview",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "What is due and overdue in every district", body = Overview),
        (status = 403, description = "forbidden"),
    ),
)]
pub async fn get_overview(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Overview>, ApiError> {
    actor.authorize(&state, Action::ReadOverview, None, None).await?;
    let mut inboxes = Vec::new();
    for district in District::ALL {
        if !actor.may(Action::ReadInbox, Target::of(Some(district))) {
            continue;
        }
        let items = readable_items(&state, &actor, district).await?;
        inboxes.push((district, items.into_iter().map(|(item, _)| item).collect()));
    }
    Ok(Json(Overview::of(inboxes)))
}
