//! Every key the staff workspace uses exists in Kazakh, Russian and English; every key of
//! `locales/staff.yml` is used, and none of them shadows one of the citizen app's.

use adal_core::Lang;
use adal_staff::i18n::{USED_KEYS, t};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn keys(backend: &dyn rust_i18n::Backend, lang: Lang) -> Vec<String> {
    let mut keys: Vec<String> = backend
        .messages_for_locale(lang.tag())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, _)| k.into_owned())
        .collect();
    keys.sort();
    keys
}

#[wasm_bindgen_test]
fn every_key_the_staff_workspace_uses_is_translated_into_every_language() {
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
fn the_staff_file_is_used_complete_and_shadows_nothing() {
    let staff = adal_staff::_rust_i18n_backend();
    assert_eq!(keys(staff, Lang::Kk), keys(staff, Lang::Ru));
    assert_eq!(keys(staff, Lang::Ru), keys(staff, Lang::En));
    let app = keys(adal_app::_rust_i18n_backend(), Lang::En);
    for key in keys(staff, Lang::En) {
        assert!(USED_KEYS.contains(&key.as_str()), "{key} is in staff.yml but no screen uses it");
        assert!(!app.contains(&key), "{key} is in both staff.yml and app.yml");
    }
}

#[wasm_bindgen_test]
fn a_shared_key_comes_from_the_app_and_a_staff_key_from_the_staff_file() {
    assert_eq!(t(Lang::En, "district"), adal_app::i18n::t(Lang::En, "district"));
    assert_ne!(t(Lang::En, "staff_back_to_inbox"), "staff_back_to_inbox");
    // The citizen app's strings do not know the staff workspace's.
    assert_eq!(adal_app::_rust_i18n_backend().translate("en", "staff_back_to_inbox"), None);
}
