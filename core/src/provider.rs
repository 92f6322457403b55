//! The provider directory: reconciliation centres, integrity offices and the people who
//! work there or nearby (mediators, notaries, lawyers, imams, priests).
//!
//! A provider arrives as a [`ProviderRecord`] (the raw strings of one CSV row, as an
//! operator typed them) and becomes a [`Provider`] only through [`ProviderRecord::parse`],
//! so every `Provider` the server stores or sends is valid. The directory travels to
//! devices as a [`DirectoryDelta`].

use serde::{Deserialize, Serialize};

use crate::clean::{Lines, clean};
pub use crate::text::Text;
use crate::{District, Lang, Phone};

/// What a provider is. Serialised as its snake_case code, also used in CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProviderKind {
    /// A district's reconciliation centre: mediators, notaries, lawyers, imams and
    /// priests in one place, on the one-window principle.
    ReconciliationCentre,
    Mediator,
    Notary,
    /// A lawyer (advocate).
    Lawyer,
    Imam,
    Priest,
    /// An "Akzhaiyk – adaldyq alany" integrity office.
    IntegrityOffice,
    /// A district youth resource centre; its head runs the district integrity office.
    YouthCentre,
    /// A public (state) service centre.
    StateServiceCentre,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 9] = [
        ProviderKind::ReconciliationCentre,
        ProviderKind::Mediator,
        ProviderKind::Notary,
        ProviderKind::Lawyer,
        ProviderKind::Imam,
        ProviderKind::Priest,
        ProviderKind::IntegrityOffice,
        ProviderKind::YouthCentre,
        ProviderKind::StateServiceCentre,
    ];

    /// The stable code used on the wire and in CSV files.
    pub fn code(self) -> &'static str {
        match self {
            ProviderKind::ReconciliationCentre => "reconciliation_centre",
            ProviderKind::Mediator => "mediator",
            ProviderKind::Notary => "notary",
            ProviderKind::Lawyer => "lawyer",
            ProviderKind::Imam => "imam",
            ProviderKind::Priest => "priest",
            ProviderKind::IntegrityOffice => "integrity_office",
            ProviderKind::YouthCentre => "youth_centre",
            ProviderKind::StateServiceCentre => "state_service_centre",
        }
    }

    pub fn from_code(code: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether this is a place people work at (and so may be another entry's centre),
    /// rather than a person.
    pub fn is_centre(self) -> bool {
        matches!(
            self,
            ProviderKind::ReconciliationCentre
                | ProviderKind::IntegrityOffice
                | ProviderKind::YouthCentre
                | ProviderKind::StateServiceCentre
        )
    }

    /// The kind as a person reads it in a list or a filter.
    pub fn label(self, lang: Lang) -> &'static str {
        use ProviderKind::*;
        match (self, lang) {
            (ReconciliationCentre, Lang::Kk) => "Татуластыру орталығы",
            (ReconciliationCentre, Lang::Ru) => "Центр примирения",
            (ReconciliationCentre, Lang::En) => "Reconciliation centre",
            (Mediator, Lang::Kk) => "Медиатор",
            (Mediator, Lang::Ru) => "Медиатор",
            (Mediator, Lang::En) => "Mediator",
            (Notary, Lang::Kk) => "Нотариус",
            (Notary, Lang::Ru) => "Нотариус",
            (Notary, Lang::En) => "Notary",
            (Lawyer, Lang::Kk) => "Адвокат",
            (Lawyer, Lang::Ru) => "Адвокат",
            (Lawyer, Lang::En) => "Lawyer (advocate)",
            (Imam, Lang::Kk) => "Имам",
            (Imam, Lang::Ru) => "Имам",
            (Imam, Lang::En) => "Imam",
            (Priest, Lang::Kk) => "Діни қызметкер (православие)",
            (Priest, Lang::Ru) => "Священник",
            (Priest, Lang::En) => "Priest",
            (IntegrityOffice, Lang::Kk) => "«Ақжайық – адалдық алаңы» кеңсесі",
            (IntegrityOffice, Lang::Ru) => "Офис «Акжайык – адалдык аланы»",
            (IntegrityOffice, Lang::En) => "\"Akzhaiyk – adaldyq alany\" integrity office",
            (YouthCentre, Lang::Kk) => "Аудандық жастар ресурстық орталығы",
            (YouthCentre, Lang::Ru) => "Районный молодёжный ресурсный центр",
            (YouthCentre, Lang::En) => "District youth resource centre",
            (StateServiceCentre, Lang::Kk) => "Халыққа қызмет көрсету орталығы",
            (StateServiceCentre, Lang::Ru) => "Центр обслуживания населения",
            (StateServiceCentre, Lang::En) => "Public service centre",
        }
    }
}

/// One entry of the directory: a place or a person people can turn to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provider {
    /// A stable slug (`ura-mediator-1`): lowercase Latin letters, digits and hyphens. It
    /// is what ties an import to the stored entry and a mediation request to a provider.
    pub id: String,
    pub kind: ProviderKind,
    pub name: Text,
    pub district: District,
    pub address: Text,
    /// WGS 84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// Normalised `+7XXXXXXXXXX`, the first one to call first.
    pub phones: Vec<Phone>,
    /// Opening hours as people write them ("Mon–Fri 9:00–18:00").
    pub hours: Text,
    /// The languages spoken there.
    pub languages: Vec<Lang>,
    /// What one can come with, as a comma-separated list in each language.
    pub services: Text,
    /// The id of the centre this person works at, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_id: Option<String>,
    /// Sample data shipped with Adal (fictional), not a real entry.
    #[serde(default)]
    pub sample: bool,
}

impl Provider {
    /// The folded text that search matches against: the names, kind labels, services
    /// and address in every language, and the district's names. Each word once.
    /// Build it once per provider and keep it next to the entry (see [`crate::search`]).
    pub fn search_text(&self) -> String {
        let mut raw = String::new();
        let texts = [&self.name, &self.services, &self.address];
        for text in texts {
            for part in text.iter() {
                raw.push_str(part);
                raw.push(' ');
            }
        }
        for lang in Lang::ALL {
            raw.push_str(self.kind.label(lang));
            raw.push(' ');
            raw.push_str(self.district.name(lang));
            raw.push(' ');
        }
        let folded = crate::search::fold(&raw);
        let mut seen = std::collections::HashSet::new();
        let mut out = String::with_capacity(folded.len());
        for word in folded.split(' ').filter(|w| seen.insert(*w)) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    /// The record that [`ProviderRecord::parse`] turns back into this provider: what
    /// `directory export` writes.
    pub fn to_record(&self) -> ProviderRecord {
        ProviderRecord {
            id: self.id.clone(),
            kind: self.kind.code().to_owned(),
            district: self.district.code().to_owned(),
            name_kk: self.name.kk.clone(),
            name_ru: self.name.ru.clone(),
            name_en: self.name.en.clone(),
            address_kk: self.address.kk.clone(),
            address_ru: self.address.ru.clone(),
            address_en: self.address.en.clone(),
            lat: self.lat.to_string(),
            lon: self.lon.to_string(),
            phones: self.phones.iter().map(Phone::as_str).collect::<Vec<_>>().join("; "),
            hours_kk: self.hours.kk.clone(),
            hours_ru: self.hours.ru.clone(),
            hours_en: self.hours.en.clone(),
            languages: self.languages.iter().map(|l| l.tag()).collect::<Vec<_>>().join(" "),
            services_kk: self.services.kk.clone(),
            services_ru: self.services.ru.clone(),
            services_en: self.services.en.clone(),
            centre_id: self.centre_id.clone().unwrap_or_default(),
            sample: self.sample.to_string(),
        }
    }
}

/// One provider as an operator typed it: one row of the directory CSV, every column a
/// string. The field names are the CSV column names, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRecord {
    pub id: String,
    pub kind: String,
    pub district: String,
    pub name_kk: String,
    pub name_ru: String,
    pub name_en: String,
    pub address_kk: String,
    pub address_ru: String,
    pub address_en: String,
    pub lat: String,
    pub lon: String,
    /// Separated by `;` or `,`, in any format [`Phone::parse`] reads.
    pub phones: String,
    pub hours_kk: String,
    pub hours_ru: String,
    pub hours_en: String,
    /// Language tags separated by spaces, commas or semicolons: `kk ru`.
    pub languages: String,
    pub services_kk: String,
    pub services_ru: String,
    pub services_en: String,
    /// Empty, or the id of a centre (reconciliation centre, integrity office, youth or
    /// public service centre).
    pub centre_id: String,
    /// `true` or `false` (also `yes`/`no`, `1`/`0`); empty means `false`.
    pub sample: String,
}

impl ProviderRecord {
    /// The cells of the row, in the order of [`CSV_COLUMNS`].
    pub fn cells(&self) -> [&str; 21] {
        [
            &self.id,
            &self.kind,
            &self.district,
            &self.name_kk,
            &self.name_ru,
            &self.name_en,
            &self.address_kk,
            &self.address_ru,
            &self.address_en,
            &self.lat,
            &self.lon,
            &self.phones,
            &self.hours_kk,
            &self.hours_ru,
            &self.hours_en,
            &self.languages,
            &self.services_kk,
            &self.services_ru,
            &self.services_en,
            &self.centre_id,
            &self.sample,
        ]
    }
}

/// The CSV columns, in the order of [`ProviderRecord`]'s fields.
pub const CSV_COLUMNS: [&str; 21] = [
    "id",
    "kind",
    "district",
    "name_kk",
    "name_ru",
    "name_en",
    "address_kk",
    "address_ru",
    "address_en",
    "lat",
    "lon",
    "phones",
    "hours_kk",
    "hours_ru",
    "hours_en",
    "languages",
    "services_kk",
    "services_ru",
    "services_en",
    "centre_id",
    "sample",
];

/// The longest id, and the longest text in one language.
pub const MAX_ID_CHARS: usize = 64;
pub const MAX_TEXT_CHARS: usize = 500;

/// The rough box around West Kazakhstan region. Coordinates outside it are almost always
/// a typing mistake: latitude and longitude swapped, a missing digit, a comma lost.
pub const REGION_LAT: std::ops::RangeInclusive<f64> = 48.0..=52.0;
pub const REGION_LON: std::ops::RangeInclusive<f64> = 46.0..=55.5;

/// Why one provider record was refused. These are read by the operator importing a file
/// (in the command line, in English), not by citizens, so they name columns and quote
/// what was typed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error(
        "id {0:?} must be 1 to 64 lowercase latin letters, digits and hyphens, starting with a letter or digit"
    )]
    InvalidId(String),
    #[error(
        "kind {0:?} is not one of: reconciliation_centre, mediator, notary, lawyer, imam, priest, integrity_office, youth_centre, state_service_centre"
    )]
    UnknownKind(String),
    #[error(
        "district {0:?} is not one of: URA, AKZ, BAY, BOK, BUR, ZHG, ZHB, KAR, KAZ, SYR, TAS, TER, CHN"
    )]
    UnknownDistrict(String),
    #[error("{0} is required")]
    Required(&'static str),
    #[error("{0} is required in at least one language")]
    RequiredInOneLanguage(&'static str),
    #[error("{column} is longer than {max} characters")]
    TooLong { column: &'static str, max: usize },
    #[error("{column} {value:?} is not a number of degrees such as 51.23")]
    InvalidCoordinate { column: &'static str, value: String },
    #[error(
        "coordinates {lat}, {lon} are outside West Kazakhstan region (latitude 48 to 52, longitude 46 to 55.5); are they swapped?"
    )]
    OutsideRegion { lat: f64, lon: f64 },
    #[error("phone {0:?} is not a Kazakhstan number in +7 format")]
    InvalidPhone(String),
    #[error("language {0:?} is not one of: kk, ru, en")]
    UnknownLanguage(String),
    #[error("centre_id {0:?} is not a valid id")]
    InvalidCentreId(String),
    #[error("centre_id is the provider's own id")]
    OwnCentre,
    #[error("sample {0:?} must be true or false")]
    InvalidSample(String),
}

/// Every reason one record was refused, in column order.
#[derive(Debug, Clone, Default, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ProviderErrors(pub Vec<ProviderError>);

impl ProviderRecord {
    /// Checks and normalises every column: trims text, normalises phones to `+7…`, and
    /// reports every problem at once rather than the first.
    pub fn parse(&self) -> Result<Provider, ProviderErrors> {
        let mut errors = Vec::new();
        let id = self.id.trim().to_owned();
        if !valid_id(&id) {
            errors.push(ProviderError::InvalidId(id.clone()));
        }
        let kind = ProviderKind::from_code(&self.kind.trim().to_ascii_lowercase());
        if kind.is_none() {
            errors.push(ProviderError::UnknownKind(self.kind.clone()));
        }
        let district = District::from_code(&self.district.trim().to_ascii_uppercase());
        if district.is_none() {
            errors.push(ProviderError::UnknownDistrict(self.district.clone()));
        }
        let [name, address, hours, services] = self.texts(&mut errors);
        let (lat, lon) = self.coordinates(&mut errors);
        let phones = self.phones(&mut errors);
        let languages = self.languages(&mut errors);
        let centre_id = self.centre_id(&id, &mut errors);
        let sample = self.sample(&mut errors);
        match (kind, district) {
            (Some(kind), Some(district)) if errors.is_empty() => Ok(Provider {
                id,
                kind,
                name,
                district,
                address,
                lat,
                lon,
                phones,
                hours,
                languages,
                services,
                centre_id,
                sample,
            }),
            _ => Err(ProviderErrors(errors)),
        }
    }

    /// The name (in every language), the address (in one at least), the hours and the
    /// services, each no longer than [`MAX_TEXT_CHARS`].
    fn texts(&self, errors: &mut Vec<ProviderError>) -> [Text; 4] {
        let name = text(&self.name_kk, &self.name_ru, &self.name_en, Lines::One);
        for (column, value) in [("name_kk", &name.kk), ("name_ru", &name.ru), ("name_en", &name.en)]
        {
            if value.is_empty() {
                errors.push(ProviderError::Required(column));
            }
        }
        let address = text(&self.address_kk, &self.address_ru, &self.address_en, Lines::One);
        if address.is_empty() {
            errors.push(ProviderError::RequiredInOneLanguage("address"));
        }
        let hours = text(&self.hours_kk, &self.hours_ru, &self.hours_en, Lines::Many);
        let services = text(&self.services_kk, &self.services_ru, &self.services_en, Lines::Many);
        for (prefix, text) in
            [("name", &name), ("address", &address), ("hours", &hours), ("services", &services)]
        {
            for (lang, value) in [("kk", &text.kk), ("ru", &text.ru), ("en", &text.en)] {
                if value.chars().count() > MAX_TEXT_CHARS {
                    errors.push(ProviderError::TooLong {
                        column: column_name(prefix, lang),
                        max: MAX_TEXT_CHARS,
                    });
                }
            }
        }
        [name, address, hours, services]
    }

    /// Latitude and longitude, inside the region.
    fn coordinates(&self, errors: &mut Vec<ProviderError>) -> (f64, f64) {
        match (coordinate("lat", &self.lat), coordinate("lon", &self.lon)) {
            (Ok(lat), Ok(lon)) => {
                if !(REGION_LAT.contains(&lat) && REGION_LON.contains(&lon)) {
                    errors.push(ProviderError::OutsideRegion { lat, lon });
                }
                (lat, lon)
            }
            (lat, lon) => {
                errors.extend(lat.err());
                errors.extend(lon.err());
                (0.0, 0.0)
            }
        }
    }

    /// The phones, normalised, each once.
    fn phones(&self, errors: &mut Vec<ProviderError>) -> Vec<Phone> {
        let mut phones = Vec::new();
        for raw in split_list(&self.phones, &[';', ',']) {
            match Phone::parse(raw) {
                Ok(phone) if !phones.contains(&phone) => phones.push(phone),
                Ok(_) => {}
                Err(_) => errors.push(ProviderError::InvalidPhone(raw.to_owned())),
            }
        }
        phones
    }

    /// The languages spoken there, each once.
    fn languages(&self, errors: &mut Vec<ProviderError>) -> Vec<Lang> {
        let mut languages = Vec::new();
        for raw in split_list(&self.languages, &[';', ',', ' ']) {
            match Lang::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(raw)) {
                Some(lang) if !languages.contains(&lang) => languages.push(lang),
                Some(_) => {}
                None => errors.push(ProviderError::UnknownLanguage(raw.to_owned())),
            }
        }
        languages
    }

    /// The centre it belongs to, if any: another entry's id.
    fn centre_id(&self, id: &str, errors: &mut Vec<ProviderError>) -> Option<String> {
        let centre_id = Some(self.centre_id.trim().to_owned()).filter(|c| !c.is_empty());
        if let Some(centre) = &centre_id {
            if !valid_id(centre) {
                errors.push(ProviderError::InvalidCentreId(centre.clone()));
            } else if centre == id {
                errors.push(ProviderError::OwnCentre);
            }
        }
        centre_id
    }

    /// Whether it is sample data: true or false, yes or no, 1 or 0, or empty (no).
    fn sample(&self, errors: &mut Vec<ProviderError>) -> bool {
        match self.sample.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "0" => false,
            "true" | "yes" | "1" => true,
            _ => {
                errors.push(ProviderError::InvalidSample(self.sample.clone()));
                false
            }
        }
    }
}

/// Whether `id` is a slug: `[a-z0-9][a-z0-9-]*`, at most [`MAX_ID_CHARS`] long.
pub fn valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    first_ok
        && id.len() <= MAX_ID_CHARS
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The three translations of one column, cleaned as every free text is ([`crate::clean`]).
fn text(kk: &str, ru: &str, en: &str, lines: Lines) -> Text {
    Text::new(clean(kk, lines), clean(ru, lines), clean(en, lines))
}

fn column_name(prefix: &str, lang: &str) -> &'static str {
    match (prefix, lang) {
        ("name", "kk") => "name_kk",
        ("name", "ru") => "name_ru",
        ("name", _) => "name_en",
        ("address", "kk") => "address_kk",
        ("address", "ru") => "address_ru",
        ("address", _) => "address_en",
        ("hours", "kk") => "hours_kk",
        ("hours", "ru") => "hours_ru",
        ("hours", _) => "hours_en",
        (_, "kk") => "services_kk",
        (_, "ru") => "services_ru",
        _ => "services_en",
    }
}

fn coordinate(column: &'static str, raw: &str) -> Result<f64, ProviderError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ProviderError::Required(column));
    }
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| ProviderError::InvalidCoordinate { column, value: raw.to_owned() })
}

fn split_list<'a>(raw: &'a str, separators: &'a [char]) -> impl Iterator<Item = &'a str> {
    raw.split(separators).map(str::trim).filter(|s| !s.is_empty())
}

/// `GET /api/v1/directory?since=N`: what changed in the directory after version `since`.
///
/// Applying it: if `full`, replace the whole local copy with `providers`; otherwise
/// upsert `providers` by id and remove the ids in `deleted`. Then remember `version`
/// and send it as `since` next time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryDelta {
    /// The directory's version after this delta; the next `since`.
    pub version: u64,
    /// Whether `providers` is the whole directory (then `deleted` is empty).
    pub full: bool,
    /// Entries new or changed since `since`, or every entry when `full`.
    pub providers: Vec<Provider>,
    /// Ids of entries deleted since `since`.
    pub deleted: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record() -> ProviderRecord {
        ProviderRecord {
            id: "ura-mediator-1".into(),
            kind: "mediator".into(),
            district: "URA".into(),
            name_kk: " Айгүл Сәрсенова (үлгі) ".into(),
            name_ru: "Айгуль Сарсенова (образец)".into(),
            name_en: "Aigul Sarsenova (sample)".into(),
            address_kk: "Орал қ., Достық даңғылы, 100".into(),
            address_ru: "г. Уральск, пр. Достык, 100".into(),
            address_en: "".into(),
            lat: "51.2305".into(),
            lon: "51.3712".into(),
            phones: "8 (700) 000-01-01; +7 700 000 01 02".into(),
            hours_kk: "".into(),
            hours_ru: "Пн–Пт 9:00–18:00".into(),
            hours_en: "Mon–Fri 9:00–18:00".into(),
            languages: "kk, ru".into(),
            services_kk: "".into(),
            services_ru: "семейные споры, долги".into(),
            services_en: "family disputes, debts".into(),
            centre_id: "ura-reconciliation-centre".into(),
            sample: "true".into(),
        }
    }

    #[test]
    fn a_record_parses_into_a_normalised_provider_and_back() {
        let provider = record().parse().unwrap();
        assert_eq!(provider.name.kk, "Айгүл Сәрсенова (үлгі)");
        assert_eq!(
            provider.phones.iter().map(Phone::as_str).collect::<Vec<_>>(),
            ["+77000000101", "+77000000102"]
        );
        assert_eq!(provider.languages, [Lang::Kk, Lang::Ru]);
        assert_eq!(provider.centre_id.as_deref(), Some("ura-reconciliation-centre"));
        assert!(provider.sample);
        assert_eq!(provider.to_record().parse().unwrap(), provider);
        assert_eq!(provider.address.get(Lang::En), "г. Уральск, пр. Достык, 100");
    }

    #[test]
    fn every_problem_of_a_record_is_reported_at_once() {
        let bad = ProviderRecord {
            id: "Ura Mediator".into(),
            kind: "judge".into(),
            district: "XXX".into(),
            name_en: "".into(),
            address_kk: "".into(),
            address_ru: "".into(),
            lat: "51,23".into(),
            phones: "+7 901 234 56 78".into(),
            languages: "kk de".into(),
            sample: "maybe".into(),
            ..record()
        };
        let errors = bad.parse().unwrap_err().0;
        assert_eq!(
            errors,
            [
                ProviderError::InvalidId("Ura Mediator".into()),
                ProviderError::UnknownKind("judge".into()),
                ProviderError::UnknownDistrict("XXX".into()),
                ProviderError::Required("name_en"),
                ProviderError::RequiredInOneLanguage("address"),
                ProviderError::InvalidCoordinate { column: "lat", value: "51,23".into() },
                ProviderError::InvalidPhone("+7 901 234 56 78".into()),
                ProviderError::UnknownLanguage("de".into()),
                ProviderError::InvalidSample("maybe".into()),
            ]
        );
        assert!(ProviderErrors(errors).to_string().starts_with("id \"Ura Mediator\" must be"));
    }

    #[test]
    fn swapped_coordinates_are_refused() {
        let swapped = ProviderRecord { lat: "53.00".into(), lon: "51.17".into(), ..record() };
        assert_eq!(
            swapped.parse().unwrap_err().0,
            [ProviderError::OutsideRegion { lat: 53.0, lon: 51.17 }]
        );
    }

    #[test]
    fn a_provider_cannot_be_its_own_centre() {
        let own = ProviderRecord { centre_id: "ura-mediator-1".into(), ..record() };
        assert_eq!(own.parse().unwrap_err().0, [ProviderError::OwnCentre]);
    }

    #[test]
    fn ids_are_slugs() {
        assert!(valid_id("ura-mediator-1"));
        assert!(valid_id("0ura"));
        for bad in ["", "-ura", "Ura", "ura mediator", "ура", &"a".repeat(65)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn every_kind_has_a_code_and_a_label_in_every_language() {
        for kind in ProviderKind::ALL {
            assert_eq!(ProviderKind::from_code(kind.code()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
            for lang in Lang::ALL {
                assert!(!kind.label(lang).is_empty());
            }
        }
    }

    #[test]
    fn the_search_text_holds_names_kind_and_district_in_every_language_once() {
        let text = record().parse().unwrap().search_text();
        for word in ["aigul", "sarsenova", "mediator", "uralsk", "oral", "dostik", "semeinie"] {
            assert!(text.split(' ').any(|w| w == word), "{word} in {text}");
        }
        let words: Vec<_> = text.split(' ').collect();
        let unique: std::collections::HashSet<_> = words.iter().collect();
        assert_eq!(words.len(), unique.len());
    }

    #[test]
    fn the_wire_form_skips_a_missing_centre() {
        let provider = ProviderRecord { centre_id: "".into(), ..record() }.parse().unwrap();
        let json = serde_json::to_value(&provider).unwrap();
        assert!(json.get("centre_id").is_none());
        assert_eq!(json["phones"][0], "+77000000101");
        assert_eq!(json["district"], "URA");
        assert_eq!(json["languages"], serde_json::json!(["kk", "ru"]));
        let back: Provider = serde_json::from_value(json).unwrap();
        assert_eq!(back, provider);
    }
}
