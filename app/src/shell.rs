//! The static shell's complaint form (`app/shell.js`): while it is on screen the app is
//! mounted hidden behind it (style/main.css); the form editor then takes it over in one
//! frame: whatever the shell's fields hold that the adopted draft lacks (keys pressed
//! while the app was adopting it) is copied into the editor's answers, the shell is
//! removed, and focus and caret move to the same field of the app.

use adal_core::form::{Answers, FieldKind, FormSchema};
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

use crate::answers;

fn shell() -> Option<web_sys::Element> {
    document().get_element_by_id("shell")
}

/// Whether the shell shows the form (and so hides the app until [`take_over`]).
pub fn holds_form() -> bool {
    shell().is_some_and(|s| s.class_name().split_whitespace().any(|c| c == "has-form"))
}

/// Removes the shell, whatever it shows.
pub fn release() {
    if let Some(shell) = shell() {
        shell.remove();
    }
}

fn prop(target: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(target, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The answer the shell's field `key` holds, as the app's widget would have stored it,
/// if the person changed that field there (`app/shell.js` marks it `data-typed`).
fn shell_answer(shell: &web_sys::Element, key: &str, kind: &FieldKind) -> Option<Value> {
    let id = crate::components::form::field_id(key);
    match kind {
        FieldKind::SingleChoice { .. } | FieldKind::YesNo => {
            shell.query_selector(&format!("input[name=\"{id}\"][data-typed]")).ok()??;
            let chosen = shell.query_selector(&format!("input[name=\"{id}\"]:checked")).ok()?;
            Some(match chosen.map(|c| prop(&c, "value").as_string().unwrap_or_default()) {
                None => Value::Null,
                Some(v) if v == "true" => Value::Bool(true),
                Some(v) if v == "false" => Value::Bool(false),
                Some(v) => Value::String(v),
            })
        }
        FieldKind::Checkbox | FieldKind::Consent => {
            let input = shell.query_selector(&format!("#{id}[data-typed]")).ok()??;
            Some(Value::Bool(prop(&input, "checked").as_bool().unwrap_or(false)))
        }
        FieldKind::Photo { .. }
        | FieldKind::Location
        | FieldKind::Group { .. }
        | FieldKind::MultipleChoice { .. } => None,
        _ => {
            let input = shell.query_selector(&format!("#{id}[data-typed]")).ok()??;
            let v = prop(&input, "value").as_string()?;
            let is_select = input.tag_name().eq_ignore_ascii_case("select");
            Some(if v.is_empty() && is_select { Value::Null } else { Value::String(v) })
        }
    }
}

/// Copies into `answers` what the shell's fields hold beyond them, removes the shell and
/// puts focus and caret where they were. Does nothing if the shell shows no form.
pub fn take_over(schema: &FormSchema, answers: RwSignal<Answers>) {
    let Some(shell) = shell().filter(|_| holds_form()) else { return };
    let newer: Vec<(String, Value)> = answers.with_untracked(|a| {
        schema
            .fields
            .iter()
            .filter_map(|f| {
                let typed = shell_answer(&shell, &f.key, &f.kind)?;
                let held = answers::get(a, &f.key).cloned().unwrap_or(Value::Null);
                let same = match (&typed, &held) {
                    (Value::String(t), Value::Null) => t.is_empty(),
                    (Value::Null, Value::String(h)) => h.is_empty(),
                    (Value::Bool(false), Value::Null) => true,
                    _ => typed == held,
                };
                (!same).then(|| (f.key.clone(), typed))
            })
            .collect()
    });
    if !newer.is_empty() {
        answers.update(|a| {
            for (key, value) in newer {
                answers::set(a, &key, value);
            }
        });
    }
    // The editor draws the copied answers in its next tick; the shell goes after that,
    // still before the browser paints, so no frame shows either half-way.
    leptos::task::spawn_local(async move {
        leptos::task::tick().await;
        leptos::task::tick().await;
        remove_keeping_focus(shell);
    });
}

/// Removes the shell; focus and caret move to the app's field of the same id.
fn remove_keeping_focus(shell: web_sys::Element) {
    let active = document().active_element().filter(|e| shell.contains(Some(e)));
    let focus = active.map(|e| (e.id(), prop(&e, "selectionStart"), prop(&e, "selectionEnd")));
    let scroll = window().scroll_y().unwrap_or(0.0);
    shell.remove();
    window().scroll_to_with_x_and_y(0.0, scroll);
    let Some((id, start, end)) = focus else { return };
    let Some(el) = document().get_element_by_id(&id) else { return };
    if let Some(html) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = html.focus();
    }
    if start.as_f64().is_some()
        && let Ok(set) = prop(&el, "setSelectionRange").dyn_into::<js_sys::Function>()
    {
        let _ = set.call2(&el, &start, &end);
    }
}
