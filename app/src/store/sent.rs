//! `sent`: receipts of delivered submissions, kept so the person can always find their
//! tracking number, with or without signal.

use adal_core::api::{Receipt, SubmissionRequest};
use indexed_db_futures::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Result, with_db};

pub(super) const STORE: &str = "sent";

/// A delivered submission and the server's receipt for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub id: String,
    pub request: SubmissionRequest,
    pub receipt: Receipt,
}

pub async fn get_sent(id: &str) -> Result<Option<SentItem>> {
    with_db(|db| async move {
        let tx = db.transaction(STORE).build()?;
        Ok(tx.object_store(STORE)?.get(id).serde()?.await?)
    })
    .await
}
