//! Every interface key exists in Kazakh, Russian and English, and none is empty.

use adal_app::i18n::{USED_KEYS, keys_of, t, untranslated};
use adal_core::Lang;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_key_the_app_uses_is_translated_into_every_language() {
    assert!(USED_KEYS.len() > 30, "build.rs found only {} keys", USED_KEYS.len());
    let missing = untranslated(USED_KEYS, t);
    assert!(missing.is_empty(), "untranslated: {missing:?}");
}

#[wasm_bindgen_test]
fn the_three_languages_have_the_same_keys() {
    let keys = |lang: Lang| keys_of(adal_app::_rust_i18n_backend(), lang);
    assert_eq!(keys(Lang::Kk), keys(Lang::Ru));
    assert_eq!(keys(Lang::Ru), keys(Lang::En));
    for key in keys(Lang::En) {
        assert!(USED_KEYS.contains(&key.as_str()), "{key} is in the YAML but no screen uses it");
    }
}
