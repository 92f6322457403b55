//! `leases`: which outbox item a drain is sending right now, and until when. Kept apart
//! from the outbox items so that the queue's own records (and the screens that make
//! them) never carry transient sending state; cleared in the same transaction as the
//! outcome it waited for. See `adal_core::sync::engine` for the rule.

use serde::{Deserialize, Serialize};

pub(super) const STORE: &str = "leases";

/// Item `id` is being sent by some drain (in this tab or another) until `until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Lease {
    pub id: String,
    /// Milliseconds since the epoch; after it the lease is void (its drain died).
    pub until: f64,
}
