//! One widget per field kind.

use adal_core::form::{Choice, FieldDef, FieldKind};
use adal_core::{District, Lang};
use leptos::prelude::*;
use serde_json::Value;

use super::{FormCtx, field_id};
use crate::components::form::{location::LocationField, photo::PhotoField};
use crate::i18n::t;
use crate::state::use_app;

/// Choices up to this many are radio buttons (one tap each); more become a list box.
const MAX_RADIOS: usize = 6;

pub fn widget(ctx: FormCtx, def: FieldDef, path: String) -> AnyView {
    let lang = use_app().lang;
    let id = field_id(&path);
    let error = ctx.error(&path);
    let help = def.help.clone();
    let describedby =
        if help.is_some() { format!("{id}-help {id}-error") } else { format!("{id}-error") };
    let label = def.label.clone();
    let label_text = move || label.get(lang.get()).to_owned();
    let (help_view, error_view) = help_and_error(&id, help, error);
    let text = ctx.text(&path);
    let set_text = {
        let path = path.clone();
        move |ev: leptos::ev::Event| ctx.set(&path, Value::String(event_target_value(&ev)))
    };

    let choose_one = Signal::derive(move || t(lang.get(), "choose_one"));
    // Kinds that are a group of inputs get a fieldset and legend; the rest a label.
    let control: AnyView = match def.kind.clone() {
        kind @ (FieldKind::ShortText { .. }
        | FieldKind::Institution { .. }
        | FieldKind::LongText { .. }
        | FieldKind::Phone
        | FieldKind::Iin
        | FieldKind::Number { .. }
        | FieldKind::Date { .. }
        | FieldKind::Time) => {
            text_control(&kind, id.clone(), describedby.clone(), error, text, set_text)
        }
        FieldKind::District => {
            select(ctx, &path, &id, &describedby, choose_one, district_options(lang))
        }
        FieldKind::Provider { kinds } => provider_select(ctx, &path, &id, &describedby, kinds),
        FieldKind::SingleChoice { options } if options.len() > MAX_RADIOS => {
            select(ctx, &path, &id, &describedby, choose_one, choice_options(options, lang))
        }
        FieldKind::SingleChoice { options } => {
            return choice_group(ctx, &path, label_text, help_view, error_view, options, false);
        }
        FieldKind::MultipleChoice { options, .. } => {
            return choice_group(ctx, &path, label_text, help_view, error_view, options, true);
        }
        FieldKind::YesNo => {
            return choice_group(ctx, &path, label_text, help_view, error_view, yes_no(), false);
        }
        FieldKind::Checkbox | FieldKind::Consent => {
            let input = checkbox(ctx, path, id, describedby, error);
            return view! {
                <div class="field" class:has-error=move || error.with(Option::is_some)>
                    <label class="choice">{input} {label_text}</label>
                    {help_view}
                    {error_view}
                </div>
            }
            .into_any();
        }
        FieldKind::Photo { max } => {
            return view! { <PhotoField ctx path label=def.label help=def.help max/> }.into_any();
        }
        FieldKind::Location => {
            return view! { <LocationField ctx path label=def.label help=def.help/> }.into_any();
        }
        FieldKind::Group { .. } => unreachable!("groups are rendered by Fields"),
    };
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id>{label_text}</label>
            {help_view}
            {control}
            {error_view}
        </div>
    }
    .into_any()
}

/// The districts as a list box's (value, label) pairs, in the interface's language.
fn district_options(lang: RwSignal<Lang>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        let lang = lang.get();
        District::ALL.iter().map(|d| (d.code().to_owned(), d.name(lang).to_owned())).collect()
    })
}

/// A choice question's options as a list box's (value, label) pairs.
fn choice_options(options: Vec<Choice>, lang: RwSignal<Lang>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        let lang = lang.get();
        options.iter().map(|c| (c.value.clone(), c.label.get(lang).to_owned())).collect()
    })
}

/// A field typed as text: one line, several, a phone number, an IIN, a number, a date or
/// a time, with what it takes and how the browser's keyboard should help.
fn text_control(
    kind: &FieldKind,
    id: String,
    describedby: String,
    error: Signal<Option<String>>,
    text: Signal<String>,
    set_text: impl Fn(leptos::ev::Event) + Clone + 'static,
) -> AnyView {
    let invalid = move || if error.with(Option::is_some) { "true" } else { "false" };
    match *kind {
    FieldKind::ShortText { max, .. } | FieldKind::Institution { max, .. } => view! {
        <input id=id.clone() type="text" autocomplete="off" maxlength=max * 2
            aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()/>
    }
    .into_any(),
    FieldKind::LongText { max, .. } => view! {
        <textarea id=id.clone() rows="6" aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()></textarea>
        <p class="counter" aria-hidden="true">
            {move || text.with(|t| t.trim().chars().count())} " / " {max}
        </p>
    }
    .into_any(),
    FieldKind::Phone => view! {
        <input id=id.clone() type="tel" inputmode="tel" autocomplete="tel"
            aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()/>
    }
    .into_any(),
    FieldKind::Iin => view! {
        <input id=id.clone() type="text" inputmode="numeric" autocomplete="off" maxlength="12"
            aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()/>
    }
    .into_any(),
    FieldKind::Number { .. } => view! {
        <input id=id.clone() type="text" inputmode="decimal" autocomplete="off"
            aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()/>
    }
    .into_any(),
    FieldKind::Date { .. } => view! {
        <input id=id.clone() type="date" aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()/>
    }
    .into_any(),
    FieldKind::Time => view! {
        <input id=id.clone() type="time" aria-invalid=invalid aria-describedby=describedby.clone()
            prop:value=text on:input=set_text.clone()/>
    }
    .into_any(),
        _ => ().into_any(),
    }
}

/// A checkbox that answers `true` when ticked.
fn checkbox(
    ctx: FormCtx,
    path: String,
    id: String,
    describedby: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let invalid = move || if error.with(Option::is_some) { "true" } else { "false" };
    let read = path.clone();
    let checked =
        move || ctx.answers.with(|a| crate::answers::get(a, &read) == Some(&Value::Bool(true)));
    view! {
        <input id=id type="checkbox" aria-invalid=invalid aria-describedby=describedby
            prop:checked=checked on:change=move |ev| ctx.set(&path, Value::Bool(event_target_checked(&ev)))/>
    }
}

/// A field's help line (`{id}-help`), if it has one, and its error line (`{id}-error`).
fn help_and_error(
    id: &str,
    help: Option<adal_core::text::Text>,
    error: Signal<Option<String>>,
) -> (Option<impl IntoView + use<>>, impl IntoView + use<>) {
    let lang = use_app().lang;
    let help_view = help.map(|help| {
        let hid = format!("{id}-help");
        view! { <p id=hid class="help">{move || help.get(lang.get()).to_owned()}</p> }
    });
    let eid = format!("{id}-error");
    (help_view, view! { <p id=eid class="error-text">{move || error.get()}</p> })
}

/// "Yes" and "No", for a yes/no question.
fn yes_no() -> Vec<Choice> {
    use adal_core::Lang::{En, Kk, Ru};
    use adal_core::text::Text;
    vec![
        Choice::new(
            "true",
            Text::new(t(Kk, "answer_yes"), t(Ru, "answer_yes"), t(En, "answer_yes")),
        ),
        Choice::new("false", Text::new(t(Kk, "answer_no"), t(Ru, "answer_no"), t(En, "answer_no"))),
    ]
}

/// A list box whose first choice is empty (`empty` names it, translated).
fn select(
    ctx: FormCtx,
    path: &str,
    id: &str,
    describedby: &str,
    empty: Signal<String>,
    options: Signal<Vec<(String, String)>>,
) -> AnyView {
    let value = ctx.text(path);
    let error = ctx.error(path);
    let path = path.to_owned();
    view! {
        <select id=id.to_owned() aria-describedby=describedby.to_owned()
            aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
            prop:value=value
            on:change=move |ev| {
                let v = event_target_value(&ev);
                ctx.set(&path, if v.is_empty() { Value::Null } else { Value::String(v) })
            }>
            <option value="">{empty}</option>
            {move || options.get().into_iter().map(|(v, label)| {
                let selected = { let v = v.clone(); move || value.with(|x| *x == v) };
                view! { <option value=v selected=selected>{label}</option> }
            }).collect_view()}
        </select>
    }
    .into_any()
}

/// Directory entries of the chosen district (all districts when none is chosen) and
/// of the kinds the field allows, from the directory kept on the device.
fn provider_select(
    ctx: FormCtx,
    path: &str,
    id: &str,
    describedby: &str,
    kinds: Vec<String>,
) -> AnyView {
    let app = use_app();
    let lang = app.lang;
    let district = ctx.text("district");
    let options = Signal::derive(move || {
        let district = district.get();
        app.directory.with(|dir| {
            dir.iter()
                .filter(|p| kinds.is_empty() || kinds.contains(&p.kind))
                .filter(|p| district.is_empty() || p.district == district)
                .map(|p| (p.id.clone(), p.provider.name.get(lang.get()).to_owned()))
                .collect()
        })
    });
    select(
        ctx,
        path,
        id,
        describedby,
        Signal::derive(move || t(lang.get(), "any_provider")),
        options,
    )
}

/// Radio buttons (one answer) or check boxes (several), in a fieldset.
fn choice_group(
    ctx: FormCtx,
    path: &str,
    label: impl Fn() -> String + Send + Sync + 'static,
    help: Option<impl IntoView + 'static>,
    error_view: impl IntoView + 'static,
    options: Vec<Choice>,
    multiple: bool,
) -> AnyView {
    let lang = use_app().lang;
    let id = field_id(path);
    let error = ctx.error(path);
    let value = ctx.value(path);
    let describedby = format!("{id}-help {id}-error");
    let inputs = options
        .into_iter()
        .map(|choice| {
            let path = path.to_owned();
            let v = choice.value.clone();
            let checked = {
                let v = v.clone();
                move || value.with(|current| is_chosen(current.as_ref(), &v, multiple))
            };
            let change = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                ctx.answers.update(|a| {
                    let next = if multiple {
                        let mut list: Vec<Value> = crate::answers::get(a, &path).and_then(Value::as_array).cloned().unwrap_or_default();
                        list.retain(|x| x.as_str() != Some(&v));
                        if on {
                            list.push(Value::String(v.clone()));
                        }
                        Value::Array(list)
                    } else {
                        match v.as_str() {
                            "true" => Value::Bool(true),
                            "false" => Value::Bool(false),
                            _ => Value::String(v.clone()),
                        }
                    };
                    crate::answers::set(a, &path, next);
                });
            };
            let input_id = format!("{id}-{}", choice.value);
            let label = choice.label.clone();
            view! {
                <label class="choice">
                    <input type=if multiple { "checkbox" } else { "radio" } name=id.clone() id=input_id
                        value=choice.value.clone() prop:checked=checked on:change=change/>
                    {move || label.get(lang.get()).to_owned()}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field" class:has-error=move || error.with(Option::is_some) aria-describedby=describedby>
            <legend>{label}</legend>
            {help}
            {inputs}
            {error_view}
        </fieldset>
    }
    .into_any()
}

fn is_chosen(current: Option<&Value>, value: &str, multiple: bool) -> bool {
    match current {
        Some(Value::Array(list)) if multiple => list.iter().any(|x| x.as_str() == Some(value)),
        Some(Value::String(s)) => s == value,
        Some(Value::Bool(b)) => (value == "true") == *b && (value == "true" || value == "false"),
        _ => false,
    }
}
