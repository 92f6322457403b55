//! Renders any form of `adal_core::form` from its schema: one widget per field kind,
//! shown exactly when `form::shown()` says, each with its label, help and error tied
//! together for screen readers.

mod location;
mod photo;
mod widgets;

use std::collections::HashSet;
use std::sync::Arc;

use adal_core::FieldErrors;
use adal_core::form::{Answers, FieldDef, FieldKind};
use leptos::prelude::*;

use crate::answers;
use crate::i18n::t;
use crate::state::use_app;

/// What every widget of one form shares.
#[derive(Clone, Copy)]
pub struct FormCtx {
    pub answers: RwSignal<Answers>,
    pub errors: Memo<FieldErrors>,
    /// The paths `form::shown()` gives for the current answers.
    pub shown: Memo<Arc<HashSet<String>>>,
}

impl FormCtx {
    pub fn error(self, path: &str) -> Signal<Option<String>> {
        let path = path.to_owned();
        let lang = use_app().lang;
        Signal::derive(move || {
            self.errors.with(|e| e.get(&path)).map(|code| code.message(lang.get()))
        })
    }

    pub fn text(self, path: &str) -> Signal<String> {
        let path = path.to_owned();
        Signal::derive(move || self.answers.with(|a| answers::text(a, &path)))
    }

    pub fn value(self, path: &str) -> Signal<Option<serde_json::Value>> {
        let path = path.to_owned();
        Signal::derive(move || self.answers.with(|a| answers::get(a, &path).cloned()))
    }

    pub fn set(self, path: &str, value: serde_json::Value) {
        self.answers.update(|a| answers::set(a, path, value));
    }
}

/// The id of the control for `path` (`parties.1.phone` → `f-parties-1-phone`).
pub fn field_id(path: &str) -> String {
    format!("f-{}", path.replace('.', "-"))
}

/// The fields of a form, or of one item of a group when `prefix` is `parties.1.`.
#[component]
pub fn Fields(
    ctx: FormCtx,
    fields: Vec<FieldDef>,
    #[prop(default = String::new())] prefix: String,
) -> impl IntoView {
    fields
        .into_iter()
        .map(|def| {
            let path = format!("{prefix}{}", def.key);
            let visible = {
                let path = path.clone();
                move || ctx.shown.with(|s| s.contains(&path))
            };
            view! { <Show when=visible>{field_view(ctx, def.clone(), path.clone())}</Show> }
        })
        .collect_view()
}

fn field_view(ctx: FormCtx, def: FieldDef, path: String) -> AnyView {
    match def.kind.clone() {
        FieldKind::Group { item, min: _, max, fields } => {
            view! { <Group ctx def path item max fields/> }.into_any()
        }
        _ => widgets::widget(ctx, def, path),
    }
}

/// A repeating group: one fieldset per item, with "add" and "remove".
#[component]
fn Group(
    ctx: FormCtx,
    def: FieldDef,
    path: String,
    item: adal_core::text::Text,
    max: usize,
    fields: Vec<FieldDef>,
) -> impl IntoView {
    let lang = use_app().lang;
    let key = path.clone();
    // A group always shows its first item, so there must be one to fill in.
    if ctx.answers.with_untracked(|a| answers::group_len(a, &key)) == 0 {
        ctx.answers.update(|a| answers::ensure_items(a, &key, 1));
    }
    let count = {
        let key = key.clone();
        Memo::new(move |_| ctx.answers.with(|a| answers::group_len(a, &key)).max(1))
    };
    let label = def.label.clone();
    let error = ctx.error(&path);
    let add = {
        let key = key.clone();
        move |_| {
            let n = count.get_untracked();
            ctx.answers.update(|a| answers::ensure_items(a, &key, n + 1));
        }
    };
    view! {
        <fieldset class="group">
            <legend>{move || label.get(lang.get()).to_owned()}</legend>
            {move || {
                (0..count.get())
                    .map(|i| {
                        let item = item.clone();
                        let key = key.clone();
                        let fields = fields.clone();
                        let remove = {
                            let key = key.clone();
                            move |_| ctx.answers.update(|a| answers::remove_item(a, &key, i))
                        };
                        view! {
                            <fieldset class="group-item">
                                <legend>{move || format!("{} {}", item.get(lang.get()), i + 1)}</legend>
                                <Fields ctx fields prefix=format!("{key}.{i}.")/>
                                <Show when=move || { count.get() > 1 }>
                                    <button type="button" class="link danger" on:click=remove.clone()>
                                        {move || t(lang.get(), "remove_item")}
                                    </button>
                                </Show>
                            </fieldset>
                        }
                    })
                    .collect_view()
            }}
            <Show when=move || { count.get() < max }>
                <button type="button" class="secondary" on:click=add.clone()>
                    {move || t(lang.get(), "add_item")}
                </button>
            </Show>
            <p id=format!("{}-error", field_id(&path)) class="error-text">{move || error.get()}</p>
        </fieldset>
    }
}
