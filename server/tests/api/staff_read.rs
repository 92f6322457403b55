//! The staff's bulk reads: pages of submissions and the CSV export, behind a staff
//! session and the policy (see also the matrix in `staff.rs`).

use std::collections::HashSet;

use adal_core::District;
use adal_core::api::{ProblemCode, Receipt, SubmissionPage};
use adal_core::staff::{Role, StaffSubmission};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde_json::json;

use crate::helpers::{
    TestApp, complaint, monitoring_clinic, problem, spawn_app, spawn_staff_app, submission,
    submission_of, with,
};

impl TestApp {
    /// A page of the staff list that must be answered 200.
    async fn page(&self, query: &str) -> SubmissionPage {
        let response = self.staff_get(&format!("/api/v1/staff/submissions{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        response.json().await.unwrap()
    }

    /// The export, which must be answered 200, as CSV records after the header.
    async fn export_csv(&self, query: &str) -> Vec<csv::StringRecord> {
        let response = self.staff_get(&format!("/api/v1/staff/export.csv{query}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
        let text = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<_> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(
            header,
            ["tracking", "id", "form_id", "form_version", "district", "received_at", "answers"]
        );
        reader.records().map(Result::unwrap).collect()
    }

    /// Stores `count` complaints in batches; returns their receipts in order.
    async fn store_complaints(&self, count: usize, district: &str) -> Vec<Receipt> {
        let mut receipts = Vec::new();
        let requests: Vec<_> = (0..count)
            .map(|_| submission(with(complaint(), json!({ "district": district }))))
            .collect();
        for chunk in requests.chunks(100) {
            for outcome in self.batch(chunk).await {
                let adal_core::api::BatchOutcome::Stored { receipt, .. } = outcome else {
                    panic!("refused: {outcome:?}")
                };
                receipts.push(receipt);
            }
        }
        receipts
    }
}

#[tokio::test]
async fn without_a_live_session_the_bulk_reads_are_refused_as_unauthenticated() {
    let app = spawn_app().await;
    app.submit(&submission(complaint())).await;

    for path in ["/api/v1/staff/submissions", "/api/v1/staff/export.csv"] {
        let missing = app.staff_get_as(None, path).await;
        let wrong = app.staff_get_as(Some("adal_staff=guess"), path).await;
        let bearer = app.client.get(app.url(path)).bearer_auth("guess").send().await.unwrap();
        for response in [missing, wrong, bearer] {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(problem(response).await.code, ProblemCode::Unauthenticated, "{path}");
        }
    }
}

#[tokio::test]
async fn district_staff_read_their_own_district_only_and_administrators_none() {
    let app = spawn_staff_app().await;
    app.store_complaints(2, "URA").await;
    app.store_complaints(1, "TER").await;
    let office = app.log_in_staff("office_ura", Role::OfficeStaff, Some(District::Uralsk)).await;
    let admin = app.log_in_staff("admin", Role::Administrator, None).await;

    // Their own district by default, or named.
    let own: SubmissionPage =
        app.staff_get_as(Some(&office), "/api/v1/staff/submissions").await.json().await.unwrap();
    assert_eq!(own.submissions.len(), 2);
    assert!(own.submissions.iter().all(|s| s.district == District::Uralsk));
    let csv = app.staff_get_as(Some(&office), "/api/v1/staff/export.csv?district=URA").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.text().await.unwrap().lines().count(), 3, "the header and two rows");

    for (cookie, path) in [
        (&office, "/api/v1/staff/submissions?district=TER"),
        (&office, "/api/v1/staff/export.csv?district=TER"),
        (&admin, "/api/v1/staff/submissions"),
        (&admin, "/api/v1/staff/export.csv"),
    ] {
        let response = app.staff_get_as(Some(cookie), path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(problem(response).await.code, ProblemCode::Forbidden, "{path}");
    }
}

#[tokio::test]
async fn pages_list_every_submission_once_newest_first() {
    let app = spawn_staff_app().await;
    let mut receipts = Vec::new();
    for _ in 0..7 {
        receipts.push(app.submit(&submission(complaint())).await);
    }

    let mut seen = Vec::new();
    let mut query = "?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = app.page(&query).await;
        pages += 1;
        assert!(page.submissions.len() <= 3);
        seen.extend(page.submissions);
        match page.next {
            Some(next) => query = format!("?limit=3&after={next}"),
            None => break,
        }
    }

    assert_eq!(pages, 3);
    let tracking: Vec<_> = seen.iter().map(|s| s.tracking.clone()).collect();
    let expected: Vec<_> = receipts.iter().map(|r| r.tracking.clone()).collect();
    // Submissions of the same millisecond may list in either order; none is missed.
    assert_eq!(tracking.iter().collect::<HashSet<_>>(), expected.iter().collect::<HashSet<_>>());
    assert_eq!(tracking.len(), 7);
    assert!(seen.windows(2).all(|w| w[0].received_at >= w[1].received_at), "newest first");
    assert_eq!(seen[0].answers["district"], "URA");
    assert_eq!(seen[0].answers["phone"], "+77012345678", "as stored: normalised");
}

#[tokio::test]
async fn pages_filter_by_district_and_by_form() {
    let app = spawn_staff_app().await;
    app.store_complaints(3, "URA").await;
    let terekti = app.store_complaints(2, "TER").await;
    // Without its photo, which would have to be uploaded first (see `attachments.rs`).
    let clinic_answers = with(monitoring_clinic(), json!({ "photos": null }));
    let clinic = app.submit(&submission_of("monitoring_clinic", clinic_answers)).await;

    let ter = app.page("?district=TER").await;
    let ter_lower = app.page("?district=ter&form=").await;
    let clinics = app.page("?form=monitoring_clinic").await;
    let both = app.page("?district=URA&form=complaint").await;
    let everything = app.page("?district=&form=").await;

    let tracking = |page: &SubmissionPage| -> HashSet<String> {
        page.submissions.iter().map(|s| s.tracking.clone()).collect()
    };
    assert_eq!(tracking(&ter), terekti.iter().map(|r| r.tracking.clone()).collect());
    assert_eq!(tracking(&ter_lower), tracking(&ter));
    assert_eq!(tracking(&clinics), HashSet::from([clinic.tracking.clone()]));
    assert_eq!(both.submissions.len(), 3);
    assert!(both.submissions.iter().all(|s| s.form.id == "complaint"));
    assert_eq!(everything.submissions.len(), 6);
    assert!(everything.next.is_none());
}

#[tokio::test]
async fn one_submission_is_read_by_its_tracking_number_in_any_case() {
    // The bench branch's interim single-record route gave way to the staff API's own
    // `GET /api/v1/staff/submissions/{tracking}`: the same promises hold there.
    let app = spawn_staff_app().await;
    let request = submission(complaint());
    let receipt = app.submit(&request).await;

    let response = app.staff_get(&format!("/api/v1/staff/submissions/{}", receipt.tracking)).await;
    let lower = app
        .staff_get(&format!("/api/v1/staff/submissions/{}", receipt.tracking.to_lowercase()))
        .await;
    let unknown = app.staff_get("/api/v1/staff/submissions/URA-2020-99999").await;
    let garbage = app.staff_get("/api/v1/staff/submissions/nothing").await;

    assert_eq!(response.status(), StatusCode::OK);
    let found: StaffSubmission = response.json().await.unwrap();
    assert_eq!(found.tracking, receipt.tracking);
    assert_eq!(found.received_at, receipt.received_at);
    assert_eq!(found.district, adal_core::District::Uralsk);
    assert_eq!(found.form, request.form);
    assert_eq!(found.answers["institution"], "School No. 12");
    assert_eq!(lower.json::<StaffSubmission>().await.unwrap(), found);
    assert_eq!(problem(unknown).await.code, ProblemCode::NotFound);
    assert_eq!(problem(garbage).await.code, ProblemCode::NotFound);
}

#[tokio::test]
async fn bad_list_parameters_are_refused_as_malformed() {
    let app = spawn_staff_app().await;

    for query in ["?limit=0", "?limit=201", "?limit=many", "?district=XXX", "?after=yesterday"] {
        let response = app.staff_get(&format!("/api/v1/staff/submissions{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(problem(response).await.code, ProblemCode::MalformedRequest, "{query}");
    }
}

#[tokio::test]
async fn the_export_streams_every_row_oldest_first_as_csv() {
    let app = spawn_staff_app().await;
    // Enough rows for many chunks.
    let ura = app.store_complaints(700, "URA").await;
    let ter = app.store_complaints(300, "TER").await;

    let rows = app.export_csv("").await;
    let only_ter = app.export_csv("?district=TER").await;

    assert_eq!(rows.len(), 1000);
    let tracking: HashSet<_> = rows.iter().map(|r| r[0].to_owned()).collect();
    assert_eq!(tracking.len(), 1000);
    assert!(ura.iter().chain(&ter).all(|r| tracking.contains(&r.tracking)));
    assert!(rows.windows(2).all(|w| w[0][5] <= w[1][5]), "oldest first");
    let first = &rows[0];
    assert_eq!(&first[2], "complaint");
    assert_eq!(&first[3], "3");
    let answers: serde_json::Value = serde_json::from_str(&first[6]).unwrap();
    assert_eq!(answers["institution"], "School No. 12");
    assert_eq!(only_ter.len(), 300);
    assert!(only_ter.iter().all(|r| &r[4] == "TER"));
}

#[tokio::test]
async fn an_empty_export_is_the_header_alone() {
    let app = spawn_staff_app().await;

    assert!(app.export_csv("?form=complaint").await.is_empty());
}

/// Found by the contract run (schemathesis): with `Accept-Encoding: gzip`, as every
/// browser sends it, the export's stream was polled after its end, the handler's task
/// panicked and the file arrived cut, without the end of its chunked body.
#[tokio::test]
async fn the_export_arrives_whole_when_the_client_accepts_gzip() {
    let app = spawn_staff_app().await;
    app.store_complaints(3, "URA").await;

    let response = app
        .client
        .get(app.url("/api/v1/staff/export.csv"))
        .header(reqwest::header::COOKIE, app.staff_cookie.as_deref().unwrap())
        .header(reqwest::header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[reqwest::header::CONTENT_ENCODING], "gzip");
    let body = response.bytes().await.expect("the whole body, to its last chunk");
    assert_eq!(&body[..2], [0x1f, 0x8b], "a gzip stream");
}
