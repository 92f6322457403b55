//! Idempotent staff steps. The app queues a step (possibly offline) with a UUID in the
//! `Idempotency-Key` header and may send it more than once; the step happens once and
//! every copy gets the first answer. The key's record is written in the same transaction
//! as the step, so two racing copies cannot both do it.
//!
//! [`Idempotent::run`] is the one place a step is written: begin, look the key up,
//! let the step check and write what is its own, append its event, audit it, record
//! the answer under the key, commit; or answer again what the first copy was answered.

use crate::db::Conn;
use crate::db::sql::Behavior;
use adal_core::api::ProblemCode;
use adal_core::receipt::EventKind;
use adal_core::staff::{IDEMPOTENCY_HEADER, StaffEvent};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::AppState;
use crate::accounts::sha256_hex;
use crate::db::{self, DbError, audit::NewEntry, requests::DoneRequest};
use crate::error::ApiError;

/// What a step's own part decided, in the step's transaction.
pub enum Step {
    /// Done: `event` goes on the timeline of the submission `submission`, `audit` into
    /// the audit log, and the answer under the key.
    Record { submission: Uuid, event: StaffEvent, audit: NewEntry },
    /// Refused with this answer. What the step wrote (an audit line of the refusal) is
    /// committed, so it writes nothing else before refusing.
    Refuse(ApiError),
}

/// How a step's transaction ended.
enum Ended {
    /// An earlier copy of the request was answered this.
    Before(DoneRequest),
    Refused(ApiError),
    /// An event of this kind recorded; `201` with this body.
    Recorded(EventKind, String),
}

/// One staff request's key (if the app sent one), the hash of what it asked, and who.
#[derive(Debug, Clone)]
pub struct Idempotent {
    key: Option<String>,
    /// The submission the step is on (normalised), for the log.
    tracking: String,
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
        Ok(Idempotent { key, tracking: tracking.to_owned(), request_sha256, account_id })
    }

    /// Runs a staff step once (see the module's doc): `own` checks what must be checked
    /// in the transaction and writes what belongs to this kind of step only; the rest is
    /// done here. `at` is when the step happens, as stored.
    pub async fn run(
        self,
        state: &AppState,
        at: OffsetDateTime,
        own: impl FnOnce(&Conn) -> Result<Step, DbError> + Send + 'static,
    ) -> Result<Response, ApiError> {
        let key = self.clone();
        let ended = state
            .db
            .call(move |conn| {
                let tx = conn.transaction_with_behavior(Behavior::Immediate)?;
                // A concurrent retry may have got here first.
                if let Some(done) = key.done(&tx)? {
                    return Ok(Ended::Before(done));
                }
                let ended = match own(&tx)? {
                    Step::Refuse(refusal) => Ended::Refused(refusal),
                    Step::Record { submission, event, audit } => {
                        db::events::append_staff(&tx, submission, &event)?;
                        db::audit::append(&tx, &audit)?;
                        Ended::Recorded(event.kind, key.record(&tx, &event, at)?)
                    }
                };
                tx.commit()?;
                Ok(ended)
            })
            .await;
        let ended = match ended {
            // A copy sent to another server recorded the key first: its answer.
            Err(error) if error.is_unique_violation() && self.key.is_some() => {
                let key = self.clone();
                match state.db.call(move |conn| key.done(conn)).await? {
                    Some(done) => Ended::Before(done),
                    None => return Err(error.into()),
                }
            }
            ended => ended?,
        };
        match ended {
            Ended::Before(done) => self.answer_again(done),
            Ended::Refused(refusal) => Err(refusal),
            Ended::Recorded(kind, response) => {
                tracing::info!(tracking = %self.tracking, kind = kind.as_str(), "staff event recorded");
                Ok(created(response))
            }
        }
    }

    /// What this key was answered before, if it was: in the step's transaction, first
    /// (a concurrent copy may have got there meanwhile), or before any check.
    pub fn done(&self, conn: &Conn) -> Result<Option<DoneRequest>, DbError> {
        match &self.key {
            Some(key) => db::requests::done_request(conn, key),
            None => Ok(None),
        }
    }

    /// The step's answer (`event` as JSON), kept under the key: in the step's
    /// transaction, last.
    pub fn record(
        &self,
        conn: &Conn,
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
