//! The curator's and the front office's region-wide view of what is due
//! (`GET /api/v1/staff/overview`), and what a curator may read beyond their district.

use adal_core::District;
use adal_core::staff::{Overview, Role, StaffSubmission};
use adal_server::db::clock::format_time;
use adal_server::db::sql::params;
use reqwest::{Method, StatusCode};
use serde_json::json;
use time::macros::datetime;

use crate::helpers::{TestApp, complaint, spawn_app, submission, with};
use crate::staff::{Session, add_user, log_in, send};

/// Sends a complaint to `district` naming `institution`, received at `at`.
async fn complaint_in(app: &TestApp, district: &str, institution: &str, at: &str) -> String {
    let answers = with(complaint(), json!({ "district": district, "institution": institution }));
    let tracking = app.submit(&submission(answers)).await.tracking;
    let (at, set) = (at.to_owned(), tracking.clone());
    app.db()
        .call_blocking(move |conn| {
            conn.execute(
                "UPDATE submissions SET received_at = ?1 WHERE tracking = ?2",
                params![at, set],
            )
        })
        .unwrap();
    tracking
}

/// Marks `tracking` as naming its district's own office, as triage would have.
fn make_conflict(app: &TestApp, tracking: &str, district: &str) {
    let (district, tracking) = (district.to_owned(), tracking.to_owned());
    app.db()
        .call_blocking(move |conn| {
            conn.execute(
                "UPDATE submissions SET conflict_district = ?1 WHERE tracking = ?2",
                params![district, tracking],
            )
        })
        .unwrap();
}

async fn overview(app: &TestApp, who: &Session) -> Overview {
    let response = send(app, Some(who), Method::GET, "/api/v1/staff/overview", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_curator_sees_every_districts_overdue_items_and_their_own_conflict_items_first() {
    // Arrange: an overdue complaint in Terekti, a conflict item in Uralsk and one in
    // Terekti (the Terekti curator's alone), and a fresh one in Uralsk.
    let app = spawn_app().await;
    add_user(&app, "curator.ura", Role::Curator, Some(District::Uralsk));
    add_user(&app, "front", Role::FrontOffice, None);
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "mediator.ter", Role::Mediator, Some(District::Terekti));
    let long_ago = format_time(datetime!(2026-03-02 05:00 UTC)).unwrap();
    let now = format_time(time::OffsetDateTime::now_utc()).unwrap();
    let overdue = complaint_in(&app, "TER", "Terekti school No. 2", &long_ago).await;
    let conflict = complaint_in(&app, "URA", "Uralsk integrity office", &now).await;
    make_conflict(&app, &conflict, "URA");
    let theirs = complaint_in(&app, "TER", "Terekti integrity office", &long_ago).await;
    make_conflict(&app, &theirs, "TER");
    let fresh = complaint_in(&app, "URA", "School No. 12", &now).await;
    let curator = log_in(&app, "curator.ura").await;
    let front = log_in(&app, "front").await;

    // Act
    let seen = overview(&app, &curator).await;
    let whole = overview(&app, &front).await;

    // Assert: the curator's own conflict item first, then what is late in any district;
    // another district's conflict item is not theirs to see.
    let listed: Vec<_> = seen.items.iter().map(|i| i.tracking.as_str()).collect();
    assert_eq!(listed, [conflict.as_str(), overdue.as_str()]);
    assert!(!listed.contains(&fresh.as_str()), "not late, counted only");
    assert_eq!(seen.districts.len(), District::ALL.len());
    let line = |o: &Overview, d: District| o.districts.iter().find(|l| l.district == d).cloned();
    let ter = line(&seen, District::Terekti).unwrap();
    assert_eq!((ter.open, ter.overdue, ter.conflict), (1, 1, 0));
    let ura = line(&seen, District::Uralsk).unwrap();
    assert_eq!((ura.open, ura.overdue, ura.conflict), (2, 0, 1));
    // The front office handles every conflict item: both come first.
    let listed: Vec<_> = whole.items.iter().map(|i| i.tracking.as_str()).collect();
    assert_eq!(listed.len(), 3);
    assert!(whole.items[..2].iter().all(|i| i.conflict), "{listed:?}");
    assert_eq!(line(&whole, District::Terekti).unwrap().overdue, 2);

    // The curator opens the other district's overdue item, and reads that inbox, but
    // may not act on it nor open its conflict item.
    let path = format!("/api/v1/staff/submissions/{overdue}");
    let opened = send(&app, Some(&curator), Method::GET, &path, None).await;
    assert_eq!(opened.status(), StatusCode::OK);
    let opened: StaffSubmission = opened.json().await.unwrap();
    assert!(opened.days_left < 0);
    let note = json!({ "action": "note", "text": "Please answer this week." });
    let events = format!("/api/v1/staff/submissions/{overdue}/events");
    let refused = send(&app, Some(&curator), Method::POST, &events, Some(&note)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let inbox = send(&app, Some(&curator), Method::GET, "/api/v1/staff/inbox?district=TER", None);
    assert_eq!(inbox.await.status(), StatusCode::OK);
    let path = format!("/api/v1/staff/submissions/{theirs}");
    let hidden = send(&app, Some(&curator), Method::GET, &path, None).await;
    assert_eq!(hidden.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_district_clerk_and_a_mediator_have_no_regional_view_nor_another_districts_items() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "mediator.ura", Role::Mediator, Some(District::Uralsk));
    add_user(&app, "admin", Role::Administrator, None);
    let now = format_time(time::OffsetDateTime::now_utc()).unwrap();
    let elsewhere = complaint_in(&app, "TER", "Terekti school No. 2", &now).await;
    for login in ["staff.ura", "mediator.ura", "admin"] {
        let who = log_in(&app, login).await;
        let response = send(&app, Some(&who), Method::GET, "/api/v1/staff/overview", None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{login}");
        let path = format!("/api/v1/staff/submissions/{elsewhere}");
        let response = send(&app, Some(&who), Method::GET, &path, None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{login}");
    }
    let anonymous = send(&app, None, Method::GET, "/api/v1/staff/overview", None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
