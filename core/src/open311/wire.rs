//! The wire types of Open311 (the answers of `/open311/v2/`) and of the staff API's
//! Open311 keys. No logic beyond naming and the label's check.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// `discovery.json`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Discovery))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Endpoint))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    /// `production` or `test`.
    #[serde(rename = "type")]
    pub kind: String,
    pub formats: Vec<String>,
}

/// One entry of `services.json`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Service))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Always `true`: every complaint has attributes to fill in.
    pub metadata: bool,
    /// Always `realtime`: the tracking number is the answer to the POST.
    #[serde(rename = "type")]
    pub kind: String,
    /// The service's name in every language, so a search in any of them finds it.
    pub keywords: String,
    pub group: String,
}

/// `services/{service_code}.json`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311ServiceDefinition))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

/// One field of the complaint form as an Open311 attribute.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Attribute))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Always `true`: every attribute is a question.
    pub variable: bool,
    /// The field's key: what `attribute[code]=` names.
    pub code: String,
    pub datatype: Datatype,
    /// Required whenever it is shown; a field shown only on a condition (`name` unless
    /// anonymous) says `false` here, and the server still refuses it when it applies.
    pub required: bool,
    pub datatype_description: Option<String>,
    /// 1 for the first attribute.
    pub order: u32,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<AttributeValue>,
}

/// The datatypes of the specification.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Datatype))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

/// One option of a list attribute.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311AttributeValue))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// The answer to `POST requests.json`: one of these in an array.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Created))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The tracking number (`URA-2026-00042`).
    pub service_request_id: String,
    pub service_notice: Option<String>,
    pub account_id: Option<String>,
}

/// One entry of `GET requests.json`: the public status of a complaint and nothing the
/// person wrote or is: no description, name, phone, address, place or media.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311ServiceRequest))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRequest {
    /// The tracking number.
    pub service_request_id: String,
    pub status: Status,
    /// Always empty: the office's answer is for the person who complained (it may name
    /// them) and stays behind the receipt secret; a note is internal.
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    /// The integrity office of the district that holds the complaint now.
    pub agency_responsible: String,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_datetime: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_datetime: OffsetDateTime,
    /// The end of the day the answer is due by (the law's, or an extension's).
    #[serde(with = "time::serde::rfc3339")]
    pub expected_datetime: OffsetDateTime,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Status))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        match raw.trim() {
            "open" => Some(Status::Open),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }
}

/// One error of an Open311 answer (the answer is an array of them).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Open311Error))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    /// The HTTP status, as the specification's examples have it.
    pub code: u16,
    /// For the person: in the language the request asked for.
    pub description: String,
}

/// `POST /api/v1/staff/open311/keys`: who the key is for ("FixMyStreet Uralsk").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewKeyRequest {
    pub label: String,
}

/// The bounds of a key's label, in characters.
pub const LABEL_MAX: usize = 100;

impl NewKeyRequest {
    /// The label, trimmed: 1 to [`LABEL_MAX`] characters, no control characters.
    pub fn label(&self) -> Result<String, &'static str> {
        let label = self.label.trim();
        if label.is_empty() {
            return Err("label: say who the key is for, e.g. \"FixMyStreet Uralsk\"");
        }
        if label.chars().count() > LABEL_MAX {
            return Err("label: at most 100 characters");
        }
        if label.chars().any(char::is_control) {
            return Err("label: no control characters");
        }
        Ok(label.to_owned())
    }
}

/// A key as issued: the only time the key itself is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedKey {
    pub id: i64,
    pub label: String,
    /// The `api_key` to give the client. The server keeps only its SHA-256.
    pub api_key: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Never prints the key, so that a `{:?}` in a log line cannot leak it.
impl fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedKey").field("id", &self.id).field("label", &self.label).finish()
    }
}

/// A key as listed: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeySummary {
    pub id: i64,
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The administrator who issued it.
    pub created_by: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// `GET /api/v1/staff/open311/keys`: every key ever issued, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeysResponse {
    pub keys: Vec<KeySummary>,
}
