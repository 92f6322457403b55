//! `replies`: a person's answers to the office's questions, kept from the moment they
//! tap "Send" until the server has them, so a reply written without signal is never lost.

use serde::{Deserialize, Serialize};

use super::{Result, all_in, delete_in, put_in};

pub(super) const STORE: &str = "replies";

/// One reply waiting for the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// A UUID made on the device, the store's key.
    pub id: String,
    /// The sent item (its `sent` key) the reply belongs to.
    pub item: String,
    pub tracking: String,
    pub text: String,
    /// Milliseconds since the epoch when the person tapped "Send".
    pub queued_at: f64,
    /// Why the server refused it, if it did: it is then kept, not sent again, and shown
    /// with its text so the person can write it anew.
    #[serde(default)]
    pub refused: Option<String>,
}

pub async fn put(reply: &Reply) -> Result<()> {
    put_in(STORE, reply).await
}

/// Every reply still waiting, oldest first.
pub async fn all() -> Result<Vec<Reply>> {
    let mut replies: Vec<Reply> = all_in(STORE).await?;
    replies.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
    Ok(replies)
}

pub async fn delete(id: &str) -> Result<()> {
    delete_in(STORE, id).await
}
