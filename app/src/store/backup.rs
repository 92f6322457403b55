//! Unsent items to and from a file, so a broken phone loses nothing: the drafts and the
//! outbox, exactly as stored. Receipts are not included: the server already has those.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use super::{DRAFTS, Draft, OUTBOX, OutboxItem, Result, SENT, collect, with_db};

/// The contents of a backup file (before any encryption).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    /// Always `adal-backup`, so a wrong file is recognised at once.
    pub format: String,
    pub version: u32,
    /// Milliseconds since the epoch on the device that wrote it.
    pub created_at: f64,
    pub drafts: Vec<Draft>,
    pub outbox: Vec<OutboxItem>,
}

pub const FORMAT: &str = "adal-backup";
pub const VERSION: u32 = 1;

/// What loading a backup did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Restored {
    pub drafts: usize,
    pub outbox: usize,
    /// Items this device already had, or had already delivered.
    pub skipped: usize,
}

/// Everything not yet delivered, read in one transaction.
pub async fn unsent() -> Result<Backup> {
    with_db(|db| async move {
        let tx = db.transaction([DRAFTS, OUTBOX]).build()?;
        let drafts: Vec<Draft> = collect(tx.object_store(DRAFTS)?.get_all().serde()?.await?)?;
        let outbox: Vec<OutboxItem> = collect(tx.object_store(OUTBOX)?.get_all().serde()?.await?)?;
        Ok(Backup {
            format: FORMAT.into(),
            version: VERSION,
            created_at: js_sys::Date::now(),
            drafts,
            outbox,
        })
    })
    .await
}

/// Adds the backup's items to this device, in one transaction. An item that is already
/// here (same id) keeps its newer copy; an outbox item this device has already
/// delivered is skipped. Sending an item that another device also sent is harmless: the
/// server answers the same id with the same receipt.
pub async fn restore(backup: &Backup) -> Result<Restored> {
    with_db(|db| async move {
        let tx =
            db.transaction([DRAFTS, OUTBOX, SENT]).with_mode(TransactionMode::Readwrite).build()?;
        let drafts = tx.object_store(DRAFTS)?;
        let outbox = tx.object_store(OUTBOX)?;
        let sent = tx.object_store(SENT)?;
        let mut restored = Restored::default();
        for item in &backup.outbox {
            let known_sent: Option<super::SentItem> = sent.get(item.id.as_str()).serde()?.await?;
            let known_queued: Option<OutboxItem> = outbox.get(item.id.as_str()).serde()?.await?;
            if known_sent.is_some() || known_queued.is_some() {
                restored.skipped += 1;
                continue;
            }
            outbox.put(item).serde()?;
            restored.outbox += 1;
        }
        for draft in &backup.drafts {
            let here: Option<Draft> = drafts.get(draft.id.as_str()).serde()?.await?;
            if here.is_some_and(|here| here.updated_at >= draft.updated_at) {
                restored.skipped += 1;
                continue;
            }
            drafts.put(draft).serde()?;
            restored.drafts += 1;
        }
        tx.commit().await?;
        Ok(restored)
    })
    .await
}
