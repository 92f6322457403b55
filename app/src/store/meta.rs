//! `meta`: small facts about the cached data, by name: the directory version the
//! device holds, the forms' ETag.

use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;

use super::{Result, with_db};

pub(super) const STORE: &str = "meta";

pub const DIRECTORY_VERSION: &str = "directory_version";
pub const FORMS_ETAG: &str = "forms_etag";

pub async fn get<T: DeserializeOwned>(name: &str) -> Result<Option<T>> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).build()?;
        Ok(tx.object_store(STORE)?.get(name).serde()?.await?)
    })
    .await
}
