//! The region at a glance, for curators and the front office: each district's open items
//! due soon, overdue and late to be forwarded (each count a link to that inbox, so
//! filtered), and first the items to take up — the conflict-of-interest items only they
//! handle, then what is late anywhere. The last overview seen stays on the device.

use adal_core::District;
use adal_core::staff::{DistrictDue, InboxItem, Overview};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::inbox::{days_left_text, form_title};
use super::{StaffPage, StaffState, use_staff};
use crate::i18n::t;
use adal_app::api::staff::overview;
use adal_app::components::Loading;
use adal_app::store;

const CACHE_KEY: &str = "overview";

/// Reads the cached overview, then the server's, and keeps it.
fn load(st: StaffState, shown: RwSignal<Option<Overview>>, stale: RwSignal<bool>) {
    let lang = st.lang.get_untracked();
    spawn_local(async move {
        if let Ok(Some(cached)) = store::staff::get_cached::<Overview>(CACHE_KEY).await {
            shown.set(Some(cached));
        }
        match st.ask(overview(lang)).await {
            Ok(fresh) => {
                let _ = store::staff::put_cached(CACHE_KEY, &fresh).await;
                shown.set(Some(fresh));
                stale.set(false);
                st.online.set(true);
            }
            Err(_) => stale.set(true),
        }
    });
}

/// The inbox of `district`, filtered by `due` (a [`adal_core::staff::Due`], or empty for all).
fn inbox_link(district: District, due: &str) -> String {
    let base = StaffPage::Inbox.path();
    match due {
        "" => format!("{base}?district={}", district.code()),
        due => format!("{base}?district={}&due={due}", district.code()),
    }
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let shown = RwSignal::new(None::<Overview>);
    let stale = RwSignal::new(false);
    Effect::new(move |_| {
        st.synced.track();
        st.online.track();
        load(st, shown, stale);
    });
    let items = move |conflict: bool| {
        shown.with(|s| {
            s.as_ref()
                .map(|s| s.items.iter().filter(|i| i.conflict == conflict).cloned().collect())
                .unwrap_or_else(Vec::<InboxItem>::new)
        })
    };
    view! {
        <main id="main" class="page staff-page">
            <h1>{move || t(lang.get(), "staff_overview_title")}</h1>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_inbox_saved_copy")}</p>
            </Show>
            {move || match shown.with(Option::is_some) {
                false if stale.get() => view! { <p>{move || t(lang.get(), "staff_inbox_unavailable")}</p> }.into_any(),
                false => view! { <Loading/> }.into_any(),
                true => view! {
                    <section aria-labelledby="conflict-h" data-testid="overview-conflict">
                        <h2 id="conflict-h">{move || t(lang.get(), "staff_overview_conflict")}</h2>
                        <p class="muted">{move || t(lang.get(), "staff_overview_conflict_help")}</p>
                        <ItemList items=items(true)/>
                    </section>
                    <section aria-labelledby="late-h" data-testid="overview-late">
                        <h2 id="late-h">{move || t(lang.get(), "staff_overview_late")}</h2>
                        <ItemList items=items(false)/>
                        <Show when=move || shown.with(|s| s.as_ref().is_some_and(|s| s.cut))>
                            <p class="muted">{move || t(lang.get(), "staff_overview_cut")}</p>
                        </Show>
                    </section>
                    <section aria-labelledby="districts-h">
                        <h2 id="districts-h">{move || t(lang.get(), "staff_overview_districts")}</h2>
                        <Districts lines=shown.with(|s| s.as_ref().map(|s| s.districts.clone()).unwrap_or_default())/>
                    </section>
                }.into_any(),
            }}
        </main>
    }
}

/// Items, each with its district, how late it is, and a link to it.
#[component]
fn ItemList(items: Vec<InboxItem>) -> impl IntoView {
    let lang = use_staff().lang;
    if items.is_empty() {
        return view! { <p class="muted">{move || t(lang.get(), "staff_overview_none")}</p> }
            .into_any();
    }
    view! {
        <ul class="items inbox">
            {items.into_iter().map(|item| {
                let (district, days, form) = (item.district, item.days_left, item.form.id.clone());
                let forwarding = item.forwarding_overdue;
                view! {
                    <li class:overdue=item.is_late() data-testid="overview-item">
                        <a href=StaffPage::Item(item.tracking.clone()).path()>{item.tracking.clone()}</a>
                        <span class="meta">{move || district.name(lang.get())} " · " {move || form_title(&form, lang.get())}</span>
                        {item.institution.clone().map(|i| view! { <span>{i}</span> })}
                        {forwarding.then(|| view! {
                            <span class="days overdue">{move || t(lang.get(), "staff_forwarding_overdue")}</span>
                        })}
                        <span class="days" class:overdue=days < 0>{move || days_left_text(days, lang.get())}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }.into_any()
}

/// One row a district: its open items and how many are due soon, overdue and late to
/// be forwarded, each a link to the district's inbox so filtered.
#[component]
fn Districts(lines: Vec<DistrictDue>) -> impl IntoView {
    let lang = use_staff().lang;
    let count = move |n: u32, district: District, due: &'static str| {
        let href = inbox_link(district, due);
        let late = n > 0 && (due == "overdue" || due == "unforwarded");
        view! { <td class:overdue=late><a href=href>{n}</a></td> }
    };
    view! {
        <p class="muted">{move || t(lang.get(), "staff_overview_legend")}</p>
        <div class="table-scroll">
            <table class="overview" data-testid="overview-districts">
                <thead>
                    <tr>
                        <th scope="col">{move || t(lang.get(), "district")}</th>
                        <th scope="col">{move || t(lang.get(), "staff_due_open")}</th>
                        <th scope="col">{move || t(lang.get(), "staff_overview_soon")}</th>
                        <th scope="col">{move || t(lang.get(), "staff_due_overdue")}</th>
                        <th scope="col">{move || t(lang.get(), "staff_overview_forwarding")}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| {
                        let d = line.district;
                        view! {
                            <tr data-testid="overview-district" data-district=d.code()>
                                <th scope="row"><a href=inbox_link(d, "")>{move || d.name(lang.get())}</a></th>
                                {count(line.open, d, "open")}
                                {count(line.due_soon, d, "soon")}
                                {count(line.overdue, d, "overdue")}
                                {count(line.forwarding_overdue, d, "unforwarded")}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
