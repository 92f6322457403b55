//! When a field is shown: conditions over the answers before it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Answers;

/// A condition over answers, serialised as JSON the app evaluates offline with this
/// same code: `{"not": {"is_true": "anonymous"}}`,
/// `{"equals": {"field": "category", "value": "school"}}`.
///
/// A field that has no answer is neither equal to anything nor true nor false. Strings
/// are compared trimmed; `equals` on a multiple-choice answer (an array) holds when the
/// array contains the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Equals { field: String, value: Value },
    NotEquals { field: String, value: Value },
    IsTrue(String),
    IsFalse(String),
    Not(Box<Condition>),
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

impl Condition {
    pub fn equals(field: &str, value: impl Into<Value>) -> Condition {
        Condition::Equals { field: field.to_owned(), value: value.into() }
    }

    pub fn is_true(field: &str) -> Condition {
        Condition::IsTrue(field.to_owned())
    }

    /// Whether the condition holds over `answers`.
    pub fn holds(&self, answers: &Answers) -> bool {
        self.holds_in(&[answers])
    }

    /// Whether the condition holds, looking a field up in each scope in turn: inside a
    /// repeating group, the item's own answers first, then the form's.
    pub(crate) fn holds_in(&self, scopes: &[&Answers]) -> bool {
        let lookup = |field: &str| scopes.iter().find_map(|scope| scope.get(field));
        match self {
            Condition::Equals { field, value } => lookup(field).is_some_and(|v| matches(v, value)),
            Condition::NotEquals { field, value } => {
                !lookup(field).is_some_and(|v| matches(v, value))
            }
            Condition::IsTrue(field) => lookup(field) == Some(&Value::Bool(true)),
            Condition::IsFalse(field) => lookup(field) == Some(&Value::Bool(false)),
            Condition::Not(inner) => !inner.holds_in(scopes),
            Condition::All(all) => all.iter().all(|c| c.holds_in(scopes)),
            Condition::Any(any) => any.iter().any(|c| c.holds_in(scopes)),
        }
    }

    /// Every field the condition looks at, to check that forms only refer to fields
    /// that come before.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Condition::Equals { field, .. }
            | Condition::NotEquals { field, .. }
            | Condition::IsTrue(field)
            | Condition::IsFalse(field) => vec![field.as_str()],
            Condition::Not(inner) => inner.fields(),
            Condition::All(list) | Condition::Any(list) => {
                list.iter().flat_map(Condition::fields).collect()
            }
        }
    }
}

/// `!condition` holds when `condition` does not.
impl std::ops::Not for Condition {
    type Output = Condition;

    fn not(self) -> Condition {
        Condition::Not(Box::new(self))
    }
}

fn matches(answer: &Value, expected: &Value) -> bool {
    match (answer, expected) {
        (Value::String(a), Value::String(b)) => a.trim() == b.trim(),
        (Value::Array(items), expected) if !expected.is_array() => {
            items.iter().any(|item| matches(item, expected))
        }
        (a, b) => a == b,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn answers(value: Value) -> Answers {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn equality_trims_strings_and_looks_inside_multiple_choices() {
        let a = answers(json!({ "category": " school ", "paid_for": ["repairs", "gifts"] }));
        assert!(Condition::equals("category", "school").holds(&a));
        assert!(!Condition::equals("category", "clinic").holds(&a));
        assert!(Condition::equals("paid_for", "gifts").holds(&a));
        assert!(!Condition::equals("paid_for", "other").holds(&a));
        let not_equals = Condition::NotEquals { field: "category".into(), value: json!("clinic") };
        assert!(not_equals.holds(&a));
    }

    #[test]
    fn a_missing_answer_is_neither_true_nor_false_nor_equal() {
        let empty = Answers::new();
        assert!(!Condition::is_true("anonymous").holds(&empty));
        assert!(!Condition::IsFalse("anonymous".into()).holds(&empty));
        assert!(!Condition::equals("category", "school").holds(&empty));
        assert!(Condition::NotEquals { field: "category".into(), value: json!("x") }.holds(&empty));
        assert!(!Condition::is_true("anonymous").holds(&empty));
    }

    #[test]
    fn true_and_false_mean_json_booleans_only() {
        let a = answers(json!({ "yes": true, "no": false, "text": "true" }));
        assert!(Condition::is_true("yes").holds(&a));
        assert!(Condition::IsFalse("no".into()).holds(&a));
        assert!(!Condition::is_true("text").holds(&a));
        assert!(!Condition::IsFalse("yes".into()).holds(&a));
    }

    #[test]
    fn all_and_any_combine_and_empty_lists_behave_like_logic() {
        let a = answers(json!({ "a": true, "b": false }));
        let (a_true, b_true) = (Condition::is_true("a"), Condition::is_true("b"));
        assert!(!Condition::All(vec![a_true.clone(), b_true.clone()]).holds(&a));
        assert!(Condition::Any(vec![a_true.clone(), b_true.clone()]).holds(&a));
        assert!(Condition::All(vec![]).holds(&a));
        assert!(!Condition::Any(vec![]).holds(&a));
        assert!(!Condition::All(vec![a_true, b_true]).holds(&a));
    }

    #[test]
    fn inner_scopes_come_first() {
        let item = answers(json!({ "reach_by": "phone" }));
        let form = answers(json!({ "reach_by": "address", "anonymous": true }));
        let by_phone = Condition::equals("reach_by", "phone");
        assert!(by_phone.holds_in(&[&item, &form]));
        assert!(!by_phone.holds_in(&[&form]));
        assert!(Condition::is_true("anonymous").holds_in(&[&item, &form]));
    }

    #[test]
    fn conditions_serialise_as_small_json() {
        let c = Condition::All(vec![
            !Condition::is_true("anonymous"),
            Condition::equals("category", "school"),
        ]);
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(
            json,
            json!({ "all": [
                { "not": { "is_true": "anonymous" } },
                { "equals": { "field": "category", "value": "school" } },
            ]})
        );
        assert_eq!(serde_json::from_value::<Condition>(json).unwrap(), c);
        assert_eq!(c.fields(), ["anonymous", "category"]);
    }
}
