//! `adal-server backup`, `restore` and `check`: a backup taken while the server takes
//! writes restores every receipt issued before it began, photos verified; a damaged or
//! truncated backup is refused and leaves nothing behind.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use adal_core::api::{Receipt, SubmissionRequest};
use adal_core::receipt::{RECEIPT_SECRET_HEADER, ReceiptSecret};
use adal_server::backup;
use reqwest::StatusCode;
use tokio::sync::Mutex;

use crate::attachments::photo_bytes;
use crate::helpers::{TestApp, complaint, spawn_app_on, spawn_staff_app, submission};

fn secret() -> ReceiptSecret {
    ReceiptSecret::parse(&uuid::Uuid::new_v4().simple().to_string()).unwrap()
}

/// A complaint with a receipt secret, so that its receipt can be read back.
fn with_secret(attachments: Vec<adal_core::AttachmentRef>) -> (SubmissionRequest, ReceiptSecret) {
    let secret = secret();
    let mut request = submission(complaint());
    if !attachments.is_empty() {
        request.answers.insert("photos".into(), serde_json::to_value(&attachments).unwrap());
    }
    request.attachments = attachments;
    request.receipt_secret = Some(secret.clone());
    (request, secret)
}

async fn status_of(app: &TestApp, receipt: &Receipt, secret: &ReceiptSecret) -> StatusCode {
    app.client
        .get(app.url(&format!("/api/v1/submissions/{}", receipt.tracking)))
        .header(RECEIPT_SECRET_HEADER, secret.expose())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_every_receipt_issued_before_it_began() {
    crate::sqlite_only!(
        "`adal-server backup`, `restore` and `check` copy and read the SQLite file of a data directory; PostgreSQL is backed up with pg_dump"
    );
    // Arrange: complaints, some with a photo, then a load that keeps writing.
    let app = Arc::new(spawn_staff_app().await);
    let mut before = Vec::new();
    for n in 0..12u8 {
        let photos =
            if n % 3 == 0 { vec![app.upload(&photo_bytes(300_000, n)).await] } else { vec![] };
        let (request, secret) = with_secret(photos);
        before.push((app.submit(&request).await, secret));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let during = Arc::new(Mutex::new(Vec::new()));
    let load = {
        let (app, stop, during) = (Arc::clone(&app), Arc::clone(&stop), Arc::clone(&during));
        tokio::spawn(async move {
            for _ in 0..5_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let (request, secret) = with_secret(vec![]);
                let receipt = app.submit(&request).await;
                during.lock().await.push((receipt, secret));
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Act: the backup, while the load goes on.
    let issued_before_backup = during.lock().await.len();
    let file = tempfile::tempdir().unwrap();
    let path = file.path().join("adal.backup");
    let (data, to) = (app.data_dir.path().to_owned(), path.clone());
    let manifest =
        tokio::task::spawn_blocking(move || backup::backup(&data, &to)).await.unwrap().unwrap();
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap();
    let written_during = during.lock().await.len() - issued_before_backup;
    assert!(written_during > 0, "the load went on during the backup");

    // Assert: restored, checked, and a server on it answers every earlier receipt.
    let restored = tempfile::tempdir().unwrap();
    let back = backup::restore(&path, restored.path()).unwrap();
    assert_eq!(back, manifest);
    assert_eq!(manifest.parts.len(), 1 + 4, "the database and the four photos");
    assert_eq!(backup::check(restored.path()).unwrap(), Vec::<String>::new());
    let server = spawn_app_on(restored).await;
    let during = during.lock().await;
    let earlier = before.iter().chain(during.iter().take(issued_before_backup));
    let mut answered = 0;
    for (receipt, secret) in earlier {
        assert_eq!(
            status_of(&server, receipt, secret).await,
            StatusCode::OK,
            "{}",
            receipt.tracking
        );
        answered += 1;
    }
    let stored = server.export();
    assert!(stored.len() as u64 == manifest.submissions && answered <= stored.len());
    assert_eq!(stored.iter().map(|s| s.attachments.len()).sum::<usize>(), 4);
}

/// Restores `file` into a fresh directory and answers the refusal.
fn refused(file: &Path) -> String {
    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("data");
    let error = backup::restore(file, &into).expect_err("a damaged backup is refused");
    assert!(!into.exists(), "nothing is left behind");
    assert_eq!(std::fs::read_dir(target.path()).unwrap().count(), 0, "no staging either");
    format!("{error:#}")
}

#[tokio::test]
async fn a_damaged_or_truncated_backup_is_refused_with_what_is_wrong_and_never_half_restored() {
    crate::sqlite_only!(
        "`adal-server backup`, `restore` and `check` copy and read the SQLite file of a data directory; PostgreSQL is backed up with pg_dump"
    );
    let app = spawn_staff_app().await;
    let photo = app.upload(&photo_bytes(200_000, 7)).await;
    app.submit(&with_secret(vec![photo]).0).await;
    app.submit(&submission(complaint())).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.backup");
    backup::backup(app.data_dir.path(), &good).unwrap();
    let bytes = std::fs::read(&good).unwrap();

    // One byte changed inside the database's part.
    let mut damaged = bytes.clone();
    damaged[4096] ^= 0x55;
    let path = dir.path().join("damaged.backup");
    std::fs::write(&path, &damaged).unwrap();
    let error = refused(&path);
    assert!(error.contains("adal.sqlite3 does not match its SHA-256"), "{error}");

    // Cut in half: the manifest never arrives.
    let path = dir.path().join("truncated.backup");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let error = refused(&path);
    assert!(error.contains("truncated"), "{error}");

    // Not a backup at all.
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "my notes").unwrap();
    let error = refused(&path);
    assert!(error.contains("truncated") || error.contains("not a backup"), "{error}");

    // And into a directory already holding data, nothing at all is done.
    let error = backup::restore(&good, app.data_dir.path()).unwrap_err().to_string();
    assert!(error.contains("is not empty"), "{error}");
}

#[tokio::test]
async fn check_says_which_attachment_is_damaged_or_missing() {
    crate::sqlite_only!(
        "`adal-server backup`, `restore` and `check` copy and read the SQLite file of a data directory; PostgreSQL is backed up with pg_dump"
    );
    let app = spawn_staff_app().await;
    let first = app.upload(&photo_bytes(100_000, 1)).await;
    let second = app.upload(&photo_bytes(100_000, 2)).await;
    app.submit(&with_secret(vec![first.clone(), second.clone()]).0).await;
    assert_eq!(backup::check(app.data_dir.path()).unwrap(), Vec::<String>::new());

    let file = |id: uuid::Uuid| {
        let id = id.to_string();
        app.data_dir.path().join("attachments/files").join(&id[..2]).join(id)
    };
    std::fs::write(file(first.id), b"not the photo").unwrap();
    std::fs::remove_file(file(second.id)).unwrap();

    let problems = backup::check(app.data_dir.path()).unwrap();
    // In the order of the attachments' ids.
    let mut expected = vec![
        (first.id, format!("attachment {}: its file does not match its SHA-256", first.id)),
        (second.id, format!("attachment {}: its file is missing", second.id)),
    ];
    expected.sort();
    assert_eq!(problems, expected.into_iter().map(|(_, p)| p).collect::<Vec<_>>());
}

#[tokio::test]
async fn backup_and_check_refuse_attachments_kept_in_a_bucket_and_say_why() {
    crate::sqlite_only!(
        "`adal-server backup`, `restore` and `check` copy and read the SQLite file of a data directory; PostgreSQL is backed up with pg_dump"
    );
    let app = spawn_staff_app().await;
    app.submit(&with_secret(Vec::new()).0).await;
    let to = app.data_dir.path().join("adal.backup");
    let url = "s3://adal-photos/uralsk";
    let to_arg = to.to_str().unwrap();
    for args in [
        vec!["backup", "--attachments-url", url, "--to", to_arg],
        vec!["check", "--attachments-url", url],
    ] {
        let (status, _, stderr) = crate::process::run(&args, app.data_dir.path(), "");
        assert!(!status.success(), "{args:?}");
        assert!(stderr.contains(url) && stderr.contains("versioning"), "{stderr}");
    }
    assert!(!to.exists(), "no backup without its photos");
    // With the local directory (an empty URL is that default) both work as ever.
    let (status, _, stderr) = crate::process::run(
        &["backup", "--attachments-url", "", "--to", to_arg],
        app.data_dir.path(),
        "",
    );
    assert!(status.success(), "{stderr}");
}
