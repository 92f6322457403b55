use adal_core::api::Health;
use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_ok_and_the_server_version() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/health").await;

    assert_eq!(response.status(), StatusCode::OK);
    let health: Health = response.json().await.unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
}
