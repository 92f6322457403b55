//! Property tests of every parser that takes outside input: whatever arrives, it never
//! panics, and what it accepts prints and parses back to itself.
//!
//! Each property runs `PROPTEST_CASES` cases (proptest's default of 256 when unset, so
//! that `cargo test` stays quick); `scripts/test` runs 10,000 of each.

use adal_core::act::{self, ActInput, PartyInput};
use adal_core::calendar::{Calendar, CountingConvention, Settings, Year};
use adal_core::clean::{self, Lines};
use adal_core::form::{self, Answers, FieldDef, FieldKind, FormSchema};
use adal_core::provider::{ProviderKind, ProviderRecord};
use adal_core::receipt::IdentityRequest;
use adal_core::staff::{MediationSession, ReplyRequest};
use adal_core::validation::MAX_FIELD_ERRORS;
use adal_core::{District, Iin, Phone, Series, TrackingNumber};
use proptest::prelude::*;
use serde_json::{Number, Value};
use time::macros::{date, datetime};
use time::{Date, Duration, Time};

const TODAY: Date = date!(2026 - 11 - 25);

/// Characters that have broken parsers elsewhere: controls, escapes, bidi overrides,
/// invisible ones, separators, digits and signs, letters of the region's scripts.
const TRICKY: &[char] = &[
    '\0',
    '\u{7}',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{1b}',
    '[',
    ']',
    '\\',
    '\u{7f}',
    '\u{85}',
    '\u{9b}',
    '\u{9c}',
    '\u{9d}',
    '\u{ad}',
    '\u{300}',
    '\u{306}',
    '\u{34f}',
    '\u{61c}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{2028}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{3164}',
    '\u{fe0f}',
    '\u{feff}',
    '\u{fffe}',
    '\u{e0041}',
    ' ',
    '\u{a0}',
    '-',
    '+',
    '(',
    ')',
    '.',
    ',',
    ';',
    ':',
    '"',
    '0',
    '1',
    '5',
    '7',
    '8',
    '9',
    'a',
    'z',
    'A',
    'Ә',
    'й',
    'и',
    'Қ',
    '👩',
    '⚕',
    '€',
];

fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![3 => prop::sample::select(TRICKY), 1 => any::<char>()]
}

/// Text of up to `max` characters, mostly tricky ones.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..=max).prop_map(String::from_iter)
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("a JSON number", |f| Number::from_f64(f).map(Value::Number)),
        text(12).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(text(4), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value for a field of `kind`: sometimes any JSON at all, mostly something of the
/// shape the field expects, near its limits.
fn answer(kind: &FieldKind) -> BoxedStrategy<Value> {
    let shaped: BoxedStrategy<Value> = match kind {
        FieldKind::ShortText { max, .. }
        | FieldKind::LongText { max, .. }
        | FieldKind::Institution { max, .. } => {
            // Around the limit, in two-byte letters.
            let max = *max;
            let near_max = (0..3usize).prop_map(move |k| "й".repeat(max + k - 1));
            prop_oneof![4 => text(12), 1 => near_max].prop_map(Value::from).boxed()
        }
        FieldKind::SingleChoice { options } => {
            let values: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
            prop::sample::select(values).prop_map(Value::from).boxed()
        }
        FieldKind::MultipleChoice { options, .. } => {
            let values: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
            prop::collection::vec(prop::sample::select(values), 0..6)
                .prop_map(Value::from)
                .boxed()
        }
        FieldKind::Date { .. } => (1990i32..2040, 0u8..14, 0u8..33)
            .prop_map(|(y, m, d)| Value::from(format!("{y:04}-{m:02}-{d:02}")))
            .boxed(),
        FieldKind::Time => (0u8..30, 0u8..70).prop_map(|(h, m)| Value::from(format!("{h}:{m:02}"))).boxed(),
        FieldKind::Number { .. } => prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter_map("a JSON number", |f| Number::from_f64(f).map(Value::Number)),
            "[-+]?[0-9 ]{1,12}([.,][0-9]{1,3})?".prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::Phone => phone_like().prop_map(Value::from).boxed(),
        FieldKind::Iin => iin_like().prop_map(Value::from).boxed(),
        FieldKind::District => prop::sample::select(District::ALL.to_vec())
            .prop_map(|d| Value::from(d.code()))
            .boxed(),
        FieldKind::Provider { .. } => "[a-z0-9:._-]{0,12}".prop_map(Value::from).boxed(),
        FieldKind::Photo { .. } => prop::collection::vec(photo(), 0..4).prop_map(Value::Array).boxed(),
        FieldKind::Location => (40.0f64..60.0, 40.0f64..60.0, -5.0f64..500.0)
            .prop_map(|(lat, lon, accuracy_m)| serde_json::json!({ "lat": lat, "lon": lon, "accuracy_m": accuracy_m }))
            .boxed(),
        FieldKind::Checkbox | FieldKind::YesNo | FieldKind::Consent => {
            any::<bool>().prop_map(Value::from).boxed()
        }
        FieldKind::Group { fields, max, .. } => {
            prop::collection::vec(answers_of(fields).prop_map(|a| Value::Object(a.into_iter().collect())), 0..=*max + 2)
                .prop_map(Value::Array)
                .boxed()
        }
    };
    prop_oneof![1 => json(), 4 => shaped].boxed()
}

/// Answers to `fields`: each answered or left out, and a key no form has.
fn answers_of(fields: &[FieldDef]) -> BoxedStrategy<Answers> {
    let each: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|field| {
            let key = field.key.clone();
            prop::option::weighted(0.8, answer(&field.kind).prop_map(move |v| (key.clone(), v)))
                .boxed()
        })
        .collect();
    (each, prop::option::of((text(6), json())))
        .prop_map(|(answers, extra)| {
            let mut out: Answers = answers.into_iter().flatten().collect();
            if let Some((key, value)) = extra {
                out.entry(key).or_insert(value);
            }
            out
        })
        .boxed()
}

fn photo() -> impl Strategy<Value = Value> {
    (
        any::<u128>(),
        "[0-9a-fA-F]{62,66}",
        0u64..10_000_000,
        prop::sample::select(vec!["image/jpeg", "image/png", "image/gif"]),
    )
        .prop_map(|(id, sha256, size, content_type)| {
            serde_json::json!({
                "id": uuid::Uuid::from_u128(id),
                "sha256": sha256,
                "size": size,
                "content_type": content_type,
            })
        })
}

fn phone_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+]?[78]? ?[(]?[67][0-9]{2}[)]? ?[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{2}",
        "[0-9 +()-.]{0,16}",
        text(16),
    ]
}

fn iin_like() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9]{6}[1-6][0-9]{5}", "[0-9]{6}[ -]?[0-9]{6}", "[0-9 -]{0,14}", text(14)]
}

fn forms() -> impl Strategy<Value = &'static FormSchema> {
    prop::sample::select(form::catalogue().iter().collect::<Vec<_>>())
}

fn form_and_answers() -> impl Strategy<Value = (&'static FormSchema, Answers)> {
    forms().prop_flat_map(|schema| (Just(schema), answers_of(&schema.fields)))
}

/// proptest's defaults (`PROPTEST_CASES` read from the environment), without writing
/// failures to a file next to the sources: a failure found is fixed with a unit test.
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Any answers to any form of the catalogue: never a panic, at most the capped number
    /// of errors, and what validation keeps validates again to itself.
    #[test]
    fn form_answers_are_checked_without_panic_and_normalise_to_a_fixed_point(
        (schema, answers) in form_and_answers()
    ) {
        form::shown(schema, &answers);
        form::photos(schema, &answers);
        match form::validate(schema, &answers, TODAY) {
            Ok(normalised) => {
                prop_assert_eq!(form::validate(schema, &normalised, TODAY), Ok(normalised.clone()));
                let listed = form::photos(schema, &normalised);
                prop_assert!(form::unlisted_photos(schema, &normalised, &listed).is_empty());
            }
            Err(errors) => prop_assert!(errors.0.len() <= MAX_FIELD_ERRORS + 1),
        }
    }

    /// Answers that are any JSON object at all.
    #[test]
    fn any_json_object_as_answers_is_refused_or_accepted_without_panic(
        schema in forms(),
        answers in prop::collection::btree_map(text(8), json(), 0..8),
    ) {
        let answers: Answers = answers.into_iter().collect();
        let _ = form::validate(schema, &answers, TODAY);
        form::shown(schema, &answers);
    }

    #[test]
    fn a_parsed_phone_prints_and_parses_to_itself(raw in phone_like()) {
        if let Ok(phone) = Phone::parse(&raw) {
            prop_assert_eq!(phone.as_str().len(), 12);
            prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
        }
    }

    #[test]
    fn a_parsed_iin_prints_and_parses_to_itself(raw in iin_like()) {
        if let Ok(iin) = Iin::parse(&raw) {
            prop_assert_eq!(Iin::parse(iin.as_str()), Ok(iin.clone()));
            prop_assert!(iin.birth_date().year() >= 1800);
        }
    }

    #[test]
    fn a_tracking_number_prints_and_parses_to_itself(
        district in prop::sample::select(District::ALL.to_vec()),
        year in any::<i32>(),
        anonymous in any::<bool>(),
        sequence in any::<u32>(),
    ) {
        let number = TrackingNumber { district, year, series: Series::of(anonymous), sequence };
        prop_assert_eq!(number.to_string().parse::<TrackingNumber>(), Ok(number));
    }

    #[test]
    fn any_text_as_a_tracking_number_is_parsed_without_panic(
        raw in prop_oneof!["[A-Za-z]{3}-[-+]?[0-9]{1,11}-[Aa+]?[0-9]{1,12}", text(20)]
    ) {
        if let Ok(number) = raw.parse::<TrackingNumber>() {
            prop_assert_eq!(number.to_string().parse::<TrackingNumber>(), Ok(number));
        }
    }

    /// A directory row as an operator may type it: parsed without panic, and a parsed
    /// provider's record (what `directory export` writes) parses back to it.
    #[test]
    fn a_directory_row_parses_without_panic_and_a_provider_round_trips(record in provider_record()) {
        if let Ok(provider) = record.parse() {
            prop_assert_eq!(provider.to_record().parse(), Ok(provider.clone()));
        }
    }

    /// An act as typed: parsed without panic; an accepted act's text verifies against its
    /// hash and its printed short hash, and holds no control character but line breaks.
    #[test]
    fn an_act_parses_without_panic_and_its_text_verifies(input in act_input()) {
        if let Ok(act) = input.parse() {
            let text = act.text();
            prop_assert!(act::verify(&text, &act.hash()));
            prop_assert!(act::verify(&text, &act.short_hash()));
            prop_assert!(act::verify(&text.replace('\n', "\r\n"), &act.hash()));
            prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{:?}", text);
            prop_assert_eq!(input.parse().map(|a| a.hash()), Ok(act.hash()));
        }
    }

    #[test]
    fn verifying_any_text_against_any_hash_never_panics(
        text in text(40),
        hash in prop_oneof!["[0-9a-fA-F -]{0,70}", text(70)],
    ) {
        let _ = act::verify(&text, &hash);
    }

    /// A calendar from any years an administrator might send: refused or accepted
    /// without panic; an accepted one reads back from its JSON as itself and counts
    /// deadlines without panic.
    #[test]
    fn a_calendar_of_any_years_is_checked_and_reads_back_as_itself(
        years in prop::collection::vec(year(), 0..4),
        counting in prop::sample::select(vec![
            CountingConvention::NextWorkingDayIsDayOne,
            CountingConvention::RegistrationDayIsDayOne,
        ]),
        closes in (0u8..24, 0u8..60),
        received_days in -400i64..400,
    ) {
        let settings = Settings {
            counting,
            office_closes_at: Time::from_hms(closes.0, closes.1, 0).unwrap(),
        };
        let shipped = Calendar::kazakhstan();
        for year in &years {
            if let Ok(edited) = shipped.with_year(year.clone()) {
                edited.deadlines(datetime!(2026-06-01 10:00 UTC) + Duration::days(received_days));
            }
        }
        if let Ok(calendar) = Calendar::new(years, settings) {
            let json = serde_json::to_string(&calendar).unwrap();
            prop_assert_eq!(serde_json::from_str::<Calendar>(&json).unwrap(), calendar.clone());
            calendar.deadlines(datetime!(2026-06-01 10:00 UTC) + Duration::days(received_days));
        }
    }

    #[test]
    fn any_json_as_a_calendar_is_refused_or_read_without_panic(value in json()) {
        let _ = serde_json::from_value::<Calendar>(value);
    }

    /// The text cleaner: idempotent, and what it leaves has no control, bidi or
    /// invisible character (but line breaks and tabs in multi-line text) and no blank
    /// ends.
    #[test]
    fn cleaning_is_idempotent_and_leaves_nothing_invisible(raw in text(40)) {
        for lines in [Lines::One, Lines::Many] {
            let once = clean::clean(&raw, lines);
            prop_assert_eq!(clean::clean(&once, lines), once.clone());
            let composed = clean::nfc(once.clone());
            prop_assert_eq!(clean::clean(&composed, lines), composed.clone());
            prop_assert_eq!(once.trim(), once.as_str());
            for c in once.chars() {
                let kept_break = lines == Lines::Many && matches!(c, '\n' | '\t');
                prop_assert!(!c.is_control() || kept_break, "{:?} in {:?}", c, once);
                prop_assert!(
                    !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                        | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{feff}' | '\u{ad}'),
                    "{:?} in {:?}", c, once
                );
            }
            prop_assert_eq!(clean::is_blank(&raw), once.is_empty());
        }
    }

    /// The other texts people send: a name added to a receipt, a reply, a session.
    #[test]
    fn identities_replies_and_sessions_are_checked_without_panic(
        name in text(30),
        phone in phone_like(),
        reply in text(60),
        time_of_day in "[0-9:]{0,8}",
        place in text(20),
    ) {
        if let Ok(identity) = (IdentityRequest { name: name.clone(), phone, ..Default::default() }).validate() {
            prop_assert!(clean::visible_len(&identity.name) >= 2);
        }
        let _ = ReplyRequest { text: reply }.validate();
        let session = MediationSession { date: TODAY, time: time_of_day, place, mediator: name };
        let _ = session.check(TODAY);
    }
}

fn year() -> impl Strategy<Value = Year> {
    let day = prop_oneof![
        4 => (-800i32..800).prop_map(|d| date!(2026 - 01 - 01) + Duration::days(d.into())),
        1 => (Date::MIN.to_julian_day()..=Date::MAX.to_julian_day())
            .prop_map(|d| Date::from_julian_day(d).unwrap()),
    ];
    (
        prop_oneof![4 => 2024i32..2029, 1 => any::<i32>()],
        any::<bool>(),
        prop::collection::vec(day.clone(), 0..12),
        prop::collection::vec(day, 0..4),
        text(10),
    )
        .prop_map(|(year, provisional, days_off, working_weekends, source)| {
            // Mostly dates of the year itself, so that some calendars are accepted.
            let own = |d: Date| d.replace_year(year).unwrap_or(d);
            Year {
                year,
                provisional,
                days_off: days_off.into_iter().map(own).collect(),
                working_weekends: working_weekends.into_iter().map(own).collect(),
                source,
            }
        })
}

fn provider_record() -> impl Strategy<Value = ProviderRecord> {
    let kinds: Vec<String> = ProviderKind::ALL.iter().map(|k| k.code().to_owned()).collect();
    let districts: Vec<String> = District::ALL.iter().map(|d| d.code().to_owned()).collect();
    let id = prop_oneof![4 => "[a-z0-9][a-z0-9-]{0,20}", 1 => text(8)];
    let word = || prop_oneof![3 => "[A-Za-zА-Яа-яӘә0-9 ,.]{1,20}", 1 => text(12)];
    let coordinate = |range: std::ops::Range<f64>| prop_oneof![4 => range.prop_map(|c| c.to_string()), 1 => text(8)];
    let phones = prop::collection::vec(phone_like(), 0..3).prop_map(|p| p.join("; "));
    let languages = prop_oneof!["(kk|ru|en|KK|de)?( (kk|ru|en))?", text(6)];
    (
        (id.clone(), prop::sample::select(kinds), prop::sample::select(districts)),
        (word(), word(), word(), word(), word(), word()),
        (coordinate(46.0..52.5), coordinate(45.5..56.0), phones),
        (word(), word(), word(), languages),
        (word(), word(), word()),
        (prop_oneof![2 => Just(String::new()), 1 => id], "(true|false|yes|no|1|0|maybe)?"),
    )
        .prop_map(|(a, b, c, d, e, f)| ProviderRecord {
            id: a.0,
            kind: a.1,
            district: a.2,
            name_kk: b.0,
            name_ru: b.1,
            name_en: b.2,
            address_kk: b.3,
            address_ru: b.4,
            address_en: b.5,
            lat: c.0,
            lon: c.1,
            phones: c.2,
            hours_kk: d.0,
            hours_ru: d.1,
            hours_en: d.2,
            languages: d.3,
            services_kk: e.0,
            services_ru: e.1,
            services_en: e.2,
            centre_id: f.0,
            sample: f.1,
        })
}

fn act_input() -> impl Strategy<Value = ActInput> {
    let line = || prop_oneof![3 => "[A-Za-zА-Яа-яӘә0-9 ,.№/-]{1,30}", 1 => text(20)];
    let party = (line(), prop_oneof![Just(String::new()), iin_like()], line()).prop_map(
        |(name, iin, address)| PartyInput { name, iin, address, ..PartyInput::default() },
    );
    (
        (
            line(),
            prop::sample::select(vec!["URA", "TER", "ura", "XXX", ""]),
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
        ),
        (line(), line(), prop::sample::select(vec!["professional", "public", "judge", ""]), line()),
        prop::collection::vec(party, 0..5),
        (line(), prop::collection::vec(line(), 0..4), line()),
    )
        .prop_map(|(a, b, parties, c)| ActInput {
            number: a.0,
            district: a.1.to_owned(),
            date: a.2,
            place: b.0,
            mediator_name: b.1,
            mediator_status: b.2.to_owned(),
            mediator_organisation: b.3,
            parties,
            dispute: c.0,
            terms: c.1,
            language_note: c.2,
            ..ActInput::default()
        })
}
