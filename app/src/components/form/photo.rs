use adal_core::form::AttachmentRef;
use adal_core::text::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::{FormCtx, field_id};
use crate::i18n::t;
use crate::photos;
use crate::state::{AppState, use_app};
use crate::store;

/// Take or choose photos; each is scaled, hashed and kept on the device at once, and
/// shown as a thumbnail with a "remove" button.
#[component]
pub fn PhotoField(
    ctx: FormCtx,
    path: String,
    label: Text,
    help: Option<Text>,
    max: usize,
) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let id = field_id(&path);
    let error = ctx.error(&path);
    let busy = RwSignal::new(false);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let refs = {
        let value = ctx.value(&path);
        Memo::new(move |_| {
            value.with(|v| {
                v.as_ref()
                    .and_then(|v| serde_json::from_value::<Vec<AttachmentRef>>(v.clone()).ok())
                    .unwrap_or_default()
            })
        })
    };
    let add = {
        let path = path.clone();
        move |ev: leptos::ev::Event| {
            let Some(files) = take_files(&ev) else { return };
            let path = path.clone();
            busy.set(true);
            problem.set(None);
            spawn_local(async move {
                let add = |reference| {
                    let mut list = refs.get_untracked();
                    list.push(reference);
                    ctx.set(&path, serde_json::to_value(list).unwrap_or(Value::Null));
                };
                keep_each(files, max, refs, add, problem, app).await;
                busy.set(false);
            });
        }
    };
    let remove = {
        let path = path.clone();
        move |gone: uuid::Uuid| remove_photo(ctx, &path, refs, gone)
    };
    let help_id = format!("{id}-help");
    let input_id = id.clone();
    let describedby = format!("{help_id} {id}-error");
    let label_text = move || label.get(lang.get()).to_owned();
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <span class="label" id=format!("{id}-label")>{label_text}</span>
            <p id=help_id.clone() class="help">
                {move || help.as_ref().map(|h| h.get(lang.get()).to_owned()).unwrap_or_else(|| t(lang.get(), "photo_help"))}
            </p>
            <ul class="photos" aria-labelledby=format!("{id}-label")>
                <For each=move || refs.get() key=|r| r.id let:reference>
                    <Thumbnail reference=reference.clone() on_remove=remove.clone()/>
                </For>
            </ul>
            <Show when=move || { refs.with(|r| r.len()) < max }>
                <label class="secondary file">
                    {move || if busy.get() { t(lang.get(), "photo_working") } else { t(lang.get(), "photo_add") }}
                    <input id=input_id.clone() type="file" accept="image/*" capture="environment" multiple
                        class="visually-hidden" aria-describedby=describedby.clone() on:change=add.clone()/>
                </label>
            </Show>
            <p class="error-text" role="status">{move || problem.get()}</p>
            <p id=format!("{id}-error") class="error-text">{move || error.get()}</p>
        </div>
    }
}

/// The files chosen in a file input, which is emptied for the next choice.
fn take_files(ev: &leptos::ev::Event) -> Option<Vec<web_sys::File>> {
    let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let files = input.files()?;
    let files = (0..files.length()).filter_map(|i| files.get(i)).collect();
    input.set_value("");
    Some(files)
}

/// Keeps each file on the device as a photo (scaled and hashed), handing each to `add`,
/// while the field holds fewer than `max`; what went wrong is said in `problem`.
async fn keep_each(
    files: Vec<web_sys::File>,
    max: usize,
    refs: Memo<Vec<AttachmentRef>>,
    add: impl Fn(AttachmentRef),
    problem: RwSignal<Option<String>>,
    app: AppState,
) {
    for file in files {
        if refs.get_untracked().len() >= max {
            problem.set(Some(
                t(app.lang.get_untracked(), "too_many_photos").replace("%{max}", &max.to_string()),
            ));
            break;
        }
        match photos::keep(&file).await {
            Ok(reference) => add(reference),
            Err(photos::PhotoError::NotAnImage) => {
                problem.set(Some(t(app.lang.get_untracked(), "photo_unreadable")))
            }
            Err(photos::PhotoError::Storage) => app.storage_failed.set(true),
        }
    }
}

/// Takes the photo `gone` out of the field, and off the device.
fn remove_photo(ctx: FormCtx, path: &str, refs: Memo<Vec<AttachmentRef>>, gone: uuid::Uuid) {
    let list: Vec<AttachmentRef> =
        refs.get_untracked().into_iter().filter(|r| r.id != gone).collect();
    ctx.set(
        path,
        if list.is_empty() {
            Value::Null
        } else {
            serde_json::to_value(list).unwrap_or(Value::Null)
        },
    );
    spawn_local(async move {
        let _ = store::attachments::delete(&gone.to_string()).await;
    });
}

/// One stored photo, read back from the device.
#[component]
fn Thumbnail(
    reference: AttachmentRef,
    on_remove: impl Fn(uuid::Uuid) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_app().lang;
    let id = reference.id;
    let url = photos::kept_url(id);
    let kb = reference.size / 1024;
    view! {
        <li class="photo">
            <img src=move || url.get().unwrap_or_default() alt=move || format!("{} ({kb} KB)", t(lang.get(), "photo"))/>
            <button type="button" class="link danger" on:click=move |_| on_remove(id)>
                {move || t(lang.get(), "remove_photo")}
            </button>
        </li>
    }
}
