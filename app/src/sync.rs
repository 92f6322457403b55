//! Drains the outbox with core's sync engine (`adal_core::sync::engine`): this module
//! only lends it the device's parts — the IndexedDB outbox (`store`), `fetch` (`api`)
//! and the browser's clock and randomness. The rules (queue order, delete only after a
//! receipt, back-off, refusals back to the drafts, the sending lease) live in core.

use std::cell::{Cell, RefCell};

use adal_core::Lang;
use adal_core::api::{BatchRequest, Problem, Receipt, SubmissionRequest};
use adal_core::attachment::{AttachmentRef, Part, UploadStatus};
use adal_core::sync::engine::{
    self, Answer, Device, Engine, Item, Millis, Outbox, Policy, TransportError,
};
use uuid::Uuid;

use crate::api;
use crate::store::{self, Draft, OutboxItem, SentItem, StoreError};

pub use adal_core::sync::engine::Report;

/// How long a drain may hold an item before another drain (another tab, or this one
/// after a reload) may send it: twice the request timeout, so a live request always
/// ends first.
pub const LEASE_MS: Millis = 2 * api::REQUEST_TIMEOUT_MS as Millis;

thread_local! {
    /// One drain at a time in this tab, so the status line's "sending" is simple. Other
    /// tabs are kept off each item by the lease in IndexedDB.
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

/// Sends every due item. With `force` (the person tapped, or the network just came
/// back) the back-off is ignored.
pub async fn drain(force: bool, lang: Lang) -> store::Result<Report> {
    if DRAINING.replace(true) {
        return Ok(Report::default());
    }
    let engine = Engine::new(DeviceOutbox, Fetch { lang, photo: RefCell::default() }, Browser)
        .with_policy(Policy { lease_ms: LEASE_MS, ..Policy::default() });
    let result = engine.drain(force).await;
    DRAINING.set(false);
    result
}

/// The outbox in IndexedDB; each method is one transaction of `store`.
struct DeviceOutbox;

impl From<OutboxItem> for Item {
    fn from(item: OutboxItem) -> Item {
        Item {
            request: item.request,
            queued_at: item.queued_at as Millis,
            attempts: item.attempts,
            next_attempt_at: item.next_attempt_at as Millis,
        }
    }
}

impl Outbox for DeviceOutbox {
    type Error = StoreError;

    async fn pending(&self) -> store::Result<Vec<Item>> {
        Ok(store::ops::all_outbox().await?.into_iter().map(Item::from).collect())
    }

    async fn lease(&self, id: Uuid, now: Millis, until: Millis) -> store::Result<Option<Item>> {
        Ok(store::lease(&id.to_string(), now as f64, until as f64).await?.map(Item::from))
    }

    async fn renew(&self, id: Uuid, held: Millis, until: Millis) -> store::Result<bool> {
        store::renew_lease(&id.to_string(), held as f64, until as f64).await
    }

    async fn deliver(&self, item: &Item, receipt: &Receipt) -> store::Result<()> {
        let sent = SentItem {
            id: item.id().to_string(),
            request: item.request.clone(),
            receipt: receipt.clone(),
            status: None,
        };
        store::deliver(&sent).await
    }

    async fn return_to_drafts(
        &self,
        item: &Item,
        draft_id: Uuid,
        problem: &Problem,
    ) -> store::Result<()> {
        let draft = Draft {
            id: draft_id.to_string(),
            form: item.request.form.clone(),
            answers: item.request.answers.clone(),
            created_at: item.queued_at as f64,
            updated_at: js_sys::Date::now(),
            problem: Some(problem.clone()),
        };
        store::return_to_drafts(&item.id().to_string(), &draft).await
    }

    async fn reschedule(&self, id: Uuid, attempts: u32, next: Millis) -> store::Result<()> {
        store::reschedule(&id.to_string(), attempts, next as f64).await
    }
}

/// `fetch`, in the person's language (it picks the language of refusal messages), and
/// the photo being uploaded, read once from IndexedDB for all its parts.
struct Fetch {
    lang: Lang,
    photo: RefCell<Option<(Uuid, web_sys::Blob)>>,
}

impl Fetch {
    /// The stored file of `photo`.
    async fn file(&self, photo: &AttachmentRef) -> Result<web_sys::Blob, TransportError> {
        if let Some((id, file)) = &*self.photo.borrow()
            && *id == photo.id
        {
            return Ok(file.clone());
        }
        let file = store::attachments::blob(&photo.id.to_string())
            .await
            .ok()
            .flatten()
            .ok_or_else(|| TransportError::Broken("photo not on this device".into()))?;
        self.photo.replace(Some((photo.id, file.clone())));
        Ok(file)
    }
}

/// Photos first (the engine asks for them part by part): the server stores a submission
/// only once each of its photos is uploaded and verified. An upload that cannot finish
/// now makes the attempt a failed one, retried with back-off like any other; uploads
/// resume where they stopped.
impl engine::Transport for Fetch {
    async fn attachment_status(
        &self,
        photo: &AttachmentRef,
    ) -> Result<UploadStatus, TransportError> {
        api::attachment_status(photo).await
    }

    async fn put_part(&self, photo: &AttachmentRef, part: &Part) -> Result<(), TransportError> {
        api::put_part(photo, part, &self.file(photo).await?).await
    }

    async fn complete_attachment(&self, photo: &AttachmentRef) -> Result<(), TransportError> {
        api::complete_attachment(photo).await
    }

    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError> {
        api::post_submission(request, self.lang).await
    }

    async fn post_batch(&self, batch: &BatchRequest) -> Result<Answer, TransportError> {
        api::post_batch(batch, self.lang).await
    }
}

/// The browser's clock, `Math.random` and `crypto.getRandomValues` (via uuid).
struct Browser;

impl Device for Browser {
    fn now_ms(&self) -> Millis {
        js_sys::Date::now() as Millis
    }
    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
    fn new_id(&self) -> Uuid {
        new_submission_id()
    }
}

/// A new id for a draft (and so for the submission it becomes): core's time-ordered
/// UUID of this device's clock and the browser's cryptographic randomness.
pub fn new_submission_id() -> Uuid {
    let mut random = [0u8; 10];
    match crate::receipts::fill_random(&mut random) {
        Some(()) => adal_core::api::new_submission_id(js_sys::Date::now() as u64, random),
        // No Web Crypto: still unique, only not in time order.
        None => Uuid::new_v4(),
    }
}

/// Sends the person's replies to the office's questions, oldest first. A refused reply
/// is kept with the reason (never silently dropped); with no connection the round ends
/// and the replies wait for the next one. Returns how many the server accepted.
pub async fn send_replies(lang: Lang) -> store::Result<usize> {
    let mut accepted = 0;
    for reply in store::replies::all().await? {
        if reply.refused.is_some() {
            continue;
        }
        let Some(item) = store::ops::get_sent(&reply.item).await? else { continue };
        let Some(secret) = item.request.receipt_secret else { continue };
        match api::post_reply(&reply.tracking, secret.expose(), &reply.text, lang).await {
            Ok(()) => {
                store::replies::delete(&reply.id).await?;
                accepted += 1;
            }
            Err(Some(problem)) => {
                let refused = Some(problem.detail.unwrap_or(problem.title));
                store::replies::put(&store::replies::Reply { refused, ..reply }).await?;
            }
            Err(None) => break,
        }
    }
    Ok(accepted)
}
