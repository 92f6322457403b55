//! `/api/v1/attachments/{id}`: resumable, idempotent uploads of photos in numbered parts.
//!
//! The device sends parts in any order (`PUT …/parts/{n}`), asks which arrived after a
//! drop (`GET`), and then says what the whole file is (`POST …/complete`). The server
//! assembles the parts, checks size and SHA-256 against what the device said, and only
//! then records the attachment as counting. Every step may be repeated safely.

use std::net::IpAddr;

use adal_core::AttachmentRef;
use adal_core::api::ProblemCode;
use adal_core::attachment::{
    AttachmentError, CompleteUpload, MAX_PARTS, PART_SIZE, UploadStatus, part_len,
};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use time::OffsetDateTime;
use tower_governor::GovernorLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::attachments::{Assembled, StoreError};
use crate::client::Client;
use crate::db::attachments::Completed;
use crate::error::ApiError;
use crate::extract::{Json, Path};

/// The body of `complete` is a few short strings and numbers.
const COMPLETE_BODY_BYTES: usize = 4 * 1024;

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let rate_limit = GovernorLayer::new(state.rate_limit.clone())
        .error_handler(|error| ApiError::from(error).into_response());
    let parts = OpenApiRouter::new()
        .routes(routes!(put_attachment_part))
        .layer(DefaultBodyLimit::max(PART_SIZE as usize));
    let complete = OpenApiRouter::new()
        .routes(routes!(complete_attachment))
        .layer(DefaultBodyLimit::max(COMPLETE_BODY_BYTES));
    OpenApiRouter::new()
        .routes(routes!(get_attachment))
        .merge(parts)
        .merge(complete)
        .route_layer(rate_limit)
}

/// How long a client refused for holding too many unfinished uploads is asked to wait:
/// its uploads finish in minutes on a working line.
const QUOTA_RETRY_AFTER_S: u64 = 60;

/// Stores part `n`, replacing an earlier copy. 204 once it is on disk; also 204, without
/// writing, for a part of an attachment that is already complete. 429 when the client's
/// address holds as many unfinished uploads (or bytes of them) as it may.
#[utoipa::path(
    put,
    path = "/api/v1/attachments/{id}/parts/{n}",
    tag = "attachments",
    params(
        ("id" = Uuid, Path, description = "The attachment's id, made on the device"),
        ("n" = u32, Path, description = "The part's number, from 0"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "1 byte to 256 KiB of the file"),
    responses(
        (status = 204, description = "Stored (or the attachment is already complete)"),
        (status = 400, description = "malformed_request"),
        (status = 413, description = "attachment_part_too_large, attachment_too_large"),
        (status = 429, description = "rate_limited, too_many_uploads"),
    ),
)]
async fn put_attachment_part(
    State(state): State<AppState>,
    client: Client,
    Path((id, n)): Path<(Uuid, u32)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let bytes = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::Refused(ProblemCode::AttachmentPartTooLarge),
        _ => ApiError::MalformedRequest { detail: rejection.body_text() },
    })?;
    if bytes.len() as u64 > PART_SIZE {
        return Err(ApiError::Refused(ProblemCode::AttachmentPartTooLarge));
    }
    // A part past the last one a file within the limit can have: the file is too large.
    if n >= MAX_PARTS {
        return Err(ApiError::Attachment(AttachmentError::TooLarge));
    }
    if bytes.is_empty() {
        return Err(ApiError::MalformedRequest { detail: "a part has at least one byte".into() });
    }
    if state.db.call(move |conn| crate::db::attachments::get(conn, id)).await?.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let len = bytes.len();
    admit(&state, client.ip, id, n, len as u64).await?;
    state.attachments.store.put_part(id, n, bytes).await?;
    tracing::debug!(attachment.id = %id, part = n, bytes = len, "attachment part stored");
    Ok(StatusCode::NO_CONTENT)
}

/// Counts a part against its address's quota. Behind a proxy that spreads requests over
/// several servers, an upload begun here may have been completed by another: before
/// refusing, the uploads the address holds here that the database knows complete are let
/// go (they would otherwise count until they idled out).
async fn admit(state: &AppState, ip: IpAddr, id: Uuid, n: u32, len: u64) -> Result<(), ApiError> {
    let quota = &state.attachments.quota;
    if quota.admit(ip, id, n, len).is_ok() {
        return Ok(());
    }
    let held = quota.held_by(ip);
    let completed = state
        .db
        .call(move |conn| {
            let mut completed = Vec::new();
            for id in held {
                if crate::db::attachments::get(conn, id)?.is_some() {
                    completed.push(id);
                }
            }
            Ok(completed)
        })
        .await?;
    for id in completed {
        quota.release(id);
    }
    quota.admit(ip, id, n, len).map_err(|refused| ApiError::TooManyUploads {
        detail: refused.to_string(),
        retry_after_s: QUOTA_RETRY_AFTER_S,
    })
}

/// Which parts arrived, and whether the attachment is complete.
#[utoipa::path(
    get,
    path = "/api/v1/attachments/{id}",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "The attachment's id")),
    responses(
        (status = 200, description = "The upload's state", body = UploadStatus),
        (status = 400, description = "malformed_request"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn get_attachment(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<UploadStatus>, ApiError> {
    let complete = state.db.call(move |conn| crate::db::attachments::get(conn, id)).await?;
    let received_parts = match complete {
        Some(_) => Vec::new(),
        None => state.attachments.store.parts(id).await?.into_keys().collect(),
    };
    Ok(Json(UploadStatus {
        id,
        received_parts,
        complete: complete.is_some(),
        attachment: complete,
    }))
}

/// Assembles and verifies the parts; 200 with the [`AttachmentRef`] once it counts.
#[utoipa::path(
    post,
    path = "/api/v1/attachments/{id}/complete",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "The attachment's id")),
    request_body = CompleteUpload,
    responses(
        (status = 200, description = "The attachment counts", body = AttachmentRef),
        (status = 409, description = "attachments_incomplete, attachment_conflict"),
        (status = 413, description = "attachment_too_large"),
        (status = 422, description = "attachment_hash_mismatch, unsupported_attachment_type"),
        (status = 429, description = "rate_limited"),
    ),
)]
async fn complete_attachment(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(request): Json<CompleteUpload>,
) -> Result<Json<AttachmentRef>, ApiError> {
    let sent_parts = request.parts;
    let claimed = request.into_ref(id);
    claimed.validate().map_err(ApiError::Attachment)?;
    let count = claimed.parts();
    if sent_parts != count {
        let detail =
            format!("a file of {} bytes has {count} parts of {PART_SIZE} bytes", claimed.size);
        return Err(ApiError::MalformedRequest { detail });
    }

    // Two completions of one id must not interleave: the second would overwrite the file
    // the first just recorded.
    let _guard = state.attachments.locks.lock(id).await;
    if let Some(stored) = state.db.call(move |conn| crate::db::attachments::get(conn, id)).await? {
        return if stored == claimed {
            Ok(Json(stored))
        } else {
            Err(ApiError::AttachmentConflict { id })
        };
    }

    let store = &state.attachments.store;
    let received = store.parts(id).await?;
    if (0..count).any(|n| !received.contains_key(&n)) {
        return Err(ApiError::AttachmentsIncomplete { ids: vec![id] });
    }
    // A part of the wrong length cannot make the right file: skip assembling it.
    let lengths_fit = (0..count).all(|n| received.get(&n).copied() == part_len(claimed.size, n));
    let assembled = match lengths_fit {
        true => match store.assemble(id, count).await {
            Ok(assembled) => Some(assembled),
            Err(StoreError::MissingPart(_)) => {
                return Err(ApiError::AttachmentsIncomplete { ids: vec![id] });
            }
            Err(e) => return Err(e.into()),
        },
        false => None,
    };
    let expected = Assembled { sha256: claimed.sha256.clone(), size: claimed.size };
    if assembled.as_ref() != Some(&expected) {
        // Which part is damaged cannot be told from one hash: all of them go.
        store.delete_parts(id).await?;
        store.delete(id).await?;
        state.attachments.quota.release(id);
        return Err(ApiError::AttachmentHashMismatch { id });
    }

    let at = OffsetDateTime::now_utc();
    let record = claimed.clone();
    match state.db.call(move |conn| crate::db::attachments::complete(conn, &record, at)).await? {
        Completed::Stored(stored) => {
            state.attachments.quota.release(id);
            if let Err(error) = store.delete_parts(id).await {
                // Harmless: the file is whole and recorded; the parts are only litter.
                tracing::warn!(attachment.id = %id, %error, "could not delete assembled parts");
            }
            tracing::info!(attachment.id = %id, bytes = stored.size, "attachment complete");
            state.metrics.attachment_stored(stored.size);
            Ok(Json(stored))
        }
        Completed::Conflict(_) => Err(ApiError::AttachmentConflict { id }),
    }
}
