//! `meta`: small facts about the cached data, by name: the directory version the
//! device holds, the forms' ETag, the published reports read (their list, and each
//! opened report's bytes as the server sent them).

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Result, get_in, with_db};

pub(super) const STORE: &str = "meta";

pub const DIRECTORY_VERSION: &str = "directory_version";
pub const FORMS_ETAG: &str = "forms_etag";
/// The reconciliation act being typed (`act_draft`, or `act_draft:<tracking>` for staff).
pub const ACT_DRAFT: &str = "act_draft";
/// The list of published reports last read (`PublishedList`), for reading offline.
pub const PUBLISHED_REPORTS: &str = "published_reports";

/// The key of a published report's bytes (the text its hash is of), kept once opened.
pub fn published_report(hash: &str) -> String {
    format!("published_report:{hash}")
}

pub async fn get<T: DeserializeOwned>(name: &str) -> Result<Option<T>> {
    get_in(STORE, name).await
}

pub async fn put<T: Serialize>(name: &str, value: &T) -> Result<()> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(STORE)?.put(value).with_key(name.to_owned()).serde()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

pub async fn delete(name: &str) -> Result<()> {
    super::delete_in(STORE, name).await
}
