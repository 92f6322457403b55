//! The press conference's page: every published two-weekly report, for the region and
//! each district (`/reports`), and one of them (`/reports/:hash`) with the same tables and
//! charts staff read, its SHA-256, and "Verify", which hashes on this device the very
//! bytes the server sent (`adal_core::report::hash_of`, the hash publishing stored).
//! The list and every report opened are kept in IndexedDB (`store::meta`), so they read
//! offline once visited. A published report holds figures only (`Report::published`).

use adal_core::report::{PublishedList, PublishedReport, Report, hash_of};
use adal_core::{District, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::Page;
use crate::components::report::{ReportView, local_time};
use crate::i18n::t;
use crate::state::use_app;
use crate::{api, store};

/// The region, or a district's name.
fn scope_name(district: Option<District>, lang: Lang) -> String {
    district.map_or_else(|| t(lang, "report_region"), |d| d.name(lang).to_owned())
}

fn period_text(report: &PublishedReport) -> String {
    format!("{} – {}", report.period.start(), report.period.end())
}

/// Every published report, newest first, with a choice of the region or one district.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let lang = use_app().lang;
    let list = RwSignal::new(None::<Vec<PublishedReport>>);
    let saved_copy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    // "" is every scope, "region" the region's reports, else a district's code.
    let scope = RwSignal::new(String::new());
    spawn_local(load_list(list, saved_copy, failed));
    let shown = move || {
        let scope = scope.get();
        list.get().unwrap_or_default().into_iter().filter(move |r| match scope.as_str() {
            "" => true,
            "region" => r.district.is_none(),
            code => r.district.is_some_and(|d| d.code() == code),
        })
    };
    view! {
        <main id="main" class="page report reports">
            <h1>{move || t(lang.get(), "reports_title")}</h1>
            <p class="muted">{move || t(lang.get(), "reports_help")}</p>
            <div class="field">
                <label for="reports-scope">{move || t(lang.get(), "reports_scope")}</label>
                <select id="reports-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "reports_every_scope")}</option>
                    <option value="region">{move || t(lang.get(), "report_region")}</option>
                    {District::ALL.into_iter().map(|d| view! {
                        <option value=d.code()>{move || d.name(lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <Show when=move || saved_copy.get()>
                <p class="banner warn" role="status">{move || t(lang.get(), "reports_saved_copy")}</p>
            </Show>
            <Show when=move || failed.get()>
                <p class="banner error" role="alert">{move || t(lang.get(), "reports_unreachable")}</p>
            </Show>
            {move || {
                let items: Vec<PublishedReport> = shown().collect();
                if list.with(Option::is_none) {
                    ().into_any()
                } else if items.is_empty() {
                    view! { <p class="muted" data-testid="reports-none">{t(lang.get(), "reports_none")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="items" data-testid="reports-list">
                            {items.into_iter().map(|r| view! { <ReportEntry report=r/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </main>
    }
}

/// The published list kept on the device first, then the server's, newest first, kept in
/// its place; `saved_copy` when only the device's could be shown, `failed` when neither.
async fn load_list(
    list: RwSignal<Option<Vec<PublishedReport>>>,
    saved_copy: RwSignal<bool>,
    failed: RwSignal<bool>,
) {
    if let Ok(Some(cached)) =
        store::meta::get::<PublishedList>(store::meta::PUBLISHED_REPORTS).await
    {
        list.set(Some(cached.reports));
    }
    match api::get_published_reports().await {
        Some(mut fresh) => {
            // The newest period first; in a period, the region before the districts.
            fresh
                .reports
                .sort_by(|a, b| b.period.cmp(&a.period).then_with(|| a.district.cmp(&b.district)));
            let _ = store::meta::put(store::meta::PUBLISHED_REPORTS, &fresh).await;
            list.set(Some(fresh.reports));
            saved_copy.set(false);
        }
        None if list.with_untracked(Option::is_some) => saved_copy.set(true),
        None => failed.set(true),
    }
}

/// One published report in the list: its scope and period, when, and its hash.
#[component]
fn ReportEntry(report: PublishedReport) -> impl IntoView {
    let lang = use_app().lang;
    let r = report;
    let href = Page::Report(r.hash.clone()).path();
    let at = r.published_at;
    view! {
        <li>
            <a href=href>
                <strong>{move || scope_name(r.district, lang.get())}</strong>
                " · " <span class="period">{period_text(&r)}</span>
            </a>
            <span class="meta">{move || t(lang.get(), "reports_published_at")} " " {move || local_time(at, lang.get())}</span>
            <code class="hash">{r.hash.clone()}</code>
        </li>
    }
}

/// What "Verify" found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Match,
    Mismatch,
}

/// One published report: its figures, its hash and "Verify".
#[component]
pub fn PublishedReportPage() -> impl IntoView {
    let lang = use_app().lang;
    let params = use_params_map();
    let hash = params.read_untracked().get("hash").unwrap_or_default().to_ascii_lowercase();
    // The bytes as the server sent them, and the report they hold.
    let bytes = RwSignal::new(None::<String>);
    let missing = RwSignal::new(false);
    let verdict = RwSignal::new(None::<Verdict>);
    let report = Memo::new(move |_| {
        bytes.with(|b| {
            let value = js_sys::JSON::parse(b.as_deref()?).ok()?;
            serde_wasm_bindgen::from_value::<Report>(value).ok()
        })
    });
    let key = store::meta::published_report(&hash);
    let wanted = hash.clone();
    spawn_local(async move {
        if let Ok(Some(kept)) = store::meta::get::<String>(&key).await {
            bytes.set(Some(kept));
            return;
        }
        match api::get_published_report(&wanted).await {
            Some(fresh) => {
                let _ = store::meta::put(&key, &fresh).await;
                bytes.set(Some(fresh));
            }
            None => missing.set(true),
        }
    });
    let shown_hash = hash.clone();
    let verify = move |_| {
        let same = bytes.with_untracked(|b| b.as_deref().is_some_and(|b| hash_of(b) == hash));
        verdict.set(Some(if same { Verdict::Match } else { Verdict::Mismatch }));
    };
    view! {
        <main id="main" class="page report reports">
            <p><a href=Page::Reports.path()>{move || t(lang.get(), "reports_back")}</a></p>
            {move || match report.get() {
                None if missing.get() => view! {
                    <h1>{t(lang.get(), "reports_title")}</h1>
                    <p class="banner error" role="alert">{t(lang.get(), "reports_not_found")}</p>
                }.into_any(),
                None => view! { <h1>{t(lang.get(), "reports_title")}</h1> }.into_any(),
                Some(r) => {
                    let (district, period) = (r.district, r.period);
                    view! {
                        <h1>{move || scope_name(district, lang.get())}</h1>
                        <p data-testid="report-period">{format!("{} – {}", period.start(), period.end())}</p>
                    }.into_any()
                }
            }}
            <section class="verify-report" aria-labelledby="hash-title">
                <h2 id="hash-title">{move || t(lang.get(), "reports_hash")}</h2>
                <p><code class="hash" data-testid="report-hash">{shown_hash}</code></p>
                <p class="help">{move || t(lang.get(), "reports_verify_help")}</p>
                <button type="button" class="secondary" on:click=verify disabled=move || bytes.with(Option::is_none)>
                    {move || t(lang.get(), "reports_verify")}
                </button>
                <div role="status" aria-live="polite" data-testid="verify-result">
                    {move || match verdict.get() {
                        Some(Verdict::Match) => view! { <p class="banner ok">{t(lang.get(), "reports_verify_match")}</p> }.into_any(),
                        Some(Verdict::Mismatch) => view! { <p class="banner error">{t(lang.get(), "reports_verify_mismatch")}</p> }.into_any(),
                        None => ().into_any(),
                    }}
                </div>
            </section>
            {move || report.get().map(|r| view! { <ReportView report=r lang public=true/> })}
        </main>
    }
}
