//! Lists every interface string key the sources use, so a test can check that each one
//! exists in every language (see `src/i18n.rs`).

include!("used_keys.rs");

fn main() {
    println!("cargo:rerun-if-changed=used_keys.rs");
    write_used_keys();
}
