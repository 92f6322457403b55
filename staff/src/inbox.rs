//! A district's inbox, what is due first: each row with its form, when it came, where it
//! stands and how many working days are left. The last inbox seen stays on the device.

use adal_core::receipt::EventKind;
use adal_core::search::{Query, fold};
use adal_core::staff::{Due, InboxItem, InboxResponse};
use adal_core::{District, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{StaffPage, StaffState, local_time, staff_event_label, use_staff};
use crate::i18n::t;
use adal_app::api::staff::inbox;
use adal_app::components::Loading;
use adal_app::store;

use adal_core::staff::policy::{self, Action};

/// Whether the item still waits for the office's answer.
pub fn is_open(status: EventKind) -> bool {
    !status.settles()
}

fn cache_key(district: District) -> String {
    format!("inbox:{}", district.code())
}

/// Reads the cached inbox of the chosen district, then the server's, and keeps it.
fn load(st: StaffState, shown: RwSignal<Option<InboxResponse>>, stale: RwSignal<bool>) {
    let district = st.district.get_untracked();
    let lang = st.lang.get_untracked();
    let ask = oversees(st).then_some(district);
    spawn_local(async move {
        if let Ok(Some(cached)) =
            store::staff::get_cached::<InboxResponse>(&cache_key(district)).await
        {
            shown.set(Some(cached));
        }
        match st.ask(inbox(ask, lang)).await {
            Ok(fresh) => {
                let _ = store::staff::put_cached(&cache_key(fresh.district), &fresh).await;
                shown.set(Some(fresh));
                stale.set(false);
                st.online.set(true);
            }
            Err(_) => stale.set(true),
        }
    });
}

/// Whether the person reads more than one district's inbox: the front office, and a
/// curator overseeing the region (the policy says so).
pub fn oversees(st: StaffState) -> bool {
    st.me().is_some_and(|m| {
        m.district.is_none() || policy::allows(m.role, Action::ReadOverview, false)
    })
}

/// Brings the saved inbox in step with a submission just read from the server, so the
/// inbox read offline later shows where each item it lists stands.
pub async fn note_status(sub: &adal_core::staff::StaffSubmission) {
    let key = cache_key(sub.district);
    let Ok(Some(mut saved)) = store::staff::get_cached::<InboxResponse>(&key).await else { return };
    let Some(row) = saved.items.iter_mut().find(|i| i.tracking == sub.tracking) else { return };
    // The inbox shows the latest event the citizen could see; a note changes nothing.
    if let Some(latest) = sub.timeline.iter().rev().find(|e| e.kind.is_public()) {
        row.status = latest.kind;
        row.days_left = sub.days_left;
        row.forwarding_overdue = sub.forwarding_overdue;
        let _ = store::staff::put_cached(&key, &saved).await;
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let shown = RwSignal::new(None::<InboxResponse>);
    let stale = RwSignal::new(false);
    Effect::new(move |_| {
        st.district.track();
        st.synced.track();
        st.online.track();
        load(st, shown, stale);
    });
    let regional = move || oversees(st);
    // A link from the region's overview names the district and how due (`?district=&due=`).
    let query = leptos_router::hooks::use_query_map().get_untracked();
    if let Some(district) = query.get("district").and_then(|c| District::from_code(&c))
        && oversees(st)
    {
        st.set_district(district);
    }
    let filters = Filters::new();
    if let Some(due) = query.get("due").filter(|d| d.parse::<Due>().is_ok()) {
        filters.due.set(due);
    }
    let items = move || shown.with(|s| s.as_ref().map(|s| s.items.clone()).unwrap_or_default());
    view! {
        <main id="main" class="page staff-page">
            <h1>{move || t(lang.get(), "staff_inbox")} " · " {move || st.district.get().name(lang.get())}</h1>
            <Show when=regional>
                <div class="field">
                    <label for="inbox-district">{move || t(lang.get(), "district")}</label>
                    <select id="inbox-district" on:change=move |ev| {
                        if let Some(d) = District::from_code(&event_target_value(&ev)) { st.set_district(d) }
                    }>
                        {District::ALL.into_iter().map(|d| view! {
                            <option value=d.code() selected=move || st.district.get() == d>{move || d.name(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_inbox_saved_copy")}</p>
            </Show>
            <InboxFilters filters items=Signal::derive(items)/>
            {move || match shown.get() {
                None if stale.get() => view! { <p>{move || t(lang.get(), "staff_inbox_unavailable")}</p> }.into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(_) => {
                    let rows = filters.visible(items(), lang.get_untracked());
                    if rows.is_empty() {
                        view! { <p class="muted">{move || t(lang.get(), "staff_inbox_empty")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="items inbox" data-testid="inbox">
                                {rows.into_iter().map(|item| view! { <InboxRow item/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }
            }}
        </main>
    }
}

/// What the inbox is narrowed to: each filter's value, "" for any.
#[derive(Clone, Copy)]
struct Filters {
    form: RwSignal<String>,
    status: RwSignal<String>,
    due: RwSignal<String>,
    category: RwSignal<String>,
    institution: RwSignal<String>,
    search: RwSignal<String>,
}

impl Filters {
    fn new() -> Filters {
        let any = || RwSignal::new(String::new());
        Filters {
            form: any(),
            status: any(),
            due: any(),
            category: any(),
            institution: any(),
            search: any(),
        }
    }

    /// The items that pass every filter, in the inbox's order.
    fn visible(self, items: Vec<InboxItem>, lang: Lang) -> Vec<InboxItem> {
        let query = Query::parse(&self.search.get());
        let (form, status, due) = (self.form.get(), self.status.get(), self.due.get());
        // Any other value (the empty "any") filters nothing.
        let due = due.parse::<Due>().ok();
        let (category, institution) = (self.category.get(), self.institution.get());
        items
            .into_iter()
            .filter(|i| form.is_empty() || i.form.id == form)
            .filter(|i| status.is_empty() || i.status.as_str() == status)
            .filter(|i| category.is_empty() || i.category.as_deref() == Some(category.as_str()))
            .filter(|i| {
                institution.is_empty() || i.institution.as_deref() == Some(institution.as_str())
            })
            // As the server filters and the region's overview counts them.
            .filter(|i| due.is_none_or(|d| d.matches(i)))
            .filter(|i| query.matches(&fold(&haystack(i, lang))))
            .collect()
    }
}

/// The filters, each offering the values the inbox holds.
#[component]
fn InboxFilters(filters: Filters, items: Signal<Vec<InboxItem>>) -> impl IntoView {
    let lang = use_staff().lang;
    let Filters { form, status, due, category, institution, search } = filters;
    let statuses = move || {
        let mut kinds: Vec<EventKind> = items.get().into_iter().map(|i| i.status).collect();
        kinds.sort_by_key(|k| k.as_str());
        kinds.dedup();
        kinds
    };
    let distinct = move |pick: fn(&InboxItem) -> Option<String>| {
        let mut values: Vec<String> = items.with(|i| i.iter().filter_map(pick).collect());
        values.sort();
        values.dedup();
        values
    };
    view! {
    <details class="filters" open>
        <summary>{move || t(lang.get(), "staff_filters")}</summary>
        <div class="filter-grid">
            <div class="field">
                <label for="f-search">{move || t(lang.get(), "staff_search")}</label>
                <input id="f-search" type="search" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="f-form">{move || t(lang.get(), "staff_form")}</label>
                <select id="f-form" on:change=move |ev| form.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "staff_any")}</option>
                    {move || distinct(|i| Some(i.form.id.clone())).into_iter().map(|id| {
                        let label = form_title(&id, lang.get());
                        view! { <option value=id>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-status">{move || t(lang.get(), "staff_status")}</label>
                <select id="f-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "staff_any")}</option>
                    {move || statuses().into_iter().map(|k| view! {
                        <option value=k.as_str()>{staff_event_label(k, lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-category">{move || t(lang.get(), "staff_category")}</label>
                <select id="f-category" on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "staff_any")}</option>
                    {move || distinct(|i| i.category.clone()).into_iter().map(|c| {
                        let label = category_label(&c, lang.get());
                        view! { <option value=c>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-institution">{move || t(lang.get(), "staff_institution")}</label>
                <select id="f-institution" on:change=move |ev| institution.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "staff_any")}</option>
                    {move || distinct(|i| i.institution.clone()).into_iter().map(|c| {
                        let value = c.clone();
                        view! { <option value=value>{c}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-due">{move || t(lang.get(), "staff_due")}</label>
                <select id="f-due" prop:value=move || due.get() on:change=move |ev| due.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "staff_any")}</option>
                    <option value="open">{move || t(lang.get(), "staff_due_open")}</option>
                    <option value="soon">{move || t(lang.get(), "staff_due_soon")}</option>
                    <option value="overdue">{move || t(lang.get(), "staff_due_overdue")}</option>
                    <option value="unforwarded">{move || t(lang.get(), "staff_due_unforwarded")}</option>
                </select>
            </div>
        </div>
    </details>
    }
}

/// The text a search looks through: tracking number, form, status.
fn haystack(item: &InboxItem, lang: Lang) -> String {
    format!(
        "{} {} {} {} {}",
        item.tracking,
        form_title(&item.form.id, lang),
        staff_event_label(item.status, lang),
        item.institution.as_deref().unwrap_or_default(),
        item.category.as_deref().map(|c| category_label(c, lang)).unwrap_or_default(),
    )
}

pub use adal_app::components::report::{category_label, form_title};

#[component]
fn InboxRow(item: InboxItem) -> impl IntoView {
    let lang = use_staff().lang;
    let open = is_open(item.status);
    let days = item.days_left;
    let overdue = Due::Overdue.matches(&item);
    let soon = Due::Soon.matches(&item);
    let forwarding_overdue = item.forwarding_overdue;
    let received = item.received_at;
    let status = item.status;
    let form_id = item.form.id.clone();
    view! {
        <li class:overdue=overdue || forwarding_overdue data-testid="inbox-row">
            <a href=StaffPage::Item(item.tracking.clone()).path()>{item.tracking.clone()}</a>
            <span class="meta">{move || form_title(&form_id, lang.get())} " · " {move || local_time(received, lang.get())}</span>
            {item.institution.clone().map(|i| view! { <span>{i}</span> })}
            <span class="meta">{move || staff_event_label(status, lang.get())}
                {item.assignee.clone().map(|a| format!(" · {a}"))}</span>
            {item.conflict.then(|| view! { <span class="meta">{move || t(lang.get(), "staff_conflict_short")}</span> })}
            {forwarding_overdue.then(|| view! {
                <span class="days overdue" data-testid="forwarding-overdue">
                    {move || t(lang.get(), "staff_forwarding_overdue")}
                </span>
            })}
            {open.then(|| view! {
                <span class="days" class:overdue=overdue class:soon=soon data-testid="days-left">
                    {move || days_left_text(days, lang.get())}
                </span>
            })}
        </li>
    }
}

/// "5 working days left", "due today", or "⚠ overdue by 2 working days": the words
/// carry the meaning, the colour only repeats it.
pub fn days_left_text(days: i64, lang: Lang) -> String {
    match days {
        d if d < 0 => t(lang, "staff_overdue").replace("%{n}", &(-d).to_string()),
        0 => t(lang, "staff_due_today"),
        d => t(lang, "staff_days_left").replace("%{n}", &d.to_string()),
    }
}
