//! `POST /api/v1/submissions`: receives a filled form from a device's outbox.
//!
//! Every resend of one submission (same client-made id) gets the receipt the first one
//! got, so the client can retry blindly after a timeout; an id reused for different
//! content is refused with 409 rather than silently overwritten.

use adal_core::api::{FormRef, MAX_BODY_BYTES, Receipt, SubmissionRequest};
use adal_core::form::{self, Answers};
use adal_core::{AttachmentRef, District};
use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_governor::GovernorLayer;

use crate::AppState;
use crate::db::submissions::{NewSubmission, Stored};
use crate::error::ApiError;
use crate::extract::Json;

pub fn router(state: &AppState) -> Router<AppState> {
    let rate_limit = GovernorLayer::new(state.rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    Router::new()
        .route("/api/v1/submissions", post(post_submission))
        .route_layer(rate_limit)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

async fn post_submission(
    State(state): State<AppState>,
    Json(request): Json<SubmissionRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    // Any accepted version: a draft written offline before an update is still sent.
    let Some(schema) = form::find(&request.form.id, request.form.version) else {
        return Err(ApiError::UnknownForm(request.form));
    };
    let received_at = OffsetDateTime::now_utc();
    let answers =
        form::validate(schema, &request.answers, adal_core::district::region_date(received_at))
            .map_err(ApiError::Validation)?;
    adal_core::attachment::validate_all(&request.attachments).map_err(ApiError::Attachment)?;
    let unlisted = form::unlisted_photos(schema, &answers, &request.attachments);
    if !unlisted.is_empty() {
        return Err(ApiError::Validation(unlisted));
    }
    // Every form asks for its district first (a core test holds the catalogue to it).
    let district = answers
        .get("district")
        .and_then(Value::as_str)
        .and_then(District::from_code)
        .with_context(|| format!("form {}@{} has no district", schema.id, schema.version))?;
    // Only a form with an `anonymous` box can be sent anonymously, and only with the box
    // ticked: the normalised answers keep no key the form does not have.
    let anonymous = answers.get("anonymous") == Some(&Value::Bool(true));
    let new = NewSubmission {
        id: request.id,
        fingerprint: fingerprint(&request.form, &answers, &request.attachments),
        district,
        answers: serde_json::to_string(&answers).context("serialising answers")?,
        form: request.form,
        received_at,
        attachments: request.attachments,
        receipt_secret_sha256: request
            .receipt_secret
            .as_ref()
            .map(|secret| crate::db::events::secret_hash(secret.expose())),
        anonymous,
    };
    let district = district.code();
    let form_id = new.form.id.clone();
    let id = new.id;
    match state.db.call(move |conn| crate::db::submissions::store(conn, &new)).await? {
        Stored::Created(receipt) => {
            tracing::info!(submission.id = %id, form.id = %form_id, tracking = %receipt.tracking, district, "submission stored");
            Ok((StatusCode::CREATED, Json(receipt)))
        }
        Stored::AlreadyStored(receipt) => {
            tracing::info!(submission.id = %id, form.id = %form_id, tracking = %receipt.tracking, district, "submission resent");
            Ok((StatusCode::OK, Json(receipt)))
        }
        Stored::Conflict => Err(ApiError::ConflictingResubmission { id }),
        Stored::AttachmentsIncomplete(ids) => Err(ApiError::AttachmentsIncomplete { ids }),
    }
}

/// sha256 of the canonical JSON (sorted keys, no spaces) of the form and the normalised
/// answers. Normalising first is what makes a resend that differs only in spacing or in
/// how the phone number was typed the same submission.
///
/// The attachment refs are content too, in their order; they are left out when there are
/// none, so that submissions stored before attachments existed keep their fingerprints.
/// The receipt secret is not content: it is checked apart (`db::events::same_secret`),
/// so that the stored fingerprint never depends on a secret.
fn fingerprint(form: &FormRef, answers: &Answers, attachments: &[AttachmentRef]) -> String {
    let mut value = serde_json::json!({ "form": form, "answers": answers });
    if !attachments.is_empty() {
        value["attachments"] = serde_json::json!(attachments);
    }
    let canonical = sort_keys(value).to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Sorts object keys explicitly rather than trusting the map type: if any crate in the
/// build turns on serde_json's `preserve_order`, keys would keep struct order, and a
/// reordered struct field would change every fingerprint.
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;

    fn answers(institution: &str, phone: &str) -> Answers {
        serde_json::from_value(json!({
            "district": "URA",
            "category": "school",
            "institution": institution,
            "description": "Parents were asked for 5000 tenge for curtains.",
            "occurred_on": "2026-11-20",
            "anonymous": false,
            "name": "Aigerim S.",
            "phone": phone,
        }))
        .unwrap()
    }

    #[test]
    fn fingerprints_ignore_what_normalising_removes_but_not_content() {
        let today = date!(2026 - 11 - 25);
        let complaint = form::current("complaint").unwrap();
        let print = |a: Answers| {
            fingerprint(&complaint.form_ref(), &form::validate(complaint, &a, today).unwrap(), &[])
        };
        let typed = print(answers("School No. 12", "+7 701 234 56 78"));
        assert_eq!(typed, print(answers("  School No. 12 ", "8 (701) 234-56-78")));
        assert_ne!(typed, print(answers("School No. 13", "+7 701 234 56 78")));
        assert_eq!(typed.len(), 64);
    }

    #[test]
    fn attachments_are_content_but_no_attachments_keeps_the_old_fingerprint() {
        let a = answers("School No. 12", "+7 701 234 56 78");
        let complaint = FormRef::new("complaint", 2);
        let old = hex::encode(Sha256::digest(
            sort_keys(serde_json::json!({ "form": complaint, "answers": a }))
                .to_string()
                .as_bytes(),
        ));
        assert_eq!(fingerprint(&complaint, &a, &[]), old);
        let photo = |n: u128| AttachmentRef {
            id: uuid::Uuid::from_u128(n),
            sha256: "ab".repeat(32),
            size: 10,
            content_type: "image/png".into(),
        };
        let one = fingerprint(&complaint, &a, &[photo(1)]);
        assert_ne!(one, old);
        assert_ne!(one, fingerprint(&complaint, &a, &[photo(2)]));
        assert_ne!(
            fingerprint(&complaint, &a, &[photo(1), photo(2)]),
            fingerprint(&complaint, &a, &[photo(2), photo(1)]),
            "the order photos are shown in is content"
        );
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let value = serde_json::json!({ "b": 1, "a": { "d": [ { "f": 1, "e": 2 } ], "c": 3 } });
        assert_eq!(sort_keys(value).to_string(), r#"{"a":{"c":3,"d":[{"e":2,"f":1}]},"b":1}"#);
    }
}
