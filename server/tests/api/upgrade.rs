//! Upgrades: the data directory written by the first release (v0.1.0, commit 278615b),
//! kept in `tests/fixtures/v0.1.0` with what that release answered, is served by this
//! release unchanged: the same receipts, the same accounts, the same published reports,
//! its photo intact; and a device still running that release's app keeps syncing.
//! `tests/fixtures/make_release_fixture.py` says how the fixture was made.

use std::path::Path;

use adal_core::receipt::RECEIPT_SECRET_HEADER;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, spawn_app_on};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v0.1.0");

fn expected() -> Value {
    let text = std::fs::read_to_string(Path::new(FIXTURE).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// This release on a copy of the first release's data directory.
async fn first_release_upgraded() -> TestApp {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(FIXTURE).join("data"), data.path());
    spawn_app_on(data).await
}

/// Whether `new` says everything `old` said: every member of an object (new members may
/// be added), every element of an array (the same number of them), every other value equal.
/// On a difference, the path to it.
fn said_again(old: &Value, new: &Value, path: &str) -> Result<(), String> {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => old.iter().try_for_each(|(key, value)| {
            let path = format!("{path}.{key}");
            let new = new.get(key).ok_or_else(|| format!("{path} is gone"))?;
            said_again(value, new, &path)
        }),
        (Value::Array(old), Value::Array(new)) if old.len() == new.len() => old
            .iter()
            .zip(new)
            .enumerate()
            .try_for_each(|(n, (old, new))| said_again(old, new, &format!("{path}[{n}]"))),
        (old, new) if old == new => Ok(()),
        (old, new) => Err(format!("{path}: was {old}, is {new}")),
    }
}

#[tokio::test]
async fn every_receipt_of_the_first_release_answers_as_it_did() {
    crate::sqlite_only!(
        "the first release's data directory is an SQLite file; a PostgreSQL database starts at this release"
    );
    // Arrange
    let app = first_release_upgraded().await;
    let expected = expected();
    let statuses = expected["statuses"].as_array().unwrap();
    assert_eq!(statuses.len(), 5, "the fixture's receipts");

    for old in statuses {
        // Act
        let tracking = old["tracking"].as_str().unwrap();
        let response = app
            .client
            .get(app.url(&format!("/api/v1/submissions/{tracking}")))
            .header(RECEIPT_SECRET_HEADER, old["secret"].as_str().unwrap())
            .send()
            .await
            .unwrap();

        // Assert
        assert_eq!(response.status(), StatusCode::OK, "{tracking}");
        let now: Value = response.json().await.unwrap();
        if let Err(difference) = said_again(&old["status"], &now, tracking) {
            panic!("the receipt changed: {difference}");
        }
    }
}

#[tokio::test]
async fn the_first_releases_accounts_log_in_with_their_passwords_and_keep_their_roles() {
    crate::sqlite_only!(
        "the first release's data directory is an SQLite file; a PostgreSQL database starts at this release"
    );
    let app = first_release_upgraded().await;
    let expected = expected();
    let password = expected["password"].as_str().unwrap();
    for (login, old_me) in expected["accounts"].as_object().unwrap() {
        let session = app.log_in(login, password).await;
        let me: Value = app
            .client
            .get(app.url("/api/v1/staff/me"))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Err(difference) = said_again(old_me, &me, login) {
            panic!("the account changed: {difference}");
        }
    }
}

#[tokio::test]
async fn the_first_releases_published_reports_are_the_same_bytes_under_the_same_hash() {
    crate::sqlite_only!(
        "the first release's data directory is an SQLite file; a PostgreSQL database starts at this release"
    );
    let app = first_release_upgraded().await;
    let expected = expected();
    let published = expected["published"].as_array().unwrap();
    assert_eq!(published.len(), 2);
    let counted: u64 = published
        .iter()
        .map(|p| {
            let report: Value = serde_json::from_str(p["content"].as_str().unwrap()).unwrap();
            report["figures"]["received"].as_u64().unwrap_or(0)
        })
        .sum();
    assert!(counted > 0, "the fixture's reports count what arrived in their period");
    for snapshot in published {
        let hash = snapshot["listed"]["hash"].as_str().unwrap();
        let response = app.get(&format!("/api/v1/reports/{hash}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{hash}");
        let bytes = response.bytes().await.unwrap();
        assert_eq!(bytes, snapshot["content"].as_str().unwrap().as_bytes(), "{hash}");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), hash);
    }
}

#[tokio::test]
async fn the_first_releases_photo_is_intact_and_its_directory_checks_clean() {
    crate::sqlite_only!(
        "the first release's data directory is an SQLite file; a PostgreSQL database starts at this release"
    );
    let app = first_release_upgraded().await;
    let photo = &expected()["photo"];
    let problems = adal_server::backup::check(app.data_dir.path()).unwrap();
    assert!(problems.is_empty(), "check found: {problems:?}");
    let id = photo["id"].as_str().unwrap();
    let response = app.get(&format!("/api/v1/attachments/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let upload: Value = response.json().await.unwrap();
    assert_eq!(upload["complete"], json!(true), "{upload}");
}

#[tokio::test]
async fn a_device_on_the_first_releases_app_keeps_syncing_in_its_wire_format() {
    crate::sqlite_only!(
        "the first release's data directory is an SQLite file; a PostgreSQL database starts at this release"
    );
    // Arrange: the requests as that release's app sent them.
    let app = first_release_upgraded().await;
    let expected = expected();
    let receipts = expected["receipts"].as_array().unwrap();

    // Act and assert: a resend of what was delivered then is the same receipt…
    for receipt in receipts.iter().take(3) {
        let response = app
            .client
            .post(app.url("/api/v1/submissions"))
            .json(&receipt["request"])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "a resend is answered 200");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["tracking"], receipt["answer"]["tracking"]);
    }

    // …and something new, drafted on that app, arrives alone and in a batch.
    let fresh = |n: usize| {
        let mut request = receipts[n]["request"].clone();
        request["id"] = json!(uuid::Uuid::new_v4());
        request["receipt_secret"] = json!(uuid::Uuid::new_v4().simple().to_string());
        request
    };
    let response =
        app.client.post(app.url("/api/v1/submissions")).json(&fresh(1)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let batch = json!({ "submissions": [fresh(3), fresh(4), fresh(2)] });
    let response =
        app.client.post(app.url("/api/v1/submissions/batch")).json(&batch).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = response.json().await.unwrap();
    let statuses: Vec<_> =
        results["results"].as_array().unwrap().iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!(201), &json!(201), &json!(201)], "{results}");
}
