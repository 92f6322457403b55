//! One submission for the office: the answers read-only under the form's own labels, the
//! photos, the legal deadlines, the whole timeline (internal notes included), and the
//! actions. An opened submission stays on the device; actions queue (see `queue`).

use adal_core::District;
use adal_core::Lang;
use adal_core::api::ProblemCode;
use adal_core::form::{FieldDef, FieldKind};
use adal_core::receipt::EventKind;
use adal_core::staff::policy;
use adal_core::staff::{Role, StaffAction, StaffEvent, StaffSubmission, Step};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::inbox::{days_left_text, form_title, is_open};
use super::steps::Actions;
use super::{StaffState, local_time, queue, staff_event_label, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{StaffError, submission};
use adal_app::components::Loading;
use adal_app::store;

fn cache_key(tracking: &str) -> String {
    format!("item:{tracking}")
}

/// The cached copy first, then the server's, kept for reading offline. A refusal (another
/// district's item, or no such item) is said as the server said it, not as no signal.
fn load(
    st: StaffState,
    tracking: String,
    shown: RwSignal<Option<StaffSubmission>>,
    stale: RwSignal<bool>,
    refused: RwSignal<Option<ProblemCode>>,
) {
    let lang = st.lang.get_untracked();
    spawn_local(async move {
        if let Ok(Some(cached)) =
            store::staff::get_cached::<StaffSubmission>(&cache_key(&tracking)).await
        {
            shown.set(Some(cached));
        }
        match st.ask(submission(&tracking, lang)).await {
            Ok(fresh) => {
                let _ = store::staff::put_cached(&cache_key(&tracking), &fresh).await;
                super::inbox::note_status(&fresh).await;
                shown.set(Some(fresh));
                stale.set(false);
                refused.set(None);
            }
            Err(StaffError::Refused(problem)) => {
                shown.set(None);
                refused.set(Some(problem.code));
            }
            Err(_) => stale.set(true),
        }
    });
}

#[component]
pub fn StaffItemPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let params = use_params_map();
    let tracking = move || params.read().get("tracking").unwrap_or_default();
    let shown = RwSignal::new(None::<StaffSubmission>);
    let stale = RwSignal::new(false);
    let refused = RwSignal::new(None::<ProblemCode>);
    Effect::new(move |_| {
        st.synced.track();
        st.online.track();
        load(st, tracking(), shown, stale, refused);
    });
    // The forms of the steps are drawn apart from what is shown, and again only when what
    // they offer changes: a refresh (after a step is sent, or the connection comes back)
    // redraws the submission but never empties a form someone is typing in.
    let offered = Memo::new(move |_| {
        shown.with(|sub| {
            sub.as_ref().map(|sub| {
                (
                    sub.tracking.clone(),
                    sub.form.id == "mediation_request",
                    sub.timeline.iter().any(|e| e.kind == EventKind::Registered),
                    sub.district,
                    (sub.deadlines, sub.answer_by),
                    sub.conflict,
                )
            })
        })
    });
    let role = Memo::new(move |_| st.me().map(|m| (m.role, m.district)));
    view! {
        <main id="main" class="page staff-page">
            <a href=super::StaffPage::Inbox.path() class="back">{move || t(lang.get(), "staff_back_to_inbox")}</a>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_item_saved_copy")}</p>
            </Show>
            {move || match (shown.get(), refused.get()) {
                (_, Some(code)) => view! { <p class="banner error" role="alert" data-testid="item-refused">{move || code.title(lang.get())}</p> }.into_any(),
                (Some(sub), None) => view! { <Submission sub/> }.into_any(),
                (None, None) if stale.get() => view! { <p>{move || t(lang.get(), "staff_item_unavailable")}</p> }.into_any(),
                (None, None) => view! { <Loading/> }.into_any(),
            }}
            {move || offered.get().map(|(tracking, mediation, registered, district, (deadlines, answer_by), conflict)| {
                let role = role.get();
                // Where the item is counts too: a curator reads every district's items
                // but acts only in their own (the server's very check).
                let may = move |step: Step| {
                    role.is_some_and(|(r, home): (Role, Option<District>)| {
                        let target = policy::Target { district: Some(district), conflict };
                        policy::authorize(r, home, step.into(), target)
                    })
                };
                view! { <Actions tracking mediation registered district deadlines answer_by may/> }
            })}
        </main>
    }
}

#[component]
fn Submission(sub: StaffSubmission) -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let tracking = sub.tracking.clone();
    let status = sub.timeline.last().map(|e| e.kind).unwrap_or(EventKind::Received);
    let days = sub.days_left;
    let answer_by = sub.answer_by;
    let deadlines = sub.deadlines;
    let forwarding_overdue = sub.forwarding_overdue;
    let extension = sub.extension.clone();
    let received = sub.received_at;
    let form_id = sub.form.id.clone();
    let schema = adal_core::form::find(&sub.form.id, sub.form.version).cloned();
    let answers = sub.answers.clone();
    let waiting_tracking = tracking.clone();
    let waiting = move || {
        st.queue.with(|q| {
            q.iter()
                .filter(|a| a.tracking == waiting_tracking)
                .filter_map(|a| Some((a.id.clone(), a.action.clone()?)))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <h1 data-testid="staff-tracking">{tracking.clone()}</h1>
        <p class="muted">
            {move || form_title(&form_id, lang.get())} " · " {move || sub.district.name(lang.get())}
            " · " {move || local_time(received, lang.get())}
            {sub.anonymous.then(|| view! { " · " {move || t(lang.get(), "staff_anonymous")} })}
        </p>
        {sub.conflict.then(|| view! { <p class="banner warn">{move || t(lang.get(), "staff_conflict")}</p> })}
        <section aria-labelledby="deadlines-h" class="deadlines">
            <h2 id="deadlines-h">{move || t(lang.get(), "staff_deadlines")}</h2>
            {is_open(status).then(|| view! {
                <p class="days big" class:overdue=days < 0 data-testid="item-days-left">{move || days_left_text(days, lang.get())}</p>
            })}
            {forwarding_overdue.then(|| view! {
                <p class="days overdue" data-testid="item-forwarding-overdue">{move || t(lang.get(), "staff_forwarding_overdue")}</p>
            })}
            <dl class="facts">
                <dt>{move || t(lang.get(), "staff_registered_on")}</dt><dd>{deadlines.registered_on.to_string()}</dd>
                <dt>{move || t(lang.get(), "staff_forward_by")}</dt><dd>{deadlines.forward_by.to_string()}</dd>
                <dt>{move || t(lang.get(), "staff_answer_by")}</dt><dd>{answer_by.to_string()}</dd>
                <dt>{move || t(lang.get(), "staff_extension_limit")}</dt><dd>{deadlines.extended_answer_by.to_string()}</dd>
                {extension.map(|e| view! {
                    <dt>{move || t(lang.get(), "staff_extension_notice_by")}</dt>
                    <dd data-testid="extension-notice-by">{e.notice_by.to_string()}</dd>
                })}
            </dl>
            {deadlines.provisional.then(|| view! { <p class="muted">{move || t(lang.get(), "staff_provisional")}</p> })}
        </section>
        <section aria-labelledby="answers-h">
            <h2 id="answers-h">{move || t(lang.get(), "staff_answers")}</h2>
            {match schema {
                Some(schema) => view! { <Answers fields=schema.fields answers/> }.into_any(),
                None => view! { <pre class="raw">{serde_json::to_string_pretty(&answers).unwrap_or_default()}</pre> }.into_any(),
            }}
            {sub.identity.map(|identity| view! { <IdentityFacts identity/> })}
        </section>
        <section aria-labelledby="staff-timeline-h">
            <h2 id="staff-timeline-h">{move || t(lang.get(), "timeline")}</h2>
            <ol class="timeline" data-testid="staff-timeline">
                {sub.timeline.into_iter().map(|e| view! { <TimelineEntry event=e/> }).collect_view()}
                <For each=waiting key=|(id, _)| id.clone() let:((_, action))>
                    <li class="waiting" data-testid="waiting-action">
                        <strong>{let kind = action.event_kind(); move || staff_event_label(kind, lang.get())}</strong>
                        " · " <em>{move || t(lang.get(), "staff_waiting_to_send")}</em>
                        {action_text(&action).map(|n| view! { <p>{n}</p> })}
                    </li>
                </For>
            </ol>
        </section>
    }
}

/// The name and phone added to a submission, and the IIN and postal address that make it
/// a formal appeal when given.
#[component]
fn IdentityFacts(identity: adal_core::receipt::Identity) -> impl IntoView {
    let lang = use_staff().lang;
    let id = identity;
    view! {
        <dl class="facts">
            <dt>{move || t(lang.get(), "identity_name")}</dt><dd>{id.name.clone()}</dd>
            <dt>{move || t(lang.get(), "identity_phone")}</dt><dd>{String::from(id.phone.clone())}</dd>
            {id.iin.clone().map(|iin| view! {
                <dt>{move || t(lang.get(), "identity_iin")}</dt><dd>{String::from(iin)}</dd>
            })}
            {id.postal_address.clone().map(|address| view! {
                <dt>{move || t(lang.get(), "identity_postal_address")}</dt><dd>{address}</dd>
            })}
        </dl>
    }
}

#[component]
fn TimelineEntry(event: StaffEvent) -> impl IntoView {
    let lang = use_staff().lang;
    let at = event.at;
    let kind = event.kind;
    let internal = !kind.is_public();
    // Who did it, and to whom or until when: the office sees what the citizen does not.
    let detail = [
        event.by.clone(),
        event.to.map(|d| format!("→ {}", d.code())),
        event.assignee.clone().map(|a| format!("→ {a}")),
        event.until.map(|d| format!("→ {d}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <li class:internal=internal>
            <strong>{move || staff_event_label(kind, lang.get())}</strong>
            {internal.then(|| view! { " · " <span class="tag">{move || t(lang.get(), "staff_internal")}</span> })}
            " · " <time>{move || local_time(at, lang.get())}</time>
            {(!detail.is_empty()).then(|| view! { " · " <span class="meta">{detail}</span> })}
            {event.note.map(|n| view! { <p>{n}</p> })}
        </li>
    }
}

/// What an action says, for the "waiting to send" line.
fn action_text(action: &StaffAction) -> Option<String> {
    match action {
        StaffAction::Forward { reason, .. } | StaffAction::Extend { reason, .. } => {
            Some(reason.clone())
        }
        StaffAction::Assign { to } => Some(to.clone()),
        StaffAction::AskInfo { question: text }
        | StaffAction::Note { text }
        | StaffAction::Answer { text } => Some(text.clone()),
        StaffAction::ScheduleSession { session } => Some(format!(
            "{} {} · {} · {}",
            session.date, session.time, session.place, session.mediator
        )),
        StaffAction::RecordOutcome { note, .. } => Some(note.clone()),
        StaffAction::SignAct { act } => Some(act.number.clone()),
        StaffAction::Register | StaffAction::Close => None,
    }
}

/// The answers, read-only, each under its label in the form's own words.
#[component]
fn Answers(fields: Vec<FieldDef>, answers: serde_json::Value) -> impl IntoView {
    let lang = use_staff().lang;
    let rows = fields
        .into_iter()
        .filter_map(|f| answers.get(&f.key).filter(|v| !v.is_null()).map(|v| (f, v.clone())))
        .collect::<Vec<_>>();
    view! {
        <dl class="answers">
            {rows.into_iter().map(|(field, value)| {
                let label = field.label.clone();
                let field = StoredValue::new(field);
                view! {
                    <dt>{move || label.get(lang.get()).to_owned()}</dt>
                    <dd>{move || field.with_value(|f| answer_text(f, &value, lang.get()))}</dd>
                }
            }).collect_view()}
        </dl>
    }
}

/// One answer as a person reads it: choices by their labels, districts by name, photos
/// listed by type and size.
fn answer_text(field: &FieldDef, value: &serde_json::Value, lang: Lang) -> String {
    let label_of = |options: &[adal_core::form::Choice], v: &str| {
        options
            .iter()
            .find(|o| o.value == v)
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| v.to_owned())
    };
    match (&field.kind, value) {
        (FieldKind::SingleChoice { options }, serde_json::Value::String(v)) => label_of(options, v),
        (FieldKind::MultipleChoice { options, .. }, serde_json::Value::Array(vs)) => vs
            .iter()
            .filter_map(|v| v.as_str())
            .map(|v| label_of(options, v))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::District, serde_json::Value::String(code)) => District::from_code(code)
            .map(|d| d.name(lang).to_owned())
            .unwrap_or_else(|| code.clone()),
        (FieldKind::Photo { .. }, serde_json::Value::Array(photos)) => photos
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let kind = p.get("content_type").and_then(|v| v.as_str()).unwrap_or("?");
                let size = p.get("size").and_then(|v| v.as_u64()).unwrap_or(0);
                format!("{} {}: {kind}, {} KB", t(lang, "staff_photo"), i + 1, size.div_ceil(1024))
            })
            .collect::<Vec<_>>()
            .join("; "),
        (FieldKind::Group { fields, .. }, serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let parts = fields
                    .iter()
                    .filter_map(|f| item.get(&f.key).filter(|v| !v.is_null()).map(|v| (f, v)))
                    .map(|(f, v)| format!("{}: {}", f.label.get(lang), answer_text(f, v, lang)))
                    .collect::<Vec<_>>();
                format!("{}. {}", i + 1, parts.join("; "))
            })
            .collect::<Vec<_>>()
            .join(" | "),
        (_, serde_json::Value::Bool(true)) => t(lang, "staff_yes"),
        (_, serde_json::Value::Bool(false)) => t(lang, "staff_no"),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// `/staff/item/:tracking/act`: the mediator types the act (kept as a draft on the
/// device), prints it, and signs it: the signing is queued like any other action. A new
/// draft starts from what the request says (`StaffSubmission::act_draft`, from the copy
/// on the device); a draft already typed is never touched.
#[component]
pub fn StaffActPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let params = use_params_map();
    let tracking = params.read_untracked().get("tracking").unwrap_or_default();
    let signed = RwSignal::new(false);
    let draft_key = format!("{}:{tracking}", adal_app::store::meta::ACT_DRAFT);
    let ready = RwSignal::new(false);
    {
        let (draft_key, tracking) = (draft_key.clone(), tracking.clone());
        spawn_local(async move {
            use adal_app::store::meta;
            let typed = meta::get::<adal_core::act::ActInput>(&draft_key).await;
            if matches!(typed, Ok(None)) {
                let item = cache_key(&tracking);
                if let Ok(Some(sub)) = store::staff::get_cached::<StaffSubmission>(&item).await {
                    let mut draft = sub.act_draft();
                    draft.date = adal_core::district::region_date(time::OffsetDateTime::now_utc())
                        .to_string();
                    draft.mediator_status = "professional".to_owned();
                    let _ = meta::put(&draft_key, &draft).await;
                }
            }
            ready.set(true);
        });
    }
    let key = tracking.clone();
    let sign = Callback::new(move |act: adal_core::act::ActInput| {
        let tracking = key.clone();
        spawn_local(async move {
            if queue::enqueue(st, &tracking, StaffAction::SignAct { act: Box::new(act) })
                .await
                .is_ok()
            {
                signed.set(true);
            }
        });
    });
    view! {
        <div class="no-print page"><a href=super::StaffPage::Item(tracking.clone()).path() class="back">{move || t(lang.get(), "staff_back_to_item")}</a></div>
        <Show when=move || signed.get()>
            <p class="banner ok no-print" role="status">{move || t(lang.get(), "staff_act_queued")}</p>
        </Show>
        <Show when=move || ready.get()>
            <adal_app::pages::ActEditor draft_key=draft_key.clone() on_sign=sign/>
        </Show>
    }
}
