//! The staff workspace: a second app (`adal-staff`, served under `/staff/`), a crate of
//! its own on the citizen app's library, so the citizen app's first load carries none of
//! its code or sentences. Its own router, state, strings, service worker and manifest; the
//! app's `store` (IndexedDB) and `api` (HTTP) modules.

mod accounts;
mod admin;
mod calendar;
mod channel;
pub mod i18n;
mod inbox;
mod item;
mod login;
mod overview;
pub mod queue;
mod report;
mod steps;
mod tasks;

// The staff sentences, compiled in from locales/staff.yml; see `i18n`.
rust_i18n::i18n!("locales");

use adal_core::staff::policy::{self, Action};
use adal_core::staff::{LoginResponse, Me, Role};
use adal_core::{District, Lang};
use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use adal_app::api::staff::StaffError;
use adal_app::components::{Loading, NeedsSignal};
use adal_app::store;
use adal_app::store::staff::QueuedAction;
use i18n::t;

/// Where the staff app lives; every path of it starts so.
pub const BASE: &str = "/staff";
const LANG_KEY: &str = "adal.lang";
const DISTRICT_KEY: &str = "adal.staff.district";
/// How often waiting actions are retried while the app is open, in milliseconds.
const FLUSH_EVERY_MS: u32 = 20_000;
/// The key of the session in the staff cache: the account and the CSRF token.
const SESSION_KEY: &str = "session";

/// The staff app's addresses.
pub enum StaffPage {
    Inbox,
    Item(String),
    /// Preparing and signing the reconciliation act of a mediation request.
    Act(String),
    Admin,
    /// Monitoring visits for volunteers.
    Tasks,
    /// The two-weekly report.
    Report,
    /// The one channel between districts.
    Channel,
    /// A thread of the channel.
    ChannelThread(i64),
    /// What is due and overdue in every district (curators and the front office).
    Overview,
}

impl StaffPage {
    pub fn path(&self) -> String {
        match self {
            StaffPage::Inbox => format!("{BASE}/"),
            StaffPage::Item(tracking) => format!("{BASE}/item/{tracking}"),
            StaffPage::Act(tracking) => format!("{BASE}/item/{tracking}/act"),
            StaffPage::Admin => format!("{BASE}/admin"),
            StaffPage::Tasks => format!("{BASE}/tasks"),
            StaffPage::Report => format!("{BASE}/report"),
            StaffPage::Channel => format!("{BASE}/channel"),
            StaffPage::ChannelThread(id) => format!("{BASE}/channel/{id}"),
            StaffPage::Overview => format!("{BASE}/overview"),
        }
    }
}

/// Shared handles of the staff app; every field is a `Copy` signal.
#[derive(Clone, Copy)]
pub struct StaffState {
    pub lang: RwSignal<Lang>,
    pub online: RwSignal<bool>,
    /// The logged-in account and its CSRF token, kept on the device (also offline).
    pub session: RwSignal<Option<LoginResponse>>,
    /// The device has been read: before that, "not logged in" is not known yet.
    pub loaded: RwSignal<bool>,
    /// The server said the session is over: log in again; the queue is kept.
    pub expired: RwSignal<bool>,
    /// Actions waiting for the server, oldest first.
    pub queue: RwSignal<Vec<QueuedAction>>,
    /// Actions the server refused (dropped from the queue), with its reason.
    pub refusals: RwSignal<Vec<String>>,
    pub sending: RwSignal<bool>,
    /// Bumped whenever the server accepted an action: open screens reload.
    pub synced: RwSignal<u32>,
    /// The district whose inbox is shown (the front office chooses it).
    pub district: RwSignal<District>,
}

impl StaffState {
    fn from_browser() -> StaffState {
        let navigator = window().navigator();
        let storage = window().local_storage().ok().flatten();
        let remembered = |key: &str| storage.as_ref().and_then(|s| s.get_item(key).ok().flatten());
        let lang = remembered(LANG_KEY)
            .and_then(|tag| Lang::from_tag(&tag))
            .or_else(|| navigator.language().and_then(|tag| Lang::from_tag(&tag)))
            .unwrap_or_default();
        let district = remembered(DISTRICT_KEY)
            .and_then(|code| District::from_code(&code))
            .unwrap_or(District::ALL[0]);
        StaffState {
            lang: RwSignal::new(lang),
            online: RwSignal::new(navigator.on_line()),
            session: RwSignal::new(None),
            loaded: RwSignal::new(false),
            expired: RwSignal::new(false),
            queue: RwSignal::new(Vec::new()),
            refusals: RwSignal::new(Vec::new()),
            sending: RwSignal::new(false),
            synced: RwSignal::new(0),
            district: RwSignal::new(district),
        }
    }

    pub fn set_lang(self, lang: Lang) {
        self.lang.set(lang);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(LANG_KEY, lang.tag());
        }
    }

    pub fn set_district(self, district: District) {
        self.district.set(district);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(DISTRICT_KEY, district.code());
        }
    }

    pub fn me(self) -> Option<Me> {
        self.session.with(|s| s.as_ref().map(|s| s.account.clone()))
    }

    pub fn csrf(self) -> Option<String> {
        self.session.with_untracked(|s| s.as_ref().map(|s| s.csrf_token.clone()))
    }

    /// Remembers a fresh login on the device and sends what waited for it.
    pub fn logged_in(self, session: LoginResponse) {
        spawn_local(async move {
            let _ = store::staff::put_cached(SESSION_KEY, &session).await;
            if let Some(district) = session.account.district {
                self.district.set(district);
            }
            self.session.set(Some(session));
            self.expired.set(false);
            queue::flush(self);
        });
    }

    /// Asks the server; every staff request passes here, so an expired session is handled
    /// in this one place: the app shows the login instead of the screen (the queue is
    /// kept) and draws the screen afresh after it, so what the screen then does with the
    /// error is never seen.
    pub async fn ask<T>(
        self,
        request: impl Future<Output = Result<T, StaffError>>,
    ) -> Result<T, StaffError> {
        let answer = request.await;
        if matches!(answer, Err(StaffError::Unauthenticated)) {
            self.expired.set(true);
        }
        answer
    }

    /// Loads what a screen reads from the server only (no copy on the device): `None`
    /// while it comes, `Some(Err(()))` without a connection. It loads again whenever a
    /// signal `request` reads changes; [`online_view`] shows it.
    pub fn online<T, F>(
        self,
        request: impl Fn(Lang) -> F + 'static,
    ) -> RwSignal<Option<Result<T, ()>>>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, StaffError>> + 'static,
    {
        let loaded = RwSignal::new(None);
        Effect::new(move |_| {
            let request = request(self.lang.get_untracked());
            spawn_local(async move { loaded.set(Some(self.ask(request).await.map_err(|_| ()))) });
        });
        loaded
    }

    /// Forgets the session and what was cached under it (a shared office computer).
    pub fn logged_out(self) {
        spawn_local(async move {
            let _ = store::staff::clear_cache().await;
            self.session.set(None);
        });
    }

    /// The online/offline events, a timer, and the first look at the device.
    fn watch(self) {
        let win = window();
        EventListener::new(&win, "online", move |_| {
            self.online.set(true);
            queue::flush(self);
        })
        .forget();
        EventListener::new(&win, "offline", move |_| self.online.set(false)).forget();
        Interval::new(FLUSH_EVERY_MS, move || queue::flush(self)).forget();
        spawn_local(async move {
            let session: Option<LoginResponse> =
                store::staff::get_cached(SESSION_KEY).await.ok().flatten();
            if let Some(district) = session.as_ref().and_then(|s| s.account.district) {
                self.district.set(district);
            }
            self.session.set(session);
            self.loaded.set(true);
            queue::reload(self).await;
            queue::flush(self);
        });
    }
}

pub fn use_staff() -> StaffState {
    expect_context::<StaffState>()
}

/// The staff app.
#[component]
pub fn StaffApp() -> impl IntoView {
    let st = StaffState::from_browser();
    provide_context(st);
    provide_context(adal_app::i18n::UiLang(st.lang));
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", st.lang.get().tag());
        }
    });
    st.watch();
    register_service_worker();
    view! {
        <Router>
            <StaffHeader/>
            <QueueBar/>
            <Show when=move || st.loaded.get()>
                <Show when=move || st.session.with(Option::is_some) && !st.expired.get() fallback=login::LoginPage>
                    <Routes fallback=move || view! { <main id="main" class="page"><p>{t(st.lang.get(), "not_found")}</p></main> }>
                        <Route path=path!("/staff") view=StaffHome/>
                        <Route path=path!("/staff/item/:tracking") view=item::StaffItemPage/>
                        <Route path=path!("/staff/item/:tracking/act") view=item::StaffActPage/>
                        <Route path=path!("/staff/admin") view=admin::AdminPage/>
                        <Route path=path!("/staff/tasks") view=tasks::TasksPage/>
                        <Route path=path!("/staff/report") view=report::ReportPage/>
                        <Route path=path!("/staff/channel") view=channel::ChannelPage/>
                        <Route path=path!("/staff/channel/:id") view=channel::ChannelThreadPage/>
                        <Route path=path!("/staff/overview") view=overview::OverviewPage/>
                    </Routes>
                </Show>
            </Show>
        </Router>
    }
}

/// Whether the menu offers a person of `role` a section for any of `actions`: the
/// policy decides.
fn offers(role: Option<Role>, actions: &[Action]) -> bool {
    role.is_some_and(|r| actions.iter().any(|a| policy::allows(r, *a, false)))
}

/// Where a person lands after logging in: the screen of their work, as the policy allows
/// it. Those who read the inbox land there; a volunteer on the district's monitoring
/// tasks; an administrator on the accounts.
#[component]
fn StaffHome() -> impl IntoView {
    let role = use_staff().me().map(|m| m.role);
    if offers(role, &[Action::ReadInbox]) {
        view! { <inbox::InboxPage/> }.into_any()
    } else if offers(role, &[Action::ReadTasks]) {
        view! { <tasks::TasksPage/> }.into_any()
    } else if offers(role, &[Action::ManageAccounts]) {
        view! { <admin::AdminPage/> }.into_any()
    } else {
        view! { <inbox::InboxPage/> }.into_any()
    }
}

/// The name, the account, the sections, and the language switch.
#[component]
fn StaffHeader() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let logout = move |_| {
        let lang = lang.get_untracked();
        if let Some(csrf) = st.csrf() {
            spawn_local(async move {
                // Logged out on the device in any case; the server forgets it when reached.
                let _ = adal_app::api::staff::logout(&csrf, lang).await;
            });
        }
        st.logged_out();
    };
    let role = move || st.me().map(|m| m.role);
    view! {
        <header class="top">
            <a class="brand" href=StaffPage::Inbox.path()>"Adal · " {move || t(lang.get(), "staff_brand")}</a>
            <nav class="langs" aria-label=move || t(lang.get(), "language")>
                {Lang::ALL.into_iter().map(|l| view! {
                    <button type="button" lang=l.tag() aria-pressed=move || (lang.get() == l).to_string()
                        on:click=move |_| st.set_lang(l)>{l.native_name()}</button>
                }).collect_view()}
            </nav>
            <Show when=move || st.session.with(Option::is_some)>
                <nav class="staff-nav" aria-label=move || t(lang.get(), "staff_sections")>
                    <Show when=move || offers(role(), &[Action::ReadInbox])>
                        <a href=StaffPage::Inbox.path()>{move || t(lang.get(), "staff_inbox")}</a>
                    </Show>
                    <Show when=move || offers(role(), &[Action::ReadOverview])>
                        <a href=StaffPage::Overview.path()>{move || t(lang.get(), "staff_overview")}</a>
                    </Show>
                    <Show when=move || offers(role(), &[Action::ReadTasks])>
                        <a href=StaffPage::Tasks.path()>{move || t(lang.get(), "staff_tasks")}</a>
                    </Show>
                    <Show when=move || role().is_some_and(report::may_read)>
                        <a href=StaffPage::Report.path()>{move || t(lang.get(), "staff_report")}</a>
                    </Show>
                    <Show when=move || role().is_some_and(channel::may_read)>
                        <a href=StaffPage::Channel.path()>{move || t(lang.get(), "staff_channel")}</a>
                    </Show>
                    <Show when=move || offers(role(), &[Action::ManageAccounts])>
                        <a href=StaffPage::Admin.path()>{move || t(lang.get(), "staff_admin")}</a>
                    </Show>
                    <span class="who">{move || st.me().map(|m| m.login)}</span>
                    <button type="button" class="link" on:click=logout
                        disabled=move || st.queue.with(|q| !q.is_empty())
                        title=move || st.queue.with(|q| !q.is_empty()).then(|| t(lang.get(), "staff_logout_wait"))>
                        {move || t(lang.get(), "staff_logout")}
                    </button>
                </nav>
            </Show>
        </header>
    }
}

/// Connectivity and the queue: "offline — 2 actions waiting to send", "Send now".
#[component]
fn QueueBar() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let waiting = move || st.queue.with(Vec::len);
    view! {
        <div class="status" class:offline=move || !st.online.get() role="status" data-testid="staff-status">
            {move || if st.online.get() { t(lang.get(), "staff_online") } else { t(lang.get(), "staff_offline") }}
            <Show when=move || { waiting() > 0 }>
                " · " {move || t(lang.get(), "staff_waiting").replace("%{n}", &waiting().to_string())}
                " " <button type="button" class="link" on:click=move |_| queue::flush(st) disabled=move || st.sending.get()>
                    {move || t(lang.get(), "staff_send_now")}
                </button>
            </Show>
        </div>
        <Show when=move || st.expired.get()>
            <p class="banner warn" role="alert">{move || t(lang.get(), "staff_session_expired")}</p>
        </Show>
        <Show when=move || st.refusals.with(|r| !r.is_empty())>
            <div class="banner error" role="alert">
                <p>{move || t(lang.get(), "staff_refused")}</p>
                <ul>{move || st.refusals.get().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                <button type="button" class="secondary" on:click=move |_| st.refusals.set(Vec::new())>{move || t(lang.get(), "staff_dismiss")}</button>
            </div>
        </Show>
    }
}

/// What a screen shows of something [`StaffState::online`] loads: "Loading…", "This needs
/// a connection.", or the thing itself, drawn by `shown`.
pub fn online_view<T: Clone + Send + Sync + 'static>(
    loaded: RwSignal<Option<Result<T, ()>>>,
    shown: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    move || match loaded.get() {
        None => view! { <Loading/> }.into_any(),
        Some(Err(())) => view! { <NeedsSignal/> }.into_any(),
        Some(Ok(thing)) => shown(thing),
    }
}

/// The staff app's own service worker, scoped to `/staff/`, so it opens offline.
fn register_service_worker() {
    let container = window().navigator().service_worker();
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/staff/");
    let promise = container.register_with_options("/staff/sw.js", &options);
    spawn_local(async move {
        // Without a worker the app still works online; nothing to tell the person.
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

/// What a timeline entry is called in the office: as the citizen reads it, except the
/// citizen's own reply ("You replied" on the receipt).
pub fn staff_event_label(kind: adal_core::receipt::EventKind, lang: Lang) -> String {
    match kind {
        adal_core::receipt::EventKind::InfoProvided => t(lang, "staff_citizen_replied"),
        other => adal_app::i18n::event_label(other, lang),
    }
}

/// The instant in the device's time zone, written the way `lang` writes it.
#[doc(inline)]
pub use adal_app::components::report::local_time;

/// Replaces the static shell of `index.html` with the live staff app.
pub fn mount() {
    console_error_panic_hook::set_once();
    if let Some(shell) = document().get_element_by_id("shell") {
        shell.remove();
    }
    leptos::mount::mount_to_body(StaffApp);
}
