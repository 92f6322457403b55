//! `outbox`: submissions the person sent that the server has not confirmed yet. Kept
//! apart from drafts so what is final is never edited by accident, and apart from the
//! service worker's cache so clearing one never touches the other.

use adal_core::api::SubmissionRequest;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use super::{Result, collect, with_db};

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
    with_db(|db| async move {
        let tx = db.transaction(STORE).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(STORE)?.put(item).serde()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

pub async fn get_outbox(id: &str) -> Result<Option<OutboxItem>> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).build()?;
        Ok(tx.object_store(STORE)?.get(id).serde()?.await?)
    })
    .await
}

pub async fn all_outbox() -> Result<Vec<OutboxItem>> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).build()?;
        collect(tx.object_store(STORE)?.get_all().serde()?.await?)
    })
    .await
}
