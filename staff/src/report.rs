//! The two-weekly report: a period's figures for the district (office staff, curators)
//! or the region and each district (the front office), as tables and bar charts, the
//! CSV download, and publishing the frozen snapshot (curators, the front office).
//!
//! The figures are the server's (`core::report::compute`); this screen only shows them.
//! The last report seen for a period and scope stays readable offline from the staff
//! cache; publishing needs the server.

use adal_core::District;
use adal_core::district::region_date;
use adal_core::report::{Figures, Period, PublishedList, PublishedReport, Report};
use adal_core::staff::Role;
use adal_core::staff::policy::{self, Action};
use leptos::prelude::*;
use leptos::task::spawn_local;
use time::OffsetDateTime;

use super::inbox::{category_label, form_title};
use super::{local_time, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{self as api, StaffError};
use adal_app::store;

/// Who reads the report, as the policy says.
pub fn may_read(role: Role) -> bool {
    policy::allows(role, Action::ReadReport, false)
}

/// Who publishes it, as the policy says.
fn may_publish(role: Role) -> bool {
    policy::allows(role, Action::PublishReport, false)
}

/// A scope in the staff cache's keys: a district's code, or `region`.
fn scope_code(scope: Option<District>) -> &'static str {
    scope.map_or("region", District::code)
}

/// The staff cache's key of a scope's published snapshots.
fn published_key(scope: Option<District>) -> String {
    format!("published:{}", scope_code(scope))
}

fn today() -> time::Date {
    region_date(OffsetDateTime::now_utc())
}

/// `n` written the way `lang` writes numbers (`1 234`, `1,234`, `2,5`).
fn number(n: f64, lang: adal_core::Lang) -> String {
    String::from(js_sys::Number::from(n).to_locale_string(lang.tag()))
}

fn count(n: u32, lang: adal_core::Lang) -> String {
    number(f64::from(n), lang)
}

/// A refusal, in the person's language.
fn refusal_text(error: &StaffError, lang: adal_core::Lang) -> String {
    match error {
        StaffError::Offline => t(lang, "staff_report_offline"),
        StaffError::Unauthenticated => t(lang, "staff_session_expired"),
        StaffError::Refused(p) => p.code.title(lang).to_owned(),
        StaffError::Failed(_) => t(lang, "staff_report_failed"),
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let me = st.me();
    let role = me.as_ref().map(|m| m.role);
    let own = me.as_ref().and_then(|m| m.district);
    let regional = own.is_none();
    let publisher = role.is_some_and(may_publish);
    // The last finished period by default; the region for the front office.
    let period = RwSignal::new(Period::containing(today()).previous());
    let scope = RwSignal::new(own);
    let shown = RwSignal::new(None::<Report>);
    let stale = RwSignal::new(false);
    let failure = RwSignal::new(None::<StaffError>);
    let published = RwSignal::new(Vec::<PublishedReport>::new());
    // The period and scope on screen: coming back online reloads them without a blank.
    let on_screen = StoredValue::new(String::new());
    let confirming = RwSignal::new(false);
    let publishing = RwSignal::new(false);
    let just_published = RwSignal::new(None::<PublishedReport>);
    let publish_error = RwSignal::new(None::<StaffError>);

    Effect::new(move |_| {
        let (period, scope) = (period.get(), scope.get());
        st.online.track();
        let lang = lang.get_untracked();
        let key = format!("report:{}:{}", period.start(), scope_code(scope));
        if on_screen.get_value() != key {
            on_screen.set_value(key.clone());
            shown.set(None);
            failure.set(None);
            confirming.set(false);
            just_published.set(None);
            publish_error.set(None);
        }
        spawn_local(async move {
            // An answer for a period or scope no longer on screen is dropped.
            let current = || on_screen.with_value(|k| *k == key);
            if let Ok(Some(cached)) = store::staff::get_cached::<Report>(&key).await
                && current()
            {
                shown.set(Some(cached));
            }
            let fresh = api::report(period, scope, lang).await;
            if !current() {
                return;
            }
            match fresh {
                Ok(fresh) => {
                    let _ = store::staff::put_cached(&key, &fresh).await;
                    shown.set(Some(fresh));
                    stale.set(false);
                    failure.set(None);
                }
                Err(StaffError::Unauthenticated) => st.expired.set(true),
                Err(e) => {
                    stale.set(true);
                    failure.set(Some(e));
                }
            }
            // The published list too is kept for reading offline.
            let listed = published_key(scope);
            match api::published_reports(scope, lang).await {
                Ok(list) => {
                    let _ = store::staff::put_cached(&listed, &list).await;
                    published.set(list.reports);
                }
                Err(_) => {
                    let cached = store::staff::get_cached::<PublishedList>(&listed).await;
                    if let Ok(Some(list)) = cached
                        && current()
                    {
                        published.set(list.reports);
                    }
                }
            }
        });
    });

    let publish = move |_| {
        let (Some(csrf), p, d) = (st.csrf(), period.get_untracked(), scope.get_untracked()) else {
            return;
        };
        let lang = lang.get_untracked();
        publishing.set(true);
        publish_error.set(None);
        spawn_local(async move {
            match api::publish_report(p, d, &csrf, lang).await {
                Ok(snapshot) => {
                    published.update(|list| {
                        if !list.iter().any(|r| r.hash == snapshot.hash) {
                            list.insert(0, snapshot.clone());
                        }
                    });
                    just_published.set(Some(snapshot));
                    confirming.set(false);
                    let listed = published_key(d);
                    let reports = published.get_untracked();
                    let _ = store::staff::put_cached(&listed, &PublishedList { reports }).await;
                }
                Err(StaffError::Unauthenticated) => st.expired.set(true),
                Err(e) => publish_error.set(Some(e)),
            }
            publishing.set(false);
        });
    };

    let scope_name = move || match scope.get() {
        Some(d) => d.name(lang.get()).to_owned(),
        None => t(lang.get(), "staff_report_region"),
    };
    let period_text = move || {
        let p = period.get();
        t(lang.get(), "staff_report_period_dates")
            .replace("%{start}", &p.start().to_string())
            .replace("%{end}", &p.end().to_string())
    };
    let period_over = move || period.get().end() < today();

    view! {
        <main id="main" class="page staff-page report">
            <h1>{move || t(lang.get(), "staff_report")} " · " {scope_name}</h1>
            <form class="report-controls" on:submit=|ev| ev.prevent_default()>
                <Show when=move || regional>
                    <div class="field">
                        <label for="report-scope">{move || t(lang.get(), "staff_report_scope")}</label>
                        <select id="report-scope" on:change=move |ev| scope.set(District::from_code(&event_target_value(&ev)))>
                            <option value="" selected=move || scope.get().is_none()>{move || t(lang.get(), "staff_report_region")}</option>
                            {District::ALL.into_iter().map(|d| view! {
                                <option value=d.code() selected=move || scope.get() == Some(d)>{move || d.name(lang.get())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <fieldset class="period-picker">
                    <legend>{move || t(lang.get(), "staff_report_period")}</legend>
                    <p class="period-dates" data-testid="report-period" aria-live="polite">{period_text}</p>
                    <div class="period-buttons">
                        <button type="button" class="secondary" on:click=move |_| period.update(|p| *p = p.previous())>
                            "← " {move || t(lang.get(), "staff_report_previous")}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| period.update(|p| *p = p.next())
                            disabled=move || { period.get().next().start() > today() }>
                            {move || t(lang.get(), "staff_report_next")} " →"
                        </button>
                    </div>
                    <div class="field">
                        <label for="report-day">{move || t(lang.get(), "staff_report_day")}</label>
                        <input id="report-day" type="date" max=move || today().to_string()
                            prop:value=move || period.get().start().to_string()
                            on:change=move |ev| {
                                if let Ok(p) = Period::parse(&event_target_value(&ev))
                                    && p.start() <= today() { period.set(p) }
                            }/>
                    </div>
                </fieldset>
            </form>
            <Show when=move || !period_over()>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_report_running")}</p>
            </Show>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_report_saved_copy")}</p>
            </Show>
            {move || match shown.get() {
                None => match failure.get() {
                    Some(e) => view! { <p class="banner error" role="alert">{refusal_text(&e, lang.get())}</p> }.into_any(),
                    None => view! { <p class="muted">{move || t(lang.get(), "staff_loading")}</p> }.into_any(),
                },
                Some(report) => view! { <ReportView report/> }.into_any(),
            }}
            <section class="report-actions" aria-labelledby="report-actions-title">
                <h2 id="report-actions-title">{move || t(lang.get(), "staff_report_download_publish")}</h2>
                <a class="button secondary" download=""
                    href=move || api::report_csv_url(period.get(), scope.get())>
                    {move || t(lang.get(), "staff_report_csv")}
                </a>
                <Show when=move || publisher>
                    <div class="publish">
                        <p class="muted">{move || t(lang.get(), "staff_report_publish_help")}</p>
                        <Show when=move || !st.online.get()>
                            <p class="banner warn" role="status">{move || t(lang.get(), "staff_report_publish_offline")}</p>
                        </Show>
                        <Show when=move || !confirming.get()
                            fallback=move || view! {
                                <div class="confirm" role="group" aria-labelledby="publish-confirm">
                                    <p id="publish-confirm"><strong>{move || t(lang.get(), "staff_report_confirm")
                                        .replace("%{scope}", &scope_name())
                                        .replace("%{period}", &period_text())}</strong></p>
                                    <div class="action-buttons">
                                        <button type="button" class="primary" on:click=publish disabled=move || publishing.get() || !st.online.get()>
                                            {move || t(lang.get(), "staff_report_publish_now")}
                                        </button>
                                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                                            {move || t(lang.get(), "staff_report_cancel")}
                                        </button>
                                    </div>
                                </div>
                            }>
                            <button type="button" class="primary" on:click=move |_| { publish_error.set(None); confirming.set(true) }
                                disabled=move || !st.online.get()>
                                {move || t(lang.get(), "staff_report_publish")}
                            </button>
                        </Show>
                        {move || publish_error.get().map(|e| view! {
                            <p class="banner error" role="alert" data-testid="publish-error">{refusal_text(&e, lang.get())}</p>
                        })}
                        {move || just_published.get().map(|s| view! {
                            <div class="banner ok" role="status" data-testid="published">
                                <p>{move || t(lang.get(), "staff_report_published")}</p>
                                <p>{move || t(lang.get(), "staff_report_hash")} " "
                                    <code class="hash" data-testid="report-hash">{s.hash.clone()}</code></p>
                                <p><a href=s.url.clone() rel="external">{move || t(lang.get(), "staff_report_public_link")}</a>
                                    " " <code class="hash">{s.url.clone()}</code></p>
                            </div>
                        })}
                    </div>
                </Show>
                <h3>{move || t(lang.get(), "staff_report_published_list")}</h3>
                {move || {
                    let list = published.get();
                    if list.is_empty() {
                        view! { <p class="muted">{move || t(lang.get(), "staff_report_none_published")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="items" data-testid="published-list">
                                {list.into_iter().map(|r| view! { <PublishedRow snapshot=r/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </section>
        </main>
    }
}

#[component]
fn PublishedRow(snapshot: PublishedReport) -> impl IntoView {
    let lang = use_staff().lang;
    let (period, district, at) = (snapshot.period, snapshot.district, snapshot.published_at);
    view! {
        <li>
            <strong>{move || match district {
                Some(d) => d.name(lang.get()).to_owned(),
                None => t(lang.get(), "staff_report_region"),
            }}</strong>
            <span>{move || t(lang.get(), "staff_report_period_dates")
                .replace("%{start}", &period.start().to_string())
                .replace("%{end}", &period.end().to_string())}</span>
            <span class="meta">{move || t(lang.get(), "staff_report_published_at")} " " {move || local_time(at, lang.get())}</span>
            <a href=snapshot.url.clone() rel="external"><code class="hash">{snapshot.hash.clone()}</code></a>
        </li>
    }
}

/// One report's figures: the summary, the charts and the tables.
#[component]
fn ReportView(report: Report) -> impl IntoView {
    let lang = use_staff().lang;
    let figures = report.figures.clone();
    let as_of = report.as_of;
    let districts = report.districts.clone();
    let by_category = figures.received_by_category.clone();
    let by_form = figures.received_by_form.clone();
    let top = figures.top_institutions.clone();
    let provisional = report.provisional;
    view! {
        <p class="muted" data-testid="report-as-of">{move || t(lang.get(), "staff_report_as_of")} " " {move || local_time(as_of, lang.get())}</p>
        <Show when=move || provisional>
            <p class="banner warn" role="note">{move || t(lang.get(), "staff_report_provisional")}</p>
        </Show>
        <SummaryTable figures=figures.clone()/>
        <AnswersChart report=report.clone()/>
        <section aria-labelledby="by-category-title">
            <h2 id="by-category-title">{move || t(lang.get(), "staff_report_by_category")}</h2>
            {move || {
                let lang = lang.get();
                let rows: Vec<Bar> = by_category.iter().map(|(c, n)| Bar {
                    label: category_label(c, lang),
                    parts: vec![(*n, "bar-received")],
                }).collect();
                view! {
                    <BarChart title=t(lang, "staff_report_by_category") rows=rows.clone() testid="chart-category"/>
                    <CountTable caption=t(lang, "staff_report_by_category") head=t(lang, "staff_category")
                        rows=rows.into_iter().map(|b| (b.label, b.parts[0].0)).collect() testid="table-category"/>
                }
            }}
        </section>
        <section aria-labelledby="by-form-title">
            <h2 id="by-form-title">{move || t(lang.get(), "staff_report_by_form")}</h2>
            {move || {
                let lang = lang.get();
                let rows = by_form.iter().map(|(f, n)| (form_title(f, lang), *n)).collect();
                view! { <CountTable caption=t(lang, "staff_report_by_form") head=t(lang, "staff_form") rows testid="table-form"/> }
            }}
        </section>
        <section aria-labelledby="top-title">
            <h2 id="top-title">{move || t(lang.get(), "staff_report_top")}</h2>
            {move || {
                let lang = lang.get();
                let rows = top.iter().map(|i| (i.name.clone(), i.count)).collect();
                view! { <CountTable caption=t(lang, "staff_report_top") head=t(lang, "staff_institution") rows testid="table-top"/> }
            }}
        </section>
        <Show when={
            let empty = districts.is_empty();
            move || !empty
        }>
            <DistrictsTable districts=districts.clone()/>
        </Show>
    }
}

/// The figures of the scope, one per row.
#[component]
fn SummaryTable(figures: Figures) -> impl IntoView {
    let lang = use_staff().lang;
    view! {
        {move || {
            let lang = lang.get();
            let f = &figures;
            let median = f
                .median_working_days_to_answer
                .map_or_else(|| "—".to_owned(), |m| number(m, lang));
            let median_session = f
                .median_working_days_to_first_session
                .map_or_else(|| "—".to_owned(), |m| number(m, lang));
            let rows = [
                ("received", t(lang, "staff_report_received"), count(f.received, lang)),
                ("registered", t(lang, "staff_report_registered"), count(f.registered, lang)),
                ("forwarded", t(lang, "staff_report_forwarded"), count(f.forwarded, lang)),
                ("on_time", t(lang, "staff_report_on_time"), count(f.answered_on_time, lang)),
                ("late", t(lang, "staff_report_late"), count(f.answered_late, lang)),
                ("acts", t(lang, "staff_report_acts"), count(f.acts_signed, lang)),
                ("visits", t(lang, "staff_report_visits"), count(f.monitoring_visits, lang)),
                ("median", t(lang, "staff_report_median"), median),
                ("forwarded_on_time", t(lang, "staff_report_forwarded_on_time"), count(f.forwarded_on_time, lang)),
                ("forwarded_late", t(lang, "staff_report_forwarded_late"), count(f.forwarded_late, lang)),
                ("first_sessions", t(lang, "staff_report_first_sessions"), count(f.mediation_first_sessions, lang)),
                ("median_first_session", t(lang, "staff_report_median_first_session"), median_session),
                ("open_past_day", t(lang, "staff_report_open_past_day"), count(f.open_past_answer_day, lang)),
            ];
            view! {
                <table class="figures" data-testid="report-summary">
                    <caption>{t(lang, "staff_report_summary")}</caption>
                    <thead><tr>
                        <th scope="col">{t(lang, "staff_report_figure")}</th>
                        <th scope="col" class="num">{t(lang, "staff_report_value")}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(figure, name, value)| view! {
                            <tr data-figure=figure>
                                <th scope="row">{name}</th>
                                <td class="num">{value}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        }}
    }
}

/// A two-column table: a name and how many.
#[component]
fn CountTable(
    caption: String,
    head: String,
    rows: Vec<(String, u32)>,
    testid: &'static str,
) -> impl IntoView {
    let lang = use_staff().lang.get_untracked();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=testid>{t(lang, "staff_report_nothing")}</p> }
            .into_any();
    }
    view! {
        <table class="figures" data-testid=testid>
            <caption class="visually-hidden">{caption}</caption>
            <thead><tr>
                <th scope="col">{head}</th>
                <th scope="col" class="num">{t(lang, "staff_report_count")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|(name, n)| view! {
                    <tr><th scope="row">{name}</th><td class="num">{count(n, lang)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Every district's figures side by side (the region's report).
#[component]
fn DistrictsTable(districts: Vec<adal_core::report::DistrictFigures>) -> impl IntoView {
    let lang = use_staff().lang;
    view! {
        <section aria-labelledby="districts-title">
            <h2 id="districts-title">{move || t(lang.get(), "staff_report_districts")}</h2>
            {move || {
                let lang = lang.get();
                let heads = [
                    t(lang, "staff_report_received"),
                    t(lang, "staff_report_registered"),
                    t(lang, "staff_report_forwarded"),
                    t(lang, "staff_report_on_time"),
                    t(lang, "staff_report_late"),
                    t(lang, "staff_report_acts"),
                    t(lang, "staff_report_visits"),
                    t(lang, "staff_report_median"),
                    t(lang, "staff_report_forwarded_late"),
                    t(lang, "staff_report_open_past_day"),
                ];
                view! {
                    <div class="table-scroll" role="region" tabindex="0" aria-labelledby="districts-title">
                        <table class="figures wide" data-testid="table-districts">
                            <caption class="visually-hidden">{t(lang, "staff_report_districts")}</caption>
                            <thead><tr>
                                <th scope="col">{t(lang, "district")}</th>
                                {heads.into_iter().map(|h| view! { <th scope="col" class="num">{h}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {districts.iter().map(|d| {
                                    let f = &d.figures;
                                    let median = f.median_working_days_to_answer.map_or_else(|| "—".to_owned(), |m| number(m, lang));
                                    let cells = [
                                        count(f.received, lang), count(f.registered, lang), count(f.forwarded, lang),
                                        count(f.answered_on_time, lang), count(f.answered_late, lang),
                                        count(f.acts_signed, lang), count(f.monitoring_visits, lang), median,
                                        count(f.forwarded_late, lang), count(f.open_past_answer_day, lang),
                                    ];
                                    view! {
                                        <tr data-district=d.district.code()>
                                            <th scope="row">{d.district.name(lang)}</th>
                                            {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }}
        </section>
    }
}

/// Answered on time and late: for the region one bar per district, else the scope's.
#[component]
fn AnswersChart(report: Report) -> impl IntoView {
    let lang = use_staff().lang;
    view! {
        <section aria-labelledby="answers-title">
            <h2 id="answers-title">{move || t(lang.get(), "staff_report_answers")}</h2>
            {move || {
                let lang = lang.get();
                let bar = |label: String, f: &Figures| Bar {
                    label,
                    parts: vec![(f.answered_on_time, "bar-on-time"), (f.answered_late, "bar-late")],
                };
                let rows: Vec<Bar> = if report.districts.is_empty() {
                    let name = report.district.map_or_else(|| t(lang, "staff_report_region"), |d| d.name(lang).to_owned());
                    vec![bar(name, &report.figures)]
                } else {
                    report.districts.iter().map(|d| bar(d.district.name(lang).to_owned(), &d.figures)).collect()
                };
                view! {
                    <BarChart title=t(lang, "staff_report_answers") rows
                        parts=vec![t(lang, "staff_report_on_time"), t(lang, "staff_report_late")] testid="chart-answers"/>
                }
            }}
        </section>
    }
}

/// One row of a bar chart: its label and its stacked parts (value, CSS class).
#[derive(Clone)]
struct Bar {
    label: String,
    parts: Vec<(u32, &'static str)>,
}

/// Width of the chart's coordinate system; the SVG scales to its box (360 px phones too).
const CHART_WIDTH: f64 = 320.0;
/// Height of one row: the label above, the bar below.
const ROW_HEIGHT: f64 = 40.0;
const BAR_HEIGHT: f64 = 16.0;
/// Room kept right of the longest bar for its number.
const NUMBER_ROOM: f64 = 44.0;

/// A horizontal bar chart drawn as SVG. The picture is `role="img"` with a label that
/// reads every number (`parts` names the stacked parts), and the numbers are in a table
/// next to it as well.
#[component]
fn BarChart(
    title: String,
    rows: Vec<Bar>,
    #[prop(optional)] parts: Vec<String>,
    testid: &'static str,
) -> impl IntoView {
    let lang = use_staff().lang.get_untracked();
    if rows.is_empty() {
        return ().into_any();
    }
    let total = |b: &Bar| b.parts.iter().map(|(n, _)| *n).sum::<u32>();
    let max = rows.iter().map(total).max().unwrap_or(0);
    if max == 0 {
        return view! { <p class="muted" data-testid=testid>{t(lang, "staff_report_nothing")}</p> }
            .into_any();
    }
    let scale = (CHART_WIDTH - NUMBER_ROOM) / f64::from(max);
    let height = ROW_HEIGHT * rows.len() as f64;
    let described = rows
        .iter()
        .map(|b| {
            if parts.is_empty() {
                format!("{} {}", b.label, count(total(b), lang))
            } else {
                let each = b
                    .parts
                    .iter()
                    .zip(&parts)
                    .map(|((n, _), name)| format!("{name} {}", count(*n, lang)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{}: {each}", b.label)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let label = format!("{title}. {described}.");
    // What each colour of a stacked bar means (the label says it in words).
    let legend = (!parts.is_empty()).then(|| {
        let classes = rows[0].parts.iter().map(|(_, class)| *class);
        view! {
            <p class="legend" aria-hidden="true">
                {classes.zip(parts.clone()).map(|(class, name)| view! {
                    <span class=format!("swatch {class}")></span><span>{name}</span>
                }).collect_view()}
            </p>
        }
    });
    let aria = label.clone();
    view! {
        {legend}
        <svg class="chart" data-testid=testid role="img" aria-label=aria
            viewBox=format!("0 0 {CHART_WIDTH} {height}") preserveAspectRatio="xMinYMin meet"
            width="100%">
            <title>{title}</title>
            <desc>{label}</desc>
            {rows.into_iter().enumerate().map(|(i, bar)| {
                let y = ROW_HEIGHT * i as f64;
                let mut x = 0.0;
                let segments = bar.parts.iter().filter(|part| part.0 > 0).map(|(n, class)| {
                    let width = f64::from(*n) * scale;
                    let rect = view! {
                        <rect class=*class x=x y=y + 18.0 width=width height=BAR_HEIGHT rx="2"></rect>
                    };
                    x += width;
                    rect
                }).collect_view();
                let sum = total(&bar);
                view! {
                    <g aria-hidden="true">
                        <text class="chart-label" x="0" y=y + 13.0>{bar.label.clone()}</text>
                        <line class="chart-axis" x1="0" x2="0" y1=y + 16.0 y2=y + 18.0 + BAR_HEIGHT + 2.0></line>
                        {segments}
                        <text class="chart-number" x=x + 4.0 y=y + 18.0 + BAR_HEIGHT - 3.0>{count(sum, lang)}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}
