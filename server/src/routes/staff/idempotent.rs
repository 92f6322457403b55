//! Idempotent staff steps. The app queues a step (possibly offline) with a UUID in the
//! `Idempotency-Key` header and may send it more than once; the step happens once and
//! every copy gets the first answer. The key's record is written in the same transaction
//! as the step, so two racing copies cannot both do it.

use adal_core::api::ProblemCode;
use adal_core::staff::{IDEMPOTENCY_HEADER, StaffEvent};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::sha256_hex;
use crate::db::{self, DbError, requests::DoneRequest};
use crate::error::ApiError;

/// One staff request's key (if the app sent one), the hash of what it asked, and who.
#[derive(Debug, Clone)]
pub struct Idempotent {
    key: Option<String>,
    request_sha256: String,
    account_id: i64,
}

impl Idempotent {
    /// Reads the key (`400` if it is not a UUID) and fingerprints `request` on `tracking`.
    pub fn of(
        headers: &HeaderMap,
        tracking: &str,
        request: &impl serde::Serialize,
        account_id: i64,
    ) -> Result<Idempotent, ApiError> {
        let key = match headers.get(IDEMPOTENCY_HEADER) {
            None => None,
            Some(value) => {
                let key = value.to_str().ok().and_then(|v| Uuid::parse_str(v.trim()).ok());
                let key = key.ok_or_else(|| ApiError::MalformedRequest {
                    detail: format!("{IDEMPOTENCY_HEADER}: give a UUID"),
                })?;
                Some(key.to_string())
            }
        };
        let json = serde_json::to_string(request).map_err(|e| ApiError::Internal(e.into()))?;
        let request_sha256 = sha256_hex(&format!("{tracking}\n{json}"));
        Ok(Idempotent { key, request_sha256, account_id })
    }

    /// What this key was answered before, if it was: in the step's transaction, first
    /// (a concurrent copy may have got there meanwhile), or before any check.
    pub fn done(&self, conn: &Connection) -> Result<Option<DoneRequest>, DbError> {
        match &self.key {
            Some(key) => db::requests::done_request(conn, key),
            None => Ok(None),
        }
    }

    /// The step's answer (`event` as JSON), kept under the key: in the step's
    /// transaction, last.
    pub fn record(
        &self,
        conn: &Connection,
        event: &StaffEvent,
        at: OffsetDateTime,
    ) -> Result<String, DbError> {
        let response =
            serde_json::to_string(event).map_err(|e| DbError::Corrupt(format!("event: {e}")))?;
        if let Some(key) = &self.key {
            let done = DoneRequest {
                account_id: self.account_id,
                request_sha256: self.request_sha256.clone(),
                status: StatusCode::CREATED.as_u16(),
                response: response.clone(),
            };
            db::requests::record_request(conn, key, &done, at)?;
        }
        Ok(response)
    }

    /// The stored answer again if the same account sent the same request; `409` if the
    /// key was used for another.
    pub fn answer_again(&self, done: DoneRequest) -> Result<Response, ApiError> {
        if done.account_id == self.account_id && done.request_sha256 == self.request_sha256 {
            let status = StatusCode::from_u16(done.status).unwrap_or(StatusCode::OK);
            Ok((status, [(header::CONTENT_TYPE, json())], done.response).into_response())
        } else {
            Err(ApiError::Refused(ProblemCode::IdempotencyKeyReused))
        }
    }
}

/// `201` with a recorded step's answer.
pub fn created(response: String) -> Response {
    (StatusCode::CREATED, [(header::CONTENT_TYPE, json())], response).into_response()
}

fn json() -> HeaderValue {
    HeaderValue::from_static("application/json")
}
