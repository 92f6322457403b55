//! The two-weekly report on a seeded data set: figures counted by hand, the CSV, and
//! published snapshots that a later event cannot change.
//!
//! Submissions are sent through the API; their dates are then set in the past, and
//! staff events written at known times, through the same function behind
//! `adal-server submissions event` — the API stamps everything "now".

use adal_core::District;
use adal_core::receipt::EventKind;
use adal_core::report::{PublishedList, PublishedReport, Report, hash_of};
use adal_core::staff::Role;
use adal_server::db::sql::params;
use adal_server::db::{clock::format_time, events};
use reqwest::StatusCode;
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::helpers::{
    StaffSession, TestApp, complaint, mediation_request, monitoring_school, problem,
    spawn_staff_app, submission, submission_of, with,
};

/// The SQLite file itself, for the measurement that writes rows by the thousand.
fn sqlite_file(app: &TestApp) -> rusqlite::Connection {
    rusqlite::Connection::open(app.data_dir.path().join(adal_server::db::FILE_NAME)).unwrap()
}

/// Sends `request` and sets its reception to `at` (its `received` event too).
async fn received_at(
    app: &TestApp,
    request: adal_core::api::SubmissionRequest,
    at: OffsetDateTime,
) -> String {
    let tracking = app.submit(&request).await.tracking;
    let at = format_time(at).unwrap();
    let set = tracking.clone();
    app.db()
        .call_blocking(move |conn| {
            conn.execute(
                "UPDATE submissions SET received_at = ?1 WHERE tracking = ?2",
                params![at, set],
            )?;
            conn.execute(
                "UPDATE submission_events SET at = ?1 WHERE kind = 'received' AND submission_id = \
                 (SELECT id FROM submissions WHERE tracking = ?2)",
                params![at, set],
            )
        })
        .unwrap();
    tracking
}

/// Records `kind` on `tracking` at `at`, as `adal-server submissions event` does.
fn event(app: &TestApp, tracking: &str, kind: EventKind, at: OffsetDateTime) {
    let db = app.db();
    assert!(
        db.call_blocking(|conn| events::append_by_tracking(conn, tracking, kind, at, None))
            .unwrap()
    );
}

fn complaint_about(
    district: &str,
    category: &str,
    institution: &str,
) -> adal_core::api::SubmissionRequest {
    submission(with(
        complaint(),
        json!({
        "district": district, "category": category, "institution": institution }),
    ))
}

/// The data set of `core::report`'s tests, through the server: 9–22 February 2026 (no
/// holidays), the period before it, Uralsk and Terekti.
async fn seed(app: &TestApp) -> Vec<String> {
    use EventKind::*;
    // A: answered on the 4th working day (and corrected later: still one answer).
    let a = received_at(
        app,
        complaint_about("URA", "school", "School No. 12"),
        datetime!(2026-02-09 10:00 +5),
    )
    .await;
    event(app, &a, Registered, datetime!(2026-02-09 11:00 +5));
    event(app, &a, Answered, datetime!(2026-02-13 12:00 +5));
    event(app, &a, Answered, datetime!(2026-02-20 12:00 +5));
    // B: registered and forwarded.
    let b = received_at(
        app,
        complaint_about("URA", "school", "school no. 12"),
        datetime!(2026-02-10 09:00 +5),
    )
    .await;
    event(app, &b, Registered, datetime!(2026-02-10 09:30 +5));
    event(app, &b, Forwarded, datetime!(2026-02-11 10:00 +5));
    // C, D, E: one clinic in two spellings, in two districts.
    let c = received_at(
        app,
        complaint_about("URA", "clinic", "Акжаик clinic"),
        datetime!(2026-02-16 19:00 +5),
    )
    .await;
    event(app, &c, Registered, datetime!(2026-02-17 09:00 +5));
    received_at(
        app,
        complaint_about("URA", "clinic", "Акжаик clinic"),
        datetime!(2026-02-20 10:00 +5),
    )
    .await;
    received_at(
        app,
        complaint_about("TER", "akimat", "Ақжайық clinic"),
        datetime!(2026-02-11 10:00 +5),
    )
    .await;
    // F: a mediation ending in an act.
    let mediation =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    let f = received_at(app, mediation, datetime!(2026-02-12 10:00 +5)).await;
    event(app, &f, Registered, datetime!(2026-02-12 11:00 +5));
    event(app, &f, ActSigned, datetime!(2026-02-20 15:00 +5));
    // G: a monitoring visit sent at 20:00 UTC on 8 February, 01:00 on the 9th in Uralsk.
    let visit =
        submission_of("monitoring_school", with(monitoring_school(), json!({ "district": "URA" })));
    received_at(app, visit, datetime!(2026-02-08 20:00 UTC)).await;
    // H: January, answer_by 2 February, answered 10 February: late, 21 working days.
    let h = received_at(
        app,
        complaint_about("URA", "school", "Old school"),
        datetime!(2026-01-12 10:00 +5),
    )
    .await;
    event(app, &h, Registered, datetime!(2026-01-12 11:00 +5));
    event(app, &h, Answered, datetime!(2026-02-10 10:00 +5));
    // I: extended (to the legal two months), answered 16 February: on time, 24 days.
    let i = received_at(
        app,
        complaint_about("URA", "school", "Old school"),
        datetime!(2026-01-13 10:00 +5),
    )
    .await;
    event(app, &i, Registered, datetime!(2026-01-13 11:00 +5));
    event(app, &i, Extended, datetime!(2026-01-30 10:00 +5));
    event(app, &i, Answered, datetime!(2026-02-16 10:00 +5));
    // J: answer_by 4 February, answered 9 February: late, 18 working days.
    let j = received_at(
        app,
        complaint_about("URA", "school", "Old school"),
        datetime!(2026-01-14 10:00 +5),
    )
    .await;
    event(app, &j, Registered, datetime!(2026-01-14 11:00 +5));
    event(app, &j, Answered, datetime!(2026-02-09 16:00 +5));
    vec![a, b]
}

async fn report(app: &TestApp, who: &StaffSession, query: &str) -> Report {
    let response = app.staff_send(who, "en", &format!("/api/v1/staff/reports?{query}"), None).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_report_counts_a_districts_and_the_regions_two_weeks_as_counted_by_hand() {
    let app = spawn_staff_app().await;
    seed(&app).await;
    let curator = app.staff_session("curator.ura", Role::Curator, Some(District::Uralsk)).await;
    let front = app.staff_session("front.2", Role::FrontOffice, None).await;

    let uralsk = report(&app, &curator, "period=2026-02-15&district=URA").await;
    assert_eq!(uralsk.period.start().to_string(), "2026-02-09");
    let f = &uralsk.figures;
    assert_eq!(f.received, 6);
    assert_eq!(
        serde_json::to_value(&f.received_by_form).unwrap(),
        json!({ "complaint": 4, "mediation_request": 1, "monitoring_school": 1 })
    );
    assert_eq!(
        serde_json::to_value(&f.received_by_category).unwrap(),
        json!({ "clinic": 2, "school": 2 })
    );
    assert_eq!((f.registered, f.forwarded), (4, 1));
    assert_eq!((f.answered_on_time, f.answered_late), (2, 2));
    assert_eq!((f.acts_signed, f.monitoring_visits), (1, 1));
    assert_eq!(f.median_working_days_to_answer, Some(19.5));
    let top: Vec<_> = f.top_institutions.iter().map(|i| (i.name.as_str(), i.count)).collect();
    assert_eq!(top, [("Акжаик clinic", 2), ("School No. 12", 2)]);

    let region = report(&app, &front, "period=2026-02-09").await;
    assert_eq!(region.district, None);
    assert_eq!(region.figures.received, 7);
    let top: Vec<_> =
        region.figures.top_institutions.iter().map(|i| (i.name.as_str(), i.count)).collect();
    assert_eq!(top, [("Акжаик clinic", 3), ("School No. 12", 2)]);
    let terekti = region.districts.iter().find(|d| d.district == District::Terekti).unwrap();
    assert_eq!(terekti.figures.received_by_category.get("akimat"), Some(&1));
    assert_eq!(
        region.districts.iter().find(|d| d.district == District::Uralsk).unwrap().figures,
        uralsk.figures
    );

    // The period before: the January complaints.
    let january = report(&app, &curator, "period=2026-01-25&district=URA").await;
    assert_eq!((january.figures.received, january.figures.registered), (3, 3));

    // A curator reads their district, not the region nor another district.
    for query in ["period=2026-02-09", "period=2026-02-09&district=TER"] {
        let path = format!("/api/v1/staff/reports?{query}");
        assert_eq!(
            app.staff_send(&curator, "en", &path, None).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    for query in ["period=2026-02-31", "period=soon", "district=XXX"] {
        let path = format!("/api/v1/staff/reports?{query}");
        assert_eq!(problem(app.staff_send(&front, "en", &path, None).await).await.status, 400);
    }
}

#[tokio::test]
async fn the_csv_has_a_byte_order_mark_a_header_and_one_figure_a_line() {
    let app = spawn_staff_app().await;
    seed(&app).await;
    let front = app.staff_session("front.2", Role::FrontOffice, None).await;
    let response =
        app.staff_send(&front, "en", "/api/v1/staff/reports.csv?period=2026-02-09", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("report-2026-02-09-region.csv")
    );
    let body = response.text().await.unwrap();
    let body = body.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    let lines: Vec<_> = body.lines().collect();
    assert_eq!(lines[0], "period_start,period_end,district,figure,key,value");
    for line in [
        "2026-02-09,2026-02-22,region,received,,7",
        "2026-02-09,2026-02-22,region,top_institution,Акжаик clinic,3",
        "2026-02-09,2026-02-22,URA,received_by_form,mediation_request,1",
        "2026-02-09,2026-02-22,URA,median_working_days_to_answer,,19.5",
        "2026-02-09,2026-02-22,TER,received_by_category,akimat,1",
        "2026-02-09,2026-02-22,ZHG,received,,0",
    ] {
        assert!(lines.contains(&line), "{line} missing");
    }
}

#[tokio::test]
async fn a_published_snapshot_never_changes_and_anyone_can_check_its_hash() {
    // Arrange: the data set, a front-office member and a curator.
    let app = spawn_staff_app().await;
    let seeded = seed(&app).await;
    let front = app.staff_session("front.2", Role::FrontOffice, None).await;
    let curator = app.staff_session("curator.ura", Role::Curator, Some(District::Uralsk)).await;
    let publish = |who, body| {
        let app = &app;
        async move { app.staff_send(who, "en", "/api/v1/staff/reports/publish", Some(&body)).await }
    };

    // Act: publish the region's February period.
    let response = publish(&front, json!({ "period": "2026-02-15" })).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let published: PublishedReport = response.json().await.unwrap();
    assert_eq!(published.url, format!("/api/v1/reports/{}", published.hash));

    // Assert: anyone reads the very bytes that were hashed.
    let public = app.client.get(app.url(&published.url)).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    assert!(public.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let bytes = public.text().await.unwrap();
    assert_eq!(hash_of(&bytes), published.hash);
    let frozen: Report = serde_json::from_str(&bytes).unwrap();
    assert_eq!(frozen.figures.answered_on_time, 2);

    // A later answer, dated in the period, changes the live figures but not the snapshot.
    event(&app, &seeded[1], EventKind::Answered, datetime!(2026-02-12 10:00 +5));
    let live = report(&app, &front, "period=2026-02-09").await;
    assert_eq!(live.figures.answered_on_time, 3);
    let again = publish(&front, json!({ "period": "2026-02-09" })).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: PublishedReport = again.json().await.unwrap();
    assert_eq!(again, published);
    let public = app.client.get(app.url(&published.url)).send().await.unwrap();
    assert_eq!(public.text().await.unwrap(), bytes);

    // The table itself refuses to be changed.
    let db = app.db();
    let update = db.call_blocking(|conn| {
        conn.execute("UPDATE report_snapshots SET content = '{}'", params![])
    });
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(
        db.call_blocking(|conn| conn.execute("DELETE FROM report_snapshots", params![])).is_err()
    );

    // A district's snapshot is its own; the curator publishes and lists it.
    let district = publish(&curator, json!({ "period": "2026-02-09", "district": "URA" })).await;
    assert_eq!(district.status(), StatusCode::CREATED);
    let district: PublishedReport = district.json().await.unwrap();
    assert_ne!(district.hash, published.hash);
    let path = "/api/v1/staff/reports/published?district=URA";
    let list: PublishedList =
        app.staff_send(&curator, "en", path, None).await.json().await.unwrap();
    assert_eq!(list.reports, std::slice::from_ref(&district));
    let all: PublishedList = app
        .staff_send(&front, "en", "/api/v1/staff/reports/published", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.reports.len(), 2);

    // A period not over yet is not published; unknown hashes are simply not found.
    let today = adal_core::district::region_date(OffsetDateTime::now_utc()).to_string();
    let early = problem(publish(&front, json!({ "period": today })).await).await;
    assert_eq!((early.status, early.code.as_str()), (422, "period_not_over"));
    for hash in ["0".repeat(64), "not-a-hash".into(), published.hash.to_uppercase()] {
        let response =
            app.client.get(app.url(&format!("/api/v1/reports/{hash}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    // Each publication is in the audit log.
    let publishes: i64 = db
        .call_blocking(|conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM audit_log \
                 WHERE action = 'publish_report' AND outcome = 'allowed'",
                params![],
                |r| r.get(0),
            )
        })
        .unwrap();
    assert_eq!(publishes, 3);
}

/// Not a check but a measurement: `cargo test -p adal-server --test api -- --ignored
/// reports::a_region_report` prints how long the region's report takes over a year of
/// submissions (50,000, three events each, written straight into the database).
#[tokio::test]
#[ignore = "a measurement; run by hand"]
async fn a_region_report_over_a_year_of_submissions_takes() {
    let app = spawn_staff_app().await;
    let front = app.staff_session("front.2", Role::FrontOffice, None).await;
    let template = app.submit(&complaint_about("URA", "school", "School No. 12")).await.tracking;
    let mut conn = sqlite_file(&app);
    let tx = conn.transaction().unwrap();
    let start = datetime!(2026-01-01 09:00 +5);
    for n in 0..50_000i64 {
        let district = District::ALL[n as usize % District::ALL.len()];
        let at = start + time::Duration::minutes(n * 10);
        let id = uuid::Uuid::new_v4().to_string();
        tx.execute(
            "INSERT INTO submissions (id, fingerprint, form_id, form_version, district, tracking, \
             answers, received_at) SELECT ?1, fingerprint, form_id, form_version, ?2, ?3, \
             json_set(answers, '$.institution', ?4), ?5 FROM submissions WHERE tracking = ?6",
            (
                &id,
                district.code(),
                format!("M-{n}"),
                format!("School No. {}", n % 300),
                format_time(at).unwrap(),
                &template,
            ),
        )
        .unwrap();
        for (kind, after) in [("received", 0), ("registered", 60), ("answered", 60 * 24 * 12)] {
            let when = format_time(at + time::Duration::minutes(after)).unwrap();
            tx.execute(
                "INSERT INTO submission_events (submission_id, kind, at) VALUES (?1, ?2, ?3)",
                (&id, kind, &when),
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let region = report(&app, &front, "period=2026-03-09").await;
        println!(
            "region report over 50,000 submissions: {} ms ({} received in the period)",
            started.elapsed().as_millis(),
            region.figures.received
        );
    }
}

/// Security review, finding 4: an institution a citizen typed as a formula reached the
/// report's CSV as a formula; a spreadsheet now shows it as the text it is.
#[tokio::test]
async fn a_formula_typed_by_a_citizen_reaches_the_csv_as_text() {
    let app = spawn_staff_app().await;
    let formula = "=HYPERLINK(\"http://evil.example\";\"School No. 5\")";
    let at = datetime!(2026-02-10 10:00 +05:00);
    for _ in 0..2 {
        received_at(&app, complaint_about("URA", "school", formula), at).await;
        received_at(&app, complaint_about("URA", "school", "-1+1"), at).await;
    }
    let front = app.staff_session("front.2", Role::FrontOffice, None).await;
    let path = "/api/v1/staff/reports.csv?period=2026-02-09&district=URA";
    let response = app.staff_send(&front, "en", path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let institutions: Vec<String> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[3] == "top_institution")
        .map(|r| r[4].to_owned())
        .collect();
    assert!(institutions.contains(&format!("'{formula}")), "{institutions:?}");
    assert!(institutions.contains(&"'-1+1".to_owned()), "{institutions:?}");
    assert!(institutions.iter().all(|cell| !cell.starts_with(['=', '+', '-', '@'])));
}

#[tokio::test]
async fn the_report_measures_forwarding_mediations_first_sessions_and_open_complaints_past_their_day()
 {
    use EventKind::*;
    let app = spawn_staff_app().await;
    let front = app.staff_session("front.2", Role::FrontOffice, None).await;
    // May 2026, the period 4–17 May (1, 7 and 11 May off). Forwarded on time: received
    // Saturday 9 May at 20:00, registered Tuesday 12, forward by Friday 15; forwarded 15.
    let on_time = received_at(
        &app,
        complaint_about("URA", "akimat", "Akimat"),
        datetime!(2026-05-09 20:00 +5),
    )
    .await;
    event(&app, &on_time, Forwarded, datetime!(2026-05-15 17:00 +5));
    // Forwarded late: received Monday 4 May, forward by Friday 8; forwarded Tuesday 12.
    let late = received_at(
        &app,
        complaint_about("URA", "akimat", "Akimat"),
        datetime!(2026-05-04 10:00 +5),
    )
    .await;
    event(&app, &late, Forwarded, datetime!(2026-05-12 10:00 +5));
    // A monitoring checklist closed with an "answer": no answer day, not in those figures.
    let visit =
        submission_of("monitoring_school", with(monitoring_school(), json!({ "district": "URA" })));
    let visit = received_at(&app, visit, datetime!(2026-04-01 10:00 +5)).await;
    event(&app, &visit, Answered, datetime!(2026-05-14 10:00 +5));
    // A mediation request received Monday 4 May, first session Wednesday 13 May: 5
    // working days (5, 6, 8, 12, 13).
    let mediation =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "TER" })));
    let mediation = received_at(&app, mediation, datetime!(2026-05-04 10:00 +5)).await;
    event(&app, &mediation, SessionHeld, datetime!(2026-05-13 11:00 +5));
    // A complaint of 1 April (answer by 22 April), never answered: open and past its day
    // at the end of the period, though nothing happened to it in the period.
    received_at(&app, complaint_about("TER", "school", "School"), datetime!(2026-04-01 10:00 +5))
        .await;

    let region = report(&app, &front, "period=2026-05-10").await;
    let f = &region.figures;
    assert_eq!((f.forwarded, f.forwarded_on_time, f.forwarded_late), (2, 1, 1));
    assert_eq!((f.answered_on_time, f.answered_late), (0, 0), "the checklist is no appeal");
    assert_eq!(f.mediation_first_sessions, 1);
    assert_eq!(f.median_working_days_to_first_session, Some(5.0));
    assert_eq!(f.open_past_answer_day, 1);
    let terekti = &region.districts.iter().find(|d| d.district == District::Terekti).unwrap();
    assert_eq!(terekti.figures.open_past_answer_day, 1);
    let uralsk = &region.districts.iter().find(|d| d.district == District::Uralsk).unwrap();
    assert_eq!((uralsk.figures.forwarded_late, uralsk.figures.open_past_answer_day), (1, 0));

    let csv = app
        .staff_send(&front, "en", "/api/v1/staff/reports.csv?period=2026-05-10", None)
        .await
        .text()
        .await
        .unwrap();
    for line in [
        "2026-05-04,2026-05-17,region,forwarded_on_time,,1",
        "2026-05-04,2026-05-17,region,forwarded_late,,1",
        "2026-05-04,2026-05-17,TER,median_working_days_to_first_session,,5",
        "2026-05-04,2026-05-17,TER,open_past_answer_day,,1",
        "2026-05-04,2026-05-17,URA,open_past_answer_day,,0",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} missing from {csv}");
    }
}

#[tokio::test]
async fn a_published_snapshot_says_no_name_phone_iin_or_word_a_citizen_typed() {
    // Arrange: in a finished period, a complaint signed with a name and a phone about an
    // "institution" that is really a person, and a mediation request with IINs and names.
    let app = spawn_staff_app().await;
    let complaint = with(
        complaint(),
        json!({
            "district": "URA",
            "institution": "Teacher Zhanargul Nurlanovna, call +77017778899",
            "description": "Zhanargul Nurlanovna asked for 20000 tenge for the exam.",
            "name": "Aigerim Sadykova",
            "phone": "+7 701 234 56 78",
        }),
    );
    let at = datetime!(2026-02-10 10:00 +5);
    let tracking = received_at(&app, submission(complaint), at).await;
    event(&app, &tracking, EventKind::Registered, at);
    let mediation =
        submission_of("mediation_request", with(mediation_request(), json!({ "district": "URA" })));
    received_at(&app, mediation, at).await;
    let front = app.staff_session("front.pii", Role::FrontOffice, None).await;
    let curator = app.staff_session("curator.pii", Role::Curator, Some(District::Uralsk)).await;
    // The live report, for staff, still names what was complained about.
    let live = report(&app, &curator, "period=2026-02-09&district=URA").await;
    assert_eq!(live.figures.top_institutions.len(), 1);

    // Act: publish the region's and the district's report.
    for (who, body) in [
        (&front, json!({ "period": "2026-02-09" })),
        (&curator, json!({ "period": "2026-02-09", "district": "URA" })),
    ] {
        let response =
            app.staff_send(who, "en", "/api/v1/staff/reports/publish", Some(&body)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }

    // Assert: the public list, with no session, names both, and neither says anything
    // personal or anything typed; the figures are still there.
    let list = app.client.get(app.url("/api/v1/reports")).send().await.unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    let list: PublishedList = list.json().await.unwrap();
    assert_eq!(list.reports.len(), 2);
    for published in &list.reports {
        let public = app.client.get(app.url(&published.url)).send().await.unwrap();
        let bytes = public.text().await.unwrap();
        assert_eq!(hash_of(&bytes), published.hash);
        for personal in [
            "Aigerim",
            "Sadykova",
            "Zhanargul",
            "Nurlanovna",
            "Bolat",
            "7017778899",
            "701 234",
            "7012345678",
            "705 111",
            "900101300007",
            "tenge",
            "pipe",
            "cellar",
            "Teacher",
        ] {
            assert!(!bytes.contains(personal), "{personal} in {bytes}");
        }
        let frozen: Report = serde_json::from_str(&bytes).unwrap();
        assert_eq!(frozen.figures.received, 2);
        assert_eq!(frozen.figures.received_by_category.get("school"), Some(&1));
    }
}

#[tokio::test]
async fn the_list_of_published_reports_is_public_and_newest_first() {
    let app = spawn_staff_app().await;
    let empty = app.client.get(app.url("/api/v1/reports")).send().await.unwrap();
    assert_eq!(empty.status(), StatusCode::OK);
    assert_eq!(empty.headers()["cache-control"], "no-cache");
    assert!(empty.json::<PublishedList>().await.unwrap().reports.is_empty());
    let front = app.staff_session("front.list", Role::FrontOffice, None).await;
    for period in ["2026-01-12", "2026-02-09"] {
        let body = json!({ "period": period });
        app.staff_send(&front, "en", "/api/v1/staff/reports/publish", Some(&body)).await;
    }
    let list: PublishedList =
        app.client.get(app.url("/api/v1/reports")).send().await.unwrap().json().await.unwrap();
    let starts: Vec<String> = list.reports.iter().map(|r| r.period.start().to_string()).collect();
    assert_eq!(starts, ["2026-02-09", "2026-01-12"]);
    assert!(list.reports.iter().all(|r| r.district.is_none()));
}

#[tokio::test]
async fn the_public_reports_are_rate_limited_like_submissions() {
    let app = crate::helpers::spawn_app_with(crate::helpers::tiny_rate_limit(2)).await;
    let get = |path: &'static str| app.client.get(app.url(path)).send();
    assert_eq!(get("/api/v1/reports").await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("/api/v1/reports").await.unwrap().status(), StatusCode::OK);
    let third = get("/api/v1/reports").await.unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let one =
        get("/api/v1/reports/0000000000000000000000000000000000000000000000000000000000000000");
    assert_eq!(one.await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(problem(third).await.code.as_str(), "rate_limited");
}
