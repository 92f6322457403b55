use adal_core::form::{Answers, FormRef};
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
    view! {
        <main id="main" class="page">
            <Starts/>
            <Drafts/>
            <Waiting/>
            <Sent/>
            <DeviceSection/>
        </main>
    }
}

/// The ways to begin: a complaint, a mediation request, the directory, the reports, and
/// the volunteers' checklists and the staff's tools, folded.
#[component]
fn Starts() -> impl IntoView {
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
    view! {
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
    }
}

/// The drafts on the device, each with what it says and whether it needs attention.
#[component]
fn Drafts() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let snapshot = app.snapshot;
    let shown = RwSignal::new(LIST_PAGE);
    view! {
        <section aria-labelledby="drafts-h">
            <h2 id="drafts-h">{move || t(lang.get(), "drafts")}</h2>
            <Show
                when=move || !snapshot.with(|s| s.drafts.is_empty())
                fallback=move || view! { <p class="muted">{move || t(lang.get(), "no_drafts")}</p> }
            >
                <ul class="items">
                    <For
                        each=move || snapshot.with(|s| s.drafts.iter().take(shown.get()).cloned().collect::<Vec<_>>())
                        key=|d| (d.id.clone(), d.updated_at.to_bits())
                        children=move |d| {
                            let problem = d.problem.is_some();
                            view! {
                                <Entry href=Page::Draft(d.id.clone()).path() form=d.form.clone() answers=d.answers.clone()>
                                    <Summary form=d.form answers=d.answers/>
                                    <Show when=move || problem>
                                        <span class="badge warn">{move || t(lang.get(), "needs_attention")}</span>
                                    </Show>
                                </Entry>
                            }
                        }
                    />
                </ul>
                <ShowMore shown len=Signal::derive(move || snapshot.with(|s| s.counts.drafts))/>
            </Show>
        </section>
    }
}

/// What waits in the outbox to be sent.
#[component]
fn Waiting() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let snapshot = app.snapshot;
    let shown = RwSignal::new(LIST_PAGE);
    view! {
        <Show when=move || !snapshot.with(|s| s.outbox.is_empty())>
            <section aria-labelledby="outbox-h">
                <h2 id="outbox-h">{move || t(lang.get(), "waiting")}</h2>
                <p class="muted">{move || t(lang.get(), "waiting_help")}</p>
                <ul class="items">
                    <For
                        each=move || snapshot.with(|s| s.outbox.iter().take(shown.get()).cloned().collect::<Vec<_>>())
                        key=|i| i.id.clone()
                        children=move |i| {
                            let request = i.request;
                            view! {
                                <Entry href=Page::Item(i.id.clone()).path() form=request.form.clone() answers=request.answers.clone()>
                                    <Summary form=request.form answers=request.answers/>
                                </Entry>
                            }
                        }
                    />
                </ul>
                <ShowMore shown len=Signal::derive(move || snapshot.with(|s| s.counts.outbox))/>
            </section>
        </Show>
    }
}

/// What was sent, each with its tracking number.
#[component]
fn Sent() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let snapshot = app.snapshot;
    let shown = RwSignal::new(LIST_PAGE);
    view! {
        <Show when=move || !snapshot.with(|s| s.sent.is_empty())>
            <section aria-labelledby="sent-h">
                <h2 id="sent-h">{move || t(lang.get(), "sent")}</h2>
                <ul class="items">
                    <For
                        each=move || snapshot.with(|s| s.sent.iter().take(shown.get()).cloned().collect::<Vec<_>>())
                        key=|s| s.id.clone()
                        children=move |s| {
                            let tracking = s.receipt.tracking.clone();
                            view! {
                                <Entry href=Page::Item(s.id.clone()).path() form=s.request.form answers=s.request.answers>
                                    <span class="meta">
                                        {move || t(lang.get(), "tracking_number")} ": "
                                        <strong class="tracking">{tracking.clone()}</strong>
                                    </span>
                                </Entry>
                            }
                        }
                    />
                </ul>
                <ShowMore shown len=Signal::derive(move || snapshot.with(|s| s.counts.sent))/>
            </section>
        </Show>
    }
}

/// One entry of a list: its title, linking to it, then what `children` say of it.
#[component]
fn Entry(href: String, form: FormRef, answers: Answers, children: Children) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let answers = StoredValue::new(answers);
    view! {
        <li>
            <a href=href>{move || answers.with_value(|a| title(app, &form.id, form.version, a, lang.get()))}</a>
            {children()}
        </li>
    }
}

/// What a draft or a waiting item says, in a line.
#[component]
fn Summary(form: FormRef, answers: Answers) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let answers = StoredValue::new(answers);
    view! {
        <span class="meta">{move || answers.with_value(|a| summary(app, &form.id, form.version, a, lang.get()))}</span>
    }
}

/// "Show more", while a list holds more than it shows.
#[component]
fn ShowMore(shown: RwSignal<usize>, len: Signal<usize>) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <Show when=move || { len.get() > shown.get() }>
            <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += LIST_PAGE)>
                {move || t(lang.get(), "show_more")}
            </button>
        </Show>
    }
}
