//! The receipt as the law wants it (APC Art. 64): the tracking number, the date and time
//! it was received, the body that accepted it (the district's office and its address),
//! the day it is registered and the day the answer is due. Read from what the device
//! keeps, so it shows offline; printed with the page's print style, or saved as a PNG
//! drawn on a canvas.

use adal_core::Lang;
use adal_core::receipt::{ANTI_CORRUPTION_BOT, ANTI_CORRUPTION_CALL_CENTRE, ReceiptTerms};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{OffscreenCanvas, OffscreenCanvasRenderingContext2d};

use crate::i18n::t;
use crate::state::use_app;

/// What a receipt shows, in the order it shows it.
#[derive(Clone, PartialEq)]
pub struct ReceiptFacts {
    pub tracking: String,
    pub received_at: time::OffsetDateTime,
    pub anonymous: bool,
    pub terms: Option<ReceiptTerms>,
}

impl ReceiptFacts {
    /// The receipt's lines in `lang`, as printed and drawn into the picture.
    fn lines(&self, lang: Lang) -> Vec<(String, String)> {
        let mut lines = vec![
            (t(lang, "tracking_number"), self.tracking.clone()),
            (t(lang, "received_at"), local_time(self.received_at, lang)),
        ];
        if let Some(terms) = &self.terms {
            let body = &terms.accepted_by;
            lines.push((t(lang, "accepted_by"), body.name.get(lang).to_owned()));
            lines.push((t(lang, "office_address"), body.address.get(lang).to_owned()));
            lines.push((t(lang, "registered_on"), terms.registered_on.to_string()));
            let answer = match terms.answer_by {
                Some(day) => day.to_string(),
                None if !terms.missing.is_empty() => t(lang, "no_answer_day_incomplete"),
                None if self.anonymous => t(lang, "no_answer_day_anonymous"),
                None => t(lang, "no_answer_day"),
            };
            lines.push((t(lang, "answer_by"), answer));
        }
        lines
    }
}

/// The receipt, with "Print" and "Save as picture".
#[component]
pub fn ReceiptCard(facts: ReceiptFacts) -> impl IntoView {
    let lang = use_app().lang;
    let facts = StoredValue::new(facts);
    let failed = RwSignal::new(false);
    let print = move |_| {
        let _ = window().print();
    };
    let save = move |_| {
        let lang = lang.get_untracked();
        spawn_local(async move {
            let saved = facts.with_value(|f| picture(f, lang));
            failed.set(save_png(saved, &facts.with_value(|f| f.tracking.clone())).await.is_err());
        });
    };
    let bribe = facts.with_value(|f| f.terms.as_ref().is_some_and(|t| t.reports_a_bribe));
    view! {
        <section class="receipt" data-testid="receipt" aria-labelledby="receipt-h">
            <h2 id="receipt-h">{move || t(lang.get(), "receipt_title")}</h2>
            <p class="tracking big" data-testid="tracking">{facts.with_value(|f| f.tracking.clone())}</p>
            <dl class="facts">
                {move || {
                    let lang = lang.get();
                    facts.with_value(|f| f.lines(lang)).into_iter().skip(1).enumerate().map(|(n, (label, value))| {
                        let testid = ["received-at", "accepted-by", "office-address", "registered-on", "answer-by"]
                            .get(n).copied().unwrap_or("");
                        view! { <dt>{label}</dt><dd data-testid=testid>{value}</dd> }
                    }).collect_view()
                }}
            </dl>
            {move || facts.with_value(|f| f.terms.as_ref().is_some_and(|t| t.provisional)).then(|| view! {
                <p class="muted">{t(lang.get(), "answer_by_provisional")}</p>
            })}
            <p class="actions no-print">
                <button type="button" class="secondary" on:click=print>{move || t(lang.get(), "receipt_print")}</button>
                <button type="button" class="secondary" on:click=save>{move || t(lang.get(), "receipt_save_picture")}</button>
            </p>
            <p class="error-text no-print" role="status">{move || failed.get().then(|| t(lang.get(), "receipt_picture_failed"))}</p>
        </section>
        {bribe.then(|| view! { <AntiCorruption/> })}
    }
}

/// The anti-corruption call centre and its official bot: shown wherever a bribe is
/// reported.
#[component]
pub fn AntiCorruption() -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <aside class="banner info" data-testid="anti-corruption" aria-labelledby="anticorruption-h">
            <h2 id="anticorruption-h">{move || t(lang.get(), "anticorruption_title")}</h2>
            <p>
                {move || t(lang.get(), "anticorruption_call")} " "
                <a href=format!("tel:{ANTI_CORRUPTION_CALL_CENTRE}")><strong>{ANTI_CORRUPTION_CALL_CENTRE}</strong></a>
                " · " {move || t(lang.get(), "anticorruption_bot")} " "
                <a href=format!("https://t.me/{}", ANTI_CORRUPTION_BOT.trim_start_matches('@')) rel="noopener">{ANTI_CORRUPTION_BOT}</a>
            </p>
            <p class="muted">{move || t(lang.get(), "anticorruption_protected")}</p>
        </aside>
    }
}

/// The receipt drawn as text lines, 2× for a sharp picture on a phone.
struct Picture {
    canvas: OffscreenCanvas,
}

/// The widest a line of the picture is, in characters, before it wraps.
const WRAP: usize = 44;

fn picture(facts: &ReceiptFacts, lang: Lang) -> Result<Picture, JsValue> {
    let mut rows: Vec<(bool, String)> = Vec::new();
    for (label, value) in facts.lines(lang) {
        rows.push((false, label));
        rows.extend(wrap(&value, WRAP).into_iter().map(|line| (true, line)));
    }
    let (width, line) = (720u32, 40u32);
    let height = 48 + line * rows.len() as u32 + 32;
    let canvas = OffscreenCanvas::new(width, height)?;
    let context: OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2d"))?.unchecked_into();
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, width as f64, height as f64);
    context.set_fill_style_str("#111111");
    let mut y = 56.0;
    for (value, text) in rows {
        context.set_font(if value { "bold 26px sans-serif" } else { "22px sans-serif" });
        context.fill_text(&text, 32.0, y)?;
        y += line as f64;
    }
    Ok(Picture { canvas })
}

/// `text` in lines of at most `width` characters, broken at spaces where it can be.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// Offers the picture as a download named after the tracking number.
async fn save_png(picture: Result<Picture, JsValue>, tracking: &str) -> Result<(), JsValue> {
    let blob = JsFuture::from(picture?.canvas.convert_to_blob()?).await?;
    let blob: web_sys::Blob = blob.unchecked_into();
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(&format!("{tracking}.png"));
    link.click();
    web_sys::Url::revoke_object_url(&url)
}

/// The instant in the device's time zone, written the way the person's language writes it.
pub fn local_time(at: time::OffsetDateTime, lang: Lang) -> String {
    let ms = (at.unix_timestamp_nanos() / 1_000_000) as f64;
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    date.to_locale_string(lang.tag(), &JsValue::UNDEFINED).into()
}
