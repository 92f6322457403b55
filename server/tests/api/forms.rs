use adal_core::api::FormsResponse;
use adal_core::form;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG};

use crate::helpers::spawn_app;

#[tokio::test]
async fn forms_are_served_in_every_accepted_version_with_a_strong_etag() {
    let app = spawn_app().await;

    let response = app.get_forms(None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    let etag = response.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "strong, quoted: {etag}");
    let forms: FormsResponse = response.json().await.unwrap();
    assert_eq!(forms.forms, form::catalogue());
    let versions = |id: &str| {
        let mut v: Vec<_> = forms.forms.iter().filter(|f| f.id == id).map(|f| f.version).collect();
        v.sort();
        v
    };
    assert_eq!(versions("complaint"), [1, 2, 3], "older versions, for drafts on phones");
    assert_eq!(versions("mediation_request"), [1, 2], "v2 asks the other bars of the law");
    assert_eq!(versions("monitoring_school"), [1]);
    assert_eq!(versions("monitoring_clinic"), [1]);
}

#[tokio::test]
async fn a_device_holding_the_current_forms_gets_304_without_a_body() {
    let app = spawn_app().await;
    let etag = app.get_forms(None).await.headers()[ETAG].to_str().unwrap().to_owned();

    let response = app.get_forms(Some(&etag)).await;

    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.headers()[ETAG], etag.as_str());
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_device_holding_other_forms_gets_the_current_ones() {
    let app = spawn_app().await;
    let etag = app.get_forms(None).await.headers()[ETAG].to_str().unwrap().to_owned();

    let stale = app.get_forms(Some("\"forms-of-an-older-server\"")).await;
    let listed = app.get_forms(Some(&format!("\"old\", W/{etag}"))).await;

    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.headers()[ETAG], etag.as_str());
    assert!(!stale.bytes().await.unwrap().is_empty());
    assert_eq!(listed.status(), StatusCode::NOT_MODIFIED, "a list, compared weakly");
}

#[tokio::test]
async fn the_forms_etag_is_the_same_after_a_restart() {
    let app = spawn_app().await;
    let before = app.get_forms(None).await.headers()[ETAG].clone();

    let app = app.restart().await;

    assert_eq!(app.get_forms(None).await.headers()[ETAG], before);
}
