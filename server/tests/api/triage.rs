//! Triage in the staff workspace: questions and the citizen's reply, internal notes,
//! extensions on the real calendar, idempotent steps, inbox filters, conflicts of
//! interest, monitoring tasks, and the calendar and accounts administrators keep.

use adal_core::District;
use adal_core::api::SubmissionRequest;
use adal_core::receipt::{EventKind, RECEIPT_SECRET_HEADER, ReceiptSecret};
use adal_core::staff::{
    AccountsResponse, IDEMPOTENCY_HEADER, InboxResponse, Role, StaffSubmission, TasksResponse,
};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, ETAG, IF_NONE_MATCH};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use time::macros::{date, datetime};

use crate::helpers::{
    TestApp, complaint, monitoring_school, problem, spawn_app, submission, submission_of, with,
};
use crate::staff::{PASSWORD, Session, add_user, audit, log_in, post_login, send, shipped_year};

fn secret() -> ReceiptSecret {
    ReceiptSecret::parse(&uuid::Uuid::new_v4().simple().to_string()).unwrap()
}

async fn reply(app: &TestApp, tracking: &str, secret: &ReceiptSecret, text: &str) -> Response {
    app.client
        .post(app.url(&format!("/api/v1/submissions/{tracking}/reply")))
        .header(RECEIPT_SECRET_HEADER, secret.expose())
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap()
}

async fn step(app: &TestApp, who: &Session, tracking: &str, body: Value) -> Response {
    let path = format!("/api/v1/staff/submissions/{tracking}/events");
    send(app, Some(who), Method::POST, &path, Some(&body)).await
}

async fn staff_view(app: &TestApp, who: &Session, tracking: &str) -> StaffSubmission {
    let path = format!("/api/v1/staff/submissions/{tracking}");
    let response = send(app, Some(who), Method::GET, &path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn inbox(app: &TestApp, who: &Session, query: &str) -> InboxResponse {
    let response =
        send(app, Some(who), Method::GET, &format!("/api/v1/staff/inbox{query}"), None).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

/// Stores a complaint received at `received_at` (the API stamps today's clock).
fn store_at(app: &TestApp, id: u128, received_at: time::OffsetDateTime) -> String {
    let db = app.db();
    let answers = r#"{"district":"URA","category":"school","institution":"School No. 5"}"#;
    let triage =
        adal_server::db::triage::Triage::of("complaint", &serde_json::from_str(answers).unwrap());
    let new = adal_server::db::submissions::NewSubmission {
        id: uuid::Uuid::from_u128(id),
        fingerprint: format!("{id}"),
        form: adal_core::api::FormRef::new("complaint", 2),
        district: District::Uralsk,
        answers: answers.into(),
        received_at,
        attachments: Vec::new(),
        receipt_secret_sha256: None,
        anonymous: false,
        triage,
    };
    match db.call_blocking(|conn| adal_server::db::submissions::store(conn, &new)).unwrap() {
        adal_server::db::submissions::Stored::Created(receipt) => receipt.tracking,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_citizen_answers_a_question_once_and_never_sees_notes_or_who_handled_it() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "mediator.ura", Role::Mediator, Some(District::Uralsk));
    let secret = secret();
    let request =
        SubmissionRequest { receipt_secret: Some(secret.clone()), ..submission(complaint()) };
    let receipt = app.submit(&request).await;
    let tracking = receipt.tracking;
    let staff = log_in(&app, "staff.ura").await;
    let mediator = log_in(&app, "mediator.ura").await;

    // Nothing asked yet: nothing to reply to.
    let early = reply(&app, &tracking, &secret, "Class 5B.").await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert_eq!(problem(early).await.code.as_str(), "no_question_pending");

    let assign = json!({ "action": "assign", "to": "mediator.ura" });
    assert_eq!(step(&app, &staff, &tracking, assign).await.status(), 201);
    let note = json!({ "action": "note", "text": "The director says the money was voluntary." });
    assert_eq!(step(&app, &mediator, &tracking, note).await.status(), 201);
    let ask = json!({ "action": "ask_info", "question": "Which class is your child in?" });
    let asked = step(&app, &staff, &tracking, ask).await;
    assert_eq!(asked.status(), 201);
    let asked: Value = asked.json().await.unwrap();
    assert_eq!(asked["kind"], "info_requested");
    assert_eq!(asked["by"], "staff.ura");

    // A wrong secret gets the status endpoint's 404; an empty reply, a field error.
    assert_eq!(reply(&app, &tracking, &self::secret(), "Class 5B.").await.status(), 404);
    let empty = problem(reply(&app, &tracking, &secret, "   ").await).await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.errors[0].field.as_str(), "text");
    let sent = reply(&app, &tracking, &secret, " Class 5B. ").await;
    assert_eq!(sent.status(), StatusCode::OK);
    // The same reply again (a resend) changes nothing; another one is refused.
    assert_eq!(reply(&app, &tracking, &secret, "Class 5B.").await.status(), StatusCode::OK);
    let other = reply(&app, &tracking, &secret, "Class 6A.").await;
    assert_eq!(other.status(), StatusCode::CONFLICT);

    // The citizen's receipt: the question and the reply, no note, no login.
    let status = app.status(&tracking, &secret).await;
    let kinds: Vec<_> = status.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Received,
            EventKind::Assigned,
            EventKind::InfoRequested,
            EventKind::InfoProvided
        ]
    );
    let raw = app.status_with(&tracking, Some(secret.expose())).await.text().await.unwrap();
    for hidden in ["voluntary", "mediator.ura", "staff.ura"] {
        assert!(!raw.contains(hidden), "{hidden} shows on the receipt: {raw}");
    }
    assert_eq!(status.timeline[3].note.as_deref(), Some("Class 5B."));

    // The office sees everything, with who did it.
    let seen = staff_view(&app, &staff, &tracking).await;
    let notes: Vec<_> = seen.timeline.iter().filter(|e| e.kind == EventKind::Note).collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].by.as_deref(), Some("mediator.ura"));
    let assigned = seen.timeline.iter().find(|e| e.kind == EventKind::Assigned).unwrap();
    assert_eq!(assigned.assignee.as_deref(), Some("mediator.ura"));
    let replies = seen.timeline.iter().filter(|e| e.kind == EventKind::InfoProvided).count();
    assert_eq!(replies, 1);
    // A note does not change the status the inbox shows.
    let listed = inbox(&app, &staff, "").await;
    assert_eq!(listed.items[0].status, EventKind::InfoProvided);
    assert_eq!(listed.items[0].assignee.as_deref(), Some("mediator.ura"));

    // An extension tells the citizen the reason and the new day.
    let calendar = adal_core::calendar::Calendar::kazakhstan();
    let latest = calendar.deadlines(receipt.received_at).extended_answer_by;
    let extend = json!({ "action": "extend", "reason": "Awaiting the school's reply.",
                         "until": latest.to_string() });
    assert_eq!(step(&app, &staff, &tracking, extend).await.status(), 201);
    let status = app.status(&tracking, &secret).await;
    let extended = status.timeline.last().unwrap();
    assert_eq!(extended.kind, EventKind::Extended);
    assert_eq!(extended.until, Some(latest));
    assert_eq!(extended.note.as_deref(), Some("Awaiting the school's reply."));
}

#[tokio::test]
async fn an_extension_needs_a_reason_a_later_day_and_at_most_two_months_and_moves_the_answer_day() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    // Received now, so that the answer day has not passed (a late extension is refused:
    // see the next test); the days are counted on the real calendar.
    let now = time::OffsetDateTime::now_utc();
    let first = store_at(&app, 1, now - time::Duration::minutes(1));
    let second = store_at(&app, 2, now);
    let calendar = adal_core::calendar::Calendar::kazakhstan();
    let d = calendar.deadlines(now);
    let staff = log_in(&app, "staff.ura").await;
    let extend = |reason: &str, until: time::Date| json!({ "action": "extend", "reason": reason, "until": until.to_string() });

    let no_reason = step(&app, &staff, &first, extend("  ", d.extended_answer_by)).await;
    assert_eq!(no_reason.status(), 422);
    assert_eq!(problem(no_reason).await.code.as_str(), "extension_reason_missing");
    let path = format!("/api/v1/staff/submissions/{first}/events");
    let reason = "Waiting for the school's documents.";
    let past_limit = d.extended_answer_by.next_day().unwrap();
    for (until, code) in [(d.answer_by, "extension_not_later"), (past_limit, "extension_too_long")]
    {
        let response = app
            .client
            .post(app.url(&path))
            .header(COOKIE, &staff.cookie)
            .header(adal_core::staff::CSRF_HEADER, &staff.csrf)
            .header(ACCEPT_LANGUAGE, "kk")
            .json(&extend(reason, until))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{until}");
        let refused = problem(response).await;
        assert_eq!(refused.code.as_str(), code);
        assert_eq!(refused.title, refused.code.title(adal_core::Lang::Kk));
    }
    let extended = step(&app, &staff, &first, extend(reason, d.extended_answer_by)).await;
    assert_eq!(extended.status(), 201);
    let event: Value = extended.json().await.unwrap();
    assert_eq!(event["until"], d.extended_answer_by.to_string());
    // Once extended, only a later day is an extension.
    let earlier = d.extended_answer_by.previous_day().unwrap();
    let again = step(&app, &staff, &first, extend(reason, earlier)).await;
    assert_eq!(problem(again).await.code.as_str(), "extension_not_later");

    // The new day counts everywhere: the item, the inbox's days left, and its order.
    let seen = staff_view(&app, &staff, &first).await;
    assert_eq!(seen.answer_by, d.extended_answer_by);
    assert_eq!(seen.deadlines.answer_by, d.answer_by, "the law's day stays shown");
    let listed = inbox(&app, &staff, "").await;
    let order: Vec<_> = listed.items.iter().map(|i| (i.tracking.clone(), i.answer_by)).collect();
    assert_eq!(order, [(second.clone(), d.answer_by), (first.clone(), d.extended_answer_by)]);
    let today = adal_core::district::region_date(now);
    assert_eq!(listed.items[1].days_left, calendar.working_days_left(today, d.extended_answer_by));
    let event = seen.timeline.iter().find(|e| e.kind == EventKind::Extended).unwrap();
    assert_eq!(event.note.as_deref(), Some(reason));
}

#[tokio::test]
async fn an_extension_asked_after_the_answer_day_is_refused_audited_and_the_answer_counts_late() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "front", Role::FrontOffice, None);
    add_user(&app, "admin", Role::Administrator, None);
    // Received 40 days ago: its 15th working day has passed.
    let now = time::OffsetDateTime::now_utc();
    let received = now - time::Duration::days(40);
    let tracking = store_at(&app, 1, received);
    let d = adal_core::calendar::Calendar::kazakhstan().deadlines(received);
    assert!(d.answer_by < adal_core::district::region_date(now));
    let staff = log_in(&app, "staff.ura").await;
    let extend = json!({ "action": "extend", "reason": "The school has not replied.",
                         "until": d.extended_answer_by.to_string() });
    let path = format!("/api/v1/staff/submissions/{tracking}/events");
    for lang in ["ru", "en"] {
        let response = app
            .client
            .post(app.url(&path))
            .header(COOKIE, &staff.cookie)
            .header(adal_core::staff::CSRF_HEADER, &staff.csrf)
            .header(ACCEPT_LANGUAGE, lang)
            .json(&extend)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let refused = problem(response).await;
        assert_eq!(refused.code.as_str(), "extension_too_late");
        assert_eq!(refused.title, refused.code.title(adal_core::Lang::from_tag(lang).unwrap()));
        assert_eq!(refused.detail.as_deref(), Some(format!("answer_by: {}", d.answer_by).as_str()));
    }
    // Audited, and nothing recorded: the answer day stays the law's.
    let admin = log_in(&app, "admin").await;
    let entries = audit(&app, &admin).await.entries;
    let refused: Vec<_> = entries.iter().filter(|e| e.outcome == "refused").collect();
    assert_eq!(refused.len(), 2, "{entries:?}");
    assert_eq!(refused[0].action, "extend");
    assert_eq!(refused[0].target.as_deref(), Some(tracking.as_str()));
    assert_eq!(refused[0].login.as_deref(), Some("staff.ura"));
    let seen = staff_view(&app, &staff, &tracking).await;
    assert!(seen.timeline.iter().all(|e| e.kind != EventKind::Extended));
    assert_eq!(seen.answer_by, d.answer_by);

    // An old database may hold such an extension (recorded before the rule): it moves
    // neither the item's day nor the report's count.
    let db = app.db();
    let late = d.answer_by.next_day().unwrap().with_hms(10, 0, 0).unwrap();
    let late = late.assume_offset(adal_core::district::REGION_UTC_OFFSET);
    let key = tracking.clone();
    db.call_blocking(move |conn| {
        adal_server::db::events::append_by_tracking(conn, &key, EventKind::Extended, late, None)
    })
    .unwrap();
    assert_eq!(staff_view(&app, &staff, &tracking).await.answer_by, d.answer_by);
    let answer = json!({ "action": "answer", "text": "The school replied: fixed." });
    assert_eq!(step(&app, &staff, &tracking, answer).await.status(), 201);
    let front = log_in(&app, "front").await;
    let today = adal_core::district::region_date(now);
    let query = format!("/api/v1/staff/reports?period={today}&district=URA");
    let response = send(&app, Some(&front), Method::GET, &query, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: adal_core::report::Report = response.json().await.unwrap();
    assert_eq!((report.figures.answered_on_time, report.figures.answered_late), (0, 1));
}

#[tokio::test]
async fn a_retried_step_is_recorded_once_even_when_the_retries_race() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let tracking = app.submit(&submission(complaint())).await.tracking;
    let staff = log_in(&app, "staff.ura").await;
    let path = format!("/api/v1/staff/submissions/{tracking}/events");
    let keyed = |key: &str, body: Value| {
        let key = key.to_owned();
        let (app, staff, path) = (&app, &staff, &path);
        async move { app.staff_send_keyed(staff, path, &key, &body).await }
    };
    let key = uuid::Uuid::new_v4().to_string();
    let note = json!({ "action": "note", "text": "Queued offline on the bus." });

    // Eight copies of one queued step at once: one event, eight equal answers.
    let responses = tokio::join!(
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
        keyed(&key, note.clone()),
    );
    let (a, b, c, d, e, f, g, h) = responses;
    let mut bodies = Vec::new();
    for response in [a, b, c, d, e, f, g, h] {
        assert_eq!(response.status(), StatusCode::CREATED);
        bodies.push(response.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    let seen = staff_view(&app, &staff, &tracking).await;
    assert_eq!(seen.timeline.iter().filter(|e| e.kind == EventKind::Note).count(), 1);

    // The same key with another step is refused; a key that is not a UUID too.
    let other = keyed(&key, json!({ "action": "close" })).await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    assert_eq!(problem(other).await.code.as_str(), "idempotency_key_reused");
    let malformed = keyed("twice", json!({ "action": "close" })).await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert!(problem(malformed).await.detail.unwrap().contains(IDEMPOTENCY_HEADER));

    // A mediation step goes through the same keys, and a complaint has no sessions.
    let session = json!({ "action": "schedule_session", "session": {
        "date": "2099-12-01", "time": "10:00", "place": "Centre", "mediator": "A. S." } });
    let refused = keyed(&uuid::Uuid::new_v4().to_string(), session).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(refused).await.code.as_str(), "not_mediation");

    // A forward moves the item out of reach; its retry still gets the first answer.
    let forward = json!({ "action": "forward", "reason": "It is in Terekti.", "to": "TER" });
    let key = uuid::Uuid::new_v4().to_string();
    let first = keyed(&key, forward.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = first.text().await.unwrap();
    let retry = keyed(&key, forward).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.text().await.unwrap(), first);
    let view = format!("/api/v1/staff/submissions/{tracking}");
    assert_eq!(send(&app, Some(&staff), Method::GET, &view, None).await.status(), 403);
    add_user(&app, "front", Role::FrontOffice, None);
    let front = log_in(&app, "front").await;
    let seen = staff_view(&app, &front, &tracking).await;
    assert_eq!(seen.district, District::Terekti);
    assert_eq!(seen.timeline.iter().filter(|e| e.kind == EventKind::Forwarded).count(), 1);
}

#[tokio::test]
async fn the_inbox_filters_by_form_status_category_institution_words_and_due_date() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let school = app.submit(&submission(complaint())).await.tracking;
    let clinic_answers = with(
        complaint(),
        json!({
            "category": "clinic",
            "institution": "Городская поликлиника № 3",
            "description": "A nurse asked for money for a blood test result.",
        }),
    );
    let clinic = app.submit(&submission(clinic_answers)).await.tracking;
    let overdue = store_at(&app, 7, datetime!(2026-03-20 05:00 UTC));
    let staff = log_in(&app, "staff.ura").await;
    let register = json!({ "action": "register" });
    assert_eq!(step(&app, &staff, &clinic, register).await.status(), 201);

    let trackings = |inbox: InboxResponse| -> Vec<String> {
        inbox.items.into_iter().map(|i| i.tracking).collect()
    };
    assert_eq!(trackings(inbox(&app, &staff, "?category=clinic").await), [clinic.as_str()]);
    assert_eq!(trackings(inbox(&app, &staff, "?status=registered").await), [clinic.as_str()]);
    // Institution in another script, and words of the description.
    let gorodskaya = "?institution=gorodskaia%20poliklinika";
    assert_eq!(trackings(inbox(&app, &staff, gorodskaya).await), [clinic.as_str()]);
    assert_eq!(trackings(inbox(&app, &staff, "?q=BLOOD%20nurse").await), [clinic.as_str()]);
    let by_number = format!("?q={}", school.to_lowercase());
    assert_eq!(trackings(inbox(&app, &staff, &by_number).await), [school.as_str()]);
    assert_eq!(trackings(inbox(&app, &staff, "?due=overdue").await), [overdue.as_str()]);
    let week = trackings(inbox(&app, &staff, "?due=week&form=complaint&category=school").await);
    assert_eq!(week, [overdue.as_str()]);
    assert_eq!(inbox(&app, &staff, "?form=complaint&q=").await.items.len(), 3);
    assert!(inbox(&app, &staff, "?form=mediation_request").await.items.is_empty());

    for (query, parameter) in [
        ("?due=later", "due"),
        ("?status=lost", "status"),
        ("?form=petition", "form"),
        ("?category=bank", "category"),
        ("?institution=%E2%84%96", "institution"),
        ("?district=XXX", "district"),
    ] {
        let path = format!("/api/v1/staff/inbox{query}");
        let response = send(&app, Some(&staff), Method::GET, &path, None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let detail = problem(response).await.detail.unwrap();
        assert!(detail.starts_with(parameter), "{query}: {detail}");
    }
}

#[tokio::test]
async fn a_complaint_about_the_districts_own_office_is_handled_only_by_its_curator_and_the_front_office()
 {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "mediator.ura", Role::Mediator, Some(District::Uralsk));
    add_user(&app, "curator.ura", Role::Curator, Some(District::Uralsk));
    add_user(&app, "front", Role::FrontOffice, None);
    add_user(&app, "admin", Role::Administrator, None);
    // It names a mediator of Uralsk's reconciliation centre (sample directory), in
    // another script than the directory's Latin name.
    let about_office = with(
        complaint(),
        json!({ "category": "other", "institution": "Медиатор Айгуль Сарсенова" }),
    );
    let conflict = app.submit(&submission(about_office)).await.tracking;
    let generic = with(complaint(), json!({ "institution": "Центр примирения, Уральск" }));
    let also = app.submit(&submission(generic)).await.tracking;
    let ordinary = app.submit(&submission(complaint())).await.tracking;
    let staff = log_in(&app, "staff.ura").await;
    let mediator = log_in(&app, "mediator.ura").await;
    let curator = log_in(&app, "curator.ura").await;
    let front = log_in(&app, "front").await;

    let listed = |inbox: InboxResponse| -> Vec<(String, bool)> {
        inbox.items.into_iter().map(|i| (i.tracking, i.conflict)).collect()
    };
    assert_eq!(listed(inbox(&app, &staff, "").await), [(ordinary.clone(), false)]);
    assert_eq!(listed(inbox(&app, &mediator, "").await), [(ordinary.clone(), false)]);
    let curators = listed(inbox(&app, &curator, "").await);
    assert_eq!(curators.len(), 3);
    assert!(curators.contains(&(conflict.clone(), true)) && curators.contains(&(also, true)));
    assert_eq!(inbox(&app, &front, "?district=URA").await.items.len(), 3);

    // The office named gets 403, and each refusal is audited.
    let view = format!("/api/v1/staff/submissions/{conflict}");
    assert_eq!(send(&app, Some(&staff), Method::GET, &view, None).await.status(), 403);
    assert_eq!(send(&app, Some(&mediator), Method::GET, &view, None).await.status(), 403);
    let note = json!({ "action": "note", "text": "I know this mediator." });
    assert_eq!(step(&app, &staff, &conflict, note).await.status(), 403);
    // It cannot be assigned to them either.
    let to_staff = json!({ "action": "assign", "to": "staff.ura" });
    assert_eq!(step(&app, &curator, &conflict, to_staff).await.status(), 400);

    // The curator handles it in full; on an ordinary item, a curator still only oversees.
    for body in [
        json!({ "action": "register" }),
        json!({ "action": "ask_info", "question": "When did it happen?" }),
        json!({ "action": "answer", "text": "The centre's head has been told." }),
        json!({ "action": "close" }),
    ] {
        assert_eq!(step(&app, &curator, &conflict, body.clone()).await.status(), 201, "{body}");
    }
    let close = json!({ "action": "close" });
    assert_eq!(step(&app, &curator, &ordinary, close).await.status(), 403);
    assert!(staff_view(&app, &front, &conflict).await.conflict);

    // Forwarded to another district, it is an ordinary item there.
    let forward = json!({ "action": "forward", "reason": "For Terekti's office.", "to": "TER" });
    assert_eq!(step(&app, &curator, &conflict, forward).await.status(), 201);
    add_user(&app, "staff.ter", Role::OfficeStaff, Some(District::Terekti));
    let terekti = log_in(&app, "staff.ter").await;
    assert!(!staff_view(&app, &terekti, &conflict).await.conflict);

    let admin = log_in(&app, "admin").await;
    let denied: Vec<_> = audit(&app, &admin)
        .await
        .entries
        .into_iter()
        .filter(|e| e.outcome == "denied" && e.target.as_deref() == Some(conflict.as_str()))
        .map(|e| (e.login.unwrap(), e.action))
        .collect();
    assert_eq!(denied.len(), 3, "{denied:?}");
    assert!(denied.contains(&("mediator.ura".into(), "read_submission".into())));
    assert!(denied.contains(&("staff.ura".into(), "note".into())));
}

async fn tasks(app: &TestApp, who: &Session) -> TasksResponse {
    let response = send(app, Some(who), Method::GET, "/api/v1/staff/tasks", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_third_complaint_about_a_school_in_30_days_asks_volunteers_for_one_visit_until_a_checklist_arrives()
 {
    let app = spawn_app().await;
    add_user(&app, "volunteer.ter", Role::Volunteer, Some(District::Terekti));
    add_user(&app, "volunteer.ura", Role::Volunteer, Some(District::Uralsk));
    let about_school = |institution: &str| {
        submission(with(complaint(), json!({ "district": "TER", "institution": institution })))
    };
    // Two about it, one about another school, one in another district: no task yet.
    app.submit(&about_school("Terekti secondary school No. 2")).await;
    app.submit(&about_school("TEREKTI  Secondary School no. 2")).await;
    app.submit(&about_school("Terekti school No. 9")).await;
    app.submit(&submission(with(
        complaint(),
        json!({ "institution": "Terekti secondary school No. 2" }),
    )))
    .await;
    let volunteer = log_in(&app, "volunteer.ter").await;
    assert!(tasks(&app, &volunteer).await.tasks.is_empty());

    // The third raises one task with the school checklist; a fourth adds no second one.
    app.submit(&about_school("Теректи secondary school No 2")).await;
    app.submit(&about_school("terekti secondary school No. 2")).await;
    let listed = tasks(&app, &volunteer).await;
    assert_eq!(listed.district, District::Terekti);
    assert_eq!(listed.tasks.len(), 1, "{listed:?}");
    let task = &listed.tasks[0];
    assert_eq!(task.form.id, "monitoring_school");
    assert_eq!(task.complaints, 3);
    assert_eq!(task.done_by, None);
    // Another district's volunteers neither see it nor may look.
    let elsewhere = log_in(&app, "volunteer.ura").await;
    assert!(tasks(&app, &elsewhere).await.tasks.is_empty());
    let peek = send(&app, Some(&elsewhere), Method::GET, "/api/v1/staff/tasks?district=TER", None);
    assert_eq!(peek.await.status(), StatusCode::FORBIDDEN);

    // The checklist about that school (the helper's) finishes it.
    let checklist = app.submit(&submission_of("monitoring_school", monitoring_school())).await;
    let listed = tasks(&app, &volunteer).await;
    assert_eq!(listed.tasks[0].done_by.as_deref(), Some(checklist.tracking.as_str()));
}

#[tokio::test]
async fn an_administrator_replaces_a_calendar_year_and_deadlines_and_devices_follow_it() {
    let app = spawn_app().await;
    add_user(&app, "admin", Role::Administrator, None);
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let tracking = store_at(&app, 3, datetime!(2026-08-31 04:00 UTC));
    let admin = log_in(&app, "admin").await;
    let staff = log_in(&app, "staff.ura").await;

    let public = app.get("/api/v1/calendar").await;
    assert_eq!(public.status(), StatusCode::OK);
    let etag = public.headers()[ETAG].to_str().unwrap().to_owned();
    let unchanged = app
        .client
        .get(app.url("/api/v1/calendar"))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(staff_view(&app, &staff, &tracking).await.answer_by, date!(2026 - 09 - 21));

    // A day off on Friday 4 September 2026 (say, a new holiday): one working day fewer.
    let mut year = shipped_year(2026);
    let days_off = year["days_off"].as_array_mut().unwrap();
    days_off.push(json!("2026-09-04"));
    days_off.sort_by_key(|d| d.as_str().unwrap().to_owned());
    let path = "/api/v1/staff/calendar/2026";
    let put = send(&app, Some(&staff), Method::PUT, path, Some(&year)).await;
    assert_eq!(put.status(), StatusCode::FORBIDDEN);
    let put = send(&app, Some(&admin), Method::PUT, path, Some(&year)).await;
    assert_eq!(put.status(), StatusCode::OK);
    assert_eq!(staff_view(&app, &staff, &tracking).await.answer_by, date!(2026 - 09 - 22));
    let public = app.get("/api/v1/calendar").await;
    assert_ne!(public.headers()[ETAG].to_str().unwrap(), etag);
    let calendar: adal_core::calendar::Calendar = public.json().await.unwrap();
    assert!(!calendar.is_working_day(date!(2026 - 09 - 04)));

    // Refused: a Saturday as a day off, a body of another year.
    let mut weekend = shipped_year(2026);
    weekend["days_off"].as_array_mut().unwrap().push(json!("2026-09-05"));
    let refused = send(&app, Some(&admin), Method::PUT, path, Some(&weekend)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(problem(refused).await.code.as_str(), "invalid_calendar");
    let mismatch = send(&app, Some(&admin), Method::PUT, path, Some(&shipped_year(2027))).await;
    assert_eq!(mismatch.status(), StatusCode::BAD_REQUEST);

    // It is stored: after a restart the edited year still counts, and the edit is audited.
    let app = app.restart().await;
    let staff = log_in(&app, "staff.ura").await;
    assert_eq!(staff_view(&app, &staff, &tracking).await.answer_by, date!(2026 - 09 - 22));
    let admin = log_in(&app, "admin").await;
    let edits = audit(&app, &admin).await.entries;
    let edits: Vec<_> = edits.iter().filter(|e| e.action == "manage_calendar").collect();
    assert_eq!(edits.iter().filter(|e| e.outcome == "allowed").count(), 1);
}

#[tokio::test]
async fn administrators_disable_reenable_and_change_accounts_but_never_disable_themselves() {
    let app = spawn_app().await;
    add_user(&app, "admin", Role::Administrator, None);
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let admin = log_in(&app, "admin").await;
    let staff = log_in(&app, "staff.ura").await;
    let change = |login: &str, body: Value| {
        let path = format!("/api/v1/staff/users/{login}");
        let admin = &admin;
        let app = &app;
        async move { send(app, Some(admin), Method::POST, &path, Some(&body)).await }
    };

    let listed = send(&app, Some(&admin), Method::GET, "/api/v1/staff/users", None).await;
    let listed: AccountsResponse = listed.json().await.unwrap();
    let logins: Vec<_> = listed.accounts.iter().map(|a| a.login.as_str()).collect();
    assert_eq!(logins, ["admin", "staff.ura"]);
    assert!(listed.accounts.iter().all(|a| !a.disabled));

    // Disabling ends the sessions and the logins.
    let disabled = change("staff.ura", json!({ "disabled": true })).await;
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_eq!(disabled.json::<Value>().await.unwrap()["disabled"], true);
    let me = send(&app, Some(&staff), Method::GET, "/api/v1/staff/me", None).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(post_login(&app, "staff.ura", PASSWORD).await.status(), 401);
    assert_eq!(change("staff.ura", json!({ "disabled": false })).await.status(), 200);
    log_in(&app, "staff.ura").await;

    // A new password: the old one stops working.
    let new_password = "violet-harbour-engine-82";
    let reset = change("staff.ura", json!({ "password": new_password })).await;
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(post_login(&app, "staff.ura", PASSWORD).await.status(), 401);
    assert_eq!(post_login(&app, "staff.ura", new_password).await.status(), 200);
    let weak = change("staff.ura", json!({ "password": "short" })).await;
    assert_eq!(weak.status(), StatusCode::BAD_REQUEST);

    // Role and district with the checks of a new account.
    let front = change("staff.ura", json!({ "role": "front_office" })).await;
    let front: Value = front.json().await.unwrap();
    assert_eq!((front["role"].clone(), front.get("district")), (json!("front_office"), None));
    let nowhere = change("staff.ura", json!({ "role": "curator" })).await;
    assert_eq!(nowhere.status(), StatusCode::BAD_REQUEST);
    let curator = change("staff.ura", json!({ "role": "curator", "district": "TER" })).await;
    assert_eq!(curator.json::<Value>().await.unwrap()["district"], "TER");

    let myself = change("admin", json!({ "disabled": true })).await;
    assert_eq!(myself.status(), StatusCode::CONFLICT);
    assert_eq!(problem(myself).await.code.as_str(), "cannot_disable_self");
    assert_eq!(change("nobody", json!({ "disabled": true })).await.status(), 404);
}

/// Security review, finding 1: the bulk reads returned a conflict item, with every
/// answer, to the very office it names. Every read path now decides as the single read.
#[tokio::test]
async fn a_conflict_item_reaches_no_one_by_a_bulk_read_whom_the_single_read_refuses() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "mediator.ura", Role::Mediator, Some(District::Uralsk));
    add_user(&app, "curator.ura", Role::Curator, Some(District::Uralsk));
    add_user(&app, "front", Role::FrontOffice, None);
    let secret_words = "Сарсенова asked for money to sign";
    let about_office = with(
        complaint(),
        json!({ "category": "other", "institution": "Медиатор Айгуль Сарсенова",
                "description": secret_words }),
    );
    let conflict = app.submit(&submission(about_office)).await.tracking;
    let ordinary = app.submit(&submission(complaint())).await.tracking;

    let mut cases = 0;
    for (login, sees_it) in
        [("staff.ura", false), ("mediator.ura", false), ("curator.ura", true), ("front", true)]
    {
        let who = log_in(&app, login).await;
        let single = format!("/api/v1/staff/submissions/{conflict}");
        let single = send(&app, Some(&who), Method::GET, &single, None).await.status();
        assert_eq!(single == StatusCode::OK, sees_it, "{login}: single read");
        let reads = [
            "/api/v1/staff/submissions?district=URA",
            "/api/v1/staff/submissions?district=URA&form=complaint",
            "/api/v1/staff/export.csv?district=URA",
            "/api/v1/staff/export.csv?district=URA&form=complaint",
            "/api/v1/staff/inbox?district=URA",
            "/api/v1/staff/inbox?district=URA&q=Сарсенова",
            &format!("/api/v1/staff/inbox?district=URA&q={conflict}"),
        ];
        let regional = ["/api/v1/staff/submissions", "/api/v1/staff/export.csv"];
        let reads =
            reads.iter().copied().chain(regional.iter().copied().filter(|_| login == "front"));
        for path in reads {
            let response = send(&app, Some(&who), Method::GET, path, None).await;
            assert_eq!(response.status(), StatusCode::OK, "{login} {path}");
            let body = response.text().await.unwrap();
            assert_eq!(body.contains(&conflict), sees_it, "{login} {path}");
            // The inbox shows a summary; the bulk reads every answer.
            if !path.contains("inbox") {
                assert_eq!(body.contains(secret_words), sees_it, "{login} {path}");
            }
            if !path.contains("q=") {
                assert!(body.contains(&ordinary), "{login} {path}");
            }
            cases += 1;
        }
    }
    assert_eq!(cases, 2 * 7 + 7 + 9);
}

#[tokio::test]
async fn the_receipt_shows_the_extensions_reason_and_new_day_and_staff_see_when_the_notice_is_due()
{
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let secret = secret();
    let request =
        SubmissionRequest { receipt_secret: Some(secret.clone()), ..submission(complaint()) };
    let receipt = app.submit(&request).await;
    let tracking = receipt.tracking;
    let staff = log_in(&app, "staff.ura").await;
    let before = app.status(&tracking, &secret).await;
    assert_eq!(before.extension, None, "nothing extended yet");

    let calendar = adal_core::calendar::Calendar::kazakhstan();
    let d = calendar.deadlines(receipt.received_at);
    let until = d.extended_answer_by;
    let reason = "Awaiting the school's reply.";
    let extend = json!({ "action": "extend", "reason": reason, "until": until.to_string() });
    let decided = time::OffsetDateTime::now_utc();
    assert_eq!(step(&app, &staff, &tracking, extend).await.status(), 201);

    // The citizen's receipt: the reason and the new answer day, not only in the timeline.
    let status = app.status(&tracking, &secret).await;
    let notice = status.extension.expect("the extension in force");
    assert_eq!(notice.reason.as_deref(), Some(reason));
    assert_eq!(notice.answer_by, until);
    let decided_on = adal_core::district::region_date(decided);
    assert_eq!(notice.decided_on, decided_on);
    // The notice is due 3 working days after the decision, not after registration.
    assert_eq!(notice.notice_by, calendar.add_working_days(decided_on, 3));
    let raw: Value = app.status_with(&tracking, Some(secret.expose())).await.json().await.unwrap();
    assert_eq!(raw["extension"]["answer_by"], until.to_string());
    assert_eq!(raw["extension"]["reason"], reason);

    // Staff see the same, with the day the notice is due.
    let seen = staff_view(&app, &staff, &tracking).await;
    assert_eq!(seen.extension.as_ref().map(|e| e.notice_by), Some(notice.notice_by));
    assert_eq!(seen.answer_by, until);
}

#[tokio::test]
async fn an_item_neither_registered_nor_forwarded_within_3_working_days_is_flagged_in_the_inbox() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let now = time::OffsetDateTime::now_utc();
    // Ten days ago: past its forwarding day (3 working days) whatever today is.
    let old = store_at(&app, 1, now - time::Duration::days(10));
    let forwarded = store_at(&app, 2, now - time::Duration::days(10));
    let registered = store_at(&app, 3, now - time::Duration::days(10));
    let fresh = store_at(&app, 4, now);
    let staff = log_in(&app, "staff.ura").await;
    // To another body: it stays in this inbox, forwarded.
    let forward = json!({ "action": "forward", "reason": "The akimat's matter." });
    assert_eq!(step(&app, &staff, &forwarded, forward).await.status(), 201);
    let register = json!({ "action": "register" });
    assert_eq!(step(&app, &staff, &registered, register).await.status(), 201);

    let listed = inbox(&app, &staff, "").await;
    let flagged: Vec<_> =
        listed.items.iter().filter(|i| i.forwarding_overdue).map(|i| i.tracking.as_str()).collect();
    assert_eq!(flagged, [old.as_str()]);
    for calm in [&fresh, &forwarded, &registered] {
        assert!(listed.items.iter().any(|i| &i.tracking == calm), "{calm} listed");
    }
    let raw: Value = send(&app, Some(&staff), Method::GET, "/api/v1/staff/inbox", None)
        .await
        .json()
        .await
        .unwrap();
    let first = raw["items"].as_array().unwrap().iter().find(|i| i["tracking"] == old).unwrap();
    assert_eq!(first["forwarding_overdue"], true);
    assert!(staff_view(&app, &staff, &old).await.forwarding_overdue);
    assert!(!staff_view(&app, &staff, &registered).await.forwarding_overdue);
}
