//! The device store against a real IndexedDB in headless Chromium: what the person
//! typed is kept, and each move between drafts, outbox and sent is all-or-nothing.

use adal_app::store::{self, Draft, OutboxItem, SentItem, ops};
use adal_core::api::{FormRef, Receipt, SubmissionRequest};
use adal_core::form::Answers;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn answers() -> Answers {
    serde_json::from_value(serde_json::json!({
        "district": "TER",
        "category": "clinic",
        "institution": "Теректі аудандық емханасы",
        "description": "Таңертең қан алуға кезек сағат 7-де басталып, 10-ға дейін созылды.",
        "occurred_on": "2026-11-20",
        "anonymous": true,
    }))
    .unwrap()
}

fn complaint_form() -> FormRef {
    FormRef::new("complaint", 2)
}

fn draft(id: &str, updated_at: f64) -> Draft {
    Draft {
        id: id.to_owned(),
        form: complaint_form(),
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
            form: complaint_form(),
            answers: answers(),
            attachments: vec![],
            receipt_secret: None,
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

    d.answers.insert("description".into(), "Тағы бір сөйлем қосылды, мәтін ұзарды.".into());
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
async fn a_draft_is_read_again_after_the_browser_closes_the_connection_under_the_app() {
    let id = new_id();
    ops::put_draft(&draft(&id, 10.0)).await.unwrap();
    // What iOS Safari does to an idle page: the cached connection is closed, not forgotten.
    store::open().await.unwrap().close();
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
            terms: None,
        },
        status: None,
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
async fn the_first_entries_are_the_top_of_each_list_and_the_counts_are_of_everything() {
    let before = store::snapshot().await.unwrap();
    // Newer than any other test's drafts, and queued before any other test's items.
    let drafts: Vec<String> = (0..5).map(|_| new_id()).collect();
    for (n, id) in drafts.iter().enumerate() {
        ops::put_draft(&draft(id, 9e15 + n as f64)).await.unwrap();
    }
    let queued: Vec<String> = (0..3).map(|_| new_id()).collect();
    for (n, id) in queued.iter().enumerate() {
        ops::put_outbox(&OutboxItem { queued_at: -3.0 + n as f64, ..outbox_item(id) })
            .await
            .unwrap();
    }

    let first = store::first_entries(2).await.unwrap();

    assert_eq!(
        first.drafts.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        vec![drafts[4].clone(), drafts[3].clone()],
        "newest drafts first"
    );
    assert_eq!(
        first.outbox.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        vec![queued[0].clone(), queued[1].clone()],
        "oldest outbox items first"
    );
    assert_eq!(first.counts.drafts, before.counts.drafts + 5);
    assert_eq!(first.counts.outbox, before.counts.outbox + 3);
    assert!(!first.complete);
    let all = store::snapshot().await.unwrap();
    assert!(all.complete);
    assert_eq!(all.counts, first.counts);
    assert_eq!(all.drafts[..2], first.drafts[..]);
    assert_eq!(all.outbox[..2], first.outbox[..]);

    let everything = store::first_entries(100_000).await.unwrap();
    assert!(
        everything.complete,
        "a limit above the counts reads every entry: {:?} {} {} {}",
        everything.counts,
        everything.drafts.len(),
        everything.outbox.len(),
        everything.sent.len()
    );
    assert_eq!(everything.drafts.len(), all.counts.drafts);
    assert_eq!(everything.drafts[0], all.drafts[0]);
}

#[wasm_bindgen_test]
async fn deleting_a_draft_removes_it() {
    let id = new_id();
    ops::put_draft(&draft(&id, 10.0)).await.unwrap();
    ops::delete_draft(&id).await.unwrap();
    assert_eq!(ops::get_draft(&id).await.unwrap(), None);
}

fn provider(id: &str, name: &str, district: &str) -> adal_core::Provider {
    serde_json::from_value(serde_json::json!({
        "id": id, "kind": "mediator",
        "name": {"kk": name, "ru": name, "en": name},
        "district": district,
        "address": {"kk": "", "ru": "ул. Достык, 1", "en": ""},
        "lat": 51.2, "lon": 51.4, "phones": ["+77000000101"],
        "hours": {"kk": "", "ru": "9–18", "en": ""},
        "languages": ["kk", "ru"],
        "services": {"kk": "", "ru": "медиация", "en": ""},
        "sample": true
    }))
    .unwrap()
}

#[wasm_bindgen_test]
async fn a_directory_delta_upserts_and_deletes_and_a_full_list_replaces() {
    use adal_app::store::providers;
    use adal_core::provider::DirectoryDelta;
    let full = DirectoryDelta {
        version: 3,
        full: true,
        providers: vec![
            provider("a-1", "Асель Нурланова", "URA"),
            provider("b-1", "Ерлан Ахметов", "TER"),
        ],
        deleted: vec![],
    };
    // The first download is stored in turns; what it returns is what the device holds.
    let stored = providers::apply(full, true).await.unwrap();
    let on_device = providers::all().await.unwrap();
    assert_eq!(providers::updated(&[], stored, &[], true), on_device);
    assert_eq!(providers::version().await.unwrap(), 3);
    let delta = DirectoryDelta {
        version: 4,
        full: false,
        providers: vec![provider("c-1", "Гүлнар Сейітова", "AKZ")],
        deleted: vec!["a-1".into()],
    };
    let deleted = delta.deleted.clone();
    let stored = providers::apply(delta, false).await.unwrap();
    let mut ids: Vec<_> = providers::all().await.unwrap().into_iter().map(|p| p.id).collect();
    ids.sort();
    assert_eq!(ids, ["b-1", "c-1"]);
    // The directory kept in memory after a delta is the one a restart reads back.
    let in_memory = providers::updated(&on_device, stored, &deleted, false);
    assert_eq!(in_memory, providers::all().await.unwrap());
    assert_eq!(providers::version().await.unwrap(), 4);
    // Entries are stored with their folded search text, ready for offline search.
    let c = providers::all().await.unwrap().into_iter().find(|p| p.id == "c-1").unwrap();
    assert!(adal_core::search::Query::parse("гулнар").matches(&c.search));
    assert!(adal_core::search::Query::parse("gulnar").matches(&c.search));
}

#[wasm_bindgen_test]
async fn cached_forms_come_back_with_their_etag() {
    use adal_app::store::forms;
    let schemas = adal_core::form::catalogue().to_vec();
    forms::replace(&schemas, "\"abc\"").await.unwrap();
    assert_eq!(forms::etag().await.unwrap().as_deref(), Some("\"abc\""));
    let mut back = forms::all().await.unwrap();
    back.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
    let mut want = schemas;
    want.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
    assert_eq!(back, want);
}

#[wasm_bindgen_test]
async fn a_stored_photo_reads_back_byte_for_byte() {
    use adal_app::store::attachments;
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let reference = adal_core::form::AttachmentRef {
        id: Uuid::new_v4(),
        sha256: adal_app::photos::sha256_hex(&bytes).await.unwrap(),
        size: bytes.len() as u64,
        content_type: "image/jpeg".into(),
    };
    attachments::put(&reference, &blob).await.unwrap();
    let back = attachments::blob(&reference.id.to_string()).await.unwrap().unwrap();
    let buffer = wasm_bindgen_futures::JsFuture::from(back.array_buffer()).await.unwrap();
    assert_eq!(js_sys::Uint8Array::new(&buffer).to_vec(), bytes);
    attachments::delete(&reference.id.to_string()).await.unwrap();
    assert!(attachments::blob(&reference.id.to_string()).await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_backup_restores_unsent_items_once_and_skips_what_is_here() {
    use adal_app::store::backup;
    let (draft_id, queued_id) = (new_id(), new_id());
    ops::put_draft(&draft(&draft_id, 10.0)).await.unwrap();
    store::queue(&outbox_item(&queued_id)).await.unwrap();
    let saved = backup::unsent().await.unwrap();
    assert!(saved.drafts.iter().any(|d| d.id == draft_id));
    assert!(saved.outbox.iter().any(|i| i.id == queued_id));

    // As on a new phone: nothing of it is here.
    ops::delete_draft(&draft_id).await.unwrap();
    store::deliver(&SentItem {
        id: queued_id.clone(),
        request: outbox_item(&queued_id).request,
        receipt: Receipt {
            id: queued_id.parse().unwrap(),
            tracking: "TER-2026-00009".into(),
            received_at: time::macros::datetime!(2026-11-25 10:00 UTC),
            terms: None,
        },
        status: None,
    })
    .await
    .unwrap();
    let restored = backup::restore(&saved).await.unwrap();
    assert!(restored.drafts >= 1);
    assert_eq!(ops::get_draft(&draft_id).await.unwrap().map(|d| d.id), Some(draft_id.clone()));
    // The queued item was delivered meanwhile: it is not queued again.
    assert_eq!(ops::get_outbox(&queued_id).await.unwrap(), None);
    let again = backup::restore(&saved).await.unwrap();
    assert_eq!((again.drafts, again.outbox), (0, 0));
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
async fn only_the_drain_holding_a_lease_renews_it() {
    let id = new_id();
    store::queue(&outbox_item(&id)).await.unwrap();
    store::lease(&id, 100.0, 200.0).await.unwrap().unwrap();

    // The holder renews: another tab is kept off past the first lease's end.
    assert!(store::renew_lease(&id, 200.0, 300.0).await.unwrap());
    assert_eq!(store::lease(&id, 250.0, 350.0).await.unwrap(), None);
    // A renewal that names an end this lease no longer has is refused.
    assert!(!store::renew_lease(&id, 200.0, 400.0).await.unwrap());
    // Once another tab took the expired lease, the first can no longer renew it.
    assert!(store::lease(&id, 300.0, 400.0).await.unwrap().is_some());
    assert!(!store::renew_lease(&id, 300.0, 500.0).await.unwrap());
    assert!(store::renew_lease(&id, 400.0, 500.0).await.unwrap(), "the new holder can");
    // Nothing to renew once the lease was released, or for an item never queued.
    store::reschedule(&id, 1, 0.0).await.unwrap();
    assert!(!store::renew_lease(&id, 500.0, 600.0).await.unwrap());
    assert!(!store::renew_lease(&new_id(), 100.0, 200.0).await.unwrap());
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
            terms: None,
        },
        status: None,
    };
    store::deliver(&sent).await.unwrap();
    // Queued again under the same id (it cannot be, but if it were) it is free at once.
    store::queue(&outbox_item(&id)).await.unwrap();
    assert!(store::lease(&id, 101.0, 200.0).await.unwrap().is_some());
}
