//! `/metrics` on the operators' listener, and the request id a citizen can read out.

use adal_core::api::ProblemCode;
use reqwest::StatusCode;
use serde_json::json;

use crate::attachments::photo_bytes;
use crate::helpers::{complaint, problem, spawn_app, spawn_app_with, submission, tiny_rate_limit};

/// The value of the series `name` with exactly these `labels` (`""` for none), as
/// Prometheus would read it; `None` when the scrape has no such series.
fn value(scrape: &str, name: &str, labels: &str) -> Option<f64> {
    let series = if labels.is_empty() { name.to_owned() } else { format!("{name}{{{labels}}}") };
    scrape.lines().find_map(|line| {
        let (key, value) = line.rsplit_once(' ')?;
        (key == series).then(|| value.parse().unwrap())
    })
}

#[tokio::test]
async fn metrics_count_submissions_photos_failed_logins_and_refusals_by_route_template() {
    // Arrange: six requests at once per address, then one a second.
    let app = spawn_app_with(tiny_rate_limit(6)).await;
    let photo = photo_bytes(1000, 7);

    // Act: one photo (a part and its completion), three complaints and a resend, then a
    // seventh request, refused; a wrong password.
    let stored = app.upload(&photo).await;
    let first = submission(complaint());
    let tracking = app.submit(&first).await.tracking;
    app.submit(&submission(complaint())).await;
    app.submit(&submission(complaint())).await;
    assert_eq!(app.post_submission(&first).await.status(), StatusCode::OK);
    let refused = app.post_submission(&submission(complaint())).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let login = app
        .client
        .post(app.url("/api/v1/staff/login"))
        .json(&json!({ "login": "nobody", "password": "not the password at all" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let scrape = app.scrape().await;

    // Assert
    let submissions = r#"method="POST",route="/api/v1/submissions""#;
    let at = |name: &str, labels: &str| value(&scrape, name, labels);
    assert_eq!(
        at("adal_submissions_accepted_total", r#"district="URA",form="complaint""#),
        Some(3.0)
    );
    assert_eq!(at("adal_http_requests_total", &format!("{submissions},status=\"201\"")), Some(3.0));
    assert_eq!(at("adal_http_requests_total", &format!("{submissions},status=\"200\"")), Some(1.0));
    assert_eq!(at("adal_http_requests_total", &format!("{submissions},status=\"429\"")), Some(1.0));
    assert_eq!(at("adal_http_request_duration_seconds_count", submissions), Some(5.0));
    assert_eq!(at("adal_rate_limit_refusals_total", submissions), Some(1.0));
    let login = r#"method="POST",route="/api/v1/staff/login""#;
    assert_eq!(at("adal_http_requests_total", &format!("{login},status=\"401\"")), Some(1.0));
    assert_eq!(at("adal_staff_login_failures_total", ""), Some(1.0));
    let part = r#"method="PUT",route="/api/v1/attachments/{id}/parts/{n}",status="204""#;
    assert_eq!(at("adal_http_requests_total", part), Some(1.0));
    assert_eq!(at("adal_attachments_stored_total", ""), Some(1.0));
    assert_eq!(at("adal_attachment_bytes_total", ""), Some(stored.size as f64));
    // Four submissions went through the writer (the resend too), in groups of one here.
    assert_eq!(at("adal_group_commit_submissions_sum", ""), Some(4.0));
    assert_eq!(at("adal_group_commit_wait_seconds_count", ""), Some(4.0));
    assert!(at("adal_group_commit_duration_seconds_sum", "").unwrap() > 0.0);
    assert!(at("adal_database_size_bytes", "").unwrap() > 10_000.0, "{scrape}");
    assert!(at("adal_data_dir_free_bytes", "").unwrap() > 0.0);
    // Templates, never the ids and tracking numbers of the paths.
    assert!(!scrape.contains(&tracking) && !scrape.contains(&stored.id.to_string()));
}

#[tokio::test]
async fn the_public_listener_does_not_serve_metrics() {
    let app = spawn_app().await;

    let response = app.get("/metrics").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(response).await.code, ProblemCode::NotFound);
    assert!(app.scrape().await.contains("adal_http_requests_total"));
}

#[tokio::test]
async fn every_answer_has_a_request_id_and_a_problem_repeats_it() {
    let app = spawn_app().await;

    let ok = app.get("/api/v1/health").await;
    let refused = app
        .client
        .post(app.url("/api/v1/submissions"))
        // A client cannot choose the id it is logged under.
        .header("x-request-id", "chosen-by-the-client")
        .json(&json!({ "not": "a submission" }))
        .send()
        .await
        .unwrap();

    let ok_id = ok.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&ok_id).unwrap().get_version_num(), 4);
    let id = refused.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(id, "chosen-by-the-client");
    assert_ne!(id, ok_id);
    let problem = problem(refused).await;
    assert_eq!(problem.request_id.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn a_trusted_proxys_request_id_is_kept() {
    let app =
        spawn_app_with(|config| config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()])
            .await;

    let response = app
        .client
        .get(app.url("/api/v1/nowhere"))
        .header("x-request-id", "caddy-7f3a")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["x-request-id"], "caddy-7f3a");
    assert_eq!(problem(response).await.request_id.as_deref(), Some("caddy-7f3a"));
}
