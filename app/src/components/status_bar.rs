use leptos::prelude::*;

use crate::i18n::t;
use crate::state::use_app;

/// One line that always says whether there is signal and what is still waiting.
/// A live region, so a screen reader hears "offline — 1 waiting to send".
#[component]
pub fn StatusBar() -> impl IntoView {
    let app = use_app();
    let waiting = move || {
        app.snapshot
            .with(|s| s.counts.outbox + s.replies.iter().filter(|r| r.refused.is_none()).count())
    };
    let text = move || {
        let lang = app.lang.get();
        let net = if app.online.get() { t(lang, "online") } else { t(lang, "offline") };
        match (app.sending.get(), waiting()) {
            (true, _) => format!("{net} — {}", t(lang, "sending")),
            (false, 0) => net.to_owned(),
            (false, n) => format!("{net} — {n} {}", t(lang, "waiting_count")),
        }
    };
    view! {
        <div class="status" class:offline=move || !app.online.get() role="status" aria-live="polite">
            <span class="status-text">{text}</span>
            <Show when=move || { app.online.get() && waiting() > 0 && !app.sending.get() }>
                <button type="button" class="link" on:click=move |_| app.drain(true)>
                    {move || t(app.lang.get(), "send_now")}
                </button>
            </Show>
        </div>
        <Show when=move || app.storage_failed.get()>
            <p class="banner error" role="alert">{move || t(app.lang.get(), "storage_failed")}</p>
        </Show>
    }
}
