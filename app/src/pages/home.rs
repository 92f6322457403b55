use adal_core::form::Answers;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::{Page, start_draft, summary, title};
use crate::components::DeviceSection;
use crate::i18n::t;
use crate::pwa::use_pwa;
use crate::state::{LIST_PAGE, use_app};

/// The start screen: a way to begin, and everything the person has on this device.
#[component]
pub fn HomePage() -> impl IntoView {
    let app = use_app();
    let pwa = use_pwa();
    let lang = app.lang;
    let navigate = use_navigate();
    let start = move |form_id: &'static str| {
        let navigate = navigate.clone();
        move |_| {
            // The first draft is the moment to ask the browser to keep our storage.
            pwa.request_persistence();
            let navigate = navigate.clone();
            spawn_local(async move {
                if let Some(page) = start_draft(app, form_id, Answers::new()).await {
                    navigate(&page.path(), Default::default());
                }
            });
        }
    };
    let snapshot = app.snapshot;
    let (drafts_shown, outbox_shown, sent_shown) =
        (RwSignal::new(LIST_PAGE), RwSignal::new(LIST_PAGE), RwSignal::new(LIST_PAGE));
    let more = move |shown: RwSignal<usize>, len: Signal<usize>| {
        view! {
            <Show when=move || { len.get() > shown.get() }>
                <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += LIST_PAGE)>
                    {move || t(lang.get(), "show_more")}
                </button>
            </Show>
        }
    };
    view! {
        <main id="main" class="page">
            <div class="starts">
                <button type="button" class="primary big" on:click=start("complaint")>
                    {move || t(lang.get(), "new_complaint")}
                </button>
                <button type="button" class="primary big" on:click=start("mediation_request")>
                    {move || t(lang.get(), "new_mediation")}
                </button>
                <a class="button secondary big" href=Page::Directory.path()>{move || t(lang.get(), "find_provider")}</a>
                <a class="button secondary big" href=Page::Reports.path()>{move || t(lang.get(), "open_reports")}</a>
            </div>
            <details class="volunteers">
                <summary>{move || t(lang.get(), "for_volunteers")}</summary>
                <div class="starts">
                    <button type="button" class="secondary" on:click=start("monitoring_school")>
                        {move || t(lang.get(), "visit_school")}
                    </button>
                    <button type="button" class="secondary" on:click=start("monitoring_clinic")>
                        {move || t(lang.get(), "visit_clinic")}
                    </button>
                </div>
                <p class="staff-links">
                    <a href=Page::Act.path()>{move || t(lang.get(), "open_act")}</a>
                    " · "
                    <a href=Page::Verify.path()>{move || t(lang.get(), "open_verify")}</a>
                    " · "
                    <a href="/staff/" rel="external">{move || t(lang.get(), "for_staff")}</a>
                </p>
            </details>

            <section aria-labelledby="drafts-h">
                <h2 id="drafts-h">{move || t(lang.get(), "drafts")}</h2>
                <Show
                    when=move || !snapshot.with(|s| s.drafts.is_empty())
                    fallback=move || view! { <p class="muted">{move || t(lang.get(), "no_drafts")}</p> }
                >
                    <ul class="items">
                        <For
                            each=move || snapshot.with(|s| s.drafts.iter().take(drafts_shown.get()).cloned().collect::<Vec<_>>())
                            key=|d| (d.id.clone(), d.updated_at.to_bits())
                            children=move |d| {
                                let href = Page::Draft(d.id.clone()).path();
                                let problem = d.problem.is_some();
                                let (form, version) = (d.form.id.clone(), d.form.version);
                                let answers = StoredValue::new(d.answers);
                                let form2 = form.clone();
                                view! {
                                    <li>
                                        <a href=href>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</a>
                                        <span class="meta">{move || answers.with_value(|a| summary(app, &form2, version, a, lang.get()))}</span>
                                        <Show when=move || problem>
                                            <span class="badge warn">{move || t(lang.get(), "needs_attention")}</span>
                                        </Show>
                                    </li>
                                }
                            }
                        />
                    </ul>
                    {more(drafts_shown, Signal::derive(move || snapshot.with(|s| s.counts.drafts)))}
                </Show>
            </section>

            <Show when=move || !snapshot.with(|s| s.outbox.is_empty())>
                <section aria-labelledby="outbox-h">
                    <h2 id="outbox-h">{move || t(lang.get(), "waiting")}</h2>
                    <p class="muted">{move || t(lang.get(), "waiting_help")}</p>
                    <ul class="items">
                        <For
                            each=move || snapshot.with(|s| s.outbox.iter().take(outbox_shown.get()).cloned().collect::<Vec<_>>())
                            key=|i| i.id.clone()
                            children=move |i| {
                                let href = Page::Item(i.id.clone()).path();
                                let (form, version) = (i.request.form.id.clone(), i.request.form.version);
                                let answers = StoredValue::new(i.request.answers);
                                let form2 = form.clone();
                                view! {
                                    <li>
                                        <a href=href>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</a>
                                        <span class="meta">{move || answers.with_value(|a| summary(app, &form2, version, a, lang.get()))}</span>
                                    </li>
                                }
                            }
                        />
                    </ul>
                    {more(outbox_shown, Signal::derive(move || snapshot.with(|s| s.counts.outbox)))}
                </section>
            </Show>

            <Show when=move || !snapshot.with(|s| s.sent.is_empty())>
                <section aria-labelledby="sent-h">
                    <h2 id="sent-h">{move || t(lang.get(), "sent")}</h2>
                    <ul class="items">
                        <For
                            each=move || snapshot.with(|s| s.sent.iter().take(sent_shown.get()).cloned().collect::<Vec<_>>())
                            key=|s| s.id.clone()
                            children=move |s| {
                                let href = Page::Item(s.id.clone()).path();
                                let tracking = s.receipt.tracking.clone();
                                let (form, version) = (s.request.form.id.clone(), s.request.form.version);
                                let answers = StoredValue::new(s.request.answers);
                                view! {
                                    <li>
                                        <a href=href>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</a>
                                        <span class="meta">
                                            {move || t(lang.get(), "tracking_number")} ": "
                                            <strong class="tracking">{tracking.clone()}</strong>
                                        </span>
                                    </li>
                                }
                            }
                        />
                    </ul>
                    {more(sent_shown, Signal::derive(move || snapshot.with(|s| s.counts.sent)))}
                </section>
            </Show>

            <DeviceSection/>
        </main>
    }
}
