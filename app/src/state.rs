//! The state every screen shares: language, connectivity, and what is on the device.

use adal_core::Lang;
use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;

use std::sync::Arc;

use adal_core::form::FormSchema;

use crate::store::providers::StoredProvider;
use crate::store::{self, Snapshot};
use crate::{api, sync};

const LANG_KEY: &str = "adal.lang";

/// How often the outbox is looked at while the app is open, in milliseconds. Items
/// that failed wait for their own back-off; this only bounds how late a retry starts.
const DRAIN_EVERY_MS: u32 = 15_000;

/// How many entries of each list the start screen draws at first; "Show more" draws
/// this many more. A first screen holds fewer, and a device with a thousand waiting
/// items must not read or draw a thousand rows before the person can tap anything.
pub const LIST_PAGE: usize = 30;

/// Shared handles, provided once by `App` as context. Every field is a `Copy` signal.
#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    /// The browser's own idea of connectivity; the server's answers are the final word.
    pub online: RwSignal<bool>,
    pub sending: RwSignal<bool>,
    pub snapshot: RwSignal<Snapshot>,
    /// Set when the device refused a write: the person must be told at once.
    pub storage_failed: RwSignal<bool>,
    /// The open form has changes not yet written to the device.
    pub unsaved: RwSignal<bool>,
    /// Bumped to ask the open form to write its pending changes now.
    pub flush_requests: RwSignal<u32>,
    /// Every form schema this device knows: built in, then the server's (cached).
    pub forms: RwSignal<Arc<Vec<FormSchema>>>,
    /// The provider directory, loaded from the device once per start.
    pub directory: RwSignal<Arc<Vec<StoredProvider>>>,
    /// Bumped when the server accepted replies, so an open receipt fetches its status.
    pub replies_sent: RwSignal<u32>,
}

impl AppState {
    /// Reads the remembered language (or the browser's) and the connectivity.
    pub fn from_browser() -> AppState {
        let navigator = window().navigator();
        let lang = local_storage()
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
            .and_then(|tag| Lang::from_tag(&tag))
            .or_else(|| navigator.language().and_then(|tag| Lang::from_tag(&tag)))
            .unwrap_or_default();
        AppState {
            lang: RwSignal::new(lang),
            online: RwSignal::new(navigator.on_line()),
            sending: RwSignal::new(false),
            snapshot: RwSignal::new(Snapshot::default()),
            storage_failed: RwSignal::new(false),
            unsaved: RwSignal::new(false),
            flush_requests: RwSignal::new(0),
            forms: RwSignal::new(Arc::new(adal_core::form::catalogue().to_vec())),
            directory: RwSignal::new(Arc::new(Vec::new())),
            replies_sent: RwSignal::new(0),
        }
    }

    pub fn set_lang(self, lang: Lang) {
        self.lang.set(lang);
        if let Some(storage) = local_storage() {
            // A language that is not remembered is an annoyance, not a loss: ignore.
            let _ = storage.set_item(LANG_KEY, lang.tag());
        }
    }

    /// Asks the open form to save now and waits (at most two seconds) until it has.
    /// Called before anything that reloads the page, such as an app update.
    pub async fn flush_saves(self) {
        self.flush_requests.update(|n| *n += 1);
        for _ in 0..40 {
            if !self.unsaved.get_untracked() {
                return;
            }
            gloo::timers::future::TimeoutFuture::new(50).await;
        }
    }

    /// The schema of form `id` in `version`, from the server's forms or the built-in ones.
    pub fn schema(self, id: &str, version: u32) -> Option<FormSchema> {
        let known = self.forms.with_untracked(|forms| {
            forms.iter().find(|f| f.id == id && f.version == version).cloned()
        });
        known.or_else(|| adal_core::form::find(id, version).cloned())
    }

    /// The title of form `id` in `version`, in `lang`, as `schema` finds it but without
    /// copying the schema: the home screen asks once or twice for every item it lists.
    pub fn form_title(self, id: &str, version: u32, lang: Lang) -> Option<String> {
        let title = |f: &FormSchema| {
            (f.id == id && f.version == version).then(|| f.title.get(lang).to_owned())
        };
        self.forms
            .with_untracked(|forms| forms.iter().find_map(title))
            .or_else(|| adal_core::form::find(id, version).and_then(title))
    }

    /// The newest version of form `id` this device knows.
    pub fn current_schema(self, id: &str) -> Option<FormSchema> {
        self.forms.with_untracked(|forms| {
            forms.iter().filter(|f| f.id == id).max_by_key(|f| f.version).cloned()
        })
    }

    /// Loads the cached forms and directory from the device, then asks the server for
    /// what changed (forms by ETag, the directory as a delta since our version).
    pub fn refresh_reference_data(self) {
        spawn_local(async move {
            if let Ok(cached) = store::forms::all().await
                && !cached.is_empty()
            {
                self.forms.set(Arc::new(merge_forms(cached)));
            }
            if let Ok(entries) = store::providers::all().await {
                self.directory.set(Arc::new(entries));
            }
            if !self.online.get_untracked() {
                return;
            }
            // Between decoding an answer and storing it, and before drawing what was
            // stored, the page gets a turn: a slow phone must not freeze for the sum.
            let etag = store::forms::etag().await.ok().flatten();
            if let Some((forms, etag)) = api::get_forms(etag.as_deref()).await {
                yield_now().await;
                if store::forms::replace(&forms, &etag).await.is_ok() {
                    yield_now().await;
                    self.forms.set(Arc::new(merge_forms(forms)));
                }
            }
            let since = store::providers::version().await.unwrap_or(0);
            if let Some(delta) = api::get_directory(since).await
                && (delta.full || !delta.providers.is_empty() || !delta.deleted.is_empty())
            {
                yield_now().await;
                // The first download (the whole directory) is stored in turns, so it never
                // holds the page; a later delta is small and stored at once. What was
                // stored is kept as it is: reading it all back would hold the page again.
                let (full, deleted) = (delta.full, delta.deleted.clone());
                if let Ok(entries) = store::providers::apply(delta, since == 0).await {
                    let old = self.directory.get_untracked();
                    let entries = store::providers::updated(&old, entries, &deleted, full);
                    yield_now().await;
                    self.directory.set(Arc::new(entries));
                }
            }
        });
    }

    /// Re-reads the lists from the device.
    pub fn refresh(self) {
        spawn_local(self.load_snapshot());
    }

    async fn load_snapshot(self) {
        match store::snapshot().await {
            Ok(snapshot) => self.snapshot.set(snapshot),
            Err(_) => self.storage_failed.set(true),
        }
    }

    /// Sends what is due (everything, with `force`), then refreshes the lists.
    pub fn drain(self, force: bool) {
        if !self.online.get_untracked() {
            return;
        }
        spawn_local(async move {
            self.sending.set(true);
            let lang = self.lang.get_untracked();
            let result = sync::drain(force, lang).await;
            let replies = sync::send_replies(lang).await;
            self.sending.set(false);
            if result.is_err() || replies.is_err() {
                self.storage_failed.set(true);
            }
            if replies.is_ok_and(|n| n > 0) {
                self.replies_sent.update(|n| *n += 1);
            }
            self.refresh();
        });
    }

    /// Starts the listeners that keep the app in step with the network: the browser's
    /// `online`/`offline` events and a periodic look at the outbox. They live as long
    /// as the page.
    pub fn watch(self) {
        let win = window();
        EventListener::new(&win, "online", move |_| {
            self.online.set(true);
            self.refresh_reference_data();
            // Signal is back: whatever waited goes now, back-off or not.
            self.drain(true);
        })
        .forget();
        EventListener::new(&win, "offline", move |_| self.online.set(false)).forget();
        // The service worker relays Background Sync: "a connection is back, send now".
        EventListener::new(&win.navigator().service_worker(), "message", move |event| {
            let data = js_sys::Reflect::get(event, &"data".into()).ok();
            let kind = data.and_then(|d| js_sys::Reflect::get(&d, &"type".into()).ok());
            if kind.and_then(|k| k.as_string()).as_deref() == Some("DRAIN") {
                self.online.set(true);
                self.drain(true);
            }
        })
        .forget();
        Interval::new(DRAIN_EVERY_MS, move || self.drain(false)).forget();
        // The top of the person's lists first, then the rest of them. Reading the forms
        // and the directory (10,000 entries take a few hundred milliseconds to read) and
        // the outbox waits until they are on screen, so neither a full directory nor a
        // thousand waiting items delay the start screen.
        spawn_local(async move {
            match store::first_entries(LIST_PAGE).await {
                Ok(first) => {
                    let complete = first.complete;
                    self.snapshot.set(first);
                    next_frame().await;
                    mark_ready();
                    if !complete {
                        self.load_snapshot().await;
                    }
                }
                Err(_) => {
                    self.storage_failed.set(true);
                    mark_ready();
                }
            }
            self.refresh_reference_data();
            self.drain(false);
        });
    }
}

/// Resolves at the next animation frame, by which time what the last signal changes
/// drew is in the DOM; or after 200 ms in a hidden tab, which gets no frames.
async fn next_frame() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let win = window();
        let _ = win.request_animation_frame(&resolve);
        let _ = win.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 200);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
}

/// Lets the browser run whatever waits (input, painting) before going on: ends the
/// current task, so long work split by it never blocks the page for the whole of it.
pub async fn yield_now() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Ends the current task and resumes in the next one, like [`yield_now`] but by a message
/// to itself rather than a timer: the browser does not delay a chain of these by 4 ms each
/// (as it does nested timers), so work done in many turns costs little more than at once.
pub async fn turn() {
    let next = js_sys::Promise::new(&mut |resolve, _| match web_sys::MessageChannel::new() {
        Ok(channel) => {
            channel.port1().set_onmessage(Some(&resolve));
            let _ = channel.port2().post_message(&wasm_bindgen::JsValue::UNDEFINED);
        }
        Err(_) => {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(next).await;
}

/// How long a slice of long work may hold the page, in milliseconds: a phone four times
/// slower than the machine that measured it still answers a tap within 50 ms (what
/// Lighthouse counts as blocking).
const TURN_MS: f64 = 5.0;

/// Long work done in turns: between its steps the work asks [`Turns::due`] and, when the
/// current slice has run for `TURN_MS`, ends the task ([`Turns::take`], or by awaiting an
/// IndexedDB request inside a transaction, which must not wait for a timer). Measured by
/// the clock rather than counted in steps, so a slow phone gets more turns, not longer ones.
pub struct Turns {
    started: f64,
    /// `TURN_MS`, or never for work done at once.
    budget: f64,
}

fn now_ms() -> f64 {
    window().performance().map_or_else(js_sys::Date::now, |p| p.now())
}

impl Turns {
    pub fn new() -> Turns {
        Turns { started: now_ms(), budget: TURN_MS }
    }

    /// Turns that never come: the work runs at once, as fast as it can.
    pub fn none() -> Turns {
        Turns { started: 0.0, budget: f64::INFINITY }
    }

    /// Whether this slice has had its time; if so, the next one starts now.
    pub fn due(&mut self) -> bool {
        if self.budget.is_infinite() {
            return false;
        }
        let now = now_ms();
        if now - self.started < self.budget {
            return false;
        }
        self.started = now;
        true
    }

    /// Gives the page a turn if this slice has had its time.
    pub async fn take(&mut self) {
        if self.due() {
            turn().await;
            self.started = now_ms();
        }
    }
}

impl Default for Turns {
    fn default() -> Turns {
        Turns::new()
    }
}

/// Resolves when the browser has a moment with nothing else to do (at most two seconds
/// later; 200 ms where `requestIdleCallback` is missing), for work the first screen does
/// not need.
pub async fn idle() {
    let idle = js_sys::Promise::new(&mut |resolve, _| {
        let win = window();
        let request = js_sys::Reflect::get(&win, &"requestIdleCallback".into())
            .ok()
            .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
        match request {
            Some(request) => {
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&options, &"timeout".into(), &2_000.into());
                let _ = request.call2(&win, &resolve, &options);
            }
            None => {
                let _ = win.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 200);
            }
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(idle).await;
}

/// The first snapshot from the device is on screen: `data-ready` on `<html>` and a
/// `performance.mark("adal-ready")`, for tests and the start-up benchmark.
fn mark_ready() {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("data-ready", "");
    }
    if let Some(performance) = window().performance() {
        let _ = performance.mark("adal-ready");
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The shared state, provided by `App`.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// Today's date on the device, in the person's time zone.
pub fn today() -> time::Date {
    let now = js_sys::Date::new_0();
    let month = time::Month::try_from(now.get_month() as u8 + 1).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(now.get_full_year() as i32, month, now.get_date() as u8)
        .unwrap_or(time::Date::MIN)
}

/// The server's forms plus any built-in version the server no longer lists, so a draft
/// of such a version still opens.
fn merge_forms(mut forms: Vec<FormSchema>) -> Vec<FormSchema> {
    for builtin in adal_core::form::catalogue() {
        if !forms.iter().any(|f| f.id == builtin.id && f.version == builtin.version) {
            forms.push(builtin.clone());
        }
    }
    forms
}
