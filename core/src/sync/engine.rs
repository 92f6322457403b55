//! The outbox drain, written once: the browser app and the native chaos test run this
//! very code. It does no I/O itself. The caller lends it three small things:
//!
//! - an [`Outbox`]: where queued items live (IndexedDB in the app, memory in tests);
//! - a [`Transport`]: how one submission reaches the server (fetch, reqwest, a script);
//! - a [`Device`]: the time, a random number, a fresh id.
//!
//! The rules it keeps:
//!
//! - **In queue order, up to [`MAX_BATCH_ITEMS`] items a request**: due items are
//!   gathered into one `POST /api/v1/submissions/batch` (a lone item goes to
//!   `POST /api/v1/submissions`), and each item's outcome in the answer is filed on its
//!   own, exactly as if it had been sent alone ([`classify_batched`]). An item is deleted
//!   only after a receipt for that very item ([`classify`]).
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
//!   releases the lease; a drain that died leaves a lease that simply expires. Every
//!   request ends under the leases of the items it concerns: the transport's timeout is
//!   at most half the lease, and before each request (a photo part, a post) the engine
//!   renews every lease it holds that has less than half left ([`Outbox::renew`]), so
//!   however long the photos of a batch take to upload, no lease of it runs out on the
//!   way. A lease found lost (the device slept past it and another drain took the item)
//!   drops that item from this drain, unfiled. The server's idempotency by UUID stays
//!   the last guard.
//!
//! Architecture invariant: nothing here awaits anything but the three traits, so the
//! engine runs on any executor, single-threaded wasm included (hence no `Send` bounds).
//!
//! Attachments (photos) go first: once an item with photos is leased, the engine asks
//! the server how far each photo got (`GET /api/v1/attachments/{id}`), sends the parts it
//! lacks, planned by [`crate::attachment::parts_to_send`] (each part idempotent by
//! attachment UUID and part number), and asks it to assemble and verify the file by
//! SHA-256 (`complete`); only then does the item join the batch. An upload that cannot
//! finish now is a [`TransportError`]; a post the server refuses for a missing photo is
//! [`Outcome::UploadAttachments`]. Both reschedule the item like any transient failure,
//! and the next attempt resumes.

use uuid::Uuid;

use super::{Backoff, Outcome, classify, classify_batched};
use crate::api::{
    BatchRequest, BatchResponse, MAX_BATCH_BODY_BYTES, MAX_BATCH_ITEMS, Problem, Receipt,
    SubmissionRequest,
};
use crate::attachment::{AttachmentRef, Part, UploadStatus, parts_to_send};

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

    /// Extends to `until` the lease this drain holds on item `id`, the one that ends at
    /// `held`, if the item is still queued and that lease is still the one recorded (no
    /// other drain took the item since). Returns whether it did. Must be atomic like
    /// [`Outbox::lease`].
    async fn renew(&self, id: Uuid, held: Millis, until: Millis) -> Result<bool, Self::Error>;

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

/// How submissions reach the server, one request per call. The engine uploads an item's
/// photos before it posts the item, and never posts an item whose upload did not finish.
/// Every call ends (with an answer or an error) within half the lease.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// `GET /api/v1/attachments/{id}`: how far the upload of `photo` got. Any answer but
    /// a readable 200 is an error.
    async fn attachment_status(
        &self,
        photo: &AttachmentRef,
    ) -> Result<UploadStatus, TransportError>;

    /// `PUT /api/v1/attachments/{id}/parts/{n}`: the bytes `part.start..part.end` of the
    /// photo. Any answer but a 2xx is an error.
    async fn put_part(&self, photo: &AttachmentRef, part: &Part) -> Result<(), TransportError>;

    /// `POST /api/v1/attachments/{id}/complete` with [`AttachmentRef::completion`]: the
    /// server assembles and verifies the file. Any answer but a 2xx is an error.
    async fn complete_attachment(&self, photo: &AttachmentRef) -> Result<(), TransportError>;

    /// `POST /api/v1/submissions`: one submission.
    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError>;

    /// `POST /api/v1/submissions/batch`: 2 to [`MAX_BATCH_ITEMS`] submissions, at most
    /// [`MAX_BATCH_BODY_BYTES`] as JSON.
    async fn post_batch(&self, batch: &BatchRequest) -> Result<Answer, TransportError>;
}

/// What only the device can say: the time, a random number, a fresh id.
pub trait Device {
    fn now_ms(&self) -> Millis;
    /// A random number in `[0, 1)`, for the back-off's jitter.
    fn random(&self) -> f64;
    /// A new submission id ([`crate::api::new_submission_id`]), for an item whose id the
    /// server has spent.
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

    async fn renew(&self, id: Uuid, held: Millis, until: Millis) -> Result<bool, Self::Error> {
        (**self).renew(id, held, until).await
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
    async fn attachment_status(
        &self,
        photo: &AttachmentRef,
    ) -> Result<UploadStatus, TransportError> {
        (**self).attachment_status(photo).await
    }

    async fn put_part(&self, photo: &AttachmentRef, part: &Part) -> Result<(), TransportError> {
        (**self).put_part(photo, part).await
    }

    async fn complete_attachment(&self, photo: &AttachmentRef) -> Result<(), TransportError> {
        (**self).complete_attachment(photo).await
    }

    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError> {
        (**self).post_submission(request).await
    }

    async fn post_batch(&self, batch: &BatchRequest) -> Result<Answer, TransportError> {
        (**self).post_batch(batch).await
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
    /// How long a sending lease lasts. Must be at least twice the transport's timeout.
    pub lease_ms: Millis,
    /// The most items one request carries: [`MAX_BATCH_ITEMS`], or 1 to send each item
    /// by itself (`POST /api/v1/submissions` only).
    pub max_batch: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { backoff: Backoff::DEFAULT, lease_ms: DEFAULT_LEASE_MS, max_batch: MAX_BATCH_ITEMS }
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
    /// Not tried, or dropped on the way unfiled: another drain holds the item's lease (or
    /// took it after this one's ran out), or it left the outbox meanwhile.
    pub busy: usize,
    /// Not tried: its back-off has not run out (never with `force`).
    pub waiting: usize,
    /// The drain stopped early: the server could not be reached at all, so the items
    /// after the one that found out were left for the next drain, untouched.
    pub unreachable: bool,
    /// Submission requests made (a batch counts once; photo uploads are not counted).
    pub requests: usize,
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

    /// Tries every due item once (every item with `force`), in queue order, up to
    /// [`MAX_BATCH_ITEMS`] a request. Fails only if the outbox itself fails; the server's
    /// answers never stop the drain.
    pub async fn drain(&self, force: bool) -> Result<Report, O::Error> {
        let mut report = Report::default();
        let mut items = self.outbox.pending().await?;
        items.sort_by(|a, b| a.queued_at.cmp(&b.queued_at).then(a.id().cmp(&b.id())));
        let started = self.device.now_ms();
        let mut batch = Batch::default();
        for item in items {
            if !force && item.next_attempt_at > started {
                report.waiting += 1;
                continue;
            }
            let size = serde_json::to_vec(&item.request).map_or(0, |json| json.len());
            let full = batch.held.len() >= self.policy.max_batch.clamp(1, MAX_BATCH_ITEMS);
            if (full || !batch.fits(size))
                && self.post(std::mem::take(&mut batch), &mut report).await?
            {
                return Ok(report);
            }
            let now = self.device.now_ms();
            let until = now.saturating_add(self.policy.lease_ms);
            let Some(item) = self.outbox.lease(item.id(), now, until).await? else {
                report.busy += 1;
                continue;
            };
            let mut held = Held { item, size, until };
            match self.upload(&mut held, &mut batch, &mut report).await? {
                Uploaded::Done => batch.push(held),
                Uploaded::Lost => report.busy += 1,
                Uploaded::Failed(error) => {
                    let unreachable = matches!(error, TransportError::Unreachable(_));
                    report.count(self.file(&held.item, Outcome::RetryLater, unreachable).await?);
                    if unreachable {
                        // The items gathered before it were leased for this drain: they go
                        // (or fail) now, the rest wait untouched.
                        self.post(std::mem::take(&mut batch), &mut report).await?;
                        return Ok(report);
                    }
                }
            }
        }
        self.post(batch, &mut report).await?;
        Ok(report)
    }

    /// Uploads what the server lacks of the photos of `held` (nothing for an item
    /// without photos), one request at a time, keeping alive every lease this drain
    /// holds: the item's and those of the batch gathered so far.
    async fn upload(
        &self,
        held: &mut Held,
        batch: &mut Batch,
        report: &mut Report,
    ) -> Result<Uploaded, O::Error> {
        let photos = held.item.request.attachments.clone();
        for photo in &photos {
            if !self.keep(Some(held), batch, report).await? {
                return Ok(Uploaded::Lost);
            }
            let status = match self.transport.attachment_status(photo).await {
                Ok(status) => status,
                Err(error) => return Ok(Uploaded::Failed(error)),
            };
            if status.holds(photo) {
                continue;
            }
            for part in parts_to_send(photo.size, &status.received_parts) {
                if !self.keep(Some(held), batch, report).await? {
                    return Ok(Uploaded::Lost);
                }
                if let Err(error) = self.transport.put_part(photo, &part).await {
                    return Ok(Uploaded::Failed(error));
                }
            }
            if !self.keep(Some(held), batch, report).await? {
                return Ok(Uploaded::Lost);
            }
            if let Err(error) = self.transport.complete_attachment(photo).await {
                return Ok(Uploaded::Failed(error));
            }
        }
        Ok(Uploaded::Done)
    }

    /// Before a request: makes sure each lease it needs has at least half the lease left,
    /// so that the request (at most half a lease) ends under it, renewing those with less.
    /// Items of the batch whose lease was lost leave it, unfiled (another drain has them).
    /// Returns whether `held`'s lease, if any, is kept.
    async fn keep(
        &self,
        held: Option<&mut Held>,
        batch: &mut Batch,
        report: &mut Report,
    ) -> Result<bool, O::Error> {
        let mut i = 0;
        while i < batch.held.len() {
            if self.renew(&mut batch.held[i]).await? {
                i += 1;
            } else {
                let lost = batch.held.remove(i);
                batch.bytes -= lost.size + 1;
                report.busy += 1;
            }
        }
        match held {
            Some(held) => self.renew(held).await,
            None => Ok(true),
        }
    }

    /// Renews `held`'s lease when less than half of it is left.
    async fn renew(&self, held: &mut Held) -> Result<bool, O::Error> {
        let now = self.device.now_ms();
        if held.until.saturating_sub(now) >= self.policy.lease_ms / 2 {
            return Ok(true);
        }
        let until = now.saturating_add(self.policy.lease_ms);
        let renewed = self.outbox.renew(held.item.id(), held.until, until).await?;
        if renewed {
            held.until = until;
        }
        Ok(renewed)
    }

    /// Posts the gathered items (alone, or as a batch) and files each one's outcome.
    /// Returns whether the server could not be reached at all.
    async fn post(&self, mut batch: Batch, report: &mut Report) -> Result<bool, O::Error> {
        self.keep(None, &mut batch, report).await?;
        let items: Vec<Item> = batch.held.into_iter().map(|held| held.item).collect();
        let answers: Vec<(Outcome, bool)> = match items.as_slice() {
            [] => return Ok(false),
            [item] => {
                report.requests += 1;
                vec![self.answer_alone(&item.request).await]
            }
            _ => {
                report.requests += 1;
                let request = BatchRequest {
                    submissions: items.iter().map(|item| item.request.clone()).collect(),
                };
                match self.transport.post_batch(&request).await {
                    Ok(answer) => match split(&answer, &items) {
                        Some(outcomes) => outcomes.into_iter().map(|o| (o, false)).collect(),
                        None if refuses_batches(answer.status) => {
                            // The server (or something in between) does not take this
                            // batch as a batch: each item alone still says what it is.
                            let mut answers = Vec::with_capacity(items.len());
                            for item in &items {
                                report.requests += 1;
                                answers.push(self.answer_alone(&item.request).await);
                            }
                            answers
                        }
                        None => items.iter().map(|_| (Outcome::RetryLater, false)).collect(),
                    },
                    Err(error) => {
                        let unreachable = matches!(error, TransportError::Unreachable(_));
                        items.iter().map(|_| (Outcome::RetryLater, unreachable)).collect()
                    }
                }
            }
        };
        let mut unreachable_at_all = false;
        for (item, (outcome, unreachable)) in items.iter().zip(answers) {
            unreachable_at_all |= unreachable;
            report.count(self.file(item, outcome, unreachable).await?);
        }
        Ok(unreachable_at_all)
    }

    /// Posts one item by itself.
    async fn answer_alone(&self, request: &SubmissionRequest) -> (Outcome, bool) {
        match self.transport.post_submission(request).await {
            Ok(answer) => (classify(answer.status, answer.body.as_deref()), false),
            Err(error) => (Outcome::RetryLater, matches!(error, TransportError::Unreachable(_))),
        }
    }

    /// Files the outcome of one attempt of a leased item, which releases its lease.
    async fn file(
        &self,
        item: &Item,
        outcome: Outcome,
        unreachable: bool,
    ) -> Result<Sent, O::Error> {
        match outcome {
            // A receipt for another id proves nothing about this item.
            Outcome::Delivered(receipt) if receipt.id == item.id() => {
                self.outbox.deliver(item, &receipt).await?;
                Ok(Sent::Delivered)
            }
            Outcome::NeedsAttention(problem) => {
                // After a conflict the id is spent on other content: once fixed, the draft
                // must go out as a new submission. A fixable refusal keeps its id.
                let draft_id =
                    if problem.is_fixable_by_editing() { item.id() } else { self.device.new_id() };
                self.outbox.return_to_drafts(item, draft_id, &problem).await?;
                Ok(Sent::Refused)
            }
            // The server lacks a photo (or got it damaged): the transport uploads what is
            // missing on the next attempt, which comes with the usual back-off.
            Outcome::Delivered(_) | Outcome::UploadAttachments(_) | Outcome::RetryLater => {
                let attempts = item.attempts.saturating_add(1);
                let delay = self.policy.backoff.delay_ms(attempts, self.device.random());
                let next = self.device.now_ms().saturating_add(delay);
                self.outbox.reschedule(item.id(), attempts, next).await?;
                Ok(if unreachable { Sent::Unreachable } else { Sent::Postponed })
            }
        }
    }
}

/// Leased items waiting to be posted together.
#[derive(Default)]
struct Batch {
    held: Vec<Held>,
    /// The JSON size of the batch so far.
    bytes: usize,
}

/// An item this drain holds the lease on, until `until`, and its JSON size.
struct Held {
    item: Item,
    size: usize,
    until: Millis,
}

/// How an item's photo upload ended.
enum Uploaded {
    /// Every photo is on the server, verified (or the item has none).
    Done,
    /// The upload cannot finish now; the attempt failed.
    Failed(TransportError),
    /// The item's lease was lost on the way: another drain has it.
    Lost,
}

impl Batch {
    /// The `{"submissions":[...]}` around the items, and a comma between two.
    const FRAME_BYTES: usize = 20;

    fn push(&mut self, held: Held) {
        self.bytes += held.size + 1;
        self.held.push(held);
    }

    fn fits(&self, size: usize) -> bool {
        self.held.is_empty() || self.bytes + size + 1 + Self::FRAME_BYTES <= MAX_BATCH_BODY_BYTES
    }
}

/// Each item's outcome from a batch's answer: `None` unless it is a 200 whose body lists
/// one result per item, in order. A result naming another id proves nothing about the
/// item in its place, so that item is tried again.
fn split(answer: &Answer, items: &[Item]) -> Option<Vec<Outcome>> {
    if answer.status != 200 {
        return None;
    }
    let response: BatchResponse = serde_json::from_str(answer.body.as_deref()?).ok()?;
    if response.results.len() != items.len() {
        return None;
    }
    let outcomes = items.iter().zip(&response.results).map(|(item, result)| {
        let id = match result {
            crate::api::BatchOutcome::Stored { id, .. } => Some(*id),
            crate::api::BatchOutcome::Refused { id, .. } => *id,
        };
        match id {
            Some(id) if id != item.id() => Outcome::RetryLater,
            _ => classify_batched(result),
        }
    });
    Some(outcomes.collect())
}

/// Whether a status refuses the batch itself rather than any item: no batch endpoint
/// (an older server), a body too large for something in between, a batch it cannot read.
/// Its items are then sent one by one.
fn refuses_batches(status: u16) -> bool {
    matches!(status, 400 | 404 | 405 | 413 | 415 | 422)
}

impl Report {
    fn count(&mut self, sent: Sent) {
        match sent {
            Sent::Delivered => self.delivered += 1,
            Sent::Refused => self.refused += 1,
            Sent::Postponed => self.postponed += 1,
            Sent::Unreachable => {
                // No connection is nobody's item's fault: the rest wait, untouched,
                // for the next drain instead of each failing in turn.
                self.postponed += 1;
                self.unreachable = true;
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
