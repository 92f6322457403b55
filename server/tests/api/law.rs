//! What the law wants the person to be told, as the API answers it: the receipt of APC
//! Art. 64 (who accepted it, the day it is registered, the day the answer is due) and
//! what an anonymous bribe report is and is not.

use adal_core::District;
use adal_core::calendar::Calendar;
use adal_core::office::AcceptingBody;
use adal_core::receipt::{IdentityRequest, ReceiptSecret};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    complaint, mediation_request, problem, spawn_app, submission, submission_of, with,
};

fn secret() -> ReceiptSecret {
    let hex = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    ReceiptSecret::parse(&hex).unwrap()
}

#[tokio::test]
async fn a_named_complaints_receipt_names_the_districts_office_and_its_registration_and_answer_days()
 {
    // Arrange
    let app = spawn_app().await;
    let secret = secret();
    let request = adal_core::api::SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission(with(complaint(), json!({ "district": "BUR" })))
    };

    // Act
    let receipt = app.submit(&request).await;
    let resent = app.post_submission(&request).await;
    assert_eq!(resent.status(), StatusCode::OK);
    let resent: adal_core::api::Receipt = resent.json().await.unwrap();
    let status = app.status(&receipt.tracking, &secret).await;

    // Assert: the office of Burlin district, in every language, and the days the law counts.
    let terms = receipt.terms.clone().expect("the receipt says who accepted it and when");
    assert_eq!(terms.accepted_by, AcceptingBody::of(District::Burlin));
    assert_eq!(terms.accepted_by.address.en, "Aksai, 8 Syrym Datov Street");
    let deadlines = Calendar::kazakhstan().deadlines(receipt.received_at);
    assert_eq!(terms.registered_on, deadlines.registered_on);
    assert_eq!(terms.answer_by, Some(deadlines.answer_by));
    assert!(!terms.reports_a_bribe, "no money was asked for");
    assert_eq!(resent.terms, Some(terms.clone()), "a resend is told the same");
    assert_eq!(status.terms, Some(terms), "and so is the status");
}

#[tokio::test]
async fn a_mediation_requests_receipt_names_the_office_but_no_answer_day() {
    let app = spawn_app().await;
    let receipt = app.submit(&submission_of("mediation_request", mediation_request())).await;
    let terms = receipt.terms.unwrap();
    assert_eq!(terms.accepted_by.district, District::Burlin);
    assert_eq!(terms.answer_by, None, "mediation runs on its own clock, not 15 working days");
}

#[tokio::test]
async fn an_anonymous_bribe_report_is_not_put_on_the_answer_clock_even_once_named_and_shows_1424() {
    // Arrange: an anonymous complaint saying 20,000 tenge were asked for.
    let app = spawn_app().await;
    let secret = secret();
    let answers = with(
        complaint(),
        json!({ "anonymous": true, "name": null, "phone": null, "category": "clinic",
                "amount_asked": "20 000" }),
    );
    let request = adal_core::api::SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission(answers)
    };

    // Act
    let receipt = app.submit(&request).await;
    let named = app
        .add_identity(
            "en",
            &receipt.tracking,
            &secret,
            &IdentityRequest { name: "Aigerim S.".into(), phone: "8 701 234 56 78".into() },
        )
        .await;

    // Assert: accepted and registered by the district's office, but with no answer day:
    // the law does not consider an anonymous appeal, and a name and phone alone do not
    // give it what an appeal must hold (IIN, postal address).
    assert!(receipt.tracking.contains("-A"), "in the anonymous series: {}", receipt.tracking);
    let terms = receipt.terms.unwrap();
    assert_eq!(terms.accepted_by.district, District::Uralsk);
    assert_eq!(terms.answer_by, None);
    assert!(terms.reports_a_bribe, "the receipt shows the call centre 1424 and its bot");
    assert_eq!(named.status(), StatusCode::OK);
    let status: adal_core::receipt::SubmissionStatus = named.json().await.unwrap();
    assert!(!status.anonymous);
    let terms = status.terms.unwrap();
    assert_eq!(terms.answer_by, None, "naming it does not start the 15 working days");
    assert!(terms.reports_a_bribe);
}

#[tokio::test]
async fn mediation_is_refused_for_a_corruption_case_a_party_without_capacity_and_third_parties_rights()
 {
    let app = spawn_app().await;
    for (key, code, english, russian) in [
        ("corruption_case", adal_core::ErrorCode::MediationCorruptionCase, "1424", "1424"),
        (
            "party_lacks_capacity",
            adal_core::ErrorCode::MediationPartyIncapable,
            "notary",
            "нотариус",
        ),
        (
            "third_parties_affected",
            adal_core::ErrorCode::MediationThirdParties,
            "notary",
            "нотариус",
        ),
    ] {
        let request =
            submission_of("mediation_request", with(mediation_request(), json!({ key: true })));
        for (lang, words) in [("en", english), ("ru", russian)] {
            let response = app.post_submission_in(lang, &request).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}");
            let problem = problem(response).await;
            assert_eq!(problem.errors.len(), 1, "{key}: {:?}", problem.errors);
            assert_eq!(problem.errors[0].field, key);
            assert_eq!(problem.errors[0].code, code);
            assert!(
                problem.errors[0].message.contains(words),
                "{key} {lang}: {:?}",
                problem.errors
            );
        }
    }
    assert!(app.export().is_empty(), "nothing refused is stored");
}
