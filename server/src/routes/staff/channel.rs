//! `/api/v1/staff/channel`: the one channel between districts. Staff of every district
//! post what worked and reply in threads (`Action::PostChannel`), read and search it
//! (`ReadChannel`); curators (their district's posts) and the front office (every post)
//! pin and hide (`ModerateChannel`). Every post, reply, pin and hide is audited by the
//! post's id, never by its words; the log carries ids only.
//!
//! A post is idempotent by the device's id in its body: the outbox may send it twice
//! and it is posted once (the same content again answers the stored post; other content
//! under the same id is 409).
//!
//! Real time is a convenience: `GET …/channel/events` is a server-sent event stream of
//! new and changed posts while the app is open and online; the list reads the same
//! posts without it.

use std::convert::Infallible;
use std::time::Duration;

use adal_core::api::ProblemCode;
use adal_core::channel::{
    ChannelPage, ModerationRequest, NewPost, PAGE_MAX, Post, PostLink, QUERY_MAX, Thread, Topic,
};
use adal_core::search::Query as SearchQuery;
use adal_core::{ErrorCode, FieldErrors};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::{broadcast, watch};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::actor::{Actor, WriteActor};
use crate::AppState;
use crate::accounts::sha256_hex;
use crate::db::{self, channel::Author};
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};
use adal_core::staff::policy::{Action, Target};

/// A page holds this many threads unless `limit` asks for another number.
const DEFAULT_LIMIT: u32 = 50;
/// New posts waiting for a slow event stream; past this it is told to reload.
const HUB_CAPACITY: usize = 256;
/// How long an event stream stays open unless asked for less, in seconds; then the
/// browser's `EventSource` opens a new one (and the app reads the list again), so no
/// proxy or idle connection keeps one for ever.
const STREAM_SECONDS: u64 = 300;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_posts, post_post))
        .routes(routes!(get_thread))
        .routes(routes!(post_moderation))
        .routes(routes!(get_photo))
        .routes(routes!(get_events))
}

/// Where new and changed posts are announced to the open event streams; closed at
/// shutdown so that no stream holds the server open.
#[derive(Debug, Clone)]
pub struct Hub {
    posts: broadcast::Sender<Post>,
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub { posts: broadcast::channel(HUB_CAPACITY).0, closing: watch::channel(false).0 }
    }
}

impl Hub {
    fn announce(&self, post: Post) {
        // No stream open is the common case, not an error.
        let _ = self.posts.send(post);
    }

    /// Ends every event stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

#[derive(Debug, Deserialize)]
struct ListParams {
    topic: Option<String>,
    q: Option<String>,
    limit: Option<u32>,
}

/// Whether `actor` may see hidden posts: who may moderate somewhere sees them (and
/// the controls to show them again).
fn sees_hidden(actor: &Actor) -> bool {
    actor.may(Action::ModerateChannel, Target::of(actor.district))
}

/// `GET /api/v1/staff/channel/posts?topic=schools&q=...`: threads, pinned first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/channel/posts",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("topic" = Option<String>, Query, description = "schools, clinics, akimat or mediation"),
        ("q" = Option<String>, Query, description = "Words the thread or a reply starts a word with, in any script (up to 200 characters)"),
        ("limit" = Option<u32>, Query, description = "1 to 100 (50 by default)"),
    ),
    responses(
        (status = 200, description = "Threads, pinned first, then by their last activity", body = ChannelPage),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn get_posts(
    State(state): State<AppState>,
    actor: Actor,
    params: Result<Query<ListParams>, ApiError>,
) -> Result<Json<ChannelPage>, ApiError> {
    actor.authorize(&state, Action::ReadChannel, actor.district, None).await?;
    let Query(params) = params?;
    let topic = match params.topic.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(Topic::parse(t).ok_or_else(|| ApiError::MalformedRequest {
            detail: "`topic` is one of schools, clinics, akimat, mediation".into(),
        })?),
    };
    let raw = params.q.unwrap_or_default();
    if raw.chars().count() > QUERY_MAX {
        return Err(ApiError::MalformedRequest {
            detail: format!("`q` is at most {QUERY_MAX} characters"),
        });
    }
    let search = SearchQuery::parse(&raw);
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ApiError::MalformedRequest {
            detail: format!("`limit` must be from 1 to {PAGE_MAX}"),
        });
    }
    let hidden = sees_hidden(&actor);
    let posts = state
        .db
        .read(move |conn| db::channel::threads(conn, topic, &search, hidden, limit))
        .await?;
    Ok(Json(ChannelPage { posts }))
}

/// `GET /api/v1/staff/channel/posts/{id}`: a thread and its replies.
#[utoipa::path(
    get,
    path = "/api/v1/staff/channel/posts/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses(
        (status = 200, description = "The thread, its replies oldest first", body = Thread),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
    ),
)]
async fn get_thread(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<Json<Thread>, ApiError> {
    actor.authorize(&state, Action::ReadChannel, actor.district, None).await?;
    let hidden = sees_hidden(&actor);
    let thread = state.db.read(move |conn| db::channel::thread(conn, id, hidden)).await?;
    thread.map(Json).ok_or(ApiError::Refused(ProblemCode::NotFound))
}

/// What storing a post came to.
enum Stored {
    New(Post),
    Again(Post),
    Conflict,
    NoThread,
    BadLink,
    PhotosIncomplete(Vec<Uuid>),
}

/// `POST /api/v1/staff/channel/posts`: a new thread (with a topic) or a reply (with its
/// thread's id). 201 with the post; the same post sent again answers 200 with it.
#[utoipa::path(
    post,
    path = "/api/v1/staff/channel/posts",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = NewPost,
    responses(
        (status = 201, description = "Posted", body = Post),
        (status = 200, description = "Posted before under this id: the stored post", body = Post),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
        (status = 409, description = "conflicting_resubmission, attachments_incomplete"),
        (status = 422, description = "validation_failed"),
    ),
)]
async fn post_post(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Json(post): Json<NewPost>,
) -> Result<Response, ApiError> {
    actor.authorize(&state, Action::PostChannel, actor.district, None).await?;
    let post = post.check().map_err(ApiError::Validation)?;
    let json = serde_json::to_string(&post).map_err(|e| ApiError::Internal(e.into()))?;
    let request_sha256 = sha256_hex(&json);
    let author = Author {
        account_id: actor.account_id,
        login: actor.login.clone(),
        role: actor.role,
        district: actor.district,
    };
    let hidden = sees_hidden(&actor);
    let client_id = post.id;
    let at = db::clock::stored_precision(OffsetDateTime::now_utc());
    let writer = actor.clone();
    let stored = state
        .db
        .call_keyed(move |conn| {
            let tx = conn.transaction()?;
            if let Some((id, sha256)) = db::channel::by_client_id(&tx, post.id)? {
                if sha256 != request_sha256 {
                    return Ok(Stored::Conflict);
                }
                let stored = db::channel::get(&tx, id, true)?;
                return Ok(stored.map_or(Stored::Conflict, Stored::Again));
            }
            let topic = match (post.parent, post.topic) {
                (Some(parent), _) => match db::channel::thread_topic(&tx, parent, hidden)? {
                    Some(topic) => topic,
                    None => return Ok(Stored::NoThread),
                },
                (None, Some(topic)) => topic,
                (None, None) => return Ok(Stored::NoThread),
            };
            let link_ok = match &post.link {
                None => true,
                Some(PostLink::Report { sha256 }) => db::reports::by_hash(&tx, sha256)?.is_some(),
                // A case is linked only by who may open it; others read its number only.
                Some(PostLink::Case { tracking }) => match db::inbox::locate(&tx, tracking)? {
                    Some(found) => writer.may(
                        Action::ReadSubmission,
                        Target { district: Some(found.district), conflict: found.conflict },
                    ),
                    None => false,
                },
            };
            if !link_ok {
                return Ok(Stored::BadLink);
            }
            let missing = db::attachments::not_complete(&tx, &post.photos)?;
            if !missing.is_empty() {
                return Ok(Stored::PhotosIncomplete(missing));
            }
            let id = db::channel::insert(&tx, &post, topic, &request_sha256, &author, at)?;
            let action = if post.parent.is_some() { "channel_reply" } else { "channel_post" };
            let target = format!("channel_post:{id}");
            db::audit::append(
                &tx,
                &writer.entry(action, Some(&target), writer.district, "allowed"),
            )?;
            let stored = db::channel::get(&tx, id, true)?
                .ok_or_else(|| db::DbError::Corrupt(format!("channel post {id}")))?;
            tx.commit()?;
            Ok(Stored::New(stored))
        })
        .await?;
    answer_post(&state, stored, client_id)
}

/// The answer to a post: the new post (announced to open pages), the one stored under
/// its id before, or why it was refused.
fn answer_post(state: &AppState, stored: Stored, client_id: Uuid) -> Result<Response, ApiError> {
    match stored {
        Stored::New(post) => {
            tracing::info!(channel.post = post.id, reply = post.parent.is_some(), "channel post");
            state.channel.announce(post.clone());
            Ok((StatusCode::CREATED, Json(post)).into_response())
        }
        Stored::Again(post) => Ok((StatusCode::OK, Json(post)).into_response()),
        Stored::Conflict => Err(ApiError::ConflictingResubmission { id: client_id }),
        Stored::NoThread => Err(ApiError::Refused(ProblemCode::NotFound)),
        Stored::BadLink => {
            let mut errors = FieldErrors::default();
            errors.push("link", ErrorCode::InvalidValue);
            Err(ApiError::Validation(errors))
        }
        Stored::PhotosIncomplete(ids) => Err(ApiError::AttachmentsIncomplete { ids }),
    }
}

/// `POST /api/v1/staff/channel/posts/{id}/moderation` `{"action": "pin"}`: pin or unpin
/// a thread, hide or show a post or reply. 200 with the post as it now is.
#[utoipa::path(
    post,
    path = "/api/v1/staff/channel/posts/{id}/moderation",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("id" = i64, Path, description = "The post's id"),
        ("x-csrf-token" = String, Header, description = "The session's CSRF token, from the login's answer"),
    ),
    request_body = ModerationRequest,
    responses(
        (status = 200, description = "The post as it now is", body = Post),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
    ),
)]
async fn post_moderation(
    State(state): State<AppState>,
    WriteActor(actor): WriteActor,
    Path(id): Path<i64>,
    Json(request): Json<ModerationRequest>,
) -> Result<Json<Post>, ApiError> {
    let target = format!("channel_post:{id}");
    // Those who may not moderate anywhere are refused before anything is looked up.
    actor.authorize(&state, Action::ModerateChannel, actor.district, Some(&target)).await?;
    let district = state.db.read(move |conn| db::channel::author_district(conn, id)).await?;
    let district = district.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    actor.authorize(&state, Action::ModerateChannel, district, Some(&target)).await?;
    let step = request.action;
    let writer = actor.clone();
    let post = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let post = db::channel::moderate(&tx, id, step)?;
            if post.is_some() {
                let entry = writer.entry(step.audit_action(), Some(&target), district, "allowed");
                db::audit::append(&tx, &entry)?;
                tx.commit()?;
            }
            Ok(post)
        })
        .await?;
    let post = post.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    tracing::info!(channel.post = id, step = step.audit_action(), "channel moderated");
    state.channel.announce(post.clone());
    Ok(Json(post))
}

/// `GET /api/v1/staff/channel/photos/{id}`: a photo of a post the reader may see.
#[utoipa::path(
    get,
    path = "/api/v1/staff/channel/photos/{id}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = Uuid, Path, description = "The photo's attachment id")),
    responses(
        (status = 200, description = "The photo's bytes", content_type = "image/jpeg"),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
        (status = 404, description = "not_found"),
    ),
)]
async fn get_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    actor.authorize(&state, Action::ReadChannel, actor.district, None).await?;
    let hidden = sees_hidden(&actor);
    let found = state
        .db
        .read(move |conn| {
            let shown = db::channel::shows_photo(conn, id, hidden)?;
            Ok(if shown { db::attachments::get(conn, id)? } else { None })
        })
        .await?;
    let attachment = found.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    let bytes = state.attachments.store.read(id).await?;
    let bytes = bytes.ok_or(ApiError::Refused(ProblemCode::NotFound))?;
    let content_type = HeaderValue::from_str(&attachment.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok(([(header::CONTENT_TYPE, content_type)], Body::from(bytes)).into_response())
}

#[derive(Debug, Deserialize)]
struct EventParams {
    seconds: Option<u64>,
}

/// `GET /api/v1/staff/channel/events`: `text/event-stream` of `post` events, each a
/// [`Post`] as JSON (new, or changed by a pin or hide); `reload` when the stream fell
/// behind. Ends after `seconds` (300 by default), or when the server stops.
#[utoipa::path(
    get,
    path = "/api/v1/staff/channel/events",
    tag = "staff",
    security(("staff_session" = [])),
    params(
        ("seconds" = Option<u64>, Query, description = "How long to keep the stream open: 0 to 300 (300 by default)"),
    ),
    responses(
        (status = 200, description = "Server-sent events: `post` (a Post as JSON), `reload`", content_type = "text/event-stream"),
        (status = 400, description = "malformed_request"),
        (status = 403, description = "forbidden"),
    ),
)]
async fn get_events(
    State(state): State<AppState>,
    actor: Actor,
    params: Result<Query<EventParams>, ApiError>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    actor.authorize(&state, Action::ReadChannel, actor.district, None).await?;
    let seconds = params?.0.seconds.unwrap_or(STREAM_SECONDS);
    if seconds > STREAM_SECONDS {
        return Err(ApiError::MalformedRequest {
            detail: format!("`seconds` is at most {STREAM_SECONDS}"),
        });
    }
    let until = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let hidden = sees_hidden(&actor);
    let posts = state.channel.posts.subscribe();
    let closing = state.channel.closing.subscribe();
    let stream = futures_util::stream::unfold(
        (posts, closing),
        move |(mut posts, mut closing)| async move {
            loop {
                if *closing.borrow() {
                    return None;
                }
                let post = tokio::select! {
                    post = posts.recv() => post,
                    _ = closing.changed() => return None,
                    () = tokio::time::sleep_until(until) => return None,
                };
                let event = match post {
                    Ok(post) if post.hidden && !hidden => continue,
                    Ok(post) => match serde_json::to_string(&post) {
                        Ok(json) => Event::default().event("post").data(json),
                        Err(_) => continue,
                    },
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        Event::default().event("reload").data("")
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                return Some((Ok(event), (posts, closing)));
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
