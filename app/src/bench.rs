//! Hooks for the browser benchmark (`tests/bench/browser.mjs`), so that it times the
//! app's own code paths (the real `store` functions, the real drain) rather than a copy.
//!
//! Compiled into every build but installed only when the page's address has a `bench`
//! parameter (`/?bench`): then `window.__adalBench(op, arg)` returns a promise, for `op`
//!
//! - `"setDraft"` (a draft), `"putDraft"` — keep a `Draft`, then save it as autosave does
//!   (`store::ops::put_draft`: serialise and put in one transaction, until committed);
//! - `"setDelta"` (the server's JSON), `"applyDelta"` — keep a `DirectoryDelta`, then
//!   apply it as a directory refresh does (`store::providers::apply`);
//! - `"putDrafts"`, `"putOutbox"` (arrays) — store drafts / outbox items, one
//!   transaction each, as the app writes them;
//! - `"drain"` — send everything queued now (`sync::drain` with `force`), resolving to
//!   the report's counts `[delivered, refused, postponed, busy, waiting, requests]`.
//!
//! One function rather than one per hook: each closure costs its own glue in the wasm.
//! `/directory?bench&page=N` also draws `N` results at once instead of a screenful.
//! Drafts and outbox items come in as plain objects, read with the same deserialiser the
//! store reads them with, so the hooks add little code to the wasm. Nothing here is
//! reachable without the parameter, and nothing here changes what the app stores or
//! sends: each hook calls the function the app itself calls.

use std::cell::{Cell, RefCell};

use adal_core::provider::DirectoryDelta;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::future_to_promise;

use crate::store::{self, Draft, OutboxItem};
use crate::sync;

thread_local! {
    static DRAFT: RefCell<Option<Draft>> = const { RefCell::new(None) };
    static DELTA: RefCell<Option<DirectoryDelta>> = const { RefCell::new(None) };
    static DIRECTORY_PAGE: Cell<Option<usize>> = const { Cell::new(None) };
}

/// How many directory results to draw at once, when the benchmark asked for a number.
pub fn directory_page() -> Option<usize> {
    DIRECTORY_PAGE.get()
}

/// Installs the hooks if the address asks for them; otherwise does nothing.
pub fn install() {
    let Ok(search) = leptos::prelude::window().location().search() else { return };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return };
    if !params.has("bench") {
        return;
    }
    DIRECTORY_PAGE.set(params.get("page").and_then(|n| n.parse().ok()));
    let hook =
        Closure::<dyn Fn(String, JsValue) -> js_sys::Promise>::new(|op: String, arg: JsValue| {
            future_to_promise(run(op, arg))
        });
    let _ = js_sys::Reflect::set(&leptos::prelude::window(), &"__adalBench".into(), hook.as_ref());
    hook.forget();
}

async fn run(op: String, arg: JsValue) -> Result<JsValue, JsValue> {
    match op.as_str() {
        "setDraft" => DRAFT.set(Some(from_js(arg)?)),
        "putDraft" => {
            let draft = DRAFT.with_borrow(Clone::clone).ok_or("no draft: setDraft first")?;
            store::ops::put_draft(&draft).await.map_err(error)?;
        }
        "setDelta" => {
            let json = arg.as_string().ok_or("setDelta takes the server's JSON")?;
            // Decoded as `api` decodes the server's answer.
            DELTA.set(Some(from_js::<DirectoryDelta>(js_sys::JSON::parse(&json)?)?));
        }
        "applyDelta" => {
            let delta = DELTA.with_borrow(Clone::clone).ok_or("no delta: setDelta first")?;
            store::providers::apply(delta, false).await.map_err(error)?;
        }
        "putDrafts" => {
            for draft in js_sys::Array::from(&arg).iter() {
                store::ops::put_draft(&from_js::<Draft>(draft)?).await.map_err(error)?;
            }
        }
        "putOutbox" => {
            for item in js_sys::Array::from(&arg).iter() {
                store::ops::put_outbox(&from_js::<OutboxItem>(item)?).await.map_err(error)?;
            }
        }
        "drain" => {
            let r = sync::drain(true, adal_core::Lang::default()).await.map_err(error)?;
            let counts = [r.delivered, r.refused, r.postponed, r.busy, r.waiting, r.requests];
            return Ok(counts
                .into_iter()
                .map(|n| JsValue::from(n as u32))
                .collect::<js_sys::Array>()
                .into());
        }
        _ => return Err(JsValue::from(format!("no bench hook {op}"))),
    }
    Ok(JsValue::UNDEFINED)
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}

fn error(e: impl std::fmt::Display) -> JsValue {
    JsValue::from(e.to_string())
}
