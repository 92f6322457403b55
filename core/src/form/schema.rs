//! What a form is: its fields, their kinds, and when they are shown. Pure data, sent to
//! the app as JSON by `GET /api/v1/forms`.

use serde::{Deserialize, Serialize};

use super::Condition;
use crate::ErrorCode;
pub use crate::text::Text;

/// Which form, in which version, a set of answers belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormRef {
    pub id: String,
    pub version: u32,
}

impl FormRef {
    pub fn new(id: impl Into<String>, version: u32) -> FormRef {
        FormRef { id: id.into(), version }
    }
}

/// One version of one form. A published version never changes: a change is a new
/// version, and drafts of the old one are carried over with [`super::carry_over`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSchema {
    /// snake_case, e.g. `mediation_request`.
    pub id: String,
    pub version: u32,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// In the order the form shows them; a condition only looks at fields before it.
    pub fields: Vec<FieldDef>,
    /// Refusals that depend on a combination of answers, such as the law forbidding
    /// mediation with a state body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

impl FormSchema {
    /// The reference a submission of this form carries.
    pub fn form_ref(&self) -> FormRef {
        FormRef { id: self.id.clone(), version: self.version }
    }

    /// The top-level field with `key`.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// One question of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    /// snake_case, unique within its form (or group); the key of its answer.
    pub key: String,
    pub kind: FieldKind,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Whether an empty answer is refused. A hidden field is never required.
    #[serde(default)]
    pub required: bool,
    /// Shown only when this holds; otherwise its answer is neither checked nor kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

impl FieldDef {
    /// An optional, always shown field.
    pub fn new(key: impl Into<String>, kind: FieldKind, label: Text) -> FieldDef {
        FieldDef { key: key.into(), kind, label, help: None, required: false, show_if: None }
    }

    pub fn required(self) -> FieldDef {
        FieldDef { required: true, ..self }
    }

    pub fn help(self, help: Text) -> FieldDef {
        FieldDef { help: Some(help), ..self }
    }

    pub fn show_if(self, condition: Condition) -> FieldDef {
        FieldDef { show_if: Some(condition), ..self }
    }
}

/// What kind of answer a field takes, with the kind's limits. Serialised with a `type`
/// tag: `{"type": "short_text", "min": 2, "max": 100}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// One line; a string, trimmed, `min..=max` characters.
    ShortText { min: usize, max: usize },
    /// Several lines; a string, trimmed, `min..=max` characters.
    LongText { min: usize, max: usize },
    /// A string, one of the options' values.
    SingleChoice { options: Vec<Choice> },
    /// An array of option values, `min..=max` of them when any is ticked; stored
    /// without repeats, in the options' order.
    MultipleChoice { options: Vec<Choice>, min: usize, max: usize },
    /// An ISO date string `YYYY-MM-DD`, as `<input type=date>` gives it.
    Date { not_in_future: bool, not_before_2000: bool },
    /// A time of day `HH:MM`, as `<input type=time>` gives it.
    Time,
    /// A JSON number, or a string as typed (`5 000`, `2,5`); stored as a JSON number.
    Number {
        min: i64,
        max: i64,
        integer: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    /// A string; stored as `+7XXXXXXXXXX` (see [`crate::Phone`]).
    Phone,
    /// A string; stored as twelve digits (see [`crate::Iin`]).
    Iin,
    /// A district code such as `URA` (see [`crate::District`]).
    District,
    /// The name of a school, clinic or office, typed for now; a string, trimmed.
    Institution { min: usize, max: usize },
    /// The id of an entry of the provider directory. `kinds` lists the directory kinds
    /// the app offers here (all kinds when empty); the id itself is only checked for
    /// shape, since the directory changes independently of forms.
    Provider {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kinds: Vec<String>,
    },
    /// An array of at most `max` [`super::AttachmentRef`]s.
    Photo { max: usize },
    /// A [`super::Location`] object inside West Kazakhstan region.
    Location,
    /// A tick box whose unticked state means "no", e.g. "send anonymously"; stored
    /// as `true` or `false` whenever it is shown.
    Checkbox,
    /// A question answered `true` (yes) or `false` (no); "required" means one of the
    /// two must be picked.
    YesNo,
    /// A tick box of consent: when required, it must be `true`.
    Consent,
    /// A repeating group: an array of objects, each with answers to `fields`; with
    /// `min..=max` items when required. `item` names one item ("Other party").
    Group { item: Text, min: usize, max: usize, fields: Vec<FieldDef> },
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Choice {
    /// snake_case, stored in the answers.
    pub value: String,
    pub label: Text,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: Text) -> Choice {
        Choice { value: value.into(), label }
    }
}

/// "When `when` holds over the normalised answers, refuse `field` with `code`": how a
/// form states a refusal that depends on a combination of answers.
///
/// Serialised flat: `{"when": {"is_true": "x"}, "field": "x", "code": "mediation_with_state_body"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub when: Condition,
    /// The path the error points at.
    pub field: String,
    #[serde(flatten)]
    pub code: ErrorCode,
}
