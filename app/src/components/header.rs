use adal_core::Lang;
use leptos::prelude::*;

use crate::i18n::t;
use crate::state::use_app;

/// The top bar: the name, what it is for, and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    view! {
        <header class="top">
            <a class="brand" href="/">"Adal"</a>
            <p class="tagline">{move || t(lang.get(), "app_tagline")}</p>
            <LangSwitch/>
        </header>
    }
}

/// Three buttons rather than a select: one tap, and each names itself in its own language.
#[component]
fn LangSwitch() -> impl IntoView {
    let app = use_app();
    view! {
        <nav class="langs" aria-label=move || t(app.lang.get(), "language")>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <button
                            type="button"
                            lang=l.tag()
                            aria-pressed=move || (app.lang.get() == l).to_string()
                            on:click=move |_| app.set_lang(l)
                        >
                            {l.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
