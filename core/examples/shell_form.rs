//! Renders the complaint form into the static shell, at build time, from the same schema
//! the app and the server use: one `<template id="shell-form-{lang}">` per language, which
//! `app/shell.js` copies into the page before its first paint on `/start/complaint`. A
//! person can then type at once, before the wasm has arrived; the app adopts the draft
//! the script saved and takes over the same markup (see `app/src/shell.rs`).
//!
//! The markup mirrors `app/src/components/form` element by element (ids, classes and
//! attributes), so the app's first frame looks like the shell's last one. Widgets that
//! need the app (photos, the place) are drawn disabled until it starts.
//!
//! Run by the Trunk post-build hook (scripts/precache.mjs): `cargo run -p adal-core
//! --example shell_form`, which prints the templates on stdout. An example, not the
//! library: `adal-core` itself does no I/O.

use std::fmt::Write;

use adal_core::District;
use adal_core::form::{Choice, FieldDef, FieldKind, FormSchema};
use adal_core::lang::Lang;

/// The form drawn before the app: the one a first visitor most often comes for.
const FORM: &str = "complaint";
/// Choices up to this many are radio buttons; more become a list box (as the app).
const MAX_RADIOS: usize = 6;
/// The app's interface sentences (the same file the app compiles in).
const LOCALES: &str = include_str!("../../app/locales/app.yml");

fn main() {
    let schema = adal_core::form::current(FORM).expect("the catalogue has the complaint");
    let mut out = String::new();
    for lang in Lang::ALL {
        render(&mut out, schema, lang);
    }
    print!("{out}");
}

/// The sentence `key` of the app's locales in `lang` (`key:` then `  kk: "…"` lines).
fn ui(key: &str, lang: Lang) -> String {
    let mut lines = LOCALES.lines().skip_while(|l| *l != format!("{key}:")).skip(1);
    let prefix = format!("  {}: ", lang.tag());
    let line = lines
        .by_ref()
        .take_while(|l| l.starts_with("  "))
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("app/locales/app.yml lacks {key} in {}", lang.tag()));
    let value = line[prefix.len()..].trim();
    let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    value.replace("\\\"", "\"")
}

/// Every text and attribute value of the markup goes through here.
fn esc(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

fn render(out: &mut String, schema: &FormSchema, lang: Lang) {
    let tag = lang.tag();
    let offline = esc(&ui("offline", lang));
    let _ = write!(
        out,
        r#"<template id="shell-form-{tag}" data-form="{id}" data-version="{version}" data-offline="{offline}">"#,
        id = schema.id,
        version = schema.version,
    );
    // The header and status line, as `components::Header` and `StatusBar` draw them.
    let _ = write!(
        out,
        r#"<header class="top"><a class="brand" href="/">Adal</a><p class="tagline">{}</p><nav class="langs" aria-label="{}">"#,
        esc(&ui("app_tagline", lang)),
        esc(&ui("language", lang)),
    );
    for l in Lang::ALL {
        let _ = write!(
            out,
            r#"<button type="button" lang="{}" aria-pressed="{}">{}</button>"#,
            l.tag(),
            l == lang,
            l.native_name()
        );
    }
    let _ = write!(
        out,
        r#"</nav></header><div class="status" role="status" aria-live="polite"><span class="status-text">{}</span></div>"#,
        esc(&ui("online", lang)),
    );
    // The page, as `pages::form::FormEditor` draws it.
    let _ = write!(
        out,
        r#"<main id="main" class="page"><a href="/" class="back">{}</a><h1>{}</h1>"#,
        esc(&ui("back", lang)),
        esc(schema.title.get(lang)),
    );
    if let Some(help) = &schema.help {
        let _ = write!(out, r#"<p class="muted">{}</p>"#, esc(help.get(lang)));
    }
    let _ = write!(
        out,
        r#"<p class="muted">{}</p><form novalidate>"#,
        esc(&ui("saved_as_you_type", lang))
    );
    for field in &schema.fields {
        widget(out, field, lang);
    }
    let _ = write!(
        out,
        r#"<div class="actions"><button type="submit" class="primary big">{}</button><p class="saved" aria-live="polite">{}</p></div></form><button type="button" class="link danger">{}</button></main></template>"#,
        esc(&ui("send", lang)),
        esc(&ui("saved", lang)),
        esc(&ui("delete", lang)),
    );
}

/// One field, as `components::form::widgets::widget` draws it with nothing typed yet.
fn widget(out: &mut String, def: &FieldDef, lang: Lang) {
    let id = format!("f-{}", def.key.replace('.', "-"));
    let label = esc(def.label.get(lang));
    let help = def
        .help
        .as_ref()
        .map(|h| format!(r#"<p id="{id}-help" class="help">{}</p>"#, esc(h.get(lang))));
    let describedby =
        if help.is_some() { format!("{id}-help {id}-error") } else { format!("{id}-error") };
    let help = help.unwrap_or_default();
    let error = format!(r#"<p id="{id}-error" class="error-text"></p>"#);
    let common = format!(r#"id="{id}" aria-invalid="false" aria-describedby="{describedby}""#);
    let parts = Parts { id: &id, label: &label, help: &help, error: &error };
    let control = match &def.kind {
        FieldKind::ShortText { max, .. } | FieldKind::Institution { max, .. } => {
            format!(r#"<input {common} type="text" autocomplete="off" maxlength="{}">"#, max * 2)
        }
        FieldKind::LongText { max, .. } => format!(
            r#"<textarea {common} rows="6"></textarea><p class="counter" aria-hidden="true">0 / {max}</p>"#
        ),
        FieldKind::Phone => {
            format!(r#"<input {common} type="tel" inputmode="tel" autocomplete="tel">"#)
        }
        FieldKind::Iin => format!(
            r#"<input {common} type="text" inputmode="numeric" autocomplete="off" maxlength="12">"#
        ),
        FieldKind::Number { .. } => {
            format!(r#"<input {common} type="text" inputmode="decimal" autocomplete="off">"#)
        }
        FieldKind::Date { .. } => format!(r#"<input {common} type="date">"#),
        FieldKind::Time => format!(r#"<input {common} type="time">"#),
        FieldKind::District => select(
            &common,
            lang,
            District::ALL.iter().map(|d| (d.code().to_owned(), d.name(lang).to_owned())),
        ),
        FieldKind::SingleChoice { options } if options.len() > MAX_RADIOS => select(
            &common,
            lang,
            options.iter().map(|c| (c.value.clone(), c.label.get(lang).to_owned())),
        ),
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => {
            return choices(out, def, options, &parts, lang);
        }
        FieldKind::Checkbox | FieldKind::Consent => {
            let _ = write!(
                out,
                r#"<div class="field"><label class="choice"><input {common} type="checkbox">{label}</label>{help}{error}</div>"#
            );
            return;
        }
        FieldKind::Photo { .. } => return photo(out, def, &parts, lang),
        FieldKind::Location => return location(out, def, &parts, lang),
        // Other forms' kinds (providers, yes/no, groups) never reach the complaint.
        other => panic!("the shell cannot draw {other:?}: draw it or leave it to the app"),
    };
    let _ = write!(
        out,
        r#"<div class="field"><label for="{id}">{label}</label>{help}{control}{error}</div>"#
    );
}

/// What every widget of one field shares: its id, label, help and error line.
struct Parts<'a> {
    id: &'a str,
    label: &'a str,
    help: &'a str,
    error: &'a str,
}

/// Radio buttons or checkboxes in a fieldset.
fn choices(out: &mut String, def: &FieldDef, options: &[Choice], parts: &Parts, lang: Lang) {
    let Parts { id, label, help, error } = parts;
    let kind =
        if matches!(def.kind, FieldKind::MultipleChoice { .. }) { "checkbox" } else { "radio" };
    let _ = write!(
        out,
        r#"<fieldset class="field" aria-describedby="{id}-help {id}-error"><legend>{label}</legend>{help}"#
    );
    for choice in options {
        let _ = write!(
            out,
            r#"<label class="choice"><input type="{kind}" name="{id}" id="{id}-{v}" value="{v}">{}</label>"#,
            esc(choice.label.get(lang)),
            v = esc(&choice.value),
        );
    }
    let _ = write!(out, "{error}</fieldset>");
}

/// The photo picker, disabled until the app takes over.
fn photo(out: &mut String, def: &FieldDef, parts: &Parts, lang: Lang) {
    let Parts { id, label, error, .. } = parts;
    let help = format!(
        r#"<p id="{id}-help" class="help">{}</p>"#,
        esc(&def
            .help
            .as_ref()
            .map(|h| h.get(lang).to_owned())
            .unwrap_or_else(|| ui("photo_help", lang)))
    );
    let _ = write!(
        out,
        r#"<div class="field"><span class="label" id="{id}-label">{label}</span>{help}<ul class="photos" aria-labelledby="{id}-label"></ul><label class="secondary file">{}<input id="{id}" type="file" accept="image/*" class="visually-hidden" aria-describedby="{id}-help {id}-error" disabled></label><p class="error-text" role="status"></p>{error}</div>"#,
        esc(&ui("photo_add", lang)),
    );
}

/// "Use my location", disabled until the app takes over.
fn location(out: &mut String, def: &FieldDef, parts: &Parts, lang: Lang) {
    let Parts { id, label, .. } = parts;
    let help = def
        .help
        .as_ref()
        .map(|h| format!(r#"<p class="help">{}</p>"#, esc(h.get(lang))))
        .unwrap_or_default();
    let _ = write!(
        out,
        r#"<div class="field"><span class="label">{label}</span>{help}<button type="button" class="secondary" id="{id}" disabled>{}</button><p class="muted" role="status"></p><p id="{id}-error" class="error-text"></p></div>"#,
        esc(&ui("location_use", lang)),
    );
}

fn select(common: &str, lang: Lang, options: impl Iterator<Item = (String, String)>) -> String {
    let mut html =
        format!(r#"<select {common}><option value="">{}</option>"#, esc(&ui("choose_one", lang)));
    for (value, label) in options {
        let _ = write!(html, r#"<option value="{}">{}</option>"#, esc(&value), esc(&label));
    }
    html + "</select>"
}
