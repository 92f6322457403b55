use adal_core::api::{FormRef, ProblemCode, Receipt, SubmissionRequest};
use adal_core::{ErrorCode, TrackingNumber};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LANGUAGE, RETRY_AFTER};
use serde_json::json;

use crate::attachments::photo_bytes;
use crate::helpers::{
    complaint, mediation_request, monitoring_clinic, monitoring_school, problem, spawn_app,
    spawn_app_with, spawn_staff_app, submission, submission_of, submission_of_version,
    tiny_rate_limit, with,
};

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
    let elsewhere = app.submit(&submission(with(complaint(), json!({ "district": "TER" })))).await;

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
    retyped.answers.insert("institution".into(), json!("  School No. 12  "));
    retyped.answers.insert("phone".into(), json!("8 (701) 234-56-78"));

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
    changed
        .answers
        .insert("description".into(), json!("A different story about another school entirely."));

    let response = app.post_submission_in("en", &changed).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::ConflictingResubmission);
    assert_eq!(problem.title, ProblemCode::ConflictingResubmission.title(adal_core::Lang::En));
    let stored = app.export();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].tracking, first.tracking);
    assert_eq!(stored[0].answers["description"], request.answers["description"]);
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
    let request = submission(with(
        complaint(),
        json!({ "description": "Short", "phone": "12345", "category": "" }),
    ));

    let kazakh = app.post_submission_in("kk-KZ, ru;q=0.5", &request).await;
    let english = app.post_submission_in("en", &request).await;
    let russian = app.post_submission(&request).await;

    assert_eq!(kazakh.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kazakh.headers()[CONTENT_LANGUAGE], "kk");
    let kazakh = problem(kazakh).await;
    assert_eq!(kazakh.code, ProblemCode::ValidationFailed);
    let errors = kazakh.field_errors();
    assert_eq!(errors.get("category"), Some(ErrorCode::Required));
    assert_eq!(errors.get("description"), Some(ErrorCode::TooShort { min: 10 }));
    assert_eq!(errors.get("phone"), Some(ErrorCode::InvalidPhone));
    assert_eq!(errors.0.len(), 3);
    let required = |p: &adal_core::api::Problem| {
        p.errors.iter().find(|e| e.field == "category").unwrap().message.clone()
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
    request.form = FormRef::new("complaint", 99);

    let response = app.post_submission(&request).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.code, ProblemCode::UnknownForm);
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_as_too_large() {
    let app = spawn_app().await;
    // Two bytes each: 80 KB.
    let request = submission(with(complaint(), json!({ "description": "ә".repeat(40_000) })));

    let response = app.post_submission(&request).await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(response).await.code, ProblemCode::BodyTooLarge);
}

#[tokio::test]
async fn a_long_kazakh_description_within_limits_is_accepted() {
    let app = spawn_app().await;
    let request = submission(with(complaint(), json!({ "description": "ә".repeat(4000) })));

    app.submit(&request).await;
}

#[tokio::test]
async fn an_anonymous_complaint_never_stores_the_name_or_phone_typed_before_ticking_anonymous() {
    let app = spawn_app().await;
    let request = submission(with(complaint(), json!({ "anonymous": true })));
    assert_eq!(request.answers["name"], "Aigerim S.", "typed, then hidden");

    let receipt = app.submit(&request).await;

    let stored = app.export();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, request.id);
    assert_eq!(stored[0].tracking, receipt.tracking);
    assert_eq!(stored[0].received_at, receipt.received_at);
    assert_eq!(stored[0].form, request.form);
    assert_eq!(stored[0].answers["anonymous"], true);
    assert_eq!(stored[0].answers.get("name"), None);
    assert_eq!(stored[0].answers.get("phone"), None);
    let line = serde_json::to_string(&stored[0]).unwrap();
    assert!(!line.contains("Aigerim") && !line.contains("2345678"), "{line}");
}

#[tokio::test]
async fn stored_answers_are_the_normalised_ones() {
    let app = spawn_app().await;
    let request = submission(with(
        complaint(),
        json!({ "institution": "  School No. 12 ", "phone": "8 701 234 56 78" }),
    ));

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
    let count = adal_server::export(app.location(), &mut out).unwrap();

    assert_eq!(count, 2);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], first.id.to_string());
    assert_eq!(lines[0]["tracking"], first.tracking);
    assert_eq!(lines[1]["tracking"], second.tracking);
    assert_eq!(lines[0]["form"], json!({ "id": "complaint", "version": 3 }));
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
    let json = serde_json::to_string(&submission(with(
        complaint(),
        json!({ "description": "a".repeat(80_000) }),
    )))
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

#[tokio::test]
async fn every_form_of_the_catalogue_is_accepted_in_its_current_version() {
    let app = spawn_app().await;
    // The clinic checklist's photo is uploaded first and listed, as a device does.
    let photo = app.upload(&photo_bytes(1000, 1)).await;
    let clinic = with(monitoring_clinic(), json!({ "photos": [photo] }));
    let filled = [
        ("complaint", complaint(), vec![]),
        ("mediation_request", mediation_request(), vec![]),
        ("monitoring_school", monitoring_school(), vec![]),
        ("monitoring_clinic", clinic, vec![photo.clone()]),
    ];
    assert_eq!(
        filled.len(),
        adal_core::form::catalogue()
            .iter()
            .filter(|f| adal_core::form::current(&f.id) == Some(*f))
            .count(),
        "a filled example for every form"
    );

    for (form, answers, attachments) in filled {
        let request = SubmissionRequest { attachments, ..submission_of(form, answers) };
        let receipt = app.submit(&request).await;
        let district = request.answers["district"].as_str().unwrap();
        assert!(receipt.tracking.starts_with(district), "{form}: {}", receipt.tracking);
    }

    let stored = app.export();
    assert_eq!(stored.len(), 4);
    let school = stored.iter().find(|s| s.form.id == "monitoring_school").unwrap();
    assert_eq!(school.answers["amount"], 3000, "normalised before storing");
    let mediation = stored.iter().find(|s| s.form.id == "mediation_request").unwrap();
    assert_eq!(mediation.answers["parties"][0]["phone"], "+77051112233");
    let clinic = stored.iter().find(|s| s.form.id == "monitoring_clinic").unwrap();
    assert_eq!(clinic.answers["photos"], json!([photo]));
    assert_eq!(clinic.attachments, [photo]);
}

#[tokio::test]
async fn a_complaint_of_the_previous_version_is_still_accepted() {
    let app = spawn_app().await;
    let request = submission_of_version("complaint", 1, complaint());

    let receipt = app.submit(&request).await;

    let stored = app.export();
    assert_eq!(stored[0].tracking, receipt.tracking);
    assert_eq!(stored[0].form, FormRef::new("complaint", 1));
}

#[tokio::test]
async fn a_previous_version_is_held_to_its_own_rules() {
    let app = spawn_app().await;
    let police = with(complaint(), json!({ "category": "police" }));

    let old =
        app.post_submission_in("en", &submission_of_version("complaint", 1, police.clone())).await;
    let current = app.post_submission(&submission(police)).await;

    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(old).await.field_errors().get("category"), Some(ErrorCode::UnknownChoice));
    assert_eq!(current.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_unknown_form_is_refused_as_unknown_form() {
    let app = spawn_app().await;

    let response = app.post_submission(&submission_of_version("petition", 1, complaint())).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.code, ProblemCode::UnknownForm);
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn a_mediation_request_naming_a_state_body_is_refused_with_advice_in_the_persons_language() {
    let app = spawn_app().await;
    let request = submission_of(
        "mediation_request",
        with(mediation_request(), json!({ "other_party_state_body": true })),
    );

    let kazakh = app.post_submission_in("kk", &request).await;
    let english = app.post_submission_in("en-GB", &request).await;

    assert_eq!(kazakh.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kazakh.headers()[CONTENT_LANGUAGE], "kk");
    let kazakh = problem(kazakh).await;
    assert_eq!(kazakh.code, ProblemCode::ValidationFailed);
    assert_eq!(kazakh.errors.len(), 1);
    let error = &kazakh.errors[0];
    assert_eq!(error.field, "other_party_state_body");
    assert_eq!(error.code, ErrorCode::MediationWithStateBody);
    assert_eq!(error.message, ErrorCode::MediationWithStateBody.message(adal_core::Lang::Kk));
    let english = problem(english).await;
    assert!(english.errors[0].message.contains("file a complaint instead"), "{:?}", english.errors);
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn errors_inside_a_repeating_group_name_the_item_and_the_field() {
    let app = spawn_app().await;
    let parties = json!([
        { "name": "Bolat K.", "reach_by": "phone", "phone": "+7 705 111 22 33" },
        { "name": "Dana M.", "reach_by": "phone", "phone": "12345" },
    ]);
    let request = submission_of(
        "mediation_request",
        with(mediation_request(), json!({ "parties": parties })),
    );

    let response = app.post_submission_in("en", &request).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = problem(response).await.field_errors();
    assert_eq!(errors.get("parties.1.phone"), Some(ErrorCode::InvalidPhone));
    assert_eq!(errors.0.len(), 1);
}

#[tokio::test]
async fn answers_missing_altogether_get_field_errors_not_a_refusal() {
    let app = spawn_app().await;
    let body = format!(
        r#"{{"id":"{}","form":{{"id":"monitoring_clinic","version":1}}}}"#,
        uuid::Uuid::new_v4()
    );

    let response = app.post_raw(body, "application/json").await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = problem(response).await.field_errors();
    assert_eq!(errors.get("district"), Some(ErrorCode::Required));
    assert_eq!(errors.get("queue_length"), Some(ErrorCode::Required));
}

#[tokio::test]
async fn many_concurrent_distinct_submissions_get_contiguous_unique_tracking_numbers() {
    let app = spawn_staff_app().await;
    let districts = ["URA", "TER", "BUR"];
    let requests: Vec<_> = (0..150)
        .map(|i| submission(with(complaint(), json!({ "district": districts[i % 3] }))))
        .collect();

    // All in flight at once, so that the writer commits them in groups.
    let receipts = futures_util::future::join_all(requests.iter().map(|r| app.submit(r))).await;

    let year = receipts[0].received_at.year();
    for district in districts {
        let mut sequences: Vec<u32> = receipts
            .iter()
            .map(|r| r.tracking.parse::<TrackingNumber>().unwrap())
            .filter(|t| t.district.code() == district)
            .inspect(|t| assert_eq!(t.year, year))
            .map(|t| t.sequence)
            .collect();
        sequences.sort_unstable();
        assert_eq!(sequences, (1..=50).collect::<Vec<_>>(), "{district}: no gap, no repeat");
    }
    let stored = app.export();
    assert_eq!(stored.len(), 150);
    for (request, receipt) in requests.iter().zip(&receipts) {
        assert_eq!(receipt.id, request.id);
        let row = stored.iter().find(|s| s.id == request.id).unwrap();
        assert_eq!(row.tracking, receipt.tracking, "each answer names its own row");
    }
}

#[tokio::test]
async fn concurrent_resends_mixed_with_other_submissions_still_get_one_row() {
    let app = spawn_staff_app().await;
    let resent = submission(complaint());
    let others: Vec<_> = (0..40).map(|_| submission(complaint())).collect();

    let resends = futures_util::future::join_all((0..10).map(|_| app.post_submission(&resent)));
    let fresh = futures_util::future::join_all(others.iter().map(|r| app.submit(r)));
    let (resends, _) = tokio::join!(resends, fresh);

    let mut created = 0;
    let mut receipts = Vec::new();
    for response in resends {
        match response.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
        receipts.push(response.json::<Receipt>().await.unwrap());
    }
    assert_eq!(created, 1);
    assert!(receipts.iter().all(|r| *r == receipts[0]));
    assert_eq!(app.export().len(), 41);
    let mut numbers: Vec<_> = app.export().into_iter().map(|s| s.tracking).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 41);
}

#[tokio::test]
async fn text_of_invisible_characters_is_no_answer_and_escapes_and_overrides_are_not_stored() {
    let app = spawn_app().await;
    // The security review's cases: ten U+0000 as a description, two zero-width spaces as
    // a required name.
    let invisible = submission(with(
        complaint(),
        json!({ "description": "\u{0}".repeat(10), "name": "\u{200b}\u{200b}" }),
    ));
    // ANSI escapes and a right-to-left override around words that are there; a letter
    // typed as two code points.
    let dressed = submission(with(
        complaint(),
        json!({
            "institution": "\u{1b}[31mSchool\u{1b}[0m No. 12\u{202e}",
            "name": "Ақжаи\u{306}ық\u{200b} S.",
            "description": "Parents were asked\u{7} for 5000 tenge\r\nfor new \u{2066}curtains.",
        }),
    ));

    let refused = app.post_submission_in("en", &invisible).await;
    let stored = app.post_submission(&dressed).await;

    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = problem(refused).await.field_errors();
    assert_eq!(errors.get("description"), Some(ErrorCode::Required));
    assert_eq!(errors.get("name"), Some(ErrorCode::Required));
    assert_eq!(stored.status(), StatusCode::CREATED);
    let rows = app.export();
    assert_eq!(rows.len(), 1);
    let answers = &rows[0].answers;
    assert_eq!(answers["institution"], "School No. 12");
    assert_eq!(answers["name"], "Ақжайық S.", "composed (NFC), the zero-width space gone");
    assert_eq!(answers["description"], "Parents were asked for 5000 tenge\nfor new curtains.");
}
