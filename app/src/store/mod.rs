//! The device's memory: everything a person typed lives here until the server has it.
//!
//! Architecture invariant: this is the only module that touches IndexedDB. Every write
//! is one explicit transaction that is committed (and awaited) before the caller goes on,
//! so "saved" on screen means saved on disk. Moves between stores (draft → outbox →
//! sent) happen in one transaction, so an item is never in two places or in none.

pub mod attachments;
pub mod backup;
mod drafts;
pub mod forms;
mod meta;
mod outbox;
pub mod providers;
mod sent;

use std::cell::RefCell;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

pub use drafts::Draft;
pub use outbox::OutboxItem;
pub use sent::SentItem;

const DB_NAME: &str = "adal";
const DB_VERSION: u8 = 2;

const DRAFTS: &str = drafts::STORE;
const OUTBOX: &str = outbox::STORE;
const SENT: &str = sent::STORE;
const FORMS: &str = forms::STORE;
const PROVIDERS: &str = providers::STORE;
const META: &str = meta::STORE;
const ATTACHMENTS: &str = attachments::STORE;

/// Anything that went wrong between the app and the browser's storage.
#[derive(Debug, thiserror::Error)]
#[error("device storage: {0}")]
pub struct StoreError(String);

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

thread_local! {
    static DB: RefCell<Option<Database>> = const { RefCell::new(None) };
}

/// Opens (once per page) the database, creating or upgrading its stores.
pub async fn open() -> Result<Database> {
    if let Some(db) = DB.with_borrow(Clone::clone) {
        return Ok(db);
    }
    let db = Database::open(DB_NAME)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|event, db| {
            // One block per schema step, applied in order, so a phone that skipped
            // versions walks through every step it missed.
            let old = event.old_version() as u64;
            if old < 1 {
                db.create_object_store(DRAFTS).with_key_path("id".into()).build()?;
                db.create_object_store(OUTBOX).with_key_path("id".into()).build()?;
                db.create_object_store(SENT).with_key_path("id".into()).build()?;
            }
            if old < 2 {
                db.create_object_store(FORMS).with_key_path("key".into()).build()?;
                let providers =
                    db.create_object_store(PROVIDERS).with_key_path("id".into()).build()?;
                providers.create_index("district", "district".into()).build()?;
                providers.create_index("kind", "kind".into()).build()?;
                db.create_object_store(META).build()?;
                db.create_object_store(ATTACHMENTS).with_key_path("id".into()).build()?;
            }
            Ok(())
        })
        .await?;
    DB.with_borrow_mut(|slot| *slot = Some(db.clone()));
    Ok(db)
}

/// Forgets the cached handle, so the next call re-opens the database. Browsers (iOS
/// Safari most of all) may close a connection under us.
pub fn forget_connection() {
    DB.with_borrow_mut(|slot| *slot = None);
}

/// Runs `op` and, if it failed because the connection was closed, re-opens once and
/// runs it again.
async fn with_db<T, F, Fut>(op: F) -> Result<T>
where
    F: Fn(Database) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    match op(open().await?).await {
        Err(e) if e.0.contains("closing") || e.0.contains("InvalidStateError") => {
            forget_connection();
            op(open().await?).await
        }
        other => other,
    }
}

/// Moves a draft into the outbox: the person tapped "Send" and the answers are final.
pub async fn queue(item: &OutboxItem) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction([DRAFTS, OUTBOX]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(OUTBOX)?.put(item).serde()?;
        tx.object_store(DRAFTS)?.delete(item.id.as_str()).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Records a delivered item: its receipt replaces its outbox entry.
pub async fn deliver(item: &SentItem) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction([OUTBOX, SENT]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(SENT)?.put(item).serde()?;
        tx.object_store(OUTBOX)?.delete(item.id.as_str()).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Returns a refused outbox item to the drafts, with the server's reason, for the
/// person to fix. `draft.id` may differ from `outbox_id` when the old id is spent.
pub async fn return_to_drafts(outbox_id: &str, draft: &Draft) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction([DRAFTS, OUTBOX]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(DRAFTS)?.put(draft).serde()?;
        tx.object_store(OUTBOX)?.delete(outbox_id).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Everything on the device, for the home screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub drafts: Vec<Draft>,
    pub outbox: Vec<OutboxItem>,
    pub sent: Vec<SentItem>,
}

/// Reads all three stores in one read transaction, so the lists agree with each other.
pub async fn snapshot() -> Result<Snapshot> {
    with_db(|db| async move {
        let tx = db.transaction([DRAFTS, OUTBOX, SENT]).build()?;
        let mut drafts: Vec<Draft> = collect(tx.object_store(DRAFTS)?.get_all().serde()?.await?)?;
        let mut outbox: Vec<OutboxItem> =
            collect(tx.object_store(OUTBOX)?.get_all().serde()?.await?)?;
        let mut sent: Vec<SentItem> = collect(tx.object_store(SENT)?.get_all().serde()?.await?)?;
        drafts.sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
        outbox.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
        sent.sort_by_key(|s| std::cmp::Reverse(s.receipt.received_at));
        Ok(Snapshot { drafts, outbox, sent })
    })
    .await
}

fn collect<T, E>(items: impl IntoIterator<Item = std::result::Result<T, E>>) -> Result<Vec<T>>
where
    E: Into<StoreError>,
{
    items.into_iter().map(|r| r.map_err(Into::into)).collect()
}

pub mod ops {
    //! Single-store reads and writes, re-exported for the pages.
    pub use super::drafts::{delete_draft, get_draft, put_draft};
    pub use super::outbox::{all_outbox, get_outbox, put_outbox};
    pub use super::sent::{get_sent, put_sent};
}
