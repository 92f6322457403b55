//! The architecture invariants ARCHITECTURE.md states, checked on the sources: a module
//! that breaks one fails this test with the file and the line to look at.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The workspace's root (this crate is `server/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf()
}

/// Every `.rs` file below `dir` (relative to the root), with its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut files = Vec::new();
    walk(&root.join(dir), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a source file");
            let name = path.strip_prefix(&root).expect("below the root").display().to_string();
            (name, text)
        })
        .collect()
}

/// The lines of code (comments left out) of `files` outside the paths `allowed` that
/// mention one of `needles`, as `file:line: text`.
fn offenders(files: &[(String, String)], allowed: &[&str], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in files {
        if allowed.iter().any(|a| name.starts_with(a)) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if needles.iter().any(|needle| code.contains(needle)) {
                found.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_the_app_store_touches_indexeddb() {
    let mut files = sources("app/src");
    files.extend(sources("staff/src"));
    let idb = ["indexed_db_futures", "web_sys::Idb", "IdbFactory", "IdbDatabase", "IdbObjectStore"];
    let found = offenders(&files, &["app/src/store.rs", "app/src/store/"], &idb);
    assert!(found.is_empty(), "IndexedDB outside app::store:\n{}", found.join("\n"));
}

#[test]
fn only_the_app_api_and_its_staff_part_do_http() {
    let mut files = sources("app/src");
    files.extend(sources("staff/src"));
    let http = ["gloo_net", "gloo::net", "web_sys::Request", "fetch_with_request", "reqwest"];
    let found = offenders(&files, &["app/src/api.rs", "app/src/api/"], &http);
    assert!(found.is_empty(), "HTTP outside app::api:\n{}", found.join("\n"));
}

#[test]
fn core_does_no_io() {
    let io = [
        "std::fs",
        "std::net",
        "std::process",
        "std::env",
        "std::io::stdin",
        "tokio",
        "reqwest",
        "rusqlite",
        "web_sys",
        "gloo",
        "js_sys",
    ];
    let found = offenders(&sources("core/src"), &[], &io);
    assert!(found.is_empty(), "I/O in core:\n{}", found.join("\n"));
    let manifest = fs::read_to_string(root().join("core/Cargo.toml")).expect("core's manifest");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("core's dependencies");
    for crate_name in ["tokio", "reqwest", "rusqlite", "web-sys", "gloo", "js-sys", "axum"] {
        let declared = dependencies.lines().any(|l| l.trim_start().starts_with(crate_name));
        assert!(!declared, "core depends on {crate_name}, which does I/O");
    }
}

/// The modules of one level named in `files` below `dir`, and which of them each one
/// imports. A file `dir/a.rs` or `dir/a/…` belongs to module `a`; `import_of` reads the
/// names a line imports.
fn import_graph(
    dir: &str,
    files: &[(String, String)],
    import_of: impl Fn(&str) -> Vec<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let module_of = |name: &str| {
        let rest = name.strip_prefix(dir).expect("below dir").trim_start_matches('/');
        rest.split('/').next().unwrap_or(rest).trim_end_matches(".rs").to_owned()
    };
    let modules: BTreeSet<String> = files.iter().map(|(name, _)| module_of(name)).collect();
    let mut graph = BTreeMap::new();
    for (name, text) in files {
        let from = module_of(name);
        let edges: &mut BTreeSet<String> = graph.entry(from.clone()).or_default();
        // Tests may reach anywhere; the graph is the shipped code's.
        let shipped = text.split("#[cfg(test)]").next().unwrap_or(text);
        for line in shipped.lines() {
            let code = line.split("//").next().unwrap_or("");
            for to in import_of(code) {
                if to != from && modules.contains(&to) {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// The names after each `prefix` in `code`: `prefix::a` gives `a`, `prefix::{a, b::c}`
/// gives `a` and `b`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    };
    let mut names = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            names.extend(group.split(',').map(ident));
        } else {
            names.push(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The groups of modules that import each other round a cycle (strongly connected
/// components of more than one module), each sorted, in order.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(at) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reaches(m))).collect();
    let mut groups = BTreeSet::new();
    for (m, from_m) in &reach {
        let group: Vec<String> = from_m
            .iter()
            .filter(|other| reach.get(other).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

#[test]
fn the_servers_database_modules_import_each_other_without_a_cycle() {
    let files: Vec<_> = sources("server/src/db")
        .into_iter()
        .filter(|(name, _)| name != "server/src/db/mod.rs")
        .collect();
    let graph = import_graph("server/src/db", &files, |code| {
        let mut names = names_after(code, "super::");
        names.extend(names_after(code, "crate::db::"));
        names
    });
    assert!(graph.len() > 10, "the db modules were not found: {graph:?}");
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
}

#[test]
fn cores_modules_import_each_other_without_a_cycle() {
    let files: Vec<_> =
        sources("core/src").into_iter().filter(|(name, _)| name != "core/src/lib.rs").collect();
    // What lib.rs re-exports at the root (`crate::District`) belongs to its module.
    let lib = fs::read_to_string(root().join("core/src/lib.rs")).expect("core's lib.rs");
    let mut reexported = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.strip_prefix("pub use ")) {
        let module = line.split("::").next().unwrap_or("").to_owned();
        for name in names_after(line, &format!("{module}::")) {
            reexported.insert(name, module.clone());
        }
    }
    let graph = import_graph("core/src", &files, |code| {
        names_after(code, "crate::")
            .into_iter()
            .map(|name| reexported.get(&name).cloned().unwrap_or(name))
            .collect()
    });
    assert!(graph.len() > 10, "core's modules were not found: {graph:?}");
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
}

/// The longest a function may be, in lines from its `fn` to its closing brace: a longer
/// one is a list of steps that want names of their own.
const FUNCTION_LINES_MAX: usize = 80;

/// Functions that are data tables, not steps: a form's definition, a catalogue of
/// metrics, the sentences of a refusal in three languages. `(file, function)`.
const DATA_TABLES: [(&str, &str); 5] = [
    ("core/src/form/catalogue/mediation.rs", "request_v1"),
    ("core/src/form/catalogue/monitoring.rs", "school_v1"),
    ("core/src/form/catalogue/monitoring.rs", "clinic_v1"),
    ("server/src/metrics.rs", "new"),
    ("server/src/routes/open311/fault.rs", "descriptions"),
];

/// `text` with every comment, string and character literal blanked out (newlines kept),
/// so that only code's own braces are counted.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let starts = |s: &str| s.chars().enumerate().all(|(k, c)| rest.get(k) == Some(&c));
        let end = if starts("//") {
            rest.iter().position(|&c| c == '\n').unwrap_or(rest.len())
        } else if starts("/*") {
            let mut depth = 0;
            let mut k = 0;
            while k < rest.len() {
                if rest[k..].starts_with(&['/', '*']) {
                    depth += 1;
                    k += 2;
                } else if rest[k..].starts_with(&['*', '/']) {
                    depth -= 1;
                    k += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            k
        } else if let Some(len) = raw_string(rest, i == 0 || !is_ident(chars[i - 1])) {
            len
        } else if rest[0] == '"' {
            let mut k = 1;
            while k < rest.len() && rest[k] != '"' {
                k += if rest[k] == '\\' { 2 } else { 1 };
            }
            (k + 1).min(rest.len())
        } else if rest[0] == '\'' {
            // A character literal ('a', '\n', '\u{7f}'), not a lifetime ('a).
            match rest.iter().skip(1).take(10).position(|&c| c == '\'') {
                Some(0) | None => 1,
                Some(k) if rest[1] == '\\' || k == 1 => k + 2,
                Some(_) => 1,
            }
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        out.extend(rest[..end].iter().map(|&c| blank(c)));
        i += end;
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The length of a raw string (`r"…"`, `r#"…"#`, `br"…"`) at the start of `rest`.
fn raw_string(rest: &[char], at_word_start: bool) -> Option<usize> {
    if !at_word_start {
        return None;
    }
    let mut k = usize::from(rest.first() == Some(&'b'));
    if rest.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    let hashes = rest[k..].iter().take_while(|&&c| c == '#').count();
    k += hashes;
    if rest.get(k) != Some(&'"') {
        return None;
    }
    k += 1;
    while k < rest.len() {
        if rest[k] == '"'
            && rest[k + 1..].iter().take(hashes).filter(|&&c| c == '#').count() == hashes
        {
            return Some(k + 1 + hashes);
        }
        k += 1;
    }
    Some(rest.len())
}

/// The name of the function a line of code declares (`pub(crate) async fn name`).
fn declared_fn(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    loop {
        let word_end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let qualifier = ["pub", "const", "async", "unsafe", "extern", "default"].contains(&word)
            || word.starts_with("pub(");
        if word == "fn" {
            let name = rest[word_end..].trim_start();
            let end = name.find(|c: char| !is_ident(c)).unwrap_or(name.len());
            return (end > 0).then(|| &name[..end]);
        }
        if !qualifier {
            return None;
        }
        rest = rest[word_end..].trim_start();
    }
}

/// Every function of the shipped code of `text` (what comes before `#[cfg(test)]`) with a
/// body, as `(name, first line, lines)`.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let shipped = text.split("#[cfg(test)]").next().unwrap_or(text);
    let code = code_only(shipped);
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = declared_fn(line) else { continue };
        let mut depth = 0i64;
        let mut opened = false;
        'body: for (n, line) in lines.iter().enumerate().skip(start) {
            for c in line.chars() {
                match c {
                    // A declaration without a body (a trait's, an extern's).
                    ';' if !opened => break 'body,
                    '{' => {
                        opened = true;
                        depth += 1;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
                if opened && depth == 0 {
                    found.push((name.to_owned(), start + 1, n - start + 1));
                    break 'body;
                }
            }
        }
    }
    found
}

#[test]
fn the_length_counter_sees_through_strings_comments_and_lifetimes() {
    let text = "pub(crate) async fn a<'x>(s: &'x str) -> char {\n    // }\n    let _ = \"}\";\n    \
                let _ = r#\"}\"#;\n    '}'\n}\nfn b();\nfn c() {}\n#[cfg(test)]\nfn d() {}\n";
    assert_eq!(
        functions(text),
        [("a".to_owned(), 1, 6), ("c".to_owned(), 8, 1)],
        "{}",
        code_only(text)
    );
}

#[test]
fn no_function_of_any_crate_is_longer_than_eighty_lines() {
    let mut files = Vec::new();
    for crate_sources in [
        "core/src",
        "core/examples",
        "server/src",
        "app/src",
        "staff/src",
        "bench/src",
        "tests/chaos/src",
    ] {
        files.extend(sources(crate_sources));
    }
    files.retain(|(name, _)| !name.ends_with("/tests.rs"));
    assert!(files.len() > 50, "the sources were not found");
    let mut long = Vec::new();
    for (name, text) in &files {
        for (function, line, lines) in functions(text) {
            let table = DATA_TABLES.contains(&(name.as_str(), function.as_str()));
            if lines > FUNCTION_LINES_MAX && !table {
                long.push(format!("{name}:{line}: {function} has {lines} lines"));
            }
        }
    }
    assert!(long.is_empty(), "split these into named steps:\n{}", long.join("\n"));
}
