//! Open311 GeoReport v2: how Adal's complaint form looks to a civic-reporting client
//! (FixMyStreet and the like), written once, from the form's schema.
//!
//! - A *service* is one category of the current complaint form (its `category` field's
//!   choices); its *definition* lists the form's other fields as *attributes*, except
//!   the fields a standard parameter of the specification already carries
//!   ([`STANDARD`]) and those Open311 has no way to send (photos, groups).
//! - A *service request* posted by a client becomes the complaint's answers
//!   ([`PostedRequest::answers`]), which the server checks with the very same
//!   [`crate::form::validate`] as a submission from the app; a refusal names the
//!   parameter the client sent ([`parameter_of`]).
//!
//! Nothing here reads a clock or a database: the server passes the district it derived
//! from a point, and the dates.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;

use crate::district::REGION_UTC_OFFSET;
use crate::form::{self, Answers, Choice, FieldDef, FieldKind, FormSchema};
use crate::validation::FieldErrors;
use crate::{District, Lang};

/// The specification every endpoint of the discovery document speaks.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

/// The form Open311 clients fill in, in its current version.
pub const FORM: &str = "complaint";

/// The field whose choices are the services; its answer is the `service_code`.
pub const SERVICE_FIELD: &str = "category";

/// The field a district comes from: an attribute, or else derived from `lat`/`long`.
pub const DISTRICT_FIELD: &str = "district";

/// Fields a standard parameter of the specification carries, with that parameter: they
/// are not offered again as attributes.
pub const STANDARD: [(&str, &str); 4] = [
    ("description", "description"),
    ("name", "first_name/last_name"),
    ("phone", "phone"),
    ("location", "lat/long"),
];

/// The most `service_request_id`s one `GET requests` may ask for, and the most requests
/// one answer holds (the specification's default limit).
pub const MAX_REQUESTS: usize = 1000;

/// The longest span `start_date`..`end_date` may cover, and the default span, in days.
pub const MAX_SPAN_DAYS: i64 = 90;

/// The current version of the complaint form.
pub fn form() -> &'static FormSchema {
    // A core test holds the catalogue to having it.
    form::current(FORM).expect("the catalogue has a complaint form")
}

mod wire;

pub use wire::*;

/// How one field of the form reaches an Open311 client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    /// It is the service: `service_code`.
    ServiceCode,
    /// A standard parameter of the specification (see [`STANDARD`]).
    Standard(&'static str),
    /// `attribute[key]`, of this datatype.
    Attribute(Datatype),
    /// Not at all: Open311 cannot send it (photos are uploaded, not linked; groups
    /// have no shape in the specification). Such a field is never required of a client.
    NotOffered,
}

/// How `field` (a top-level field of the complaint form) reaches a client.
pub fn carried(field: &FieldDef) -> Carried {
    if field.key == SERVICE_FIELD {
        return Carried::ServiceCode;
    }
    if let Some((_, parameter)) = STANDARD.iter().find(|(key, _)| *key == field.key) {
        return Carried::Standard(parameter);
    }
    let datatype = match &field.kind {
        FieldKind::ShortText { .. }
        | FieldKind::Institution { .. }
        | FieldKind::Time
        | FieldKind::Phone
        | FieldKind::Iin
        | FieldKind::Provider { .. } => Datatype::String,
        FieldKind::LongText { .. } => Datatype::Text,
        FieldKind::Number { .. } => Datatype::Number,
        FieldKind::Date { .. } => Datatype::Datetime,
        FieldKind::SingleChoice { .. }
        | FieldKind::District
        | FieldKind::Checkbox
        | FieldKind::YesNo
        | FieldKind::Consent => Datatype::Singlevaluelist,
        FieldKind::MultipleChoice { .. } => Datatype::Multivaluelist,
        FieldKind::Photo { .. } | FieldKind::Location | FieldKind::Group { .. } => {
            return Carried::NotOffered;
        }
    };
    Carried::Attribute(datatype)
}

/// The parameter a client sends for the answer at `path` (a field error's path), as an
/// error names it: `service_code`, `description`, `attribute[institution]`.
pub fn parameter_of(path: &str) -> String {
    let key = path.split('.').next().unwrap_or(path);
    match form().field(key).map(carried) {
        Some(Carried::ServiceCode) => "service_code".into(),
        Some(Carried::Standard(parameter)) => parameter.into(),
        _ if key == DISTRICT_FIELD => "attribute[district] (or lat/long)".into(),
        _ => format!("attribute[{key}]"),
    }
}

/// The field errors of a refused request, one line per field, each naming the parameter
/// and saying what is wrong in `lang`.
pub fn describe(errors: &FieldErrors, lang: Lang) -> Vec<String> {
    errors
        .0
        .iter()
        .map(|error| {
            format!("{}: {}", parameter_of(error.field.as_str()), error.code.message(lang))
        })
        .collect()
}

/// The options of the service field: the services.
fn categories() -> &'static [Choice] {
    match form().field(SERVICE_FIELD).map(|f| &f.kind) {
        Some(FieldKind::SingleChoice { options }) => options,
        // A core test holds the form to having this field.
        _ => &[],
    }
}

/// The service `code`, if there is one.
pub fn category(code: &str) -> Option<&'static Choice> {
    categories().iter().find(|c| c.value == code)
}

/// `services.json` in `lang`.
pub fn services(lang: Lang) -> Vec<Service> {
    let title = form().title.get(lang);
    categories()
        .iter()
        .map(|choice| Service {
            service_code: choice.value.clone(),
            service_name: choice.label.get(lang).to_owned(),
            description: format!("{title}: {}", choice.label.get(lang)),
            metadata: true,
            kind: "realtime".into(),
            keywords: choice.label.iter().collect::<Vec<_>>().join(", "),
            group: title.to_owned(),
        })
        .collect()
}

/// `services/{code}.json` in `lang`; `None` for an unknown service.
pub fn definition(code: &str, lang: Lang) -> Option<ServiceDefinition> {
    let choice = category(code)?;
    let attributes = form()
        .fields
        .iter()
        .filter_map(|field| match carried(field) {
            Carried::Attribute(datatype) => Some((field, datatype)),
            _ => None,
        })
        .zip(1..)
        .map(|((field, datatype), order)| Attribute {
            variable: true,
            code: field.key.clone(),
            datatype,
            // The district can come from the point instead.
            required: field.required && field.show_if.is_none() && field.key != DISTRICT_FIELD,
            datatype_description: datatype_description(field, lang),
            order,
            description: field.label.get(lang).to_owned(),
            values: values(&field.kind, lang),
        })
        .collect();
    Some(ServiceDefinition { service_code: choice.value.clone(), attributes })
}

/// What a person types for `field`: its help, or what the kind needs.
fn datatype_description(field: &FieldDef, lang: Lang) -> Option<String> {
    let hint = match (&field.kind, lang) {
        (FieldKind::Date { .. }, Lang::Kk) => Some("Күні: ЖЖЖЖ-АА-КК"),
        (FieldKind::Date { .. }, Lang::Ru) => Some("Дата: ГГГГ-ММ-ДД"),
        (FieldKind::Date { .. }, Lang::En) => Some("A date: YYYY-MM-DD"),
        (FieldKind::District, Lang::Kk) => Some("Берілмесе, lat/long бойынша анықталады"),
        (FieldKind::District, Lang::Ru) => Some("Если не указан, определяется по lat/long"),
        (FieldKind::District, Lang::En) => Some("If not given, found from lat/long"),
        _ => None,
    };
    let help = field.help.as_ref().map(|h| h.get(lang));
    match (hint, help) {
        (Some(hint), Some(help)) => Some(format!("{hint}. {help}")),
        (Some(hint), None) => Some(hint.to_owned()),
        (None, help) => help.map(str::to_owned),
    }
}

/// The options of a list attribute in `lang`.
fn values(kind: &FieldKind, lang: Lang) -> Vec<AttributeValue> {
    let of = |choices: &[Choice]| {
        choices
            .iter()
            .map(|c| AttributeValue { key: c.value.clone(), name: c.label.get(lang).to_owned() })
            .collect()
    };
    let yes_no = |yes: &[&str; 3], no: Option<&[&str; 3]>| {
        let mut values = vec![AttributeValue { key: "true".into(), name: pick(yes, lang).into() }];
        if let Some(no) = no {
            values.push(AttributeValue { key: "false".into(), name: pick(no, lang).into() });
        }
        values
    };
    match kind {
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => {
            of(options)
        }
        FieldKind::District => District::ALL
            .into_iter()
            .map(|d| AttributeValue { key: d.code().into(), name: d.name(lang).into() })
            .collect(),
        FieldKind::Checkbox | FieldKind::YesNo => {
            yes_no(&["Иә", "Да", "Yes"], Some(&["Жоқ", "Нет", "No"]))
        }
        FieldKind::Consent => yes_no(&["Келісемін", "Согласен", "I agree"], None),
        _ => Vec::new(),
    }
}

fn pick<'a>(texts: &'a [&'a str; 3], lang: Lang) -> &'a str {
    match lang {
        Lang::Kk => texts[0],
        Lang::Ru => texts[1],
        Lang::En => texts[2],
    }
}

/// `POST requests.json` as the client sent it, every value as typed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PostedRequest {
    pub api_key: Option<String>,
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    /// Adal's own parameter: the receipt secret the client made (as the app makes one),
    /// which with the tracking number opens the public receipt.
    pub receipt_secret: Option<String>,
    /// `attribute[code]=value` (one value) and `attribute[code][]=value` (a list).
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// Never prints the key or what the person wrote.
impl fmt::Debug for PostedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostedRequest").field("service_code", &self.service_code).finish()
    }
}

/// A parameter name the request cannot be read with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a parameter: attributes are sent as attribute[code]=value")]
pub struct MalformedParameter(pub String);

impl PostedRequest {
    /// Reads the decoded pairs of an `application/x-www-form-urlencoded` body. A blank
    /// value counts as no value (the specification's "optional" means exactly that);
    /// parameters Adal does not keep (`email`, `address_string`, `media_url`,
    /// `device_id`, `account_id`, `jurisdiction_id`, ...) are ignored, as the form has
    /// no field for them and what is stored is only what the form asks.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<PostedRequest, MalformedParameter> {
        let mut request = PostedRequest::default();
        for (name, value) in pairs {
            if let Some(rest) = name.strip_prefix("attribute[") {
                let (code, list) = match rest.strip_suffix("][]") {
                    Some(code) => (code, true),
                    None => (rest.strip_suffix(']').unwrap_or(""), false),
                };
                let well_formed = !code.is_empty()
                    && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !well_formed {
                    return Err(MalformedParameter(name.chars().take(60).collect()));
                }
                let values = request.attributes.entry(code.to_owned()).or_default();
                if !list {
                    values.clear();
                }
                if !value.trim().is_empty() {
                    values.push(value.to_owned());
                }
                continue;
            }
            let slot = match name {
                "api_key" => &mut request.api_key,
                "service_code" => &mut request.service_code,
                "lat" => &mut request.lat,
                "long" => &mut request.long,
                "first_name" => &mut request.first_name,
                "last_name" => &mut request.last_name,
                "phone" => &mut request.phone,
                "description" => &mut request.description,
                "receipt_secret" => &mut request.receipt_secret,
                _ => continue,
            };
            *slot = Some(value.to_owned()).filter(|v| !v.trim().is_empty());
        }
        request.attributes.retain(|_, values| !values.is_empty());
        Ok(request)
    }

    /// The point the client sent, if both halves read as numbers.
    pub fn point(&self) -> Option<(f64, f64)> {
        let lat = self.lat.as_deref()?.trim().parse::<f64>().ok()?;
        let lon = self.long.as_deref()?.trim().parse::<f64>().ok()?;
        (lat.is_finite() && lon.is_finite()).then_some((lat, lon))
    }

    /// Whether the client named the district itself.
    pub fn names_district(&self) -> bool {
        self.attributes.contains_key(DISTRICT_FIELD)
    }

    /// The complaint's answers, for [`crate::form::validate`] to check: the service as
    /// the category, the standard parameters as their fields, the attributes of the
    /// definition as theirs (others are ignored), and `district` from the attribute or,
    /// without one, `nearest` (the server's guess from the point).
    pub fn answers(&self, nearest: Option<District>) -> Answers {
        let mut answers = Answers::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                answers.insert(key.to_owned(), value);
            }
        };
        put(SERVICE_FIELD, self.service_code.clone().map(Value::from));
        put("description", self.description.clone().map(Value::from));
        put("phone", self.phone.clone().map(Value::from));
        let name = [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .map(|part| part.trim())
            .collect::<Vec<_>>()
            .join(" ");
        put("name", Some(name).filter(|n| !n.is_empty()).map(Value::from));
        put("location", self.location());
        for field in &form().fields {
            let Carried::Attribute(_) = carried(field) else { continue };
            put(&field.key, self.attributes.get(&field.key).map(|v| attribute(&field.kind, v)));
        }
        if !self.names_district() {
            put(DISTRICT_FIELD, nearest.map(|d| Value::from(d.code())));
        }
        answers
    }

    /// The `location` answer: Open311 gives no accuracy, so it is 0 (not known). Halves
    /// that do not read as a point are kept as text, so that `validate` refuses them
    /// with a message rather than the point being silently dropped.
    fn location(&self) -> Option<Value> {
        if self.lat.is_none() && self.long.is_none() {
            return None;
        }
        Some(match self.point() {
            Some((lat, lon)) => serde_json::json!({ "lat": lat, "lon": lon, "accuracy_m": 0 }),
            None => Value::from("not a point"),
        })
    }
}

/// An attribute's values as the answer the form's field takes.
fn attribute(kind: &FieldKind, values: &[String]) -> Value {
    let first = values.first().map(String::as_str).unwrap_or("").trim();
    match kind {
        FieldKind::MultipleChoice { .. } => Value::from(values.to_vec()),
        FieldKind::Checkbox | FieldKind::YesNo | FieldKind::Consent => match first {
            "true" | "1" | "yes" | "on" => Value::Bool(true),
            "false" | "0" | "no" | "off" => Value::Bool(false),
            other => Value::from(other),
        },
        // A `datetime` may come as a whole instant: its day in the region.
        FieldKind::Date { .. } => {
            let instant =
                OffsetDateTime::parse(first, &time::format_description::well_known::Rfc3339);
            // Checked: an instant at the edge of the calendar has no day in the region.
            let day = instant.ok().and_then(|at| at.checked_to_offset(REGION_UTC_OFFSET));
            match day {
                Some(at) => Value::from(at.date().to_string()),
                None => Value::from(first),
            }
        }
        _ => Value::from(first),
    }
}

/// What the answer to a POST tells the person: who answers, and by when.
pub fn service_notice(district: District, answer_by: time::Date, lang: Lang) -> String {
    let place = district.name(lang);
    match lang {
        Lang::Kk => format!(
            "Шағымды «Ақжайық – адалдық алаңы» кеңсесі ({place}) тіркеп, {answer_by} дейін жауап береді."
        ),
        Lang::Ru => format!(
            "Жалобу зарегистрирует офис «Акжайык – адалдык аланы» ({place}) и ответит до {answer_by}."
        ),
        Lang::En => format!(
            "The \"Akzhaiyk – adaldyq alany\" office ({place}) registers the complaint and answers by {answer_by}."
        ),
    }
}

/// The responsible agency when the directory lists no integrity office for `district`.
pub fn default_agency(district: District, lang: Lang) -> String {
    match lang {
        Lang::Kk => format!("«Ақжайық – адалдық алаңы» кеңсесі, {}", district.name(lang)),
        Lang::Ru => format!("Офис «Акжайык – адалдык аланы», {}", district.name(lang)),
        Lang::En => format!("\"Akzhaiyk – adaldyq alany\" office, {}", district.name(lang)),
    }
}

/// `contact` and `key_service` of the discovery document in `lang`.
pub fn contact(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Kk => (
            "«Ақжайық – адалдық алаңы» өңірлік фронт-офисі, Орал қ.",
            "API кілтін Adal әкімшісі береді: өңірлік фронт-офиске хабарласыңыз.",
        ),
        Lang::Ru => (
            "Региональный фронт-офис «Акжайык – адалдык аланы», г. Уральск.",
            "Ключ API выдаёт администратор Adal: обратитесь в региональный фронт-офис.",
        ),
        Lang::En => (
            "The \"Akzhaiyk – adaldyq alany\" regional front office, Uralsk.",
            "An Adal administrator issues API keys: ask the regional front office.",
        ),
    }
}

/// Sortable, and changes whenever a new version of the complaint form (and so of the
/// services and their definitions) is published.
pub fn changeset() -> String {
    format!("complaint-v{:04}", form().version)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::ErrorCode;

    fn posted(pairs: &[(&str, &str)]) -> PostedRequest {
        PostedRequest::from_pairs(pairs.iter().copied()).unwrap()
    }

    #[test]
    fn services_are_the_categories_of_the_current_complaint_form() {
        let codes: Vec<_> = services(Lang::En).into_iter().map(|s| s.service_code).collect();
        assert_eq!(codes, ["school", "clinic", "akimat", "state_service", "police", "other"]);
        let school = &services(Lang::Ru)[0];
        assert_eq!(school.service_name, "Школа");
        assert_eq!(school.keywords, "Мектеп, Школа, School");
        assert!(school.metadata);
        assert_eq!(school.kind, "realtime");
    }

    #[test]
    fn every_field_of_the_form_is_carried_once_and_only_photos_are_not_offered() {
        let mut standard = Vec::new();
        for field in &form().fields {
            match carried(field) {
                Carried::ServiceCode => assert_eq!(field.key, SERVICE_FIELD),
                Carried::Standard(_) => standard.push(field.key.as_str()),
                Carried::Attribute(_) => {}
                Carried::NotOffered => assert_eq!(field.key, "photos"),
            }
        }
        assert_eq!(standard, ["description", "location", "name", "phone"]);
        let school = definition("school", Lang::En).unwrap();
        let codes: Vec<_> = school.attributes.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "district",
                "institution",
                "amount_asked",
                "occurred_on",
                "anonymous",
                "iin",
                "postal_address"
            ]
        );
        let orders: Vec<_> = school.attributes.iter().map(|a| a.order).collect();
        assert_eq!(orders, [1, 2, 3, 4, 5, 6, 7]);
        assert!(definition("parking", Lang::En).is_none());
    }

    #[test]
    fn a_posted_request_becomes_answers_that_validate() {
        let request = posted(&[
            ("api_key", "k"),
            ("service_code", "school"),
            ("lat", "51.2333"),
            ("long", "51.3667"),
            ("email", "someone@example.org"),
            ("first_name", "Aigerim"),
            ("last_name", "S."),
            ("phone", "8 701 234 56 78"),
            ("description", "Parents were asked for 5000 tenge for curtains."),
            ("attribute[institution]", "School No. 12"),
            ("attribute[occurred_on]", "2026-11-20T09:30:00+05:00"),
            ("attribute[anonymous]", "false"),
            ("attribute[unknown]", "ignored"),
        ]);
        let answers = request.answers(Some(District::Uralsk));
        let normalised = form::validate(form(), &answers, date!(2026 - 11 - 25)).unwrap();
        assert_eq!(normalised["district"], json!("URA"));
        assert_eq!(normalised["name"], json!("Aigerim S."));
        assert_eq!(normalised["phone"], json!("+77012345678"));
        assert_eq!(normalised["occurred_on"], json!("2026-11-20"));
        assert_eq!(normalised["location"]["lat"], json!(51.2333));
        assert!(!normalised.contains_key("unknown"));
        assert!(!normalised.values().any(|v| v == "someone@example.org"));
    }

    #[test]
    fn a_datetime_at_the_edge_of_the_calendar_is_refused_not_a_panic() {
        let request = posted(&[("attribute[occurred_on]", "9999-12-31T23:59:59Z")]);
        let errors =
            form::validate(form(), &request.answers(None), date!(2026 - 11 - 25)).unwrap_err();
        assert_eq!(errors.get("occurred_on"), Some(ErrorCode::InvalidDate));
    }

    #[test]
    fn a_district_attribute_wins_over_the_point() {
        let request = posted(&[("attribute[district]", "TER"), ("lat", "51.2"), ("long", "51.3")]);
        assert_eq!(request.answers(Some(District::Uralsk))["district"], json!("TER"));
    }

    #[test]
    fn refusals_name_the_parameter_the_client_sends() {
        let request = posted(&[("service_code", "school"), ("lat", "north"), ("long", "1")]);
        let errors =
            form::validate(form(), &request.answers(None), date!(2026 - 11 - 25)).unwrap_err();
        let lines = describe(&errors, Lang::En);
        assert!(
            lines.contains(
                &"attribute[district] (or lat/long): Please fill in this field.".to_owned()
            ),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("attribute[institution]: ")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("first_name/last_name: ")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("lat/long: ")), "{lines:?}");
        assert_eq!(errors.get("location"), Some(ErrorCode::InvalidLocation));
    }

    #[test]
    fn list_attributes_collect_every_value_and_a_blank_is_no_value() {
        let request = posted(&[
            ("attribute[a][]", "x"),
            ("attribute[a][]", "y"),
            ("attribute[b]", " "),
            ("description", ""),
        ]);
        assert_eq!(request.attributes["a"], ["x", "y"]);
        assert!(!request.attributes.contains_key("b"));
        assert_eq!(request.description, None);
    }

    #[test]
    fn a_malformed_attribute_name_is_refused() {
        for name in ["attribute[", "attribute[]", "attribute[a b]", "attribute[x]]"] {
            assert!(PostedRequest::from_pairs([(name, "v")]).is_err(), "{name}");
        }
    }

    #[test]
    fn the_debug_output_holds_no_key_and_no_words() {
        let request = posted(&[("api_key", "secret-key"), ("description", "my words")]);
        let printed = format!("{request:?}");
        assert!(!printed.contains("secret-key") && !printed.contains("my words"));
    }
}
