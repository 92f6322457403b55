//! Drains the outbox: sends what is due, one item at a time, and files each answer.
//!
//! One failing item never blocks the others: a refusal moves it back to the drafts with
//! the reason, a transient failure reschedules it with back-off, and the loop goes on.

use std::cell::Cell;

use adal_core::Lang;
use adal_core::sync::{Outcome, retry_delay_ms};
use uuid::Uuid;

use crate::api;
use crate::store::{self, Draft, OutboxItem, SentItem};

thread_local! {
    /// One drain at a time in this tab; the server's idempotency covers other tabs.
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

/// What one drain did, for the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub delivered: usize,
    pub refused: usize,
    pub postponed: usize,
}

/// Sends every due item. With `force` (the person tapped, or the network just came
/// back) the back-off is ignored.
pub async fn drain(force: bool, lang: Lang) -> store::Result<Report> {
    if DRAINING.replace(true) {
        return Ok(Report::default());
    }
    let result = drain_once(force, lang).await;
    DRAINING.set(false);
    result
}

async fn drain_once(force: bool, lang: Lang) -> store::Result<Report> {
    let mut report = Report::default();
    let now = js_sys::Date::now();
    let mut items = store::ops::all_outbox().await?;
    items.sort_by(|a, b| a.queued_at.total_cmp(&b.queued_at));
    for item in items.into_iter().filter(|i| force || i.next_attempt_at <= now) {
        // Photos first: the server stores a submission only once each of its photos is
        // uploaded and verified. An upload that cannot finish now is retried later.
        let outcome = match api::upload_attachments(&item.request.attachments).await {
            Ok(()) => api::post_submission(&item.request, lang).await,
            Err(()) => Outcome::RetryLater,
        };
        match outcome {
            Outcome::Delivered(receipt) => {
                let sent =
                    SentItem { id: item.id.clone(), request: item.request, receipt, status: None };
                store::deliver(&sent).await?;
                report.delivered += 1;
            }
            Outcome::NeedsAttention(problem) => {
                // After a conflict the id is spent on other content: fixing the draft
                // must send it as a new submission.
                let id = if problem.is_fixable_by_editing() {
                    item.id.clone()
                } else {
                    Uuid::new_v4().to_string()
                };
                let draft = Draft {
                    id,
                    form: item.request.form.clone(),
                    answers: item.request.answers.clone(),
                    created_at: item.queued_at,
                    updated_at: js_sys::Date::now(),
                    problem: Some(problem),
                };
                store::return_to_drafts(&item.id, &draft).await?;
                report.refused += 1;
            }
            // The server is missing a photo (or got it damaged): the next attempt uploads
            // it again, as a normal retry with back-off.
            Outcome::UploadAttachments(_) | Outcome::RetryLater => {
                let attempts = item.attempts.saturating_add(1);
                let delay = retry_delay_ms(attempts, js_sys::Math::random()) as f64;
                let next =
                    OutboxItem { attempts, next_attempt_at: js_sys::Date::now() + delay, ..item };
                store::ops::put_outbox(&next).await?;
                report.postponed += 1;
            }
        }
    }
    Ok(report)
}
