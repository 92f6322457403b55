//! `providers`: the directory of mediators, notaries, centres and offices, kept whole on
//! the device so it can be searched with no signal. Each entry is stored with its
//! folded search text, computed once when it arrives rather than at every start.

use adal_core::provider::{DirectoryDelta, Provider};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use super::{META, PROVIDERS, Result, all_in, meta, with_db};

pub(super) const STORE: &str = "providers";

/// A directory entry as stored: the entry, its district and kind codes for the indexes,
/// and its folded search text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredProvider {
    pub id: String,
    pub district: String,
    pub kind: String,
    pub search: String,
    pub provider: Provider,
}

impl StoredProvider {
    pub fn new(provider: Provider) -> StoredProvider {
        StoredProvider {
            id: provider.id.clone(),
            district: provider.district.code().to_owned(),
            kind: provider.kind.code().to_owned(),
            search: provider.search_text(),
            provider,
        }
    }
}

/// The whole directory on the device.
pub async fn all() -> Result<Vec<StoredProvider>> {
    all_in(STORE).await
}

/// The directory version this device holds (0: none).
pub async fn version() -> Result<u64> {
    Ok(meta::get(meta::DIRECTORY_VERSION).await?.unwrap_or(0))
}

/// Applies a delta from the server in one transaction: a full list replaces everything,
/// otherwise changed entries are upserted and deleted ones removed.
pub async fn apply(delta: &DirectoryDelta) -> Result<()> {
    let entries: Vec<StoredProvider> =
        delta.providers.iter().cloned().map(StoredProvider::new).collect();
    let entries = &entries;
    with_db(|db| async move {
        let tx = db.transaction([PROVIDERS, META]).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(PROVIDERS)?;
        if delta.full {
            store.clear()?;
        }
        for entry in entries {
            store.put(entry).serde()?;
        }
        for id in &delta.deleted {
            store.delete(id.as_str()).build()?;
        }
        tx.object_store(META)?
            .put(&delta.version)
            .with_key(meta::DIRECTORY_VERSION.to_owned())
            .serde()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
