//! "Verify an act": does this text belong to this hash? Computed on the device by core's
//! `act::verify`, so it works offline. The QR code on a printed act opens this page with
//! the full hash after `#`.

use adal_core::act;
use leptos::prelude::*;

use crate::i18n::t;
use crate::state::use_app;

/// Paste an act's text and its hash; the page says whether they match.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_app().lang;
    let from_qr = window()
        .location()
        .hash()
        .ok()
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default();
    let text = RwSignal::new(String::new());
    let hash = RwSignal::new(from_qr);
    // `None` until both boxes hold something: an empty box is not a mismatch.
    let verdict = move || {
        let (text, hash) = (text.get(), hash.get());
        (!text.trim().is_empty() && !hash.trim().is_empty()).then(|| act::verify(&text, &hash))
    };
    view! {
        <main id="main" class="page">
            <h1>{move || t(lang.get(), "verify_title")}</h1>
            <p class="muted">{move || t(lang.get(), "verify_help")}</p>
            <div class="field">
                <label for="verify-text">{move || t(lang.get(), "verify_text")}</label>
                <textarea id="verify-text" rows="10" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="verify-hash">{move || t(lang.get(), "verify_hash")}</label>
                <input id="verify-hash" type="text" autocomplete="off" spellcheck="false" class="tracking"
                    prop:value=hash on:input=move |ev| hash.set(event_target_value(&ev))/>
                <p class="help">{move || t(lang.get(), "verify_hash_help")}</p>
            </div>
            <div role="status" aria-live="polite" data-testid="verify-result">
                {move || match verdict() {
                    Some(true) => view! { <p class="banner ok">{t(lang.get(), "verify_match")}</p> }.into_any(),
                    Some(false) => view! { <p class="banner error">{t(lang.get(), "verify_mismatch")}</p> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
        </main>
    }
}
