//! `POST /api/v1/submissions` (and `/batch`): receives filled forms from a device's outbox.
//!
//! Every resend of one submission (same client-made id) gets the receipt the first one
//! got, so the client can retry blindly after a timeout; an id reused for different
//! content is refused with 409 rather than silently overwritten.

use adal_core::api::{
    BatchOutcome, BatchRequest, BatchResponse, FormRef, MAX_BATCH_BODY_BYTES, MAX_BATCH_ITEMS,
    MAX_BODY_BYTES, ProblemCode, Receipt, SubmissionRequest,
};
use adal_core::appeal::Standing;
use adal_core::calendar::Calendar;
use adal_core::form::{self, Answers};
use adal_core::receipt::ReceiptTerms;
use adal_core::{AttachmentRef, District, Lang};
use anyhow::Context;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::io::Write;
use time::OffsetDateTime;
use tower_governor::GovernorLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::db::submissions::{NewSubmission, Stored};
use crate::db::triage::Triage;
use crate::error::ApiError;
use crate::extract::Json;

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    let single = OpenApiRouter::new()
        .routes(routes!(post_submission))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    // A batch counts as one request for the rate limit: it is how a device that was
    // offline for a week catches up without being told to slow down.
    let batch = OpenApiRouter::new()
        .routes(routes!(post_submission_batch))
        .layer(DefaultBodyLimit::max(MAX_BATCH_BODY_BYTES));
    single.merge(batch).route_layer(rate_limit)
}

/// Stores a filled form and answers its receipt.
///
/// The `id` is made on the device and is the idempotency key: a resend with the same
/// content answers 200 with the first receipt; the same id with other content is 409.
#[utoipa::path(
    post,
    path = "/api/v1/submissions",
    tag = "submissions",
    request_body = SubmissionRequest,
    responses(
        (status = 201, description = "Stored now", body = Receipt, links(
            ("status" = (operation_id = "get_submission_status", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.body#/receipt_secret")))),
            ("identity" = (operation_id = "post_identity", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.body#/receipt_secret")))),
            ("reply" = (operation_id = "post_reply", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.body#/receipt_secret")))),
            ("staff_read" = (operation_id = "get_submission", parameters(("tracking" = "$response.body#/tracking")))),
            ("staff_step" = (operation_id = "post_event", parameters(("tracking" = "$response.body#/tracking")))),
        )),
        (status = 200, description = "Stored before: the first receipt", body = Receipt, links(
            ("status" = (operation_id = "get_submission_status", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.body#/receipt_secret")))),
            ("identity" = (operation_id = "post_identity", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.body#/receipt_secret")))),
            ("reply" = (operation_id = "post_reply", parameters(("tracking" = "$response.body#/tracking"), ("header.x-receipt-secret" = "$request.body#/receipt_secret")))),
            ("staff_read" = (operation_id = "get_submission", parameters(("tracking" = "$response.body#/tracking")))),
            ("staff_step" = (operation_id = "post_event", parameters(("tracking" = "$response.body#/tracking")))),
        )),
        (status = 400, description = "malformed_request"),
        (status = 409, description = "conflicting_resubmission, attachments_incomplete, attachment_conflict"),
        (status = 413, description = "attachment_too_large, attachments_too_large"),
        (status = 422, description = "validation_failed, unknown_form, unsupported_attachment_type"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn post_submission(
    State(state): State<AppState>,
    Json(request): Json<SubmissionRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let new = prepare(request, OffsetDateTime::now_utc())?;
    let key = Key::of(&new);
    // Answered only once the group holding this submission has committed.
    let stored = state.writer.store(new).await?;
    answer(&key, stored, &state.calendar.get())
}

/// The body of a batch, read item by item so that one malformed item is refused alone:
/// each item is kept as its JSON text, checked for syntax only, and decoded once, straight
/// into a `SubmissionRequest` (no tree of values in between).
#[derive(Debug, Deserialize)]
struct BatchBody {
    submissions: Vec<Box<RawValue>>,
}

/// The id of an item that is not a submission, so that its refusal names it if it can.
#[derive(Deserialize)]
struct ItemId {
    id: Uuid,
}

/// `POST /api/v1/submissions/batch`: every item means what it would mean alone (a
/// resend gets its first receipt, a reused id 409, invalid fields 422, an item over the
/// single endpoint's [`MAX_BODY_BYTES`] 413 with only its id read), and all the items
/// that can be stored are stored in one transaction. The answer is 200 with one outcome
/// per item, in order; only a body that is not a batch at all is refused as a whole.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/batch",
    tag = "submissions",
    request_body(content = BatchRequest, description = "2 to 100 submissions, at most 2 MiB"),
    responses(
        (status = 200, description = "One outcome per submission, in order", body = BatchResponse),
        (status = 400, description = "malformed_request"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn post_submission_batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<BatchBody>,
) -> Result<Json<BatchResponse>, ApiError> {
    if body.submissions.len() > MAX_BATCH_ITEMS {
        let detail = format!("a batch holds at most {MAX_BATCH_ITEMS} submissions");
        return Err(ApiError::MalformedRequest { detail });
    }
    let lang = crate::error::request_lang(&headers);
    let received_at = OffsetDateTime::now_utc();
    // Validating a hundred submissions takes a while: off the async workers.
    let prepared = tokio::task::spawn_blocking(move || {
        body.submissions
            .into_iter()
            .map(|item| {
                let id_of = |item: &RawValue| serde_json::from_str::<ItemId>(item.get()).ok();
                // Each item is held to the single endpoint's limit: the batch's own is
                // for a hundred ordinary items, not one of its size.
                if item.get().len() > MAX_BODY_BYTES {
                    return Err((
                        id_of(&item).map(|i| i.id),
                        ApiError::Refused(ProblemCode::BodyTooLarge),
                    ));
                }
                let request: SubmissionRequest = serde_json::from_str(item.get()).map_err(|e| {
                    let id = id_of(&item).map(|i| i.id);
                    (id, ApiError::MalformedRequest { detail: e.to_string() })
                })?;
                let id = request.id;
                prepare(request, received_at).map_err(|error| (Some(id), error))
            })
            .collect::<Vec<_>>()
    })
    .await
    .context("validating a batch")?;

    let mut valid = Vec::new();
    let mut outcomes: Vec<Option<BatchOutcome>> = Vec::with_capacity(prepared.len());
    let mut keys = Vec::new();
    for item in prepared {
        match item {
            Ok(new) => {
                keys.push(Key::of(&new));
                valid.push(new);
                outcomes.push(None);
            }
            Err((id, error)) => outcomes.push(Some(refused(id, &error, lang))),
        }
    }
    let mut stored = state.writer.store_all(valid).await?.into_iter().zip(keys);
    let calendar = state.calendar.get();
    let results = outcomes
        .into_iter()
        .map(|outcome| match outcome {
            Some(refusal) => refusal,
            None => {
                let (stored, key) = stored.next().expect("one result per stored submission");
                let id = key.id;
                let answered = stored.map_err(ApiError::from);
                match answered.and_then(|stored| answer(&key, stored, &calendar)) {
                    Ok((status, Json(receipt))) => {
                        BatchOutcome::Stored { id, status: status.as_u16(), receipt }
                    }
                    Err(error) => refused(Some(id), &error, lang),
                }
            }
        })
        .collect();
    Ok(Json(BatchResponse { results }))
}

/// A refused item of a batch, logged as the middleware logs a refused request.
fn refused(id: Option<Uuid>, error: &ApiError, lang: Lang) -> BatchOutcome {
    error.log();
    let problem = error.problem(lang);
    BatchOutcome::Refused { id, status: problem.status, problem }
}

/// Validates and normalises one submission into what is stored (also for Open311).
pub(crate) fn prepare(
    request: SubmissionRequest,
    received_at: OffsetDateTime,
) -> Result<NewSubmission, ApiError> {
    // Any accepted version: a draft written offline before an update is still sent.
    let Some(schema) = form::find(&request.form.id, request.form.version) else {
        return Err(ApiError::UnknownForm(request.form));
    };
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
    let received_at = adal_core::receipt::filed_at(received_at, anonymous);
    Ok(NewSubmission {
        id: request.id,
        fingerprint: fingerprint(&request.form, &answers, &request.attachments),
        district,
        answers: serde_json::to_string(&answers).context("serialising answers")?,
        triage: Triage::of(&request.form.id, &answers),
        form: request.form,
        received_at,
        attachments: request.attachments,
        receipt_secret_sha256: request
            .receipt_secret
            .as_ref()
            .map(|secret| crate::db::events::secret_hash(secret.expose())),
        anonymous,
    })
}

/// What the answer to a stored submission needs of it besides the receipt.
struct Key {
    id: Uuid,
    form: FormRef,
    district: District,
    reports_a_bribe: bool,
    /// The normalised answers, for what the receipt says of the appeal (APC Art. 63).
    answers: adal_core::form::Answers,
}

impl Key {
    fn of(new: &NewSubmission) -> Key {
        Key {
            id: new.id,
            form: new.form.clone(),
            district: new.district,
            reports_a_bribe: new.triage.reports_a_bribe,
            answers: serde_json::from_str(&new.answers).unwrap_or_default(),
        }
    }
}

/// The answer for one stored submission, logged with ids only: the receipt with what
/// the law wants it to say (who accepted it, when it is registered and answered by).
fn answer(
    key: &Key,
    stored: Stored,
    calendar: &Calendar,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let (id, form_id, district) = (key.id, key.form.id.as_str(), key.district.code());
    let with_terms = |mut receipt: Receipt| {
        let standing = Standing::of_submission(&key.form, &key.answers, receipt.received_at);
        receipt.terms = Some(ReceiptTerms::new(
            calendar,
            form_id,
            key.district,
            receipt.received_at,
            &standing,
            key.reports_a_bribe,
        ));
        Json(receipt)
    };
    match stored {
        Stored::Created(receipt) => {
            tracing::info!(submission.id = %id, form.id = %form_id, tracking = %receipt.tracking, district, "submission stored");
            Ok((StatusCode::CREATED, with_terms(receipt)))
        }
        Stored::AlreadyStored(receipt) => {
            tracing::info!(submission.id = %id, form.id = %form_id, tracking = %receipt.tracking, district, "submission resent");
            Ok((StatusCode::OK, with_terms(receipt)))
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
/// The receipt secret is not content: it is checked apart (`db::events::secrets_match`),
/// so that the stored fingerprint never depends on a secret.
fn fingerprint(form: &FormRef, answers: &Answers, attachments: &[AttachmentRef]) -> String {
    let mut canonical = Vec::with_capacity(4096);
    // Keys in sorted order: "answers" < "attachments" < "form".
    let written = (|| -> std::io::Result<()> {
        canonical.write_all(br#"{"answers":"#)?;
        write_object(&mut canonical, answers.iter())?;
        if !attachments.is_empty() {
            canonical.write_all(br#","attachments":"#)?;
            write_canonical(&mut canonical, &serde_json::to_value(attachments)?)?;
        }
        canonical.write_all(br#","form":"#)?;
        write_canonical(&mut canonical, &serde_json::to_value(form)?)?;
        canonical.write_all(b"}")
    })();
    // Writing to memory cannot fail, nor can serialising these plain types.
    debug_assert!(written.is_ok());
    hex::encode(Sha256::digest(&canonical))
}

/// Writes `value` as compact JSON (what `Value::to_string` writes) with the keys of every
/// object sorted, streamed: no sorted copy of the tree, no string of it. Sorting here
/// rather than trusting the map type: if any crate in the build turns on serde_json's
/// `preserve_order`, keys would keep struct order, and a reordered struct field would
/// change every fingerprint.
fn write_canonical(out: &mut impl Write, value: &Value) -> std::io::Result<()> {
    match value {
        Value::Object(map) => write_object(out, map.iter()),
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_canonical(out, item)?;
            }
            out.write_all(b"]")
        }
        scalar => Ok(serde_json::to_writer(out, scalar)?),
    }
}

fn write_object<'a>(
    out: &mut impl Write,
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = entries.collect();
    entries.sort_unstable_by_key(|(key, _)| *key);
    out.write_all(b"{")?;
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b":")?;
        write_canonical(out, value)?;
    }
    out.write_all(b"}")
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
        let mut out = Vec::new();
        write_canonical(&mut out, &value).unwrap();
        assert_eq!(out, br#"{"a":{"c":3,"d":[{"e":2,"f":1}]},"b":1}"#);
    }

    /// How fingerprints were made before they were streamed: a sorted copy of the tree,
    /// written to a string. Every stored fingerprint was made so.
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

    #[test]
    fn fingerprints_are_byte_for_byte_those_already_stored() {
        let photo = AttachmentRef {
            id: uuid::Uuid::from_u128(7),
            sha256: "cd".repeat(32),
            size: 123_456,
            content_type: "image/jpeg".into(),
        };
        let cases: Vec<(Answers, Vec<AttachmentRef>)> = vec![
            (answers("School No. 12", "+7 701 234 56 78"), vec![]),
            (answers("«Ақжайық» \"quoted\" \\ tab\t, line\n, \u{1F600}", ""), vec![photo.clone()]),
            (
                serde_json::from_value(json!({
                    "z": [3, 1.5, -2, null, true, { "y": "ы", "x": [] }],
                    "a": { "nested": { "b": 1, "a": 2 } },
                    "photos": [{ "id": photo.id, "note": "\u{0}" }],
                }))
                .unwrap(),
                vec![photo.clone(), AttachmentRef { id: uuid::Uuid::from_u128(8), ..photo }],
            ),
        ];
        let form = FormRef::new("complaint", 2);
        for (answers, attachments) in cases {
            let mut value = json!({ "form": form, "answers": answers });
            if !attachments.is_empty() {
                value["attachments"] = json!(attachments);
            }
            let stored = hex::encode(Sha256::digest(sort_keys(value).to_string().as_bytes()));
            assert_eq!(fingerprint(&form, &answers, &attachments), stored);
        }
        // And one as stored since the first release, so that neither way can drift.
        assert_eq!(
            fingerprint(&form, &answers("School No. 12", "+7 701 234 56 78"), &[]),
            "809ba8525fba99437fd3ea7c69a2086b4942f941829b36c3747754b06cc620c9"
        );
    }
}
