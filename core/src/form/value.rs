//! One answer at a time: what each field kind accepts and what it keeps.
//!
//! Answers arrive as JSON values as the app holds them (strings as typed); each kind
//! parses its value and hands back the normalised JSON that is sent and stored, so
//! that retyping spaces never turns a resend into a conflict.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, macros::format_description};

use super::{Choice, FieldKind};
use crate::attachment::AttachmentRef;
use crate::{District, ErrorCode, Iin, Phone, validation};

/// Where a person stood, as the browser's geolocation gives it.
///
/// JSON: `{"lat": 51.2278, "lon": 51.3865, "accuracy_m": 25.0}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    /// The radius of uncertainty, in metres.
    pub accuracy_m: f64,
}

/// A generous box around West Kazakhstan region (about 46.6–51.8° N, 46.5–55.0° E),
/// so that a fix at the border is never refused while a phone reporting Moscow or
/// 0°, 0° is.
pub const REGION_SOUTH: f64 = 46.0;
pub const REGION_NORTH: f64 = 52.5;
pub const REGION_WEST: f64 = 45.5;
pub const REGION_EAST: f64 = 56.0;

impl Location {
    pub fn in_region(&self) -> bool {
        (REGION_SOUTH..=REGION_NORTH).contains(&self.lat)
            && (REGION_WEST..=REGION_EAST).contains(&self.lon)
    }
}

const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// The earliest date an event can have happened on: older events are not handled here.
const EARLIEST: Date = time::macros::date!(2000 - 01 - 01);

/// The longest provider id accepted.
const PROVIDER_ID_MAX: usize = 100;

/// Whether `value` is no answer at all: missing, `null`, text with nothing visible (only
/// spaces, controls or invisible characters, see [`crate::clean`]), an empty list.
pub fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => crate::clean::is_blank(s),
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(members)) => members.is_empty(),
        Some(_) => false,
    }
}

/// Parses one non-empty answer of `kind` into its normalised JSON. `Ok(None)` means
/// "nothing to keep" (an unticked consent). Groups are walked by `validate` instead.
pub(crate) fn normalise(
    kind: &FieldKind,
    raw: &Value,
    today: Date,
) -> Result<Option<Value>, ErrorCode> {
    let value = match kind {
        FieldKind::ShortText { min, max } | FieldKind::Institution { min, max } => {
            Value::from(validation::text(string(raw)?, *min, *max)?)
        }
        FieldKind::LongText { min, max } => {
            Value::from(validation::long_text(string(raw)?, *min, *max)?)
        }
        FieldKind::SingleChoice { options } => Value::from(choice(options, string(raw)?)?),
        FieldKind::MultipleChoice { options, min, max } => multiple(options, raw, *min, *max)?,
        FieldKind::Date { not_in_future, not_before_2000 } => {
            let date =
                Date::parse(string(raw)?.trim(), ISO_DATE).map_err(|_| ErrorCode::InvalidDate)?;
            if *not_before_2000 && date < EARLIEST {
                return Err(ErrorCode::DateTooOld);
            }
            // A day of slack allows for clocks and time zones that disagree.
            if *not_in_future && date > today.next_day().unwrap_or(today) {
                return Err(ErrorCode::DateInFuture);
            }
            Value::from(date.format(ISO_DATE).map_err(|_| ErrorCode::InvalidDate)?)
        }
        FieldKind::Time => Value::from(time_of_day(string(raw)?)?),
        FieldKind::Number { min, max, integer, .. } => number(raw, *min, *max, *integer)?,
        FieldKind::Phone => Value::from(String::from(Phone::parse(string(raw)?)?)),
        FieldKind::Iin => Value::from(String::from(Iin::parse(string(raw)?)?)),
        FieldKind::District => {
            let code = string(raw)?.trim();
            Value::from(District::from_code(code).ok_or(ErrorCode::UnknownChoice)?.code())
        }
        FieldKind::Provider { .. } => Value::from(provider_id(string(raw)?)?),
        FieldKind::Photo { max } => photos(raw, *max)?,
        FieldKind::Location => location(raw)?,
        FieldKind::Checkbox | FieldKind::YesNo => Value::Bool(boolean(raw)?),
        FieldKind::Consent => match boolean(raw)? {
            true => Value::Bool(true),
            false => return Ok(None),
        },
        FieldKind::Group { .. } => return Err(ErrorCode::InvalidValue),
    };
    Ok(Some(value))
}

fn string(raw: &Value) -> Result<&str, ErrorCode> {
    raw.as_str().ok_or(ErrorCode::InvalidValue)
}

fn boolean(raw: &Value) -> Result<bool, ErrorCode> {
    raw.as_bool().ok_or(ErrorCode::InvalidValue)
}

fn choice(options: &[Choice], raw: &str) -> Result<String, ErrorCode> {
    let raw = raw.trim();
    options.iter().find(|o| o.value == raw).map(|o| o.value.clone()).ok_or(ErrorCode::UnknownChoice)
}

fn multiple(options: &[Choice], raw: &Value, min: usize, max: usize) -> Result<Value, ErrorCode> {
    let ticked = raw.as_array().ok_or(ErrorCode::InvalidValue)?;
    let mut chosen = Vec::with_capacity(ticked.len());
    for item in ticked {
        chosen.push(choice(options, string(item)?)?);
    }
    // The options' order, without repeats: the same ticks in another order are the
    // same answer.
    let kept: Vec<Value> = options
        .iter()
        .filter(|o| chosen.contains(&o.value))
        .map(|o| Value::from(o.value.as_str()))
        .collect();
    match kept.len() {
        n if n < min => Err(ErrorCode::TooFewChoices { min }),
        n if n > max => Err(ErrorCode::TooManyChoices { max }),
        _ => Ok(Value::Array(kept)),
    }
}

/// `H:MM` or `HH:MM`, optionally with seconds (which some browsers add); kept as `HH:MM`.
pub(crate) fn time_of_day(raw: &str) -> Result<String, ErrorCode> {
    let mut parts = raw.trim().split(':');
    let (Some(hours), Some(minutes), seconds, None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ErrorCode::InvalidTime);
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>, below: u8| {
        if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u8>().ok().filter(|n| *n < below)
    };
    let hours = digits(hours, 1..=2, 24).ok_or(ErrorCode::InvalidTime)?;
    let minutes = digits(minutes, 2..=2, 60).ok_or(ErrorCode::InvalidTime)?;
    if let Some(seconds) = seconds {
        digits(seconds, 2..=2, 60).ok_or(ErrorCode::InvalidTime)?;
    }
    Ok(format!("{hours:02}:{minutes:02}"))
}

/// A JSON number, or a string as people type numbers in the region: `5 000`, `2,5`.
fn number(raw: &Value, min: i64, max: i64, integer: bool) -> Result<Value, ErrorCode> {
    let value = match raw {
        Value::Number(n) => n.as_f64().ok_or(ErrorCode::NotANumber)?,
        Value::String(s) => {
            let cleaned: String = s
                .trim()
                .chars()
                .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            // Rust also reads "inf", "NaN" and "1e3"; people mean none of these.
            if !cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+')) {
                return Err(ErrorCode::NotANumber);
            }
            cleaned.parse::<f64>().map_err(|_| ErrorCode::NotANumber)?
        }
        _ => return Err(ErrorCode::InvalidValue),
    };
    if !value.is_finite() {
        return Err(ErrorCode::NotANumber);
    }
    if integer && value.fract() != 0.0 {
        return Err(ErrorCode::NotAWholeNumber);
    }
    if value < min as f64 || value > max as f64 {
        return Err(ErrorCode::NumberOutOfRange { min, max });
    }
    if value.fract() == 0.0 {
        // Within `min..=max`, so within i64: stored as an integer, `5000` not `5000.0`.
        return Ok(Value::from(value as i64));
    }
    serde_json::Number::from_f64(value).map(Value::Number).ok_or(ErrorCode::NotANumber)
}

fn provider_id(raw: &str) -> Result<String, ErrorCode> {
    let id = raw.trim();
    let shaped = id.len() <= PROVIDER_ID_MAX
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if shaped { Ok(id.to_owned()) } else { Err(ErrorCode::InvalidProvider) }
}

fn photos(raw: &Value, max: usize) -> Result<Value, ErrorCode> {
    let items = raw.as_array().ok_or(ErrorCode::InvalidAttachment)?;
    // Before reading any: the duplicate check below grows with the square of the count.
    if items.len() > max {
        return Err(ErrorCode::TooManyPhotos { max });
    }
    let mut refs: Vec<AttachmentRef> = Vec::with_capacity(items.len());
    for item in items {
        let mut photo: AttachmentRef =
            serde_json::from_value(item.clone()).map_err(|_| ErrorCode::InvalidAttachment)?;
        photo.sha256.make_ascii_lowercase();
        // The attachment's own checks (hash, size, image type), so that a photo answer
        // can only name what an upload could have made.
        if photo.validate().is_err() || refs.iter().any(|r| r.id == photo.id) {
            return Err(ErrorCode::InvalidAttachment);
        }
        refs.push(photo);
    }
    serde_json::to_value(refs).map_err(|_| ErrorCode::InvalidAttachment)
}

fn location(raw: &Value) -> Result<Value, ErrorCode> {
    let place: Location =
        serde_json::from_value(raw.clone()).map_err(|_| ErrorCode::InvalidLocation)?;
    let sane = (-90.0..=90.0).contains(&place.lat)
        && (-180.0..=180.0).contains(&place.lon)
        && place.accuracy_m.is_finite()
        && place.accuracy_m >= 0.0;
    if !sane {
        return Err(ErrorCode::InvalidLocation);
    }
    if !place.in_region() {
        return Err(ErrorCode::OutsideRegion);
    }
    serde_json::to_value(place).map_err(|_| ErrorCode::InvalidLocation)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::form::Text;

    const TODAY: Date = date!(2026 - 11 - 25);

    fn parse(kind: &FieldKind, raw: Value) -> Result<Option<Value>, ErrorCode> {
        normalise(kind, &raw, TODAY)
    }

    fn ok(kind: &FieldKind, raw: Value) -> Value {
        parse(kind, raw.clone()).unwrap_or_else(|e| panic!("{raw}: {e}")).unwrap()
    }

    fn options(values: &[&str]) -> Vec<Choice> {
        values.iter().map(|v| Choice::new(*v, Text::same(*v))).collect()
    }

    #[test]
    fn emptiness_covers_missing_null_blank_and_empty_lists() {
        for empty in
            [None, Some(&Value::Null), Some(&json!("  ")), Some(&json!([])), Some(&json!({}))]
        {
            assert!(is_empty(empty), "{empty:?}");
        }
        for full in [json!("a"), json!(0), json!(false), json!(["x"])] {
            assert!(!is_empty(Some(&full)), "{full}");
        }
    }

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        let kind = FieldKind::ShortText { min: 2, max: 5 };
        assert_eq!(ok(&kind, json!("  Әділ ")), json!("Әділ"));
        assert_eq!(parse(&kind, json!("Әділдік")), Err(ErrorCode::TooLong { max: 5 }));
        assert_eq!(parse(&kind, json!(42)), Err(ErrorCode::InvalidValue));
    }

    #[test]
    fn single_choices_must_be_offered() {
        let kind = FieldKind::SingleChoice { options: options(&["kk", "ru"]) };
        assert_eq!(ok(&kind, json!(" kk ")), json!("kk"));
        assert_eq!(parse(&kind, json!("en")), Err(ErrorCode::UnknownChoice));
    }

    #[test]
    fn multiple_choices_are_deduplicated_ordered_and_counted() {
        let kind = FieldKind::MultipleChoice { options: options(&["a", "b", "c"]), min: 2, max: 2 };
        assert_eq!(ok(&kind, json!(["c", "a", "c"])), json!(["a", "c"]));
        assert_eq!(parse(&kind, json!(["a", "a"])), Err(ErrorCode::TooFewChoices { min: 2 }));
        assert_eq!(parse(&kind, json!(["a", "b", "c"])), Err(ErrorCode::TooManyChoices { max: 2 }));
        assert_eq!(parse(&kind, json!(["a", "z"])), Err(ErrorCode::UnknownChoice));
        assert_eq!(parse(&kind, json!("a")), Err(ErrorCode::InvalidValue));
    }

    #[test]
    fn dates_are_real_and_within_the_allowed_span() {
        let past = FieldKind::Date { not_in_future: true, not_before_2000: true };
        assert_eq!(ok(&past, json!("2026-11-25")), json!("2026-11-25"));
        assert_eq!(ok(&past, json!("2026-11-26")), json!("2026-11-26"), "a day of clock slack");
        assert_eq!(parse(&past, json!("2026-11-27")), Err(ErrorCode::DateInFuture));
        assert_eq!(parse(&past, json!("1999-12-31")), Err(ErrorCode::DateTooOld));
        assert_eq!(parse(&past, json!("2026-02-30")), Err(ErrorCode::InvalidDate));
        assert_eq!(parse(&past, json!("25.11.2026")), Err(ErrorCode::InvalidDate));
        let any = FieldKind::Date { not_in_future: false, not_before_2000: false };
        assert_eq!(ok(&any, json!("2030-01-01")), json!("2030-01-01"));
        assert_eq!(ok(&any, json!("1990-06-01")), json!("1990-06-01"));
    }

    #[test]
    fn times_are_hours_and_minutes() {
        let kind = FieldKind::Time;
        assert_eq!(ok(&kind, json!("08:30")), json!("08:30"));
        assert_eq!(ok(&kind, json!("8:05")), json!("08:05"));
        assert_eq!(ok(&kind, json!("23:59:00")), json!("23:59"));
        assert_eq!(ok(&kind, json!("00:00")), json!("00:00"));
        for bad in ["24:00", "12:60", "12:5", "12", "noon", "-1:30", "12:30:99", "1:2:3:4"] {
            assert_eq!(parse(&kind, json!(bad)), Err(ErrorCode::InvalidTime), "{bad}");
        }
    }

    #[test]
    fn numbers_accept_typing_habits_and_keep_their_bounds() {
        let money = FieldKind::Number { min: 0, max: 10_000_000, integer: true, unit: None };
        assert_eq!(ok(&money, json!("5 000")), json!(5000));
        assert_eq!(ok(&money, json!("5\u{a0}000")), json!(5000));
        assert_eq!(ok(&money, json!(5000)), json!(5000));
        assert_eq!(ok(&money, json!(5000.0)), json!(5000));
        assert_eq!(ok(&money, json!("0")), json!(0));
        assert_eq!(parse(&money, json!("2,5")), Err(ErrorCode::NotAWholeNumber));
        assert_eq!(
            parse(&money, json!("-1")),
            Err(ErrorCode::NumberOutOfRange { min: 0, max: 10_000_000 })
        );
        assert_eq!(
            parse(&money, json!(20_000_000)),
            Err(ErrorCode::NumberOutOfRange { min: 0, max: 10_000_000 })
        );
        for bad in ["five", "1e3", "inf", "NaN", "5 000 тг", ""] {
            assert_eq!(parse(&money, json!(bad)), Err(ErrorCode::NotANumber), "{bad}");
        }
        assert_eq!(parse(&money, json!(true)), Err(ErrorCode::InvalidValue));
        let decimal = FieldKind::Number { min: 0, max: 10, integer: false, unit: None };
        assert_eq!(ok(&decimal, json!("2,5")), json!(2.5));
    }

    #[test]
    fn phones_and_iins_are_normalised_by_their_parsers() {
        assert_eq!(ok(&FieldKind::Phone, json!("8 (701) 234-56-78")), json!("+77012345678"));
        assert_eq!(
            parse(&FieldKind::Phone, json!("+7 901 234 56 78")),
            Err(ErrorCode::InvalidPhone)
        );
        assert_eq!(ok(&FieldKind::Iin, json!("900101 300007")), json!("900101300007"));
        assert_eq!(parse(&FieldKind::Iin, json!("900101300008")), Err(ErrorCode::IinCheckDigit));
    }

    #[test]
    fn districts_are_the_thirteen_codes() {
        assert_eq!(ok(&FieldKind::District, json!(" TER ")), json!("TER"));
        assert_eq!(parse(&FieldKind::District, json!("MOW")), Err(ErrorCode::UnknownChoice));
    }

    #[test]
    fn provider_ids_are_checked_for_shape_only() {
        let kind = FieldKind::Provider { kinds: vec![] };
        assert_eq!(ok(&kind, json!(" rc-ura-01 ")), json!("rc-ura-01"));
        assert_eq!(
            ok(&kind, json!("0b0e5e0c-9a31-4cf7-8f53-3a4c1d2e5f60")),
            json!("0b0e5e0c-9a31-4cf7-8f53-3a4c1d2e5f60")
        );
        assert_eq!(parse(&kind, json!("Иванов И.")), Err(ErrorCode::InvalidProvider));
        assert_eq!(parse(&kind, json!("x".repeat(101))), Err(ErrorCode::InvalidProvider));
    }

    fn photo(id: &str) -> Value {
        json!({
            "id": id,
            "sha256": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "size": 183_412,
            "content_type": "image/jpeg",
        })
    }

    const ID_1: &str = "6f1c3c1e-8d6b-4a8e-9d61-3f2a3d4c5b61";
    const ID_2: &str = "6f1c3c1e-8d6b-4a8e-9d61-3f2a3d4c5b62";

    #[test]
    fn photos_are_references_of_the_right_shape_and_number() {
        let kind = FieldKind::Photo { max: 1 };
        let kept = ok(&kind, json!([photo(ID_1)]));
        assert_eq!(
            kept[0]["sha256"],
            json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            parse(&kind, json!([photo(ID_1), photo(ID_2)])),
            Err(ErrorCode::TooManyPhotos { max: 1 })
        );
        let roomy = FieldKind::Photo { max: 5 };
        assert_eq!(
            parse(&roomy, json!([photo(ID_1), photo(ID_1)])),
            Err(ErrorCode::InvalidAttachment),
            "twice the same"
        );
        let mut broken = Vec::new();
        for (member, value) in [
            ("id", json!("not-a-uuid")),
            ("sha256", json!("abc")),
            ("sha256", json!("z".repeat(64))),
            ("size", json!(0)),
            ("size", json!(-5)),
            ("content_type", json!("application/pdf")),
            ("file_name", json!("IMG_0042.jpg")),
        ] {
            let mut p = photo(ID_1);
            p[member] = value;
            broken.push(p);
        }
        for p in broken {
            assert_eq!(parse(&roomy, json!([p])), Err(ErrorCode::InvalidAttachment), "{p}");
        }
        assert_eq!(parse(&roomy, photo(ID_1)), Err(ErrorCode::InvalidAttachment), "not a list");
    }

    #[test]
    fn locations_must_be_inside_the_region() {
        let uralsk = json!({ "lat": 51.2278, "lon": 51.3865, "accuracy_m": 25.0 });
        assert_eq!(ok(&FieldKind::Location, uralsk.clone()), uralsk);
        let zhanibek = json!({ "lat": 49.42, "lon": 46.85, "accuracy_m": 1200 });
        assert!(parse(&FieldKind::Location, zhanibek).is_ok());
        for outside in [
            json!({ "lat": 55.75, "lon": 37.62, "accuracy_m": 10 }), // Moscow
            json!({ "lat": 43.24, "lon": 76.89, "accuracy_m": 10 }), // Almaty
            json!({ "lat": 0, "lon": 0, "accuracy_m": 10 }),
        ] {
            assert_eq!(parse(&FieldKind::Location, outside), Err(ErrorCode::OutsideRegion));
        }
        for broken in [
            json!({ "lat": 51.2, "lon": 51.3 }),
            json!({ "lat": 91, "lon": 51.3, "accuracy_m": 5 }),
            json!({ "lat": 51.2, "lon": 51.3, "accuracy_m": -1 }),
            json!({ "lat": "51.2", "lon": 51.3, "accuracy_m": 5 }),
            json!("51.2, 51.3"),
        ] {
            assert_eq!(
                parse(&FieldKind::Location, broken.clone()),
                Err(ErrorCode::InvalidLocation),
                "{broken}"
            );
        }
    }

    #[test]
    fn ticks_and_yes_no_answers_are_booleans() {
        assert_eq!(ok(&FieldKind::Checkbox, json!(false)), json!(false));
        assert_eq!(ok(&FieldKind::YesNo, json!(true)), json!(true));
        assert_eq!(parse(&FieldKind::YesNo, json!("yes")), Err(ErrorCode::InvalidValue));
        assert_eq!(ok(&FieldKind::Consent, json!(true)), json!(true));
        assert_eq!(parse(&FieldKind::Consent, json!(false)), Ok(None));
    }
}
