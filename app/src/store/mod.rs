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
mod leases;
pub mod meta;
mod outbox;
pub mod providers;
pub mod replies;
mod sent;
pub mod shell;
pub mod staff;

use std::cell::RefCell;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;

pub use drafts::Draft;
pub use outbox::OutboxItem;
pub use sent::SentItem;

const DB_NAME: &str = "adal";
const DB_VERSION: u8 = 4;

const DRAFTS: &str = drafts::STORE;
const OUTBOX: &str = outbox::STORE;
const SENT: &str = sent::STORE;
const FORMS: &str = forms::STORE;
const PROVIDERS: &str = providers::STORE;
const META: &str = meta::STORE;
const ATTACHMENTS: &str = attachments::STORE;
const LEASES: &str = leases::STORE;
const REPLIES: &str = replies::STORE;
const STAFF_CACHE: &str = staff::CACHE;
const STAFF_QUEUE: &str = staff::QUEUE;

/// The start screen's orders (schema v4): newest draft, oldest outbox item and newest
/// receipt first. Through them [`first_entries`] reads the top of each list alone.
const DRAFTS_BY_UPDATED: &str = "by_updated";
const OUTBOX_BY_QUEUED: &str = "by_queued";
const SENT_BY_RECEIVED: &str = "by_received";
/// Made and deleted within the v4 upgrade (see there); never holds anything.
const SCRATCH: &str = "scratch";

/// Anything that went wrong between the app and the browser's storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The browser closed the connection under us (iOS Safari does): re-opening helps
    /// ([`with_db`] does it once).
    #[error("device storage: {0}")]
    Closed(String),
    /// Anything else, as the browser or the codec said it.
    #[error("device storage: {0}")]
    Failed(String),
}

impl StoreError {
    fn failed(what: impl ToString) -> StoreError {
        StoreError::Failed(what.to_string())
    }
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        use indexed_db_futures::error::{DomException, Error};
        let closed = matches!(e, Error::DomException(DomException::InvalidStateError(_)));
        let text = e.to_string();
        // Some Safari versions say only that "the database connection is closing".
        if closed || text.contains("closing") {
            StoreError::Closed(text)
        } else {
            StoreError::Failed(text)
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        match e {
            indexed_db_futures::error::OpenDbError::Base(e) => e.into(),
            other => StoreError::failed(other),
        }
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
                db.create_object_store(LEASES).with_key_path("id".into()).build()?;
            }
            if old < 3 {
                // Only new stores: a citizen's drafts, outbox and receipts stay as they are.
                db.create_object_store(REPLIES).with_key_path("id".into()).build()?;
                db.create_object_store(STAFF_CACHE).with_key_path("key".into()).build()?;
                db.create_object_store(STAFF_QUEUE).with_key_path("id".into()).build()?;
            }
            if old < 4 {
                // Indexes on stores made by earlier steps, which hold a person's data:
                // the browser builds them from what is stored, in this upgrade. The
                // crate reaches the upgrade's transaction only through a store made in
                // it, hence the scratch store, deleted again before the upgrade ends.
                let scratch = db.create_object_store(SCRATCH).build()?;
                let tx = scratch.transaction();
                tx.object_store(DRAFTS)?
                    .create_index(DRAFTS_BY_UPDATED, "updated_at".into())
                    .build()?;
                tx.object_store(OUTBOX)?
                    .create_index(OUTBOX_BY_QUEUED, "queued_at".into())
                    .build()?;
                tx.object_store(SENT)?
                    .create_index(SENT_BY_RECEIVED, "receipt.received_at".into())
                    .build()?;
                drop(scratch);
                db.delete_object_store(SCRATCH)?;
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
        Err(StoreError::Closed(_)) => {
            forget_connection();
            op(open().await?).await
        }
        other => other,
    }
}

/// Writes one record into `store` in its own transaction, committed before returning.
async fn put_in<T: serde::Serialize>(store: &'static str, value: &T) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction(store).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(store)?.put(value).serde()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Reads the record of `store` with key `key`, if any.
async fn get_in<T: serde::de::DeserializeOwned>(
    store: &'static str,
    key: &str,
) -> Result<Option<T>> {
    with_db(|db| async move {
        let tx = db.transaction(store).build()?;
        Ok(tx.object_store(store)?.get(key).serde()?.await?)
    })
    .await
}

/// Reads every record of `store`.
async fn all_in<T: serde::de::DeserializeOwned>(store: &'static str) -> Result<Vec<T>> {
    with_db(|db| async move {
        let tx = db.transaction(store).build()?;
        collect(tx.object_store(store)?.get_all().serde()?.await?)
    })
    .await
}

/// Deletes the record of `store` with key `key`, committed before returning.
async fn delete_in(store: &'static str, key: &str) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction(store).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(store)?.delete(key).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
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

/// Marks outbox item `id` as being sent until `until` (ms since the epoch), unless it is
/// gone or another drain's lease on it is live at `now`. Returns the item as stored.
///
/// Atomic across tabs: IndexedDB runs read-write transactions over the same stores one
/// after another, so the read of the lease and its write cannot interleave with another
/// drain's.
pub async fn lease(id: &str, now: f64, until: f64) -> Result<Option<OutboxItem>> {
    with_db(|db| async move {
        let tx = db.transaction([OUTBOX, LEASES]).with_mode(TransactionMode::Readwrite).build()?;
        let item: Option<OutboxItem> = tx.object_store(OUTBOX)?.get(id).serde()?.await?;
        let held: Option<leases::Lease> = tx.object_store(LEASES)?.get(id).serde()?.await?;
        let granted = match item {
            Some(item) if !held.is_some_and(|lease| lease.until > now) => {
                let lease = leases::Lease { id: id.to_owned(), until };
                tx.object_store(LEASES)?.put(&lease).serde()?;
                Some(item)
            }
            _ => None,
        };
        tx.commit().await?;
        Ok(granted)
    })
    .await
}

/// Extends this drain's lease on outbox item `id` (the one ending at `held`) to `until`,
/// if the item is still queued and no other drain leased it since. Whether it did.
pub async fn renew_lease(id: &str, held: f64, until: f64) -> Result<bool> {
    with_db(|db| async move {
        let tx = db.transaction([OUTBOX, LEASES]).with_mode(TransactionMode::Readwrite).build()?;
        let queued = tx.object_store(OUTBOX)?.count().with_query(id).primitive()?.await? > 0;
        let lease: Option<leases::Lease> = tx.object_store(LEASES)?.get(id).serde()?.await?;
        let ours = queued && lease.is_some_and(|lease| lease.until == held);
        if ours {
            tx.object_store(LEASES)?.put(&leases::Lease { id: id.to_owned(), until }).serde()?;
        }
        tx.commit().await?;
        Ok(ours)
    })
    .await
}

/// Stores a failed attempt (count and the time of the next) and releases the lease.
pub async fn reschedule(id: &str, attempts: u32, next_attempt_at: f64) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction([OUTBOX, LEASES]).with_mode(TransactionMode::Readwrite).build()?;
        let item: Option<OutboxItem> = tx.object_store(OUTBOX)?.get(id).serde()?.await?;
        if let Some(item) = item {
            tx.object_store(OUTBOX)?
                .put(&OutboxItem { attempts, next_attempt_at, ..item })
                .serde()?;
        }
        tx.object_store(LEASES)?.delete(id).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Records a delivered item: its receipt replaces its outbox entry (and its lease).
pub async fn deliver(item: &SentItem) -> Result<()> {
    with_db(|db| async move {
        let tx =
            db.transaction([OUTBOX, SENT, LEASES]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(SENT)?.put(item).serde()?;
        tx.object_store(OUTBOX)?.delete(item.id.as_str()).build()?;
        tx.object_store(LEASES)?.delete(item.id.as_str()).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Returns a refused outbox item to the drafts, with the server's reason, for the
/// person to fix. `draft.id` may differ from `outbox_id` when the old id is spent.
pub async fn return_to_drafts(outbox_id: &str, draft: &Draft) -> Result<()> {
    with_db(|db| async move {
        let tx = db
            .transaction([DRAFTS, OUTBOX, LEASES])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(DRAFTS)?.put(draft).serde()?;
        tx.object_store(OUTBOX)?.delete(outbox_id).build()?;
        tx.object_store(LEASES)?.delete(outbox_id).build()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// What the device holds, for the start screen: every entry of each list, or (see
/// [`first_entries`]) only the first ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Newest first.
    pub drafts: Vec<Draft>,
    /// Oldest first: the order they are sent in.
    pub outbox: Vec<OutboxItem>,
    /// Newest receipt first.
    pub sent: Vec<SentItem>,
    /// Replies to the office's questions not yet accepted by the server.
    pub replies: Vec<replies::Reply>,
    /// How many entries each list has on the device; more than the lists above hold
    /// while `complete` is false.
    pub counts: Counts,
    /// The lists hold every entry.
    pub complete: bool,
}

/// How many drafts, outbox items and receipts are stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub drafts: usize,
    pub outbox: usize,
    pub sent: usize,
}

impl Snapshot {
    /// Whether the person has anything at all on this device.
    pub fn is_empty(&self) -> bool {
        self.counts == Counts::default()
    }
}

/// Reads every entry of the lists in one read transaction, so they agree with each other.
/// Drafts and outbox come in the order of the indexes [`first_entries`] reads, ties
/// included, so the whole lists continue the first pages exactly.
pub async fn snapshot() -> Result<Snapshot> {
    with_db(|db| async move {
        let tx = db.transaction([DRAFTS, OUTBOX, SENT, REPLIES]).build()?;
        let mut drafts: Vec<Draft> =
            collect(tx.object_store(DRAFTS)?.index(DRAFTS_BY_UPDATED)?.get_all().serde()?.await?)?;
        drafts.reverse();
        let outbox: Vec<OutboxItem> =
            collect(tx.object_store(OUTBOX)?.index(OUTBOX_BY_QUEUED)?.get_all().serde()?.await?)?;
        // By time, not by the index's text: "…:05Z" sorts after "…:05.250Z".
        let mut sent: Vec<SentItem> = collect(tx.object_store(SENT)?.get_all().serde()?.await?)?;
        sent.sort_by_key(|s| std::cmp::Reverse(s.receipt.received_at));
        let replies = all_replies(&tx).await?;
        let counts = Counts { drafts: drafts.len(), outbox: outbox.len(), sent: sent.len() };
        Ok(Snapshot { drafts, outbox, sent, replies, counts, complete: true })
    })
    .await
}

/// The first `limit` entries of each list, in the start screen's order, and how many
/// there are, read through the v4 indexes: what the first screen draws, without reading
/// and decoding a thousand waiting items first. [`snapshot`] reads the rest.
pub async fn first_entries(limit: usize) -> Result<Snapshot> {
    with_db(|db| async move {
        let tx = db.transaction([DRAFTS, OUTBOX, SENT, REPLIES]).build()?;
        let (drafts, outbox, sent) =
            (tx.object_store(DRAFTS)?, tx.object_store(OUTBOX)?, tx.object_store(SENT)?);
        let (by_updated, by_queued, by_received) = (
            drafts.index(DRAFTS_BY_UPDATED)?,
            outbox.index(OUTBOX_BY_QUEUED)?,
            sent.index(SENT_BY_RECEIVED)?,
        );
        // Each step's requests at once: IndexedDB answers them one after the other, and
        // none waits for the page to ask for the next.
        let (n_drafts, n_outbox, n_sent) =
            futures::try_join!(count(&drafts), count(&outbox), count(&sent))?;
        let (drafts, outbox, sent, replies) = futures::try_join!(
            last::<Draft, f64>(&by_updated, limit, n_drafts),
            first::<OutboxItem>(&by_queued, limit),
            last::<SentItem, String>(&by_received, limit, n_sent),
            all_replies(&tx),
        )?;
        let counts = Counts { drafts: n_drafts, outbox: n_outbox, sent: n_sent };
        let complete = (drafts.len(), outbox.len(), sent.len()) == (n_drafts, n_outbox, n_sent);
        Ok(Snapshot { drafts, outbox, sent, replies, counts, complete })
    })
    .await
}

async fn count(store: &indexed_db_futures::object_store::ObjectStore<'_>) -> Result<usize> {
    Ok(store.count().build()?.await? as usize)
}

/// The `limit` records with the lowest keys of `index`, lowest first.
async fn first<T: serde::de::DeserializeOwned>(
    index: &indexed_db_futures::index::Index<'_>,
    limit: usize,
) -> Result<Vec<T>> {
    collect(index.get_all().with_limit(limit as u32).serde()?.await?)
}

/// The `limit` records with the highest keys of `index` (which holds `count`), highest
/// first. IndexedDB reads many records at once only upwards, so a key cursor walking down
/// finds the lowest key of the lot, in one step, and one read takes everything from there.
async fn last<T: serde::de::DeserializeOwned, K: serde::Serialize + serde::de::DeserializeOwned>(
    index: &indexed_db_futures::index::Index<'_>,
    limit: usize,
    count: usize,
) -> Result<Vec<T>> {
    use indexed_db_futures::KeyRange;
    use indexed_db_futures::cursor::CursorDirection;
    let mut records: Vec<T> = if count <= limit {
        collect(index.get_all().serde()?.await?)?
    } else {
        // In range, as `count` (read in this transaction) is above `limit`: Chromium
        // leaves a cursor moved past the end on its last key.
        let ended = || StoreError::failed("an index ended before its count");
        let cursor = index.open_key_cursor().with_direction(CursorDirection::Prev).build()?;
        let mut cursor = cursor.await?.ok_or_else(ended)?;
        cursor.advance_by(limit.saturating_sub(1) as u32).await?;
        let lowest: K = cursor.next_key_ser().await?.ok_or_else(ended)?;
        collect(index.get_all().with_query(KeyRange::LowerBound(lowest, false)).serde()?.await?)?
    };
    records.reverse();
    // Records sharing the lowest key all come; the list shows `limit`.
    records.truncate(limit);
    Ok(records)
}

/// Every waiting reply, oldest first (a handful: one per question the office asked).
async fn all_replies(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
) -> Result<Vec<replies::Reply>> {
    let mut replies: Vec<replies::Reply> =
        collect(tx.object_store(REPLIES)?.get_all().serde()?.await?)?;
    replies.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
    Ok(replies)
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
