use adal_core::ErrorCode;
use adal_core::api::{ProblemCode, Receipt, SubmissionRequest};
use adal_core::form::Answers;
use adal_core::receipt::{
    EventKind, IdentityRequest, RECEIPT_SECRET_HEADER, ReceiptSecret, SubmissionStatus,
};
use reqwest::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_LANGUAGE};
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{
    TestApp, complaint, monitoring_school, problem, spawn_app, spawn_app_with, submission,
    submission_of, tiny_rate_limit, with,
};

/// A fresh secret as a device makes it: 32 random bytes, hex.
pub(crate) fn secret() -> ReceiptSecret {
    let hex = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    ReceiptSecret::parse(&hex).unwrap()
}

pub(crate) fn with_secret(answers: Answers, secret: &ReceiptSecret) -> SubmissionRequest {
    SubmissionRequest { receipt_secret: Some(secret.clone()), ..submission(answers) }
}

/// The complaint sent anonymously: the box ticked, no name and no phone.
pub(crate) fn anonymous() -> Answers {
    with(complaint(), json!({ "anonymous": true, "name": null, "phone": null }))
}

impl TestApp {
    pub async fn status_with(&self, tracking: &str, secret: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(&format!("/api/v1/submissions/{tracking}")));
        if let Some(secret) = secret {
            request = request.header(RECEIPT_SECRET_HEADER, secret);
        }
        request.send().await.unwrap()
    }

    pub async fn status(&self, tracking: &str, secret: &ReceiptSecret) -> SubmissionStatus {
        let response = self.status_with(tracking, Some(secret.expose())).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
        response.json().await.unwrap()
    }

    pub async fn add_identity(
        &self,
        lang: &str,
        tracking: &str,
        secret: &ReceiptSecret,
        identity: &IdentityRequest,
    ) -> Response {
        self.client
            .post(self.url(&format!("/api/v1/submissions/{tracking}/identity")))
            .header(RECEIPT_SECRET_HEADER, secret.expose())
            .header(ACCEPT_LANGUAGE, lang)
            .json(identity)
            .send()
            .await
            .unwrap()
    }
}

pub(crate) fn identity() -> IdentityRequest {
    IdentityRequest {
        name: "Aigerim S.".into(),
        phone: "8 701 234 56 78".into(),
        ..IdentityRequest::default()
    }
}

#[tokio::test]
async fn the_receipt_secret_opens_a_status_that_starts_with_received() {
    let app = spawn_app().await;
    let secret = secret();
    let receipt = app.submit(&with_secret(anonymous(), &secret)).await;

    let status = app.status(&receipt.tracking.to_lowercase(), &secret).await;

    assert_eq!(status.tracking, receipt.tracking);
    assert_eq!(status.received_at, receipt.received_at);
    assert!(status.anonymous);
    assert_eq!(status.timeline.len(), 1);
    assert_eq!(status.timeline[0].kind, EventKind::Received);
    assert_eq!(status.timeline[0].at, receipt.received_at);
    assert_eq!(status.public_answer, None);
}

#[tokio::test]
async fn a_wrong_or_missing_secret_and_an_unknown_tracking_number_get_the_same_404() {
    let app = spawn_app().await;
    let secret = secret();
    let receipt = app.submit(&with_secret(complaint(), &secret)).await;
    let without_secret = app.submit(&submission(complaint())).await;
    let unknown = receipt.tracking.replace("-0000", "-9999");

    let answers = [
        app.status_with(&receipt.tracking, Some(self::secret().expose())).await,
        app.status_with(&receipt.tracking, None).await,
        app.status_with(&receipt.tracking, Some("short")).await,
        app.status_with(&unknown, Some(secret.expose())).await,
        app.status_with("not-a-tracking-number", Some(secret.expose())).await,
        // Sent without a secret: nobody can open it, whatever they present.
        app.status_with(&without_secret.tracking, Some(secret.expose())).await,
    ];

    let mut bodies = Vec::new();
    for response in answers {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let problem: adal_core::api::Problem = response.json().await.unwrap();
        // Each names its own request, and nothing else tells them apart.
        assert!(problem.request_id.is_some());
        bodies.push(adal_core::api::Problem { request_id: None, ..problem });
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(bodies[0].code, ProblemCode::NotFound);
}

#[tokio::test]
async fn an_event_recorded_through_the_library_shows_on_the_timeline_with_the_public_answer() {
    let app = spawn_app().await;
    let secret = secret();
    let receipt = app.submit(&with_secret(complaint(), &secret)).await;
    let data = &app.location();

    adal_server::record_event(data, &receipt.tracking, EventKind::Registered, None).unwrap();
    let answered = adal_server::record_event(
        data,
        &receipt.tracking,
        EventKind::Answered,
        Some("  The school returned the money.  "),
    )
    .unwrap();

    let status = app.status(&receipt.tracking, &secret).await;
    let kinds: Vec<_> = status.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::Received, EventKind::Registered, EventKind::Answered]);
    assert_eq!(status.timeline[2], answered);
    assert_eq!(status.public_answer.as_deref(), Some("The school returned the money."));
    assert!(!status.anonymous);
}

#[tokio::test]
async fn the_library_refuses_events_the_server_writes_and_unknown_tracking_numbers() {
    let app = spawn_app().await;
    let receipt = app.submit(&submission(complaint())).await;
    let data = &app.location();

    assert!(adal_server::record_event(data, &receipt.tracking, EventKind::Received, None).is_err());
    assert!(
        adal_server::record_event(data, &receipt.tracking, EventKind::IdentityAdded, None).is_err()
    );
    let unknown = receipt.tracking.replace("-0000", "-9999");
    assert!(adal_server::record_event(data, &unknown, EventKind::Closed, None).is_err());
    assert!(adal_server::record_event(data, "nonsense", EventKind::Closed, None).is_err());
}

#[tokio::test]
async fn an_identity_can_be_added_to_an_anonymous_complaint() {
    let app = spawn_app().await;
    let secret = secret();
    let receipt = app.submit(&with_secret(anonymous(), &secret)).await;

    let response = app.add_identity("en", &receipt.tracking, &secret, &identity()).await;

    assert_eq!(response.status(), StatusCode::OK);
    let status: SubmissionStatus = response.json().await.unwrap();
    assert!(!status.anonymous);
    assert_eq!(status.timeline.last().unwrap().kind, EventKind::IdentityAdded);
    assert_eq!(app.status(&receipt.tracking, &secret).await, status);
    let stored = &app.export()[0];
    let added = stored.identity.as_ref().unwrap();
    assert_eq!(added.name, "Aigerim S.");
    assert_eq!(added.phone.as_str(), "+77012345678");
    assert_eq!(stored.answers["anonymous"], true, "the answers are left as they were sent");

    // A resend of the same identity (the first answer was lost) answers the same;
    // another identity is refused.
    let resent = app.add_identity("en", &receipt.tracking, &secret, &identity()).await;
    assert_eq!(resent.status(), StatusCode::OK);
    assert_eq!(resent.json::<SubmissionStatus>().await.unwrap(), status);
    let other = IdentityRequest { name: "Someone Else".into(), ..identity() };
    let refused = app.add_identity("en", &receipt.tracking, &secret, &other).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(problem(refused).await.code, ProblemCode::NotAnonymous);
}

#[tokio::test]
async fn adding_an_identity_to_a_named_complaint_is_refused_as_not_anonymous() {
    // A formal appeal already: nothing is left to add (one without the IIN and address
    // takes them, see `law`).
    let app = spawn_app().await;
    let secret = secret();
    let formal = json!({ "iin": "900101300007", "postal_address": "090000, Uralsk, Dostyk 12-5" });
    let receipt = app.submit(&with_secret(with(complaint(), formal), &secret)).await;

    let response = app.add_identity("ru", &receipt.tracking, &secret, &identity()).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::NotAnonymous);
    assert_eq!(problem.title, ProblemCode::NotAnonymous.title(adal_core::Lang::Ru));
}

#[tokio::test]
async fn a_submission_of_a_form_without_an_anonymous_box_is_never_anonymous() {
    let app = spawn_app().await;
    let secret = secret();
    // An `anonymous` key the form does not have is dropped, not believed.
    let answers = with(monitoring_school(), json!({ "anonymous": true }));
    let request = SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission_of("monitoring_school", answers)
    };
    let receipt = app.submit(&request).await;

    let status = app.status(&receipt.tracking, &secret).await;
    let response = app.add_identity("en", &receipt.tracking, &secret, &identity()).await;

    assert!(!status.anonymous);
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(problem(response).await.code, ProblemCode::NotAnonymous);
    assert!(app.export()[0].answers.get("anonymous").is_none());
}

#[tokio::test]
async fn an_invalid_identity_is_refused_with_messages_in_the_requested_language() {
    let app = spawn_app().await;
    let secret = secret();
    let receipt = app.submit(&with_secret(anonymous(), &secret)).await;
    let invalid =
        IdentityRequest { name: " ".into(), phone: "12345".into(), ..IdentityRequest::default() };

    let response = app.add_identity("kk", &receipt.tracking, &secret, &invalid).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.headers()[CONTENT_LANGUAGE], "kk");
    let problem = problem(response).await;
    let errors = problem.field_errors();
    assert_eq!(errors.get("name"), Some(ErrorCode::Required));
    assert_eq!(errors.get("phone"), Some(ErrorCode::InvalidPhone));
    assert_eq!(problem.errors[0].message, "Бұл өрісті толтырыңыз.");
    assert!(app.status(&receipt.tracking, &secret).await.anonymous);
}

#[tokio::test]
async fn adding_an_identity_needs_the_secret() {
    let app = spawn_app().await;
    let receipt = app.submit(&with_secret(anonymous(), &secret())).await;

    let response = app.add_identity("en", &receipt.tracking, &secret(), &identity()).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(app.export()[0].identity.is_none());
}

#[tokio::test]
async fn a_resend_must_carry_the_secret_of_the_first_send() {
    let app = spawn_app().await;
    let secret = secret();
    let request = with_secret(complaint(), &secret);
    let first = app.submit(&request).await;

    let same = app.post_submission(&request).await;
    let other = app
        .post_submission(&SubmissionRequest {
            receipt_secret: Some(self::secret()),
            ..request.clone()
        })
        .await;
    let none =
        app.post_submission(&SubmissionRequest { receipt_secret: None, ..request.clone() }).await;

    assert_eq!(same.status(), StatusCode::OK);
    assert_eq!(same.json::<Receipt>().await.unwrap(), first);
    for response in [other, none] {
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(problem(response).await.code, ProblemCode::ConflictingResubmission);
    }
    assert_eq!(app.status(&first.tracking, &secret).await.tracking, first.tracking);
}

#[tokio::test]
async fn a_malformed_secret_in_a_submission_is_refused() {
    let app = spawn_app().await;
    let mut json = serde_json::to_value(submission(complaint())).unwrap();
    json["receipt_secret"] = "too-short".into();

    let response = app.post_raw(json.to_string(), "application/json").await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(response).await.code, ProblemCode::MalformedRequest);
}

#[tokio::test]
async fn the_secret_is_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let secret = secret();
    let receipt = app.submit(&with_secret(anonymous(), &secret)).await;
    app.status(&receipt.tracking, &secret).await;
    app.add_identity("en", &receipt.tracking, &secret, &identity()).await;

    if crate::helpers::on_postgres() {
        let rows = app.postgres_rows();
        assert!(rows.iter().all(|row| !row.contains(secret.expose())), "a row holds the secret");
        assert!(rows.len() > 10, "every table was read");
        return;
    }
    let mut files = vec![app.data_dir.path().to_owned()];
    let mut scanned = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let found = bytes.windows(secret.expose().len()).any(|w| w == secret.expose().as_bytes());
        assert!(!found, "the secret is in {}", path.display());
        scanned += 1;
    }
    assert!(scanned >= 2, "the database and its log were scanned");
}

#[tokio::test]
async fn status_lookups_are_rate_limited() {
    let app = spawn_app_with(tiny_rate_limit(2)).await;

    for _ in 0..2 {
        app.status_with("URA-2026-00001", None).await;
    }
    let third = app.status_with("URA-2026-00001", None).await;

    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
}
