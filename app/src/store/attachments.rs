//! `attachments`: photo files kept on the device until the server has verified them.
//! Stored as the browser's own Blob beside the reference, not through serde.

use adal_core::form::AttachmentRef;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use super::{Result, StoreError, delete_in, with_db};

pub(super) const STORE: &str = "attachments";

/// Stores `blob` under `reference.id`, with the reference beside it.
pub async fn put(reference: &AttachmentRef, blob: &Blob) -> Result<()> {
    let record = js_sys::Object::new();
    let meta = serde_wasm_bindgen::to_value(reference).map_err(StoreError::failed)?;
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&record, &k.into(), v).map(|_| ());
    set("id", &reference.id.to_string().into()).map_err(|_| StoreError::failed("record"))?;
    set("meta", &meta).map_err(|_| StoreError::failed("record"))?;
    set("blob", blob).map_err(|_| StoreError::failed("record"))?;
    let record: JsValue = record.into();
    let record = &record;
    with_db(|db| async move {
        let tx = db.transaction(STORE).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(STORE)?.put(record.clone()).primitive()?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The stored photo file, if the device has it.
pub async fn blob(id: &str) -> Result<Option<Blob>> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).build()?;
        let record: Option<JsValue> = tx.object_store(STORE)?.get(id).primitive()?.await?;
        Ok(record
            .and_then(|r| js_sys::Reflect::get(&r, &"blob".into()).ok())
            .and_then(|b| b.dyn_into::<Blob>().ok()))
    })
    .await
}

/// Forgets a photo the person removed from a draft.
pub async fn delete(id: &str) -> Result<()> {
    delete_in(STORE, id).await
}
