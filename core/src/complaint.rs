//! A citizen's complaint to an integrity office ("Akzhaiyk – adaldyq alany").

use serde::{Deserialize, Serialize};
use time::{Date, macros::format_description};

use crate::validation::{self, ErrorCode, Field, FieldErrors};
use crate::{District, Lang, Phone};

pub const INSTITUTION_MIN: usize = 2;
pub const INSTITUTION_MAX: usize = 200;
pub const DESCRIPTION_MIN: usize = 10;
pub const DESCRIPTION_MAX: usize = 4000;
pub const NAME_MIN: usize = 2;
pub const NAME_MAX: usize = 100;

/// What the complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    School,
    Clinic,
    Akimat,
    StateService,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::School,
        Category::Clinic,
        Category::Akimat,
        Category::StateService,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::School => "school",
            Category::Clinic => "clinic",
            Category::Akimat => "akimat",
            Category::StateService => "state_service",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use Category::*;
        match (self, lang) {
            (School, Lang::Kk) => "Мектеп",
            (School, Lang::Ru) => "Школа",
            (School, Lang::En) => "School",
            (Clinic, Lang::Kk) => "Емхана не аурухана",
            (Clinic, Lang::Ru) => "Поликлиника или больница",
            (Clinic, Lang::En) => "Clinic or hospital",
            (Akimat, Lang::Kk) => "Әкімдік",
            (Akimat, Lang::Ru) => "Акимат",
            (Akimat, Lang::En) => "Akimat office",
            (StateService, Lang::Kk) => "Басқа мемлекеттік қызмет",
            (StateService, Lang::Ru) => "Другая государственная услуга",
            (StateService, Lang::En) => "Other state service",
            (Other, Lang::Kk) => "Басқа",
            (Other, Lang::Ru) => "Другое",
            (Other, Lang::En) => "Other",
        }
    }
}

/// The answers of the complaint form exactly as typed: every field a string, so that a
/// half-filled draft can be stored, synced and shown again without losing a character.
///
/// Missing fields deserialise as empty, so a client that omits one gets a field-level
/// "required" error instead of a refusal of the whole request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplaintAnswers {
    /// District code, e.g. `URA`.
    pub district: String,
    /// Category code, e.g. `school`.
    pub category: String,
    pub institution: String,
    pub description: String,
    /// ISO date `YYYY-MM-DD`, as `<input type=date>` gives it.
    pub occurred_on: String,
    pub anonymous: bool,
    pub name: String,
    pub phone: String,
}

/// How the office can reach the person, or the person's choice not to be known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Contact {
    Anonymous,
    Named { name: String, phone: Phone },
}

/// A complaint that passed validation. Only this type is ever stored by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub district: District,
    pub category: Category,
    pub institution: String,
    pub description: String,
    pub occurred_on: Date,
    pub contact: Contact,
}

const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// The earliest date an event can have happened on: older events are not handled here.
const EARLIEST: Date = time::macros::date!(2000 - 01 - 01);

impl ComplaintAnswers {
    /// Parses every field and reports every problem at once, in form order.
    ///
    /// `today` is the caller's date: the browser's on the device, the server's clock on
    /// receipt. A day of slack allows for clocks and time zones that disagree.
    pub fn validate(&self, today: Date) -> Result<Complaint, FieldErrors> {
        let mut errors = FieldErrors::default();
        let district = errors.check(Field::District, choice(&self.district, District::from_code));
        let category = errors.check(Field::Category, choice(&self.category, Category::from_code));
        let institution = errors.check(
            Field::Institution,
            validation::text(&self.institution, INSTITUTION_MIN, INSTITUTION_MAX),
        );
        let description = errors.check(
            Field::Description,
            validation::text(&self.description, DESCRIPTION_MIN, DESCRIPTION_MAX),
        );
        let occurred_on = errors.check(Field::OccurredOn, date(&self.occurred_on, today));
        let contact = if self.anonymous {
            Some(Contact::Anonymous)
        } else {
            let name = errors.check(Field::Name, validation::text(&self.name, NAME_MIN, NAME_MAX));
            let phone = errors.check(Field::Phone, Phone::parse(&self.phone));
            name.zip(phone).map(|(name, phone)| Contact::Named { name, phone })
        };
        match (district, category, institution, description, occurred_on, contact) {
            (
                Some(district),
                Some(category),
                Some(institution),
                Some(description),
                Some(occurred_on),
                Some(contact),
            ) if errors.is_empty() => {
                Ok(Complaint { district, category, institution, description, occurred_on, contact })
            }
            _ => Err(errors),
        }
    }
}

impl Complaint {
    /// The answers in their normalised form (trimmed text, `+7` phone); what the client
    /// sends, so that retyping spaces never turns a resend into a conflict.
    pub fn to_answers(&self) -> ComplaintAnswers {
        let (anonymous, name, phone) = match &self.contact {
            Contact::Anonymous => (true, String::new(), String::new()),
            Contact::Named { name, phone } => (false, name.clone(), phone.as_str().to_owned()),
        };
        ComplaintAnswers {
            district: self.district.code().to_owned(),
            category: self.category.code().to_owned(),
            institution: self.institution.clone(),
            description: self.description.clone(),
            occurred_on: self.occurred_on.format(ISO_DATE).unwrap_or_default(),
            anonymous,
            name,
            phone,
        }
    }
}

fn choice<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, ErrorCode> {
    match raw.trim() {
        "" => Err(ErrorCode::Required),
        code => parse(code).ok_or(ErrorCode::UnknownChoice),
    }
}

fn date(raw: &str, today: Date) -> Result<Date, ErrorCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ErrorCode::Required);
    }
    let date = Date::parse(raw, ISO_DATE).map_err(|_| ErrorCode::InvalidDate)?;
    if date < EARLIEST {
        return Err(ErrorCode::DateTooOld);
    }
    if date > today.next_day().unwrap_or(today) {
        return Err(ErrorCode::DateInFuture);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 11 - 25);

    fn filled() -> ComplaintAnswers {
        ComplaintAnswers {
            district: "URA".into(),
            category: "school".into(),
            institution: "  School No. 12  ".into(),
            description: "Parents were asked for 5000 tenge for curtains.".into(),
            occurred_on: "2026-11-20".into(),
            anonymous: false,
            name: "Aigerim S.".into(),
            phone: "8 701 234 56 78".into(),
        }
    }

    #[test]
    fn a_filled_complaint_parses_and_normalises() {
        let complaint = filled().validate(TODAY).unwrap();
        assert_eq!(complaint.district, District::Uralsk);
        assert_eq!(complaint.institution, "School No. 12");
        let answers = complaint.to_answers();
        assert_eq!(answers.phone, "+77012345678");
        assert_eq!(answers.validate(TODAY).unwrap(), complaint, "normalising is stable");
    }

    #[test]
    fn an_empty_form_reports_every_required_field_in_form_order() {
        let errors = ComplaintAnswers::default().validate(TODAY).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::District,
                Field::Category,
                Field::Institution,
                Field::Description,
                Field::OccurredOn,
                Field::Name,
                Field::Phone
            ]
        );
        assert!(errors.0.iter().all(|e| e.code == ErrorCode::Required));
    }

    #[test]
    fn an_anonymous_complaint_needs_no_contact_and_keeps_none() {
        let answers = ComplaintAnswers {
            anonymous: true,
            name: "x".into(),
            phone: "junk".into(),
            ..filled()
        };
        let complaint = answers.validate(TODAY).unwrap();
        assert_eq!(complaint.contact, Contact::Anonymous);
        assert_eq!(complaint.to_answers().name, "");
        assert_eq!(complaint.to_answers().phone, "");
    }

    #[test]
    fn description_length_is_bounded_in_characters() {
        let short = ComplaintAnswers { description: "Взятка".into(), ..filled() };
        assert_eq!(
            short.validate(TODAY).unwrap_err().get(Field::Description),
            Some(ErrorCode::TooShort { min: 10 })
        );
        let long = ComplaintAnswers { description: "ә".repeat(4001), ..filled() };
        assert_eq!(
            long.validate(TODAY).unwrap_err().get(Field::Description),
            Some(ErrorCode::TooLong { max: 4000 })
        );
        let longest = ComplaintAnswers { description: "ә".repeat(4000), ..filled() };
        assert!(longest.validate(TODAY).is_ok());
    }

    #[test]
    fn dates_must_be_real_and_not_in_the_future() {
        let check = |raw: &str| {
            ComplaintAnswers { occurred_on: raw.into(), ..filled() }
                .validate(TODAY)
                .err()
                .and_then(|e| e.get(Field::OccurredOn))
        };
        assert_eq!(check("2026-02-30"), Some(ErrorCode::InvalidDate));
        assert_eq!(check("yesterday"), Some(ErrorCode::InvalidDate));
        assert_eq!(check("2026-11-27"), Some(ErrorCode::DateInFuture));
        assert_eq!(check("1999-12-31"), Some(ErrorCode::DateTooOld));
        assert_eq!(check("2026-11-26"), None, "one day of clock slack");
        assert_eq!(check("2026-11-25"), None);
    }

    #[test]
    fn unknown_choices_are_refused() {
        let answers =
            ComplaintAnswers { district: "MOSCOW".into(), category: "bribe".into(), ..filled() };
        let errors = answers.validate(TODAY).unwrap_err();
        assert_eq!(errors.get(Field::District), Some(ErrorCode::UnknownChoice));
        assert_eq!(errors.get(Field::Category), Some(ErrorCode::UnknownChoice));
    }

    #[test]
    fn missing_fields_deserialise_as_empty_so_they_get_field_errors() {
        let answers: ComplaintAnswers = serde_json::from_str(r#"{"district":"TER"}"#).unwrap();
        let errors = answers.validate(TODAY).unwrap_err();
        assert_eq!(errors.get(Field::District), None);
        assert_eq!(errors.get(Field::Category), Some(ErrorCode::Required));
    }
}
