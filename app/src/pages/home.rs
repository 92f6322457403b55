use adal_core::{Category, ComplaintAnswers, District, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::Page;
use crate::components::DeviceSection;
use crate::i18n::t;
use crate::pwa::use_pwa;
use crate::state::use_app;
use crate::store::{self, Draft};

/// The start screen: a way to begin, and everything the person has on this device.
#[component]
pub fn HomePage() -> impl IntoView {
    let app = use_app();
    let pwa = use_pwa();
    let lang = app.lang;
    let navigate = use_navigate();
    let new_complaint = move |_| {
        let now = js_sys::Date::now();
        let draft = Draft {
            id: Uuid::new_v4().to_string(),
            form: adal_core::api::FormRef::complaint(),
            answers: ComplaintAnswers::default(),
            created_at: now,
            updated_at: now,
            problem: None,
        };
        let navigate = navigate.clone();
        // The first draft is the moment to ask the browser to keep our storage.
        pwa.request_persistence();
        spawn_local(async move {
            match store::ops::put_draft(&draft).await {
                Ok(()) => navigate(&Page::Complaint(draft.id).path(), Default::default()),
                Err(_) => app.storage_failed.set(true),
            }
        });
    };
    let snapshot = app.snapshot;
    view! {
        <main id="main" class="page">
            <button type="button" class="primary big" on:click=new_complaint>
                {move || t(lang.get(), "new_complaint")}
            </button>

            <section aria-labelledby="drafts-h">
                <h2 id="drafts-h">{move || t(lang.get(), "drafts")}</h2>
                <Show
                    when=move || !snapshot.with(|s| s.drafts.is_empty())
                    fallback=move || view! { <p class="muted">{move || t(lang.get(), "no_drafts")}</p> }
                >
                    <ul class="items">
                        <For
                            each=move || snapshot.get().drafts
                            key=|d| (d.id.clone(), d.updated_at.to_bits())
                            children=move |d| {
                                let href = Page::Complaint(d.id.clone()).path();
                                let problem = d.problem.is_some();
                                let answers = StoredValue::new(d.answers);
                                view! {
                                    <li>
                                        <a href=href>{move || answers.with_value(|a| title(a, lang.get()))}</a>
                                        <span class="meta">{move || answers.with_value(|a| summary(a, lang.get()))}</span>
                                        <Show when=move || problem>
                                            <span class="badge warn">{move || t(lang.get(), "needs_attention")}</span>
                                        </Show>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </Show>
            </section>

            <Show when=move || !snapshot.with(|s| s.outbox.is_empty())>
                <section aria-labelledby="outbox-h">
                    <h2 id="outbox-h">{move || t(lang.get(), "waiting")}</h2>
                    <p class="muted">{move || t(lang.get(), "waiting_help")}</p>
                    <ul class="items">
                        <For
                            each=move || snapshot.get().outbox
                            key=|i| i.id.clone()
                            children=move |i| {
                                let href = Page::Item(i.id.clone()).path();
                                let answers = StoredValue::new(i.request.answers);
                                view! {
                                    <li>
                                        <a href=href>{move || answers.with_value(|a| title(a, lang.get()))}</a>
                                        <span class="meta">{move || answers.with_value(|a| summary(a, lang.get()))}</span>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </section>
            </Show>

            <Show when=move || !snapshot.with(|s| s.sent.is_empty())>
                <section aria-labelledby="sent-h">
                    <h2 id="sent-h">{move || t(lang.get(), "sent")}</h2>
                    <ul class="items">
                        <For
                            each=move || snapshot.get().sent
                            key=|s| s.id.clone()
                            children=move |s| {
                                let href = Page::Item(s.id.clone()).path();
                                let tracking = s.receipt.tracking.clone();
                                let answers = StoredValue::new(s.request.answers);
                                view! {
                                    <li>
                                        <a href=href>{move || answers.with_value(|a| title(a, lang.get()))}</a>
                                        <span class="meta">
                                            {move || t(lang.get(), "tracking_number")} ": "
                                            <strong class="tracking">{tracking.clone()}</strong>
                                        </span>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </section>
            </Show>

            <DeviceSection/>
        </main>
    }
}

/// What a person recognises an item by: the institution they wrote about.
pub fn title(answers: &ComplaintAnswers, lang: Lang) -> String {
    match answers.institution.trim() {
        "" => t(lang, "untitled").to_owned(),
        name => name.to_owned(),
    }
}

/// Category and district, where chosen, in the person's language.
pub fn summary(answers: &ComplaintAnswers, lang: Lang) -> String {
    let category = Category::from_code(&answers.category).map(|c| c.label(lang));
    let district = District::from_code(&answers.district).map(|d| d.name(lang));
    [category, district].into_iter().flatten().collect::<Vec<_>>().join(" · ")
}
