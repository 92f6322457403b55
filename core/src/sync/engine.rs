//! The outbox drain, written once: the browser app and the native chaos test run this
//! very code. It does no I/O itself. The caller lends it three small things:
//!
//! - an [`Outbox`]: where queued items live (IndexedDB in the app, memory in tests);
//! - a [`Transport`]: how one submission reaches the server (fetch, reqwest, a script);
//! - a [`Device`]: the time, a random number, a fresh id.
//!
//! The rules it keeps:
//!
//! - **One item at a time, in queue order**; an item is deleted only after a 2xx whose
//!   body is a receipt for that very item ([`classify`]).
//! - **One failing item never blocks the others**: a refusal returns it to the drafts
//!   (under a new id when the old one is spent, e.g. after a conflict) and a transient
//!   failure reschedules only that item, with capped exponential back-off and jitter.
//! - **`force` ignores the back-off** (a person tapped, or the network came back).
//! - **No connection stops the drain**: when the transport cannot reach the server at
//!   all, that item is rescheduled and the others are left as they are for the next
//!   drain, rather than each failing in turn and growing its back-off for nothing.
//! - **An item is sent by one drain at a time.** Before the request the engine takes a
//!   *sending lease* on the item until `now + lease_ms`; the outbox grants it atomically
//!   and only if no live lease is held, so two tabs, two timers or a tab that crashed
//!   mid-send never put the same item on the wire twice at once. Filing the outcome
//!   releases the lease; a drain that died leaves a lease that simply expires. The lease
//!   must outlast the transport's own timeout. The server's idempotency by UUID stays the
//!   last guard.
//!
//! Architecture invariant: nothing here awaits anything but the three traits, so the
//! engine runs on any executor, single-threaded wasm included (hence no `Send` bounds).
//!
//! Attachments (photos) travel inside the transport's one call: before the post it
//! uploads the parts of the item's photos that the server does not hold yet, planned by
//! [`crate::attachment::parts_to_send`] from what `GET /api/v1/attachments/{id}` lists,
//! each part idempotent by (attachment UUID, part number) and the whole file verified by
//! SHA-256 on `complete`. An upload that cannot finish now is a [`TransportError`]; a
//! post the server refuses for a missing photo is [`Outcome::UploadAttachments`]. Both
//! reschedule the item like any transient failure, and the next attempt resumes.

use uuid::Uuid;

use super::{Backoff, Outcome, classify};
use crate::api::{Problem, Receipt, SubmissionRequest};

/// Milliseconds since the Unix epoch, on the device's clock.
pub type Millis = u64;

/// How long a sending lease lasts by default: twice the app's request timeout.
pub const DEFAULT_LEASE_MS: Millis = 60_000;

/// One submission waiting in an outbox, as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What is sent; `request.id` identifies the item.
    pub request: SubmissionRequest,
    /// When the person tapped "Send": queue order.
    pub queued_at: Millis,
    /// Failed attempts so far; drives the back-off.
    pub attempts: u32,
    /// Not before this time, unless forced.
    pub next_attempt_at: Millis,
}

impl Item {
    /// A freshly queued item, due at once.
    pub fn queued(request: SubmissionRequest, now: Millis) -> Item {
        Item { request, queued_at: now, attempts: 0, next_attempt_at: now }
    }

    pub fn id(&self) -> Uuid {
        self.request.id
    }
}

/// Where queued items live. Each method is one atomic step of the implementation's
/// storage (one IndexedDB transaction, one borrow of a `RefCell`): an item is never in
/// two places or in none.
// The engine is single-threaded by design (wasm has one thread); callers that need `Send`
// futures run it on a local executor instead. Hence plain `async fn`.
#[allow(async_fn_in_trait)]
pub trait Outbox {
    type Error;

    /// Every queued item, in any order.
    async fn pending(&self) -> Result<Vec<Item>, Self::Error>;

    /// Marks item `id` as being sent until `until`, if it is still queued and no lease on
    /// it is live at `now` (a lease with `until > now`). Returns the item as stored now,
    /// or `None` when it is gone or another drain holds it. Must be atomic against every
    /// other drain that shares this outbox.
    async fn lease(
        &self,
        id: Uuid,
        now: Millis,
        until: Millis,
    ) -> Result<Option<Item>, Self::Error>;

    /// The server holds the item: keep `receipt`, remove the item and its lease.
    async fn deliver(&self, item: &Item, receipt: &Receipt) -> Result<(), Self::Error>;

    /// The server refused the item: remove it and its lease, and put its answers back
    /// into the drafts under `draft_id` with `problem`, for the person to look at.
    async fn return_to_drafts(
        &self,
        item: &Item,
        draft_id: Uuid,
        problem: &Problem,
    ) -> Result<(), Self::Error>;

    /// The attempt failed for a reason that is not the item's: store the new attempt
    /// count and time, and release the lease.
    async fn reschedule(
        &self,
        id: Uuid,
        attempts: u32,
        next_attempt_at: Millis,
    ) -> Result<(), Self::Error>;
}

/// What came back from one request, if anything did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The body, when it arrived whole; `None` if it was cut off or unreadable.
    pub body: Option<String>,
}

/// Why no answer arrived. The engine treats every kind alike (try again later); the
/// kinds are for reports and logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No connection: offline, refused, DNS, a proxy in the way.
    #[error("server unreachable: {0}")]
    Unreachable(String),
    /// The request took longer than the transport allows.
    #[error("no answer in time")]
    TimedOut,
    /// The connection broke after the request went out, before the status line.
    #[error("connection broken: {0}")]
    Broken(String),
}

/// How one submission reaches the server: `POST /api/v1/submissions`, after uploading
/// what the server lacks of the photos its `attachments` list (an unfinished upload is an
/// error, e.g. [`TransportError::Broken`], and nothing is posted).
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError>;
}

/// What only the device can say: the time, a random number, a fresh id.
pub trait Device {
    fn now_ms(&self) -> Millis;
    /// A random number in `[0, 1)`, for the back-off's jitter.
    fn random(&self) -> f64;
    /// A new random (v4) UUID, for an item whose id the server has spent.
    fn new_id(&self) -> Uuid;
}

impl<O: Outbox + ?Sized> Outbox for &O {
    type Error = O::Error;

    async fn pending(&self) -> Result<Vec<Item>, Self::Error> {
        (**self).pending().await
    }

    async fn lease(
        &self,
        id: Uuid,
        now: Millis,
        until: Millis,
    ) -> Result<Option<Item>, Self::Error> {
        (**self).lease(id, now, until).await
    }

    async fn deliver(&self, item: &Item, receipt: &Receipt) -> Result<(), Self::Error> {
        (**self).deliver(item, receipt).await
    }

    async fn return_to_drafts(
        &self,
        item: &Item,
        draft_id: Uuid,
        problem: &Problem,
    ) -> Result<(), Self::Error> {
        (**self).return_to_drafts(item, draft_id, problem).await
    }

    async fn reschedule(
        &self,
        id: Uuid,
        attempts: u32,
        next_attempt_at: Millis,
    ) -> Result<(), Self::Error> {
        (**self).reschedule(id, attempts, next_attempt_at).await
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError> {
        (**self).post_submission(request).await
    }
}

impl<D: Device + ?Sized> Device for &D {
    fn now_ms(&self) -> Millis {
        (**self).now_ms()
    }
    fn random(&self) -> f64 {
        (**self).random()
    }
    fn new_id(&self) -> Uuid {
        (**self).new_id()
    }
}

/// Timing of the drain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub backoff: Backoff,
    /// How long a sending lease lasts. Must be longer than the transport's timeout.
    pub lease_ms: Millis,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { backoff: Backoff::DEFAULT, lease_ms: DEFAULT_LEASE_MS }
    }
}

/// What one drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Delivered: a receipt is kept and the item left the outbox.
    pub delivered: usize,
    /// Refused by the server: returned to the drafts.
    pub refused: usize,
    /// Tried and failed for a transient reason: rescheduled.
    pub postponed: usize,
    /// Not tried: another drain holds the item's lease, or it left the outbox meanwhile.
    pub busy: usize,
    /// Not tried: its back-off has not run out (never with `force`).
    pub waiting: usize,
    /// The drain stopped early: the server could not be reached at all, so the items
    /// after the one that found out were left for the next drain, untouched.
    pub unreachable: bool,
}

/// The drain, with the parts it needs. Cheap to build; build one per drain or keep one.
#[derive(Debug, Clone)]
pub struct Engine<O, T, D> {
    pub outbox: O,
    pub transport: T,
    pub device: D,
    pub policy: Policy,
}

impl<O: Outbox, T: Transport, D: Device> Engine<O, T, D> {
    /// An engine with the default [`Policy`].
    pub fn new(outbox: O, transport: T, device: D) -> Self {
        Engine { outbox, transport, device, policy: Policy::default() }
    }

    pub fn with_policy(self, policy: Policy) -> Self {
        Engine { policy, ..self }
    }

    /// Tries every due item once (every item with `force`), one at a time in queue order.
    /// Fails only if the outbox itself fails; the server's answers never stop the drain.
    pub async fn drain(&self, force: bool) -> Result<Report, O::Error> {
        let mut report = Report::default();
        let mut items = self.outbox.pending().await?;
        items.sort_by(|a, b| a.queued_at.cmp(&b.queued_at).then(a.id().cmp(&b.id())));
        let started = self.device.now_ms();
        for item in items {
            if !force && item.next_attempt_at > started {
                report.waiting += 1;
                continue;
            }
            match self.send_one(item.id()).await? {
                Some(Sent::Delivered) => report.delivered += 1,
                Some(Sent::Refused) => report.refused += 1,
                Some(Sent::Postponed) => report.postponed += 1,
                Some(Sent::Unreachable) => {
                    // No connection is nobody's item's fault: the rest wait, untouched,
                    // for the next drain instead of each failing in turn.
                    report.postponed += 1;
                    report.unreachable = true;
                    break;
                }
                None => report.busy += 1,
            }
        }
        Ok(report)
    }

    /// Leases, sends and files one item. `None` when the lease was not granted.
    async fn send_one(&self, id: Uuid) -> Result<Option<Sent>, O::Error> {
        let now = self.device.now_ms();
        let until = now.saturating_add(self.policy.lease_ms);
        let Some(item) = self.outbox.lease(id, now, until).await? else {
            return Ok(None);
        };
        let (outcome, unreachable) = match self.transport.post_submission(&item.request).await {
            Ok(answer) => (classify(answer.status, answer.body.as_deref()), false),
            Err(error) => (Outcome::RetryLater, matches!(error, TransportError::Unreachable(_))),
        };
        match outcome {
            // A receipt for another id proves nothing about this item.
            Outcome::Delivered(receipt) if receipt.id == item.id() => {
                self.outbox.deliver(&item, &receipt).await?;
                Ok(Some(Sent::Delivered))
            }
            Outcome::NeedsAttention(problem) => {
                // After a conflict the id is spent on other content: once fixed, the draft
                // must go out as a new submission. A fixable refusal keeps its id.
                let draft_id =
                    if problem.is_fixable_by_editing() { item.id() } else { self.device.new_id() };
                self.outbox.return_to_drafts(&item, draft_id, &problem).await?;
                Ok(Some(Sent::Refused))
            }
            // The server lacks a photo (or got it damaged): the transport uploads what is
            // missing on the next attempt, which comes with the usual back-off.
            Outcome::Delivered(_) | Outcome::UploadAttachments(_) | Outcome::RetryLater => {
                let attempts = item.attempts.saturating_add(1);
                let delay = self.policy.backoff.delay_ms(attempts, self.device.random());
                let next = self.device.now_ms().saturating_add(delay);
                self.outbox.reschedule(item.id(), attempts, next).await?;
                Ok(Some(if unreachable { Sent::Unreachable } else { Sent::Postponed }))
            }
        }
    }
}

enum Sent {
    Delivered,
    Refused,
    Postponed,
    /// Postponed because the server could not be reached at all.
    Unreachable,
}

#[cfg(test)]
mod tests;
