//! The API contract: the OpenAPI document at `/api/v1/openapi.json` and its page at
//! `/api/v1/docs`. The document is built with the routers (see `routes::openapi`), so a
//! route cannot be added without its entry; these tests hold the other direction (every
//! entry is a route) and the problem codes to the catalogue.

use adal_core::api::ProblemCode;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::Value;

use crate::helpers::spawn_app;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

async fn document() -> Value {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    response.json().await.unwrap()
}

fn operations(doc: &Value) -> Vec<(String, &'static str, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((path.clone(), method, operation.clone()));
            }
        }
    }
    found
}

/// A request for a documented path with a method it lacks reaches its route, which
/// answers 405; a path the router lacks would reach the `/api` catch-all's 404.
#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app().await;
    let doc = document().await;
    let ops = operations(&doc);
    assert!(ops.len() >= 36, "{} operations", ops.len());
    for (path, _, _) in &ops {
        let concrete = path
            .replace("{tracking}", "URA-2026-00001")
            .replace("{id}", "0190a0b0-0000-7000-8000-000000000000")
            .replace("{n}", "0")
            .replace("{hash}", &"a".repeat(64))
            .replace("{login}", "someone")
            .replace("{year}", "2026")
            .replace("{file}", "school.json");
        let response = app.client.delete(app.url(&concrete)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{path} is not routed");
    }
}

#[tokio::test]
async fn the_contract_covers_public_and_staff_operations_with_the_catalogues_problem_codes() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let ops = operations(&doc);
    for expected in [
        ("/api/v1/submissions", "post"),
        ("/api/v1/submissions/batch", "post"),
        ("/api/v1/attachments/{id}/parts/{n}", "put"),
        ("/api/v1/submissions/{tracking}/reply", "post"),
        ("/api/v1/staff/login", "post"),
        ("/api/v1/staff/submissions/{tracking}/events", "post"),
        ("/api/v1/staff/export.csv", "get"),
        ("/api/v1/calendar", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/open311/v2/requests.json", "post"),
        ("/open311/v2/requests/{file}", "get"),
    ] {
        assert!(ops.iter().any(|(p, m, _)| (p.as_str(), *m) == expected), "{expected:?}");
    }
    for (path, method, operation) in &ops {
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.contains_key("500"), "{method} {path}: 500");
        for (status, response) in responses {
            let status: u16 = status.parse().unwrap();
            if status < 400 {
                continue;
            }
            if path.starts_with("/open311/") {
                // Open311's own error format, as its specification says.
                let content = &response["content"]["application/json"]["schema"]["items"]["$ref"];
                assert_eq!(content, "#/components/schemas/Open311Error", "{method} {path}");
                continue;
            }
            let content = &response["content"]["application/problem+json"]["schema"]["$ref"];
            assert_eq!(content, "#/components/schemas/Problem", "{method} {path} {status}");
            let described = response["description"].as_str().unwrap();
            let codes: Vec<_> = ProblemCode::ALL
                .into_iter()
                .filter(|c| described.contains(&format!("`{}`", c.as_str())))
                .collect();
            assert!(!codes.is_empty(), "{method} {path} {status} names no code");
            assert!(codes.iter().all(|c| c.status() == status), "{method} {path} {status}");
        }
        let staff = operation.get("security").is_some();
        assert_eq!(staff, path.starts_with("/api/v1/staff/") && path != "/api/v1/staff/login");
        let csrf = operation["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == adal_core::staff::CSRF_HEADER));
        assert_eq!(csrf, staff && *method != "get", "{method} {path}: X-CSRF-Token");
        if staff {
            assert!(responses.contains_key("401"), "{method} {path}: 401");
        }
    }
    let scheme = &doc["components"]["securitySchemes"]["staff_session"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "cookie");
    assert_eq!(scheme["name"], adal_core::staff::SESSION_COOKIE);
}

#[tokio::test]
async fn the_contract_page_is_html_of_adal_itself_without_scripts() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/docs").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(response.headers().contains_key(CONTENT_SECURITY_POLICY));
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("<code>/api/v1/staff/submissions/{tracking}/events</code>"));
    assert!(html.contains("`conflicting_resubmission`"));
    assert!(html.contains("id=\"schema-Problem\""));
}
