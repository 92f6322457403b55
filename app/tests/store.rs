//! The device store against a real IndexedDB in headless Chromium: what the person
//! typed is kept, and each move between drafts, outbox and sent is all-or-nothing.

use adal_app::store::{self, Draft, OutboxItem, SentItem, ops};
use adal_core::ComplaintAnswers;
use adal_core::api::{FormRef, Receipt, SubmissionRequest};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn answers() -> ComplaintAnswers {
    ComplaintAnswers {
        district: "TER".into(),
        category: "clinic".into(),
        institution: "Теректі аудандық емханасы".into(),
        description: "Таңертең қан алуға кезек сағат 7-де басталып, 10-ға дейін созылды.".into(),
        occurred_on: "2026-11-20".into(),
        anonymous: true,
        ..Default::default()
    }
}

fn draft(id: &str, updated_at: f64) -> Draft {
    Draft {
        id: id.to_owned(),
        form: FormRef::complaint(),
        answers: answers(),
        created_at: 1.0,
        updated_at,
        problem: None,
    }
}

fn outbox_item(id: &str) -> OutboxItem {
    OutboxItem {
        id: id.to_owned(),
        request: SubmissionRequest {
            id: id.parse().unwrap(),
            form: FormRef::complaint(),
            answers: answers(),
        },
        queued_at: 2.0,
        attempts: 0,
        next_attempt_at: 2.0,
    }
}

fn new_id() -> String {
    Uuid::new_v4().to_string()
}

#[wasm_bindgen_test]
async fn a_saved_draft_reads_back_unchanged_and_can_be_overwritten() {
    let id = new_id();
    let mut d = draft(&id, 10.0);
    ops::put_draft(&d).await.unwrap();
    assert_eq!(ops::get_draft(&id).await.unwrap(), Some(d.clone()));

    d.answers.description.push_str(" Тағы бір сөйлем.");
    d.updated_at = 11.0;
    ops::put_draft(&d).await.unwrap();
    assert_eq!(ops::get_draft(&id).await.unwrap(), Some(d));
}

#[wasm_bindgen_test]
async fn a_draft_survives_a_closed_connection() {
    let id = new_id();
    ops::put_draft(&draft(&id, 10.0)).await.unwrap();
    // What a reload does: the next open starts from nothing but the disk.
    store::forget_connection();
    assert_eq!(ops::get_draft(&id).await.unwrap().map(|d| d.answers), Some(answers()));
}

#[wasm_bindgen_test]
async fn queueing_moves_the_draft_into_the_outbox_in_one_step() {
    let id = new_id();
    ops::put_draft(&draft(&id, 10.0)).await.unwrap();
    store::queue(&outbox_item(&id)).await.unwrap();

    assert_eq!(ops::get_draft(&id).await.unwrap(), None);
    assert_eq!(ops::get_outbox(&id).await.unwrap(), Some(outbox_item(&id)));
    let snapshot = store::snapshot().await.unwrap();
    assert!(snapshot.outbox.iter().any(|i| i.id == id));
    assert!(!snapshot.drafts.iter().any(|d| d.id == id));
}

#[wasm_bindgen_test]
async fn delivering_replaces_the_outbox_item_with_its_receipt() {
    let id = new_id();
    store::queue(&outbox_item(&id)).await.unwrap();
    let sent = SentItem {
        id: id.clone(),
        request: outbox_item(&id).request,
        receipt: Receipt {
            id: id.parse().unwrap(),
            tracking: "TER-2026-00007".into(),
            received_at: time::macros::datetime!(2026-11-25 09:30 UTC),
        },
    };
    store::deliver(&sent).await.unwrap();

    assert_eq!(ops::get_outbox(&id).await.unwrap(), None);
    assert_eq!(ops::get_sent(&id).await.unwrap(), Some(sent));
}

#[wasm_bindgen_test]
async fn a_refused_item_returns_to_the_drafts_with_its_answers() {
    let id = new_id();
    store::queue(&outbox_item(&id)).await.unwrap();
    let fix_me = Draft {
        problem: Some(adal_core::api::Problem::new(
            adal_core::api::ProblemCode::ValidationFailed,
            adal_core::Lang::Kk,
        )),
        ..draft(&id, 20.0)
    };
    store::return_to_drafts(&id, &fix_me).await.unwrap();

    assert_eq!(ops::get_outbox(&id).await.unwrap(), None);
    assert_eq!(ops::get_draft(&id).await.unwrap(), Some(fix_me));
}

#[wasm_bindgen_test]
async fn the_snapshot_lists_the_newest_draft_first() {
    let (older, newer) = (new_id(), new_id());
    ops::put_draft(&draft(&older, 1_000_000.0)).await.unwrap();
    ops::put_draft(&draft(&newer, 2_000_000.0)).await.unwrap();
    let ids: Vec<_> = store::snapshot().await.unwrap().drafts.into_iter().map(|d| d.id).collect();
    let pos = |id: &str| ids.iter().position(|x| x == id).unwrap();
    assert!(pos(&newer) < pos(&older));
}

#[wasm_bindgen_test]
async fn deleting_a_draft_removes_it() {
    let id = new_id();
    ops::put_draft(&draft(&id, 10.0)).await.unwrap();
    ops::delete_draft(&id).await.unwrap();
    assert_eq!(ops::get_draft(&id).await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_sending_lease_is_granted_to_one_drain_until_it_expires() {
    let id = new_id();
    store::queue(&outbox_item(&id)).await.unwrap();

    let first = store::lease(&id, 100.0, 200.0).await.unwrap();
    assert_eq!(first, Some(outbox_item(&id)));
    // Another tab, while the first one's lease is live: refused.
    assert_eq!(store::lease(&id, 150.0, 250.0).await.unwrap(), None);
    // The first tab died mid-send; once its lease ran out the item can go again.
    assert_eq!(store::lease(&id, 200.0, 300.0).await.unwrap(), Some(outbox_item(&id)));
    // Nothing to lease once the item left the outbox.
    assert_eq!(store::lease(&new_id(), 0.0, 100.0).await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn rescheduling_keeps_the_item_and_releases_its_lease() {
    let id = new_id();
    store::queue(&outbox_item(&id)).await.unwrap();
    store::lease(&id, 100.0, 10_000.0).await.unwrap().unwrap();

    store::reschedule(&id, 3, 5_000.0).await.unwrap();

    let item = ops::get_outbox(&id).await.unwrap().unwrap();
    assert_eq!((item.attempts, item.next_attempt_at), (3, 5_000.0));
    assert!(store::lease(&id, 101.0, 200.0).await.unwrap().is_some());
}

#[wasm_bindgen_test]
async fn delivering_releases_the_lease_with_the_item() {
    let id = new_id();
    store::queue(&outbox_item(&id)).await.unwrap();
    store::lease(&id, 100.0, 10_000.0).await.unwrap().unwrap();
    let sent = SentItem {
        id: id.clone(),
        request: outbox_item(&id).request,
        receipt: Receipt {
            id: id.parse().unwrap(),
            tracking: "URA-2026-00001".into(),
            received_at: time::macros::datetime!(2026-11-25 09:30 UTC),
        },
    };
    store::deliver(&sent).await.unwrap();
    // Queued again under the same id (it cannot be, but if it were) it is free at once.
    store::queue(&outbox_item(&id)).await.unwrap();
    assert!(store::lease(&id, 101.0, 200.0).await.unwrap().is_some());
}
