//! What the law wants the person to be told, as the API answers it: the receipt of APC
//! Art. 64 (who accepted it, the day it is registered, the day the answer is due) and
//! what an anonymous bribe report is and is not.

use adal_core::District;
use adal_core::calendar::Calendar;
use adal_core::office::AcceptingBody;
use adal_core::receipt::{IdentityRequest, ReceiptSecret};
use reqwest::StatusCode;
use serde_json::json;

use adal_core::appeal::Requisite;

use crate::helpers::{
    complaint, mediation_request, problem, spawn_app, submission, submission_of,
    submission_of_version, with,
};

/// A valid IIN and a postal address: with a name and phone, what makes a formal appeal.
const IIN: &str = "900101300007";
const ADDRESS: &str = "090000, Uralsk, Dostyk 12-5";

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
    let formal = json!({ "district": "BUR", "iin": IIN, "postal_address": ADDRESS });
    let request = adal_core::api::SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission(with(complaint(), formal))
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
            &IdentityRequest {
                name: "Aigerim S.".into(),
                phone: "8 701 234 56 78".into(),
                ..IdentityRequest::default()
            },
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
    assert_eq!(terms.missing, [Requisite::Iin, Requisite::PostalAddress], "and it says why");
}

#[tokio::test]
async fn a_named_complaint_without_iin_and_address_is_registered_with_no_answer_day_and_told_what_to_add()
 {
    let app = spawn_app().await;
    let only_iin = app.submit(&submission(with(complaint(), json!({ "iin": IIN })))).await;
    let terms = only_iin.terms.unwrap();
    assert_eq!(terms.answer_by, None, "not a formal appeal (APC Art. 63)");
    assert_eq!(terms.missing, [Requisite::PostalAddress]);
    assert!(terms.registered_on >= only_iin.received_at.date() - time::Duration::days(1));
    // A complaint of the second version, which never asked, keeps the day it was told.
    let older = submission_of_version("complaint", 2, complaint());
    let older = app.submit(&older).await.terms.unwrap();
    assert!(older.answer_by.is_some() && older.missing.is_empty());
}

#[tokio::test]
async fn a_wrong_iin_or_a_short_address_is_refused_with_a_specific_message_in_each_language() {
    let app = spawn_app().await;
    let bad =
        submission(with(complaint(), json!({ "iin": "900101300008", "postal_address": "Ura" })));
    for (lang, words) in [
        ("en", "check) digit does not match"),
        ("ru", "контрольная) цифра ИИН не сходится"),
        ("kk", "бақылау) цифры басқаларына сәйкес емес"),
    ] {
        let refused = problem(app.post_submission_in(lang, &bad).await).await;
        assert_eq!(refused.status, 422);
        let iin = refused.errors.iter().find(|e| e.field.as_str() == "iin").expect("iin");
        assert_eq!(iin.code, adal_core::ErrorCode::IinCheckDigit);
        assert!(iin.message.contains(words), "{lang}: {}", iin.message);
        assert!(refused.errors.iter().any(|e| e.field.as_str() == "postal_address"));
    }
    let short = submission(with(complaint(), json!({ "iin": "9001013" })));
    let refused = problem(app.post_submission_in("en", &short).await).await;
    assert_eq!(refused.errors[0].code, adal_core::ErrorCode::IinLength);
    assert!(refused.errors[0].message.contains("exactly 12 digits"));
}

#[tokio::test]
async fn an_anonymous_report_named_later_with_iin_and_address_becomes_a_formal_appeal_from_then() {
    // Arrange
    let app = spawn_app().await;
    let secret = secret();
    let answers = with(complaint(), json!({ "anonymous": true, "name": null, "phone": null }));
    let request = adal_core::api::SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission(answers)
    };
    let receipt = app.submit(&request).await;
    let named = IdentityRequest {
        name: "Aigerim S.".into(),
        phone: "8 701 234 56 78".into(),
        ..IdentityRequest::default()
    };

    // Act: a name and phone first, then the same with a wrong IIN, then complete.
    let first = app.add_identity("en", &receipt.tracking, &secret, &named).await;
    let wrong = IdentityRequest { iin: "900101300008".into(), ..named.clone() };
    let wrong = problem(app.add_identity("ru", &receipt.tracking, &secret, &wrong).await).await;
    let complete =
        IdentityRequest { iin: IIN.into(), postal_address: ADDRESS.into(), ..named.clone() };
    let completed = app.add_identity("en", &receipt.tracking, &secret, &complete).await;
    let again = app.add_identity("en", &receipt.tracking, &secret, &complete).await;
    let other = IdentityRequest { iin: "850315400124".into(), ..complete.clone() };
    let other = app.add_identity("en", &receipt.tracking, &secret, &other).await;

    // Assert
    assert_eq!(first.status(), StatusCode::OK);
    let first: adal_core::receipt::SubmissionStatus = first.json().await.unwrap();
    assert_eq!(first.terms.unwrap().answer_by, None);
    assert_eq!(wrong.status, 422);
    assert!(wrong.errors[0].message.contains("ИИН"), "{}", wrong.errors[0].message);
    assert_eq!(completed.status(), StatusCode::OK);
    let status: adal_core::receipt::SubmissionStatus = completed.json().await.unwrap();
    let terms = status.terms.unwrap();
    let completed_at = status.timeline.last().unwrap().at;
    assert_eq!(terms.answer_by, Some(Calendar::kazakhstan().deadlines(completed_at).answer_by));
    assert!(terms.missing.is_empty());
    assert_eq!(again.status(), StatusCode::OK, "a resend answers as the first time");
    assert_eq!(other.status(), StatusCode::CONFLICT, "an IIN once given is not replaced");
    let status = app.status(&receipt.tracking, &secret).await;
    assert_eq!(status.terms.unwrap().answer_by, terms.answer_by, "the status says the same");
    // The office reads them with the identity, to answer the appeal.
    let staff = app
        .staff_session("staff.ura", adal_core::staff::Role::OfficeStaff, Some(District::Uralsk))
        .await;
    let path = format!("/api/v1/staff/submissions/{}", receipt.tracking);
    let item: adal_core::staff::StaffSubmission =
        app.staff_send(&staff, "en", &path, None).await.json().await.unwrap();
    let identity = item.identity.unwrap();
    assert_eq!(identity.iin.map(String::from).as_deref(), Some(IIN));
    assert_eq!(identity.postal_address.as_deref(), Some(ADDRESS));
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

#[tokio::test]
async fn the_iin_and_address_reach_the_staff_item_but_not_the_csv_export() {
    let app = spawn_app().await;
    let formal = with(complaint(), json!({ "iin": IIN, "postal_address": ADDRESS }));
    let tracking = app.submit(&submission(formal)).await.tracking;
    let staff = app
        .staff_session("staff.ura", adal_core::staff::Role::OfficeStaff, Some(District::Uralsk))
        .await;

    let item =
        app.staff_send(&staff, "en", &format!("/api/v1/staff/submissions/{tracking}"), None).await;
    let export = app.staff_send(&staff, "en", "/api/v1/staff/export.csv?district=URA", None).await;

    let item: adal_core::staff::StaffSubmission = item.json().await.unwrap();
    assert_eq!(item.answers["iin"], IIN, "the office needs it to answer formally");
    let export = export.text().await.unwrap();
    assert!(export.contains(&tracking) && export.contains("School No. 12"));
    assert!(!export.contains(IIN) && !export.contains("Dostyk"), "{export}");
}

#[tokio::test]
async fn a_named_complaint_is_completed_later_with_both_requisites_by_its_own_name_and_phone() {
    // Arrange: sent named, without the IIN and address.
    let app = spawn_app().await;
    let secret = secret();
    let request = adal_core::api::SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission(complaint())
    };
    let receipt = app.submit(&request).await;
    let own = IdentityRequest {
        name: "Aigerim S.".into(),
        phone: "8 701 234 56 78".into(),
        iin: IIN.into(),
        postal_address: ADDRESS.into(),
    };

    // Act
    let only_iin = IdentityRequest { postal_address: String::new(), ..own.clone() };
    let only_iin =
        problem(app.add_identity("en", &receipt.tracking, &secret, &only_iin).await).await;
    let someone = IdentityRequest { name: "Someone Else".into(), ..own.clone() };
    let someone = app.add_identity("en", &receipt.tracking, &secret, &someone).await;
    let completed = app.add_identity("en", &receipt.tracking, &secret, &own).await;

    // Assert
    assert_eq!(receipt.terms.unwrap().missing, Requisite::ALL);
    assert_eq!(only_iin.status, 422);
    assert_eq!(only_iin.errors[0].field.as_str(), "postal_address");
    assert_eq!(someone.status(), StatusCode::CONFLICT, "another person's name is not taken");
    assert_eq!(completed.status(), StatusCode::OK);
    let status: adal_core::receipt::SubmissionStatus = completed.json().await.unwrap();
    assert!(!status.anonymous);
    let terms = status.terms.unwrap();
    let completed_at = status.timeline.last().unwrap().at;
    assert_eq!(terms.answer_by, Some(Calendar::kazakhstan().deadlines(completed_at).answer_by));
    assert!(terms.missing.is_empty());
}
