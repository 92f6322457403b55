//! CSV cells that a spreadsheet shows as text: a cell starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula
//! (CWE-1236), so a citizen's "=HYPERLINK(…)" typed as an institution would run on a
//! curator's computer when the report is opened. Every CSV the server writes (the
//! export, the report, the directory) goes through [`cell`]; the directory import reads
//! its cells back through [`uncell`], so an exported file imports unchanged.
//!
//! The rule, OWASP's: such a cell is written after a `'`, which spreadsheets take as
//! "this is text" and do not show. So that the mark can be taken off again without
//! guessing, a cell that already starts with `'` gets one more.

use std::borrow::Cow;
use std::io::Write;

/// What makes a spreadsheet read a cell as a formula, when it comes first.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// Spreadsheets' "text follows" mark, which they do not display.
const MARK: char = '\'';

fn needs_mark(text: &str) -> bool {
    text.starts_with(|c| TRIGGERS.contains(&c) || c == MARK)
}

/// `text` as a cell that a spreadsheet shows as text.
pub fn cell(text: &str) -> Cow<'_, str> {
    if needs_mark(text) { Cow::Owned(format!("{MARK}{text}")) } else { Cow::Borrowed(text) }
}

/// The text of a cell [`cell`] wrote (or a person marked by hand): the mark taken off
/// where [`cell`] would have put it; any other cell as it is.
pub fn uncell(cell: &str) -> &str {
    match cell.strip_prefix(MARK) {
        Some(rest) if needs_mark(rest) => rest,
        _ => cell,
    }
}

/// A CSV writer whose every cell goes through [`cell`].
pub struct Writer<W: Write>(csv::Writer<W>);

impl<W: Write> Writer<W> {
    pub fn from_writer(out: W) -> Writer<W> {
        Writer(csv::Writer::from_writer(out))
    }

    pub fn write_record<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), csv::Error> {
        self.0.write_record(cells.into_iter().map(|text| cell(text).into_owned()))
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_compute_is_marked_as_text() {
        for formula in ["=1+1", "+7 700 000 00 00", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(formula), format!("'{formula}"));
        }
        for text in ["School No. 5", "1+1=", "", "Ақжайық", " =not first"] {
            assert_eq!(cell(text), text);
        }
    }

    #[test]
    fn what_cell_writes_uncell_reads_back_unchanged() {
        let texts = ["=x", "'=x", "''=x", "'", "''", "'abc", "abc", "", "-", "'-1", "=", "@"];
        for text in texts {
            assert_eq!(uncell(&cell(text)), text, "{text:?}");
        }
        // A mark typed by hand before a formula is taken off; before anything else kept.
        assert_eq!(uncell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(uncell("'Tis"), "'Tis");
    }
}
