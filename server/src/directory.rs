//! The provider directory's CSV format, behind `adal-server directory import|export`, and
//! the sample directory loaded at first start.
//!
//! The CSV has a header line with the columns of [`ProviderRecord`] (in any order; see
//! [`CSV_COLUMNS`]) and one provider per line. An import is all or nothing: every row is
//! checked first, and one bad row refuses the whole file with the line numbers of every
//! problem, so the directory is never left half-updated.

use std::collections::HashMap;
use std::io::{Read, Write};

use adal_core::Provider;
use adal_core::provider::{CSV_COLUMNS, ProviderRecord};

use crate::db::directory::{self as stored, ImportReport, Imported, Missing};
use crate::db::{Db, DbError};
use crate::spreadsheet;

/// The sample directory: fictional, clearly marked entries for Uralsk and every district,
/// in the same CSV format `import` reads.
pub const SAMPLE_CSV: &str = include_str!("../data/sample_directory.csv");

/// One problem of an imported file, at its line (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "{} problem(s) in the file; nothing was imported:\n{}",
        .0.len(),
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    )]
    Invalid(Vec<LineError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A provider read from a CSV file, with the line it started on.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub provider: Provider,
}

/// Reads and checks a whole CSV file: every row valid, every id once. Returns every
/// problem found, not only the first.
pub fn read_csv(input: impl Read) -> Result<Vec<Row>, Vec<LineError>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(input);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => return Err(vec![csv_error(&error)]),
    };
    let names: Vec<&str> =
        headers.iter().map(|h| h.trim_start_matches('\u{feff}').trim()).collect();
    let mut errors = Vec::new();
    let missing: Vec<_> = CSV_COLUMNS.iter().filter(|c| !names.contains(c)).copied().collect();
    if !missing.is_empty() {
        errors.push(LineError {
            line: 1,
            message: format!("missing column(s): {}", missing.join(", ")),
        });
    }
    let unknown: Vec<_> = names.iter().filter(|n| !CSV_COLUMNS.contains(n)).copied().collect();
    if !unknown.is_empty() {
        errors.push(LineError {
            line: 1,
            message: format!(
                "unknown column(s): {}; expected: {}",
                unknown.join(", "),
                CSV_COLUMNS.join(",")
            ),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let headers = csv::StringRecord::from(names);

    let mut rows = Vec::new();
    let mut lines_of_ids: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(csv_error(&error));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let mut cells: csv::StringRecord = record.iter().map(spreadsheet::uncell).collect();
        cells.set_position(record.position().cloned());
        let raw: ProviderRecord = match cells.deserialize(Some(&headers)) {
            Ok(raw) => raw,
            Err(error) => {
                errors.push(LineError { line, message: error.to_string() });
                continue;
            }
        };
        match raw.parse() {
            Ok(provider) => {
                if let Some(first) = lines_of_ids.insert(provider.id.clone(), line) {
                    errors.push(LineError {
                        line,
                        message: format!("id {:?} is already on line {first}", provider.id),
                    });
                }
                rows.push(Row { line, provider });
            }
            Err(problems) => errors
                .extend(problems.0.into_iter().map(|p| LineError { line, message: p.to_string() })),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

fn csv_error(error: &csv::Error) -> LineError {
    let line = error.position().map_or(0, |p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} columns where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text; save the file as CSV UTF-8".to_owned(),
        _ => error.to_string(),
    };
    LineError { line, message }
}

/// Writes `providers` as CSV with a header line, ordered by district, kind and id:
/// the file `import` reads back unchanged. Every cell is one a spreadsheet shows as text
/// (see [`spreadsheet`]): a phone `+7…` stays a phone, a name `=…` never runs.
pub fn write_csv(providers: &[Provider], out: impl Write) -> Result<(), csv::Error> {
    let mut sorted: Vec<&Provider> = providers.iter().collect();
    sorted.sort_by(|a, b| (a.district, a.kind, &a.id).cmp(&(b.district, b.kind, &b.id)));
    let mut writer = spreadsheet::Writer::from_writer(out);
    writer.write_record(CSV_COLUMNS)?;
    for provider in sorted {
        writer.write_record(provider.to_record().cells())?;
    }
    writer.flush()?;
    Ok(())
}

/// The sample directory, parsed. It ships inside the binary and is checked by a test,
/// so it always parses.
pub fn sample() -> Vec<Provider> {
    match read_csv(SAMPLE_CSV.as_bytes()) {
        Ok(rows) => rows.into_iter().map(|row| row.provider).collect(),
        Err(errors) => panic!("the shipped sample directory is invalid: {errors:?}"),
    }
}

/// Imports a CSV file into the database in `data_dir` (created if missing): upserts by
/// id; with `replace`, deletes the entries the file does not list. All or nothing.
pub fn import(
    at: impl Into<crate::db::Location>,
    input: impl Read,
    replace: bool,
) -> Result<ImportReport, ImportError> {
    let rows = read_csv(input).map_err(ImportError::Invalid)?;
    let db = Db::open_at(&at.into())?;
    let providers: Vec<Provider> = rows.iter().map(|row| row.provider.clone()).collect();
    let missing = if replace { Missing::Delete } else { Missing::Keep };
    match db.call_blocking(|conn| stored::import(conn, &providers, missing))? {
        Imported::Done(report) => Ok(report),
        Imported::Refused(dangling) => Err(ImportError::Invalid(
            dangling
                .into_iter()
                .map(|d| LineError {
                    line: rows[d.index].line,
                    message: if d.not_a_centre {
                        format!("centre_id {:?} is a person, not a centre", d.centre_id)
                    } else {
                        format!(
                            "centre_id {:?} is neither in the file nor in the directory",
                            d.centre_id
                        )
                    },
                })
                .collect(),
        )),
    }
}

/// Writes every entry of the directory in `data_dir` as CSV; returns how many. The
/// database must already exist.
pub fn export(at: impl Into<crate::db::Location>, out: impl Write) -> anyhow::Result<usize> {
    let db = Db::open_existing_at(&at.into())?;
    let providers = db.call_blocking(|conn| stored::live(conn))?;
    write_csv(&providers, out)?;
    Ok(providers.len())
}

/// Loads the sample directory if the database has never held one (see
/// [`stored::seed_if_empty`]).
pub fn seed_sample(db: &Db) -> Result<bool, DbError> {
    let sample = sample();
    db.call_blocking(|conn| stored::seed_if_empty(conn, &sample))
}

#[cfg(test)]
mod tests {
    use adal_core::provider::ProviderKind;
    use adal_core::{District, Lang};

    use super::*;

    #[test]
    fn the_sample_directory_covers_every_district_and_is_marked_as_sample() {
        let sample = sample();
        for district in District::ALL {
            let kinds: Vec<_> =
                sample.iter().filter(|p| p.district == district).map(|p| p.kind).collect();
            for kind in ProviderKind::ALL {
                if kind != ProviderKind::Priest {
                    assert!(kinds.contains(&kind), "{district:?} has no {kind:?}");
                }
            }
        }
        for provider in &sample {
            assert!(provider.sample, "{}", provider.id);
            for (lang, mark) in
                [(Lang::Kk, "(үлгі)"), (Lang::Ru, "(образец)"), (Lang::En, "(sample)")]
            {
                assert!(provider.name.exact(lang).contains(mark), "{} in {lang:?}", provider.id);
            }
            assert!(
                !provider.phones.is_empty()
                    && provider.phones.iter().all(|p| p.as_str().starts_with("+7700000"))
            );
        }
    }

    #[test]
    fn writing_then_reading_gives_back_the_same_providers() {
        let sample = sample();
        let mut csv = Vec::new();
        write_csv(&sample, &mut csv).unwrap();
        let back: Vec<Provider> =
            read_csv(csv.as_slice()).unwrap().into_iter().map(|row| row.provider).collect();
        assert_eq!(back.len(), sample.len());
        for provider in &sample {
            assert_eq!(back.iter().find(|p| p.id == provider.id), Some(provider));
        }
    }

    /// Security review, finding 4: the directory export is opened in spreadsheets too.
    #[test]
    fn a_formula_in_the_directory_is_written_as_text_and_read_back_unchanged() {
        let mut sample = sample();
        sample[0].name.ru = "=cmd|' /C calc'!A0".into();
        sample[0].services.en = "'+ and - are fine inside".into();
        let mut csv = Vec::new();
        write_csv(&sample, &mut csv).unwrap();
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{text}");
        assert!(text.contains(",'+7700000"), "phones are text, not numbers");
        let back: Vec<Provider> =
            read_csv(csv.as_slice()).unwrap().into_iter().map(|row| row.provider).collect();
        assert_eq!(back.iter().find(|p| p.id == sample[0].id), Some(&sample[0]));
    }

    #[test]
    fn a_file_with_wrong_columns_is_refused_at_its_header() {
        let errors = read_csv("id,kind,email\nx,mediator,a@b\n".as_bytes()).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.line == 1));
        assert!(errors[0].message.starts_with("missing column(s): district, name_kk"));
        assert!(errors[1].message.starts_with("unknown column(s): email"));
    }
}
