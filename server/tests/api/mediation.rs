//! Mediation: from a mediation request to a signed reconciliation act that the parties
//! read, print and verify from their receipt; and every refusal on the way.

use adal_core::District;
use adal_core::act::{self, ActInput, PartyInput, SignedAct};
use adal_core::api::SubmissionRequest;
use adal_core::receipt::{EventKind, ReceiptSecret, StatusEvent};
use adal_core::staff::{MediationRecord, Role, SessionOutcome, StaffSubmission};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    StaffSession, TestApp, complaint, mediation_request, problem, spawn_staff_app, submission,
    submission_of, with,
};

fn secret() -> ReceiptSecret {
    ReceiptSecret::parse(&format!("{}{}", uuid::Uuid::new_v4().simple(), "m".repeat(8))).unwrap()
}

fn in_days(days: i64) -> String {
    // The region is at UTC+5: "today" there is never before today in UTC.
    (time::OffsetDateTime::now_utc().to_offset(adal_core::district::REGION_UTC_OFFSET).date()
        + time::Duration::days(days))
    .to_string()
}

fn schedule(date: &str, time: &str, place: &str) -> Value {
    json!({ "action": "schedule_session", "session": {
        "date": date, "time": time, "place": place, "mediator": "Назым Ғабдуллина" } })
}

fn outcome(outcome: &str, note: &str) -> Value {
    json!({ "action": "record_outcome", "outcome": outcome, "note": note })
}

fn act_input() -> ActInput {
    ActInput {
        number: "URA-2026-7".into(),
        district: "URA".into(),
        date: in_days(7),
        place: "Орал, Достық даңғылы 1".into(),
        mediator_name: "Назым Ғабдуллина".into(),
        mediator_status: "professional".into(),
        mediator_organisation: "Татуласу орталығы".into(),
        parties: vec![
            PartyInput {
                name: "Айгерим Сарсенова".into(),
                iin: "900101300007".into(),
                address: "Орал, Абай к. 5".into(),
                ..Default::default()
            },
            PartyInput { name: "Болат Кенжебеков".into(), ..Default::default() },
        ],
        dispute: "Су құбыры көршінің жертөлесіне ағады.".into(),
        terms: vec!["Болат 1 мамырға дейін құбырды жөндейді.".into()],
        ..ActInput::default()
    }
}

fn sign(input: &ActInput) -> Value {
    json!({ "action": "sign_act", "act": input })
}

async fn act_on(
    app: &TestApp,
    who: &StaffSession,
    tracking: &str,
    body: &Value,
) -> reqwest::Response {
    app.staff_send(who, "en", &format!("/api/v1/staff/submissions/{tracking}/events"), Some(body))
        .await
}

async fn created(response: reqwest::Response) -> StatusEvent {
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_mediation_ends_in_an_act_the_parties_read_on_their_receipt_and_verify() {
    // Arrange: a mediation request in Uralsk, sent with a receipt secret; its mediator.
    let app = spawn_staff_app().await;
    let secret = secret();
    let request = SubmissionRequest {
        receipt_secret: Some(secret.clone()),
        ..submission_of(
            "mediation_request",
            with(mediation_request(), json!({ "district": "URA" })),
        )
    };
    let tracking = app.submit(&request).await.tracking;
    let mediator = app.staff_session("mediator.ura", Role::Mediator, Some(District::Uralsk)).await;

    // Act: schedule, postpone, schedule again, agree, sign.
    let place = "Орал, Достық даңғылы 1, 4-бөлме";
    let first =
        created(act_on(&app, &mediator, &tracking, &schedule(&in_days(7), "9:30", place)).await)
            .await;
    assert_eq!(first.kind, EventKind::SessionScheduled);
    let note = first.note.unwrap();
    assert_eq!(note, format!("{} 09:30 · {place} · Назым Ғабдуллина", in_days(7)));
    let postponed = act_on(&app, &mediator, &tracking, &outcome("postponed", "")).await;
    assert_eq!(
        created(postponed).await.note.unwrap(),
        "Тағы бір кездесу қажет / Нужна ещё одна встреча"
    );
    created(act_on(&app, &mediator, &tracking, &schedule(&in_days(14), "15:00", place)).await)
        .await;
    let agreed =
        act_on(&app, &mediator, &tracking, &outcome("agreed", "Terms written down.")).await;
    assert!(created(agreed).await.note.unwrap().ends_with("\nTerms written down."));
    let input = act_input();
    let signed = created(act_on(&app, &mediator, &tracking, &sign(&input)).await).await;
    let expected = input.parse().unwrap();
    assert_eq!(signed.kind, EventKind::ActSigned);
    assert_eq!(signed.note.unwrap(), format!("№ URA-2026-7 · {}", expected.short_hash()));

    // Assert: staff read the act, its hash is core's hash of core's text, and it verifies.
    let path = format!("/api/v1/staff/submissions/{tracking}/act");
    let response = app.staff_send(&mediator, "en", &path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let stored: SignedAct = response.json().await.unwrap();
    assert_eq!(
        (stored.hash.as_str(), stored.text.as_str()),
        (expected.hash().as_str(), expected.text().as_str())
    );
    assert!(act::verify(&stored.text, &stored.short_hash));
    assert_eq!(stored.input, input);

    // The parties see the sessions, the outcomes and the act on their receipt.
    let status = app.status(&tracking, &secret).await;
    let outcomes: Vec<_> = status.sessions.iter().map(|s| s.outcome).collect();
    assert_eq!(outcomes, [Some(SessionOutcome::Postponed), Some(SessionOutcome::Agreed)]);
    assert_eq!(status.sessions[1].session.time, "15:00");
    assert_eq!(status.sessions[1].outcome_note.as_deref(), Some("Terms written down."));
    assert_eq!(status.act.as_ref(), Some(&stored));
    let kinds: Vec<_> = status.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Received,
            EventKind::SessionScheduled,
            EventKind::SessionHeld,
            EventKind::SessionScheduled,
            EventKind::SessionHeld,
            EventKind::ActSigned,
        ]
    );
    assert!(status.timeline[1].note.as_deref().unwrap().contains(place));

    // The staff view has the same record.
    let path = format!("/api/v1/staff/submissions/{tracking}/mediation");
    let record: MediationRecord =
        app.staff_send(&mediator, "en", &path, None).await.json().await.unwrap();
    assert_eq!(record.sessions, status.sessions);
    assert_eq!(record.act, Some(stored));

    // The submission as staff read it carries the same sessions, typed: the act's draft
    // takes the latest session's place and mediator from them, not from a note.
    let path = format!("/api/v1/staff/submissions/{tracking}");
    let sub: StaffSubmission =
        app.staff_send(&mediator, "en", &path, None).await.json().await.unwrap();
    assert_eq!(sub.sessions.as_ref(), Some(&record.sessions));
    let draft = sub.act_draft();
    assert_eq!((draft.place.as_str(), draft.mediator_name.as_str()), (place, "Назым Ғабдуллина"));
}

#[tokio::test]
async fn an_act_is_signed_once_and_only_after_the_parties_agreed() {
    let app = spawn_staff_app().await;
    let mediation =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    let tracking = app.submit(&mediation).await.tracking;
    let staff = app.staff_session("staff.ura", Role::OfficeStaff, Some(District::Uralsk)).await;
    let code = |response| async { problem(response).await.code.as_str().to_owned() };

    // No session yet: neither an outcome nor an act.
    assert_eq!(
        code(act_on(&app, &staff, &tracking, &outcome("agreed", "")).await).await,
        "no_open_session"
    );
    assert_eq!(
        code(act_on(&app, &staff, &tracking, &sign(&act_input())).await).await,
        "no_agreement"
    );
    // A session that did not end in agreement is not enough either.
    created(act_on(&app, &staff, &tracking, &schedule(&in_days(0), "18:00", "Centre")).await).await;
    created(act_on(&app, &staff, &tracking, &outcome("not_agreed", "")).await).await;
    let again = act_on(&app, &staff, &tracking, &outcome("agreed", "")).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "an outcome is recorded once");
    assert_eq!(
        code(act_on(&app, &staff, &tracking, &sign(&act_input())).await).await,
        "no_agreement"
    );
    created(act_on(&app, &staff, &tracking, &schedule(&in_days(1), "10:00", "Centre")).await).await;
    created(act_on(&app, &staff, &tracking, &outcome("agreed", "")).await).await;

    // An act with one party is refused field by field, under `act.`.
    let mut one_party = act_input();
    one_party.parties.truncate(1);
    one_party.parties[0].iin = "900101300008".into();
    let refused = problem(act_on(&app, &staff, &tracking, &sign(&one_party)).await).await;
    assert_eq!(refused.status, 422);
    let fields: Vec<_> = refused.errors.iter().map(|e| e.field.as_str().to_owned()).collect();
    assert_eq!(fields, ["act.parties.0.iin", "act.parties"]);

    // The first act stands; a second, even the same one, is refused and changes nothing.
    created(act_on(&app, &staff, &tracking, &sign(&act_input())).await).await;
    let mut other = act_input();
    other.terms = vec!["Something else.".into()];
    for second in [act_input(), other] {
        let response = act_on(&app, &staff, &tracking, &sign(&second)).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(problem(response).await.code.as_str(), "act_already_signed");
    }
    let path = format!("/api/v1/staff/submissions/{tracking}/act");
    let stored: SignedAct = app.staff_send(&staff, "en", &path, None).await.json().await.unwrap();
    assert_eq!(stored.hash, act_input().parse().unwrap().hash());
}

#[tokio::test]
async fn mediation_actions_apply_to_mediation_requests_only_and_sessions_are_checked() {
    let app = spawn_staff_app().await;
    let complaint = app.submit(&submission(complaint())).await.tracking;
    let mediation =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    let tracking = app.submit(&mediation).await.tracking;
    let staff = app.staff_session("staff.ura", Role::OfficeStaff, Some(District::Uralsk)).await;

    // A complaint is not mediated: the refusal says so in the person's language.
    let path = format!("/api/v1/staff/submissions/{complaint}/events");
    let body = schedule(&in_days(1), "10:00", "Centre");
    for (lang, words) in [("kk", "медиацияға"), ("ru", "медиацию"), ("en", "mediation requests")]
    {
        let refused = problem(app.staff_send(&staff, lang, &path, Some(&body)).await).await;
        assert_eq!((refused.status, refused.code.as_str()), (422, "not_mediation"));
        assert!(refused.title.contains(words), "{lang}: {}", refused.title);
    }
    let act = app
        .staff_send(&staff, "en", &format!("/api/v1/staff/submissions/{complaint}/act"), None)
        .await;
    assert_eq!(act.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let path = format!("/api/v1/staff/submissions/{complaint}");
    let read: StaffSubmission =
        app.staff_send(&staff, "en", &path, None).await.json().await.unwrap();
    assert_eq!(read.sessions, None, "a complaint has no sessions");

    // A session in the past, at no time of day, in a one-letter place, is refused whole.
    let bad = json!({ "action": "schedule_session", "session": {
        "date": in_days(-1), "time": "25:00", "place": "x", "mediator": " " } });
    let refused = problem(act_on(&app, &staff, &tracking, &bad).await).await;
    let codes: Vec<_> =
        refused.errors.iter().map(|e| (e.field.as_str().to_owned(), e.code)).collect();
    use adal_core::ErrorCode::*;
    assert_eq!(
        codes,
        [
            ("session.date".to_owned(), DateInPast),
            ("session.time".to_owned(), InvalidTime),
            ("session.place".to_owned(), TooShort { min: 2 }),
            ("session.mediator".to_owned(), Required),
        ]
    );
    let undated = json!({ "action": "schedule_session", "session": { "date": "soon" } });
    assert_eq!(act_on(&app, &staff, &tracking, &undated).await.status(), StatusCode::BAD_REQUEST);

    // Another district's mediator may not touch it; nothing was scheduled.
    let elsewhere =
        app.staff_session("mediator.ter", Role::Mediator, Some(District::Terekti)).await;
    let good = schedule(&in_days(1), "10:00", "Centre");
    assert_eq!(act_on(&app, &elsewhere, &tracking, &good).await.status(), StatusCode::FORBIDDEN);
    let path = format!("/api/v1/staff/submissions/{tracking}/mediation");
    let record: MediationRecord =
        app.staff_send(&staff, "en", &path, None).await.json().await.unwrap();
    assert!(record.sessions.is_empty() && record.act.is_none());
}

#[tokio::test]
async fn a_queued_session_sent_twice_is_scheduled_once() {
    // Arrange: a mediation request and its mediator, whose app queued one step offline.
    let app = spawn_staff_app().await;
    let request =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    let tracking = app.submit(&request).await.tracking;
    let mediator = app.staff_session("mediator.ura", Role::Mediator, Some(District::Uralsk)).await;
    let path = format!("/api/v1/staff/submissions/{tracking}/events");
    let key = uuid::Uuid::new_v4().to_string();
    let body = schedule(&in_days(3), "11:00", "Reconciliation centre, room 2");
    let send = || app.staff_send_keyed(&mediator, &path, &key, &body);

    // Act: the first try's answer was lost on the way, so the app sends it again.
    let (first, second) = tokio::join!(send(), send());

    // Assert: both answers are the same event, and the record holds one session.
    assert_eq!((first.status(), second.status()), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first.text().await.unwrap(), second.text().await.unwrap());
    let path = format!("/api/v1/staff/submissions/{tracking}/mediation");
    let record: adal_core::staff::MediationRecord =
        app.staff_send(&mediator, "en", &path, None).await.json().await.unwrap();
    assert_eq!(record.sessions.len(), 1);
}

#[tokio::test]
async fn an_act_of_thousands_of_parties_gets_one_error_for_their_number_not_one_each() {
    let app = spawn_staff_app().await;
    let mediation =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    let tracking = app.submit(&mediation).await.tracking;
    let staff = app.staff_session("staff.ura", Role::OfficeStaff, Some(District::Uralsk)).await;
    let mut crowded = act_input();
    crowded.parties =
        vec![PartyInput { name: "X".into(), iin: "1".into(), ..Default::default() }; 1500];

    let response = act_on(&app, &staff, &tracking, &sign(&crowded)).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.bytes().await.unwrap();
    assert!(body.len() < 16 * 1024, "an answer of {} bytes", body.len());
    let refused: adal_core::api::Problem = serde_json::from_slice(&body).unwrap();
    let fields: Vec<_> = refused.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields.len(), act::MAX_PARTIES + 1, "{fields:?}");
    assert_eq!(
        refused.field_errors().get("act.parties"),
        Some(adal_core::ErrorCode::TooManyItems { max: act::MAX_PARTIES })
    );
}

#[tokio::test]
async fn an_article_27_act_is_refused_without_what_the_law_lists_and_signed_with_all_of_it_hashed()
{
    // Arrange: an agreed mediation in Uralsk.
    let app = spawn_staff_app().await;
    let request =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    let tracking = app.submit(&request).await.tracking;
    let mediator = app.staff_session("mediator.ura", Role::Mediator, Some(District::Uralsk)).await;
    let place = "Орал, Достық даңғылы 1";
    created(act_on(&app, &mediator, &tracking, &schedule(&in_days(7), "10:00", place)).await).await;
    created(act_on(&app, &mediator, &tracking, &outcome("agreed", "")).await).await;
    let mut input = act_input();
    input.version = act::ART_27;

    // Act: the first-release fields only, then everything Art. 27 lists.
    let refused = act_on(&app, &mediator, &tracking, &sign(&input)).await;
    input.parties[1] = PartyInput {
        name: "ТОО «Жайық Құрылыс»".into(),
        bin: "100440000024".into(),
        address: "Орал, Достық даңғылы 20".into(),
        signatory: "директор Б. Кенжебеков".into(),
        ..Default::default()
    };
    input.mediator_registration = "№ 154, 03.02.2025".into();
    input.agreement = "№ 7, 01.03.2026".into();
    input.term_details = vec![act::TermDetail {
        due: "1 мамырға дейін".into(),
        manner: "өз есебінен".into(),
    }];
    input.non_fulfilment = "Сотқа мәжбүрлеп орындату туралы жүгінуге болады.".into();
    let signed = act_on(&app, &mediator, &tracking, &sign(&input)).await;

    // Assert
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = crate::helpers::problem(refused).await;
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str().to_owned()).collect();
    for field in
        ["act.parties.1.iin", "act.parties.1.address", "act.mediator_registration", "act.agreement"]
    {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    created(signed).await;
    let path = format!("/api/v1/staff/submissions/{tracking}/act");
    let stored: SignedAct =
        app.staff_send(&mediator, "en", &path, None).await.json().await.unwrap();
    let expected = input.parse().unwrap();
    assert_eq!(stored.hash, expected.hash());
    assert!(stored.text.contains("БИН 100440000024"));
    assert!(stored.text.contains("в лице: директор Б. Кенжебеков"));
    assert!(stored.text.contains("запись в реестре: № 154, 03.02.2025"));
    assert!(stored.text.contains("Договор о медиации: № 7, 01.03.2026."));
    assert!(
        stored.text.contains("Срок исполнения: 1 мамырға дейін; способ исполнения: өз есебінен.")
    );
    assert!(stored.text.contains("Последствия неисполнения:"));
    assert!(act::verify(&stored.text, &stored.hash));
    assert_eq!(stored.input, input, "kept as typed, to print again");
}
