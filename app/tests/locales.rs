//! Every interface key exists in Kazakh, Russian and English, and none is empty.

use adal_app::i18n::{USED_KEYS, t};
use adal_core::Lang;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_key_the_app_uses_is_translated_into_every_language() {
    assert!(USED_KEYS.len() > 30, "build.rs found only {} keys", USED_KEYS.len());
    let mut missing = Vec::new();
    for key in USED_KEYS {
        for lang in Lang::ALL {
            let text = t(lang, key);
            // rust-i18n answers a missing translation with the key itself, bare or
            // prefixed with the locale; no fallback language is configured.
            if text.is_empty() || text == *key || text == format!("{}.{key}", lang.tag()) {
                missing.push(format!("{key} [{}]", lang.tag()));
            }
        }
    }
    assert!(missing.is_empty(), "untranslated: {missing:?}");
}

#[wasm_bindgen_test]
fn the_three_languages_have_the_same_keys() {
    let backend = adal_app::_rust_i18n_backend();
    let keys = |lang: Lang| {
        let mut keys: Vec<String> = backend
            .messages_for_locale(lang.tag())
            .unwrap_or_default()
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(Lang::Kk), keys(Lang::Ru));
    assert_eq!(keys(Lang::Ru), keys(Lang::En));
    for key in keys(Lang::En) {
        assert!(USED_KEYS.contains(&key.as_str()), "{key} is in the YAML but no screen uses it");
    }
}
