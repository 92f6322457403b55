use adal_core::api::{ProblemCode, Receipt, SubmissionRequest};
use adal_core::attachment::{CompleteUpload, MAX_FILE_BYTES, PART_SIZE, UploadStatus};
use adal_core::sync::{Outcome, classify};
use adal_core::{AttachmentRef, ErrorCode, Lang};
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Response, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::helpers::{
    TestApp, complaint, monitoring_clinic, problem, spawn_app, spawn_app_with, submission,
    submission_of, tiny_rate_limit, with,
};

/// A photo's bytes, different for every `seed`.
pub fn photo_bytes(len: u64, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ seed).collect()
}

/// What the device says when it completes the upload of `bytes`.
pub fn completion(bytes: &[u8]) -> CompleteUpload {
    CompleteUpload {
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
        content_type: "image/jpeg".into(),
        parts: (bytes.len() as u64).div_ceil(PART_SIZE) as u32,
    }
}

fn part(bytes: &[u8], n: usize) -> Vec<u8> {
    bytes.chunks(PART_SIZE as usize).nth(n).unwrap().to_vec()
}

impl TestApp {
    pub async fn put_part(&self, id: Uuid, n: u32, bytes: Vec<u8>) -> Response {
        self.put_part_in("ru", id, n, bytes).await
    }

    pub async fn put_part_in(&self, lang: &str, id: Uuid, n: u32, bytes: Vec<u8>) -> Response {
        self.client
            .put(self.url(&format!("/api/v1/attachments/{id}/parts/{n}")))
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(ACCEPT_LANGUAGE, lang)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    pub async fn upload_status(&self, id: Uuid) -> UploadStatus {
        let response = self.get(&format!("/api/v1/attachments/{id}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    pub async fn complete_upload_in(
        &self,
        lang: &str,
        id: Uuid,
        request: &CompleteUpload,
    ) -> Response {
        self.client
            .post(self.url(&format!("/api/v1/attachments/{id}/complete")))
            .header(ACCEPT_LANGUAGE, lang)
            .json(request)
            .send()
            .await
            .unwrap()
    }

    pub async fn complete_upload(&self, id: Uuid, request: &CompleteUpload) -> Response {
        self.complete_upload_in("ru", id, request).await
    }

    /// Uploads `bytes` whole, as a device with good signal would, and returns its ref.
    pub async fn upload(&self, bytes: &[u8]) -> AttachmentRef {
        let id = Uuid::new_v4();
        for (n, chunk) in bytes.chunks(PART_SIZE as usize).enumerate() {
            let response = self.put_part(id, n as u32, chunk.to_vec()).await;
            assert_eq!(response.status(), StatusCode::NO_CONTENT);
        }
        let response = self.complete_upload(id, &completion(bytes)).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

fn with_attachments(attachments: Vec<AttachmentRef>) -> SubmissionRequest {
    SubmissionRequest { attachments, ..submission(complaint()) }
}

#[tokio::test]
async fn parts_sent_out_of_order_after_a_drop_resume_and_complete_into_a_verified_photo() {
    let app = spawn_app().await;
    let bytes = photo_bytes(2 * PART_SIZE + 1000, 1);
    let id = Uuid::new_v4();
    // The connection drops after parts 2 and 0.
    assert_eq!(app.put_part(id, 2, part(&bytes, 2)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.put_part(id, 0, part(&bytes, 0)).await.status(), StatusCode::NO_CONTENT);

    let status = app.upload_status(id).await;
    assert_eq!(status.received_parts, [0, 2]);
    assert!(!status.complete);
    assert_eq!(status.attachment, None);
    let early = app.complete_upload(id, &completion(&bytes)).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let early = problem(early).await;
    assert_eq!(early.code, ProblemCode::AttachmentsIncomplete);
    assert_eq!(early.attachments, [id]);

    let missing: Vec<u32> = (0..3).filter(|n| !status.received_parts.contains(n)).collect();
    for n in missing {
        app.put_part(id, n, part(&bytes, n as usize)).await;
    }
    let response = app.complete_upload(id, &completion(&bytes)).await;

    assert_eq!(response.status(), StatusCode::OK);
    let attachment: AttachmentRef = response.json().await.unwrap();
    assert_eq!(attachment.id, id);
    assert_eq!(attachment.size, bytes.len() as u64);
    assert_eq!(attachment.sha256, hex::encode(Sha256::digest(&bytes)));
    let status = app.upload_status(id).await;
    assert!(status.complete);
    assert_eq!(status.attachment, Some(attachment));
}

#[tokio::test]
async fn a_part_sent_twice_is_overwritten_harmlessly() {
    let app = spawn_app().await;
    let bytes = photo_bytes(PART_SIZE + 10, 2);
    let id = Uuid::new_v4();
    app.put_part(id, 0, photo_bytes(PART_SIZE, 99)).await;
    app.put_part(id, 0, part(&bytes, 0)).await;
    app.put_part(id, 1, part(&bytes, 1)).await;
    app.put_part(id, 1, part(&bytes, 1)).await;

    let response = app.complete_upload(id, &completion(&bytes)).await;

    assert_eq!(response.status(), StatusCode::OK);
    // A late resend of a part after completion changes nothing.
    assert_eq!(app.put_part(id, 0, vec![0; 5]).await.status(), StatusCode::NO_CONTENT);
    let status = app.upload_status(id).await;
    assert!(status.complete);
    assert!(status.received_parts.is_empty());
}

#[tokio::test]
async fn completing_again_answers_the_same_and_another_hash_for_the_id_is_a_conflict() {
    let app = spawn_app().await;
    let bytes = photo_bytes(1000, 3);
    let first = app.upload(&bytes).await;

    let again = app.complete_upload(first.id, &completion(&bytes)).await;
    let other = app.complete_upload(first.id, &completion(&photo_bytes(1000, 4))).await;

    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<AttachmentRef>().await.unwrap(), first);
    assert_eq!(other.status(), StatusCode::CONFLICT);
    assert_eq!(problem(other).await.code, ProblemCode::AttachmentConflict);
    assert_eq!(app.upload_status(first.id).await.attachment, Some(first));
}

#[tokio::test]
async fn a_hash_mismatch_is_refused_and_the_damaged_parts_are_discarded() {
    let app = spawn_app().await;
    let bytes = photo_bytes(PART_SIZE + 500, 5);
    let id = Uuid::new_v4();
    let mut damaged = part(&bytes, 1);
    damaged[7] ^= 0xff;
    app.put_part(id, 0, part(&bytes, 0)).await;
    app.put_part(id, 1, damaged).await;

    let response = app.complete_upload(id, &completion(&bytes)).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    match classify(422, Some(&body)) {
        Outcome::UploadAttachments(problem) => {
            assert_eq!(problem.code, ProblemCode::AttachmentHashMismatch);
            assert_eq!(problem.attachments, [id]);
        }
        other => panic!("{other:?}"),
    }
    let status = app.upload_status(id).await;
    assert!(status.received_parts.is_empty(), "{status:?}");
    assert!(!status.complete);
    // Uploading again, undamaged, succeeds under the same id.
    app.put_part(id, 0, part(&bytes, 0)).await;
    app.put_part(id, 1, part(&bytes, 1)).await;
    assert_eq!(app.complete_upload(id, &completion(&bytes)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_short_part_in_the_middle_cannot_complete_and_is_discarded() {
    let app = spawn_app().await;
    let bytes = photo_bytes(2 * PART_SIZE, 6);
    let id = Uuid::new_v4();
    app.put_part(id, 0, part(&bytes, 0)[..100].to_vec()).await;
    app.put_part(id, 1, part(&bytes, 1)).await;

    let response = app.complete_upload(id, &completion(&bytes)).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.code, ProblemCode::AttachmentHashMismatch);
    assert!(app.upload_status(id).await.received_parts.is_empty());
}

#[tokio::test]
async fn a_part_over_256_kib_is_refused_with_a_problem_in_kazakh() {
    let app = spawn_app().await;
    let id = Uuid::new_v4();

    let response = app.put_part_in("kk", id, 0, vec![1; PART_SIZE as usize + 1]).await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.headers()[CONTENT_LANGUAGE], "kk");
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::AttachmentPartTooLarge);
    assert_eq!(problem.title, ProblemCode::AttachmentPartTooLarge.title(Lang::Kk));
    assert!(app.upload_status(id).await.received_parts.is_empty());
}

#[tokio::test]
async fn a_file_over_8_mib_is_refused_with_a_problem_in_kazakh() {
    let app = spawn_app().await;
    let id = Uuid::new_v4();
    let too_large = CompleteUpload {
        size: MAX_FILE_BYTES + 1,
        parts: (MAX_FILE_BYTES + 1).div_ceil(PART_SIZE) as u32,
        ..completion(b"x")
    };

    let completed = app.complete_upload_in("kk", id, &too_large).await;
    let part_past_the_limit = app.put_part_in("kk", id, 32, vec![1; 10]).await;

    for response in [completed, part_past_the_limit] {
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()[CONTENT_LANGUAGE], "kk");
        let problem = problem(response).await;
        assert_eq!(problem.code, ProblemCode::AttachmentTooLarge);
        assert_eq!(problem.title, "Фото тым үлкен: бір файл 8 МБ-тан аспауы керек.");
    }
}

#[tokio::test]
async fn only_jpeg_png_and_webp_images_are_accepted() {
    let app = spawn_app().await;
    let bytes = b"GIF89a".to_vec();
    let id = Uuid::new_v4();
    app.put_part(id, 0, bytes.clone()).await;

    let gif = CompleteUpload { content_type: "image/gif".into(), ..completion(&bytes) };
    let response = app.complete_upload_in("en", id, &gif).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.code, ProblemCode::UnsupportedAttachmentType);
    let png = CompleteUpload { content_type: "image/png".into(), ..completion(&bytes) };
    assert_eq!(app.complete_upload(id, &png).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_submission_with_an_incomplete_photo_is_refused_until_the_photo_is_complete() {
    let app = spawn_app().await;
    let bytes = photo_bytes(PART_SIZE + 1, 7);
    let id = Uuid::new_v4();
    let planned = completion(&bytes).into_ref(id);
    app.put_part(id, 0, part(&bytes, 0)).await;
    let request = with_attachments(vec![planned.clone()]);

    let refused = app.post_submission(&request).await;

    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body = refused.text().await.unwrap();
    let Outcome::UploadAttachments(problem) = classify(409, Some(&body)) else {
        panic!("{body}");
    };
    assert_eq!(problem.code, ProblemCode::AttachmentsIncomplete);
    assert_eq!(problem.attachments, [id]);
    assert!(app.export().is_empty(), "nothing stored");

    // The client uploads what is missing and resends the very same request.
    app.put_part(id, 1, part(&bytes, 1)).await;
    assert_eq!(app.complete_upload(id, &completion(&bytes)).await.status(), StatusCode::OK);
    let receipt = app.submit(&request).await;

    let stored = app.export();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].tracking, receipt.tracking);
    assert_eq!(stored[0].attachments, [planned]);
}

#[tokio::test]
async fn a_listed_photo_must_match_the_verified_hash() {
    let app = spawn_app().await;
    let uploaded = app.upload(&photo_bytes(100, 8)).await;
    let wrong = AttachmentRef { sha256: "0".repeat(64), ..uploaded.clone() };

    let response = app.post_submission(&with_attachments(vec![wrong])).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(problem(response).await.code, ProblemCode::AttachmentsIncomplete);
}

#[tokio::test]
async fn photos_over_25_mib_in_one_submission_are_refused_with_a_problem() {
    let app = spawn_app().await;
    let large = |n: u128| AttachmentRef {
        id: Uuid::from_u128(n),
        sha256: "ab".repeat(32),
        size: MAX_FILE_BYTES,
        content_type: "image/webp".into(),
    };
    let request = with_attachments((1..=4).map(large).collect());

    let response = app.post_submission_in("en", &request).await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem = problem(response).await;
    assert_eq!(problem.code, ProblemCode::AttachmentsTooLarge);
    assert!(problem.title.contains("25 MB"));
}

#[tokio::test]
async fn the_photos_are_part_of_what_makes_a_resend_the_same_submission() {
    let app = spawn_app().await;
    let first = app.upload(&photo_bytes(100, 9)).await;
    let second = app.upload(&photo_bytes(100, 10)).await;
    let request = with_attachments(vec![first.clone()]);
    let receipt = app.submit(&request).await;

    let resent = app.post_submission(&request).await;
    let changed = app
        .post_submission(&SubmissionRequest { attachments: vec![first, second], ..request.clone() })
        .await;

    assert_eq!(resent.status(), StatusCode::OK);
    assert_eq!(resent.json::<Receipt>().await.unwrap(), receipt);
    assert_eq!(changed.status(), StatusCode::CONFLICT);
    assert_eq!(problem(changed).await.code, ProblemCode::ConflictingResubmission);
}

#[tokio::test]
async fn a_photo_answer_must_name_a_photo_the_submission_lists_with_the_same_ref() {
    let app = spawn_app().await;
    let photo = app.upload(&photo_bytes(1000, 14)).await;
    let clinic = with(monitoring_clinic(), json!({ "photos": [photo] }));
    let unlisted = submission_of("monitoring_clinic", clinic);
    let another_hash = AttachmentRef { sha256: "0".repeat(64), ..photo.clone() };
    let listed_otherwise =
        SubmissionRequest { attachments: vec![another_hash], ..unlisted.clone() };

    let refused = [
        app.post_submission_in("kk", &unlisted).await,
        app.post_submission_in("kk", &listed_otherwise).await,
    ];

    for response in refused {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem = problem(response).await;
        assert_eq!(problem.code, ProblemCode::ValidationFailed);
        assert_eq!(problem.errors.len(), 1, "{:?}", problem.errors);
        assert_eq!(problem.errors[0].field, "photos");
        assert_eq!(problem.errors[0].code, ErrorCode::UnlistedPhoto);
        assert_eq!(problem.errors[0].message, ErrorCode::UnlistedPhoto.message(Lang::Kk));
    }
    assert!(app.export().is_empty(), "nothing stored");
    let listed = SubmissionRequest { attachments: vec![photo.clone()], ..unlisted };
    app.submit(&listed).await;
    let stored = app.export();
    assert_eq!(stored[0].answers["photos"], json!([photo]));
    assert_eq!(stored[0].attachments, [photo]);
}

#[tokio::test]
async fn uploads_and_complete_photos_survive_a_restart() {
    let app = spawn_app().await;
    let done = photo_bytes(3000, 11);
    let done = app.upload(&done).await;
    let halfway = photo_bytes(PART_SIZE + 20, 12);
    let id = Uuid::new_v4();
    app.put_part(id, 0, part(&halfway, 0)).await;

    let app = app.restart().await;

    assert_eq!(app.upload_status(done.id).await.attachment, Some(done.clone()));
    assert_eq!(app.upload_status(id).await.received_parts, [0]);
    app.put_part(id, 1, part(&halfway, 1)).await;
    let resumed: AttachmentRef =
        app.complete_upload(id, &completion(&halfway)).await.json().await.unwrap();
    app.submit(&with_attachments(vec![done, resumed])).await;
    assert_eq!(app.export()[0].attachments.len(), 2);
}

#[tokio::test]
async fn the_bytes_of_a_complete_photo_are_kept_whole_in_the_data_directory() {
    let app = spawn_app().await;
    let bytes = photo_bytes(PART_SIZE * 2 + 3, 13);

    let attachment = app.upload(&bytes).await;

    let store = adal_server::attachments::open(app.data_dir.path(), None).unwrap();
    let kept = store.read(attachment.id).await.unwrap().unwrap();
    assert_eq!(hex::encode(Sha256::digest(&kept)), attachment.sha256);
    assert!(store.parts(attachment.id).await.unwrap().is_empty(), "parts are cleaned up");
}

#[tokio::test]
async fn malformed_upload_requests_are_refused_with_problems() {
    let app = spawn_app().await;

    let not_a_uuid = app.client.put(app.url("/api/v1/attachments/x/parts/0")).body("a").send();
    let not_a_number = app
        .client
        .put(app.url(&format!("/api/v1/attachments/{}/parts/one", Uuid::nil())))
        .body("a")
        .send();
    let (not_a_uuid, not_a_number) = tokio::join!(not_a_uuid, not_a_number);
    let empty = app.put_part(Uuid::new_v4(), 0, Vec::new()).await;
    let wrong_parts = app
        .complete_upload(Uuid::new_v4(), &CompleteUpload { parts: 2, ..completion(b"abc") })
        .await;

    for response in [not_a_uuid.unwrap(), not_a_number.unwrap(), empty, wrong_parts] {
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(problem(response).await.code, ProblemCode::MalformedRequest);
    }
}

#[tokio::test]
async fn uploads_are_rate_limited_like_submissions() {
    let app = spawn_app_with(tiny_rate_limit(2)).await;
    let id = Uuid::new_v4();

    app.put_part(id, 0, vec![1]).await;
    app.put_part(id, 0, vec![1]).await;
    let third = app.put_part(id, 0, vec![1]).await;

    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key(RETRY_AFTER));
    assert_eq!(problem(third).await.code, ProblemCode::RateLimited);
}

#[tokio::test]
async fn a_streamed_part_that_runs_over_256_kib_is_refused_with_a_problem_not_a_raw_413() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    // Chunked, so no Content-Length warns the server: the limit must stop the stream.
    let mut request = format!(
        "PUT /api/v1/attachments/{}/parts/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/octet-stream\r\nAccept-Language: kk\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        Uuid::new_v4()
    )
    .into_bytes();
    for _ in 0..5 {
        request.extend(format!("{:x}\r\n", 64 * 1024).as_bytes());
        request.extend(vec![b'x'; 64 * 1024]);
        request.extend(b"\r\n");
    }
    request.extend(b"0\r\n\r\n");

    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        // The server may answer and close before reading everything; that is the point.
        let _ = stream.write_all(&request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("\"attachment_part_too_large\""), "{answer}");
    assert!(answer.contains("content-language: kk"), "{answer}");
}
