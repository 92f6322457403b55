//! Property tests of the server's own parser of outside input, the directory CSV import
//! (`adal-server directory import`): whatever file arrives, it is read or refused
//! without panic, and a directory it exported reads back as itself. `PROPTEST_CASES`
//! cases each (proptest's default of 256 when unset).

use std::collections::HashSet;

use adal_core::provider::{CSV_COLUMNS, ProviderKind, ProviderRecord};
use adal_core::{District, Provider};
use adal_server::directory::{read_csv, write_csv};
use proptest::prelude::*;

/// Characters that break CSV and text handling: quotes, separators, line ends, a
/// byte-order mark, controls, escapes, spreadsheet formula starters, invisible ones.
const TRICKY: &[char] = &[
    '"', ',', ';', '\n', '\r', '\t', '\u{feff}', '\0', '\u{1b}', '=', '+', '-', '@', '\u{202e}',
    '\u{200b}', ' ', 'a', 'Ә', 'й', '1', '7',
];

fn text(max: usize) -> impl Strategy<Value = String> {
    let c = prop_oneof![3 => prop::sample::select(TRICKY), 1 => any::<char>()];
    prop::collection::vec(c, 0..=max).prop_map(String::from_iter)
}

fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

fn record() -> impl Strategy<Value = ProviderRecord> {
    let kinds: Vec<String> = ProviderKind::ALL.iter().map(|k| k.code().to_owned()).collect();
    let districts: Vec<String> = District::ALL.iter().map(|d| d.code().to_owned()).collect();
    let word = || prop_oneof![3 => "[A-Za-zА-Яа-я0-9 ,.\"=+@-]{1,16}", 1 => text(10)];
    (
        ("[a-z0-9][a-z0-9-]{0,12}", prop::sample::select(kinds), prop::sample::select(districts)),
        (word(), word(), word(), word()),
        (46.0f64..52.5, 45.5f64..56.0, "(\\+7 70[0-9] [0-9]{3} [0-9]{2} [0-9]{2})?"),
        (word(), word(), "(kk|ru|en)?( (kk|ru|en))?"),
    )
        .prop_map(|(a, b, c, d)| ProviderRecord {
            id: a.0,
            kind: a.1,
            district: a.2,
            name_kk: b.0,
            name_ru: b.1,
            name_en: b.2,
            address_ru: b.3,
            lat: c.0.to_string(),
            lon: c.1.to_string(),
            phones: c.2,
            hours_kk: d.0,
            services_en: d.1,
            languages: d.2,
            ..ProviderRecord::default()
        })
}

/// Providers as an import would accept them: valid, each id once.
fn providers() -> impl Strategy<Value = Vec<Provider>> {
    prop::collection::vec(record(), 0..6).prop_map(|records| {
        let mut ids = HashSet::new();
        records
            .iter()
            .filter_map(|r| r.parse().ok())
            .filter(|p: &Provider| ids.insert(p.id.clone()))
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_as_a_directory_file_are_read_or_refused_without_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..400)
    ) {
        let _ = read_csv(bytes.as_slice());
    }

    /// A file with the right header and rows of tricky text, quoted or not.
    #[test]
    fn any_rows_under_the_right_header_are_read_or_refused_without_panic(
        rows in prop::collection::vec(prop::collection::vec(text(12), 0..24), 0..5),
        quoted in any::<bool>(),
    ) {
        let mut file = CSV_COLUMNS.join(",");
        for row in rows {
            file.push('\n');
            let cells: Vec<String> = row
                .into_iter()
                .map(|c| if quoted { format!("\"{}\"", c.replace('"', "\"\"")) } else { c })
                .collect();
            file.push_str(&cells.join(","));
        }
        if let Ok(rows) = read_csv(file.as_bytes()) {
            for row in rows {
                prop_assert_eq!(row.provider.to_record().parse(), Ok(row.provider.clone()));
            }
        }
    }

    /// What `directory export` writes, `directory import` reads back unchanged.
    #[test]
    fn an_exported_directory_imports_as_itself(providers in providers()) {
        let mut file = Vec::new();
        write_csv(&providers, &mut file).unwrap();
        let back: Vec<Provider> = read_csv(file.as_slice())
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?
            .into_iter()
            .map(|row| row.provider)
            .collect();
        prop_assert_eq!(back.len(), providers.len());
        for provider in &providers {
            prop_assert_eq!(back.iter().find(|p| p.id == provider.id), Some(provider));
        }
    }
}
