//! Several servers on one PostgreSQL database, as behind a round-robin proxy: any
//! request may land on any server, and nothing it needs lives in one server's memory.

use std::collections::BTreeSet;

use adal_core::staff::Role;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

use crate::helpers::{complaint, spawn_app_beside, spawn_staff_app, submission};

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
