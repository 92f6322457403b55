//! The installable-app side of the browser: the service worker and its updates, the
//! install prompt, and whether the browser promises to keep our storage.

use gloo::events::EventListener;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

/// How often an open app asks the server whether a new version exists, in milliseconds.
const UPDATE_CHECK_EVERY_MS: u32 = 30 * 60 * 1000;

/// What the screens need to know about the app as an installed program.
#[derive(Clone, Copy)]
pub struct Pwa {
    /// A new version is installed and waits for the person's "reload".
    pub update_ready: RwSignal<bool>,
    /// The browser offered to install the app and the person has not answered yet.
    pub can_install: RwSignal<bool>,
    /// `Some(true)` once the browser promised not to clear our storage under pressure.
    pub persisted: RwSignal<Option<bool>>,
    /// Bytes used and available, as the browser estimates them.
    pub usage: RwSignal<Option<(f64, f64)>>,
    /// The waiting service worker and the deferred install prompt (browser objects).
    waiting: StoredValue<Option<ServiceWorker>, LocalStorage>,
    install_prompt: StoredValue<Option<web_sys::Event>, LocalStorage>,
}

impl Default for Pwa {
    fn default() -> Pwa {
        Pwa {
            update_ready: RwSignal::new(false),
            can_install: RwSignal::new(false),
            persisted: RwSignal::new(None),
            usage: RwSignal::new(None),
            waiting: StoredValue::new_local(None),
            install_prompt: StoredValue::new_local(None),
        }
    }
}

impl Pwa {
    /// Registers the service worker and starts listening for updates and the install
    /// prompt. Called once, after the app is on screen.
    pub fn start(self) {
        let win = window();
        EventListener::new(&win, "beforeinstallprompt", move |event| {
            // Keep the browser's own mini-infobar away; we offer it when it makes sense.
            event.prevent_default();
            self.install_prompt.set_value(Some(event.clone()));
            self.can_install.set(true);
        })
        .forget();
        EventListener::new(&win, "appinstalled", move |_| self.can_install.set(false)).forget();
        // Nothing here is needed for the first screen: it waits until the page is idle.
        spawn_local(async move {
            crate::state::idle().await;
            self.refresh_storage();
            self.register();
        });
    }

    /// Registers the service worker and follows its updates.
    fn register(self) {
        let container = window().navigator().service_worker();
        EventListener::new(&container, "controllerchange", move |_| {
            // Only a person's "reload" makes a waiting worker take over (see `apply_update`).
            if self.update_ready.get_untracked() {
                let _ = window().location().reload();
            }
        })
        .forget();
        spawn_local(async move {
            let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else {
                return;
            };
            let registration: ServiceWorkerRegistration = registration.unchecked_into();
            self.watch(&registration);
            gloo::timers::callback::Interval::new(UPDATE_CHECK_EVERY_MS, move || {
                let _ = registration.update();
            })
            .forget();
        });
    }

    fn watch(self, registration: &ServiceWorkerRegistration) {
        if let Some(waiting) = registration.waiting() {
            self.offer_update(waiting);
        }
        let reg = registration.clone();
        EventListener::new(registration, "updatefound", move |_| {
            let Some(installing) = reg.installing() else { return };
            let worker = installing.clone();
            EventListener::new(&installing, "statechange", move |_| {
                // "installed" while another version controls the page means: an update.
                let has_controller = window().navigator().service_worker().controller().is_some();
                if worker.state() == ServiceWorkerState::Installed && has_controller {
                    self.offer_update(worker.clone());
                }
            })
            .forget();
        })
        .forget();
    }

    fn offer_update(self, waiting: ServiceWorker) {
        self.waiting.set_value(Some(waiting));
        self.update_ready.set(true);
    }

    /// Lets the waiting version take over; the page reloads when it has.
    /// The caller has saved everything being typed first.
    pub fn apply_update(self) {
        self.waiting.with_value(|waiting| {
            if let Some(worker) = waiting {
                let message = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
                let _ = worker.post_message(&message);
            }
        });
    }

    /// Asks the browser to wake the service worker when a connection is back (Background
    /// Sync, where the browser has it); the worker then asks open pages to send.
    pub fn request_background_sync(self) {
        spawn_local(async move {
            let Ok(ready) = window().navigator().service_worker().ready() else { return };
            let Ok(registration) = JsFuture::from(ready).await else { return };
            let Ok(sync) = js_sys::Reflect::get(&registration, &"sync".into()) else { return };
            if sync.is_undefined() {
                return;
            }
            if let Ok(register) = js_sys::Reflect::get(&sync, &"register".into())
                && let Ok(register) = register.dyn_into::<js_sys::Function>()
                && let Ok(promise) = register.call1(&sync, &"adal-outbox".into())
            {
                let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
            }
        });
    }

    /// Shows the browser's install dialog, if it offered one.
    pub fn install(self) {
        let Some(event) = self.install_prompt.with_value(Clone::clone) else { return };
        self.install_prompt.set_value(None);
        self.can_install.set(false);
        if let Ok(prompt) = js_sys::Reflect::get(&event, &"prompt".into())
            && let Ok(prompt) = prompt.dyn_into::<js_sys::Function>()
        {
            let _ = prompt.call0(&event);
        }
    }

    /// Asks the browser to keep our data even when space runs low. Browsers grant it
    /// silently to installed or often-used sites; the answer is shown to the person.
    pub fn request_persistence(self) {
        spawn_local(async move {
            if let Ok(promise) = window().navigator().storage().persist()
                && let Ok(granted) = JsFuture::from(promise).await
            {
                self.persisted.set(granted.as_bool());
            }
            self.refresh_storage();
        });
    }

    /// Re-reads whether storage is persistent and how much is used.
    pub fn refresh_storage(self) {
        spawn_local(async move {
            let storage = window().navigator().storage();
            if let Ok(promise) = storage.persisted()
                && let Ok(persisted) = JsFuture::from(promise).await
            {
                self.persisted.set(persisted.as_bool());
            }
            if let Ok(promise) = storage.estimate()
                && let Ok(estimate) = JsFuture::from(promise).await
            {
                let estimate: web_sys::StorageEstimate = estimate.unchecked_into();
                if let (Some(usage), Some(quota)) = (estimate.get_usage(), estimate.get_quota()) {
                    self.usage.set(Some((usage, quota)));
                }
            }
        });
    }
}

/// The installable-app handles, provided by `App`.
pub fn use_pwa() -> Pwa {
    expect_context::<Pwa>()
}
