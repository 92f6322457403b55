//! Forms as versioned data: a schema per form version, validated here and only here.
//!
//! The server sends every schema in [`catalogue`] to the app (`GET /api/v1/forms`);
//! the app renders fields from it and calls [`validate`] as the person types, and the
//! server calls the very same function on receipt. A draft remembers its form's version;
//! when a newer one is published, [`carry_over`] moves the draft onto it and says what
//! changed.
//!
//! Answers are a JSON object keyed by field key, values as the app holds them:
//! strings as typed, booleans for ticks, arrays for multiple choices, photos and
//! groups. [`validate`] turns them into normalised answers of the same shape.

mod carry;
mod catalogue;
mod condition;
mod schema;
mod validate;
pub(crate) mod value;

use std::collections::BTreeMap;

pub use carry::{Carried, Change, carry_over};
pub(crate) use catalogue::{ADDRESS_MAX, ADDRESS_MIN, NAME_MAX, NAME_MIN};
pub use catalogue::{
    COMPLAINT_FORMS, MEDIATION_FORMS, MONITORING_FORMS, accepted, catalogue, current, find,
};
pub use condition::Condition;
pub use schema::{Choice, FieldDef, FieldKind, FormRef, FormSchema, Rule, Text};
pub use validate::{photos, shown, unlisted_photos, validate};
pub use value::{Location, REGION_EAST, REGION_NORTH, REGION_SOUTH, REGION_WEST, is_empty};

/// A `photo` answer is a list of the very refs a submission lists in `attachments`.
pub use crate::attachment::AttachmentRef;

/// A form's answers by field key. A map of JSON values rather than a struct per form:
/// forms are data, and a draft written for one version must still load in the next.
pub type Answers = BTreeMap<String, serde_json::Value>;
