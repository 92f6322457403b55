//! `providers`: the directory of mediators, notaries, centres and offices, kept whole on
//! the device so it can be searched with no signal. Each entry is stored with its
//! folded search text, computed once when it arrives rather than at every start.

use adal_core::provider::{DirectoryDelta, Provider};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use super::{META, PROVIDERS, Result, all_in, meta, with_db};
use crate::state::Turns;

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
/// otherwise changed entries are upserted and deleted ones removed. `in_turns` (a first
/// visit storing the whole directory) never holds the page for long: the search texts
/// are made between turns, the writes wait for a put now and then, which keeps the
/// transaction open; that takes longer in all, so a refresh is done at once. Returns the
/// entries stored, so the caller need not read them back.
pub async fn apply(delta: DirectoryDelta, in_turns: bool) -> Result<Vec<StoredProvider>> {
    let turns = || if in_turns { Turns::new() } else { Turns::none() };
    let mut turns_made = turns();
    let mut entries = Vec::with_capacity(delta.providers.len());
    for provider in delta.providers {
        entries.push(StoredProvider::new(provider));
        turns_made.take().await;
    }
    let (stored, deleted) = (&entries, &delta.deleted);
    let (full, version) = (delta.full, delta.version);
    with_db(|db| async move {
        let mut turns = turns();
        let tx = db.transaction([PROVIDERS, META]).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(PROVIDERS)?;
        if full {
            store.clear()?;
        }
        for entry in stored {
            let put = store.put(entry).serde()?;
            if turns.due() {
                put.await?;
            }
        }
        for id in deleted {
            store.delete(id.as_str()).build()?;
        }
        tx.object_store(META)?
            .put(&version)
            .with_key(meta::DIRECTORY_VERSION.to_owned())
            .serde()?;
        tx.commit().await?;
        Ok(())
    })
    .await?;
    Ok(entries)
}

/// The directory `old` after a delta: its entries (all of them when `full`) in, the
/// `deleted` out; ordered by id, as the device's store lists them.
pub fn updated(
    old: &[StoredProvider],
    entries: Vec<StoredProvider>,
    deleted: &[String],
    full: bool,
) -> Vec<StoredProvider> {
    let mut by_id = std::collections::BTreeMap::new();
    if !full {
        by_id.extend(old.iter().map(|e| (e.id.clone(), e.clone())));
    }
    by_id.extend(entries.into_iter().map(|e| (e.id.clone(), e)));
    for id in deleted {
        by_id.remove(id);
    }
    by_id.into_values().collect()
}
