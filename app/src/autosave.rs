//! A draft kept on the device as it is typed, written once for every form: shortly after
//! typing pauses, at once when the page is hidden (a phone may kill a hidden tab without
//! warning), before the app reloads for an update, and when the screen is left.

use adal_core::api::Problem;
use adal_core::form::{Answers, FormRef};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::state::AppState;
use crate::store::{self, Draft};

/// How long typing must pause before the draft is written to the device.
const AUTOSAVE_DEBOUNCE_MS: u32 = 300;

/// Where the draft stands on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Pending,
    Failed,
}

/// The handle of a draft being kept: where it stands, and a way to stop keeping it when it
/// moves to the outbox.
#[derive(Clone, Copy)]
pub struct Autosave {
    /// Where the draft stands on the device, for the "Saved" line.
    pub state: RwSignal<SaveState>,
    /// The draft's id, form and creation; answers and problem are read when it is written.
    template: StoredValue<Draft>,
    answers: RwSignal<Answers>,
    problem: RwSignal<Option<Problem>>,
    /// The write waiting for typing to pause.
    pending: StoredValue<Option<Timeout>, LocalStorage>,
    /// Once queued, the draft is gone from `drafts`: a late autosave must not revive it.
    queued: StoredValue<bool>,
    app: AppState,
}

impl Autosave {
    /// Keeps `answers` (and the server's `problem`) on the device as the draft `id` of
    /// `form`, from the next change on; `now` writes it at once as well (a draft carried
    /// over to its form's new version).
    pub fn start(
        app: AppState,
        (id, form, created_at): (String, FormRef, f64),
        answers: RwSignal<Answers>,
        problem: RwSignal<Option<Problem>>,
        now: bool,
    ) -> Autosave {
        let template = Draft {
            id,
            form,
            answers: Answers::default(),
            created_at,
            updated_at: 0.0,
            problem: None,
        };
        let autosave = Autosave {
            state: RwSignal::new(SaveState::Saved),
            template: StoredValue::new(template),
            answers,
            problem,
            pending: StoredValue::new_local(None),
            queued: StoredValue::new(false),
            app,
        };
        if now {
            autosave.save_now();
        }
        autosave.watch();
        autosave
    }

    /// Writes the draft as it is on screen now, unless it was queued.
    pub fn save_now(self) {
        self.pending.update_value(|p| *p = None);
        if self.queued.get_value() {
            return;
        }
        let draft = Draft {
            answers: self.answers.get_untracked(),
            updated_at: js_sys::Date::now(),
            problem: self.problem.get_untracked(),
            ..self.template.get_value()
        };
        spawn_local(async move {
            match store::ops::put_draft(&draft).await {
                // Saved, and nothing typed since: the device holds what is on screen.
                Ok(()) if self.pending.with_value(Option::is_none) => {
                    self.state.set(SaveState::Saved);
                    self.app.unsaved.set(false);
                }
                Ok(()) => {}
                Err(_) => {
                    self.state.set(SaveState::Failed);
                    self.app.storage_failed.set(true);
                }
            }
        });
    }

    /// The draft is being queued: what waits is dropped, and nothing is written any more.
    pub fn stop(self) {
        self.pending.update_value(|p| *p = None);
        self.queued.set_value(true);
    }

    /// The draft could not be queued after all: keep it again.
    pub fn resume(self) {
        self.queued.set_value(false);
    }

    fn waiting(self) -> bool {
        self.pending.with_value(Option::is_some)
    }

    /// Every moment the draft is written: after a pause in typing, before a reload, when
    /// the page is hidden, when the screen is left.
    fn watch(self) {
        Effect::new(move |first: Option<()>| {
            self.answers.track();
            if first.is_none() {
                return;
            }
            self.state.set(SaveState::Pending);
            self.app.unsaved.set(true);
            self.pending
                .set_value(Some(Timeout::new(AUTOSAVE_DEBOUNCE_MS, move || self.save_now())));
        });
        // Something is about to reload the page (an app update): save now.
        Effect::new(move |first: Option<()>| {
            self.app.flush_requests.track();
            if first.is_some() && self.waiting() {
                self.save_now();
            }
        });
        let listener = EventListener::new(&document(), "visibilitychange", move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Hidden && self.waiting() {
                self.save_now();
            }
        });
        let listener = StoredValue::new_local(Some(listener));
        on_cleanup(move || {
            listener.set_value(None);
            // Leaving the screen by a link: keep the last keystrokes.
            if self.waiting() {
                self.save_now();
            }
        });
    }
}
