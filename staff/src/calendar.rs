//! Administrators edit the working-day calendar, one year at a time: the weekdays off
//! (holidays, transferred days) and the weekends worked. The server checks the year
//! (`Calendar::with_year`) before every deadline is counted on it.

use adal_core::calendar::Year;
use adal_core::district::region_date;
use leptos::prelude::*;
use leptos::task::spawn_local;
use time::format_description::well_known::Iso8601;
use time::{Date, OffsetDateTime};

use super::{online_view, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{StaffError, calendar, put_calendar_year};

fn lines(dates: &[Date]) -> String {
    dates.iter().map(Date::to_string).collect::<Vec<_>>().join("\n")
}

/// The dates of a text area, one a line; `Err` names the first line that is no date.
fn parse_lines(text: &str) -> Result<Vec<Date>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Date::parse(l, &Iso8601::DATE).map_err(|_| l.to_owned()))
        .collect()
}

/// The year being edited, as typed.
#[derive(Clone, Copy)]
struct YearDraft {
    chosen: RwSignal<i32>,
    days_off: RwSignal<String>,
    weekends: RwSignal<String>,
    provisional: RwSignal<bool>,
    source: RwSignal<String>,
}

impl YearDraft {
    fn new() -> YearDraft {
        YearDraft {
            chosen: RwSignal::new(0),
            days_off: RwSignal::new(String::new()),
            weekends: RwSignal::new(String::new()),
            provisional: RwSignal::new(false),
            source: RwSignal::new(String::new()),
        }
    }

    fn show(self, year: &Year) {
        self.chosen.set(year.year);
        self.days_off.set(lines(&year.days_off));
        self.weekends.set(lines(&year.working_weekends));
        self.provisional.set(year.provisional);
        self.source.set(year.source.clone());
    }

    /// The year as typed; `Err` names the first line that is no date.
    fn year(self) -> Result<Year, String> {
        Ok(Year {
            year: self.chosen.get_untracked(),
            provisional: self.provisional.get_untracked(),
            days_off: parse_lines(&self.days_off.get_untracked())?,
            working_weekends: parse_lines(&self.weekends.get_untracked())?,
            source: self.source.get_untracked(),
        })
    }
}

#[component]
pub fn CalendarEditor() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let draft = YearDraft::new();
    let message = RwSignal::new(None::<String>);
    let years = st.online(move |lang| async move {
        let years = calendar(lang).await?.years;
        // This year, as the region's calendar shows it, if the server has it.
        let this_year = region_date(OffsetDateTime::now_utc()).year();
        if let Some(year) = years.iter().find(|y| y.year == this_year).or(years.first()) {
            draft.show(year);
        }
        Ok::<_, StaffError>(years)
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let year = match draft.year() {
            Ok(year) => year,
            Err(line) => {
                message.set(Some(format!("{}: {line}", t(lang, "staff_not_a_date"))));
                return;
            }
        };
        let Some(csrf) = st.csrf() else { return };
        spawn_local(async move {
            match st.ask(put_calendar_year(&year, &csrf, lang)).await {
                Ok(c) => {
                    years.set(Some(Ok(c.years)));
                    message.set(Some(t(lang, "staff_saved")));
                }
                Err(StaffError::Refused(p)) => message.set(Some(p.detail.unwrap_or(p.title))),
                Err(_) => message.set(Some(t(lang, "needs_signal"))),
            }
        });
    };
    view! {
        <section aria-labelledby="calendar-h">
            <h2 id="calendar-h">{move || t(lang.get(), "staff_calendar")}</h2>
            {online_view(years, move |list| view! {
                <form novalidate class="action" on:submit=save>
                    <YearFields list draft/>
                    <p role="status">{move || message.get()}</p>
                    <button type="submit" class="primary">{move || t(lang.get(), "staff_save")}</button>
                </form>
            }.into_any())}
        </section>
    }
}

/// The year to edit, its days off and weekends worked, and where they come from.
#[component]
fn YearFields(list: Vec<Year>, draft: YearDraft) -> impl IntoView {
    let lang = use_staff().lang;
    let YearDraft { chosen, days_off, weekends, provisional, source } = draft;
    let all = StoredValue::new(list.clone());
    view! {
        <div class="field">
            <label for="cal-year">{move || t(lang.get(), "staff_year")}</label>
            <select id="cal-year" on:change=move |ev| {
                let wanted: i32 = event_target_value(&ev).parse().unwrap_or_default();
                all.with_value(|ys| if let Some(y) = ys.iter().find(|y| y.year == wanted) { draft.show(y) });
            }>
                {list.iter().map(|y| {
                    let n = y.year;
                    view! { <option value=n.to_string() selected=move || chosen.get() == n>{n}</option> }
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="cal-off">{move || t(lang.get(), "staff_days_off")}</label>
            <p class="help">{move || t(lang.get(), "staff_one_date_a_line")}</p>
            <textarea id="cal-off" rows="8" prop:value=move || days_off.get() on:input=move |ev| days_off.set(event_target_value(&ev))></textarea>
        </div>
        <div class="field">
            <label for="cal-worked">{move || t(lang.get(), "staff_working_weekends")}</label>
            <textarea id="cal-worked" rows="3" prop:value=move || weekends.get() on:input=move |ev| weekends.set(event_target_value(&ev))></textarea>
        </div>
        <label class="choice">
            <input type="checkbox" prop:checked=move || provisional.get() on:change=move |ev| provisional.set(event_target_checked(&ev))/>
            {move || t(lang.get(), "staff_year_provisional")}
        </label>
        <div class="field">
            <label for="cal-source">{move || t(lang.get(), "staff_source")}</label>
            <input id="cal-source" type="text" prop:value=move || source.get() on:input=move |ev| source.set(event_target_value(&ev))/>
        </div>
    }
}
