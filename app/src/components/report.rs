//! A two-weekly report's figures as tables and SVG bar charts, drawn the same way in the
//! staff workspace (the live report) and on the public `/reports` page (a published
//! snapshot). The figures are core's (`adal_core::report`); this only shows them.

use adal_core::Lang;
use adal_core::report::{Figures, Report};
use leptos::prelude::*;

use crate::i18n::t;

/// A form's title in `lang`, from the catalogue's newest version.
pub fn form_title(id: &str, lang: Lang) -> String {
    adal_core::form::catalogue()
        .iter()
        .filter(|f| f.id == id)
        .max_by_key(|f| f.version)
        .map(|f| f.title.get(lang).to_owned())
        .unwrap_or_else(|| id.to_owned())
}

/// A complaint category's label in `lang`, from the complaint form's own options.
pub fn category_label(code: &str, lang: Lang) -> String {
    use adal_core::form::FieldKind;
    adal_core::form::catalogue()
        .iter()
        .filter(|f| f.id == "complaint")
        .flat_map(|f| f.fields.iter())
        .filter(|f| f.key == "category")
        .find_map(|f| match &f.kind {
            FieldKind::SingleChoice { options } => {
                options.iter().find(|o| o.value == code).map(|o| o.label.get(lang).to_owned())
            }
            _ => None,
        })
        .unwrap_or_else(|| code.to_owned())
}

/// `n` written the way `lang` writes numbers (`1 234`, `1,234`, `2,5`).
pub fn number(n: f64, lang: adal_core::Lang) -> String {
    String::from(js_sys::Number::from(n).to_locale_string(lang.tag()))
}

pub fn count(n: u32, lang: adal_core::Lang) -> String {
    number(f64::from(n), lang)
}

/// A moment as the person's browser writes dates and times in `lang`.
pub fn local_time(at: time::OffsetDateTime, lang: Lang) -> String {
    let ms = (at.unix_timestamp_nanos() / 1_000_000) as f64;
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    date.to_locale_string(lang.tag(), &wasm_bindgen::JsValue::UNDEFINED).into()
}

/// One report's figures: the summary, the charts and the tables. `public`: a published
/// snapshot, which names no institution (`Report::published`), so that table is left out.
#[component]
pub fn ReportView(
    report: Report,
    lang: RwSignal<Lang>,
    #[prop(optional)] public: bool,
) -> impl IntoView {
    let figures = report.figures.clone();
    let as_of = report.as_of;
    let districts = report.districts.clone();
    let by_category = figures.received_by_category.clone();
    let by_form = figures.received_by_form.clone();
    let top = figures.top_institutions.clone();
    let provisional = report.provisional;
    let top_section = (!public).then(|| view! {
        <section aria-labelledby="top-title">
            <h2 id="top-title">{move || t(lang.get(), "report_top")}</h2>
            {move || {
                let signal = lang;
                let lang = lang.get();
                let rows = top.iter().map(|i| (i.name.clone(), i.count)).collect();
                view! { <CountTable lang=signal caption=t(lang, "report_top") head=t(lang, "report_institution") rows testid="table-top"/> }
            }}
        </section>
    });
    view! {
        <p class="muted" data-testid="report-as-of">{move || t(lang.get(), "report_as_of")} " " {move || local_time(as_of, lang.get())}</p>
        <Show when=move || provisional>
            <p class="banner warn" role="note">{move || t(lang.get(), "report_provisional")}</p>
        </Show>
        <SummaryTable figures=figures.clone() lang/>
        <AnswersChart report=report.clone() lang/>
        <section aria-labelledby="by-category-title">
            <h2 id="by-category-title">{move || t(lang.get(), "report_by_category")}</h2>
            {move || {
                let signal = lang;
                let lang = lang.get();
                let rows: Vec<Bar> = by_category.iter().map(|(c, n)| Bar {
                    label: category_label(c, lang),
                    parts: vec![(*n, "bar-received")],
                }).collect();
                view! {
                    <BarChart lang=signal title=t(lang, "report_by_category") rows=rows.clone() testid="chart-category"/>
                    <CountTable lang=signal caption=t(lang, "report_by_category") head=t(lang, "report_category")
                        rows=rows.into_iter().map(|b| (b.label, b.parts[0].0)).collect() testid="table-category"/>
                }
            }}
        </section>
        <section aria-labelledby="by-form-title">
            <h2 id="by-form-title">{move || t(lang.get(), "report_by_form")}</h2>
            {move || {
                let signal = lang;
                let lang = lang.get();
                let rows = by_form.iter().map(|(f, n)| (form_title(f, lang), *n)).collect();
                view! { <CountTable lang=signal caption=t(lang, "report_by_form") head=t(lang, "report_form") rows testid="table-form"/> }
            }}
        </section>
        {top_section}
        <Show when={
            let empty = districts.is_empty();
            move || !empty
        }>
            <DistrictsTable districts=districts.clone() lang/>
        </Show>
    }
}

/// The figures of the scope, one per row.
#[component]
fn SummaryTable(figures: Figures, lang: RwSignal<Lang>) -> impl IntoView {
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
                ("received", t(lang, "report_received"), count(f.received, lang)),
                ("registered", t(lang, "report_registered"), count(f.registered, lang)),
                ("forwarded", t(lang, "report_forwarded"), count(f.forwarded, lang)),
                ("on_time", t(lang, "report_on_time"), count(f.answered_on_time, lang)),
                ("late", t(lang, "report_late"), count(f.answered_late, lang)),
                ("acts", t(lang, "report_acts"), count(f.acts_signed, lang)),
                ("visits", t(lang, "report_visits"), count(f.monitoring_visits, lang)),
                ("median", t(lang, "report_median"), median),
                ("forwarded_on_time", t(lang, "report_forwarded_on_time"), count(f.forwarded_on_time, lang)),
                ("forwarded_late", t(lang, "report_forwarded_late"), count(f.forwarded_late, lang)),
                ("first_sessions", t(lang, "report_first_sessions"), count(f.mediation_first_sessions, lang)),
                ("median_first_session", t(lang, "report_median_first_session"), median_session),
                ("open_past_day", t(lang, "report_open_past_day"), count(f.open_past_answer_day, lang)),
            ];
            view! {
                <table class="figures" data-testid="report-summary">
                    <caption>{t(lang, "report_summary")}</caption>
                    <thead><tr>
                        <th scope="col">{t(lang, "report_figure")}</th>
                        <th scope="col" class="num">{t(lang, "report_value")}</th>
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
    lang: RwSignal<Lang>,
    caption: String,
    head: String,
    rows: Vec<(String, u32)>,
    testid: &'static str,
) -> impl IntoView {
    let lang = lang.get_untracked();
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=testid>{t(lang, "report_nothing")}</p> }
            .into_any();
    }
    view! {
        <table class="figures" data-testid=testid>
            <caption class="visually-hidden">{caption}</caption>
            <thead><tr>
                <th scope="col">{head}</th>
                <th scope="col" class="num">{t(lang, "report_count")}</th>
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
fn DistrictsTable(
    districts: Vec<adal_core::report::DistrictFigures>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="districts-title">
            <h2 id="districts-title">{move || t(lang.get(), "report_districts")}</h2>
            {move || {
                let lang = lang.get();
                let heads = [
                    t(lang, "report_received"),
                    t(lang, "report_registered"),
                    t(lang, "report_forwarded"),
                    t(lang, "report_on_time"),
                    t(lang, "report_late"),
                    t(lang, "report_acts"),
                    t(lang, "report_visits"),
                    t(lang, "report_median"),
                    t(lang, "report_forwarded_late"),
                    t(lang, "report_open_past_day"),
                ];
                view! {
                    <div class="table-scroll" role="region" tabindex="0" aria-labelledby="districts-title">
                        <table class="figures wide" data-testid="table-districts">
                            <caption class="visually-hidden">{t(lang, "report_districts")}</caption>
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
fn AnswersChart(report: Report, lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <section aria-labelledby="answers-title">
            <h2 id="answers-title">{move || t(lang.get(), "report_answers")}</h2>
            {move || {
                let signal = lang;
                let lang = lang.get();
                let bar = |label: String, f: &Figures| Bar {
                    label,
                    parts: vec![(f.answered_on_time, "bar-on-time"), (f.answered_late, "bar-late")],
                };
                let rows: Vec<Bar> = if report.districts.is_empty() {
                    let name = report.district.map_or_else(|| t(lang, "report_region"), |d| d.name(lang).to_owned());
                    vec![bar(name, &report.figures)]
                } else {
                    report.districts.iter().map(|d| bar(d.district.name(lang).to_owned(), &d.figures)).collect()
                };
                view! {
                    <BarChart lang=signal title=t(lang, "report_answers") rows
                        parts=vec![t(lang, "report_on_time"), t(lang, "report_late")] testid="chart-answers"/>
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
    lang: RwSignal<Lang>,
    title: String,
    rows: Vec<Bar>,
    #[prop(optional)] parts: Vec<String>,
    testid: &'static str,
) -> impl IntoView {
    let lang = lang.get_untracked();
    if rows.is_empty() {
        return ().into_any();
    }
    let max = rows.iter().map(total).max().unwrap_or(0);
    if max == 0 {
        return view! { <p class="muted" data-testid=testid>{t(lang, "report_nothing")}</p> }
            .into_any();
    }
    let scale = (CHART_WIDTH - NUMBER_ROOM) / f64::from(max);
    let height = ROW_HEIGHT * rows.len() as f64;
    let described = describe(&rows, &parts, lang);
    let label = format!("{title}. {described}.");
    // What each colour of a stacked bar means (the label says it in words).
    let legend =
        (!parts.is_empty()).then(|| view! { <Legend bar=rows[0].clone() parts=parts.clone()/> });
    let aria = label.clone();
    view! {
        {legend}
        <svg class="chart" data-testid=testid role="img" aria-label=aria
            viewBox=format!("0 0 {CHART_WIDTH} {height}") preserveAspectRatio="xMinYMin meet"
            width="100%">
            <title>{title}</title>
            <desc>{label}</desc>
            {rows.into_iter().enumerate().map(|(i, bar)| view! { <BarRow bar y=ROW_HEIGHT * i as f64 scale lang/> }).collect_view()}
        </svg>
    }
    .into_any()
}

/// A bar's total.
fn total(bar: &Bar) -> u32 {
    bar.parts.iter().map(|(n, _)| *n).sum()
}

/// Every bar in words, for those who cannot see the chart: "Label 3; …", or with the
/// stacked parts named, "Label: on time 2, late 1; …".
fn describe(rows: &[Bar], parts: &[String], lang: Lang) -> String {
    rows.iter()
        .map(|b| {
            if parts.is_empty() {
                format!("{} {}", b.label, count(total(b), lang))
            } else {
                let each = b
                    .parts
                    .iter()
                    .zip(parts)
                    .map(|((n, _), name)| format!("{name} {}", count(*n, lang)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{}: {each}", b.label)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What each colour of a stacked bar means.
#[component]
fn Legend(bar: Bar, parts: Vec<String>) -> impl IntoView {
    let classes = bar.parts.into_iter().map(|(_, class)| class);
    view! {
        <p class="legend" aria-hidden="true">
            {classes.zip(parts).map(|(class, name)| view! {
                <span class=format!("swatch {class}")></span><span>{name}</span>
            }).collect_view()}
        </p>
    }
}

/// One bar of the chart at height `y`: its label, its parts, and its total.
#[component]
fn BarRow(bar: Bar, y: f64, scale: f64, lang: Lang) -> impl IntoView {
    let mut x = 0.0;
    let segments = bar
        .parts
        .iter()
        .filter(|part| part.0 > 0)
        .map(|(n, class)| {
            let width = f64::from(*n) * scale;
            let rect = view! {
                <rect class=*class x=x y=y + 18.0 width=width height=BAR_HEIGHT rx="2"></rect>
            };
            x += width;
            rect
        })
        .collect_view();
    let sum = total(&bar);
    view! {
        <g aria-hidden="true">
            <text class="chart-label" x="0" y=y + 13.0>{bar.label.clone()}</text>
            <line class="chart-axis" x1="0" x2="0" y1=y + 16.0 y2=y + 18.0 + BAR_HEIGHT + 2.0></line>
            {segments}
            <text class="chart-number" x=x + 4.0 y=y + 18.0 + BAR_HEIGHT - 3.0>{count(sum, lang)}</text>
        </g>
    }
}
