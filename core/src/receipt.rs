//! Receipts: the tracking number and a secret that only the device holds, the status
//! timeline they open, and a person's identity added to an anonymous complaint later.
//!
//! The secret is made on the device when a submission is queued and sent with it; the
//! server keeps only its SHA-256. Whoever holds the tracking number *and* the secret may
//! read the status and add an identity; nobody else, staff included, can tell who sent an
//! anonymous complaint.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::act::SignedAct;
use crate::form::FormRef;
use crate::form::{ADDRESS_MAX, ADDRESS_MIN};
use crate::form::{NAME_MAX, NAME_MIN};
use crate::mediation::SessionRecord;
use crate::validation::{self, FieldErrors};
use crate::{Iin, Phone};

/// The request header that carries the receipt secret. A header rather than the query
/// string, so that it never ends up in access logs or browser history.
pub const RECEIPT_SECRET_HEADER: &str = "x-receipt-secret";
/// At least this many characters: 32 hex digits are 128 bits, 32 base64url ones 192.
pub const SECRET_MIN_CHARS: usize = 32;
pub const SECRET_MAX_CHARS: usize = 128;

/// A receipt secret in its only accepted form: 32 to 128 characters of the base64url
/// alphabet (which includes lowercase hex), as the device's random generator wrote them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptSecret(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a receipt secret is 32 to 128 characters of A-Z, a-z, 0-9, '-' and '_'")]
pub struct InvalidReceiptSecret;

impl ReceiptSecret {
    pub fn parse(raw: &str) -> Result<ReceiptSecret, InvalidReceiptSecret> {
        let ok = (SECRET_MIN_CHARS..=SECRET_MAX_CHARS).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| ReceiptSecret(raw.to_owned())).ok_or(InvalidReceiptSecret)
    }

    /// The secret itself, to be hashed or sent; never to be logged.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Never prints the secret, so that a `{:?}` in a log line cannot leak it.
impl fmt::Debug for ReceiptSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptSecret(…)")
    }
}

impl TryFrom<String> for ReceiptSecret {
    type Error = InvalidReceiptSecret;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        ReceiptSecret::parse(&raw)
    }
}

impl From<ReceiptSecret> for String {
    fn from(secret: ReceiptSecret) -> String {
        secret.0
    }
}

/// What happened to a submission, as the person who sent it sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    /// Stored by the server; written with the submission itself.
    Received,
    /// Registered by the office (the law: the day it arrives, or the next working day).
    Registered,
    /// Sent on to the body it concerns (the law: within three working days).
    Forwarded,
    /// Given to an officer to handle.
    Assigned,
    /// The deadline for the answer was extended, as the law allows with notice.
    Extended,
    /// Answered; the event's note is the public answer.
    Answered,
    Closed,
    /// The person added their name and phone to an anonymous complaint.
    IdentityAdded,
    /// The office asks the person for more information; the note is the question.
    InfoRequested,
    /// The person's reply to a question, sent from their receipt; the note is the reply.
    InfoProvided,
    /// A mediation session is scheduled; the note says when, where and with whom.
    SessionScheduled,
    /// A mediation session was held; the note is its outcome.
    SessionHeld,
    /// The parties signed a reconciliation act; the note is the act's number and hash.
    ActSigned,
    /// An internal note of the office. Never shown to the person (see [`EventKind::is_public`]).
    Note,
    /// A kind this build does not know yet: a newer server may add kinds, and an older
    /// app must still read the rest of the timeline.
    #[serde(other)]
    Other,
}

impl EventKind {
    pub const ALL: [EventKind; 14] = [
        EventKind::Received,
        EventKind::Registered,
        EventKind::Forwarded,
        EventKind::Assigned,
        EventKind::Extended,
        EventKind::Answered,
        EventKind::Closed,
        EventKind::IdentityAdded,
        EventKind::InfoRequested,
        EventKind::InfoProvided,
        EventKind::SessionScheduled,
        EventKind::SessionHeld,
        EventKind::ActSigned,
        EventKind::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Received => "received",
            EventKind::Registered => "registered",
            EventKind::Forwarded => "forwarded",
            EventKind::Assigned => "assigned",
            EventKind::Extended => "extended",
            EventKind::Answered => "answered",
            EventKind::Closed => "closed",
            EventKind::IdentityAdded => "identity_added",
            EventKind::InfoRequested => "info_requested",
            EventKind::InfoProvided => "info_provided",
            EventKind::SessionScheduled => "session_scheduled",
            EventKind::SessionHeld => "session_held",
            EventKind::ActSigned => "act_signed",
            EventKind::Note => "note",
            EventKind::Other => "other",
        }
    }

    /// Whether staff record this kind by hand. `received` and `identity_added` are
    /// written only by the server, when what they record happens.
    pub fn is_recorded_by_staff(self) -> bool {
        !matches!(
            self,
            EventKind::Received
                | EventKind::IdentityAdded
                | EventKind::InfoProvided
                | EventKind::Other
        )
    }

    /// Whether a submission whose latest public event is of this kind is settled: the
    /// office answered it or closed it, or the parties signed their reconciliation act.
    /// The inbox puts such items after the open ones, no deadline of theirs is counted as
    /// late, and Open311 calls them `closed`.
    pub fn settles(self) -> bool {
        matches!(self, EventKind::Answered | EventKind::Closed | EventKind::ActSigned)
    }

    /// Whether the person who sent the submission sees this kind on their receipt.
    /// Internal notes stay in the office.
    pub fn is_public(self) -> bool {
        self != EventKind::Note
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown event kind")]
pub struct UnknownEventKind;

impl FromStr for EventKind {
    type Err = UnknownEventKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(UnknownEventKind)
    }
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusEvent {
    pub kind: EventKind,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Text for the person who sent the submission; public, so never internal notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `extended`: the new day the answer is due by (the law wants the person told).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::calendar::optional_date"
    )]
    pub until: Option<time::Date>,
}

/// When a submission counts as received: what is stored, printed on its receipt and
/// shown to staff. A named submission: the moment it arrived. An anonymous one: the start
/// of the hour it arrived in. Every item of a batch arrives at one instant, so with the
/// exact time an anonymous complaint sent beside a named request from the same phone
/// would be tied to that name in the staff list (its number is apart already, see
/// [`crate::tracking::Series`]). The region's offset is whole hours, so the hour is the
/// same on a clock in Uralsk.
pub fn filed_at(arrived: OffsetDateTime, anonymous: bool) -> OffsetDateTime {
    if !anonymous {
        return arrived;
    }
    arrived.replace_time(time::Time::from_hms(arrived.hour(), 0, 0).unwrap_or(time::Time::MIDNIGHT))
}

/// The anti-corruption call centre of the Anti-Corruption Agency (free of charge).
pub const ANTI_CORRUPTION_CALL_CENTRE: &str = "1424";
/// The Agency's official Telegram bot.
pub const ANTI_CORRUPTION_BOT: &str = "@antikorkzbot";

/// Whether a submission reports a bribe: a complaint saying money was asked for. Wherever
/// one is, the person is also shown [`ANTI_CORRUPTION_CALL_CENTRE`] and
/// [`ANTI_CORRUPTION_BOT`]. Reads answers as typed (a string) or as stored (a number).
pub fn reports_a_bribe(form_id: &str, answers: &crate::form::Answers) -> bool {
    if !crate::form::COMPLAINT_FORMS.contains(&form_id) {
        return false;
    }
    let amount = match answers.get("amount_asked") {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => {
            let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            digits.replace(',', ".").parse::<f64>().ok()
        }
        _ => None,
    };
    amount.is_some_and(|a| a > 0.0)
}

/// What the law wants a receipt to say besides its number, date and time (APC Art. 64):
/// who accepted the submission, the day it is registered, and, for an appeal that will be
/// answered, the day the answer is due (Art. 76).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptTerms {
    /// The district's office: the body that accepted it.
    pub accepted_by: crate::office::AcceptingBody,
    /// The day it counts as received: the day it arrived, or the next working day when
    /// it arrived after hours or on a day off.
    #[serde(with = "crate::calendar::iso_date")]
    pub registered_on: time::Date,
    /// The 15th working day, for a complaint that is a formal appeal
    /// ([`crate::appeal::Standing`]). Absent for an anonymous one (the law does not
    /// consider it an appeal), a named one without the IIN or postal address (not an
    /// appeal until they are given: see `missing`), a mediation request (its own clock)
    /// and a monitoring checklist (no answer is due).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::calendar::optional_date"
    )]
    pub answer_by: Option<time::Date>,
    /// Counted with a provisional year of the calendar (an estimate until the year's
    /// order is known).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
    /// It reports a bribe ([`reports_a_bribe`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reports_a_bribe: bool,
    /// A named complaint that is not yet a formal appeal: what to add to make it one
    /// (APC Art. 63).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<crate::appeal::Requisite>,
}

impl ReceiptTerms {
    /// The terms of a submission of `form_id` to `district` received at `received_at`,
    /// standing as `standing` under the law: a complaint is answered by the 15th working
    /// day only as a formal appeal, counted from when it became one (an anonymous report
    /// named later with its IIN and address: from then).
    pub fn new(
        calendar: &crate::calendar::Calendar,
        form_id: &str,
        district: crate::District,
        received_at: OffsetDateTime,
        standing: &crate::appeal::Standing,
        reports_a_bribe: bool,
    ) -> ReceiptTerms {
        let deadlines = calendar.deadlines(received_at);
        let complaint = crate::form::COMPLAINT_FORMS.contains(&form_id);
        let answer_by = standing
            .formal_since()
            .filter(|_| complaint)
            .map(|since| calendar.deadlines(since).answer_by);
        // Only the days the receipt states: the two-month cap it does not print may
        // reach into a provisional year without making these estimates.
        let last = answer_by.unwrap_or(deadlines.registered_on);
        let provisional = (received_at.to_offset(crate::district::REGION_UTC_OFFSET).year()
            ..=last.year())
            .any(|year| !calendar.is_confirmed(year));
        ReceiptTerms {
            accepted_by: crate::office::AcceptingBody::of(district),
            registered_on: deadlines.registered_on,
            answer_by,
            provisional,
            reports_a_bribe,
            missing: if complaint { standing.missing().to_vec() } else { Vec::new() },
        }
    }
}

/// `GET /api/v1/submissions/{tracking}` with the receipt secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionStatus {
    pub tracking: String,
    pub form: FormRef,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Still anonymous: sent so, and no identity added since.
    pub anonymous: bool,
    /// Oldest first; starts with `received`.
    pub timeline: Vec<StatusEvent>,
    /// The note of the latest `answered` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_answer: Option<String>,
    /// The extension in force: its reason and the new answer day, as the law wants the
    /// person told ([`crate::calendar::Calendar::extension_notice`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<crate::calendar::ExtensionNotice>,
    /// A mediation request's sessions, oldest first: when, where, with whom, and what
    /// each came to. Empty for other forms (and absent from older servers' answers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<SessionRecord>,
    /// The reconciliation act the parties signed, to print again and verify offline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<SignedAct>,
    /// Who accepted it, when it is registered and when the answer is due (absent from
    /// older servers' answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<ReceiptTerms>,
}

impl SubmissionStatus {
    /// The public answer of a timeline: the note of its latest `answered` event.
    pub fn public_answer_of(timeline: &[StatusEvent]) -> Option<String> {
        timeline.iter().rev().find(|e| e.kind == EventKind::Answered)?.note.clone()
    }

    /// The extension in force of a timeline, counted by `calendar` from `received_at`.
    pub fn extension_of(
        calendar: &crate::calendar::Calendar,
        received_at: OffsetDateTime,
        timeline: &[StatusEvent],
    ) -> Option<crate::calendar::ExtensionNotice> {
        let extensions = timeline.iter().filter(|e| e.kind == EventKind::Extended);
        calendar.extension_notice(
            &calendar.deadlines(received_at),
            extensions.map(|e| (e.at, e.until, e.note.clone())),
        )
    }
}

/// `POST /api/v1/submissions/{tracking}/identity`: the name and phone a person adds to
/// their anonymous complaint, as typed, and the IIN and postal address that make it a
/// formal appeal (APC Art. 63); those two may be left empty, or added by a second
/// request with the same name and phone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityRequest {
    pub name: String,
    pub phone: String,
    pub iin: String,
    pub postal_address: String,
}

/// A validated identity: the same rules as the complaint form's `name`, `phone`, `iin`
/// and `postal_address`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub name: String,
    pub phone: Phone,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<Iin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<String>,
}

impl Identity {
    /// What it lacks to make the complaint a formal appeal.
    pub fn missing(&self) -> Vec<crate::appeal::Requisite> {
        use crate::appeal::Requisite;
        let mut missing = Vec::new();
        if self.iin.is_none() {
            missing.push(Requisite::Iin);
        }
        if self.postal_address.is_none() {
            missing.push(Requisite::PostalAddress);
        }
        missing
    }

    /// A complaint sent named, but without the IIN or postal address, is completed by
    /// both at once: each one missing is a field error.
    pub fn completes_a_named_complaint(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        for requisite in self.missing() {
            errors.push(requisite.key(), crate::ErrorCode::Required);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

impl IdentityRequest {
    pub fn validate(&self) -> Result<Identity, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", validation::text(&self.name, NAME_MIN, NAME_MAX));
        let phone = errors.check("phone", Phone::parse(&self.phone));
        let optional = |raw: &str| !crate::clean::is_blank(raw);
        let iin = optional(&self.iin).then(|| errors.check("iin", Iin::parse(&self.iin))).flatten();
        let postal_address = optional(&self.postal_address)
            .then(|| {
                errors.check(
                    "postal_address",
                    validation::text(&self.postal_address, ADDRESS_MIN, ADDRESS_MAX),
                )
            })
            .flatten();
        match (name, phone) {
            (Some(name), Some(phone)) if errors.is_empty() => {
                Ok(Identity { name, phone, iin, postal_address })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {

    use time::macros::datetime;

    use super::*;
    use crate::ErrorCode;
    use crate::appeal::{Requisite, Standing};
    use crate::form::FieldKind;

    #[test]
    fn a_secret_is_long_enough_for_128_bits_and_of_a_url_safe_alphabet() {
        let hex = "0123456789abcdef".repeat(2);
        assert!(ReceiptSecret::parse(&hex).is_ok());
        assert!(ReceiptSecret::parse("Ab-_9xYz".repeat(5).as_str()).is_ok());
        assert!(ReceiptSecret::parse(&hex[..31]).is_err());
        assert!(ReceiptSecret::parse(&"a".repeat(129)).is_err());
        assert!(ReceiptSecret::parse(&format!("{}==", &hex[..30])).is_err(), "no padding");
        assert!(ReceiptSecret::parse(&format!("{} ", &hex)).is_err());
        assert!(serde_json::from_str::<ReceiptSecret>("\"short\"").is_err());
    }

    #[test]
    fn a_secret_is_never_printed_by_debug() {
        let secret = ReceiptSecret::parse(&"s3cr3t".repeat(6)).unwrap();
        assert!(!format!("{secret:?}").contains("s3cr3t"));
    }

    #[test]
    fn event_kinds_read_back_and_unknown_ones_do_not_break_a_timeline() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(serde_json::from_str::<EventKind>("\"escalated\"").unwrap(), EventKind::Other);
        assert!("escalated".parse::<EventKind>().is_err());
        assert!(!EventKind::Received.is_recorded_by_staff());
        assert!(!EventKind::IdentityAdded.is_recorded_by_staff());
        assert!(EventKind::Answered.is_recorded_by_staff());
    }

    #[test]
    fn the_public_answer_is_the_latest_answer() {
        let event = |kind, note: Option<&str>| StatusEvent {
            kind,
            at: datetime!(2026-11-25 10:00 UTC),
            note: note.map(Into::into),
            until: None,
        };
        let mut timeline = vec![event(EventKind::Received, None)];
        assert_eq!(SubmissionStatus::public_answer_of(&timeline), None);
        timeline.push(event(EventKind::Answered, Some("first")));
        timeline.push(event(EventKind::Closed, Some("closing note")));
        assert_eq!(SubmissionStatus::public_answer_of(&timeline).as_deref(), Some("first"));
        timeline.push(event(EventKind::Answered, Some("corrected")));
        assert_eq!(SubmissionStatus::public_answer_of(&timeline).as_deref(), Some("corrected"));
    }

    #[test]
    fn an_identity_follows_the_complaint_forms_rules() {
        let ok = IdentityRequest {
            name: " Aigerim S. ".into(),
            phone: "8 701 234 56 78".into(),
            ..IdentityRequest::default()
        };
        let identity = ok.validate().unwrap();
        assert_eq!(identity.name, "Aigerim S.");
        assert_eq!(identity.phone.as_str(), "+77012345678");
        let errors =
            IdentityRequest { name: "".into(), phone: "123".into(), ..IdentityRequest::default() }
                .validate()
                .unwrap_err();
        assert_eq!(errors.get("name"), Some(ErrorCode::Required));
        assert_eq!(errors.get("phone"), Some(ErrorCode::InvalidPhone));
        // The very fields an identity given when sending goes through.
        let complaint = crate::form::current("complaint").unwrap();
        let field = |key| complaint.field(key).map(|f| &f.kind);
        assert_eq!(field("name"), Some(&FieldKind::ShortText { min: NAME_MIN, max: NAME_MAX }));
        assert_eq!(field("phone"), Some(&FieldKind::Phone));
    }

    #[test]
    fn an_anonymous_submission_is_filed_at_the_start_of_its_hour_and_a_named_one_as_it_came() {
        let arrived = datetime!(2026-03-02 09:41:07.123 UTC);
        assert_eq!(filed_at(arrived, false), arrived);
        assert_eq!(filed_at(arrived, true), datetime!(2026-03-02 09:00 UTC));
        let local = arrived.to_offset(crate::district::REGION_UTC_OFFSET);
        assert_eq!(filed_at(local, true).minute(), 0);
    }

    fn formal(at: OffsetDateTime) -> Standing {
        Standing::Formal { since: at }
    }

    #[test]
    fn a_named_complaint_without_iin_and_address_has_no_answer_day_and_says_what_to_add() {
        let calendar = crate::calendar::Calendar::kazakhstan();
        let at = in_region(datetime!(2026-05-08 10:00));
        let standing = Standing::Incomplete(vec![Requisite::Iin, Requisite::PostalAddress]);
        let terms = ReceiptTerms::new(
            &calendar,
            "complaint",
            crate::District::Uralsk,
            at,
            &standing,
            false,
        );
        assert_eq!(terms.answer_by, None);
        assert_eq!(terms.missing, [Requisite::Iin, Requisite::PostalAddress]);
        let json = serde_json::to_value(&terms).unwrap();
        assert_eq!(json["missing"], serde_json::json!(["iin", "postal_address"]));
        // Completed later (an identity added on Monday 1 June): 15 working days from then.
        let later = in_region(datetime!(2026-06-01 10:00));
        let formal = Standing::Formal { since: later };
        let terms =
            ReceiptTerms::new(&calendar, "complaint", crate::District::Uralsk, at, &formal, false);
        assert_eq!(terms.registered_on, time::macros::date!(2026 - 05 - 08));
        assert_eq!(terms.answer_by, Some(calendar.deadlines(later).answer_by));
        assert!(terms.missing.is_empty());
    }

    #[test]
    fn an_identity_may_bring_the_iin_and_address_and_they_are_checked() {
        let request = IdentityRequest {
            name: "Aigerim S.".into(),
            phone: "8 701 234 56 78".into(),
            iin: "900101 300007".into(),
            postal_address: "090000, Uralsk, Dostyk 12-5".into(),
        };
        let identity = request.validate().unwrap();
        assert_eq!(identity.iin.as_ref().map(Iin::as_str), Some("900101300007"));
        assert!(identity.missing().is_empty());
        let without =
            IdentityRequest { iin: " ".into(), postal_address: "".into(), ..request.clone() };
        assert_eq!(without.validate().unwrap().missing(), Requisite::ALL);
        let wrong =
            IdentityRequest { iin: "900101300008".into(), postal_address: "Ura".into(), ..request };
        let errors = wrong.validate().unwrap_err();
        assert_eq!(errors.get("iin"), Some(ErrorCode::IinCheckDigit));
        assert_eq!(errors.get("postal_address"), Some(ErrorCode::TooShort { min: 5 }));
    }

    /// The moment `dt` (written as on a clock in Uralsk).
    fn in_region(dt: time::PrimitiveDateTime) -> OffsetDateTime {
        dt.assume_offset(crate::district::REGION_UTC_OFFSET)
    }

    #[test]
    fn a_complaint_on_a_saturday_evening_before_a_holiday_is_registered_after_it() {
        // Saturday 9 May 2026, 20:00 (Victory Day falls on it and moves to Monday 11 May):
        // registered Tuesday 12 May; the 15th working day skips Kurban Ait (27 May).
        let calendar = crate::calendar::Calendar::kazakhstan();
        let at = in_region(datetime!(2026-05-09 20:00));
        let terms = ReceiptTerms::new(
            &calendar,
            "complaint",
            crate::District::Zhanibek,
            at,
            &formal(at),
            false,
        );
        assert_eq!(terms.registered_on, time::macros::date!(2026 - 05 - 12));
        assert_eq!(terms.answer_by, Some(time::macros::date!(2026 - 06 - 03)));
        assert_eq!(terms.accepted_by.district, crate::District::Zhanibek);
        assert!(terms.accepted_by.name.ru.contains("Жанибекский"));
        assert!(!terms.provisional);
    }

    #[test]
    fn a_receipt_is_provisional_only_when_the_days_it_states_reach_a_provisional_year() {
        let calendar = crate::calendar::Calendar::kazakhstan();
        let terms = |at| {
            ReceiptTerms::new(
                &calendar,
                "complaint",
                crate::District::Uralsk,
                at,
                &formal(at),
                false,
            )
        };
        // Friday 4 December 2026: answered by Monday 28 December (the two-month cap, in
        // 2027, is not on the receipt).
        let december = terms(in_region(datetime!(2026-12-04 10:00)));
        assert_eq!(december.answer_by, Some(time::macros::date!(2026 - 12 - 28)));
        assert!(!december.provisional);
        // Tuesday 15 December 2026: the 15th working day falls in 2027, still provisional.
        assert!(terms(in_region(datetime!(2026-12-15 10:00))).provisional);
    }

    #[test]
    fn only_a_named_complaint_has_an_answer_day() {
        let calendar = crate::calendar::Calendar::kazakhstan();
        let at = in_region(datetime!(2026-05-08 10:00));
        let terms = |form, anonymous| {
            let standing = if anonymous { Standing::Anonymous } else { formal(at) };
            ReceiptTerms::new(&calendar, form, crate::District::Uralsk, at, &standing, false)
        };
        // Friday 8 May 2026 is a working day: registered that day.
        assert_eq!(terms("complaint", false).registered_on, time::macros::date!(2026 - 05 - 08));
        assert!(terms("complaint", false).answer_by.is_some());
        assert_eq!(terms("complaint", true).answer_by, None, "anonymous: not an appeal");
        assert_eq!(terms("mediation_request", false).answer_by, None);
        assert_eq!(terms("monitoring_school", false).answer_by, None);
    }

    #[test]
    fn an_anonymous_bribe_report_shows_the_anti_corruption_channels_and_no_answer_day() {
        let answers = |amount: serde_json::Value| -> crate::form::Answers {
            [("amount_asked".to_owned(), amount)].into_iter().collect()
        };
        assert!(reports_a_bribe("complaint", &answers(serde_json::json!("20 000"))));
        assert!(reports_a_bribe("complaint", &answers(serde_json::json!(20000.0))));
        assert!(!reports_a_bribe("complaint", &answers(serde_json::json!(0))));
        assert!(!reports_a_bribe("complaint", &answers(serde_json::json!(""))));
        assert!(!reports_a_bribe("monitoring_school", &answers(serde_json::json!(5000))));
        let calendar = crate::calendar::Calendar::kazakhstan();
        let at = in_region(datetime!(2026-05-09 20:00));
        let terms = ReceiptTerms::new(
            &calendar,
            "complaint",
            crate::District::Uralsk,
            at,
            &Standing::Anonymous,
            true,
        );
        assert_eq!(terms.answer_by, None);
        assert!(terms.reports_a_bribe);
        let json = serde_json::to_value(&terms).unwrap();
        assert_eq!(json["reports_a_bribe"], true);
        assert_eq!(json.get("answer_by"), None);
        assert_eq!(json["registered_on"], "2026-05-12");
        assert_eq!((ANTI_CORRUPTION_CALL_CENTRE, ANTI_CORRUPTION_BOT), ("1424", "@antikorkzbot"));
    }
}
