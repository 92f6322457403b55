//! `drafts`: forms being filled in. Saved on every change (debounced), so closing the
//! tab or losing the battery loses at most the last keystrokes of a second.

use adal_core::api::{FormRef, Problem};
use adal_core::form::Answers;
use serde::{Deserialize, Serialize};

use super::{Result, delete_in, get_in, put_in};

pub(super) const STORE: &str = "drafts";

/// A form as the person left it; nothing in it has been checked yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// A UUID made on the device; it becomes the submission's idempotency key.
    pub id: String,
    pub form: FormRef,
    /// The answers as typed, keyed by field (see `adal_core::form`). Drafts written by
    /// the first release (complaint v1) have the same keys, so they load unchanged.
    pub answers: Answers,
    /// Milliseconds since the epoch, from the device clock.
    pub created_at: f64,
    pub updated_at: f64,
    /// Why the server refused the last attempt to send it, if it did.
    #[serde(default)]
    pub problem: Option<Problem>,
}

pub async fn put_draft(draft: &Draft) -> Result<()> {
    put_in(STORE, draft).await
}

pub async fn get_draft(id: &str) -> Result<Option<Draft>> {
    get_in(STORE, id).await
}

pub async fn delete_draft(id: &str) -> Result<()> {
    delete_in(STORE, id).await
}
