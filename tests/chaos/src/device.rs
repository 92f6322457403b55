//! Simulated phones. Each has its own outbox (core's `MemoryOutbox`), its own HTTP
//! client (reqwest, short timeouts, through the proxy) and two "tabs" that drain the
//! same outbox concurrently with core's sync engine — the very code the app runs. Tabs
//! sometimes crash mid-send (the drain is dropped, its lease left behind), and drain
//! with `force` when the network comes back, like the app's `online` event.
//!
//! Some complaints carry photos. The engine uploads them before the post, one request at
//! a time, exactly as in the app: it asks the server how far each photo got, sends the
//! parts core's plan (`attachment::parts_to_send`) names, then asks for completion; any
//! failure ends the attempt as `TransportError::Broken`, and the next attempt resumes.
//! Each of those requests and each post marks what it carries as on the wire: photos by
//! their id, submissions by theirs, so two drains at once on one item are counted.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use adal_core::AttachmentRef;
use adal_core::api::{BatchRequest, Receipt, SubmissionRequest};
use adal_core::attachment::{Part, UploadStatus, parts_to_send};
use adal_core::sync::engine::{
    Answer, Device, Engine, Item, Millis, Policy, Transport, TransportError,
};
use adal_core::sync::memory::{MemoryOutbox, ReturnedDraft};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use crate::{answers, photos};

/// How every device behaves.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub per_device: usize,
    pub client_timeout: Duration,
    pub policy: Policy,
    /// Probability that a drain is abandoned mid-way, as if its tab crashed.
    pub crash_rate: f64,
    /// Probability that a complaint carries photos (1 to 3).
    pub photo_rate: f64,
    /// The largest photo, in bytes.
    pub photo_max_bytes: u64,
    pub deadline: Instant,
}

/// What a device did and holds at the end.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every submission made on the device (queued or not by the deadline).
    pub submitted: Vec<SubmissionRequest>,
    /// Deliveries filed, with their receipts.
    pub sent: Vec<(Item, Receipt)>,
    /// Still in the outbox, or never queued before the deadline.
    pub unsent: usize,
    /// Refused by the server (none expected: every complaint is valid).
    pub drafts: Vec<ReturnedDraft>,
    pub stats: Stats,
}

/// Counted on the device's side of the wire.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Submission posts (alone or as a batch).
    pub attempts: u64,
    /// Of those, batches (`POST /api/v1/submissions/batch`).
    pub batches: u64,
    pub by_status: BTreeMap<u16, u64>,
    /// 2xx answers whose body did not arrive whole.
    pub cut_bodies: u64,
    pub unreachable: u64,
    pub timed_out: u64,
    pub broken: u64,
    /// Times one item was on the wire twice at once on this device: must stay 0.
    pub overlapping_sends: u64,
    pub drains: u64,
    pub crashed_drains: u64,
    pub uploads: Uploads,
}

/// The photo uploads, counted on the device's side of the wire.
#[derive(Debug, Default, Clone, Copy)]
pub struct Uploads {
    /// `GET /api/v1/attachments/{id}` sent.
    pub status_requests: u64,
    /// Photos the server already held, verified, when asked (nothing sent for them).
    pub already_held: u64,
    /// Parts the plan skipped because the server had them from an earlier attempt.
    pub parts_resumed: u64,
    /// `PUT …/parts/{n}` sent, and their bytes.
    pub part_requests: u64,
    pub part_bytes: u64,
    /// `POST …/complete` sent, and those answered 2xx.
    pub complete_requests: u64,
    pub completed: u64,
    /// Attempts that ended before the post because an upload could not finish.
    pub unfinished: u64,
}

impl Uploads {
    pub fn add(&mut self, other: &Uploads) {
        self.status_requests += other.status_requests;
        self.already_held += other.already_held;
        self.parts_resumed += other.parts_resumed;
        self.part_requests += other.part_requests;
        self.part_bytes += other.part_bytes;
        self.complete_requests += other.complete_requests;
        self.completed += other.completed;
        self.unfinished += other.unfinished;
    }

    /// Every upload request: status, parts and completions.
    pub fn requests(&self) -> u64 {
        self.status_requests + self.part_requests + self.complete_requests
    }
}

/// The device's HTTP client, counting what it sees.
struct Http {
    client: reqwest::Client,
    /// `http://<proxy>/api/v1`.
    api: String,
    /// The seed of each photo the person took: its bytes are made again from it.
    album: HashMap<Uuid, u64>,
    stats: RefCell<Stats>,
    in_flight: RefCell<HashSet<Uuid>>,
    /// The photo being uploaded, made once for all its parts.
    photo: RefCell<Option<(Uuid, bytes::Bytes)>>,
}

/// Photos first, as the app does, one request per call of the engine: the server stores
/// a submission only once each of its photos is uploaded and verified. Any failure ends
/// the attempt (counted as unfinished); the next attempt resumes.
impl Transport for Http {
    async fn attachment_status(
        &self,
        photo: &AttachmentRef,
    ) -> Result<UploadStatus, TransportError> {
        let _in_flight = self.on_the_wire(&[photo.id]);
        self.count(|u| u.status_requests += 1);
        let status = self.upload_status(photo).await.map_err(|why| self.unfinished(why))?;
        if status.holds(photo) {
            self.count(|u| u.already_held += 1);
        } else {
            let resumed = u64::from(photo.parts())
                - parts_to_send(photo.size, &status.received_parts).len() as u64;
            self.count(|u| u.parts_resumed += resumed);
        }
        Ok(status)
    }

    async fn put_part(&self, photo: &AttachmentRef, part: &Part) -> Result<(), TransportError> {
        let _in_flight = self.on_the_wire(&[photo.id]);
        self.count(|u| {
            u.part_requests += 1;
            u.part_bytes += part.len();
        });
        let body = self.photo_bytes(photo)?.slice(part.start as usize..part.end as usize);
        let request = self
            .client
            .put(format!("{}/parts/{}", self.attachment_url(photo), part.n))
            .header("content-type", "application/octet-stream")
            .body(body);
        self.upload_request(request).await.map_err(|why| self.unfinished(why))
    }

    async fn complete_attachment(&self, photo: &AttachmentRef) -> Result<(), TransportError> {
        let _in_flight = self.on_the_wire(&[photo.id]);
        self.count(|u| u.complete_requests += 1);
        let completion =
            serde_json::to_vec(&photo.completion()).map_err(|e| self.unfinished(e.to_string()))?;
        let request = self
            .client
            .post(format!("{}/complete", self.attachment_url(photo)))
            .header("content-type", "application/json")
            .body(completion);
        self.upload_request(request).await.map_err(|why| self.unfinished(why))?;
        self.count(|u| u.completed += 1);
        Ok(())
    }

    async fn post_submission(&self, request: &SubmissionRequest) -> Result<Answer, TransportError> {
        let _in_flight = self.on_the_wire(&[request.id]);
        self.post("submissions", serde_json::to_vec(request)).await
    }

    async fn post_batch(&self, batch: &BatchRequest) -> Result<Answer, TransportError> {
        let ids: Vec<Uuid> = batch.submissions.iter().map(|s| s.id).collect();
        let _in_flight = self.on_the_wire(&ids);
        self.stats.borrow_mut().batches += 1;
        self.post("submissions/batch", serde_json::to_vec(batch)).await
    }
}

/// Removes ids from the in-flight set however the request ends, a crash included.
struct InFlight<'a>(&'a Http, Vec<Uuid>);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut in_flight = self.0.in_flight.borrow_mut();
        self.1.iter().for_each(|id| {
            in_flight.remove(id);
        });
    }
}

impl Http {
    /// Marks items as on the wire until the guard drops, counting any already there.
    fn on_the_wire(&self, ids: &[Uuid]) -> InFlight<'_> {
        let mut in_flight = self.in_flight.borrow_mut();
        for id in ids {
            if !in_flight.insert(*id) {
                self.stats.borrow_mut().overlapping_sends += 1;
            }
        }
        InFlight(self, ids.to_vec())
    }

    /// One POST of a submission or a batch, counted.
    async fn post(
        &self,
        path: &str,
        body: serde_json::Result<Vec<u8>>,
    ) -> Result<Answer, TransportError> {
        self.stats.borrow_mut().attempts += 1;
        let body = body.map_err(|e| TransportError::Broken(e.to_string()))?;
        let sent = self
            .client
            .post(format!("{}/{path}", self.api))
            .header("content-type", "application/json")
            .header("accept", "application/json, application/problem+json")
            .header("accept-language", "kk")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                let mut stats = self.stats.borrow_mut();
                return Err(if e.is_timeout() {
                    stats.timed_out += 1;
                    TransportError::TimedOut
                } else if e.is_connect() {
                    stats.unreachable += 1;
                    TransportError::Unreachable(e.to_string())
                } else {
                    stats.broken += 1;
                    TransportError::Broken(e.to_string())
                });
            }
        };
        let status = response.status().as_u16();
        let body = response.text().await.ok();
        let mut stats = self.stats.borrow_mut();
        *stats.by_status.entry(status).or_default() += 1;
        if body.is_none() && (200..300).contains(&status) {
            stats.cut_bodies += 1;
        }
        Ok(Answer { status, body })
    }
}

impl Http {
    fn attachment_url(&self, photo: &AttachmentRef) -> String {
        format!("{}/attachments/{}", self.api, photo.id)
    }

    async fn upload_status(&self, photo: &AttachmentRef) -> Result<UploadStatus, String> {
        let response =
            self.client.get(self.attachment_url(photo)).send().await.map_err(|e| e.to_string())?;
        if response.status() != 200 {
            return Err(format!("status answered {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    /// Sends one part or completion; `Err` unless it answered 2xx.
    async fn upload_request(&self, request: reqwest::RequestBuilder) -> Result<(), String> {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        // Read to the end so the connection can serve the next request.
        let _ = response.bytes().await;
        match status.is_success() {
            true => Ok(()),
            false => Err(format!("answered {status}")),
        }
    }

    /// The bytes of `photo`, made again from its seed once for all its parts.
    fn photo_bytes(&self, photo: &AttachmentRef) -> Result<bytes::Bytes, TransportError> {
        if let Some((id, bytes)) = &*self.photo.borrow()
            && *id == photo.id
        {
            return Ok(bytes.clone());
        }
        let seed = self.album.get(&photo.id).ok_or_else(|| self.unfinished("not in the album"))?;
        let bytes = photos::bytes(*seed, photo.size);
        self.photo.replace(Some((photo.id, bytes.clone())));
        Ok(bytes)
    }

    /// An upload request that failed ends the attempt.
    fn unfinished(&self, why: impl std::fmt::Display) -> TransportError {
        self.count(|u| u.unfinished += 1);
        TransportError::Broken(format!("photo upload unfinished: {why}"))
    }

    fn count(&self, f: impl FnOnce(&mut Uploads)) {
        f(&mut self.stats.borrow_mut().uploads);
    }
}

/// The phone's clock (the real one) and its random numbers (seeded).
struct Phone {
    rng: RefCell<StdRng>,
}

impl Device for Phone {
    fn now_ms(&self) -> Millis {
        now_ms()
    }
    fn random(&self) -> f64 {
        self.rng.borrow_mut().random()
    }
    fn new_id(&self) -> Uuid {
        random_id(&mut *self.rng.borrow_mut())
    }
}

fn now_ms() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as Millis).unwrap_or(0)
}

/// A v4 UUID from a seeded generator, so a seed names the same submissions every run.
fn random_id(rng: &mut impl Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// Runs device `index` until its outbox is empty and nothing is left to queue, or the
/// deadline passes. Runs on a `LocalSet` (the engine is single-threaded, like wasm).
pub async fn run(
    index: usize,
    seed: u64,
    settings: Settings,
    api: String,
    network: watch::Receiver<bool>,
) -> anyhow::Result<Outcome> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(index as u64).wrapping_mul(0x9e37_79b9));
    let today = adal_core::district::region_date(OffsetDateTime::now_utc());
    let form_ref = adal_core::form::current("complaint").expect("complaint form").form_ref();
    let mut album = HashMap::new();
    let submitted: Vec<SubmissionRequest> = (0..settings.per_device)
        .map(|_| {
            let id = random_id(&mut rng);
            let count = match rng.random_bool(settings.photo_rate) {
                true => rng.random_range(1..=3),
                false => 0,
            };
            let attachments: Vec<AttachmentRef> = (0..count)
                .map(|_| {
                    let photo_id = random_id(&mut rng);
                    let photo = photos::take(&mut rng, photo_id, settings.photo_max_bytes);
                    album.insert(photo_id, photo.seed);
                    photo.attachment
                })
                .collect();
            SubmissionRequest {
                id,
                form: form_ref.clone(),
                answers: answers::complaint(&mut rng, today, &attachments),
                attachments,
                receipt_secret: None,
            }
        })
        .collect();
    let device = Handset {
        outbox: MemoryOutbox::new(),
        http: Http {
            client: reqwest::Client::builder()
                .timeout(settings.client_timeout)
                .connect_timeout(settings.client_timeout)
                .pool_max_idle_per_host(2)
                .build()?,
            api,
            album,
            stats: RefCell::default(),
            in_flight: RefCell::default(),
            photo: RefCell::default(),
        },
        phone: Phone { rng: RefCell::new(StdRng::seed_from_u64(rng.random())) },
        to_queue: RefCell::new(submitted.iter().cloned().collect()),
        crashed: Cell::new(0),
        drains: Cell::new(0),
    };
    let device = Rc::new(device);
    let tab_a = tab(Rc::clone(&device), true, rng.random(), settings, network.clone());
    let tab_b = tab(Rc::clone(&device), false, rng.random(), settings, network);
    tokio::join!(tab_a, tab_b);

    let mut stats = device.http.stats.borrow().clone();
    stats.crashed_drains = device.crashed.get();
    stats.drains = device.drains.get();
    Ok(Outcome {
        sent: device.outbox.sent(),
        unsent: device.outbox.queued().len() + device.to_queue.borrow().len(),
        drafts: device.outbox.drafts(),
        submitted,
        stats,
    })
}

/// What the tabs of one device share.
struct Handset {
    outbox: MemoryOutbox,
    http: Http,
    phone: Phone,
    /// Complaints the person has not sent yet; the first tab queues them over time.
    to_queue: RefCell<VecDeque<SubmissionRequest>>,
    crashed: Cell<u64>,
    drains: Cell<u64>,
}

async fn tab(
    device: Rc<Handset>,
    queues: bool,
    seed: u64,
    settings: Settings,
    mut network: watch::Receiver<bool>,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut was_up = *network.borrow_and_update();
    let engine =
        Engine::new(&device.outbox, &device.http, &device.phone).with_policy(settings.policy);
    while Instant::now() < settings.deadline {
        if queues {
            // The person taps "Send" on a few complaints now and then.
            for _ in 0..rng.random_range(0..=3) {
                let Some(request) = device.to_queue.borrow_mut().pop_front() else { break };
                device.outbox.queue(Item::queued(request, now_ms()));
            }
        }
        if device.to_queue.borrow().is_empty() && device.outbox.queued().is_empty() {
            break;
        }
        let up = *network.borrow_and_update();
        let came_back = up && !was_up;
        was_up = up;
        let force = came_back || rng.random_bool(0.05);
        device.drains.set(device.drains.get() + 1);
        if rng.random_bool(settings.crash_rate) {
            let crash_after = Duration::from_millis(rng.random_range(0..1_000));
            if tokio::time::timeout(crash_after, engine.drain(force)).await.is_err() {
                device.crashed.set(device.crashed.get() + 1);
            }
        } else {
            let _ = tokio::time::timeout_at(settings.deadline, engine.drain(force)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..200))).await;
    }
}
