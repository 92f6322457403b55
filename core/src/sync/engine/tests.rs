//! The real engine against the in-memory outbox and a scripted transport: every answer
//! the "server" gives here is canned by the test (no network), so each rule of the drain
//! is checked on its own. The chaos test (`tests/chaos`) runs the same engine against the
//! real server through a faulty network.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::executor::block_on;
use uuid::Uuid;

use super::*;
use crate::api::{BatchOutcome, FormRef, Problem, ProblemCode, Receipt, SubmissionRequest};
use crate::attachment::{AttachmentRef, Part, UploadStatus};
use crate::sync::memory::MemoryOutbox;
use crate::{Lang, sync::Backoff};

/// A canned answer of the scripted server, for one item (alone or in a batch) or, in
/// `Script::batch_replies`, for a whole batch.
enum Reply {
    /// 201 with a receipt for the request's id.
    Receipt,
    /// 201 with a receipt for some other id.
    ReceiptFor(Uuid),
    /// Any status, with the body as given (in a batch: a refusal with that status).
    Raw(u16, Option<String>),
    /// A refusal in problem+json.
    Refuse(ProblemCode),
    /// No answer at all.
    Fail(TransportError),
}

/// Answers each item with the next scripted reply (a receipt once the script is used
/// up), and records what was uploaded and posted, how requests were made, and whether
/// two posts of one id ever overlapped.
#[derive(Default)]
struct Script {
    replies: RefCell<VecDeque<Reply>>,
    /// Replies to whole batches (`Raw` or `Fail`), used before any per-item reply.
    batch_replies: RefCell<VecDeque<Reply>>,
    /// The next upload request of a photo fails, by photo id.
    upload_failures: RefCell<HashMap<Uuid, TransportError>>,
    /// What the server says of a photo's upload; a fresh upload when absent.
    statuses: RefCell<HashMap<Uuid, UploadStatus>>,
    /// Parts sent, by photo id and part number, in order.
    parts: RefCell<Vec<(Uuid, u32)>>,
    /// Photos uploaded whole (completed), in order.
    uploaded: RefCell<Vec<Uuid>>,
    /// A device clock each upload request moves forward by `upload_ms`.
    clock: Option<(Rc<Cell<Millis>>, Millis)>,
    posted: RefCell<Vec<Uuid>>,
    /// Items per request, in order (1 for `POST /api/v1/submissions`), and batch bodies.
    requests: RefCell<Vec<usize>>,
    batch_bytes: RefCell<Vec<usize>>,
    in_flight: RefCell<HashSet<Uuid>>,
    overlaps: Cell<usize>,
    issued: Cell<u32>,
}

impl Script {
    fn with(replies: impl IntoIterator<Item = Reply>) -> Script {
        Script { replies: RefCell::new(replies.into_iter().collect()), ..Script::default() }
    }

    fn receipt(&self, id: Uuid) -> Receipt {
        self.issued.set(self.issued.get() + 1);
        Receipt {
            id,
            tracking: format!("URA-2026-{:05}", self.issued.get()),
            received_at: time::macros::datetime!(2026-11-25 10:00 UTC),
            terms: None,
        }
    }

    /// Puts `ids` on the "wire" while any other drain runs, then takes them off.
    async fn on_the_wire(&self, ids: &[Uuid]) {
        for id in ids {
            if !self.in_flight.borrow_mut().insert(*id) {
                self.overlaps.set(self.overlaps.get() + 1);
            }
        }
        YieldOnce(false).await;
        for id in ids {
            self.in_flight.borrow_mut().remove(id);
        }
    }

    /// One request of a photo's upload: it takes `upload_ms` of the device's clock, lets
    /// any other drain run meanwhile, and fails as `upload_failures` says.
    async fn upload_request(&self, photo: &AttachmentRef) -> Result<(), TransportError> {
        if let Some((clock, upload_ms)) = &self.clock {
            clock.set(clock.get() + upload_ms);
        }
        self.on_the_wire(&[photo.id]).await;
        match self.upload_failures.borrow_mut().remove(&photo.id) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn next_reply(&self) -> Reply {
        self.replies.borrow_mut().pop_front().unwrap_or(Reply::Receipt)
    }
}

fn problem_body(code: ProblemCode) -> String {
    serde_json::to_string(&Problem::new(code, Lang::En)).unwrap()
}

impl Transport for Script {
    async fn attachment_status(
        &self,
        photo: &AttachmentRef,
    ) -> Result<UploadStatus, TransportError> {
        self.upload_request(photo).await?;
        let fresh = || UploadStatus {
            id: photo.id,
            received_parts: Vec::new(),
            complete: false,
            attachment: None,
        };
        Ok(self.statuses.borrow().get(&photo.id).cloned().unwrap_or_else(fresh))
    }

    async fn put_part(&self, photo: &AttachmentRef, part: &Part) -> Result<(), TransportError> {
        self.upload_request(photo).await?;
        self.parts.borrow_mut().push((photo.id, part.n));
        Ok(())
    }

    async fn complete_attachment(&self, photo: &AttachmentRef) -> Result<(), TransportError> {
        self.upload_request(photo).await?;
        self.uploaded.borrow_mut().push(photo.id);
        Ok(())
    }

    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError> {
        self.requests.borrow_mut().push(1);
        self.posted.borrow_mut().push(request.id);
        self.on_the_wire(&[request.id]).await;
        match self.next_reply() {
            Reply::Receipt => {
                let body = serde_json::to_string(&self.receipt(request.id)).unwrap();
                Ok(Answer { status: 201, body: Some(body) })
            }
            Reply::ReceiptFor(other) => {
                let body = serde_json::to_string(&self.receipt(other)).unwrap();
                Ok(Answer { status: 201, body: Some(body) })
            }
            Reply::Raw(status, body) => Ok(Answer { status, body }),
            Reply::Refuse(code) => {
                Ok(Answer { status: code.status(), body: Some(problem_body(code)) })
            }
            Reply::Fail(error) => Err(error),
        }
    }

    async fn post_batch(&self, batch: &BatchRequest) -> Result<Answer, TransportError> {
        let ids: Vec<Uuid> = batch.submissions.iter().map(|s| s.id).collect();
        self.requests.borrow_mut().push(ids.len());
        self.batch_bytes.borrow_mut().push(serde_json::to_vec(batch).unwrap().len());
        self.posted.borrow_mut().extend(&ids);
        self.on_the_wire(&ids).await;
        let whole = self.batch_replies.borrow_mut().pop_front();
        match whole {
            Some(Reply::Raw(status, body)) => return Ok(Answer { status, body }),
            Some(Reply::Fail(error)) => return Err(error),
            Some(_) => panic!("a batch reply is Raw or Fail"),
            None => {}
        }
        let results = ids
            .iter()
            .map(|&id| match self.next_reply() {
                Reply::Receipt => {
                    BatchOutcome::Stored { id, status: 201, receipt: self.receipt(id) }
                }
                Reply::ReceiptFor(other) => {
                    BatchOutcome::Stored { id: other, status: 201, receipt: self.receipt(other) }
                }
                Reply::Refuse(code) => BatchOutcome::Refused {
                    id: Some(id),
                    status: code.status(),
                    problem: Problem::new(code, Lang::En),
                },
                Reply::Raw(status, _) => BatchOutcome::Refused {
                    id: Some(id),
                    status,
                    problem: Problem::new(ProblemCode::Internal, Lang::En),
                },
                Reply::Fail(_) => panic!("an item of a batch cannot fail alone"),
            })
            .collect();
        let body = serde_json::to_string(&BatchResponse { results }).unwrap();
        Ok(Answer { status: 200, body: Some(body) })
    }
}

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A clock the test moves by hand, a fixed "random" number and counted ids.
struct TestDevice {
    now: Rc<Cell<Millis>>,
    ids: Cell<u128>,
}

impl TestDevice {
    fn at(now: Millis) -> TestDevice {
        TestDevice { now: Rc::new(Cell::new(now)), ids: Cell::new(0) }
    }
}

impl Device for TestDevice {
    fn now_ms(&self) -> Millis {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn new_id(&self) -> Uuid {
        self.ids.set(self.ids.get() + 1);
        Uuid::from_u128(0xdead_0000 + self.ids.get())
    }
}

const T0: Millis = 1_790_000_000_000;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn item(n: u128, queued_at: Millis) -> Item {
    let request = SubmissionRequest {
        id: id(n),
        form: FormRef::new("complaint", 2),
        answers: [("district".to_owned(), serde_json::Value::from("URA"))].into_iter().collect(),
        attachments: Vec::new(),
        receipt_secret: None,
    };
    Item::queued(request, queued_at)
}

fn outbox_with(items: impl IntoIterator<Item = Item>) -> MemoryOutbox {
    let outbox = MemoryOutbox::new();
    items.into_iter().for_each(|i| outbox.queue(i));
    outbox
}

#[test]
fn every_item_is_delivered_in_queue_order_and_its_receipt_kept() {
    let outbox = outbox_with([item(1, T0 - 10), item(2, T0 - 30), item(3, T0 - 20)]);
    let script = Script::default();
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { delivered: 3, requests: 1, ..Report::default() });
    assert_eq!(*script.posted.borrow(), [id(2), id(3), id(1)]);
    assert!(outbox.queued().is_empty());
    let sent = outbox.sent();
    assert_eq!(
        sent.iter().map(|(i, r)| (i.id(), r.id)).collect::<Vec<_>>(),
        [(id(2), id(2)), (id(3), id(3)), (id(1), id(1))]
    );
    assert_eq!(sent[0].1.tracking, "URA-2026-00001");
    assert!(outbox.lease_of(id(1)).is_none());
}

#[test]
fn only_a_parsable_receipt_for_the_item_itself_deletes_it() {
    let outbox = outbox_with([item(1, T0), item(2, T0 + 1), item(3, T0 + 2), item(4, T0 + 3)]);
    let whole = serde_json::to_string(&Script::default().receipt(id(1))).unwrap();
    let script = Script::with([
        Reply::Raw(201, Some(whole[..whole.len() / 2].to_owned())),
        Reply::Raw(201, None),
        Reply::ReceiptFor(id(99)),
        Reply::Raw(200, Some("<html>captive portal</html>".into())),
    ]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10)).with_policy(ALONE);

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { postponed: 4, requests: 4, ..Report::default() });
    assert!(outbox.sent().is_empty());
    assert_eq!(outbox.queued().len(), 4);
    assert!(outbox.queued().iter().all(|i| i.attempts == 1));
}

#[test]
fn a_refused_item_returns_to_the_drafts_and_the_items_behind_it_still_go() {
    let outbox = outbox_with([item(1, T0), item(2, T0 + 1), item(3, T0 + 2)]);
    let script = Script::with([
        Reply::Refuse(ProblemCode::ValidationFailed),
        Reply::Refuse(ProblemCode::ConflictingResubmission),
    ]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { delivered: 1, refused: 2, requests: 1, ..Report::default() });
    assert!(outbox.queued().is_empty());
    let drafts = outbox.drafts();
    // A fixable refusal keeps its id; after a conflict the id is spent.
    assert_eq!((drafts[0].item.id(), drafts[0].draft_id), (id(1), id(1)));
    assert_eq!(drafts[0].problem.code, ProblemCode::ValidationFailed);
    assert_eq!(drafts[1].item.id(), id(2));
    assert_eq!(drafts[1].draft_id, Uuid::from_u128(0xdead_0001));
    assert_eq!(drafts[1].problem.code, ProblemCode::ConflictingResubmission);
    assert_eq!(outbox.sent()[0].0.id(), id(3));
}

#[test]
fn a_failing_item_at_the_head_of_the_queue_blocks_nothing() {
    let outbox = outbox_with([item(1, T0), item(2, T0 + 1), item(3, T0 + 2)]);
    let script = Script::with([Reply::Raw(503, None)]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { delivered: 2, postponed: 1, requests: 1, ..Report::default() });
    assert_eq!(outbox.queued().iter().map(Item::id).collect::<Vec<_>>(), [id(1)]);
}

#[test]
fn transient_failures_back_off_exponentially_and_force_ignores_the_back_off() {
    let outbox = outbox_with([item(1, T0)]);
    let script = Script::with([
        Reply::Fail(TransportError::TimedOut),
        Reply::Raw(429, None),
        Reply::Fail(TransportError::Unreachable("offline".into())),
    ]);
    let backoff = Backoff { base_ms: 1_000, cap_ms: 60_000 };
    let device = TestDevice::at(T0);
    let engine = Engine::new(&outbox, &script, &device).with_policy(Policy {
        backoff,
        lease_ms: 10_000,
        ..Policy::default()
    });

    assert_eq!(block_on(engine.drain(false)).unwrap().postponed, 1);
    let after_one = outbox.queued()[0].clone();
    assert_eq!(after_one.attempts, 1);
    assert_eq!(after_one.next_attempt_at, T0 + backoff.delay_ms(1, 0.5));

    // Not due yet: a plain drain leaves it alone and sends nothing.
    device.now.set(after_one.next_attempt_at - 1);
    assert_eq!(block_on(engine.drain(false)).unwrap(), Report { waiting: 1, ..Report::default() });
    assert_eq!(script.posted.borrow().len(), 1);

    // Due: tried again, and the next wait is twice as long.
    device.now.set(after_one.next_attempt_at);
    assert_eq!(block_on(engine.drain(false)).unwrap().postponed, 1);
    let after_two = outbox.queued()[0].clone();
    assert_eq!(after_two.attempts, 2);
    assert_eq!(after_two.next_attempt_at, device.now_ms() + backoff.delay_ms(2, 0.5));
    assert_eq!(backoff.delay_ms(2, 0.5), 2 * backoff.delay_ms(1, 0.5));

    // A person's tap goes at once, back-off or not.
    assert_eq!(block_on(engine.drain(true)).unwrap().postponed, 1);
    assert_eq!(block_on(engine.drain(true)).unwrap().delivered, 1);
    assert_eq!(script.posted.borrow().len(), 4);
    assert!(outbox.queued().is_empty());
}

#[test]
fn two_drains_at_once_never_send_the_same_item_concurrently() {
    let outbox = outbox_with((1..=20).map(|n| item(n, T0 + n as u64)));
    let script = Script::default();
    let device = TestDevice::at(T0 + 100);
    let tab_a = Engine::new(&outbox, &script, &device);
    let tab_b = Engine::new(&outbox, &script, &device);

    let (a, b) = block_on(async { futures::join!(tab_a.drain(true), tab_b.drain(true)) });
    let (a, b) = (a.unwrap(), b.unwrap());

    assert_eq!(script.overlaps.get(), 0);
    assert_eq!(a.delivered + b.delivered, 20);
    assert!(a.busy + b.busy > 0, "the drains never met: {a:?} {b:?}");
    let mut posted = script.posted.borrow().clone();
    posted.sort();
    posted.dedup();
    assert_eq!(posted.len(), 20);
    assert_eq!(outbox.sent().len(), 20);
}

#[test]
fn a_lease_left_by_a_crashed_drain_holds_the_item_until_it_expires() {
    let outbox = outbox_with([item(1, T0)]);
    let script = Script::default();
    let device = TestDevice::at(T0);
    let engine = Engine::new(&outbox, &script, &device)
        .with_policy(Policy { lease_ms: 5_000, ..Policy::default() });
    // A tab took the lease and died mid-send.
    assert!(block_on(outbox.lease(id(1), T0, T0 + 5_000)).unwrap().is_some());

    device.now.set(T0 + 4_999);
    assert_eq!(block_on(engine.drain(true)).unwrap(), Report { busy: 1, ..Report::default() });
    assert!(script.posted.borrow().is_empty());

    device.now.set(T0 + 5_000);
    assert_eq!(block_on(engine.drain(true)).unwrap().delivered, 1);
    assert!(outbox.lease_of(id(1)).is_none());
}

#[test]
fn rescheduling_releases_the_lease_for_the_next_drain() {
    let outbox = outbox_with([item(1, T0)]);
    let script = Script::with([Reply::Raw(500, None)]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0));

    block_on(engine.drain(true)).unwrap();
    assert!(outbox.lease_of(id(1)).is_none());
    assert_eq!(block_on(engine.drain(true)).unwrap().delivered, 1);
}

#[test]
fn with_no_connection_at_all_the_drain_stops_and_leaves_the_rest_untouched() {
    let outbox = outbox_with((1..=3).map(|n| item(n, T0 + n as u64)));
    let script = Script::with([Reply::Fail(TransportError::Unreachable("refused".into()))]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10)).with_policy(ALONE);

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(
        report,
        Report { postponed: 1, unreachable: true, requests: 1, ..Report::default() }
    );
    assert_eq!(*script.posted.borrow(), [id(1)]);
    let attempts: Vec<_> = outbox.queued().iter().map(|i| (i.id(), i.attempts)).collect();
    assert_eq!(attempts, [(id(1), 1), (id(2), 0), (id(3), 0)]);
    // A timeout or a broken connection says nothing about the next item: it goes on.
    let script = Script::with([Reply::Fail(TransportError::TimedOut)]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10)).with_policy(ALONE);
    let report = block_on(engine.drain(true)).unwrap();
    assert_eq!(report, Report { delivered: 2, postponed: 1, requests: 3, ..Report::default() });
}

/// Each item by itself, as before batches: for the rules of one request's answer.
const ALONE: Policy =
    Policy { backoff: Backoff::DEFAULT, lease_ms: DEFAULT_LEASE_MS, max_batch: 1 };

#[test]
fn a_long_queue_goes_out_in_batches_of_at_most_a_hundred_in_queue_order() {
    let outbox = outbox_with((1..=250).map(|n| item(n, T0 + n as u64)));
    let script = Script::default();
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 1_000));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { delivered: 250, requests: 3, ..Report::default() });
    assert_eq!(*script.requests.borrow(), [100, 100, 50]);
    assert_eq!(*script.posted.borrow(), (1..=250).map(id).collect::<Vec<_>>());
    assert!(outbox.queued().is_empty());
    let sent = outbox.sent();
    assert!(sent.iter().all(|(item, receipt)| item.id() == receipt.id));
    assert_eq!(sent[249].1.tracking, "URA-2026-00250");
}

#[test]
fn a_batch_stays_under_the_body_limit() {
    let long = "ә".repeat(15_000); // 30 KB of UTF-8 in one answer
    let outbox = outbox_with((1..=100).map(|n| {
        let mut item = item(n, T0 + n as u64);
        item.request.answers.insert("description".into(), long.clone().into());
        item
    }));
    let script = Script::default();
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 1_000));

    assert_eq!(block_on(engine.drain(false)).unwrap().delivered, 100);
    let requests = script.requests.borrow().clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests.iter().sum::<usize>(), 100);
    assert!(script.batch_bytes.borrow().iter().all(|&b| b <= MAX_BATCH_BODY_BYTES));
}

#[test]
fn each_item_of_a_batch_is_filed_by_its_own_outcome() {
    let outbox = outbox_with((1..=6).map(|n| item(n, T0 + n as u64)));
    let script = Script::with([
        Reply::Receipt,
        Reply::Refuse(ProblemCode::ValidationFailed),
        Reply::Refuse(ProblemCode::ConflictingResubmission),
        Reply::Refuse(ProblemCode::AttachmentsIncomplete),
        Reply::Raw(500, None),
        Reply::ReceiptFor(id(99)),
    ]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10));

    let report = block_on(engine.drain(false)).unwrap();

    let expected =
        Report { delivered: 1, refused: 2, postponed: 3, requests: 1, ..Report::default() };
    assert_eq!(report, expected);
    assert_eq!(outbox.sent().iter().map(|(i, _)| i.id()).collect::<Vec<_>>(), [id(1)]);
    let drafts = outbox.drafts();
    assert_eq!((drafts[0].item.id(), drafts[0].draft_id), (id(2), id(2)));
    assert_eq!((drafts[1].item.id(), drafts[1].draft_id), (id(3), Uuid::from_u128(0xdead_0001)));
    let waiting: Vec<_> = outbox.queued().iter().map(|i| (i.id(), i.attempts)).collect();
    assert_eq!(waiting, [(id(4), 1), (id(5), 1), (id(6), 1)]);
    assert!(outbox.queued().iter().all(|i| outbox.lease_of(i.id()).is_none()));
}

#[test]
fn a_batch_that_fails_as_a_whole_postpones_only_its_own_items() {
    let outbox = outbox_with((1..=150).map(|n| item(n, T0 + n as u64)));
    let script = Script::default();
    script
        .batch_replies
        .borrow_mut()
        .extend([Reply::Raw(200, Some("{\"results\": [".into())), Reply::Raw(503, None)]);
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 1_000));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { postponed: 150, requests: 2, ..Report::default() });
    assert!(outbox.queued().iter().all(|i| i.attempts == 1));
    // Unreachable: the batch's items are postponed, the ones behind it left untouched.
    script
        .batch_replies
        .borrow_mut()
        .push_back(Reply::Fail(TransportError::Unreachable("x".into())));
    let report = block_on(engine.drain(true)).unwrap();
    assert_eq!(
        report,
        Report { postponed: 100, unreachable: true, requests: 1, ..Report::default() }
    );
    let tried: Vec<u32> = outbox.queued().iter().map(|i| i.attempts).collect();
    assert_eq!(tried[..100], [2; 100]);
    assert_eq!(tried[100..], [1; 50]);
}

#[test]
fn a_server_without_batches_gets_each_item_alone() {
    let outbox = outbox_with((1..=3).map(|n| item(n, T0 + n as u64)));
    let script = Script::default();
    script
        .batch_replies
        .borrow_mut()
        .push_back(Reply::Raw(404, Some(problem_body(ProblemCode::NotFound))));
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { delivered: 3, requests: 4, ..Report::default() });
    assert_eq!(*script.requests.borrow(), [3, 1, 1, 1]);
    assert!(outbox.drafts().is_empty());
}

fn photo(n: u128, size: u64) -> AttachmentRef {
    AttachmentRef {
        id: Uuid::from_u128(0xf000 + n),
        sha256: "0".repeat(64),
        size,
        content_type: "image/jpeg".into(),
    }
}

fn with_photos(mut item: Item, photos: impl IntoIterator<Item = AttachmentRef>) -> Item {
    item.request.attachments = photos.into_iter().collect();
    item
}

#[test]
fn photos_are_uploaded_before_their_item_is_posted_and_an_unfinished_upload_holds_only_it() {
    let outbox = outbox_with([
        item(1, T0 + 1),
        with_photos(item(2, T0 + 2), [photo(2, 1_000)]),
        with_photos(item(3, T0 + 3), [photo(3, 1_000)]),
        item(4, T0 + 4),
    ]);
    let script = Script::default();
    script
        .upload_failures
        .borrow_mut()
        .insert(photo(3, 0).id, TransportError::Broken("cut".into()));
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0 + 10));

    let report = block_on(engine.drain(false)).unwrap();

    assert_eq!(report, Report { delivered: 3, postponed: 1, requests: 1, ..Report::default() });
    assert_eq!(*script.uploaded.borrow(), [photo(2, 0).id]);
    assert_eq!(*script.posted.borrow(), [id(1), id(2), id(4)]);
    let waiting: Vec<_> = outbox.queued().iter().map(|i| (i.id(), i.attempts)).collect();
    assert_eq!(waiting, [(id(3), 1)]);
}

#[test]
fn only_the_parts_the_server_lacks_are_sent_and_a_held_photo_not_at_all() {
    // 600 KiB: parts 0, 1 and 2 of 256 KiB.
    let big = photo(1, 600 * 1024);
    let held = photo(2, 1_000);
    let outbox = outbox_with([with_photos(item(1, T0), [big.clone(), held.clone()])]);
    let script = Script::default();
    let status = |photo: &AttachmentRef, received_parts, complete| UploadStatus {
        id: photo.id,
        received_parts,
        complete,
        attachment: complete.then(|| photo.clone()),
    };
    script.statuses.borrow_mut().insert(big.id, status(&big, vec![1], false));
    script.statuses.borrow_mut().insert(held.id, status(&held, vec![], true));
    let engine = Engine::new(&outbox, &script, TestDevice::at(T0));

    assert_eq!(block_on(engine.drain(false)).unwrap().delivered, 1);
    assert_eq!(*script.parts.borrow(), [(big.id, 0), (big.id, 2)]);
    assert_eq!(*script.uploaded.borrow(), [big.id]);
}

#[test]
fn leases_are_kept_however_long_the_photos_of_a_batch_take() {
    // Every upload request takes 3 s of a 10 s lease, and each of the four items has a
    // photo of three parts (five requests): a batch is gathered over many leases, and a
    // second tab keeps draining all the while. It may take the items the first has not
    // reached yet, never one the first holds: each item goes out exactly once.
    let items = (1..=4).map(|n| with_photos(item(n, T0 + n as u64), [photo(n, 700 * 1024)]));
    let outbox = outbox_with(items);
    let device = TestDevice::at(T0 + 10);
    let script = Script { clock: Some((Rc::clone(&device.now), 3_000)), ..Script::default() };
    let policy = Policy { lease_ms: 10_000, ..Policy::default() };
    let tab_a = Engine::new(&outbox, &script, &device).with_policy(policy);
    let tab_b = Engine::new(&outbox, &script, &device).with_policy(policy);

    let (a, (b, busy_for_b)) = block_on(async {
        let b = async {
            let (mut delivered, mut busy) = (0, 0);
            while !outbox.queued().is_empty() {
                let report = tab_b.drain(true).await.unwrap();
                (delivered, busy) = (delivered + report.delivered, busy + report.busy);
                YieldOnce(false).await;
            }
            (delivered, busy)
        };
        futures::join!(tab_a.drain(false), b)
    });

    let a = a.unwrap().delivered;
    assert!(a >= 2 && busy_for_b > 0, "the tabs never met: a {a}, b {b}, b busy {busy_for_b}");
    assert_eq!(a + b, 4);
    let mut posted = script.posted.borrow().clone();
    assert_eq!(posted.len(), 4, "an item went out twice: {posted:?}");
    posted.sort();
    posted.dedup();
    assert_eq!(posted.len(), 4);
    assert_eq!(script.overlaps.get(), 0);
    assert_eq!(outbox.sent().len(), 4);
}

#[test]
fn an_item_whose_lease_was_lost_is_left_to_the_drain_that_took_it() {
    let outbox = outbox_with([item(1, T0), with_photos(item(2, T0 + 1), [photo(2, 1_000)])]);
    let device = TestDevice::at(T0 + 10);
    // The device sleeps through item 1's lease while item 2's photo uploads, and another
    // tab takes item 1 meanwhile.
    let script = Script { clock: Some((Rc::clone(&device.now), 20_000)), ..Script::default() };
    let engine = Engine::new(&outbox, &script, &device)
        .with_policy(Policy { lease_ms: 10_000, ..Policy::default() });
    let rival = async {
        loop {
            let now = device.now.get();
            if outbox.lease_of(id(1)).is_some_and(|until| until <= now) {
                let taken = outbox.lease(id(1), now, now + 10_000).await.unwrap();
                return taken.map(|_| now + 10_000);
            }
            YieldOnce(false).await;
        }
    };

    let (report, taken) = block_on(async { futures::join!(engine.drain(false), rival) });
    let report = report.unwrap();

    let Some(rivals_lease) = taken else { panic!("the rival found no expired lease") };
    assert_eq!(report, Report { delivered: 1, busy: 1, requests: 1, ..Report::default() });
    assert_eq!(*script.posted.borrow(), [id(2)]);
    // Item 1 is still queued under the rival's lease, untouched by this drain.
    assert_eq!(outbox.lease_of(id(1)), Some(rivals_lease));
    assert_eq!(outbox.queued().iter().map(Item::id).collect::<Vec<_>>(), [id(1)]);
}
