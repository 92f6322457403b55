//! The server with its attachments in an S3-compatible bucket (`--attachments-url`, a
//! build with `--features s3`), against the real S3 server that `ADAL_TEST_S3_ENDPOINT`
//! names (`scripts/test` starts moto there). Without one these tests fail and say so.

use std::sync::Arc;

use adal_core::AttachmentRef;
use adal_core::api::{Receipt, SubmissionRequest};
use adal_core::attachment::{PART_SIZE, UploadStatus};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::attachments::{completion, photo_bytes};
use crate::helpers::{complaint, submission};
use crate::process::{ServerProcess, run};

const KEY: &str = "adal-test";

/// The S3 server's address, and a new, empty bucket on it.
async fn a_fresh_bucket() -> (String, String) {
    let endpoint = std::env::var("ADAL_TEST_S3_ENDPOINT").expect(
        "ADAL_TEST_S3_ENDPOINT names the S3-compatible server the s3 tests run against \
         (scripts/test starts one: moto_server on a free port)",
    );
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    let bucket = format!("adal-test-{}", Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(created.status().is_success(), "creating a bucket: {}", created.status());
    (endpoint, bucket)
}

/// The bucket as the test reads it, with its own client: not through the server.
fn bucket_reader(endpoint: &str, bucket: &str) -> Arc<dyn ObjectStore> {
    let store = AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id(KEY)
        .with_secret_access_key(KEY)
        .with_bucket_name(bucket)
        .build()
        .unwrap();
    Arc::new(store)
}

#[tokio::test]
async fn a_server_with_its_attachments_in_a_bucket_stores_a_photo_sent_in_parts_there_whole() {
    let (endpoint, bucket) = a_fresh_bucket().await;
    let data = tempfile::tempdir().unwrap();
    let url = format!("s3://{bucket}/uralsk");
    // Credentials, region and endpoint as an operator gives them: the AWS_* variables.
    let server = ServerProcess::start_with_env(
        data.path(),
        "info",
        &["--attachments-url", &url],
        &[
            ("AWS_ENDPOINT", &endpoint),
            ("AWS_ALLOW_HTTP", "true"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", KEY),
        ],
    );
    assert!(server.output().contains(&url), "the start-up log names the bucket");
    let client = reqwest::Client::new();
    let bytes = photo_bytes(2 * PART_SIZE + 777, 42);
    let id = Uuid::new_v4();

    // Three parts, the last first.
    for n in [2, 0, 1] {
        let chunk = bytes.chunks(PART_SIZE as usize).nth(n).unwrap().to_vec();
        let response = client
            .put(server.url(&format!("/api/v1/attachments/{id}/parts/{n}")))
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(chunk)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "part {n}");
    }
    let response = client
        .post(server.url(&format!("/api/v1/attachments/{id}/complete")))
        .json(&completion(&bytes))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let attachment: AttachmentRef = response.json().await.unwrap();
    let sha256 = hex::encode(Sha256::digest(&bytes));
    assert_eq!(attachment.sha256, sha256);

    // A complaint with the photo is received.
    let mut request: SubmissionRequest = submission(complaint());
    request.answers.insert("photos".into(), serde_json::to_value([&attachment]).unwrap());
    request.attachments = vec![attachment.clone()];
    let response =
        client.post(server.url("/api/v1/submissions")).json(&request).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Receipt = response.json().await.unwrap();
    assert!(!receipt.tracking.is_empty());
    let status: UploadStatus = client
        .get(server.url(&format!("/api/v1/attachments/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(status.complete);

    // In the bucket: the whole photo, byte for byte, and no parts left over.
    let reader = bucket_reader(&endpoint, &bucket);
    let stored = reader
        .get(&Path::from(format!("uralsk/files/{id}")))
        .await
        .expect("the photo is in the bucket")
        .bytes()
        .await
        .unwrap();
    assert_eq!(stored.len(), bytes.len());
    assert_eq!(hex::encode(Sha256::digest(&stored)), sha256);
    let parts = Path::from(format!("uralsk/parts/{id}"));
    let parts = reader.list_with_delimiter(Some(&parts)).await.unwrap();
    assert!(parts.objects.is_empty(), "the parts are deleted once assembled");
    assert!(
        !data.path().join("attachments/files").exists(),
        "nothing is written to the data directory's attachments"
    );

    // A backup cannot copy the bucket's photos, and says so rather than leave them out:
    // told the server's URL, at once; not told, at the first photo it cannot find.
    let to = data.path().join("adal.backup");
    let (status, _, stderr) = run(&["backup", "--to", to.to_str().unwrap()], data.path(), "");
    assert!(!status.success());
    assert!(stderr.contains(&id.to_string()) && stderr.contains("bucket"), "{stderr}");
    assert!(!to.exists());
    let (status, _, stderr) =
        run(&["backup", "--attachments-url", &url, "--to", to.to_str().unwrap()], data.path(), "");
    assert!(!status.success());
    assert!(stderr.contains(&url) && stderr.contains("versioning"), "{stderr}");
    assert!(!to.exists());
}

#[tokio::test]
async fn parts_sent_to_one_server_are_completed_by_another_on_the_same_bucket() {
    let (endpoint, bucket) = a_fresh_bucket().await;
    let url = format!("s3://{bucket}/uralsk");
    let env = [
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", KEY),
    ];
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a =
        ServerProcess::start_with_env(data_a.path(), "warn", &["--attachments-url", &url], &env);
    let b =
        ServerProcess::start_with_env(data_b.path(), "warn", &["--attachments-url", &url], &env);
    let client = reqwest::Client::new();
    let bytes = photo_bytes(PART_SIZE + 4321, 7);
    let id = Uuid::new_v4();

    // The device's connection lands on server A, then on B.
    for (server, n) in [(&a, 0), (&b, 1)] {
        let chunk = bytes.chunks(PART_SIZE as usize).nth(n).unwrap().to_vec();
        let response = client
            .put(server.url(&format!("/api/v1/attachments/{id}/parts/{n}")))
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(chunk)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    let status: UploadStatus = client
        .get(a.url(&format!("/api/v1/attachments/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status.received_parts, [0, 1], "A sees the part B received");
    let response = client
        .post(b.url(&format!("/api/v1/attachments/{id}/complete")))
        .json(&completion(&bytes))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let stored = bucket_reader(&endpoint, &bucket)
        .get(&Path::from(format!("uralsk/files/{id}")))
        .await
        .expect("the photo is in the bucket")
        .bytes()
        .await
        .unwrap();
    assert_eq!(hex::encode(Sha256::digest(&stored)), hex::encode(Sha256::digest(&bytes)));
}
