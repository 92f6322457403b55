use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{summary, title};
use crate::i18n::t;
use crate::state::use_app;

/// `/item/:id`: a submission after "Send". While it waits, it says so; once the server
/// has it, the tracking number appears, live, and stays on the device.
#[component]
pub fn ItemPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let waiting = move || app.snapshot.with(|s| s.outbox.iter().find(|i| i.id == id()).cloned());
    let sent = move || app.snapshot.with(|s| s.sent.iter().find(|i| i.id == id()).cloned());
    view! {
        <main id="main" class="page">
            <a href="/" class="back">{move || t(lang.get(), "back")}</a>
            {move || {
                if let Some(item) = sent() {
                    let received = item.receipt.received_at;
                    let received = move || local_time(received, lang.get());
                    let (form, version) = (item.request.form.id.clone(), item.request.form.version);
                    let form2 = form.clone();
                    let answers = StoredValue::new(item.request.answers);
                    view! {
                        <h1>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</h1>
                        <p class="muted">{move || answers.with_value(|a| summary(app, &form2, version, a, lang.get()))}</p>
                        <div class="receipt">
                            <p>{move || t(lang.get(), "tracking_number")}</p>
                            <p class="tracking big" data-testid="tracking">{item.receipt.tracking.clone()}</p>
                            <p class="muted">{move || t(lang.get(), "received_at")} ": " {received}</p>
                        </div>
                    }
                    .into_any()
                } else if let Some(item) = waiting() {
                    let (form, version) = (item.request.form.id.clone(), item.request.form.version);
                    let form2 = form.clone();
                    let answers = StoredValue::new(item.request.answers);
                    view! {
                        <h1>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</h1>
                        <p class="muted">{move || answers.with_value(|a| summary(app, &form2, version, a, lang.get()))}</p>
                        <div class="receipt pending">
                            <p><strong>{move || t(lang.get(), "waiting")}</strong></p>
                            <p>{move || t(lang.get(), "waiting_help")}</p>
                        </div>
                    }
                    .into_any()
                } else {
                    view! { <p>{move || t(lang.get(), "not_found")}</p> }.into_any()
                }
            }}
        </main>
    }
}

/// The instant in the device's time zone, written the way the person's language writes it.
fn local_time(at: time::OffsetDateTime, lang: adal_core::Lang) -> String {
    let ms = (at.unix_timestamp_nanos() / 1_000_000) as f64;
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    date.to_locale_string(lang.tag(), &wasm_bindgen::JsValue::UNDEFINED).into()
}
