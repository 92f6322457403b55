//! Adal's browser client: Leptos (client-side rendering), compiled to wasm.
//!
//! Screens live in `pages`, widgets in `components`; `store` is the only module that
//! touches IndexedDB, `api` the only one that does HTTP, and `sync` drains the outbox.

pub mod answers;
pub mod api;
pub mod autosave;
pub mod backup;
pub mod bench;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod photos;
pub mod pwa;
pub mod receipts;
pub mod shell;
pub mod state;
pub mod store;
pub mod sync;

// Interface sentences, compiled in from locales/app.yml (the staff workspace's are in its
// own crate, so they never reach the citizen's wasm).
rust_i18n::i18n!("locales");

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use components::{Header, StatusBar, UpdateBanner};
use i18n::t;
use pages::{
    ActPage, DirectoryPage, FormPage, HomePage, ItemActPage, ItemPage, PublishedReportPage,
    ReportsPage, StartPage, VerifyPage,
};
use state::AppState;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let app = AppState::from_browser();
    provide_context(app);
    provide_context(i18n::UiLang(app.lang));
    let pwa = pwa::Pwa::default();
    provide_context(pwa);
    // The page's language follows the person's choice, for screen readers and fonts.
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", app.lang.get().tag());
        }
    });
    app.watch();
    // Registered after the first render so the first visit is not slowed; from the
    // second visit on, the app starts from the service worker's cache with no network.
    pwa.start();
    // The frame (header, banners) is drawn in this task, the screen in the next, and the
    // static shell in front of both is removed in a third: three short tasks, not one
    // long one that holds a slow phone's page (Lighthouse's total blocking time).
    let screen = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        state::yield_now().await;
        screen.set(true);
        state::yield_now().await;
        // A shell showing the complaint form stays until the form editor takes it over.
        if !shell::holds_form() {
            shell::release();
        }
    });
    view! {
        <Router>
            <Header/>
            <UpdateBanner/>
            <StatusBar/>
            <Show when=move || screen.get()>
                <Routes fallback=move || view! { <main id="main" class="page"><p>{t(app.lang.get(), "not_found")}</p></main> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/draft/:id") view=FormPage/>
                    <Route path=path!("/directory") view=DirectoryPage/>
                    <Route path=path!("/item/:id") view=ItemPage/>
                    <Route path=path!("/item/:id/act") view=ItemActPage/>
                    <Route path=path!("/act") view=ActPage/>
                    <Route path=path!("/verify") view=VerifyPage/>
                    <Route path=path!("/reports") view=ReportsPage/>
                    <Route path=path!("/reports/:hash") view=PublishedReportPage/>
                    <Route path=path!("/start/:form") view=StartPage/>
                </Routes>
            </Show>
        </Router>
    }
}

/// Replaces the static shell of `index.html` with the live app.
pub fn mount() {
    console_error_panic_hook::set_once();
    // Only with `?bench` in the address (the browser benchmark); otherwise a no-op.
    bench::install();
    // Starting the wasm and drawing the app are two tasks, not one long one. (Leptos'
    // own executor starts with the mount: this one is wasm-bindgen's.)
    wasm_bindgen_futures::spawn_local(async {
        state::yield_now().await;
        // Drawn hidden behind the static shell, which `App` removes once its first screen
        // is there (or, showing the complaint form, `shell::take_over`).
        leptos::mount::mount_to_body(App);
    });
}
