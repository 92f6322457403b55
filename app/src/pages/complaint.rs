use adal_core::api::{FormRef, SubmissionRequest};
use adal_core::complaint::DESCRIPTION_MAX;
use adal_core::{Category, ComplaintAnswers, District, Field, FieldErrors};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::JsCast;

use super::Page;
use crate::i18n::t;
use crate::state::{AppState, today, use_app};
use crate::store::{self, Draft, OutboxItem};

/// How long typing must pause before the draft is written to the device.
const AUTOSAVE_DEBOUNCE_MS: u32 = 300;

/// `/complaint/:id`: loads the draft, or sends the person to where the item is now.
#[component]
pub fn ComplaintPage() -> impl IntoView {
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
        Some(None) => view! {
            <main id="main" class="page">
                <p>{move || t(app.lang.get(), "not_found")}</p>
                <a href="/">{move || t(app.lang.get(), "back")}</a>
            </main>
        }
        .into_any(),
        Some(Some(draft)) => view! { <ComplaintForm draft/> }.into_any(),
    }
}

/// Where the draft stands on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SaveState {
    Saved,
    Pending,
    Failed,
}

/// The complaint form. Every change is written to the device shortly after typing
/// pauses, and at once when the page is hidden; "Send" moves it to the outbox.
#[component]
fn ComplaintForm(draft: Draft) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let navigate = use_navigate();
    let id = draft.id.clone();
    let created_at = draft.created_at;
    let answers = RwSignal::new(draft.answers.clone());
    let server_problem = RwSignal::new(draft.problem.clone());
    // Errors show only after the first "Send", then follow every keystroke.
    let attempted = RwSignal::new(draft.problem.is_some());
    let save_state = RwSignal::new(SaveState::Saved);
    let pending: StoredValue<Option<Timeout>, LocalStorage> = StoredValue::new_local(None);
    // Once queued, the draft is gone from `drafts`: a late autosave must not revive it.
    let queued = StoredValue::new(false);

    let save_now = {
        let id = id.clone();
        move || {
            pending.update_value(|p| *p = None);
            if queued.get_value() {
                return;
            }
            let draft = Draft {
                id: id.clone(),
                form: FormRef::complaint(),
                answers: answers.get_untracked(),
                created_at,
                updated_at: js_sys::Date::now(),
                problem: server_problem.get_untracked(),
            };
            spawn_local(async move {
                match store::ops::put_draft(&draft).await {
                    // Saved, and nothing typed since: the device holds what is on screen.
                    Ok(()) if pending.with_value(Option::is_none) => {
                        save_state.set(SaveState::Saved);
                        app.unsaved.set(false);
                    }
                    Ok(()) => {}
                    Err(_) => {
                        save_state.set(SaveState::Failed);
                        app.storage_failed.set(true);
                    }
                }
            });
        }
    };

    // Autosave: push each change outward after a short pause.
    {
        let save_now = save_now.clone();
        Effect::new(move |first: Option<()>| {
            answers.track();
            if first.is_none() {
                return;
            }
            save_state.set(SaveState::Pending);
            app.unsaved.set(true);
            let save_now = save_now.clone();
            pending.set_value(Some(Timeout::new(AUTOSAVE_DEBOUNCE_MS, save_now)));
        });
    }
    // Something is about to reload the page (an app update): save now.
    {
        let save_now = save_now.clone();
        Effect::new(move |first: Option<()>| {
            app.flush_requests.track();
            if first.is_some() && pending.with_value(Option::is_some) {
                save_now();
            }
        });
    }
    // A phone may kill a hidden tab without warning: write what is pending right away.
    {
        let save_on_hide = save_now.clone();
        let listener = EventListener::new(&document(), "visibilitychange", move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Hidden
                && pending.with_value(Option::is_some)
            {
                save_on_hide();
            }
        });
        let listener = StoredValue::new_local(Some(listener));
        let save_now = save_now.clone();
        on_cleanup(move || {
            listener.set_value(None);
            // Leaving the screen by a link: keep the last keystrokes.
            if pending.with_value(Option::is_some) {
                save_now();
            }
        });
    }

    let errors = Memo::new(move |_| {
        if !attempted.get() {
            return FieldErrors::default();
        }
        match answers.with(|a| a.validate(today())) {
            Err(errors) => errors,
            // The device finds nothing wrong: show what the server said, if anything.
            Ok(_) => {
                server_problem.with(|p| p.as_ref().map(|p| p.field_errors()).unwrap_or_default())
            }
        }
    });
    let error_of = move |field: Field| {
        Signal::derive(move || errors.with(|e| e.get(field)).map(|code| code.message(lang.get())))
    };

    let send = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            attempted.set(true);
            let complaint = match answers.with_untracked(|a| a.validate(today())) {
                Ok(complaint) => complaint,
                Err(errors) => {
                    if let Some(first) = errors.0.first() {
                        focus(&field_id(first.field));
                    }
                    return;
                }
            };
            pending.update_value(|p| *p = None);
            queued.set_value(true);
            let Ok(uuid) = id.parse() else { return };
            let now = js_sys::Date::now();
            let item = OutboxItem {
                id: id.clone(),
                request: SubmissionRequest {
                    id: uuid,
                    form: FormRef::complaint(),
                    answers: complaint.to_answers(),
                },
                queued_at: now,
                attempts: 0,
                next_attempt_at: now,
            };
            let navigate = navigate.clone();
            spawn_local(async move {
                if store::queue(&item).await.is_err() {
                    queued.set_value(false);
                    app.storage_failed.set(true);
                    return;
                }
                app.refresh();
                app.drain(true);
                navigate(&Page::Item(item.id).path(), Default::default());
            });
        }
    };

    let set = move |f: fn(&mut ComplaintAnswers, String)| {
        move |ev: leptos::ev::Event| answers.update(|a| f(a, event_target_value(&ev)))
    };
    let anonymous = move || answers.with(|a| a.anonymous);

    view! {
        <main id="main" class="page">
            <a href="/" class="back">{move || t(lang.get(), "back")}</a>
            <h1>{move || t(lang.get(), "complaint_title")}</h1>
            <p class="muted">{move || t(lang.get(), "complaint_intro")}</p>
            <Show when=move || server_problem.with(Option::is_some)>
                <p class="banner warn" role="alert">
                    {move || server_problem.with(|p| p.as_ref().map(|p| p.code.title(lang.get())).unwrap_or_default())}
                </p>
            </Show>
            <Show when=move || !errors.with(FieldErrors::is_empty)>
                <p class="banner error" role="alert">{move || t(lang.get(), "fix_errors")}</p>
            </Show>
            <form novalidate on:submit=send>
                <FieldRow field=Field::District label="district" error=error_of(Field::District)>
                    <select
                        id=field_id(Field::District)
                        aria-invalid=invalid(error_of(Field::District))
                        aria-describedby=describedby(Field::District, false)
                        prop:value=move || answers.with(|a| a.district.clone())
                        on:change=set(|a, v| a.district = v)
                    >
                        <option value="">{move || t(lang.get(), "choose_one")}</option>
                        {District::ALL.into_iter().map(|d| view! {
                            <option value=d.code() selected=move || answers.with(|a| a.district == d.code())>
                                {move || d.name(lang.get())}
                            </option>
                        }).collect_view()}
                    </select>
                </FieldRow>
                <fieldset class="field" aria-describedby=describedby(Field::Category, false)>
                    <legend>{move || t(lang.get(), "category")}</legend>
                    {Category::ALL.into_iter().map(|c| view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="category"
                                value=c.code()
                                id=format!("{}-{}", field_id(Field::Category), c.code())
                                prop:checked=move || answers.with(|a| a.category == c.code())
                                on:change=move |_| answers.update(|a| a.category = c.code().to_owned())
                            />
                            {move || c.label(lang.get())}
                        </label>
                    }).collect_view()}
                    <ErrorText field=Field::Category error=error_of(Field::Category)/>
                </fieldset>
                <FieldRow field=Field::Institution label="institution" help="institution_help" error=error_of(Field::Institution)>
                    <input
                        id=field_id(Field::Institution)
                        type="text"
                        autocomplete="off"
                        aria-invalid=invalid(error_of(Field::Institution))
                        aria-describedby=describedby(Field::Institution, true)
                        prop:value=move || answers.with(|a| a.institution.clone())
                        on:input=set(|a, v| a.institution = v)
                    />
                </FieldRow>
                <FieldRow field=Field::Description label="description" help="description_help" error=error_of(Field::Description)>
                    <textarea
                        id=field_id(Field::Description)
                        rows="6"
                        aria-invalid=invalid(error_of(Field::Description))
                        aria-describedby=describedby(Field::Description, true)
                        prop:value=move || answers.with(|a| a.description.clone())
                        on:input=set(|a, v| a.description = v)
                    ></textarea>
                    <p class="counter" aria-hidden="true">
                        {move || answers.with(|a| a.description.trim().chars().count())} " / " {DESCRIPTION_MAX}
                    </p>
                </FieldRow>
                <FieldRow field=Field::OccurredOn label="occurred_on" error=error_of(Field::OccurredOn)>
                    <input
                        id=field_id(Field::OccurredOn)
                        type="date"
                        aria-invalid=invalid(error_of(Field::OccurredOn))
                        aria-describedby=describedby(Field::OccurredOn, false)
                        prop:value=move || answers.with(|a| a.occurred_on.clone())
                        on:input=set(|a, v| a.occurred_on = v)
                    />
                </FieldRow>
                <div class="field">
                    <label class="choice">
                        <input
                            id="f-anonymous"
                            type="checkbox"
                            aria-describedby="f-anonymous-help"
                            prop:checked=anonymous
                            on:change=move |ev| answers.update(|a| a.anonymous = event_target_checked(&ev))
                        />
                        {move || t(lang.get(), "anonymous")}
                    </label>
                    <p id="f-anonymous-help" class="help">{move || t(lang.get(), "anonymous_help")}</p>
                </div>
                <Show when=move || !anonymous()>
                    <FieldRow field=Field::Name label="name" error=error_of(Field::Name)>
                        <input
                            id=field_id(Field::Name)
                            type="text"
                            autocomplete="name"
                            aria-invalid=invalid(error_of(Field::Name))
                            aria-describedby=describedby(Field::Name, false)
                            prop:value=move || answers.with(|a| a.name.clone())
                            on:input=set(|a, v| a.name = v)
                        />
                    </FieldRow>
                    <FieldRow field=Field::Phone label="phone" help="phone_help" error=error_of(Field::Phone)>
                        <input
                            id=field_id(Field::Phone)
                            type="tel"
                            inputmode="tel"
                            autocomplete="tel"
                            aria-invalid=invalid(error_of(Field::Phone))
                            aria-describedby=describedby(Field::Phone, true)
                            prop:value=move || answers.with(|a| a.phone.clone())
                            on:input=set(|a, v| a.phone = v)
                        />
                    </FieldRow>
                </Show>
                <div class="actions">
                    <button type="submit" class="primary big">{move || t(lang.get(), "send")}</button>
                    <p class="saved" aria-live="polite">
                        {move || match save_state.get() {
                            SaveState::Saved => t(lang.get(), "saved"),
                            SaveState::Pending => t(lang.get(), "saving"),
                            SaveState::Failed => t(lang.get(), "storage_failed"),
                        }}
                    </p>
                </div>
            </form>
            <DeleteDraft id=id app/>
        </main>
    }
}

/// A label, the control, its help and its error, tied together for screen readers.
#[component]
fn FieldRow(
    field: Field,
    label: &'static str,
    #[prop(optional)] help: Option<&'static str>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=field_id(field)>{move || t(lang.get(), label)}</label>
            {help.map(|help| view! { <p id=format!("{}-help", field_id(field)) class="help">{move || t(lang.get(), help)}</p> })}
            {children()}
            <ErrorText field error/>
        </div>
    }
}

#[component]
fn ErrorText(field: Field, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=format!("{}-error", field_id(field)) class="error-text">
            {move || error.get()}
        </p>
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

fn field_id(field: Field) -> String {
    format!("f-{}", field.as_str())
}

fn describedby(field: Field, has_help: bool) -> String {
    let id = field_id(field);
    if has_help { format!("{id}-help {id}-error") } else { format!("{id}-error") }
}

fn invalid(error: Signal<Option<String>>) -> impl Fn() -> &'static str + Copy {
    move || if error.with(Option::is_some) { "true" } else { "false" }
}

fn focus(id: &str) {
    if let Some(el) =
        document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
