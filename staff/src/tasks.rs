//! Monitoring visits for the district's volunteers: raised by the server when one school
//! or clinic gathers repeated complaints, each with the checklist to fill there, started
//! in the citizen app (where drafts, photos and the outbox live).

use adal_core::staff::{MonitoringTask, TasksResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::inbox::form_title;
use super::{local_time, use_staff};
use crate::i18n::t;
use adal_app::api::staff::tasks;
use adal_app::components::{Loading, NeedsSignal};
use adal_app::store;

#[component]
pub fn TasksPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let shown = RwSignal::new(None::<TasksResponse>);
    let stale = RwSignal::new(false);
    Effect::new(move |_| {
        let district = st.district.get();
        st.online.track();
        let ask = st.me().is_some_and(|m| m.district.is_none()).then_some(district);
        let key = format!("tasks:{}", district.code());
        let lang = lang.get_untracked();
        spawn_local(async move {
            if let Ok(Some(cached)) = store::staff::get_cached::<TasksResponse>(&key).await {
                shown.set(Some(cached));
            }
            match st.ask(tasks(ask, lang)).await {
                Ok(fresh) => {
                    let _ = store::staff::put_cached(&key, &fresh).await;
                    shown.set(Some(fresh));
                    stale.set(false);
                }
                Err(_) => stale.set(true),
            }
        });
    });
    view! {
        <main id="main" class="page staff-page">
            <h1>{move || t(lang.get(), "staff_tasks")} " · " {move || st.district.get().name(lang.get())}</h1>
            <p class="muted">{move || t(lang.get(), "staff_tasks_help")}</p>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_inbox_saved_copy")}</p>
            </Show>
            {move || match shown.get() {
                None if stale.get() => view! { <NeedsSignal/> }.into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(r) if r.tasks.is_empty() => view! { <p class="muted">{move || t(lang.get(), "staff_no_tasks")}</p> }.into_any(),
                Some(r) => view! {
                    <ul class="items" data-testid="tasks">
                        {r.tasks.into_iter().map(|task| view! { <TaskRow task/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn TaskRow(task: MonitoringTask) -> impl IntoView {
    let lang = use_staff().lang;
    let created = task.created_at;
    let form_id = task.form.id.clone();
    // The citizen app starts a draft of the checklist with the place filled in.
    let start = format!(
        "/start/{}?district={}&institution={}",
        task.form.id,
        task.district.code(),
        js_sys::encode_uri_component(&task.institution),
    );
    view! {
        <li>
            <strong>{task.institution.clone()}</strong>
            <span class="meta">{move || form_title(&form_id, lang.get())} " · " {move || local_time(created, lang.get())}</span>
            <span class="meta">{move || t(lang.get(), "staff_task_complaints").replace("%{n}", &task.complaints.to_string())}</span>
            {match task.done_by.clone() {
                Some(tracking) => view! { <span class="days">{move || t(lang.get(), "staff_task_done")} " · " {tracking.clone()}</span> }.into_any(),
                None => view! { <a class="button secondary" href=start.clone() rel="external">{move || t(lang.get(), "staff_task_start")}</a> }.into_any(),
            }}
        </li>
    }
}
