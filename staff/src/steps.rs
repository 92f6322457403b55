//! The steps of handling an item, each a small form of the same shape ([`StepForm`]): the
//! text or date it asks for, checked before it is sent, then queued on the device (see
//! `queue`), which sends it to the server once, by its id.

use adal_core::api::ProblemCode;
use adal_core::calendar::Deadlines;
use adal_core::staff::{MediationSession, SessionOutcome, StaffAction, Step};
use adal_core::{District, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use time::format_description::well_known::Iso8601;

use super::{StaffPage, queue, use_staff};
use crate::i18n::t;

/// A label in the person's language.
type Label = fn(Lang) -> String;

/// What a field of a step's form takes.
#[derive(Clone, Copy)]
enum Input {
    /// Free text over `rows` lines.
    Text {
        rows: u32,
    },
    /// One line of text.
    Line,
    /// A staff login: no capitals, no spelling help.
    Login,
    Date {
        max: Option<time::Date>,
    },
    Time,
    /// One of the choices: its value and its label.
    Choice(&'static [(&'static str, Label)]),
}

/// One field of a step's form, and what happens to it when the step is taken.
#[derive(Clone, Copy)]
struct StepField {
    id: &'static str,
    label: Label,
    help: Option<Signal<String>>,
    input: Input,
    value: RwSignal<String>,
    /// The step is not taken while it is blank.
    required: bool,
    /// Kept as typed once the step is taken (otherwise emptied).
    kept: bool,
}

impl StepField {
    fn new(id: &'static str, label: Label, input: Input, value: RwSignal<String>) -> Self {
        StepField { id, label, help: None, input, value, required: true, kept: false }
    }

    fn help(self, help: Signal<String>) -> Self {
        StepField { help: Some(help), ..self }
    }

    fn optional(self) -> Self {
        StepField { required: false, ..self }
    }

    fn kept(self) -> Self {
        StepField { kept: true, ..self }
    }
}

/// A help line in the person's language.
fn help(text: Label) -> Signal<String> {
    let lang = use_staff().lang;
    Signal::derive(move || text(lang.get()))
}

/// The steps of handling, each a small form; each queues its action on the device.
#[component]
pub fn Actions(
    tracking: String,
    mediation: bool,
    registered: bool,
    district: District,
    deadlines: Deadlines,
    /// The answer day in force (the server's `Deadlines::answer_day`).
    answer_by: time::Date,
    /// Whether the person may take a step on this item (`Role::may`): only those steps'
    /// forms are shown.
    may: impl Fn(Step) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let act_page = StaffPage::Act(tracking.clone()).path();
    let tracking = StoredValue::new(tracking);
    let failed = RwSignal::new(false);
    let take = Callback::new(move |action: StaffAction| {
        spawn_local(async move {
            let tracking = tracking.get_value();
            failed.set(queue::enqueue(st, &tracking, action).await.is_err());
        });
    });
    // Which form was sent incomplete: it alone says so.
    let missing = RwSignal::new(None::<&'static str>);
    view! {
        <section aria-labelledby="actions-h" class="actions">
            <h2 id="actions-h">{move || t(lang.get(), "staff_actions")}</h2>
            <Show when=move || failed.get()>
                <p class="banner error" role="alert">{move || t(lang.get(), "staff_storage_failed")}</p>
            </Show>
            <Show when=move || Step::ALL.into_iter().all(|s| !may(s))>
                <p class="muted" data-testid="read-only">{move || t(lang.get(), "staff_read_only")}</p>
            </Show>
            <div class="action-buttons">
                {(!registered && may(Step::Register)).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| take.run(StaffAction::Register)>{move || t(lang.get(), "staff_register")}</button>
                })}
                {may(Step::Close).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| take.run(StaffAction::Close)>{move || t(lang.get(), "staff_close")}</button>
                })}
            </div>
            <TextSteps district may take missing/>
            {may(Step::Extend).then(|| view! { <ExtendStep deadlines answer_by take missing/> })}
            {(mediation && may(Step::Mediate)).then(|| view! {
                <MediationActions take/>
                <p><a class="button secondary" href=act_page>{move || t(lang.get(), "staff_prepare_act")}</a></p>
            })}
        </section>
    }
}

/// The steps that send what was typed: the public answer, a question to the citizen, an
/// internal note, forwarding, and assigning.
#[component]
fn TextSteps(
    district: District,
    may: impl Fn(Step) -> bool + Copy + Send + Sync + 'static,
    take: Callback<StaffAction>,
    missing: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let lang = use_staff().lang;
    let [answer, question, note, forward_to, forward_reason, assign_to] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let typed = |value: RwSignal<String>| value.get_untracked().trim().to_owned();
    view! {
        {may(Step::Answer).then(|| view! {
            <StepForm which="answer" button=|l| t(l, "staff_send_answer") primary=true take missing
                fields=vec![StepField::new("act-answer", |l| t(l, "staff_public_answer"), Input::Text { rows: 5 }, answer).help(help(|l| t(l, "staff_public_answer_help")))]
                make=Callback::new(move |()| Some(StaffAction::Answer { text: typed(answer) }))/>
        })}
        {may(Step::AskInfo).then(|| view! {
            <StepForm which="ask" title=|l| t(l, "staff_ask_info") button=|l| t(l, "staff_ask_info") take missing
                fields=vec![StepField::new("act-question", |l| t(l, "staff_question"), Input::Text { rows: 3 }, question)]
                make=Callback::new(move |()| Some(StaffAction::AskInfo { question: typed(question) }))/>
        })}
        {may(Step::Note).then(|| view! {
            <StepForm which="note" title=|l| t(l, "staff_note") button=|l| t(l, "staff_add_note") take missing
                fields=vec![StepField::new("act-note", |l| t(l, "staff_note_text"), Input::Text { rows: 3 }, note).help(help(|l| t(l, "staff_note_help")))]
                make=Callback::new(move |()| Some(StaffAction::Note { text: typed(note) }))/>
        })}
        {may(Step::Forward).then(|| view! {
            <StepForm which="forward" title=|l| t(l, "staff_forward") button=|l| t(l, "staff_forward") take missing
                fields=vec![StepField::new("act-forward-reason", |l| t(l, "staff_reason"), Input::Text { rows: 2 }, forward_reason)]
                make=Callback::new(move |()| Some(StaffAction::Forward {
                    reason: typed(forward_reason),
                    to: District::from_code(&forward_to.get_untracked()),
                }))>
                <div class="field">
                    <label for="act-forward-to">{move || t(lang.get(), "staff_forward_to")}</label>
                    <select id="act-forward-to" on:change=move |ev| forward_to.set(event_target_value(&ev))>
                        <option value="">{move || t(lang.get(), "staff_other_body")}</option>
                        {District::ALL.into_iter().filter(|d| *d != district).map(|d| view! {
                            <option value=d.code()>{move || d.name(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
            </StepForm>
        })}
        {may(Step::Assign).then(|| view! {
            <StepForm which="assign" title=|l| t(l, "staff_assign") button=|l| t(l, "staff_assign") take missing
                fields=vec![StepField::new("act-assign", |l| t(l, "staff_assign_login"), Input::Login, assign_to)]
                make=Callback::new(move |()| Some(StaffAction::Assign { to: assign_to.get_untracked().trim().to_lowercase() }))/>
        })}
    }
}

/// Extending the answer day, while core's rule allows it: never once the answer day in
/// force has passed.
#[component]
fn ExtendStep(
    deadlines: Deadlines,
    answer_by: time::Date,
    take: Callback<StaffAction>,
    missing: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let lang = use_staff().lang;
    let today = adal_core::district::region_date(time::OffsetDateTime::now_utc());
    if !Deadlines::may_extend(answer_by, today) {
        return view! {
            <p class="muted" data-testid="extension-too-late">{move || ProblemCode::ExtensionTooLate.title(lang.get())}</p>
        }
        .into_any();
    }
    let limit = deadlines.extended_answer_by;
    let (until, reason) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let limit_help = Signal::derive(move || {
        t(lang.get(), "staff_extend_limit").replace("%{date}", &limit.to_string())
    });
    let make = Callback::new(move |()| {
        let until = time::Date::parse(&until.get_untracked(), &Iso8601::DATE).ok()?;
        let action =
            StaffAction::Extend { reason: reason.get_untracked().trim().to_owned(), until };
        // The same checks the server makes (core's `StaffAction::check`).
        action.check(time::OffsetDateTime::now_utc(), &deadlines, answer_by).ok().map(|_| action)
    });
    view! {
        <StepForm which="extend" title=|l| t(l, "staff_extend") button=|l| t(l, "staff_extend") take missing make
            fields=vec![
                StepField::new("act-extend-until", |l| t(l, "staff_extend_until"), Input::Date { max: Some(limit) }, until).help(limit_help),
                StepField::new("act-extend-reason", |l| t(l, "staff_reason"), Input::Text { rows: 2 }, reason),
            ]/>
    }
    .into_any()
}

/// A mediation request: schedule a session, then record what it came to.
#[component]
fn MediationActions(take: Callback<StaffAction>) -> impl IntoView {
    let [date, at, place, mediator, outcome, outcome_note] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let missing = RwSignal::new(None::<&'static str>);
    let schedule = Callback::new(move |()| {
        let date = time::Date::parse(&date.get_untracked(), &Iso8601::DATE).ok()?;
        Some(StaffAction::ScheduleSession {
            session: MediationSession {
                date,
                time: at.get_untracked(),
                place: place.get_untracked().trim().to_owned(),
                mediator: mediator.get_untracked().trim().to_owned(),
            },
        })
    });
    let record = Callback::new(move |()| {
        let chosen = match outcome.get_untracked().as_str() {
            "agreed" => SessionOutcome::Agreed,
            "not_agreed" => SessionOutcome::NotAgreed,
            "postponed" => SessionOutcome::Postponed,
            _ => return None,
        };
        Some(StaffAction::RecordOutcome {
            outcome: chosen,
            note: outcome_note.get_untracked().trim().to_owned(),
        })
    });
    const OUTCOMES: &[(&str, Label)] = &[
        ("agreed", |l| t(l, "staff_outcome_agreed")),
        ("not_agreed", |l| t(l, "staff_outcome_not_agreed")),
        ("postponed", |l| t(l, "staff_outcome_postponed")),
    ];
    view! {
        <StepForm which="session" title=|l| t(l, "staff_schedule_session") open=true button=|l| t(l, "staff_schedule_session") take missing make=schedule
            fields=vec![
                StepField::new("session-date", |l| t(l, "staff_session_date"), Input::Date { max: None }, date).kept(),
                StepField::new("session-time", |l| t(l, "staff_session_time"), Input::Time, at).kept(),
                StepField::new("session-place", |l| t(l, "session_place"), Input::Line, place).kept(),
                StepField::new("session-mediator", |l| t(l, "session_mediator"), Input::Line, mediator).kept(),
            ]/>
        <StepForm which="outcome" title=|l| t(l, "staff_record_outcome") button=|l| t(l, "staff_record_outcome") take missing make=record
            fields=vec![
                StepField::new("outcome", |l| t(l, "staff_outcome"), Input::Choice(OUTCOMES), outcome).kept(),
                StepField::new("outcome-note", |l| t(l, "staff_outcome_note"), Input::Text { rows: 2 }, outcome_note).optional(),
            ]/>
    }
}

/// One step's form: what `fields` ask for (after `children`, if any), checked, then the
/// step `make` builds from them is queued by `take`, and the fields not `kept` are
/// emptied. A blank required field, or `make` finding nothing to send, says "fill in"
/// under the last required field instead. Folded under `title` when it has one.
#[component]
fn StepForm(
    /// The form's name in `missing`, which holds the one form sent incomplete.
    which: &'static str,
    #[prop(optional)] title: Option<Label>,
    /// Unfolded at first.
    #[prop(optional)]
    open: bool,
    fields: Vec<StepField>,
    button: Label,
    #[prop(optional)] primary: bool,
    make: Callback<(), Option<StaffAction>>,
    take: Callback<StaffAction>,
    missing: RwSignal<Option<&'static str>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = use_staff().lang;
    let last_required = fields.iter().rposition(|f| f.required);
    let values =
        StoredValue::new(fields.iter().map(|f| (f.value, f.required, f.kept)).collect::<Vec<_>>());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let blank = values.with_value(|vs| {
            vs.iter().any(|(v, required, _)| *required && v.with_untracked(|v| v.trim().is_empty()))
        });
        let Some(action) = (!blank).then(|| make.run(())).flatten() else {
            missing.set(Some(which));
            return;
        };
        missing.set(None);
        values.with_value(|vs| vs.iter().filter(|f| !f.2).for_each(|(v, ..)| v.set(String::new())));
        take.run(action);
    };
    let error = move || (missing.get() == Some(which)).then(|| t(lang.get(), "staff_fill_in"));
    let form = view! {
        <form novalidate class="action" on:submit=submit>
            {children.map(|c| c())}
            {fields.into_iter().enumerate().map(|(i, field)| {
                let error = (Some(i) == last_required).then_some(error);
                view! { <StepInput field error/> }
            }).collect_view()}
            <button type="submit" class=if primary { "primary" } else { "secondary" }>{move || button(lang.get())}</button>
        </form>
    };
    match title {
        Some(title) => view! {
            <details open=open>
                <summary>{move || title(lang.get())}</summary>
                {form}
            </details>
        }
        .into_any(),
        None => form.into_any(),
    }
}

/// One field of a step's form, its label and help, and "fill in" when `error` says so.
#[component]
fn StepInput(
    field: StepField,
    error: Option<impl Fn() -> Option<String> + Send + Sync + 'static>,
) -> impl IntoView {
    let lang = use_staff().lang;
    let StepField { id, label, help, input, value, .. } = field;
    let set = move |ev: leptos::ev::Event| value.set(event_target_value(&ev));
    let error = error.map(|e| view! { <p class="error-text">{e}</p> });
    let help = help.map(|h| view! { <p class="help">{h}</p> });
    let label = move || label(lang.get());
    if let Input::Choice(options) = input {
        return view! {
            <fieldset class="field">
                <legend>{label}</legend>
                {options.iter().map(|&(choice, text)| view! {
                    <label class="choice">
                        <input type="radio" name=id value=choice on:change=move |_| value.set(choice.to_owned())/>
                        {move || text(lang.get())}
                    </label>
                }).collect_view()}
                {error}
            </fieldset>
        }
        .into_any();
    }
    let control = match input {
        Input::Text { rows } => view! {
            <textarea id=id rows=rows.to_string() prop:value=move || value.get() on:input=set></textarea>
        }
        .into_any(),
        Input::Login => view! {
            <input id=id type="text" autocapitalize="none" spellcheck="false" prop:value=move || value.get() on:input=set/>
        }
        .into_any(),
        Input::Date { max } => view! {
            <input id=id type="date" max=max.map(|d| d.to_string()) prop:value=move || value.get() on:input=set/>
        }
        .into_any(),
        Input::Time => view! { <input id=id type="time" prop:value=move || value.get() on:input=set/> }.into_any(),
        Input::Line | Input::Choice(_) => view! { <input id=id type="text" prop:value=move || value.get() on:input=set/> }.into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {help}
            {control}
            {error}
        </div>
    }
    .into_any()
}
