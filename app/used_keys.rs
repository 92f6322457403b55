// Shared by app/build.rs and staff/build.rs (included, not a module): finds the interface
// string keys a crate's sources use.

use std::fs;
use std::path::Path;

/// Writes `OUT_DIR/used_keys.rs`: every key the crate's `src` passes to `t`, sorted.
fn write_used_keys() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=locales");
    let mut keys = Vec::new();
    collect(Path::new("src"), &mut keys);
    keys.sort();
    keys.dedup();
    let list: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("used_keys.rs");
    fs::write(out, format!("&[{}]", list.join(", "))).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, keys: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, keys);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = fs::read_to_string(&path).expect("source is UTF-8");
            keys.extend(keys_in(&source));
        }
    }
}

/// The keys in one source file: the string literal that is the second argument of each
/// `t(lang, "key")` call, and the `label`/`help` props of form rows.
fn keys_in(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = source.as_bytes();
    for (start, _) in source.match_indices("t(") {
        let is_call =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if !is_call {
            continue;
        }
        // Skip the first argument (which may itself contain calls) to the comma at depth 0.
        let mut depth = 0;
        let mut second = None;
        for (i, c) in source[start + 2..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => break,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    second = Some(start + 2 + i + 1);
                    break;
                }
                _ => {}
            }
        }
        let Some(second) = second else { continue };
        let arg = source[second..].trim_start();
        if let Some(literal) = arg.strip_prefix('"')
            && let Some(end) = literal.find('"')
        {
            found.push(literal[..end].to_owned());
        }
    }
    // Keys handed to a form row as props: `label="district" help="district_help"`.
    for prop in ["label=\"", "help=\""] {
        for (start, _) in source.match_indices(prop) {
            let literal = &source[start + prop.len()..];
            if let Some(end) = literal.find('"') {
                found.push(literal[..end].to_owned());
            }
        }
    }
    found
}
