//! Every key the staff workspace uses exists in Kazakh, Russian and English; every key of
//! `locales/staff.yml` is used, and none of them shadows one of the citizen app's.

use adal_app::i18n::{keys_of as keys, untranslated};
use adal_core::Lang;
use adal_staff::i18n::{USED_KEYS, t};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_key_the_staff_workspace_uses_is_translated_into_every_language() {
    assert!(USED_KEYS.len() > 30, "build.rs found only {} keys", USED_KEYS.len());
    let missing = untranslated(USED_KEYS, t);
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
