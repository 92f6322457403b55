//! Carrying a draft over to a newer version of its form, field by field, and saying
//! plainly what changed.

use std::mem::discriminant;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use super::value::{is_empty, normalise};
use super::{Answers, Choice, FieldDef, FieldKind, FormSchema, Text};
use crate::validation::{ErrorCode, Field};

/// A draft's answers moved onto another version of its form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    /// The answers for the new version, as typed (not yet validated): everything that
    /// still fits, nothing the new version does not ask.
    pub answers: Answers,
    /// What the person should be told, in the new form's order, removals last.
    pub changes: Vec<Change>,
}

/// One thing that changed for this draft. Labels are given in all three languages so
/// the app can say it in the person's language; `field` is a path as in errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A new question; its answer starts empty.
    Added { field: Field, label: Text },
    /// A question no longer asked. `value` is what the draft held there, if anything,
    /// so the app can still show it (and the person can copy it elsewhere).
    Removed { field: Field, label: Text, value: Option<Value> },
    /// Some options the draft had chosen are no longer offered; they were dropped.
    /// `dropped` are those options with their old labels.
    ChoiceWithdrawn { field: Field, label: Text, dropped: Vec<Choice> },
    /// The question now takes another kind of answer. `value` is the draft's answer,
    /// `kept` whether it still has the right shape and was kept (validation may still
    /// ask to correct it) or was dropped.
    TypeChanged { field: Field, label: Text, value: Value, kept: bool },
}

/// Moves `answers`, written for `from`, onto `to`. Nothing is silently lost: every
/// answer that cannot follow is named in a [`Change`] with its old value.
pub fn carry_over(answers: &Answers, from: &FormSchema, to: &FormSchema) -> Carried {
    let mut changes = Vec::new();
    let answers = carry(answers, &from.fields, &to.fields, None, &mut changes);
    Carried { answers, changes }
}

fn carry(
    answers: &Answers,
    from: &[FieldDef],
    to: &[FieldDef],
    item_of: Option<(&Field, usize)>,
    changes: &mut Vec<Change>,
) -> Answers {
    let path = |key: &str| match item_of {
        None => Field::new(key),
        Some((group, index)) => group.item(index, key),
    };
    let mut carried = Answers::new();
    for new in to {
        let Some(old) = from.iter().find(|f| f.key == new.key) else {
            changes.push(Change::Added { field: path(&new.key), label: new.label.clone() });
            continue;
        };
        let Some(value) = answers.get(&new.key).filter(|v| !is_empty(Some(v))) else {
            continue;
        };
        let field = path(&new.key);
        let label = new.label.clone();
        if discriminant(&old.kind) != discriminant(&new.kind) {
            let kept = fits(&new.kind, value);
            changes.push(Change::TypeChanged { field, label, value: value.clone(), kept });
            if kept {
                carried.insert(new.key.clone(), value.clone());
            }
            continue;
        }
        let kept = carry_answer(&old.kind, &new.kind, value, field, label, changes);
        if let Some(kept) = kept.filter(|v| !is_empty(Some(v))) {
            carried.insert(new.key.clone(), kept);
        }
    }
    for old in from.iter().filter(|old| !to.iter().any(|new| new.key == old.key)) {
        changes.push(Change::Removed {
            field: path(&old.key),
            label: old.label.clone(),
            value: answers.get(&old.key).filter(|v| !is_empty(Some(v))).cloned(),
        });
    }
    carried
}

/// One answer whose question kept its kind: withdrawn choices dropped (and named), a
/// group's items carried field by field.
fn carry_answer(
    old: &FieldKind,
    new: &FieldKind,
    value: &Value,
    field: Field,
    label: Text,
    changes: &mut Vec<Change>,
) -> Option<Value> {
    match (old, new) {
        (FieldKind::SingleChoice { options: was }, FieldKind::SingleChoice { options: now }) => {
            let (kept, dropped) = split_choices(std::slice::from_ref(value), was, now);
            if !dropped.is_empty() {
                changes.push(Change::ChoiceWithdrawn { field, label, dropped });
            }
            kept.into_iter().next()
        }
        (
            FieldKind::MultipleChoice { options: was, .. },
            FieldKind::MultipleChoice { options: now, .. },
        ) => match value.as_array() {
            Some(ticked) => {
                let (kept, dropped) = split_choices(ticked, was, now);
                if !dropped.is_empty() {
                    changes.push(Change::ChoiceWithdrawn { field, label, dropped });
                }
                Some(Value::Array(kept))
            }
            None => Some(value.clone()),
        },
        (FieldKind::Group { fields: was, .. }, FieldKind::Group { fields: now, .. }) => {
            match value.as_array() {
                Some(items) => Some(Value::Array(carry_items(items, was, now, &field, changes))),
                None => Some(value.clone()),
            }
        }
        // Same kind, perhaps other limits: the answer stays, and validation says
        // if it must be shortened or corrected.
        _ => Some(value.clone()),
    }
}

/// The items of a repeating group, each carried as a form of its own.
fn carry_items(
    items: &[Value],
    was: &[FieldDef],
    now: &[FieldDef],
    field: &Field,
    changes: &mut Vec<Change>,
) -> Vec<Value> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| match item.as_object() {
            Some(item) => {
                let item: Answers = item.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                let carried = carry(&item, was, now, Some((field, index)), changes);
                Value::Object(carried.into_iter().collect())
            }
            None => item.clone(),
        })
        .collect()
}

/// Splits chosen values into those still offered and those withdrawn (with the label
/// the old version gave them).
fn split_choices(chosen: &[Value], was: &[Choice], now: &[Choice]) -> (Vec<Value>, Vec<Choice>) {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for value in chosen {
        let code = value.as_str().map(str::trim).unwrap_or_default();
        if now.iter().any(|o| o.value == code) {
            kept.push(value.clone());
        } else {
            let old = was.iter().find(|o| o.value == code);
            dropped.push(old.cloned().unwrap_or_else(|| Choice::new(code, Text::same(code))));
        }
    }
    (kept, dropped)
}

/// Whether `value` has the shape `kind` takes, even if it breaks a limit (too long, out
/// of range) that the person can correct.
fn fits(kind: &FieldKind, value: &Value) -> bool {
    use ErrorCode::*;
    match normalise(kind, value, Date::MAX) {
        Ok(_) => true,
        Err(
            InvalidValue | InvalidDate | InvalidTime | NotANumber | InvalidPhone | InvalidIin
            | UnknownChoice | InvalidProvider | InvalidAttachment | InvalidLocation,
        ) => false,
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::form::{self, Condition};

    fn answers(value: Value) -> Answers {
        serde_json::from_value(value).unwrap()
    }

    fn options(values: &[&str]) -> Vec<Choice> {
        values.iter().map(|v| Choice::new(*v, Text::same(format!("label of {v}")))).collect()
    }

    fn schema(version: u32, fields: Vec<FieldDef>) -> FormSchema {
        FormSchema {
            id: "test".into(),
            version,
            title: Text::same("test"),
            help: None,
            fields,
            rules: vec![],
        }
    }

    #[test]
    fn a_complaint_draft_of_version_1_carries_over_to_version_2_whole() {
        let v1 = form::find("complaint", 1).unwrap();
        let v2 = form::find("complaint", 2).unwrap();
        let draft = answers(json!({
            "district": "URA",
            "category": "school",
            "institution": "School No. 12",
            "description": "Parents were asked for 5000 tenge for curtains.",
            "occurred_on": "2026-11-20",
            "anonymous": false,
            "name": "Aigerim S.",
            "phone": "8 701 234 56 78",
        }));

        let carried = carry_over(&draft, v1, v2);

        assert_eq!(carried.answers, draft, "every answer of version 1 still fits");
        let added: Vec<_> = carried
            .changes
            .iter()
            .map(|c| match c {
                Change::Added { field, .. } => field.as_str(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(added, ["amount_asked", "photos", "location"]);
        let today = time::macros::date!(2026 - 11 - 25);
        assert!(form::validate(v2, &carried.answers, today).is_ok());
    }

    #[test]
    fn a_half_filled_draft_with_blank_fields_carries_only_what_was_typed() {
        let v1 = form::find("complaint", 1).unwrap();
        let v2 = form::find("complaint", 2).unwrap();
        let draft = answers(json!({ "district": "TER", "category": "", "name": "  " }));
        let carried = carry_over(&draft, v1, v2);
        assert_eq!(carried.answers, answers(json!({ "district": "TER" })));
    }

    #[test]
    fn removed_fields_keep_their_old_value_in_the_change() {
        let from = schema(
            1,
            vec![
                FieldDef::new("kept", FieldKind::ShortText { min: 1, max: 10 }, Text::same("kept")),
                FieldDef::new("gone", FieldKind::LongText { min: 1, max: 10 }, Text::same("gone")),
                FieldDef::new("empty", FieldKind::Time, Text::same("empty")),
            ],
        );
        let to = schema(
            2,
            vec![FieldDef::new(
                "kept",
                FieldKind::ShortText { min: 1, max: 5 },
                Text::same("kept"),
            )],
        );
        let carried = carry_over(
            &answers(json!({ "kept": "too long now", "gone": "old words" })),
            &from,
            &to,
        );
        assert_eq!(
            carried.answers,
            answers(json!({ "kept": "too long now" })),
            "limits are validation's job"
        );
        assert_eq!(
            carried.changes,
            [
                Change::Removed {
                    field: "gone".into(),
                    label: Text::same("gone"),
                    value: Some(json!("old words"))
                },
                Change::Removed { field: "empty".into(), label: Text::same("empty"), value: None },
            ]
        );
    }

    #[test]
    fn choices_no_longer_offered_are_dropped_and_named_with_their_old_labels() {
        let from = schema(
            1,
            vec![
                FieldDef::new(
                    "one",
                    FieldKind::SingleChoice { options: options(&["a", "b"]) },
                    Text::same("one"),
                ),
                FieldDef::new(
                    "many",
                    FieldKind::MultipleChoice {
                        options: options(&["a", "b", "c"]),
                        min: 0,
                        max: 3,
                    },
                    Text::same("many"),
                ),
            ],
        );
        let to = schema(
            2,
            vec![
                FieldDef::new(
                    "one",
                    FieldKind::SingleChoice { options: options(&["a"]) },
                    Text::same("one"),
                ),
                FieldDef::new(
                    "many",
                    FieldKind::MultipleChoice { options: options(&["a", "c"]), min: 0, max: 3 },
                    Text::same("many"),
                ),
            ],
        );
        let carried =
            carry_over(&answers(json!({ "one": "b", "many": ["a", "b", "c"] })), &from, &to);
        assert_eq!(carried.answers, answers(json!({ "many": ["a", "c"] })));
        assert_eq!(
            carried.changes,
            [
                Change::ChoiceWithdrawn {
                    field: "one".into(),
                    label: Text::same("one"),
                    dropped: options(&["b"])
                },
                Change::ChoiceWithdrawn {
                    field: "many".into(),
                    label: Text::same("many"),
                    dropped: options(&["b"])
                },
            ]
        );
    }

    #[test]
    fn a_changed_type_keeps_the_answer_only_if_it_still_parses() {
        let text = FieldKind::ShortText { min: 1, max: 20 };
        let number = FieldKind::Number { min: 0, max: 100, integer: true, unit: None };
        let from = schema(
            1,
            vec![
                FieldDef::new("amount", text.clone(), Text::same("amount")),
                FieldDef::new("queue", text.clone(), Text::same("queue")),
                FieldDef::new("big", text, Text::same("big")),
            ],
        );
        let to = schema(
            2,
            vec![
                FieldDef::new("amount", number.clone(), Text::same("amount")),
                FieldDef::new("queue", number.clone(), Text::same("queue")),
                FieldDef::new("big", number, Text::same("big")),
            ],
        );
        let draft = answers(json!({ "amount": "50", "queue": "about twenty", "big": "500" }));
        let carried = carry_over(&draft, &from, &to);
        assert_eq!(carried.answers, answers(json!({ "amount": "50", "big": "500" })));
        assert_eq!(
            carried.changes,
            [
                Change::TypeChanged {
                    field: "amount".into(),
                    label: Text::same("amount"),
                    value: json!("50"),
                    kept: true
                },
                Change::TypeChanged {
                    field: "queue".into(),
                    label: Text::same("queue"),
                    value: json!("about twenty"),
                    kept: false
                },
                Change::TypeChanged {
                    field: "big".into(),
                    label: Text::same("big"),
                    value: json!("500"),
                    kept: true
                },
            ],
            "out of range is for validation to say; not a number is dropped"
        );
    }

    #[test]
    fn groups_are_carried_item_by_item_with_paths() {
        let group = |fields| FieldKind::Group { item: Text::same("party"), min: 1, max: 5, fields };
        let name =
            FieldDef::new("name", FieldKind::ShortText { min: 1, max: 50 }, Text::same("name"));
        let from = schema(
            1,
            vec![FieldDef::new(
                "parties",
                group(vec![
                    name.clone(),
                    FieldDef::new(
                        "fax",
                        FieldKind::ShortText { min: 1, max: 50 },
                        Text::same("fax"),
                    ),
                ]),
                Text::same("parties"),
            )],
        );
        let to = schema(
            2,
            vec![FieldDef::new(
                "parties",
                group(vec![
                    name,
                    FieldDef::new("phone", FieldKind::Phone, Text::same("phone"))
                        .show_if(Condition::is_true("reachable")),
                ]),
                Text::same("parties"),
            )],
        );
        let draft = answers(json!({ "parties": [{ "name": "A", "fax": "123" }, { "name": "B" }] }));
        let carried = carry_over(&draft, &from, &to);
        assert_eq!(
            carried.answers,
            answers(json!({ "parties": [{ "name": "A" }, { "name": "B" }] }))
        );
        assert_eq!(
            carried.changes,
            [
                Change::Added { field: "parties.0.phone".into(), label: Text::same("phone") },
                Change::Removed {
                    field: "parties.0.fax".into(),
                    label: Text::same("fax"),
                    value: Some(json!("123"))
                },
                Change::Added { field: "parties.1.phone".into(), label: Text::same("phone") },
                Change::Removed {
                    field: "parties.1.fax".into(),
                    label: Text::same("fax"),
                    value: None
                },
            ]
        );
    }

    #[test]
    fn changes_serialise_with_a_change_tag() {
        let change = Change::Removed {
            field: "gone".into(),
            label: Text::same("gone"),
            value: Some(json!("x")),
        };
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            json!({ "change": "removed", "field": "gone", "label": { "kk": "gone", "ru": "gone", "en": "gone" }, "value": "x" })
        );
    }
}
