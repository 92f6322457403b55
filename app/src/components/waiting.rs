//! What a screen shows while what it loads has not come yet, or cannot come without a
//! connection: one view each, for every screen of both apps (the staff workspace's too),
//! with their sentences written once (`loading`, `needs_signal` in `locales/app.yml`).

use leptos::prelude::*;

use crate::i18n::{UiLang, t};

/// "Loading…", while a screen waits for what it shows. `item` draws it as a list's row.
#[component]
pub fn Loading(#[prop(optional)] item: bool) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let text = move || t(lang.get(), "loading");
    if item {
        view! { <li class="muted">{text}</li> }.into_any()
    } else {
        view! { <p class="muted">{text}</p> }.into_any()
    }
}

/// "This needs a connection.", when a screen has nothing to show without the server.
/// `item` draws it as a list's row.
#[component]
pub fn NeedsSignal(#[prop(optional)] item: bool) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let text = move || t(lang.get(), "needs_signal");
    if item { view! { <li>{text}</li> }.into_any() } else { view! { <p>{text}</p> }.into_any() }
}
