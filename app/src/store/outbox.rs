//! `outbox`: submissions the person sent that the server has not confirmed yet. Kept
//! apart from drafts so what is final is never edited by accident, and apart from the
//! service worker's cache so clearing one never touches the other.

use adal_core::api::SubmissionRequest;
use serde::{Deserialize, Serialize};

use super::{Result, all_in, get_in, put_in};

pub(super) const STORE: &str = "outbox";

/// One submission waiting for the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// The submission's UUID (same as `request.id`), the store's key.
    pub id: String,
    pub request: SubmissionRequest,
    /// Milliseconds since the epoch when the person tapped "Send".
    pub queued_at: f64,
    /// Failed attempts so far; drives the back-off.
    pub attempts: u32,
    /// Not before this time (ms since the epoch) unless the person asks.
    pub next_attempt_at: f64,
}

pub async fn put_outbox(item: &OutboxItem) -> Result<()> {
    put_in(STORE, item).await
}

pub async fn get_outbox(id: &str) -> Result<Option<OutboxItem>> {
    get_in(STORE, id).await
}

pub async fn all_outbox() -> Result<Vec<OutboxItem>> {
    all_in(STORE).await
}
