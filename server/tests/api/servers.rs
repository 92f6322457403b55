//! Several servers on one PostgreSQL database, as behind a round-robin proxy: any
//! request may land on any server, and nothing it needs lives in one server's memory.

use std::collections::BTreeSet;

use adal_core::District;
use adal_core::channel::{ChannelPage, Post};
use adal_core::receipt::EventKind;
use adal_core::staff::{Role, StaffSubmission};
use reqwest::header::COOKIE;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, complaint, spawn_app_beside, spawn_staff_app, submission};
use crate::receipts::{anonymous, identity, secret, with_secret};

#[tokio::test]
async fn a_staff_session_made_on_one_server_works_on_another_and_a_logout_there_ends_it() {
    crate::postgres_only!(
        "servers share a PostgreSQL database; an SQLite file belongs to one server"
    );
    let a = spawn_staff_app().await;
    let b = spawn_app_beside(&a).await;
    let session = a.staff_session("front.two", Role::FrontOffice, None).await;
    let tracking = a.submit(&submission(complaint())).await.tracking;

    // Server B knows the session made on A: it reads, and takes a step with A's CSRF token.
    let me = b.staff_send(&session, "en", "/api/v1/staff/me", None).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert!(me.text().await.unwrap().contains("front.two"));
    let step = serde_json::json!({ "action": "note", "text": "Called the school" });
    let path = format!("/api/v1/staff/submissions/{tracking}/events");
    let noted = b.staff_send(&session, "en", &path, Some(&step)).await;
    assert!(noted.status().is_success(), "{}", noted.text().await.unwrap());
    // …and what B stored, A shows.
    let case = format!("/api/v1/staff/submissions/{tracking}");
    let case = a.staff_send(&session, "en", &case, None).await;
    assert!(case.text().await.unwrap().contains("Called the school"));

    // A logout on A ends the session on B too.
    let nothing = serde_json::json!({});
    let out = a.staff_send(&session, "en", "/api/v1/staff/logout", Some(&nothing)).await;
    assert!(out.status().is_success());
    let after = b.client.get(b.url("/api/v1/staff/me")).header(COOKIE, &session.cookie);
    assert_eq!(after.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn complaints_sent_to_two_servers_at_once_get_gap_free_numbers_and_a_resend_its_own() {
    crate::postgres_only!(
        "servers share a PostgreSQL database; an SQLite file belongs to one server"
    );
    let a = spawn_staff_app().await;
    let b = spawn_app_beside(&a).await;
    let requests: Vec<_> = (0..60).map(|_| submission(complaint())).collect();

    // Every complaint goes to one server and, at the same moment, its resend to the other.
    let sends = requests.iter().enumerate().map(|(i, request)| {
        let (first, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        async move {
            let (one, two) =
                tokio::join!(first.post_submission(request), other.post_submission(request));
            let mut trackings = Vec::new();
            for response in [one, two] {
                assert!(response.status().is_success(), "{}", response.status());
                let receipt: adal_core::api::Receipt = response.json().await.unwrap();
                trackings.push(receipt.tracking);
            }
            assert_eq!(trackings[0], trackings[1], "a resend gets the first receipt");
            trackings.remove(0)
        }
    });
    let trackings = futures_util::future::join_all(sends).await;

    let numbers: BTreeSet<u32> =
        trackings.iter().map(|t| t.rsplit('-').next().unwrap().parse().unwrap()).collect();
    assert_eq!(numbers.len(), requests.len(), "one number per complaint: {trackings:?}");
    assert_eq!(numbers, (1..=requests.len() as u32).collect(), "no gap: {trackings:?}");
    assert_eq!(a.export().len(), requests.len(), "each stored once");
}

#[tokio::test]
async fn an_upload_begun_on_one_server_and_completed_on_another_no_longer_counts_against_the_phone()
{
    crate::postgres_only!(
        "servers share a PostgreSQL database; an SQLite file belongs to one server"
    );
    let one_upload_at_a_time = |config: &mut adal_server::Config| {
        config.max_unfinished_uploads_per_ip = 1;
    };
    let a = crate::helpers::spawn_app_with(one_upload_at_a_time).await;
    let b = crate::helpers::spawn_app_beside_with(&a, one_upload_at_a_time).await;
    let bytes = crate::attachments::photo_bytes(1000, 7);
    let first = uuid::Uuid::new_v4();

    // The phone's first try reaches A, which counts the upload for its address; the
    // retry (the whole upload) lands on B, which completes it.
    assert_eq!(a.put_part(first, 0, bytes.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(b.put_part(first, 0, bytes.clone()).await.status(), StatusCode::NO_CONTENT);
    let done = b.complete_upload(first, &crate::attachments::completion(&bytes)).await;
    assert_eq!(done.status(), StatusCode::OK);

    // The next photo's part reaches A: the finished upload no longer holds its one place.
    let next = a.put_part(uuid::Uuid::new_v4(), 0, bytes).await;
    assert_eq!(next.status(), StatusCode::NO_CONTENT, "{}", next.text().await.unwrap());
}

/// How many times the races below are run: enough that, without their fixes, one of
/// them answers 500 (or adds twice) nearly every run.
const ROUNDS: usize = 40;

/// [`ROUNDS`] times, `send` to server A and at the same moment to server B: each pair's
/// two answers.
async fn at_once_to_both<'t, F, Fut>(a: &'t TestApp, b: &'t TestApp, send: F) -> Vec<[Response; 2]>
where
    F: Fn(&'t TestApp, usize) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let pairs = (0..ROUNDS).map(|round| {
        let (one, two) = (send(a, round), send(b, round));
        async move {
            let (one, two) = tokio::join!(one, two);
            [one, two]
        }
    });
    futures_util::future::join_all(pairs).await
}

#[tokio::test]
async fn a_channel_post_sent_to_two_servers_at_once_is_stored_once_and_both_get_it() {
    crate::postgres_only!(
        "servers share a PostgreSQL database; an SQLite file belongs to one server"
    );
    let a = spawn_staff_app().await;
    let b = spawn_app_beside(&a).await;
    let session = a.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let posts: Vec<Value> = (0..ROUNDS)
        .map(|n| json!({ "id": Uuid::new_v4(), "topic": "schools", "text": format!("Post {n}") }))
        .collect();
    let path = "/api/v1/staff/channel/posts";

    let pairs = at_once_to_both(&a, &b, |server, n| {
        server.staff_send(&session, "en", path, Some(&posts[n]))
    })
    .await;

    for pair in pairs {
        let mut ids = Vec::new();
        for response in pair {
            // One server stores it (201), the other answers with what it stored (200).
            let status = response.status();
            let text = response.text().await.unwrap();
            assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status} {text}");
            ids.push(serde_json::from_str::<Post>(&text).unwrap().id);
        }
        assert_eq!(ids[0], ids[1], "both answers are the one post stored");
    }
    let page = a.staff_send(&session, "en", &format!("{path}?limit=50"), None).await;
    let page: ChannelPage = page.json().await.unwrap();
    assert_eq!(page.posts.len(), posts.len(), "each post stored once");
}

#[tokio::test]
async fn a_keyed_staff_step_sent_to_two_servers_at_once_is_recorded_once_and_answered_alike() {
    crate::postgres_only!(
        "servers share a PostgreSQL database; an SQLite file belongs to one server"
    );
    let a = spawn_staff_app().await;
    let b = spawn_app_beside(&a).await;
    let session = a.staff_session("aigerim", Role::OfficeStaff, Some(District::Uralsk)).await;
    let tracking = a.submit(&submission(complaint())).await.tracking;
    let path = format!("/api/v1/staff/submissions/{tracking}/events");
    let keys: Vec<String> = (0..ROUNDS).map(|_| Uuid::new_v4().to_string()).collect();
    let (path, keys, session) = (&path, &keys, &session);

    let pairs = at_once_to_both(&a, &b, |server, n| {
        let note = json!({ "action": "note", "text": format!("Called the school, {n}") });
        async move { server.staff_send_keyed(session, path, &keys[n], &note).await }
    })
    .await;

    for pair in pairs {
        let mut answers = Vec::new();
        for response in pair {
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{text}");
            answers.push(text);
        }
        assert_eq!(answers[0], answers[1], "the retry gets the first answer");
    }
    let case = format!("/api/v1/staff/submissions/{tracking}");
    let case: StaffSubmission =
        a.staff_send(session, "en", &case, None).await.json().await.unwrap();
    let notes = case.timeline.iter().filter(|e| e.kind == EventKind::Note).count();
    assert_eq!(notes, keys.len(), "each step recorded once");
}

#[tokio::test]
async fn an_identity_sent_to_two_servers_at_once_is_added_once() {
    crate::postgres_only!(
        "servers share a PostgreSQL database; an SQLite file belongs to one server"
    );
    let a = spawn_staff_app().await;
    let b = spawn_app_beside(&a).await;
    let mut sent = Vec::new();
    for _ in 0..ROUNDS {
        let secret = secret();
        let receipt = a.submit(&with_secret(anonymous(), &secret)).await;
        sent.push((receipt.tracking, secret));
    }
    let sent = &sent;
    let identity = &identity();

    let pairs = at_once_to_both(&a, &b, |server, n| {
        server.add_identity("en", &sent[n].0, &sent[n].1, identity)
    })
    .await;

    for pair in pairs {
        for response in pair {
            let status = response.status();
            assert!(status.is_success(), "{status} {}", response.text().await.unwrap());
        }
    }
    for (tracking, secret) in sent {
        let status = a.status(tracking, secret).await;
        let added = status.timeline.iter().filter(|e| e.kind == EventKind::IdentityAdded).count();
        assert_eq!(added, 1, "one identity_added on {tracking}: {:?}", status.timeline);
    }
}
