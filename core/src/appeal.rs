//! Whether a complaint is a formal appeal (APC Art. 63), and so on the answer clock.
//!
//! An appeal in writing gives the applicant's full name, IIN and postal address (Art. 63).
//! A complaint is registered whatever it gives (Art. 64: refusing to accept is
//! prohibited), but only a formal appeal is owed an answer by the 15th working day
//! (Art. 76); an anonymous one is not considered at all, except a report of a crime.
//! So a named complaint without the IIN or the address is registered and read by the
//! office, and its receipt says plainly what would make it an appeal: the receipt has no
//! answer day until then.
//!
//! Complaints sent on a form version that did not ask for the IIN (versions 1 and 2)
//! keep the answer day their receipt already printed: the office promised it, and a
//! receipt never changes its word.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::form::{Answers, FormRef};

/// What Art. 63 requires of an appeal beyond a name and a phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Requisite {
    Iin,
    PostalAddress,
}

impl Requisite {
    pub const ALL: [Requisite; 2] = [Requisite::Iin, Requisite::PostalAddress];

    /// The key of the complaint form's field (and of the identity request's) that
    /// gives it.
    pub fn key(self) -> &'static str {
        match self {
            Requisite::Iin => "iin",
            Requisite::PostalAddress => "postal_address",
        }
    }
}

/// Takes the IIN and postal address out of `answers`: what a bulk export (a spreadsheet
/// that travels) leaves out. Staff read them on the item itself.
pub fn redact_requisites(answers: &mut Answers) {
    for requisite in Requisite::ALL {
        answers.remove(requisite.key());
    }
}

/// Where a complaint stands under the law.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Sent without a name, and no name added since: a signal, not an appeal.
    Anonymous,
    /// Named, but without what [`Requisite`] lists: registered, not yet an appeal.
    Incomplete(Vec<Requisite>),
    /// A formal appeal since this moment: its answer is due on the 15th working day
    /// after the day it is registered.
    Formal { since: OffsetDateTime },
}

impl Standing {
    /// The standing of a complaint as stored: its form, its answers (normalised, so an
    /// anonymous one holds no name) and when it was received.
    pub fn of_submission(
        form: &FormRef,
        answers: &Answers,
        received_at: OffsetDateTime,
    ) -> Standing {
        if answers.get("anonymous").and_then(|v| v.as_bool()) == Some(true) {
            return Standing::Anonymous;
        }
        let asks = crate::form::find(&form.id, form.version)
            .is_some_and(|schema| Requisite::ALL.iter().all(|r| schema.field(r.key()).is_some()));
        if !asks {
            return Standing::Formal { since: received_at };
        }
        // As typed (a draft) or as stored: given only if it would be accepted.
        let given = |r: &Requisite| {
            answers.get(r.key()).and_then(|v| v.as_str()).is_some_and(|s| match r {
                Requisite::Iin => crate::Iin::parse(s).is_ok(),
                Requisite::PostalAddress => {
                    crate::validation::text(s, crate::form::ADDRESS_MIN, crate::form::ADDRESS_MAX)
                        .is_ok()
                }
            })
        };
        Standing::with(Requisite::ALL.into_iter().filter(|r| !given(r)).collect(), received_at)
    }

    /// The standing of an anonymous complaint to which its sender added an identity:
    /// `missing` what it still lacks, complete since `completed_at`. Without an identity
    /// it is [`Standing::Anonymous`].
    pub fn of_identity(identity: Option<(Vec<Requisite>, Option<OffsetDateTime>)>) -> Standing {
        match identity {
            None => Standing::Anonymous,
            Some((missing, Some(since))) if missing.is_empty() => Standing::Formal { since },
            // Both given but never dated (not written so): asked again rather than
            // put on a clock with no start.
            Some((missing, _)) if missing.is_empty() => {
                Standing::Incomplete(Requisite::ALL.to_vec())
            }
            Some((missing, _)) => Standing::Incomplete(missing),
        }
    }

    fn with(missing: Vec<Requisite>, since: OffsetDateTime) -> Standing {
        if missing.is_empty() { Standing::Formal { since } } else { Standing::Incomplete(missing) }
    }

    /// What is still missing for a formal appeal (empty when formal or anonymous).
    pub fn missing(&self) -> &[Requisite] {
        match self {
            Standing::Incomplete(missing) => missing,
            _ => &[],
        }
    }

    /// When the answer clock starts, if it runs.
    pub fn formal_since(&self) -> Option<OffsetDateTime> {
        match self {
            Standing::Formal { since } => Some(*since),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;

    const AT: OffsetDateTime = datetime!(2026-11-25 10:00 UTC);

    fn answers(pairs: &[(&str, serde_json::Value)]) -> Answers {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn a_complaint_with_name_phone_iin_and_address_is_a_formal_appeal() {
        let v3 = FormRef::new("complaint", 3);
        let full = answers(&[
            ("anonymous", json!(false)),
            ("name", json!("Aigerim S.")),
            ("phone", json!("+77012345678")),
            ("iin", json!("900101300007")),
            ("postal_address", json!("090000, Uralsk, Dostyk 12-5")),
        ]);
        assert_eq!(Standing::of_submission(&v3, &full, AT), Standing::Formal { since: AT });
    }

    #[test]
    fn a_named_complaint_without_the_iin_or_address_is_registered_but_not_an_appeal() {
        let v3 = FormRef::new("complaint", 3);
        let named = answers(&[("name", json!("Aigerim S.")), ("phone", json!("+77012345678"))]);
        let standing = Standing::of_submission(&v3, &named, AT);
        assert_eq!(standing.missing(), [Requisite::Iin, Requisite::PostalAddress]);
        assert_eq!(standing.formal_since(), None);
        let mut with_iin = named.clone();
        with_iin.insert("iin".into(), json!("900101300007"));
        assert_eq!(
            Standing::of_submission(&v3, &with_iin, AT).missing(),
            [Requisite::PostalAddress]
        );
        // As a draft holds them: a mistyped IIN or a short address is not given yet.
        let mut typed = with_iin.clone();
        typed.insert("iin".into(), json!("900101300008"));
        typed.insert("postal_address".into(), json!("Ura"));
        assert_eq!(Standing::of_submission(&v3, &typed, AT).missing(), Requisite::ALL);
    }

    #[test]
    fn an_anonymous_complaint_is_no_appeal_and_an_older_version_keeps_its_answer_day() {
        let anonymous = answers(&[("anonymous", json!(true))]);
        for version in [1, 2, 3] {
            let form = FormRef::new("complaint", version);
            assert_eq!(Standing::of_submission(&form, &anonymous, AT), Standing::Anonymous);
        }
        let named = answers(&[("name", json!("Aigerim S."))]);
        let v2 = FormRef::new("complaint", 2);
        assert_eq!(Standing::of_submission(&v2, &named, AT), Standing::Formal { since: AT });
    }

    #[test]
    fn an_identity_added_later_makes_an_appeal_only_once_complete_and_from_then() {
        let later = datetime!(2026-12-01 10:00 UTC);
        assert_eq!(Standing::of_identity(None), Standing::Anonymous);
        let named_only = Standing::of_identity(Some((Requisite::ALL.to_vec(), None)));
        assert_eq!(named_only.missing(), Requisite::ALL);
        let complete = Standing::of_identity(Some((vec![], Some(later))));
        assert_eq!(complete.formal_since(), Some(later));
    }
}
