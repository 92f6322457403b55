//! The channel between districts (`/api/v1/staff/channel`): posts, replies, topics,
//! search, pins and hides by whom the policy allows, the audit log, retries from the
//! outbox, and server-sent events.

use std::time::Duration;

use adal_core::District;
use adal_core::api::ProblemCode;
use adal_core::channel::{ChannelPage, Post, Thread};
use adal_core::staff::{AuditResponse, Role};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::attachments::photo_bytes;
use crate::helpers::{StaffSession, TestApp, problem, spawn_staff_app};

const POSTS: &str = "/api/v1/staff/channel/posts";

fn new_post(topic: &str, text: &str) -> Value {
    json!({ "id": Uuid::new_v4(), "topic": topic, "text": text })
}

fn reply(parent: i64, text: &str) -> Value {
    json!({ "id": Uuid::new_v4(), "parent": parent, "text": text })
}

async fn post(app: &TestApp, session: &StaffSession, body: &Value) -> Post {
    let response = app.staff_send(session, "en", POSTS, Some(body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn threads(app: &TestApp, session: &StaffSession, query: &str) -> Vec<Post> {
    let response = app.staff_send(session, "en", &format!("{POSTS}{query}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<ChannelPage>().await.unwrap().posts
}

async fn moderate(app: &TestApp, session: &StaffSession, id: i64, action: &str) -> StatusCode {
    let path = format!("{POSTS}/{id}/moderation");
    app.staff_send(session, "en", &path, Some(&json!({ "action": action }))).await.status()
}

async fn audit(app: &TestApp) -> AuditResponse {
    let admin = app.staff_session("admin", Role::Administrator, None).await;
    app.staff_send(&admin, "en", "/api/v1/staff/audit", None).await.json().await.unwrap()
}

#[tokio::test]
async fn staff_of_one_district_post_and_staff_of_another_read_and_reply_in_the_thread() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let ter = app.staff_session("nurlan", Role::Mediator, Some(District::Terekti)).await;

    let text = "We invited the school's director and the parents to one meeting: it worked.";
    let first = post(&app, &ura, &new_post("schools", text)).await;
    assert_eq!((first.author.as_str(), first.district), ("aigerim", Some(District::Uralsk)));

    let seen = threads(&app, &ter, "").await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].text, text);

    let answer = post(&app, &ter, &reply(first.id, "We did the same in Terekti, thank you.")).await;
    assert_eq!(answer.parent, Some(first.id));
    assert_eq!(answer.topic, first.topic, "a reply belongs to its thread's topic");

    let path = format!("{POSTS}/{}", first.id);
    let thread: Thread = app.staff_send(&ura, "en", &path, None).await.json().await.unwrap();
    assert_eq!(thread.replies.len(), 1);
    assert_eq!(thread.replies[0].author, "nurlan");
    assert_eq!(thread.post.replies, 1);
    // The list shows threads, not replies.
    assert_eq!(threads(&app, &ura, "").await.len(), 1);
}

#[tokio::test]
async fn the_list_filters_by_topic_and_searches_threads_and_replies_in_any_script() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let clinic = post(&app, &ura, &new_post("clinics", "Queue at the Aqjaiyq clinic fixed")).await;
    let school = post(&app, &ura, &new_post("schools", "Parents' meeting about fees")).await;
    post(&app, &ura, &reply(school.id, "Invite the akimat's deputy too")).await;

    let ids = |posts: Vec<Post>| posts.into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(ids(threads(&app, &ura, "?topic=clinics").await), [clinic.id]);
    // Kazakh Cyrillic finds the Latin spelling, by the start of a word.
    assert_eq!(ids(threads(&app, &ura, "?q=%D0%90%D2%9B%D0%B6%D0%B0%D0%B9").await), [clinic.id]);
    // A word of a reply finds its thread.
    assert_eq!(ids(threads(&app, &ura, "?q=deput").await), [school.id]);
    assert_eq!(ids(threads(&app, &ura, "?q=deput&topic=clinics").await), Vec::<i64>::new());

    let bad = app.staff_send(&ura, "en", &format!("{POSTS}?topic=roads"), None).await;
    assert_eq!(problem(bad).await.code, ProblemCode::MalformedRequest);
    let long = "a".repeat(201);
    let bad = app.staff_send(&ura, "en", &format!("{POSTS}?q={long}"), None).await;
    assert_eq!(problem(bad).await.code, ProblemCode::MalformedRequest);
}

#[tokio::test]
async fn a_post_without_a_topic_or_too_long_is_refused_field_by_field_in_the_persons_language() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let body = json!({ "id": Uuid::new_v4(), "text": "x".repeat(4001) });
    let response = app.staff_send(&ura, "ru", POSTS, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["text", "topic"], "{body}");
    assert!(body.to_string().contains("4000"), "the limit is said: {body}");

    let photos: Vec<Value> = (0..5)
        .map(|_| json!({"id": Uuid::new_v4(), "sha256": "ab".repeat(32), "size": 10, "content_type": "image/jpeg"}))
        .collect();
    let body =
        json!({ "id": Uuid::new_v4(), "topic": "akimat", "text": "Photos", "photos": photos });
    let response = app.staff_send(&ura, "en", POSTS, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("photos"));

    let body = reply(999, "To nothing");
    let response = app.staff_send(&ura, "en", POSTS, Some(&body)).await;
    assert_eq!(problem(response).await.code, ProblemCode::NotFound);
}

#[tokio::test]
async fn a_post_carries_uploaded_photos_and_a_published_report_and_readers_get_the_photos() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let bytes = photo_bytes(3000, 7);
    let photo = app.upload(&bytes).await;
    let body = json!({ "id": Uuid::new_v4(), "topic": "schools", "text": "The new notice board",
        "photos": [photo] });
    let posted = post(&app, &ura, &body).await;
    assert_eq!(posted.photos, std::slice::from_ref(&photo));

    let ter = app.staff_session("nurlan", Role::OfficeStaff, Some(District::Terekti)).await;
    let path = format!("/api/v1/staff/channel/photos/{}", photo.id);
    let response = app.staff_send(&ter, "en", &path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "image/jpeg");
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());
    // A photo no post shows is not served through the channel.
    let other = app.upload(&photo_bytes(100, 9)).await;
    let path = format!("/api/v1/staff/channel/photos/{}", other.id);
    assert_eq!(app.staff_send(&ter, "en", &path, None).await.status(), StatusCode::NOT_FOUND);

    // A link to a report no one published is refused on its field.
    let body = json!({ "id": Uuid::new_v4(), "topic": "schools", "text": "See the figures",
        "link": { "kind": "report", "sha256": "ab".repeat(32) } });
    let response = app.staff_send(&ura, "en", POSTS, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("\"link\""));
}

#[tokio::test]
async fn curators_pin_and_hide_their_districts_posts_and_the_front_office_any() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let ter = app.staff_session("nurlan", Role::OfficeStaff, Some(District::Terekti)).await;
    let curator = app.staff_session("curator", Role::Curator, Some(District::Uralsk)).await;
    let front = app.staff_session("regional", Role::FrontOffice, None).await;
    let old = post(&app, &ura, &new_post("akimat", "Older advice from Uralsk")).await;
    let newer = post(&app, &ter, &new_post("akimat", "Newer advice from Terekti")).await;
    assert_eq!(threads(&app, &ura, "").await[0].id, newer.id, "newest first");

    assert_eq!(moderate(&app, &curator, old.id, "pin").await, StatusCode::OK);
    let list = threads(&app, &ter, "").await;
    assert_eq!((list[0].id, list[0].pinned), (old.id, true), "pinned first");

    // The Uralsk curator does not moderate Terekti's post; the front office does.
    assert_eq!(moderate(&app, &curator, newer.id, "hide").await, StatusCode::FORBIDDEN);
    assert_eq!(moderate(&app, &front, newer.id, "hide").await, StatusCode::OK);
    let seen: Vec<i64> = threads(&app, &ura, "").await.into_iter().map(|p| p.id).collect();
    assert_eq!(seen, [old.id], "a hidden post is gone for staff");
    let path = format!("{POSTS}/{}", newer.id);
    assert_eq!(app.staff_send(&ter, "en", &path, None).await.status(), StatusCode::NOT_FOUND);
    let moderators: Vec<Post> = threads(&app, &front, "").await;
    assert!(moderators.iter().any(|p| p.id == newer.id && p.hidden), "moderators still see it");
    // Nobody replies to a hidden thread.
    let response = app.staff_send(&ter, "en", POSTS, Some(&reply(newer.id, "Hello?"))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn office_staff_cannot_pin_or_hide_and_volunteers_and_administrators_are_not_in_the_channel()
{
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let first = post(&app, &ura, &new_post("mediation", "A mediation that worked")).await;
    for action in ["pin", "hide"] {
        let path = format!("{POSTS}/{}/moderation", first.id);
        let response = app.staff_send(&ura, "kk", &path, Some(&json!({ "action": action }))).await;
        assert_eq!(problem(response).await.code, ProblemCode::Forbidden);
    }
    let volunteer = app.staff_session("vol", Role::Volunteer, Some(District::Uralsk)).await;
    let admin = app.staff_session("root", Role::Administrator, None).await;
    for session in [&volunteer, &admin] {
        let response = app.staff_send(session, "en", POSTS, None).await;
        assert_eq!(problem(response).await.code, ProblemCode::Forbidden);
        let body = new_post("schools", "Let me in");
        let response = app.staff_send(session, "en", POSTS, Some(&body)).await;
        assert_eq!(problem(response).await.code, ProblemCode::Forbidden);
    }
    // Without the CSRF token a post is refused like every staff write.
    let response = app
        .client
        .post(app.url(POSTS))
        .header(COOKIE, &ura.cookie)
        .json(&new_post("schools", "No token"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(response).await.code, ProblemCode::CsrfRejected);
}

#[tokio::test]
async fn every_post_reply_pin_and_hide_is_in_the_audit_log_by_id_without_its_words() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let front = app.staff_session("regional", Role::FrontOffice, None).await;
    let words = "A secret-looking sentence nobody may find in the log";
    let first = post(&app, &ura, &new_post("schools", words)).await;
    let answer = post(&app, &front, &reply(first.id, "Noted")).await;
    assert_eq!(moderate(&app, &front, first.id, "pin").await, StatusCode::OK);
    assert_eq!(moderate(&app, &front, answer.id, "hide").await, StatusCode::OK);
    assert_eq!(moderate(&app, &ura, first.id, "unpin").await, StatusCode::FORBIDDEN);

    let log = audit(&app).await.entries;
    let line = |action: &str, id: i64, login: &str, outcome: &str| {
        log.iter().any(|e| {
            e.action == action
                && e.target.as_deref() == Some(&format!("channel_post:{id}"))
                && e.login.as_deref() == Some(login)
                && e.outcome == outcome
        })
    };
    assert!(line("channel_post", first.id, "aigerim", "allowed"));
    assert!(line("channel_reply", answer.id, "regional", "allowed"));
    assert!(line("channel_pin", first.id, "regional", "allowed"));
    assert!(line("channel_hide", answer.id, "regional", "allowed"));
    assert!(line("moderate_channel", first.id, "aigerim", "denied"));
    assert!(!format!("{log:?}").contains("secret-looking"));
}

#[tokio::test]
async fn a_post_sent_again_from_the_outbox_is_posted_once_and_other_words_under_its_id_are_refused()
{
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let body = new_post("clinics", "Sent twice by a phone that lost the answer");
    let (a, b) = tokio::join!(
        app.staff_send(&ura, "en", POSTS, Some(&body)),
        app.staff_send(&ura, "en", POSTS, Some(&body)),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
    let (a, b): (Post, Post) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a.id, b.id);
    assert_eq!(threads(&app, &ura, "").await.len(), 1);

    let mut other = body.clone();
    other["text"] = json!("Other words under the same id");
    let response = app.staff_send(&ura, "en", POSTS, Some(&other)).await;
    assert_eq!(problem(response).await.code, ProblemCode::ConflictingResubmission);
}

#[tokio::test]
async fn an_open_event_stream_delivers_a_new_post_without_asking_again() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let ter = app.staff_session("nurlan", Role::OfficeStaff, Some(District::Terekti)).await;
    let mut stream = app
        .client
        .get(app.url("/api/v1/staff/channel/events"))
        .header(COOKIE, &ter.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()[CONTENT_TYPE], "text/event-stream");

    let posted = post(&app, &ura, &new_post("schools", "Live from Uralsk")).await;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen.contains("\n\n") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await;
        let chunk = chunk.expect("an event within 5 s").unwrap().expect("the stream is open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.starts_with("event: post\n"), "{seen}");
    let data = seen.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let event: Post = serde_json::from_str(data).unwrap();
    assert_eq!((event.id, event.text.as_str()), (posted.id, "Live from Uralsk"));

    let volunteer = app.staff_session("vol", Role::Volunteer, Some(District::Uralsk)).await;
    let response = app.staff_send(&volunteer, "en", "/api/v1/staff/channel/events", None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_event_stream_ends_when_its_time_is_up_so_nothing_holds_a_connection_for_ever() {
    let app = spawn_staff_app().await;
    let ura = app.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let path = "/api/v1/staff/channel/events?seconds=0";
    let response = app.staff_send(&ura, "en", path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = tokio::time::timeout(Duration::from_secs(5), response.text()).await;
    assert_eq!(body.expect("the stream ended").unwrap(), "");
    let path = "/api/v1/staff/channel/events?seconds=301";
    let response = app.staff_send(&ura, "en", path, None).await;
    assert_eq!(problem(response).await.code, ProblemCode::MalformedRequest);
}
