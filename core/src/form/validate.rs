//! Checking a whole form: visibility, required fields, repeating groups and rules.

use serde_json::Value;
use time::Date;

use super::value::{is_empty, normalise};
use super::{Answers, FieldDef, FieldKind, FormSchema};
use crate::attachment::AttachmentRef;
use crate::validation::{ErrorCode, Field, FieldErrors};

/// Checks every answer of `schema` and reports every problem at once, in form order
/// (then the form's rules); on success returns the normalised answers, which are what
/// is sent and stored.
///
/// The normalised answers hold only the fields that are shown and answered: a hidden
/// field's answer is dropped (so a name typed before ticking "anonymous" is never sent),
/// as is any key the schema does not know. `today` is the caller's date: the device's
/// in the app, the region's on the server at receipt.
pub fn validate(
    schema: &FormSchema,
    answers: &Answers,
    today: Date,
) -> Result<Answers, FieldErrors> {
    let mut walk = Walk { today, errors: FieldErrors::default(), shown: Vec::new() };
    let normalised = walk.fields(&schema.fields, answers, &[], None);
    let mut errors = walk.errors;
    for rule in &schema.rules {
        if rule.when.holds(&normalised) && errors.get(&rule.field).is_none() {
            errors.push(rule.field.as_str(), rule.code);
        }
    }
    if errors.is_empty() { Ok(normalised) } else { Err(errors) }
}

/// The paths of the fields to show for `answers`, in form order; inside a repeating
/// group, one path per item and sub-field (`parties.0.name`). The app renders exactly
/// these, so that what a person sees is what [`validate`] checks.
pub fn shown(schema: &FormSchema, answers: &Answers) -> Vec<Field> {
    // Visibility never depends on dates, so any `today` gives the same paths.
    let mut walk = Walk { today: Date::MAX, errors: FieldErrors::default(), shown: Vec::new() };
    walk.fields(&schema.fields, answers, &[], None);
    walk.shown
}

/// Every photo the answers carry, in form order and without repeats: what a submission
/// lists in its `attachments`, and what the device uploads before sending it.
pub fn photos(schema: &FormSchema, answers: &Answers) -> Vec<AttachmentRef> {
    let mut found = Vec::new();
    collect_photos(&schema.fields, answers, &mut found);
    found
}

fn collect_photos(fields: &[FieldDef], answers: &Answers, found: &mut Vec<AttachmentRef>) {
    for field in fields {
        let Some(answer) = answers.get(&field.key) else { continue };
        match &field.kind {
            FieldKind::Photo { .. } => {
                let list: Vec<AttachmentRef> =
                    serde_json::from_value(answer.clone()).unwrap_or_default();
                for photo in list {
                    if !found.contains(&photo) {
                        found.push(photo);
                    }
                }
            }
            FieldKind::Group { fields: inner, .. } => {
                for item in answer.as_array().into_iter().flatten() {
                    if let Some(item) = item.as_object() {
                        let item: Answers = item.clone().into_iter().collect();
                        collect_photos(inner, &item, found);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The paths of the `photo` answers that name a photo `listed` does not hold, each with
/// [`ErrorCode::UnlistedPhoto`]. `answers` are normalised ones, as [`validate`] returns.
///
/// A submission lists the ref of every photo it carries in its `attachments`, and the
/// server stores it only once each of those counts; a photo named only in the answers
/// would escape that check.
pub fn unlisted_photos(
    schema: &FormSchema,
    answers: &Answers,
    listed: &[AttachmentRef],
) -> FieldErrors {
    let mut errors = FieldErrors::default();
    photos_in(&schema.fields, answers, None, listed, &mut errors);
    errors
}

fn photos_in(
    fields: &[FieldDef],
    answers: &Answers,
    item_of: Option<(&Field, usize)>,
    listed: &[AttachmentRef],
    errors: &mut FieldErrors,
) {
    for field in fields {
        let Some(answer) = answers.get(&field.key) else { continue };
        let path = match item_of {
            None => Field::new(field.key.as_str()),
            Some((group, index)) => group.item(index, &field.key),
        };
        match &field.kind {
            FieldKind::Photo { .. } => {
                // Normalised photo answers always read back; anything else names no photo.
                let photos: Vec<AttachmentRef> =
                    serde_json::from_value(answer.clone()).unwrap_or_default();
                if photos.iter().any(|photo| !listed.contains(photo)) {
                    errors.push(path, ErrorCode::UnlistedPhoto);
                }
            }
            FieldKind::Group { fields: item_fields, .. } => {
                let items = answer.as_array().map(Vec::as_slice).unwrap_or_default();
                for (index, item) in items.iter().enumerate() {
                    let Some(item) = item.as_object() else { continue };
                    let item: Answers = item.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    photos_in(item_fields, &item, Some((&path, index)), listed, errors);
                }
            }
            _ => {}
        }
    }
}

struct Walk {
    today: Date,
    errors: FieldErrors,
    shown: Vec<Field>,
}

impl Walk {
    /// Walks `fields` in order. A condition sees the answers, as typed, of the fields
    /// shown before it in this scope, then those of the enclosing scopes (`outer`):
    /// the app can therefore decide visibility while the person types, with no parsing.
    fn fields(
        &mut self,
        fields: &[FieldDef],
        answers: &Answers,
        outer: &[&Answers],
        item_of: Option<(&Field, usize)>,
    ) -> Answers {
        let mut seen = Answers::new();
        let mut normalised = Answers::new();
        for field in fields {
            let mut scopes = vec![&seen];
            scopes.extend_from_slice(outer);
            if field.show_if.as_ref().is_some_and(|c| !c.holds_in(&scopes)) {
                continue;
            }
            let path = match item_of {
                None => Field::new(field.key.as_str()),
                Some((group, index)) => group.item(index, &field.key),
            };
            self.shown.push(path.clone());
            let raw = answers.get(&field.key).filter(|raw| !is_empty(Some(raw)));
            let value = match &field.kind {
                FieldKind::Group { min, max, fields: item_fields, .. } => {
                    self.group(field, (*min, *max), item_fields, raw, &scopes, &path)
                }
                _ => self.answer(field, raw, &path),
            };
            if let Some(raw) = raw {
                seen.insert(field.key.clone(), raw.clone());
            }
            if let Some(value) = value {
                normalised.insert(field.key.clone(), value);
            }
        }
        normalised
    }

    fn answer(&mut self, field: &FieldDef, raw: Option<&Value>, path: &Field) -> Option<Value> {
        let Some(raw) = raw else {
            match field.kind {
                // An unticked box is a "no" that is always kept, so that a condition
                // on it and the stored record say the same thing.
                FieldKind::Checkbox => return Some(Value::Bool(false)),
                FieldKind::Consent if field.required => {
                    self.errors.push(path.clone(), ErrorCode::ConsentRequired)
                }
                _ if field.required => self.errors.push(path.clone(), ErrorCode::Required),
                _ => {}
            }
            return None;
        };
        match normalise(&field.kind, raw, self.today) {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                if field.required {
                    self.errors.push(path.clone(), ErrorCode::ConsentRequired);
                }
                None
            }
            Err(code) => {
                self.errors.push(path.clone(), code);
                None
            }
        }
    }

    fn group(
        &mut self,
        field: &FieldDef,
        (min, max): (usize, usize),
        item_fields: &[FieldDef],
        raw: Option<&Value>,
        scopes: &[&Answers],
        path: &Field,
    ) -> Option<Value> {
        let items: &[Value] = match raw {
            None => &[],
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.errors.push(path.clone(), ErrorCode::InvalidValue);
                return None;
            }
        };
        if items.is_empty() {
            if field.required {
                self.errors.push(path.clone(), ErrorCode::TooFewItems { min: min.max(1) });
            }
            return None;
        }
        if items.len() < min {
            self.errors.push(path.clone(), ErrorCode::TooFewItems { min });
        } else if items.len() > max {
            self.errors.push(path.clone(), ErrorCode::TooManyItems { max });
        }
        // Items past `max` are refused by the one error above and not looked at: their
        // number is the sender's to choose, and so would be the work and the errors.
        let items = &items[..items.len().min(max)];
        let mut kept = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let Some(item) = item.as_object() else {
                self.errors.push(format!("{path}.{index}"), ErrorCode::InvalidValue);
                continue;
            };
            let item: Answers = item.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let normalised = self.fields(item_fields, &item, scopes, Some((path, index)));
            kept.push(Value::Object(normalised.into_iter().collect()));
        }
        Some(Value::Array(kept))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::form::{Choice, Condition, Rule, Text};
    use crate::validation::MAX_FIELD_ERRORS;

    const TODAY: Date = date!(2026 - 11 - 25);

    fn text(min: usize, max: usize) -> FieldKind {
        FieldKind::ShortText { min, max }
    }

    fn label(key: &str) -> Text {
        Text::same(key)
    }

    /// A small form with every mechanism: a checkbox hiding contact fields, a group
    /// with a condition inside its items, a consent and a rule.
    fn schema() -> FormSchema {
        let reach_by = FieldKind::SingleChoice {
            options: vec![
                Choice::new("phone", label("phone")),
                Choice::new("address", label("address")),
            ],
        };
        FormSchema {
            id: "test".into(),
            version: 1,
            title: label("test"),
            help: None,
            fields: vec![
                FieldDef::new("district", FieldKind::District, label("district")).required(),
                FieldDef::new("anonymous", FieldKind::Checkbox, label("anonymous")),
                FieldDef::new("name", text(2, 100), label("name"))
                    .required()
                    .show_if(!Condition::is_true("anonymous")),
                FieldDef::new("phone", FieldKind::Phone, label("phone"))
                    .required()
                    .show_if(!Condition::is_true("anonymous")),
                FieldDef::new(
                    "parties",
                    FieldKind::Group {
                        item: label("party"),
                        min: 1,
                        max: 2,
                        fields: vec![
                            FieldDef::new("name", text(2, 100), label("name")).required(),
                            FieldDef::new("reach_by", reach_by, label("reach_by")).required(),
                            FieldDef::new("phone", FieldKind::Phone, label("phone"))
                                .required()
                                .show_if(Condition::equals("reach_by", "phone")),
                            FieldDef::new("address", text(5, 300), label("address"))
                                .required()
                                .show_if(Condition::equals("reach_by", "address")),
                        ],
                    },
                    label("parties"),
                )
                .required(),
                FieldDef::new("state_body", FieldKind::YesNo, label("state_body")).required(),
                FieldDef::new("consent", FieldKind::Consent, label("consent")).required(),
            ],
            rules: vec![Rule {
                when: Condition::is_true("state_body"),
                field: "state_body".into(),
                code: ErrorCode::MediationWithStateBody,
            }],
        }
    }

    fn answers(value: Value) -> Answers {
        serde_json::from_value(value).unwrap()
    }

    fn filled() -> Answers {
        answers(json!({
            "district": "URA",
            "anonymous": false,
            "name": " Aigerim S. ",
            "phone": "8 701 234 56 78",
            "parties": [
                { "name": "Bolat K.", "reach_by": "phone", "phone": "+7 705 111 22 33" },
                { "name": "Dana M.", "reach_by": "address", "address": "Uralsk, Abay 1, flat 2" },
            ],
            "state_body": false,
            "consent": true,
            "something_else": "dropped",
        }))
    }

    fn errors(answers: &Answers) -> FieldErrors {
        validate(&schema(), answers, TODAY).unwrap_err()
    }

    #[test]
    fn a_filled_form_is_normalised_and_unknown_keys_are_dropped() {
        let normalised = validate(&schema(), &filled(), TODAY).unwrap();
        assert_eq!(
            serde_json::to_value(&normalised).unwrap(),
            json!({
                "district": "URA",
                "anonymous": false,
                "name": "Aigerim S.",
                "phone": "+77012345678",
                "parties": [
                    { "name": "Bolat K.", "reach_by": "phone", "phone": "+77051112233" },
                    { "name": "Dana M.", "reach_by": "address", "address": "Uralsk, Abay 1, flat 2" },
                ],
                "state_body": false,
                "consent": true,
            })
        );
        assert_eq!(validate(&schema(), &normalised, TODAY), Ok(normalised.clone()), "stable");
    }

    #[test]
    fn an_empty_form_reports_every_required_field_in_form_order() {
        let errors = errors(&Answers::new());
        let reported: Vec<_> =
            errors.0.iter().map(|e| (e.field.as_str().to_owned(), e.code)).collect();
        assert_eq!(
            reported,
            [
                ("district".to_owned(), ErrorCode::Required),
                ("name".to_owned(), ErrorCode::Required),
                ("phone".to_owned(), ErrorCode::Required),
                ("parties".to_owned(), ErrorCode::TooFewItems { min: 1 }),
                ("state_body".to_owned(), ErrorCode::Required),
                ("consent".to_owned(), ErrorCode::ConsentRequired),
            ]
        );
    }

    #[test]
    fn hidden_fields_are_neither_required_nor_kept() {
        let mut anonymous = filled();
        anonymous.insert("anonymous".into(), json!(true));
        anonymous.insert("phone".into(), json!("junk"));
        let normalised = validate(&schema(), &anonymous, TODAY).unwrap();
        assert!(!normalised.contains_key("name"));
        assert!(!normalised.contains_key("phone"));
        anonymous.remove("name");
        assert!(validate(&schema(), &anonymous, TODAY).is_ok());
    }

    #[test]
    fn an_unticked_checkbox_is_kept_as_no() {
        let mut answers = filled();
        answers.remove("anonymous");
        let normalised = validate(&schema(), &answers, TODAY).unwrap();
        assert_eq!(normalised["anonymous"], json!(false));
    }

    #[test]
    fn errors_inside_a_group_point_at_the_item_and_its_field() {
        let mut answers = filled();
        answers.insert(
            "parties".into(),
            json!([
                { "name": "Bolat K.", "reach_by": "phone", "phone": "12345", "address": "hidden" },
                { "name": "D", "reach_by": "address" },
            ]),
        );
        let errors = errors(&answers);
        assert_eq!(errors.get("parties"), None);
        assert_eq!(errors.get("parties.0.phone"), Some(ErrorCode::InvalidPhone));
        assert_eq!(errors.get("parties.0.address"), None, "hidden in item 0");
        assert_eq!(errors.get("parties.1.name"), Some(ErrorCode::TooShort { min: 2 }));
        assert_eq!(errors.get("parties.1.address"), Some(ErrorCode::Required));
        assert_eq!(errors.get("parties.1.phone"), None, "hidden in item 1");
    }

    #[test]
    fn an_item_that_is_not_an_object_is_refused() {
        let mut answers = filled();
        answers.insert("parties".into(), json!(["not an object"]));
        assert_eq!(errors(&answers).get("parties.0"), Some(ErrorCode::InvalidValue));
    }

    #[test]
    fn items_past_a_groups_max_get_one_error_and_are_not_looked_at() {
        let mut answers = filled();
        let bad_item = json!({ "name": "D", "reach_by": "nowhere" });
        let mut items =
            vec![json!({ "name": "Bolat K.", "reach_by": "phone", "phone": "8 705 111 22 33" }); 2];
        items.extend(std::iter::repeat_n(bad_item, 5000));
        answers.insert("parties".into(), Value::Array(items));
        let errors = errors(&answers);
        assert_eq!(errors.0.len(), 1, "{errors:?}");
        assert_eq!(errors.get("parties"), Some(ErrorCode::TooManyItems { max: 2 }));
        assert!(!errors.is_truncated());
    }

    #[test]
    fn reported_errors_are_capped_and_say_the_rest_were_cut() {
        let many = FormSchema {
            fields: (0..200)
                .map(|i| FieldDef::new(format!("f{i}"), text(2, 10), label("f")).required())
                .collect(),
            rules: Vec::new(),
            ..schema()
        };
        let errors = validate(&many, &Answers::new(), TODAY).unwrap_err();
        assert_eq!(errors.0.len(), MAX_FIELD_ERRORS + 1);
        assert!(errors.is_truncated());
        assert_eq!(errors.get("f0"), Some(ErrorCode::Required));
        assert_eq!(errors.get("f49"), Some(ErrorCode::Required));
        assert_eq!(errors.get("f50"), None, "cut");
        let last = errors.0.last().unwrap();
        assert_eq!(last.field, Field::FORM);
        assert_eq!(last.code, ErrorCode::TooManyErrors { max: MAX_FIELD_ERRORS });
        // And it reads back as it was written, so a device shows the same.
        let back: FieldErrors =
            serde_json::from_value(serde_json::to_value(&errors).unwrap()).unwrap();
        assert!(back.is_truncated());
    }

    #[test]
    fn invisible_text_is_no_answer_and_what_is_kept_is_cleaned() {
        let mut answers = filled();
        answers.insert("name".into(), json!("\u{200b}\u{200b}"));
        assert_eq!(errors(&answers).get("name"), Some(ErrorCode::Required));
        answers.insert("name".into(), json!("A\u{200b}\u{0}"));
        assert_eq!(errors(&answers).get("name"), Some(ErrorCode::TooShort { min: 2 }));
        answers.insert("name".into(), json!("\u{1b}[31mAigerim\u{202e} S.\u{1b}[0m"));
        let kept = validate(&schema(), &answers, TODAY).unwrap();
        assert_eq!(kept["name"], json!("Aigerim S."));
    }

    #[test]
    fn a_group_that_is_not_a_list_is_refused() {
        let mut answers = filled();
        answers.insert("parties".into(), json!({ "name": "Bolat" }));
        assert_eq!(errors(&answers).get("parties"), Some(ErrorCode::InvalidValue));
    }

    #[test]
    fn consent_must_be_given_not_just_answered() {
        let mut answers = filled();
        answers.insert("consent".into(), json!(false));
        assert_eq!(errors(&answers).get("consent"), Some(ErrorCode::ConsentRequired));
        answers.insert("consent".into(), json!("yes"));
        assert_eq!(errors(&answers).get("consent"), Some(ErrorCode::InvalidValue));
    }

    #[test]
    fn a_rule_refuses_a_forbidden_combination() {
        let mut answers = filled();
        answers.insert("state_body".into(), json!(true));
        let errors = errors(&answers);
        assert_eq!(errors.get("state_body"), Some(ErrorCode::MediationWithStateBody));
        assert_eq!(errors.0.len(), 1);
    }

    fn photo(n: u128) -> AttachmentRef {
        AttachmentRef {
            id: uuid::Uuid::from_u128(n),
            sha256: "ab".repeat(32),
            size: 1000,
            content_type: "image/jpeg".into(),
        }
    }

    #[test]
    fn every_photo_an_answer_names_must_be_listed_with_the_same_ref() {
        let form = FormSchema {
            fields: vec![
                FieldDef::new("photos", FieldKind::Photo { max: 5 }, label("photos")),
                FieldDef::new(
                    "visits",
                    FieldKind::Group {
                        item: label("visit"),
                        min: 0,
                        max: 5,
                        fields: vec![FieldDef::new(
                            "photos",
                            FieldKind::Photo { max: 5 },
                            label("photos"),
                        )],
                    },
                    label("visits"),
                ),
            ],
            ..schema()
        };
        let answers = validate(
            &form,
            &answers(json!({
                "photos": [photo(1), photo(2)],
                "visits": [{ "photos": [photo(3)] }, {}],
            })),
            TODAY,
        )
        .unwrap();
        let all = [photo(1), photo(2), photo(3)];

        assert!(unlisted_photos(&form, &answers, &all).is_empty());
        let errors = unlisted_photos(&form, &answers, &all[..2]);
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.get("visits.0.photos"), Some(ErrorCode::UnlistedPhoto));
        let resized = AttachmentRef { size: 999, ..photo(1) };
        let errors = unlisted_photos(&form, &answers, &[resized, photo(2), photo(3)]);
        assert_eq!(errors.get("photos"), Some(ErrorCode::UnlistedPhoto), "another size");
        assert!(unlisted_photos(&form, &Answers::new(), &[]).is_empty());
    }

    #[test]
    fn shown_lists_the_paths_to_render() {
        let paths: Vec<String> =
            shown(&schema(), &filled()).iter().map(|f| f.as_str().to_owned()).collect();
        assert_eq!(
            paths,
            [
                "district",
                "anonymous",
                "name",
                "phone",
                "parties",
                "parties.0.name",
                "parties.0.reach_by",
                "parties.0.phone",
                "parties.1.name",
                "parties.1.reach_by",
                "parties.1.address",
                "state_body",
                "consent",
            ]
        );
        let mut anonymous = filled();
        anonymous.insert("anonymous".into(), json!(true));
        let paths = shown(&schema(), &anonymous);
        assert!(!paths.iter().any(|p| p == "name" || p == "phone"));
    }
}
