//! `sent`: receipts of delivered submissions, kept so the person can always find their
//! tracking number, with or without signal.

use adal_core::api::{Receipt, SubmissionRequest};
use adal_core::receipt::SubmissionStatus;
use serde::{Deserialize, Serialize};

use super::{Result, get_in, put_in};

pub(super) const STORE: &str = "sent";

/// A delivered submission and the server's receipt for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub id: String,
    pub request: SubmissionRequest,
    pub receipt: Receipt,
    /// The status last fetched from the server, kept for reading offline.
    #[serde(default)]
    pub status: Option<SubmissionStatus>,
}

/// Replaces a sent item, e.g. with a newer status.
pub async fn put_sent(item: &SentItem) -> Result<()> {
    put_in(STORE, item).await
}

pub async fn get_sent(id: &str) -> Result<Option<SentItem>> {
    get_in(STORE, id).await
}
