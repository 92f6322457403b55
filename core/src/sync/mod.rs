//! The sync protocol as the client runs it: what an answer from the server means for an
//! outbox item, how long to wait before trying again, and the engine that drains an
//! outbox by those rules ([`engine`]).
//!
//! Drafts are not the outbox. A draft becomes an outbox item (with its final UUID) when
//! the person taps "Send"; the item is removed only after a 2xx, and a resend of the same
//! UUID is always safe because the server answers it with the receipt it gave first.

pub mod engine;
pub mod memory;

use crate::api::{BatchOutcome, Problem, ProblemCode, Receipt};

/// What to do with an outbox item after one attempt to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server holds it: keep the receipt, drop the item from the outbox.
    Delivered(Receipt),
    /// The server refused it for a reason a person must look at (invalid field, conflict,
    /// too large). It leaves the queue, so it never blocks the items behind it.
    NeedsAttention(Problem),
    /// The server does not hold (or could not verify) the photos the item lists:
    /// upload them again, then resend the item. `Problem::attachments` names the photos
    /// concerned (all of the item's when empty). This is not the person's doing and needs
    /// no edit; it counts as an attempt for the back-off, so that a photo that keeps
    /// failing cannot make the client loop.
    UploadAttachments(Problem),
    /// Nothing is known to be wrong with the item itself: no network, a timeout, a 5xx,
    /// rate limiting. Try again later.
    RetryLater,
}

/// Classifies an HTTP answer. `body` is the response text, when one arrived whole.
pub fn classify(status: u16, body: Option<&str>) -> Outcome {
    match status {
        200 | 201 => match body.and_then(|b| serde_json::from_str::<Receipt>(b).ok()) {
            Some(receipt) => Outcome::Delivered(receipt),
            // A truncated or garbled 2xx proves nothing; the resend will get the receipt.
            None => Outcome::RetryLater,
        },
        _ => refusal(status, body.and_then(|b| serde_json::from_str::<Problem>(b).ok())),
    }
}

/// Classifies what a batch answered for one of its items: exactly what
/// [`classify`] makes of the same status and body sent alone.
pub fn classify_batched(outcome: &BatchOutcome) -> Outcome {
    match outcome {
        BatchOutcome::Stored { status: 200 | 201, receipt, .. } => {
            Outcome::Delivered(receipt.clone())
        }
        BatchOutcome::Stored { .. } => Outcome::RetryLater,
        BatchOutcome::Refused { status, problem, .. } => refusal(*status, Some(problem.clone())),
    }
}

/// What a status other than success means, with the problem the body held (if any).
fn refusal(status: u16, problem: Option<Problem>) -> Outcome {
    match status {
        400 | 409 | 413 | 415 | 422 => match problem {
            Some(problem) if problem.asks_for_upload() => Outcome::UploadAttachments(problem),
            Some(problem) => Outcome::NeedsAttention(problem),
            // A 4xx that is not our problem format came from something in between
            // (a captive portal, a proxy): the item itself may be fine.
            None => Outcome::RetryLater,
        },
        _ => Outcome::RetryLater,
    }
}

/// First retry delay and the cap of the exponential back-off, in milliseconds.
pub const RETRY_BASE_MS: u64 = 2_000;
pub const RETRY_CAP_MS: u64 = 5 * 60 * 1_000;

/// Exponential back-off with "equal jitter", capped: half the exponential delay is fixed,
/// half is random, so many phones coming back online at once do not all knock in the same
/// second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure (before jitter).
    pub base_ms: u64,
    /// No delay is longer than this.
    pub cap_ms: u64,
}

impl Backoff {
    /// What phones use: 2 s after the first failure, doubling, at most 5 minutes.
    pub const DEFAULT: Backoff = Backoff { base_ms: RETRY_BASE_MS, cap_ms: RETRY_CAP_MS };

    /// How long to wait after `attempts` failed attempts. `jitter` is a random number in
    /// `[0, 1)`.
    pub fn delay_ms(self, attempts: u32, jitter: f64) -> u64 {
        let exp = self.base_ms.saturating_mul(1u64 << attempts.saturating_sub(1).min(20));
        let capped = exp.min(self.cap_ms);
        let jitter = jitter.clamp(0.0, 1.0);
        capped / 2 + ((capped / 2) as f64 * jitter) as u64
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::DEFAULT
    }
}

/// [`Backoff::DEFAULT`]'s delay after `attempts` failed attempts.
pub fn retry_delay_ms(attempts: u32, jitter: f64) -> u64 {
    Backoff::DEFAULT.delay_ms(attempts, jitter)
}

impl Problem {
    /// Whether the problem is something the person can fix by editing the form.
    pub fn is_fixable_by_editing(&self) -> bool {
        matches!(
            self.code,
            ProblemCode::ValidationFailed
                | ProblemCode::BodyTooLarge
                | ProblemCode::AttachmentTooLarge
                | ProblemCode::AttachmentsTooLarge
                | ProblemCode::UnsupportedAttachmentType
        )
    }

    /// Whether the cure is to upload the item's photos again and resend: the server
    /// lacks them (`attachments_incomplete`) or received them damaged
    /// (`attachment_hash_mismatch`).
    pub fn asks_for_upload(&self) -> bool {
        matches!(
            self.code,
            ProblemCode::AttachmentsIncomplete | ProblemCode::AttachmentHashMismatch
        )
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::Lang;

    #[test]
    fn a_receipt_is_delivered_and_a_garbled_success_is_retried() {
        let receipt = Receipt {
            id: Uuid::nil(),
            tracking: "URA-2026-00001".into(),
            received_at: datetime!(2026-11-25 10:00 UTC),
            terms: None,
        };
        let body = serde_json::to_string(&receipt).unwrap();
        assert_eq!(classify(201, Some(&body)), Outcome::Delivered(receipt.clone()));
        assert_eq!(classify(200, Some(&body)), Outcome::Delivered(receipt));
        assert_eq!(classify(201, Some(&body[..body.len() / 2])), Outcome::RetryLater);
        assert_eq!(classify(201, None), Outcome::RetryLater);
    }

    #[test]
    fn our_refusals_need_attention_but_foreign_errors_are_retried() {
        let problem = Problem::new(ProblemCode::ConflictingResubmission, Lang::Ru);
        let body = serde_json::to_string(&problem).unwrap();
        assert_eq!(classify(409, Some(&body)), Outcome::NeedsAttention(problem));
        assert_eq!(classify(400, Some("<html>captive portal</html>")), Outcome::RetryLater);
        for status in [0, 404, 408, 429, 500, 502, 503, 504] {
            assert_eq!(classify(status, Some(&body)), Outcome::RetryLater, "{status}");
        }
    }

    #[test]
    fn missing_or_damaged_photos_ask_for_an_upload_not_for_attention() {
        let id = Uuid::from_u128(1);
        let incomplete =
            Problem::new(ProblemCode::AttachmentsIncomplete, Lang::Kk).with_attachments(vec![id]);
        let body = serde_json::to_string(&incomplete).unwrap();
        assert_eq!(classify(409, Some(&body)), Outcome::UploadAttachments(incomplete));
        let damaged = Problem::new(ProblemCode::AttachmentHashMismatch, Lang::En);
        let body = serde_json::to_string(&damaged).unwrap();
        assert_eq!(classify(422, Some(&body)), Outcome::UploadAttachments(damaged));
        // The same statuses with other codes still need a person.
        for code in [ProblemCode::ConflictingResubmission, ProblemCode::AttachmentConflict] {
            let problem = Problem::new(code, Lang::En);
            let body = serde_json::to_string(&problem).unwrap();
            assert_eq!(classify(409, Some(&body)), Outcome::NeedsAttention(problem));
        }
    }

    #[test]
    fn photos_over_the_limits_are_fixed_by_editing() {
        for (status, code) in [
            (413, ProblemCode::AttachmentTooLarge),
            (413, ProblemCode::AttachmentsTooLarge),
            (422, ProblemCode::UnsupportedAttachmentType),
        ] {
            let problem = Problem::new(code, Lang::Ru);
            let body = serde_json::to_string(&problem).unwrap();
            let outcome = classify(status, Some(&body));
            assert_eq!(outcome, Outcome::NeedsAttention(problem.clone()), "{code:?}");
            assert!(problem.is_fixable_by_editing(), "{code:?}");
        }
        assert!(!Problem::new(ProblemCode::NotAnonymous, Lang::Ru).is_fixable_by_editing());
    }

    #[test]
    fn back_off_grows_exponentially_within_jitter_and_is_capped() {
        assert_eq!(retry_delay_ms(1, 0.0), 1_000);
        assert_eq!(retry_delay_ms(1, 0.999_999), 1_999);
        assert_eq!(retry_delay_ms(2, 0.0), 2_000);
        assert_eq!(retry_delay_ms(4, 0.0), 8_000);
        assert_eq!(retry_delay_ms(30, 0.0), RETRY_CAP_MS / 2);
        assert!(retry_delay_ms(u32::MAX, 1.0) <= RETRY_CAP_MS);
        let mut last = 0;
        for attempts in 1..12 {
            let d = retry_delay_ms(attempts, 0.5);
            assert!(d >= last);
            last = d;
        }
    }

    #[test]
    fn a_compressed_back_off_keeps_the_same_shape() {
        let fast = Backoff { base_ms: 100, cap_ms: 1_000 };
        assert_eq!(fast.delay_ms(1, 0.0), 50);
        assert_eq!(fast.delay_ms(3, 0.0), 200);
        assert_eq!(fast.delay_ms(9, 0.0), 500);
        assert!(fast.delay_ms(9, 0.999) < 1_000);
    }
}
