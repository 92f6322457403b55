use adal_core::api::{FormRef, ProblemCode, Receipt};
use adal_core::{ComplaintAnswers, ErrorCode, Field, TrackingNumber};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LANGUAGE, RETRY_AFTER};

use crate::helpers::{complaint, problem, spawn_app, spawn_app_with, submission, tiny_rate_limit};

#[tokio::test]
async fn a_valid_complaint_is_accepted_with_a_tracking_number_for_its_district_and_year() {
    let app = spawn_app().await;
    let request = submission(complaint());

    let response = app.post_submission(&request).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Receipt = response.json().await.unwrap();
    assert_eq!(receipt.id, request.id);
    let year = receipt.received_at.year();
    assert_eq!(receipt.tracking, format!("URA-{year}-00001"));
    let parsed: TrackingNumber = receipt.tracking.parse().unwrap();
    assert_eq!(parsed.sequence, 1);
}

#[tokio::test]
async fn each_district_numbers_its_submissions_from_one() {
    let app = spawn_app().await;

    let first = app.submit(&submission(complaint())).await;
    let second = app.submit(&submission(complaint())).await;
    let elsewhere =
        app.submit(&submission(ComplaintAnswers { district: "TER".into(), ..complaint() })).await;

    let year = first.received_at.year();
    assert_eq!(first.tracking, format!("URA-{year}-00001"));
    assert_eq!(second.tracking, format!("URA-{year}-00002"));
    assert_eq!(elsewhere.tracking, format!("TER-{year}-00001"));
}

#[tokio::test]
async fn resending_the_same_submission_returns_the_same_receipt() {
    let app = spawn_app().await;
    let request = submission(complaint());
    let first = app.submit(&request).await;

    let response = app.post_submission(&request).await;

    assert_eq!(response.status(), StatusCode::OK);
    let again: Receipt = response.json().await.unwrap();
    assert_eq!(again, first, "same tracking number and same received_at");
    assert_eq!(app.export().len(), 1);
}

#[tokio::test]
async fn a_resend_that_differs_only_in_spacing_and_phone_format_is_the_same_submission() {
    let app = spawn_app().await;
    let request = submission(complaint());
    let first = app.submit(&request).await;
    let mut retyped = request.clone();
    retyped.answers.institution = format!("  {}  ", request.answers.institution);
    retyped.answers.phone = "8 (701) 234-56-78".into();

    let response = app.post_submission(&retyped).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Receipt>().await.unwrap(), first);
}

#[tokio::test]
async fn concurrent_resends_of_one_submission_get_one_tracking_number_and_one_row() {
    let app = spawn_app().await;
    let request = submission(complaint());

    let (a, b, c, d) = tokio::join!(
        app.post_submission(&request),
        app.post_submission(&request),
        app.post_submission(&request),
        app.post_submission(&request),
    );

    let mut statuses = Vec::new();
    let mut receipts = Vec::new();
    for response in [a, b, c, d] {
        statuses.push(response.status());
        receipts.push(response.json::<Receipt>().await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::OK, StatusCode::CREATED]);
    assert!(receipts.iter().all(|r| *r == receipts[0]), "{receipts:?}");
    let next = app.submit(&submission(complaint())).await;
    assert!(next.tracking.ends_with("-00002"), "only one number was used: {}", next.tracking);
    assert_eq!(app.export().len(), 2);
}

#[tokio::test]
async fn reusing_an_id_for_different_content_is_refused_as_a_conflict() {
    let app = spawn_app().await;
    let request = submission(complaint());
    let first = app.submit(&request).await;
    let mut changed = request.clone();
    changed.answers.description = "A different story about another school entirely.".into();

    let response = app.post_submission_in("en", &changed).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::ConflictingResubmission);
    assert_eq!(problem.title, ProblemCode::ConflictingResubmission.title(adal_core::Lang::En));
    let stored = app.export();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].tracking, first.tracking);
    assert_eq!(stored[0].answers["description"], request.answers.description.as_str());
}

#[tokio::test]
async fn malformed_json_is_refused_with_a_problem() {
    let app = spawn_app().await;

    let response = app.post_raw(r#"{"id": "#, "application/json").await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(response).await.code, ProblemCode::MalformedRequest);
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_refused_as_malformed() {
    let app = spawn_app().await;
    let body = r#"{"id":"not-a-uuid","form":{"id":"complaint","version":1},"answers":{}}"#;

    let response = app.post_raw(body, "application/json").await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::MalformedRequest);
    assert!(problem.detail.is_some(), "the parser's explanation helps client developers");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_as_unsupported() {
    let app = spawn_app().await;
    let json = serde_json::to_string(&submission(complaint())).unwrap();

    let response = app.post_raw(json, "text/plain").await;

    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(problem(response).await.code, ProblemCode::UnsupportedMediaType);
}

#[tokio::test]
async fn invalid_fields_are_refused_with_messages_in_the_requested_language() {
    let app = spawn_app().await;
    let request = submission(ComplaintAnswers {
        description: "Short".into(),
        phone: "12345".into(),
        category: String::new(),
        ..complaint()
    });

    let kazakh = app.post_submission_in("kk-KZ, ru;q=0.5", &request).await;
    let english = app.post_submission_in("en", &request).await;
    let russian = app.post_submission(&request).await;

    assert_eq!(kazakh.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kazakh.headers()[CONTENT_LANGUAGE], "kk");
    let kazakh = problem(kazakh).await;
    assert_eq!(kazakh.code, ProblemCode::ValidationFailed);
    let errors = kazakh.field_errors();
    assert_eq!(errors.get(Field::Category), Some(ErrorCode::Required));
    assert_eq!(errors.get(Field::Description), Some(ErrorCode::TooShort { min: 10 }));
    assert_eq!(errors.get(Field::Phone), Some(ErrorCode::InvalidPhone));
    assert_eq!(errors.0.len(), 3);
    let required = |p: &adal_core::api::Problem| {
        p.errors.iter().find(|e| e.field == Field::Category).unwrap().message.clone()
    };
    assert_eq!(required(&kazakh), "Бұл өрісті толтырыңыз.");
    assert_eq!(required(&problem(english).await), "Please fill in this field.");
    assert_eq!(required(&problem(russian).await), "Заполните это поле.", "Russian by default");
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn an_unknown_form_version_is_refused_as_unknown_form() {
    let app = spawn_app().await;
    let mut request = submission(complaint());
    request.form = FormRef { version: 99, ..FormRef::complaint() };

    let response = app.post_submission(&request).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.code, ProblemCode::UnknownForm);
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_as_too_large() {
    let app = spawn_app().await;
    let request = submission(ComplaintAnswers {
        description: "ә".repeat(40_000), // two bytes each: 80 KB
        ..complaint()
    });

    let response = app.post_submission(&request).await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(response).await.code, ProblemCode::BodyTooLarge);
}

#[tokio::test]
async fn a_long_kazakh_description_within_limits_is_accepted() {
    let app = spawn_app().await;
    let request = submission(ComplaintAnswers { description: "ә".repeat(4000), ..complaint() });

    app.submit(&request).await;
}

#[tokio::test]
async fn an_anonymous_complaint_is_stored_without_name_or_phone() {
    let app = spawn_app().await;
    let request = submission(ComplaintAnswers { anonymous: true, ..complaint() });

    let receipt = app.submit(&request).await;

    let stored = app.export();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, request.id);
    assert_eq!(stored[0].tracking, receipt.tracking);
    assert_eq!(stored[0].received_at, receipt.received_at);
    assert_eq!(stored[0].form, FormRef::complaint());
    assert_eq!(stored[0].answers["anonymous"], true);
    assert_eq!(stored[0].answers["name"], "");
    assert_eq!(stored[0].answers["phone"], "");
}

#[tokio::test]
async fn stored_answers_are_the_normalised_ones() {
    let app = spawn_app().await;
    let request = submission(ComplaintAnswers {
        institution: "  School No. 12 ".into(),
        phone: "8 701 234 56 78".into(),
        ..complaint()
    });

    app.submit(&request).await;

    let stored = &app.export()[0];
    assert_eq!(stored.answers["institution"], "School No. 12");
    assert_eq!(stored.answers["phone"], "+77012345678");
}

#[tokio::test]
async fn submissions_survive_a_restart() {
    let app = spawn_app().await;
    let request = submission(complaint());
    let first = app.submit(&request).await;

    let app = app.restart().await;

    let response = app.post_submission(&request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Receipt>().await.unwrap(), first);
    let next = app.submit(&submission(complaint())).await;
    assert!(next.tracking.ends_with("-00002"), "the sequence continues: {}", next.tracking);
}

#[tokio::test]
async fn a_client_over_the_rate_limit_gets_a_problem_saying_when_to_retry() {
    let app = spawn_app_with(tiny_rate_limit(2)).await;
    let request = submission(complaint());

    let first = app.post_submission(&request).await;
    let second = app.post_submission(&request).await;
    let third = app.post_submission_in("en", &request).await;

    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key(RETRY_AFTER));
    let problem = problem(third).await;
    assert_eq!(problem.code, ProblemCode::RateLimited);
    assert_eq!(problem.title, ProblemCode::RateLimited.title(adal_core::Lang::En));
}

#[tokio::test]
async fn the_rate_limit_leaves_reading_the_app_alone() {
    let app = spawn_app_with(tiny_rate_limit(1)).await;

    for _ in 0..5 {
        assert_eq!(app.get("/api/v1/health").await.status(), StatusCode::OK);
        assert_eq!(app.get("/").await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn export_prints_one_json_line_per_submission_oldest_first() {
    let app = spawn_app().await;
    let first = app.submit(&submission(complaint())).await;
    let second = app.submit(&submission(complaint())).await;

    let mut out = Vec::new();
    let count = adal_server::export(app.data_dir.path(), &mut out).unwrap();

    assert_eq!(count, 2);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], first.id.to_string());
    assert_eq!(lines[0]["tracking"], first.tracking);
    assert_eq!(lines[1]["tracking"], second.tracking);
    assert_eq!(lines[0]["form"], serde_json::json!({ "id": "complaint", "version": 1 }));
    assert!(lines[0]["received_at"].is_string());
    assert_eq!(lines[0]["answers"]["district"], "URA");
}

#[tokio::test]
async fn export_refuses_a_directory_without_a_database() {
    let empty = tempfile::tempdir().unwrap();

    let result = adal_server::export(empty.path(), Vec::new());

    assert!(result.is_err());
}

#[tokio::test]
async fn a_streamed_body_that_runs_over_64_kib_is_refused_as_too_large() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    // Chunked, so no Content-Length warns the server: the limit must stop the stream.
    let json = serde_json::to_string(&submission(ComplaintAnswers {
        description: "a".repeat(80_000),
        ..complaint()
    }))
    .unwrap();
    let mut request = String::from(
        "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n",
    );
    for chunk in json.as_bytes().chunks(8192) {
        request.push_str(&format!(
            "{:x}\r\n{}\r\n",
            chunk.len(),
            std::str::from_utf8(chunk).unwrap()
        ));
    }
    request.push_str("0\r\n\r\n");

    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        // The server may answer and close before reading everything; that is the point.
        let _ = stream.write_all(request.as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("\"body_too_large\""), "{answer}");
}
