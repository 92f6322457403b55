use adal_core::api::{BatchOutcome, BatchResponse, MAX_BATCH_ITEMS, ProblemCode};
use adal_core::{ErrorCode, Series, TrackingNumber};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    complaint, mediation_request, problem, spawn_staff_app, submission, submission_of, with,
};

fn receipt(outcome: &BatchOutcome) -> &adal_core::api::Receipt {
    match outcome {
        BatchOutcome::Stored { receipt, .. } => receipt,
        BatchOutcome::Refused { problem, .. } => panic!("refused: {problem:?}"),
    }
}

fn refusal(outcome: &BatchOutcome) -> &adal_core::api::Problem {
    match outcome {
        BatchOutcome::Refused { problem, .. } => problem,
        BatchOutcome::Stored { receipt, .. } => panic!("stored: {receipt:?}"),
    }
}

#[tokio::test]
async fn a_batch_stores_every_submission_and_answers_each_in_order() {
    let app = spawn_staff_app().await;
    let requests: Vec<_> = (0..MAX_BATCH_ITEMS).map(|_| submission(complaint())).collect();

    let results = app.batch(&requests).await;

    assert_eq!(results.len(), MAX_BATCH_ITEMS);
    for (i, (outcome, request)) in results.iter().zip(&requests).enumerate() {
        assert_eq!(outcome.status(), 201);
        let receipt = receipt(outcome);
        assert_eq!(receipt.id, request.id);
        let tracking: TrackingNumber = receipt.tracking.parse().unwrap();
        assert_eq!(tracking.sequence as usize, i + 1, "numbered in the order sent");
    }
    assert_eq!(app.export().len(), MAX_BATCH_ITEMS);
}

#[tokio::test]
async fn an_invalid_item_is_refused_alone_with_field_errors_in_the_requested_language() {
    let app = spawn_staff_app().await;
    let good = submission(complaint());
    let bad = submission(with(complaint(), json!({ "description": "Short", "phone": "12345" })));
    let also_good = submission(complaint());

    let response = app.post_batch_in("en", &[good.clone(), bad.clone(), also_good.clone()]).await;

    assert_eq!(response.status(), StatusCode::OK);
    let results = response.json::<BatchResponse>().await.unwrap().results;
    assert_eq!(results[0].status(), 201);
    assert_eq!(results[2].status(), 201);
    let BatchOutcome::Refused { id, status, problem } = &results[1] else { panic!() };
    assert_eq!((*id, *status), (Some(bad.id), 422));
    assert_eq!(problem.code, ProblemCode::ValidationFailed);
    assert_eq!(problem.field_errors().get("phone"), Some(ErrorCode::InvalidPhone));
    assert_eq!(problem.field_errors().get("description"), Some(ErrorCode::TooShort { min: 10 }));
    let message = &problem.errors.iter().find(|e| e.field == "phone").unwrap().message;
    assert_eq!(*message, ErrorCode::InvalidPhone.message(adal_core::Lang::En));
    let year = receipt(&results[0]).received_at.year();
    assert_eq!(receipt(&results[0]).tracking, format!("URA-{year}-00001"));
    assert_eq!(receipt(&results[2]).tracking, format!("URA-{year}-00002"), "no number used");
    assert_eq!(app.export().len(), 2);
}

#[tokio::test]
async fn resends_in_a_batch_get_their_first_receipt_and_reused_ids_a_conflict() {
    let app = spawn_staff_app().await;
    let earlier = submission(complaint());
    let first = app.submit(&earlier).await;
    let mut reused = earlier.clone();
    reused.answers.insert("description".into(), json!("Another story about another school."));
    let twice = submission(complaint());

    let results = app.batch(&[earlier.clone(), reused, twice.clone(), twice.clone()]).await;

    let statuses: Vec<_> = results.iter().map(BatchOutcome::status).collect();
    assert_eq!(statuses, [200, 409, 201, 200]);
    assert_eq!(*receipt(&results[0]), first);
    assert_eq!(refusal(&results[1]).code, ProblemCode::ConflictingResubmission);
    assert_eq!(receipt(&results[2]), receipt(&results[3]), "sent twice, stored once");
    assert_eq!(app.export().len(), 2);
}

#[tokio::test]
async fn concurrent_identical_batches_store_each_submission_once() {
    let app = spawn_staff_app().await;
    let requests: Vec<_> = (0..20).map(|_| submission(complaint())).collect();

    let (a, b, c) = tokio::join!(app.batch(&requests), app.batch(&requests), app.batch(&requests));

    for i in 0..requests.len() {
        let mut statuses = [a[i].status(), b[i].status(), c[i].status()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 200, 201]);
        assert_eq!(receipt(&a[i]), receipt(&b[i]));
        assert_eq!(receipt(&a[i]), receipt(&c[i]));
    }
    assert_eq!(app.export().len(), 20);
}

#[tokio::test]
async fn a_malformed_item_is_refused_alone() {
    let app = spawn_staff_app().await;
    let good = submission(complaint());
    let id = uuid::Uuid::new_v4();
    let body = json!({ "submissions": [
        { "id": "not-a-uuid", "form": { "id": "complaint", "version": 2 }, "answers": {} },
        { "id": id, "answers": {} },
        good,
        { "id": uuid::Uuid::new_v4(), "form": { "id": "petition", "version": 1 }, "answers": {} },
    ]});

    let response =
        app.post_raw_to("/api/v1/submissions/batch", body.to_string(), "application/json").await;

    assert_eq!(response.status(), StatusCode::OK);
    let results = response.json::<BatchResponse>().await.unwrap().results;
    let BatchOutcome::Refused { id: none, status: 400, problem: malformed } = &results[0] else {
        panic!("{:?}", results[0])
    };
    assert_eq!((*none, malformed.code), (None, ProblemCode::MalformedRequest));
    assert!(malformed.detail.is_some());
    let BatchOutcome::Refused { id: named, status: 400, .. } = &results[1] else { panic!() };
    assert_eq!(*named, Some(id), "the id is named when it could be read");
    assert_eq!(results[2].status(), 201);
    assert_eq!(refusal(&results[3]).code, ProblemCode::UnknownForm);
    assert_eq!(app.export().len(), 1);
}

#[tokio::test]
async fn a_batch_of_more_than_100_is_refused_as_malformed() {
    let app = spawn_staff_app().await;
    let requests: Vec<_> = (0..=MAX_BATCH_ITEMS).map(|_| submission(complaint())).collect();

    let response = app.post_batch(&requests).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::MalformedRequest);
    assert!(problem.detail.unwrap().contains("100"));
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_a_batch_is_refused_with_a_problem() {
    let app = spawn_staff_app().await;
    let path = "/api/v1/submissions/batch";

    let broken = app.post_raw_to(path, r#"{"submissions": ["#, "application/json").await;
    let array = app.post_raw_to(path, "[]", "application/json").await;
    let text = app.post_raw_to(path, r#"{"submissions": []}"#, "text/plain").await;
    let empty = app.post_raw_to(path, r#"{"submissions": []}"#, "application/json").await;

    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(broken).await.code, ProblemCode::MalformedRequest);
    assert_eq!(problem(array).await.code, ProblemCode::MalformedRequest);
    assert_eq!(problem(text).await.code, ProblemCode::UnsupportedMediaType);
    assert_eq!(empty.status(), StatusCode::OK);
    assert!(empty.json::<BatchResponse>().await.unwrap().results.is_empty());
}

#[tokio::test]
async fn a_batch_over_2_mib_is_refused_as_too_large() {
    let app = spawn_staff_app().await;
    let body = json!({ "submissions": [submission(complaint())], "padding": "a".repeat(3 << 20) });

    let response =
        app.post_raw_to("/api/v1/submissions/batch", body.to_string(), "application/json").await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(response).await.code, ProblemCode::BodyTooLarge);
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn a_batch_item_is_stored_with_everything_a_lone_submission_stores() {
    use adal_core::api::SubmissionRequest;
    use adal_core::receipt::{EventKind, ReceiptSecret};

    use crate::attachments::photo_bytes;
    use crate::helpers::{monitoring_clinic, submission_of};

    let app = spawn_staff_app().await;
    let secret = ReceiptSecret::parse(&uuid::Uuid::new_v4().simple().to_string()).unwrap();
    let photo = app.upload(&photo_bytes(1000, 7)).await;
    let never_uploaded = adal_core::AttachmentRef { id: uuid::Uuid::new_v4(), ..photo.clone() };
    let clinic = |photo: &adal_core::AttachmentRef| SubmissionRequest {
        attachments: vec![photo.clone()],
        receipt_secret: Some(secret.clone()),
        ..submission_of(
            "monitoring_clinic",
            with(monitoring_clinic(), json!({ "photos": [photo] })),
        )
    };
    let with_photo = clinic(&photo);
    let incomplete = clinic(&never_uploaded);
    let unlisted = SubmissionRequest { attachments: vec![], ..clinic(&photo) };
    let anonymous = SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission(with(complaint(), json!({ "anonymous": true, "name": null, "phone": null })))
    };

    let results = app.batch(&[with_photo.clone(), incomplete, unlisted, anonymous]).await;
    let another_secret = SubmissionRequest { receipt_secret: None, ..with_photo.clone() };
    let resends = app.batch(&[with_photo.clone(), another_secret]).await;

    assert_eq!(results.iter().map(BatchOutcome::status).collect::<Vec<_>>(), [201, 409, 422, 201]);
    assert_eq!(refusal(&results[1]).code, ProblemCode::AttachmentsIncomplete);
    assert_eq!(refusal(&results[2]).code, ProblemCode::ValidationFailed);
    assert_eq!(resends.iter().map(BatchOutcome::status).collect::<Vec<_>>(), [200, 409]);
    assert_eq!(receipt(&resends[0]), receipt(&results[0]));
    let stored = app.export();
    assert_eq!(stored.len(), 2);
    let row = stored.iter().find(|s| s.id == with_photo.id).unwrap();
    assert_eq!(row.attachments, vec![photo], "the attachment is linked");
    // The receipt secret's hash and the `received` event: the status opens with the secret.
    for (outcome, anonymous) in [(&results[0], false), (&results[3], true)] {
        let status = app.status(&receipt(outcome).tracking, &secret).await;
        assert_eq!(status.anonymous, anonymous);
        assert_eq!(status.timeline.len(), 1);
        assert_eq!(status.timeline[0].kind, EventKind::Received);
    }
}

/// Security review, finding 3: every item of a batch got the same time and the next
/// number, so an anonymous complaint sent beside a named request from one phone was tied
/// to that name in the staff list. Now it is numbered in the anonymous register and
/// filed at the start of its hour.
#[tokio::test]
async fn an_anonymous_complaint_sent_beside_named_items_shares_neither_their_time_nor_their_numbers()
 {
    let app = spawn_staff_app().await;
    let named_request = crate::helpers::submission_of(
        "mediation_request",
        with(crate::helpers::mediation_request(), json!({ "district": "URA" })),
    );
    let anonymous = submission(with(complaint(), json!({ "anonymous": true })));
    let named_complaint = submission(complaint());

    let results = app.batch(&[named_request, anonymous.clone(), named_complaint]).await;

    let [first, hidden, last] = [0, 1, 2].map(|i| receipt(&results[i]).clone());
    let number = |r: &adal_core::api::Receipt| r.tracking.parse::<TrackingNumber>().unwrap();
    assert_eq!((number(&first).series, number(&first).sequence), (Series::Named, 1));
    assert_eq!((number(&last).series, number(&last).sequence), (Series::Named, 2));
    assert_eq!((number(&hidden).series, number(&hidden).sequence), (Series::Anonymous, 1));
    assert!(hidden.tracking.contains("-A00001"), "{}", hidden.tracking);
    assert_eq!(first.received_at, last.received_at);
    assert_ne!(hidden.received_at, first.received_at);
    assert_eq!((hidden.received_at.minute(), hidden.received_at.second()), (0, 0));
    assert_eq!(hidden.received_at.nanosecond(), 0);

    // What staff see is what the receipts say; a resend gets the same receipt.
    let page: adal_core::api::SubmissionPage =
        app.staff_get("/api/v1/staff/submissions?district=URA").await.json().await.unwrap();
    let listed = page.submissions.iter().find(|s| s.tracking == hidden.tracking).unwrap();
    assert_eq!(listed.received_at, hidden.received_at);
    let again = app.batch(&[anonymous]).await;
    assert_eq!(receipt(&again[0]), &hidden);
}

#[tokio::test]
async fn a_batch_item_over_the_single_submission_limit_is_refused_alone_and_not_stored() {
    let app = spawn_staff_app().await;
    let good = submission(complaint());
    // Keys the form does not know are dropped, not refused: once, a 1 MiB item was stored.
    let huge = submission(with(complaint(), json!({ "padding": "a".repeat(1 << 20) })));
    let near_the_limit = submission(with(complaint(), json!({ "padding": "a".repeat(60_000) })));

    let results = app.batch(&[good.clone(), huge.clone(), near_the_limit.clone()]).await;

    assert_eq!(results.iter().map(BatchOutcome::status).collect::<Vec<_>>(), [201, 413, 201]);
    let BatchOutcome::Refused { id, problem, .. } = &results[1] else { panic!() };
    assert_eq!(*id, Some(huge.id), "the refusal names the item");
    assert_eq!(problem.code, ProblemCode::BodyTooLarge);
    let stored: Vec<_> = app.export().into_iter().map(|s| s.id).collect();
    assert_eq!(stored.len(), 2);
    assert!(!stored.contains(&huge.id));
}

#[tokio::test]
async fn an_item_of_thousands_of_group_entries_gets_a_small_answer_that_says_it_was_cut() {
    let app = spawn_staff_app().await;
    // Every entry would be refused three times over (name too short, no phone, no address).
    let entries = |n| json!({ "parties": vec![json!({ "name": "x", "reach_by": "both" }); n] });
    let of = |n| submission_of("mediation_request", with(mediation_request(), entries(n)));
    // About 2 MB, the whole batch; and just under the item limit of 64 KiB.
    let (two_mb, under_the_limit) = (of(60_000), of(1_900));

    let response = app.post_batch_in("en", &[two_mb, under_the_limit]).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body = response.bytes().await.unwrap();
    assert!(body.len() < 16 * 1024, "an answer of {} bytes", body.len());
    let results = serde_json::from_slice::<BatchResponse>(&body).unwrap().results;
    assert_eq!(refusal(&results[0]).code, ProblemCode::BodyTooLarge);
    let refused = refusal(&results[1]);
    assert_eq!(refused.code, ProblemCode::ValidationFailed);
    // One error for the group, then those of its first five entries; none past them.
    let group = &refused.errors[0];
    assert_eq!((group.field.as_str(), group.code), ("parties", ErrorCode::TooManyItems { max: 5 }));
    assert_eq!(group.message, "No more than 5, please.");
    let entries: Vec<_> = refused.errors[1..].iter().map(|e| e.field.as_str()).collect();
    assert_eq!(entries.len(), 5 * 3, "{entries:?}");
    assert!(entries.iter().all(|f| ('0'..='4').any(|i| f.starts_with(&format!("parties.{i}.")))));
    assert!(app.export().is_empty());
}
