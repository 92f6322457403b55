use std::net::SocketAddr;

use adal_core::api::ProblemCode;
use adal_server::{Application, Config};
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};

use crate::helpers::{INDEX_HTML, JS_FILE, WASM_FILE, problem, spawn_app};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

#[tokio::test]
async fn the_wasm_module_is_served_as_wasm_and_cached_forever() {
    let app = spawn_app().await;

    let response = app.get(&format!("/{WASM_FILE}")).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/wasm");
    assert_eq!(response.headers()[CACHE_CONTROL], IMMUTABLE);
}

#[tokio::test]
async fn hashed_scripts_are_cached_forever_and_the_service_worker_never() {
    let app = spawn_app().await;

    let script = app.get(&format!("/{JS_FILE}")).await;
    let worker = app.get("/sw.js").await;

    assert!(script.headers()[CONTENT_TYPE].to_str().unwrap().contains("javascript"));
    assert_eq!(script.headers()[CACHE_CONTROL], IMMUTABLE);
    assert_eq!(worker.headers()[CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn the_manifest_has_its_media_type_and_expires_within_the_hour() {
    let app = spawn_app().await;

    let response = app.get("/manifest.webmanifest").await;

    assert_eq!(response.headers()[CONTENT_TYPE], "application/manifest+json");
    assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=3600");
}

#[tokio::test]
async fn the_app_entry_point_is_always_revalidated() {
    let app = spawn_app().await;

    for path in ["/", "/index.html"] {
        let response = app.get(path).await;

        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn reloading_a_page_of_the_app_serves_the_app() {
    let app = spawn_app().await;

    let response = app.get("/complaint/abc").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    assert_eq!(response.text().await.unwrap(), INDEX_HTML);
}

#[tokio::test]
async fn a_missing_asset_is_not_found_rather_than_the_app() {
    let app = spawn_app().await;

    let response = app.get("/adal-app-ffffffffffffffff.js").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_api_path_is_a_problem_not_the_app() {
    let app = spawn_app().await;

    for path in ["/api/v1/nope", "/api", "/api/v2/submissions"] {
        let response = app.get(path).await;

        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(problem(response).await.code, ProblemCode::NotFound, "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_on_an_api_path_is_a_problem_in_the_asked_language() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(app.url("/api/v1/submissions"))
        .header("Accept-Language", "kk")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::MethodNotAllowed);
    assert_eq!(problem.title, ProblemCode::MethodNotAllowed.title(adal_core::Lang::Kk));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;

    for path in ["/", "/api/v1/health", "/api/v1/nope", &format!("/{WASM_FILE}")] {
        let response = app.get(path).await;

        let headers = response.headers();
        assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[REFERRER_POLICY], "no-referrer", "{path}");
        let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("'wasm-unsafe-eval'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
    }
}

#[tokio::test]
async fn wasm_and_scripts_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;

    for (path, encoding) in [(format!("/{WASM_FILE}"), "br"), (format!("/{JS_FILE}"), "gzip")] {
        let response =
            app.client.get(app.url(&path)).header(ACCEPT_ENCODING, encoding).send().await.unwrap();

        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CONTENT_ENCODING], encoding, "{path}");
    }
}

#[tokio::test]
async fn without_a_built_app_the_api_works_and_pages_explain_why_they_are_missing() {
    let data = tempfile::tempdir().unwrap();
    let config = Config::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        data.path().to_owned(),
        data.path().join("no-such-dist"),
    );
    let app = Application::build(config).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let page = client.get(format!("{address}/")).send().await.unwrap();
    let health = client.get(format!("{address}/api/v1/health")).send().await.unwrap();

    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("not built"));
    assert_eq!(health.status(), StatusCode::OK);
}

/// Writes a fake build of the staff workspace (Trunk's `--dist dist/staff`).
fn write_fake_staff_build(app: &crate::helpers::TestApp) -> &'static str {
    const STAFF_HTML: &str = "<!doctype html><title>Adal · office</title>";
    let dir = app.static_dir.path().join("staff");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), STAFF_HTML).unwrap();
    std::fs::write(dir.join("sw.js"), "self.addEventListener('fetch', () => {});\n").unwrap();
    STAFF_HTML
}

#[tokio::test]
async fn every_page_of_the_staff_workspace_serves_the_staff_app_and_others_the_citizen_app() {
    let app = spawn_app().await;
    let staff_html = write_fake_staff_build(&app);

    for path in ["/staff/", "/staff/item/URA-2026-00001", "/staff/admin"] {
        let response = app.get(path).await;

        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), staff_html, "{path}");
    }
    let worker = app.get("/staff/sw.js").await;
    assert_eq!(worker.headers()[CACHE_CONTROL], "no-cache");
    assert_eq!(app.get("/staffing").await.text().await.unwrap(), INDEX_HTML);
    assert_eq!(app.get("/staff/missing-0123456789abcdef.js").await.status(), StatusCode::NOT_FOUND);
}
