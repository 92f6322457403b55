//! `/start/:form?district=URA&institution=…`: starts a draft of a form with those answers
//! filled in and opens it. The staff workspace's monitoring tasks link here, so a
//! volunteer's checklist is an ordinary draft of this app (saved, queued, sent as any).

use adal_core::form::Answers;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{Page, start_draft};
use crate::components::Loading;
use crate::i18n::t;
use crate::state::use_app;
use crate::store;

#[component]
pub fn StartPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let form = use_params_map().read_untracked().get("form").unwrap_or_default();
    let query = use_query_map().read_untracked().clone();
    let navigate = use_navigate();
    let failed = RwSignal::new(false);
    spawn_local(async move {
        // Typed into the static shell's form before the app started: that draft, as typed.
        if let Ok(Some(draft)) = store::shell::adopt(&form).await {
            let page = Page::Draft(draft.id);
            navigate(&page.path(), NavigateOptions { replace: true, ..Default::default() });
            return;
        }
        let mut prefill = Answers::default();
        for key in ["district", "institution"] {
            if let Some(value) = query.get(key).filter(|v| !v.is_empty()) {
                prefill.insert(key.to_owned(), serde_json::Value::String(value));
            }
        }
        match start_draft(app, &form, prefill).await {
            Some(page) => {
                navigate(&page.path(), NavigateOptions { replace: true, ..Default::default() })
            }
            None => {
                crate::shell::release();
                failed.set(true)
            }
        }
    });
    view! {
        <main id="main" class="page">
            {move || if failed.get() { view! { <p>{t(lang.get(), "not_found")}</p> }.into_any() } else { view! { <Loading/> }.into_any() }}
        </main>
    }
}
