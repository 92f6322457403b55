//! The staff workspace's device memory. `staff_cache` keeps the last inbox and every
//! submission a staff member opened, so they stay readable offline; `staff_queue` keeps
//! the actions taken (possibly offline) until the server accepted them, in order: steps on
//! submissions and posts to the channel between districts. The channel's last list and
//! every thread opened are cached as `channel:list` and `channel:thread:<id>`.

use adal_core::staff::StaffAction;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Result, all_in, delete_in, get_in, put_in};

pub(super) const CACHE: &str = "staff_cache";
pub(super) const QUEUE: &str = "staff_queue";

/// One cached answer of the staff API, by a key such as `inbox:URA` or `item:URA-2026-00001`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    key: String,
    value: serde_json::Value,
}

pub async fn put_cached<T: Serialize>(key: &str, value: &T) -> Result<()> {
    let value = serde_json::to_value(value).map_err(super::StoreError::failed)?;
    put_in(CACHE, &Cached { key: key.to_owned(), value }).await
}

pub async fn get_cached<T: DeserializeOwned>(key: &str) -> Result<Option<T>> {
    let cached: Option<Cached> = get_in(CACHE, key).await?;
    Ok(cached.and_then(|c| serde_json::from_value(c.value).ok()))
}

/// Forgets everything cached, e.g. when the staff member logs out on a shared device.
pub async fn clear_cache() -> Result<()> {
    let all: Vec<Cached> = all_in(CACHE).await?;
    for c in all {
        delete_in(CACHE, &c.key).await?;
    }
    Ok(())
}

/// What `tracking` holds for a post to the channel between districts: no submission's
/// tracking number looks like it.
pub const CHANNEL: &str = "channel";

/// A staff action waiting for the server: a step on a submission, or a post to the
/// channel between districts (`post`, with `tracking` [`CHANNEL`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedAction {
    /// A UUID made when the action was queued: the store's key and the request's
    /// idempotency key, so a retry of an action the server already took changes nothing.
    pub id: String,
    pub tracking: String,
    /// A step on the submission `tracking`; none for a channel post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<StaffAction>,
    /// A channel post or reply, whose own id is this action's `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<adal_core::channel::NewPost>,
    /// Milliseconds since the epoch: actions are sent in this order.
    pub queued_at: f64,
}

pub async fn queue(action: &QueuedAction) -> Result<()> {
    put_in(QUEUE, action).await
}

/// Every action still waiting, oldest first.
pub async fn queued() -> Result<Vec<QueuedAction>> {
    let mut all: Vec<QueuedAction> = all_in(QUEUE).await?;
    all.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
    Ok(all)
}

pub async fn dequeue(id: &str) -> Result<()> {
    delete_in(QUEUE, id).await
}
