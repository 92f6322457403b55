use std::collections::HashSet;
use std::sync::Arc;

use adal_core::api::{Problem, SubmissionRequest};
use adal_core::appeal::Standing;
use adal_core::form::{self, Change, FormSchema};
use adal_core::{ErrorCode, FieldErrors};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::JsCast;

use super::Page;
use crate::autosave::{Autosave, SaveState};
use crate::components::AntiCorruption;
use crate::components::form::{Fields, FormCtx, field_id};
use crate::i18n::t;
use crate::state::{AppState, today, use_app};
use crate::store::{self, Draft, OutboxItem};

/// `/draft/:id`: loads the draft, or sends the person to where the item is now.
#[component]
pub fn FormPage() -> impl IntoView {
    let app = use_app();
    let params = use_params_map();
    let navigate = use_navigate();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let loaded: RwSignal<Option<Option<Draft>>> = RwSignal::new(None);
    spawn_local(async move {
        match store::ops::get_draft(&id).await {
            Ok(Some(draft)) => loaded.set(Some(Some(draft))),
            Ok(None) => {
                // Already sent from another tab, or an old link: show where it is.
                let elsewhere = matches!(store::ops::get_outbox(&id).await, Ok(Some(_)))
                    || matches!(store::ops::get_sent(&id).await, Ok(Some(_)));
                if elsewhere {
                    navigate(&Page::Item(id).path(), Default::default());
                } else {
                    loaded.set(Some(None));
                }
            }
            Err(_) => {
                app.storage_failed.set(true);
                loaded.set(Some(None));
            }
        }
    });
    move || match loaded.get() {
        None => view! { <main id="main" class="page" aria-busy="true"></main> }.into_any(),
        Some(Some(draft)) => match open(app, &draft) {
            Some((schema, answers, changes)) => {
                view! { <FormEditor draft schema answers changes/> }.into_any()
            }
            None => not_found(app),
        },
        Some(None) => not_found(app),
    }
}

fn not_found(app: AppState) -> AnyView {
    crate::shell::release();
    view! {
        <main id="main" class="page">
            <p>{move || t(app.lang.get(), "not_found")}</p>
            <a href="/">{move || t(app.lang.get(), "back")}</a>
        </main>
    }
    .into_any()
}

/// The schema to edit `draft` with, and its answers: carried over to the newest version
/// of its form when one was published since the draft was started.
fn open(app: AppState, draft: &Draft) -> Option<(FormSchema, form::Answers, Vec<Change>)> {
    let newest = app.current_schema(&draft.form.id);
    match (app.schema(&draft.form.id, draft.form.version), newest) {
        (Some(old), Some(new)) if new.version > old.version => {
            let carried = form::carry_over(&draft.answers, &old, &new);
            Some((new, carried.answers, carried.changes))
        }
        (Some(schema), _) | (None, Some(schema)) => {
            Some((schema, draft.answers.clone(), Vec::new()))
        }
        (None, None) => None,
    }
}

/// Any form. Every change is kept on the device as it is typed (`Autosave`); "Send" moves
/// it to the outbox.
#[component]
fn FormEditor(
    draft: Draft,
    schema: FormSchema,
    answers: form::Answers,
    changes: Vec<Change>,
) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let id = draft.id.clone();
    let form_ref = schema.form_ref();
    let schema = Arc::new(schema);
    let answers = RwSignal::new(answers);
    let server_problem = RwSignal::new(draft.problem.clone());
    // Errors show only after the first "Send", then follow every keystroke.
    let attempted = RwSignal::new(draft.problem.is_some());
    // A carried-over draft is stored on its new version at once.
    let kept = (id.clone(), form_ref.clone(), draft.created_at);
    let autosave = Autosave::start(app, kept, answers, server_problem, !changes.is_empty());
    let ctx = FormCtx {
        answers,
        errors: errors(schema.clone(), answers, attempted, server_problem),
        shown: shown(schema.clone(), answers),
    };
    let send = send(id.clone(), schema.clone(), ctx, attempted, autosave);

    // The static shell's form, if it is still on screen, hands over to this one.
    if crate::shell::holds_form() {
        let schema = schema.clone();
        request_animation_frame(move || crate::shell::take_over(&schema, answers));
    }

    let fields = schema.fields.clone();
    view! {
        <main id="main" class="page">
            <a href="/" class="back">{move || t(lang.get(), "back")}</a>
            <FormHeading schema/>
            <CarriedOver changes/>
            <Problems server_problem errors=ctx.errors/>
            <form novalidate on:submit=send>
                <Fields ctx fields/>
                <LawNotes ctx form=form_ref.clone()/>
                <div class="actions">
                    <button type="submit" class="primary big">{move || t(lang.get(), "send")}</button>
                    <SaveLine state=autosave.state/>
                </div>
            </form>
            <DeleteDraft id=id app/>
        </main>
    }
}

/// The field errors to show: none before the first "Send"; then the device's checks, or,
/// when they find nothing, what the server said.
fn errors(
    schema: Arc<FormSchema>,
    answers: RwSignal<form::Answers>,
    attempted: RwSignal<bool>,
    server_problem: RwSignal<Option<Problem>>,
) -> Memo<FieldErrors> {
    Memo::new(move |_| {
        if !attempted.get() {
            return FieldErrors::default();
        }
        match answers.with(|a| form::validate(&schema, a, today())) {
            Err(errors) => errors,
            // The device finds nothing wrong: show what the server said, if anything.
            Ok(_) => {
                server_problem.with(|p| p.as_ref().map(|p| p.field_errors()).unwrap_or_default())
            }
        }
    })
}

/// The paths of the fields shown for the answers so far.
fn shown(schema: Arc<FormSchema>, answers: RwSignal<form::Answers>) -> Memo<Arc<HashSet<String>>> {
    Memo::new(move |_| {
        Arc::new(
            answers
                .with(|a| form::shown(&schema, a))
                .into_iter()
                .map(|f| f.as_str().to_owned())
                .collect::<HashSet<_>>(),
        )
    })
}

/// "Send": checks the answers (focusing the first field in error), then moves the draft to
/// the outbox, asks for it to be sent, and opens its item.
fn send(
    id: String,
    schema: Arc<FormSchema>,
    ctx: FormCtx,
    attempted: RwSignal<bool>,
    autosave: Autosave,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    let app = use_app();
    let pwa = crate::pwa::use_pwa();
    let navigate = use_navigate();
    move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let normalised = match ctx.answers.with_untracked(|a| form::validate(&schema, a, today())) {
            Ok(normalised) => normalised,
            Err(errors) => {
                if let Some(first) = errors.0.first() {
                    focus(&field_id(first.field.as_str()));
                }
                return;
            }
        };
        autosave.stop();
        let Ok(uuid) = id.parse() else { return };
        let now = js_sys::Date::now();
        let Some(receipt_secret) = crate::receipts::new_secret() else {
            autosave.resume();
            app.storage_failed.set(true);
            return;
        };
        let attachments = form::photos(&schema, &normalised);
        let item = OutboxItem {
            id: id.clone(),
            request: SubmissionRequest {
                id: uuid,
                form: schema.form_ref(),
                answers: normalised,
                attachments,
                receipt_secret: Some(receipt_secret),
            },
            queued_at: now,
            attempts: 0,
            next_attempt_at: now,
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            if store::queue(&item).await.is_err() {
                autosave.resume();
                app.storage_failed.set(true);
                return;
            }
            app.refresh();
            app.drain(true);
            pwa.request_background_sync();
            navigate(&Page::Item(item.id).path(), Default::default());
        });
    }
}

/// The form's title, its help, and that it is saved as it is typed.
#[component]
fn FormHeading(schema: Arc<FormSchema>) -> impl IntoView {
    let lang = use_app().lang;
    let title = schema.title.clone();
    let help = schema.help.clone();
    view! {
        <h1>{move || title.get(lang.get()).to_owned()}</h1>
        {help.map(|h| view! { <p class="muted">{move || h.get(lang.get()).to_owned()}</p> })}
        <p class="muted">{move || t(lang.get(), "saved_as_you_type")}</p>
    }
}

/// Why the server refused the last attempt, and that fields need correcting.
#[component]
fn Problems(server_problem: RwSignal<Option<Problem>>, errors: Memo<FieldErrors>) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <Show when=move || server_problem.with(Option::is_some)>
            <p class="banner warn" role="alert">
                {move || server_problem.with(|p| p.as_ref().map(|p| p.code.title(lang.get())).unwrap_or_default())}
            </p>
        </Show>
        <Show when=move || !errors.with(FieldErrors::is_empty)>
            <p class="banner error" role="alert">{move || t(lang.get(), "fix_errors")}</p>
        </Show>
    }
}

/// "Saved", "Saving…" or that the device could not keep it.
#[component]
fn SaveLine(state: RwSignal<SaveState>) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <p class="saved" aria-live="polite">
            {move || match state.get() {
                SaveState::Saved => t(lang.get(), "saved"),
                SaveState::Pending => t(lang.get(), "saving"),
                SaveState::Failed => t(lang.get(), "storage_failed"),
            }}
        </p>
    }
}

/// What the law says about what is being written, where it matters: on a complaint,
/// the anti-corruption channels and, once "anonymous" is ticked, what the law does with
/// an anonymous appeal; on a mediation request the law refuses for a party without
/// capacity or for third parties' rights, where to turn instead.
#[component]
fn LawNotes(ctx: FormCtx, form: adal_core::form::FormRef) -> impl IntoView {
    let lang = use_app().lang;
    let complaint = adal_core::form::COMPLAINT_FORMS.contains(&form.id.as_str());
    let anonymous =
        move || ctx.answers.with(|a| a.get("anonymous") == Some(&serde_json::Value::Bool(true)));
    // A named complaint: whether it is a formal appeal yet (APC Art. 63), by core's rule.
    // Said once a name is typed, on a form version that offers the IIN and address.
    let offers =
        adal_core::form::find(&form.id, form.version).is_some_and(|f| f.field("iin").is_some());
    let standing = move || {
        let named = ctx
            .answers
            .with(|a| a.get("name").and_then(|n| n.as_str()).is_some_and(|n| !n.trim().is_empty()));
        (complaint && offers && named && !anonymous()).then(|| {
            let received = time::OffsetDateTime::UNIX_EPOCH;
            ctx.answers.with(|a| Standing::of_submission(&form, a, received).missing().is_empty())
        })
    };
    let routed = move || {
        ctx.errors.with(|e| {
            e.0.iter().any(|e| {
                matches!(
                    e.code,
                    ErrorCode::MediationPartyIncapable | ErrorCode::MediationThirdParties
                )
            })
        })
    };
    let district = move || {
        ctx.answers.with(|a| a.get("district").and_then(|d| d.as_str()).unwrap_or("").to_owned())
    };
    let directory = move |kind: &str| format!("/directory?kind={kind}&district={}", district());
    view! {
        <Show when=move || complaint && anonymous()>
            <aside class="banner info" data-testid="anonymous-law">
                <p>{move || t(lang.get(), "anonymous_law")}</p>
                <p>{move || t(lang.get(), "anonymous_formal_appeal_needs")}</p>
            </aside>
        </Show>
        {move || standing().map(|formal| {
            let said = move || match formal {
                true => t(lang.get(), "formal_appeal_complete"),
                false => t(lang.get(), "formal_appeal_incomplete"),
            };
            view! {
                <aside class="banner info" data-testid="formal-appeal-status" aria-live="polite">
                    <p>{said}</p>
                </aside>
            }
        })}
        {complaint.then(|| view! { <AntiCorruption/> })}
        <Show when=routed>
            <aside class="banner info" data-testid="mediation-instead" aria-labelledby="instead-h">
                <h2 id="instead-h">{move || t(lang.get(), "mediation_instead_title")}</h2>
                <ul>
                    <li><a href=move || directory("lawyer")>{move || t(lang.get(), "mediation_instead_lawyers")}</a></li>
                    <li><a href=move || directory("notary")>{move || t(lang.get(), "mediation_instead_notaries")}</a></li>
                </ul>
            </aside>
        </Show>
    }
}

/// Says plainly what changed when a draft moved to a newer version of its form.
#[component]
fn CarriedOver(changes: Vec<Change>) -> impl IntoView {
    let lang = use_app().lang;
    if changes.is_empty() {
        return None;
    }
    let items = changes
        .into_iter()
        .map(|change| {
            let line = move || {
                let lang = lang.get();
                match &change {
                    Change::Added { label, .. } => {
                        format!("{} {}", t(lang, "change_added"), label.get(lang))
                    }
                    Change::Removed { label, value, .. } => {
                        let old = value.as_ref().map(show_value).unwrap_or_default();
                        format!("{} {} {}", t(lang, "change_removed"), label.get(lang), old)
                            .trim_end()
                            .to_owned()
                    }
                    Change::ChoiceWithdrawn { label, dropped, .. } => {
                        let names: Vec<_> =
                            dropped.iter().map(|c| c.label.get(lang).to_owned()).collect();
                        format!(
                            "{}: {} {}",
                            label.get(lang),
                            t(lang, "change_withdrawn"),
                            names.join(", ")
                        )
                    }
                    Change::TypeChanged { label, value, kept, .. } => {
                        let what =
                            if *kept { t(lang, "change_kept") } else { t(lang, "change_dropped") };
                        format!("{}: {} ({})", label.get(lang), what, show_value(value))
                    }
                }
            };
            view! { <li>{line}</li> }
        })
        .collect_view();
    Some(view! {
        <div class="banner warn" role="status">
            <p><strong>{move || t(lang.get(), "form_updated")}</strong></p>
            <ul>{items}</ul>
        </div>
    })
}

fn show_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => format!("«{s}»"),
        other => other.to_string(),
    }
}

#[component]
fn DeleteDraft(id: String, app: AppState) -> impl IntoView {
    let navigate = use_navigate();
    let delete = move |_| {
        let id = id.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            if store::ops::delete_draft(&id).await.is_ok() {
                app.refresh();
                navigate(&Page::Home.path(), Default::default());
            }
        });
    };
    view! {
        <button type="button" class="link danger" on:click=delete>
            {move || t(app.lang.get(), "delete")}
        </button>
    }
}

/// Moves focus to the first control of a field: its input, or the first of its choices.
fn focus(id: &str) {
    let document = document();
    let element = document
        .get_element_by_id(id)
        .or_else(|| document.query_selector(&format!("[name=\"{id}\"]")).ok().flatten());
    if let Some(el) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
