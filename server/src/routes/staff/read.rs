//! Reading stored submissions in bulk: `GET /api/v1/staff/submissions` (pages, newest
//! first, by keyset) and `GET /api/v1/staff/export.csv` (every matching row, streamed).
//!
//! Both need a staff session ([`Actor`]) and pass the one policy: a page is an inbox
//! read ([`Action::ReadInbox`]), the export reads every answer ([`Action::ReadSubmission`]).
//! The policy's [`Scope`](adal_core::staff::policy::Scope) decides the rows as it decides a single
//! read: a conflict item is left out for whom `GET /staff/submissions/{tracking}` refuses.
//! A district-scoped role reads its own district (the default when `?district=` is
//! left out); a regional role may leave the district out and read every district.
//! Every export is written to the audit log.

use std::io::{self, Write};

use crate::db::Conn;
use adal_core::District;
use adal_core::api::SubmissionPage;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::actor::Actor;
use crate::AppState;
use crate::db::DbError;
use crate::db::staff::{self, Cursor, Filter};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use adal_core::staff::policy::Action;

/// A page holds this many submissions unless `limit` asks for another number.
const DEFAULT_LIMIT: u32 = 50;
/// The most a page holds.
const MAX_LIMIT: u32 = 200;
/// The export is sent in chunks of about this size...
const CHUNK_BYTES: usize = 64 * 1024;
/// ...with at most this many chunks waiting for a slow client: the export holds
/// about a megabyte at most, whatever the number of rows.
const CHUNKS_IN_FLIGHT: usize = 8;

/// The bulk read routes; [`super::router`] merges them.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_submissions)).routes(routes!(export_csv))
}

#[derive(Debug, Deserialize)]
struct ListParams {
    district: Option<String>,
    form: Option<String>,
    after: Option<String>,
    limit: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct ExportParams {
    district: Option<String>,
    form: Option<String>,
}

/// `?district=URA&form=complaint`; an empty form means "any", an empty district the
/// actor's own (every district for a regional role). Then asks the policy for the scope
/// of `action` over that district (`None`: all of them, which only a regional role may
/// read): whether the actor may read it at all, and whether its conflict items too.
async fn filter(
    state: &AppState,
    actor: &Actor,
    action: Action,
    district: Option<String>,
    form: Option<String>,
) -> Result<Filter, ApiError> {
    let district = match district.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => actor.district,
        Some(code) => Some(District::from_code(&code.to_ascii_uppercase()).ok_or_else(|| {
            ApiError::MalformedRequest { detail: format!("unknown district {code:?}") }
        })?),
    };
    let scope = actor.scope(state, action, district).await?;
    let form = form.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty());
    Ok(Filter { district: scope.district, form, conflict_items: scope.conflict_items })
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/submissions",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("district" = Option<String>, Query, description = "A district code such as `URA`"),
        ("form" = Option<String>, Query, description = "A form id"),
        ("after" = Option<String>, Query, description = "The cursor `next` of the page before"),
        ("limit" = Option<u32>, Query, description = "1 to 200 (50 by default)"),
    ),
    responses(
        (status = 200, description = "One page, newest first", body = SubmissionPage),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn list_submissions(
    State(state): State<AppState>,
    actor: Actor,
    params: Result<Query<ListParams>, ApiError>,
) -> Result<Json<SubmissionPage>, ApiError> {
    let Query(params) = params?;
    let filter = filter(&state, &actor, Action::ReadInbox, params.district, params.form).await?;
    let after = match params.after.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) => Some(Cursor::decode(raw).ok_or_else(|| ApiError::MalformedRequest {
            detail: "`after` is not a cursor this server gave".into(),
        })?),
    };
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::MalformedRequest {
            detail: format!("`limit` must be from 1 to {MAX_LIMIT}"),
        });
    }
    let (submissions, next) =
        state.db.read(move |conn| staff::page(conn, &filter, after.as_ref(), limit)).await?;
    let next = next.map(|cursor| cursor.encode()).transpose()?;
    Ok(Json(SubmissionPage { submissions, next }))
}

/// The CSV columns, in order.
const CSV_HEADER: [&str; 7] =
    ["tracking", "id", "form_id", "form_version", "district", "received_at", "answers"];

/// Streams every matching submission as CSV, oldest first. A blocking thread reads the
/// rows from a read-only connection (one snapshot, so the file is consistent) and sends
/// chunks over a small bounded channel: memory stays flat at any size, the first bytes
/// leave at once (no proxy timeout however long the export), and a client that stops
/// reading stops the reader.
#[utoipa::path(
    get,
    path = "/api/v1/staff/export.csv",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("district" = Option<String>, Query, description = "A district code such as `URA`"),
        ("form" = Option<String>, Query, description = "A form id"),
    ),
    responses(
        (status = 200, description = "Every matching submission, oldest first", content_type = "text/csv", body = String),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn export_csv(
    State(state): State<AppState>,
    actor: Actor,
    params: Result<Query<ExportParams>, ApiError>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let filter =
        filter(&state, &actor, Action::ReadSubmission, params.district, params.form).await?;
    // Every answer of a district leaves the server: worth a line in the audit log.
    let target = filter.form.as_deref().map(|form| format!("export.csv?form={form}"));
    let target = target.as_deref().unwrap_or("export.csv");
    actor.audit(&state, "export", Some(target), filter.district, "allowed").await?;
    let (chunks, body) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_IN_FLIGHT);
    let db = state.db.clone();
    let reader = async move {
        db.read(move |conn| {
            let written = write_csv(conn, &filter, ChunkSink::new(chunks.clone()));
            if written.is_err() {
                // Make the body fail rather than end: a cut file must not look complete.
                let _ = chunks.blocking_send(Err(io::Error::other("the export stopped")));
            }
            written
        })
        .await
    };
    tokio::spawn(async move {
        match reader.await {
            Ok(rows) => tracing::info!(rows, "export sent"),
            Err(error) => tracing::warn!(%error, "export stopped"),
        }
    });
    // Fused: the compression layer polls a body once more after its end, which a bare
    // `unfold` answers with a panic (and the client with a cut, gzipped file).
    let stream = futures_util::stream::unfold(body, |mut body| async move {
        body.recv().await.map(|chunk| (chunk, body))
    })
    .fuse();
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"submissions.csv\""),
        ),
        // Personal data: never kept by a browser or proxy cache.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, Body::from_stream(stream)).into_response())
}

/// `answers` (JSON) without the IIN and postal address; read only when it may hold them.
fn redacted(answers: &str) -> std::borrow::Cow<'_, str> {
    let keys = adal_core::appeal::Requisite::ALL.map(|r| format!("\"{}\"", r.key()));
    if !keys.iter().any(|k| answers.contains(k.as_str())) {
        return answers.into();
    }
    match serde_json::from_str::<adal_core::form::Answers>(answers) {
        Ok(mut parsed) => {
            adal_core::appeal::redact_requisites(&mut parsed);
            serde_json::to_string(&parsed).map(Into::into).unwrap_or_default()
        }
        // Never stored so; nothing of it is written rather than all of it.
        Err(_) => "{}".into(),
    }
}

fn write_csv(conn: &Conn, filter: &Filter, sink: ChunkSink) -> Result<u64, DbError> {
    let mut csv = crate::spreadsheet::Writer::from_writer(sink);
    csv.write_record(CSV_HEADER).map_err(io::Error::from)?;
    let mut failed = None;
    let count = staff::for_each_row(conn, filter, |row| {
        let version = row.form_version.to_string();
        // The IIN and postal address stay on the item: a spreadsheet travels.
        let answers = redacted(&row.answers);
        let written = csv.write_record([
            row.tracking.as_str(),
            &row.id,
            &row.form_id,
            &version,
            &row.district,
            &row.received_at,
            &answers,
        ]);
        match written {
            Ok(()) => true,
            Err(error) => {
                failed = Some(io::Error::from(error));
                false
            }
        }
    })?;
    if let Some(error) = failed {
        return Err(error.into());
    }
    csv.flush()?;
    Ok(count)
}

/// Where the CSV writer writes: a buffer sent down the channel each time it holds a
/// chunk. Sending blocks while the channel is full, which is what keeps memory flat.
struct ChunkSink {
    buffer: Vec<u8>,
    chunks: mpsc::Sender<io::Result<Bytes>>,
}

impl ChunkSink {
    fn new(chunks: mpsc::Sender<io::Result<Bytes>>) -> ChunkSink {
        ChunkSink { buffer: Vec::with_capacity(CHUNK_BYTES * 2), chunks }
    }

    fn send(&mut self) -> io::Result<()> {
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES * 2));
        self.chunks
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            self.send()?;
        }
        Ok(())
    }
}
