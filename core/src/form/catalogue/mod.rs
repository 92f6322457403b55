//! The forms Adal ships, every version still accepted.
//!
//! A published version is never edited: a change is a new version, added next to the
//! old one, which stays here for as long as submissions of it are accepted (the current
//! and the previous version), so that drafts written offline can still be sent or
//! carried over. The complaint's first version is kept too: the first release's drafts
//! are still on people's phones, and are carried over from it.

mod complaint;
mod mediation;
mod monitoring;

pub(crate) use complaint::{ADDRESS_MAX, ADDRESS_MIN, NAME_MAX, NAME_MIN};

use std::sync::LazyLock;

use super::{Choice, FieldDef, FieldKind, FormSchema, Text};

static CATALOGUE: LazyLock<Vec<FormSchema>> = LazyLock::new(|| {
    vec![
        complaint::v1(),
        complaint::v2(),
        complaint::v3(),
        mediation::request_v1(),
        mediation::request_v2(),
        monitoring::school_v1(),
        monitoring::clinic_v1(),
    ]
});

/// The forms whose submissions are monitoring visits.
pub const MONITORING_FORMS: [&str; 2] = ["monitoring_school", "monitoring_clinic"];
/// The forms whose `institution` answer is an institution complained about: the
/// appeals, the only submissions the 15-working-day answer figures and answer days count.
pub const COMPLAINT_FORMS: [&str; 1] = ["complaint"];
/// The forms of mediation requests, counted by the time to their first session.
pub const MEDIATION_FORMS: [&str; 1] = ["mediation_request"];

/// Every accepted version of every form: each form's current version and the one
/// before it, if any.
pub fn catalogue() -> &'static [FormSchema] {
    &CATALOGUE
}

/// The accepted version `version` of form `id`.
pub fn find(id: &str, version: u32) -> Option<&'static FormSchema> {
    catalogue().iter().find(|f| f.id == id && f.version == version)
}

/// The version of form `id` that new drafts use.
pub fn current(id: &str) -> Option<&'static FormSchema> {
    catalogue().iter().filter(|f| f.id == id).max_by_key(|f| f.version)
}

/// Whether a submission of this form version is accepted.
pub fn accepted(id: &str, version: u32) -> bool {
    find(id, version).is_some()
}

fn t(kk: &str, ru: &str, en: &str) -> Text {
    Text::new(kk, ru, en)
}

fn choice(value: &str, kk: &str, ru: &str, en: &str) -> Choice {
    Choice::new(value, t(kk, ru, en))
}

/// The district every form starts with: it routes the submission and prefixes its
/// tracking number.
fn district() -> FieldDef {
    FieldDef::new("district", FieldKind::District, t("Аудан", "Район", "District")).required().help(
        t(
            "Өтінішіңізді осы аудандағы кеңсе қарайды.",
            "Ваше обращение рассмотрит офис этого района.",
            "Your submission is handled by the office of this district.",
        ),
    )
}

fn tenge() -> Option<Text> {
    Some(t("теңге", "тенге", "tenge"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::form::Condition;

    fn is_snake_case(s: &str) -> bool {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    fn check_text(text: &Text, what: &str) {
        let cyrillic = |s: &str| s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
        assert!(cyrillic(&text.kk), "{what}: Kazakh is not in Cyrillic: {:?}", text.kk);
        assert!(cyrillic(&text.ru), "{what}: Russian is not in Cyrillic: {:?}", text.ru);
        assert!(
            !text.en.trim().is_empty() && !cyrillic(&text.en),
            "{what}: English: {:?}",
            text.en
        );
    }

    /// Checks `fields` in one scope; `before` are the keys a condition may look at.
    fn check_fields(form: &str, fields: &[FieldDef], outer: &HashSet<&str>) {
        let mut before: HashSet<&str> = HashSet::new();
        for field in fields {
            let what = format!("{form}.{}", field.key);
            assert!(is_snake_case(&field.key), "{what}");
            assert!(!before.contains(field.key.as_str()), "{what} repeats");
            check_text(&field.label, &what);
            if let Some(help) = &field.help {
                check_text(help, &what);
            }
            for key in field.show_if.iter().flat_map(Condition::fields) {
                assert!(
                    before.contains(key) || outer.contains(key),
                    "{what} depends on {key}, which is not before it"
                );
            }
            match &field.kind {
                FieldKind::ShortText { min, max }
                | FieldKind::LongText { min, max }
                | FieldKind::Institution { min, max } => assert!(min <= max && *max > 0, "{what}"),
                FieldKind::Number { min, max, unit, .. } => {
                    assert!(min <= max, "{what}");
                    unit.iter().for_each(|u| check_text(u, &what));
                }
                FieldKind::SingleChoice { options } => check_options(options, &what),
                FieldKind::MultipleChoice { options, min, max } => {
                    check_options(options, &what);
                    assert!(min <= max && *max <= options.len(), "{what}");
                }
                FieldKind::Group { item, min, max, fields } => {
                    check_text(item, &what);
                    assert!(min <= max && *max > 0, "{what}");
                    let mut visible: HashSet<&str> = outer.clone();
                    visible.extend(before.iter());
                    check_fields(&what, fields, &visible);
                }
                FieldKind::Photo { max } => assert!(*max > 0, "{what}"),
                FieldKind::Provider { kinds } => assert!(kinds.iter().all(|k| is_snake_case(k))),
                _ => {}
            }
            before.insert(&field.key);
        }
    }

    fn check_options(options: &[Choice], what: &str) {
        let values: HashSet<_> = options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values.len(), options.len(), "{what} repeats an option");
        for option in options {
            assert!(is_snake_case(&option.value), "{what}: {}", option.value);
            check_text(&option.label, &format!("{what}={}", option.value));
        }
    }

    #[test]
    fn every_form_is_well_formed_and_translated() {
        for form in catalogue() {
            let name = format!("{}@{}", form.id, form.version);
            assert!(is_snake_case(&form.id), "{name}");
            check_text(&form.title, &name);
            form.help.iter().for_each(|h| check_text(h, &name));
            check_fields(&name, &form.fields, &HashSet::new());
            for rule in &form.rules {
                assert!(form.field(&rule.field).is_some(), "{name}: rule on {}", rule.field);
                for key in rule.when.fields() {
                    assert!(form.field(key).is_some(), "{name}: rule looks at {key}");
                }
            }
        }
    }

    #[test]
    fn every_form_asks_for_its_district_first() {
        for form in catalogue() {
            let first = &form.fields[0];
            assert_eq!(first.key, "district", "{}", form.id);
            assert_eq!(first.kind, FieldKind::District);
            assert!(first.required && first.show_if.is_none());
        }
    }

    /// Versions kept beyond the current and the previous one.
    const KEPT_FIRST_RELEASE: [(&str, u32); 1] = [("complaint", 1)];

    #[test]
    fn the_catalogue_holds_the_current_and_previous_version_of_each_form() {
        let mut seen = HashSet::new();
        for form in catalogue() {
            assert!(seen.insert((form.id.as_str(), form.version)), "{} twice", form.id);
            let current = current(&form.id).unwrap().version;
            let kept = KEPT_FIRST_RELEASE.contains(&(form.id.as_str(), form.version));
            assert!(
                form.version == current || form.version + 1 == current || kept,
                "{}@{}",
                form.id,
                form.version
            );
            assert!(accepted(&form.id, form.version));
        }
        assert_eq!(current("complaint").unwrap().version, 3);
        assert!(accepted("complaint", 1) && accepted("complaint", 2));
        assert!(!accepted("complaint", 4));
        assert!(!accepted("petition", 1));
        let ids: HashSet<_> = catalogue().iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            HashSet::from([
                "complaint",
                "mediation_request",
                "monitoring_school",
                "monitoring_clinic"
            ])
        );
    }

    #[test]
    fn schemas_survive_a_json_round_trip() {
        for form in catalogue() {
            let json = serde_json::to_string(form).unwrap();
            let back: FormSchema = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, form);
        }
    }
}
