use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::t;
use crate::pwa::use_pwa;
use crate::state::use_app;

/// "A new version is ready — reload": shown when an update waits. The reload saves what
/// is being typed first; the outbox and drafts are in IndexedDB and survive it anyway.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let app = use_app();
    let pwa = use_pwa();
    let lang = app.lang;
    let reload = move |_| {
        spawn_local(async move {
            app.flush_saves().await;
            pwa.apply_update();
        });
    };
    view! {
        <Show when=move || pwa.update_ready.get()>
            <div class="banner update" role="status">
                <span>{move || t(lang.get(), "update_ready")}</span>
                <button type="button" class="primary" on:click=reload>{move || t(lang.get(), "reload")}</button>
            </div>
        </Show>
    }
}
