use adal_core::form::Location;
use adal_core::text::Text;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::{FormCtx, field_id};
use crate::i18n::t;
use crate::state::use_app;

/// "Use my location": asks the browser once, on the person's tap, and keeps the answer.
#[component]
pub fn LocationField(ctx: FormCtx, path: String, label: Text, help: Option<Text>) -> impl IntoView {
    let lang = use_app().lang;
    let id = field_id(&path);
    let error = ctx.error(&path);
    let status: RwSignal<Option<String>> = RwSignal::new(None);
    let error_id = format!("{id}-error");
    let value = ctx.value(&path);
    let location = Memo::new(move |_| {
        value.with(|v| v.as_ref().and_then(|v| serde_json::from_value::<Location>(v.clone()).ok()))
    });
    let locate = {
        let path = path.clone();
        move |_| {
            let Ok(geo) = window().navigator().geolocation() else {
                status.set(Some(t(lang.get_untracked(), "location_unavailable")));
                return;
            };
            status.set(Some(t(lang.get_untracked(), "location_finding")));
            let path = path.clone();
            let ok = Closure::once_into_js(move |position: web_sys::Position| {
                let c = position.coords();
                let found =
                    Location { lat: c.latitude(), lon: c.longitude(), accuracy_m: c.accuracy() };
                ctx.set(&path, serde_json::to_value(found).unwrap_or(Value::Null));
                status.set(None);
            });
            let failed = Closure::once_into_js(move |_: JsValue| {
                status.set(Some(t(lang.get_untracked(), "location_unavailable")))
            });
            let options = web_sys::PositionOptions::new();
            options.set_enable_high_accuracy(true);
            options.set_timeout(20_000);
            let _ = geo.get_current_position_with_error_callback_and_options(
                ok.unchecked_ref(),
                Some(failed.unchecked_ref()),
                &options,
            );
        }
    };
    let clear = {
        let path = path.clone();
        move |_| ctx.set(&path, Value::Null)
    };
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <span class="label">{move || label.get(lang.get()).to_owned()}</span>
            {help.map(|h| view! { <p class="help">{move || h.get(lang.get()).to_owned()}</p> })}
            {move || match location.get() {
                Some(l) => view! {
                    <p>{format!("{:.5}, {:.5}", l.lat, l.lon)} {format!(" (±{:.0} m)", l.accuracy_m)}</p>
                    <button type="button" class="link danger" on:click=clear.clone()>{move || t(lang.get(), "location_clear")}</button>
                }.into_any(),
                None => view! {
                    <button type="button" class="secondary" id=id.clone() on:click=locate.clone()>{move || t(lang.get(), "location_use")}</button>
                }.into_any(),
            }}
            <p class="muted" role="status">{move || status.get()}</p>
            <p id=error_id class="error-text">{move || error.get()}</p>
        </div>
    }
}
