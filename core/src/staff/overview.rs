//! The region-wide view of what is due: for curators and the front office, each
//! district's open items due soon, overdue and late to be forwarded, and the items to
//! take up first — the conflict-of-interest items only they handle, then the overdue ones.

use serde::{Deserialize, Serialize};

use super::{Due, InboxItem};
use crate::District;

/// An open item due within this many working days is "due soon" (the inbox's filter and
/// the overview count the same items).
pub const DUE_SOON_DAYS: i64 = 3;

/// At most this many items are listed in an overview; the counts cover every item.
pub const OVERVIEW_ITEMS_MAX: usize = 200;

impl InboxItem {
    /// Still waiting for the office: neither answered nor closed.
    pub fn is_open(&self) -> bool {
        !self.status.settles()
    }

    /// Open and late in any way: past its answer day or its forwarding day.
    pub fn is_late(&self) -> bool {
        Due::Overdue.matches(self) || Due::Unforwarded.matches(self)
    }
}

/// One district's line of the overview: counts of its open items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictDue {
    pub district: District,
    pub open: u32,
    /// Due today or within [`DUE_SOON_DAYS`] working days.
    pub due_soon: u32,
    /// Past the answer day.
    pub overdue: u32,
    /// Neither registered nor forwarded, past the forwarding day.
    pub forwarding_overdue: u32,
    /// Open conflict-of-interest items the reader handles.
    pub conflict: u32,
}

/// `GET /api/v1/staff/overview`: every district the reader oversees, in the region's
/// order, and the open items to take up first: conflict items, then late ones (each
/// group by answer day), at most [`OVERVIEW_ITEMS_MAX`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub districts: Vec<DistrictDue>,
    pub items: Vec<InboxItem>,
    /// More items were late than are listed.
    #[serde(default)]
    pub cut: bool,
}

impl Overview {
    /// The overview of the inboxes given, each already filtered to what its reader may
    /// read (conflict items only for whom the policy gives them).
    pub fn of(inboxes: impl IntoIterator<Item = (District, Vec<InboxItem>)>) -> Overview {
        let mut districts = Vec::new();
        let mut items = Vec::new();
        for (district, inbox) in inboxes {
            let count =
                |pick: fn(&InboxItem) -> bool| inbox.iter().filter(|i| pick(i)).count() as u32;
            districts.push(DistrictDue {
                district,
                open: count(|i| Due::Open.matches(i)),
                due_soon: count(|i| Due::Soon.matches(i)),
                overdue: count(|i| Due::Overdue.matches(i)),
                forwarding_overdue: count(|i| Due::Unforwarded.matches(i)),
                conflict: count(|i| i.is_open() && i.conflict),
            });
            items.extend(inbox.into_iter().filter(|i| i.is_open() && (i.conflict || i.is_late())));
        }
        items.sort_by(|a, b| {
            (!a.conflict, a.answer_by, &a.tracking).cmp(&(!b.conflict, b.answer_by, &b.tracking))
        });
        let cut = items.len() > OVERVIEW_ITEMS_MAX;
        items.truncate(OVERVIEW_ITEMS_MAX);
        Overview { districts, items, cut }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::calendar::Calendar;
    use crate::form::FormRef;
    use crate::receipt::EventKind;

    fn item(tracking: &str, days_left: i64, status: EventKind, conflict: bool) -> InboxItem {
        let received_at = datetime!(2026-11-02 10:00 UTC);
        let deadlines = Calendar::kazakhstan().deadlines(received_at);
        InboxItem {
            tracking: tracking.into(),
            form: FormRef::new("complaint", 3),
            district: District::Uralsk,
            received_at,
            anonymous: false,
            status,
            answer_by: date!(2026 - 11 - 23) + time::Duration::days(days_left),
            deadlines,
            days_left,
            forwarding_overdue: false,
            category: None,
            institution: None,
            assignee: None,
            conflict,
        }
    }

    #[test]
    fn how_due_an_item_is_counts_only_open_items() {
        let open = EventKind::Registered;
        let unforwarded = |days_left, status| InboxItem {
            forwarding_overdue: true,
            ..item("URA-2026-00001", days_left, status, false)
        };
        let is = |due: Due, days_left, status| {
            due.matches(&item("URA-2026-00001", days_left, status, false))
        };
        assert!(is(Due::Overdue, -1, open) && !is(Due::Overdue, 0, open));
        assert!(!is(Due::Overdue, -1, EventKind::Answered) && !is(Due::Open, 5, EventKind::Closed));
        assert!(is(Due::Soon, 0, open) && is(Due::Soon, DUE_SOON_DAYS, open));
        assert!(!is(Due::Soon, -1, open) && !is(Due::Soon, DUE_SOON_DAYS + 1, open));
        assert!(is(Due::Week, -3, open) && is(Due::Week, 4, open) && !is(Due::Week, 5, open));
        assert!(Due::Unforwarded.matches(&unforwarded(9, open)) && !is(Due::Unforwarded, 9, open));
        // A signed reconciliation act settles a mediation: nothing of it is late any more.
        assert!(
            !is(Due::Overdue, -1, EventKind::ActSigned) && !is(Due::Open, 5, EventKind::ActSigned)
        );
        assert!(!Due::Unforwarded.matches(&unforwarded(-1, EventKind::ActSigned)));
    }

    #[test]
    fn each_district_counts_its_open_items_by_how_late_they_are() {
        let ura = vec![
            item("URA-2026-00001", -2, EventKind::Registered, false),
            item("URA-2026-00002", 0, EventKind::Received, false),
            item("URA-2026-00003", 3, EventKind::Received, false),
            item("URA-2026-00004", 4, EventKind::Received, false),
            item("URA-2026-00005", -9, EventKind::Answered, false),
            InboxItem {
                forwarding_overdue: true,
                ..item("URA-2026-00006", 9, EventKind::Received, false)
            },
        ];
        let ter = vec![item("TER-2026-00001", 5, EventKind::Received, true)];
        let overview = Overview::of([(District::Uralsk, ura), (District::Terekti, ter)]);
        let line = &overview.districts[0];
        assert_eq!(
            (line.open, line.due_soon, line.overdue, line.forwarding_overdue, line.conflict),
            (5, 2, 1, 1, 0),
            "an answered item counts nowhere"
        );
        assert_eq!(overview.districts[1].conflict, 1);
    }

    #[test]
    fn conflict_items_come_first_then_late_ones_by_answer_day() {
        let ura = vec![
            item("URA-2026-00001", -1, EventKind::Received, false),
            item("URA-2026-00002", -5, EventKind::Received, false),
            item("URA-2026-00003", 2, EventKind::Received, false),
            InboxItem {
                forwarding_overdue: true,
                ..item("URA-2026-00004", 8, EventKind::Received, false)
            },
        ];
        let ter = vec![
            item("TER-2026-00001", 9, EventKind::Received, true),
            item("TER-2026-00002", 1, EventKind::Closed, true),
        ];
        let overview = Overview::of([(District::Uralsk, ura), (District::Terekti, ter)]);
        let order: Vec<_> = overview.items.iter().map(|i| i.tracking.as_str()).collect();
        assert_eq!(order, ["TER-2026-00001", "URA-2026-00002", "URA-2026-00001", "URA-2026-00004"]);
        assert!(!overview.cut);
    }

    #[test]
    fn a_long_list_is_cut_and_says_so() {
        let many = (0..OVERVIEW_ITEMS_MAX + 1)
            .map(|n| item(&format!("URA-2026-{n:05}"), -1, EventKind::Received, false))
            .collect();
        let overview = Overview::of([(District::Uralsk, many)]);
        assert_eq!(overview.items.len(), OVERVIEW_ITEMS_MAX);
        assert!(overview.cut);
        assert_eq!(overview.districts[0].overdue as usize, OVERVIEW_ITEMS_MAX + 1);
    }
}
