//! The staff workspace's sentences in Kazakh, Russian and English, from
//! `locales/staff.yml` (rust-i18n, compiled into this crate only, so the citizen app's wasm
//! never carries them). A key the staff file lacks is the citizen app's (`district`,
//! `language`, the timeline's events): [`t`] asks `adal_app::i18n::t` for it.
//!
//! `build.rs` lists every key the sources pass to [`t`], and `tests/locales.rs` fails if
//! any of them is missing in any language, or if a staff key is unused or shadows one of
//! the app's.

use adal_core::Lang;

/// The sentence for `key` in `lang`: the staff workspace's own, or else the app's.
pub fn t(lang: Lang, key: &str) -> String {
    match crate::_rust_i18n_try_translate(lang.tag(), key) {
        Some(text) => text.into_owned(),
        None => adal_app::i18n::t(lang, key),
    }
}

/// Every key the staff workspace's sources pass to [`t`], found by `build.rs`.
pub const USED_KEYS: &[&str] = include!(concat!(env!("OUT_DIR"), "/used_keys.rs"));
