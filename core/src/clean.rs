//! Free text from outside, made safe to store, show and log: the one rule every text
//! path follows (form answers, the name added to a receipt, a reply, an act's fields, a
//! mediation session, the directory's entries, staff notes).
//!
//! The rule, in order:
//! 1. **Terminal escape sequences are removed whole** (`ESC [ 31 m`, OSC strings ended by
//!    BEL or ST, and their C1 forms), so that no text can recolour or retitle the terminal
//!    of whoever reads a log or an export, and no `[31m` is left behind.
//! 2. **Line breaks** (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029) become `\n` in
//!    multi-line text ([`Lines::Many`]) and one space in single-line text; a tab is kept in
//!    multi-line text and becomes a space in single-line text.
//! 3. **Every other C0 and C1 control character is removed**, as are DEL and the
//!    noncharacters.
//! 4. **Invisible format characters are removed**: bidi embeddings, overrides, isolates and
//!    marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), zero-width spaces,
//!    word joiners and invisible operators (U+200B, U+2060–U+2064), the byte-order mark,
//!    the soft hyphen, Hangul fillers, tag characters and the rest of Unicode's
//!    default-ignorable code points — except the few that only shape the character before
//!    them (ZWJ, ZWNJ, variation selectors, the combining grapheme joiner): those are kept
//!    right after a visible character, where they join an emoji (👩‍⚕️) or choose its
//!    presentation (❤️), and removed anywhere else.
//! 5. The ends are trimmed.
//!
//! Then, for text that is stored as an answer ([`crate::validation::text`] and
//! [`crate::validation::long_text`]), **NFC** ([`nfc`], with the `nfc` feature, see below).
//!
//! **Strip, not refuse.** Messengers and word processors put invisible marks into text
//! people copy from them (a left-to-right mark, a zero-width space, a soft hyphen); a
//! refusal would point at a problem the person cannot see, let alone fix. Removing what
//! cannot be seen loses nothing anyone typed on purpose, so it happens silently. What is
//! refused is text with nothing visible left: a required field of two zero-width spaces
//! or ten U+0000 gets the ordinary "required" error in the person's language, and a
//! minimum length is counted on what is left ([`visible_len`]).
//!
//! **NFC only on the server.** Unicode's composition tables cost the browser's wasm some
//! 47 KB (brotli), 8 % of it, over its 5 % growth budget, for what they give there, so
//! NFC sits behind this crate's `nfc` feature, which only `adal-server` turns on: the
//! device strips and judges visible text exactly as the server does, and the server stores
//! the composed text. NFC never brings back anything the steps above remove, so the
//! device's answer and the server's differ at most in how a letter with a diacritic is
//! encoded; what is refused is the same on both. [`clean`] itself never composes: the
//! reconciliation act's text is hashed on the device that prints it and again on the
//! server, and the two hashes must be one (see [`crate::act`]).
//!
//! Cleaning is idempotent: `clean(clean(x)) == clean(x)`, and `nfc` keeps it clean.

/// Whether a text may hold line breaks (a description, a note) or is one line (a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// `raw` with the rule of this module applied: escapes, controls and invisible characters
/// removed, line breaks as `lines` allows, ends trimmed. The same on every build.
pub fn clean(raw: &str, lines: Lines) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\u{1b}' => rest = after_escape(rest),
            CSI => rest = after_csi(rest),
            '\u{90}' | OSC | '\u{98}' | '\u{9e}' | '\u{9f}' => rest = after_string(rest, rest),
            '\r' => {
                rest = rest.strip_prefix('\n').unwrap_or(rest);
                push_break(&mut out, lines);
            }
            '\n' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                push_break(&mut out, lines)
            }
            '\t' => out.push(if lines == Lines::Many { '\t' } else { ' ' }),
            c if c.is_control() || is_noncharacter(c) || is_removed_format(c) => {}
            c if is_attached(c) => {
                if out.chars().next_back().is_some_and(is_visible) {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    match out.trim() {
        trimmed if trimmed.len() == out.len() => out,
        trimmed => trimmed.to_owned(),
    }
}

/// The number of characters of already cleaned `text` that show: the joiners and
/// selectors [`clean`] keeps do not count. Minimum lengths are judged on this.
pub fn visible_len(text: &str) -> usize {
    text.chars().filter(|&c| !is_attached(c)).count()
}

/// Whether `raw` has nothing visible: empty, blank, or only what [`clean`] removes.
/// Such an answer is no answer.
pub fn is_blank(raw: &str) -> bool {
    // Most answers have a letter or digit and no escape: no copy is needed. (With an
    // escape, the digit may be part of it: `ESC 0` is nothing.)
    let escapes = ['\u{1b}', CSI, OSC, '\u{90}', '\u{98}', '\u{9e}', '\u{9f}'];
    if !raw.contains(escapes) && raw.chars().any(|c| c.is_alphanumeric() && !is_removed_format(c)) {
        return false;
    }
    clean(raw, Lines::Many).is_empty()
}

/// Whether `c` is shown by itself: not whitespace, and not one of the characters that only
/// shape the one before.
fn is_visible(c: char) -> bool {
    !c.is_whitespace() && !is_attached(c)
}

const CSI: char = '\u{9b}';
const OSC: char = '\u{9d}';
/// String terminator, C1 form.
const ST: char = '\u{9c}';
const BEL: char = '\u{7}';

fn push_break(out: &mut String, lines: Lines) {
    out.push(if lines == Lines::Many { '\n' } else { ' ' });
}

/// What follows an escape sequence that starts with ESC (already read) in `rest`.
fn after_escape(rest: &str) -> &str {
    let mut chars = rest.chars();
    match chars.next() {
        Some('[') => after_csi(chars.as_str()),
        // OSC, DCS, SOS, PM, APC: a string up to BEL or ST.
        Some(']' | 'P' | 'X' | '^' | '_') => after_string(chars.as_str(), rest),
        // Any other escape: intermediate bytes, then one final byte.
        _ => {
            let tail = rest.trim_start_matches(|c| ('\u{20}'..='\u{2f}').contains(&c));
            let mut chars = tail.chars();
            match chars.next() {
                Some('\u{30}'..='\u{7e}') => chars.as_str(),
                _ => tail,
            }
        }
    }
}

/// What follows a control sequence whose introducer was read: parameter bytes,
/// intermediate bytes, then a final byte if there is one.
fn after_csi(rest: &str) -> &str {
    let tail = rest.trim_start_matches(|c| ('\u{20}'..='\u{3f}').contains(&c));
    let mut chars = tail.chars();
    match chars.next() {
        Some('\u{40}'..='\u{7e}') => chars.as_str(),
        _ => tail,
    }
}

/// What follows a control string (OSC and the like) that starts at `rest`: the string is
/// removed up to and with its terminator (BEL, ST, or ESC `\`). An unterminated one is not a
/// control string after all: only its introducer goes, and `unterminated` is read on.
fn after_string<'a>(rest: &'a str, unterminated: &'a str) -> &'a str {
    let Some(end) = rest.find([BEL, ST, '\u{1b}']) else { return unterminated };
    let tail = &rest[end..];
    match tail.strip_prefix("\u{1b}\\") {
        Some(after) => after,
        // A lone ESC ends the string too (a new sequence begins there).
        None if tail.starts_with('\u{1b}') => tail,
        // BEL or ST, one character.
        None => &tail[tail.chars().next().map_or(0, char::len_utf8)..],
    }
}

/// Characters that only shape the visible character before them: kept there, removed
/// anywhere else.
fn is_attached(c: char) -> bool {
    matches!(c,
        '\u{34f}'                       // combining grapheme joiner
        | '\u{200c}' | '\u{200d}'       // zero-width non-joiner, joiner (emoji sequences)
        | '\u{fe00}'..='\u{fe0f}'       // variation selectors (❤️)
        | '\u{e0100}'..='\u{e01ef}'     // variation selectors supplement
    )
}

/// Default-ignorable code points (Unicode's DerivedCoreProperties) other than the
/// attached ones, and the few other format characters that hide text: all removed.
fn is_removed_format(c: char) -> bool {
    matches!(c,
        '\u{ad}'                        // soft hyphen
        | '\u{61c}'                     // Arabic letter mark
        | '\u{115f}' | '\u{1160}'       // Hangul fillers
        | '\u{17b4}' | '\u{17b5}'       // Khmer inherent vowels
        | '\u{180b}'..='\u{180f}'       // Mongolian free variation selectors, vowel separator
        | '\u{200b}'                    // zero-width space
        | '\u{200e}' | '\u{200f}'       // left-to-right, right-to-left marks
        | '\u{202a}'..='\u{202e}'       // bidi embeddings and overrides
        | '\u{2060}'..='\u{206f}'       // word joiner, invisible operators, bidi isolates
        | '\u{3164}'                    // Hangul filler
        | '\u{feff}'                    // byte-order mark, zero-width no-break space
        | '\u{ffa0}'                    // halfwidth Hangul filler
        | '\u{fff0}'..='\u{fffb}'       // unassigned specials, interlinear annotation
        | '\u{1bca0}'..='\u{1bca3}'     // shorthand format controls
        | '\u{1d173}'..='\u{1d17a}'     // musical symbol format controls
        | '\u{e0000}'..='\u{e00ff}'     // tag characters
        | '\u{e01f0}'..='\u{e0fff}'     // reserved default-ignorables
    )
}

/// Code points Unicode keeps out of interchange.
fn is_noncharacter(c: char) -> bool {
    let c = u32::from(c);
    (0xfdd0..=0xfdef).contains(&c) || c & 0xfffe == 0xfffe
}

/// `text` in Unicode's composed form (NFC) with the `nfc` feature (the server's build);
/// unchanged without it (the browser's). Cleaned text stays clean.
#[cfg(feature = "nfc")]
pub fn nfc(text: String) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// `text` unchanged: this build has no `nfc` feature (see the module's documentation).
#[cfg(not(feature = "nfc"))]
pub fn nfc(text: String) -> String {
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(raw: &str) -> String {
        clean(raw, Lines::One)
    }

    fn many(raw: &str) -> String {
        clean(raw, Lines::Many)
    }

    #[test]
    fn null_characters_and_other_controls_are_removed() {
        assert_eq!(many(&"\u{0}".repeat(10)), "");
        assert_eq!(one("Ай\u{0}гер\u{7}им\u{7f}\u{85}"), "Айгерим");
        assert!(is_blank(&"\u{0}".repeat(10)));
        // Found by the property tests: the digit is the escape's final byte.
        assert!(is_blank("\u{1b}0"));
        assert!(is_blank("\u{1b}[31m\u{1b}[0m"));
    }

    #[test]
    fn zero_width_and_bidi_characters_are_removed() {
        assert_eq!(one("\u{200b}\u{200b}"), "");
        assert!(is_blank("\u{200b}\u{200b}"));
        assert!(is_blank("\u{feff}\u{2060}\u{00ad}\u{3164}\u{200e}"));
        assert_eq!(one("invoice\u{202e}fdp.exe"), "invoicefdp.exe");
        assert_eq!(one("\u{2066}Болат\u{2069} \u{202a}К.\u{202c}"), "Болат К.");
    }

    #[test]
    fn terminal_escapes_are_removed_whole() {
        assert_eq!(one("\u{1b}[31mred\u{1b}[0m text"), "red text");
        assert_eq!(one("\u{1b}[2J\u{1b}[1;1Hcleared"), "cleared");
        assert_eq!(one("\u{1b}]0;owned\u{7}title"), "title");
        assert_eq!(one("\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\"), "link");
        assert_eq!(one("\u{9b}31mC1 form"), "C1 form");
        assert_eq!(one("\u{1b}(Bcharset \u{1b}c reset"), "charset  reset");
        // An OSC that never ends is not one: only its introducer goes.
        assert_eq!(one("\u{1b}]not a title"), "]not a title");
    }

    #[test]
    fn line_breaks_and_tabs_stay_only_in_multi_line_text() {
        assert_eq!(many("one\r\ntwo\rthree\u{2028}four\tfive"), "one\ntwo\nthree\nfour\tfive");
        assert_eq!(one("one\r\ntwo\tthree"), "one two three");
    }

    #[test]
    fn joiners_and_selectors_stay_only_after_a_visible_character() {
        let health_worker = "👩\u{200d}⚕\u{fe0f}";
        assert_eq!(one(health_worker), health_worker);
        assert_eq!(one("❤\u{fe0f}"), "❤\u{fe0f}");
        assert_eq!(one("\u{200d}\u{200d}"), "");
        assert_eq!(one("a \u{fe0f}\u{200d}b"), "a b");
        assert_eq!(one("a\u{200d}\u{200d}"), "a\u{200d}");
        assert_eq!(visible_len(health_worker), 2);
    }

    #[test]
    fn text_people_type_is_unchanged() {
        for text in ["Әділет Сарсенова", "Школа № 12, «Ақжайық»", "O'Brien — 5 000 ₸", "日本"]
        {
            assert_eq!(one(text), text);
            assert_eq!(many(text), text);
        }
        assert_eq!(many("  Абзац.\n\n\tЕщё один.  "), "Абзац.\n\n\tЕщё один.");
    }

    #[cfg(feature = "nfc")]
    #[test]
    fn letters_are_stored_composed() {
        // й as и + combining breve, as some keyboards type it.
        assert_eq!(nfc(one("Ақжаи\u{306}ық")), "Ақжайық");
        assert_eq!(one("Ақжаи\u{306}ық").chars().count(), 8, "clean itself never composes");
    }

    #[test]
    fn cleaning_twice_changes_nothing() {
        for raw in [
            "\u{1b}[\u{1b}[31m",
            "a\u{200b}\u{200d}b",
            "\u{1b}\u{1b}]x\u{9c}y",
            " \u{200d}a\t\r\n\u{0} ",
            "\u{1b}]\u{1b}\\[31m",
        ] {
            for lines in [Lines::One, Lines::Many] {
                let once = clean(raw, lines);
                assert_eq!(clean(&once, lines), once, "{raw:?}");
                assert_eq!(clean(&nfc(once.clone()), lines), nfc(once), "{raw:?}");
            }
        }
    }
}
