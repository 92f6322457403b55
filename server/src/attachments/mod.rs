//! Where the bytes of attachments live: behind [`AttachmentStore`], a local directory by
//! default (`<data>/attachments`), or an S3-compatible bucket with the `s3` feature.
//!
//! The store holds bytes only. Whether an attachment *counts* (was assembled and
//! verified) is recorded in the database (`db::attachments`), after the store has made
//! the assembled file durable; so a crash between the two leaves at worst a file that
//! nothing refers to, never a reference to a missing file.

mod local;
#[cfg(feature = "s3")]
mod object;

mod quota;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use anyhow::{Context, bail};
use async_trait::async_trait;
use axum::body::Bytes;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use local::LocalDirectory;
#[cfg(feature = "s3")]
pub use object::ObjectStoreAttachments;
pub use quota::{QuotaExceeded, UploadQuota};

/// The directory under the data directory that the default store uses.
pub const LOCAL_DIR: &str = "attachments";

/// Why the store failed. Never shown to clients: it becomes a bare 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("storage task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[cfg(feature = "s3")]
    #[error("object store: {0}")]
    Object(#[from] object_store::Error),
    /// A part that was listed a moment ago is gone (e.g. deleted by a concurrent request).
    #[error("part {0} is missing")]
    MissingPart(u32),
}

/// What assembling wrote: the SHA-256 (lowercase hex) and length of the whole file,
/// computed from the very bytes written, one part at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembled {
    pub sha256: String,
    pub size: u64,
}

/// Storage of uploaded parts and assembled files, keyed by the attachment's id.
///
/// Every write is durable when the call returns: a client is told "received" only for
/// bytes that survive a crash.
#[async_trait]
pub trait AttachmentStore: Send + Sync + 'static {
    /// Stores part `n` of upload `id`, replacing an earlier copy of the same part whole
    /// (a reader never sees half of either).
    async fn put_part(&self, id: Uuid, n: u32, bytes: Bytes) -> Result<(), StoreError>;

    /// The parts of `id` received so far, with their lengths.
    async fn parts(&self, id: Uuid) -> Result<BTreeMap<u32, u64>, StoreError>;

    /// Writes parts `0..count` of `id`, in order, as the file of `id` (replacing any
    /// earlier one), and returns the hash and length of what it wrote. The parts stay.
    async fn assemble(&self, id: Uuid, count: u32) -> Result<Assembled, StoreError>;

    /// The whole file of `id`, if it was assembled. At most `MAX_FILE_BYTES` long.
    async fn read(&self, id: Uuid) -> Result<Option<Bytes>, StoreError>;

    /// Removes every part of `id`; removing nothing is not an error.
    async fn delete_parts(&self, id: Uuid) -> Result<(), StoreError>;

    /// Removes the file of `id`; removing nothing is not an error.
    async fn delete(&self, id: Uuid) -> Result<(), StoreError>;

    /// Removes every unfinished upload whose newest part was written before
    /// `idle_since`, and returns their ids.
    async fn expire_parts(&self, idle_since: SystemTime) -> Result<Vec<Uuid>, StoreError>;

    /// Where the bytes go, for the start-up log: no credentials.
    fn describe(&self) -> String;
}

/// Opens the store that `url` names: `None` for the local directory under `data_dir`,
/// `s3://bucket/prefix` for a bucket (with the `s3` feature; credentials, region and
/// endpoint come from the usual `AWS_*` environment variables).
pub fn open(data_dir: &Path, url: Option<&str>) -> anyhow::Result<Arc<dyn AttachmentStore>> {
    let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
        let store = LocalDirectory::open(&data_dir.join(LOCAL_DIR))
            .context("opening the attachments directory")?;
        return Ok(Arc::new(store));
    };
    if let Some(rest) = url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            bail!("an attachments URL names a bucket: s3://bucket/prefix");
        }
        return open_s3(bucket, prefix.trim_end_matches('/'));
    }
    bail!("unsupported attachments URL (expected s3://bucket/prefix)")
}

#[cfg(feature = "s3")]
fn open_s3(bucket: &str, prefix: &str) -> anyhow::Result<Arc<dyn AttachmentStore>> {
    Ok(Arc::new(ObjectStoreAttachments::s3(bucket, prefix)?))
}

#[cfg(not(feature = "s3"))]
fn open_s3(_bucket: &str, _prefix: &str) -> anyhow::Result<Arc<dyn AttachmentStore>> {
    bail!("this build has no S3 support: build adal-server with `--features s3`")
}

/// Hashes and counts the bytes of a file as its parts go by.
#[derive(Default)]
struct Hashing {
    sha256: Sha256,
    size: u64,
}

impl Hashing {
    fn update(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        self.size += bytes.len() as u64;
    }

    fn finish(self) -> Assembled {
        Assembled { sha256: hex::encode(self.sha256.finalize()), size: self.size }
    }
}

/// One lock per attachment id, so that two completions of one upload cannot interleave
/// (one assembling while the other records its result). Per process: deployments with
/// several servers on one bucket rely on ids being unguessable device-made UUIDs.
#[derive(Clone, Default)]
pub struct UploadLocks {
    held: Arc<Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>>,
}

impl UploadLocks {
    /// Waits for the lock of `id` and holds it until the guard is dropped.
    pub async fn lock(&self, id: Uuid) -> UploadGuard {
        let lock = {
            let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(held.entry(id).or_default())
        };
        let guard = lock.clone().lock_owned().await;
        UploadGuard { id, locks: self.clone(), lock, guard: Some(guard) }
    }
}

/// Held while an upload is being completed.
pub struct UploadGuard {
    id: Uuid,
    locks: UploadLocks,
    lock: Arc<tokio::sync::Mutex<()>>,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for UploadGuard {
    fn drop(&mut self) {
        self.guard.take();
        let mut held = self.locks.held.lock().unwrap_or_else(|p| p.into_inner());
        // Only the map and this guard hold it: nobody is waiting, so forget the entry.
        if Arc::strong_count(&self.lock) == 2 {
            held.remove(&self.id);
        }
    }
}

/// The store, the completion locks and what each address holds, as the handlers share
/// them.
#[derive(Clone)]
pub struct Attachments {
    pub store: Arc<dyn AttachmentStore>,
    pub locks: UploadLocks,
    pub quota: UploadQuota,
}

impl Attachments {
    pub fn new(store: Arc<dyn AttachmentStore>, quota: UploadQuota) -> Attachments {
        Attachments { store, locks: UploadLocks::default(), quota }
    }
}

/// Deletes, for ever, the unfinished uploads that nothing was added to for `expiry`: a
/// device that comes back later starts them again from part 0. Runs a few times per
/// `expiry` (at most hourly), so an upload outlives it by a quarter at most.
pub async fn expire_uploads(attachments: Attachments, expiry: Duration) {
    let every = (expiry / 4).clamp(Duration::from_millis(100), Duration::from_secs(3600));
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let Some(idle_since) = SystemTime::now().checked_sub(expiry) else {
            continue;
        };
        match attachments.store.expire_parts(idle_since).await {
            Ok(expired) => {
                for id in &expired {
                    attachments.quota.release(*id);
                }
                if !expired.is_empty() {
                    tracing::info!(uploads = expired.len(), "expired unfinished uploads");
                }
            }
            Err(error) => tracing::warn!(%error, "expiring unfinished uploads failed"),
        }
        attachments.quota.forget_idle(expiry);
    }
}

/// The behaviour every store must have, run against each implementation.
#[cfg(test)]
pub(crate) async fn check_store(store: &dyn AttachmentStore) {
    use adal_core::attachment::PART_SIZE;

    let id = Uuid::new_v4();
    let part = |n: u8, len: u64| Bytes::from(vec![n; len as usize]);
    assert!(store.parts(id).await.unwrap().is_empty(), "nothing received yet");
    assert!(store.read(id).await.unwrap().is_none());

    // Out of order, and part 1 twice: the second copy replaces the first.
    store.put_part(id, 2, part(2, 10)).await.unwrap();
    store.put_part(id, 1, part(9, PART_SIZE)).await.unwrap();
    store.put_part(id, 1, part(1, PART_SIZE)).await.unwrap();
    let received: Vec<_> = store.parts(id).await.unwrap().into_iter().collect();
    assert_eq!(received, [(1, PART_SIZE), (2, 10)]);
    assert!(matches!(store.assemble(id, 3).await, Err(StoreError::MissingPart(0))));

    store.put_part(id, 0, part(0, PART_SIZE)).await.unwrap();
    let assembled = store.assemble(id, 3).await.unwrap();
    let mut whole = Vec::new();
    for (n, len) in [(0, PART_SIZE), (1, PART_SIZE), (2, 10)] {
        whole.extend(part(n, len));
    }
    assert_eq!(assembled.size, whole.len() as u64);
    assert_eq!(assembled.sha256, hex::encode(Sha256::digest(&whole)));
    assert_eq!(store.read(id).await.unwrap().unwrap(), whole);

    // Assembling again from other parts replaces the file.
    store.put_part(id, 0, part(7, 5)).await.unwrap();
    assert_eq!(store.assemble(id, 1).await.unwrap().size, 5);
    assert_eq!(store.read(id).await.unwrap().unwrap(), part(7, 5));

    store.delete_parts(id).await.unwrap();
    store.delete_parts(id).await.unwrap();
    assert!(store.parts(id).await.unwrap().is_empty());
    assert!(store.read(id).await.unwrap().is_some(), "deleting parts keeps the file");
    store.delete(id).await.unwrap();
    store.delete(id).await.unwrap();
    assert!(store.read(id).await.unwrap().is_none());

    // Uploads do not see each other's parts.
    let other = Uuid::new_v4();
    store.put_part(other, 0, part(3, 3)).await.unwrap();
    assert!(store.parts(id).await.unwrap().is_empty());
    assert_eq!(store.parts(other).await.unwrap().len(), 1);
    assert!(!store.describe().is_empty());

    // Only uploads idle since before the given time expire, all their parts at once.
    let past = SystemTime::now() - Duration::from_secs(3600);
    assert!(store.expire_parts(past).await.unwrap().is_empty());
    assert_eq!(store.parts(other).await.unwrap().len(), 1);
    let future = SystemTime::now() + Duration::from_secs(3600);
    assert_eq!(store.expire_parts(future).await.unwrap(), [other]);
    assert!(store.parts(other).await.unwrap().is_empty());
    assert!(store.expire_parts(future).await.unwrap().is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_default_is_a_directory_under_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path(), None).unwrap();
        store.put_part(Uuid::nil(), 0, Bytes::from_static(b"x")).await.unwrap();
        assert!(dir.path().join(LOCAL_DIR).is_dir());
        assert!(open(dir.path(), Some("")).is_ok());
    }

    #[test]
    fn unknown_or_bucketless_urls_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(open(dir.path(), Some("ftp://host/x")).is_err());
        assert!(open(dir.path(), Some("s3://")).is_err());
        #[cfg(not(feature = "s3"))]
        assert!(open(dir.path(), Some("s3://bucket/prefix")).is_err());
    }

    #[tokio::test]
    async fn a_second_completion_of_one_upload_waits_for_the_first() {
        let locks = UploadLocks::default();
        let id = Uuid::new_v4();
        let first = locks.lock(id).await;
        let waiting = tokio::spawn({
            let locks = locks.clone();
            async move { locks.lock(id).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        let _other = locks.lock(Uuid::new_v4()).await;
        drop(first);
        drop(waiting.await.unwrap());
        drop(_other);
        assert!(locks.held.lock().unwrap().is_empty(), "no entry left behind");
    }
}
