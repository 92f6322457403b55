//! `forms`: the form schemas last fetched from the server, so a form the server
//! published after this build of the app still opens offline.

use adal_core::form::FormSchema;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use super::{FORMS, META, Result, collect, meta, with_db};

pub(super) const STORE: &str = "forms";

#[derive(Serialize, Deserialize)]
struct Stored {
    /// `id@version`, the store's key.
    key: String,
    schema: FormSchema,
}

/// Every cached schema.
pub async fn all() -> Result<Vec<FormSchema>> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).build()?;
        let stored: Vec<Stored> = collect(tx.object_store(STORE)?.get_all().serde()?.await?)?;
        Ok(stored.into_iter().map(|s| s.schema).collect())
    })
    .await
}

/// Replaces the cache with `forms` and remembers their ETag, in one transaction, in
/// turns (as `providers::apply` writes).
pub async fn replace(forms: &[FormSchema], etag: &str) -> Result<()> {
    with_db(|db| async move {
        let mut turns = crate::state::Turns::new();
        let tx = db.transaction([FORMS, META]).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(FORMS)?;
        store.clear()?;
        for schema in forms {
            let key = format!("{}@{}", schema.id, schema.version);
            let put = store.put(&Stored { key, schema: schema.clone() }).serde()?;
            if turns.due() {
                put.await?;
            }
        }
        tx.object_store(META)?.put(etag).with_key(meta::FORMS_ETAG.to_owned()).serde()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The ETag of the cached forms, for `If-None-Match`.
pub async fn etag() -> Result<Option<String>> {
    meta::get(meta::FORMS_ETAG).await
}
