//! SIGTERM to the real binary under load: it stops accepting, answers what it took,
//! commits the writer's last group and exits 0; nothing answered is lost and nothing is
//! half-stored.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use adal_core::api::{Receipt, SubmissionRequest};
use adal_core::receipt::{EventKind, RECEIPT_SECRET_HEADER, ReceiptSecret, SubmissionStatus};
use adal_server::StoredSubmission;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{complaint, submission};
use crate::process::{ServerProcess, run};

const TASKS: usize = 8;
const REQUESTS_PER_TASK: usize = 50;
/// Answers received before the signal: the load is well under way, far from over.
const ANSWERED_BEFORE_SIGTERM: usize = 80;

/// Limits no test device reaches: the load comes from one address.
const GENEROUS: [&str; 6] = [
    "--rate-limit-burst",
    "1000000",
    "--rate-limit-per-second",
    "1000000",
    "--max-connections-per-ip",
    "1000",
];

/// One request of the load and what came of it.
struct Sent {
    id: Uuid,
    secret: String,
    /// `Some` with the receipt when it was answered 2xx; `None` when no answer came.
    receipt: Option<Receipt>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_load_exits_0_and_every_answered_submission_is_stored_whole() {
    // Arrange
    let data = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(data.path(), "info", &GENEROUS);
    let client =
        reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().unwrap();
    let answered = Arc::new(AtomicUsize::new(0));
    let url = server.url("/api/v1/submissions");
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, url, answered) = (client.clone(), url.clone(), Arc::clone(&answered));
            tokio::spawn(async move {
                let mut sent = Vec::new();
                for _ in 0..REQUESTS_PER_TASK {
                    let secret = Uuid::new_v4().simple().to_string();
                    let request = SubmissionRequest {
                        receipt_secret: Some(ReceiptSecret::parse(&secret).unwrap()),
                        ..submission(complaint())
                    };
                    let receipt = match client.post(&url).json(&request).send().await {
                        Ok(response) => {
                            assert_eq!(response.status(), StatusCode::CREATED, "an answer is 201");
                            answered.fetch_add(1, Ordering::Relaxed);
                            Some(response.json::<Receipt>().await.expect("a whole receipt"))
                        }
                        // Refused or cut off by the shutdown: no answer, no promise.
                        Err(_) => None,
                    };
                    sent.push(Sent { id: request.id, secret, receipt });
                }
                sent
            })
        })
        .collect();

    // Act: SIGTERM in the middle of the load.
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.load(Ordering::Relaxed) < ANSWERED_BEFORE_SIGTERM {
        assert!(Instant::now() < deadline, "the load does not get going");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let signalled = Instant::now();
    server.terminate();
    let exit = tokio::task::block_in_place(|| server.wait(Duration::from_secs(30)));
    let took = signalled.elapsed();
    let mut sent = Vec::new();
    for task in tasks {
        sent.extend(task.await.unwrap());
    }

    // Assert: a clean exit, mid-load.
    assert_eq!(exit.code(), Some(0), "{}", server.output());
    let receipts: Vec<&Receipt> = sent.iter().filter_map(|s| s.receipt.as_ref()).collect();
    assert!(receipts.len() >= ANSWERED_BEFORE_SIGTERM);
    assert!(receipts.len() < TASKS * REQUESTS_PER_TASK, "the signal came after the load");
    assert!(server.output().contains("every queued submission is committed"));

    // The database checks out, and holds every answered submission with its number.
    let (checked, stdout, stderr) = run(&["check"], data.path(), "");
    assert!(checked.success(), "{stdout}{stderr}");
    let (exported, stdout, stderr) = run(&["export"], data.path(), "");
    assert!(exported.success(), "{stderr}");
    let stored: HashMap<Uuid, StoredSubmission> = stdout
        .lines()
        .map(|line| serde_json::from_str::<StoredSubmission>(line).unwrap())
        .map(|row| (row.id, row))
        .collect();
    for receipt in &receipts {
        let row = stored.get(&receipt.id).expect("every answered submission is stored");
        assert_eq!(row.tracking, receipt.tracking);
    }
    let ids: HashSet<Uuid> = sent.iter().map(|s| s.id).collect();
    assert!(stored.keys().all(|id| ids.contains(id)));
    // One register, numbered in commit order without a gap: no number was taken by a
    // transaction that did not commit.
    let mut numbers: Vec<u32> = stored
        .values()
        .map(|row| row.tracking.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=stored.len() as u32).collect::<Vec<_>>());

    // Restarted on the same data, the server shows every stored submission's receipt,
    // answered or not: none is half-stored.
    let mut again = ServerProcess::start(data.path(), "info", &GENEROUS);
    for sent in sent.iter().filter(|s| stored.contains_key(&s.id)) {
        let tracking = &stored[&sent.id].tracking;
        let response = client
            .get(again.url(&format!("/api/v1/submissions/{tracking}")))
            .header(RECEIPT_SECRET_HEADER, &sent.secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "the receipt of {tracking}");
        let status: SubmissionStatus = response.json().await.unwrap();
        assert_eq!(status.timeline[0].kind, EventKind::Received);
    }
    assert_eq!(tokio::task::block_in_place(|| again.stop()).code(), Some(0));
    eprintln!(
        "SIGTERM after {} answers: {} answered in all, {} stored, exit in {} ms",
        ANSWERED_BEFORE_SIGTERM,
        receipts.len(),
        stored.len(),
        took.as_millis()
    );
}
