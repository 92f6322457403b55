//! Interface sentences in Kazakh, Russian and English, from `locales/app.yml` (rust-i18n).
//!
//! Field error messages, district and category names come from `adal_core`, so the
//! server and the client say the same thing; the YAML holds only what the screens say.
//! `build.rs` lists every key the sources pass to [`t`], and `tests/locales.rs` fails if
//! any of them is missing in any language.

use adal_core::Lang;

/// The sentence for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.tag()).into_owned()
}

/// Every key the app's sources pass to [`t`], found by `build.rs`.
pub const USED_KEYS: &[&str] = include!(concat!(env!("OUT_DIR"), "/used_keys.rs"));
