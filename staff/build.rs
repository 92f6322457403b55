//! Lists every interface string key the staff sources use, so a test can check that each
//! one exists in every language (see `src/i18n.rs`).

include!("../app/used_keys.rs");

fn main() {
    println!("cargo:rerun-if-changed=../app/used_keys.rs");
    write_used_keys();
}
