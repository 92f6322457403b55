//! Interface sentences in Kazakh, Russian and English, from `locales/app.yml` (rust-i18n).
//!
//! Field error messages, district and category names come from `adal_core`, so the
//! server and the client say the same thing; the YAML holds only what the screens say.
//! `build.rs` lists every key the sources pass to [`t`], and `tests/locales.rs` fails if
//! any of them is missing in any language.

use adal_core::Lang;
use adal_core::receipt::EventKind;
use leptos::prelude::RwSignal;

/// The interface language, in context for components both apps share (the act).
#[derive(Clone, Copy)]
pub struct UiLang(pub RwSignal<Lang>);

/// The sentence for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.tag()).into_owned()
}

/// Every key the app's sources pass to [`t`], found by `build.rs`.
pub const USED_KEYS: &[&str] = include!(concat!(env!("OUT_DIR"), "/used_keys.rs"));

/// The keys of `used` that `t` does not translate into some language, as `key [tag]`:
/// what both apps' locale tests check of their own strings.
pub fn untranslated(used: &[&str], t: fn(Lang, &str) -> String) -> Vec<String> {
    let mut missing = Vec::new();
    for key in used {
        for lang in Lang::ALL {
            let text = t(lang, key);
            // rust-i18n answers a missing translation with the key itself, bare or
            // prefixed with the locale; no fallback language is configured.
            if text.is_empty() || text == *key || text == format!("{}.{key}", lang.tag()) {
                missing.push(format!("{key} [{}]", lang.tag()));
            }
        }
    }
    missing
}

/// Every key a rust-i18n `backend` holds in `lang`, sorted.
pub fn keys_of(backend: &dyn rust_i18n::Backend, lang: Lang) -> Vec<String> {
    let mut keys: Vec<String> = backend
        .messages_for_locale(lang.tag())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, _)| k.into_owned())
        .collect();
    keys.sort();
    keys
}

/// What a timeline entry is called, in the person's language.
pub fn event_label(kind: EventKind, lang: Lang) -> String {
    match kind {
        EventKind::Received => t(lang, "event_received"),
        EventKind::Registered => t(lang, "event_registered"),
        EventKind::Forwarded => t(lang, "event_forwarded"),
        EventKind::Assigned => t(lang, "event_assigned"),
        EventKind::Extended => t(lang, "event_extended"),
        EventKind::Answered => t(lang, "event_answered"),
        EventKind::Closed => t(lang, "event_closed"),
        EventKind::IdentityAdded => t(lang, "event_identity_added"),
        EventKind::InfoRequested => t(lang, "event_info_requested"),
        EventKind::InfoProvided => t(lang, "event_info_provided"),
        EventKind::SessionScheduled => t(lang, "event_session_scheduled"),
        EventKind::SessionHeld => t(lang, "event_session_held"),
        EventKind::ActSigned => t(lang, "event_act_signed"),
        EventKind::Note => t(lang, "event_note"),
        EventKind::Other => t(lang, "event_other"),
    }
}
