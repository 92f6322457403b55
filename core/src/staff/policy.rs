//! Who may do what, where: the one table every staff request is checked against.
//!
//! A submission that names its district's own integrity office or reconciliation centre
//! (a *conflict* item, see [`names_an_office`](super::names_an_office)) is handled by the
//! district's curator and the regional front office only: each role has a second list
//! of actions for such items, and the district's office staff and mediators have none.
//!
//! The server checks every staff request against it ([`authorize`], [`scope`]); the
//! staff app asks it which steps and sections to offer ([`allows`], [`Role::may`]).

use super::{Role, Step};
use crate::district::District;

/// Everything a staff request can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadInbox,
    ReadSubmission,
    Register,
    Forward,
    Assign,
    AskInfo,
    Note,
    Extend,
    Answer,
    Close,
    /// Monitoring tasks of a district.
    ReadTasks,
    /// Schedule a mediation session, record its outcome, store the signed act.
    Mediate,
    /// Read the two-weekly report (live figures, CSV, the list of published ones).
    ReadReport,
    /// Freeze a report's figures in a published snapshot.
    PublishReport,
    ManageAccounts,
    ReadAudit,
    /// Replace a year of the working-day calendar.
    ManageCalendar,
    /// Read and search the channel between districts (every district's posts).
    ReadChannel,
    /// Post and reply in the channel, as one's own district.
    PostChannel,
    /// Pin and hide posts of a district (the author's).
    ModerateChannel,
    /// The region-wide view of what is due and overdue in every district
    /// ([`crate::staff::Overview`]).
    ReadOverview,
}

impl Action {
    /// As written in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ReadInbox => "read_inbox",
            Action::ReadSubmission => "read_submission",
            Action::Register => "register",
            Action::Forward => "forward",
            Action::Assign => "assign",
            Action::AskInfo => "ask_info",
            Action::Note => "note",
            Action::Extend => "extend",
            Action::Answer => "answer",
            Action::Close => "close",
            Action::ReadTasks => "read_tasks",
            Action::Mediate => "mediate",
            Action::ReadReport => "read_report",
            Action::PublishReport => "publish_report",
            Action::ManageAccounts => "manage_accounts",
            Action::ReadAudit => "read_audit",
            Action::ManageCalendar => "manage_calendar",
            Action::ReadChannel => "read_channel",
            Action::PostChannel => "post_channel",
            Action::ModerateChannel => "moderate_channel",
            Action::ReadOverview => "read_overview",
        }
    }
}

impl From<Step> for Action {
    fn from(step: Step) -> Action {
        match step {
            Step::Register => Register,
            Step::Forward => Forward,
            Step::Assign => Assign,
            Step::AskInfo => AskInfo,
            Step::Note => Note,
            Step::Extend => Extend,
            Step::Answer => Answer,
            Step::Close => Close,
            Step::Mediate => Mediate,
        }
    }
}

/// Where a role's actions reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The account's own district.
    OwnDistrict,
    /// Every district, and what belongs to none (accounts, the audit log).
    Region,
    /// The account's own district for everything, and besides it [`OVERSEE`]: reading
    /// the region's overview and every other district's ordinary items, never acting on
    /// them nor reading their conflict items (those are the other district's curator's).
    OwnDistrictOverseeingRegion,
}

/// What a curator (a deputy akim, who sees every district's deadlines) may read beyond
/// their own district: the region's overview, another district's inbox and items.
const OVERSEE: &[Action] = &[ReadOverview, ReadInbox, ReadSubmission];

/// What one request is about: a district (or none), and whether it is a conflict item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub district: Option<District>,
    pub conflict: bool,
}

impl Target {
    pub fn of(district: Option<District>) -> Target {
        Target { district, conflict: false }
    }
}

use Action::*;

/// Everything an office does with a submission.
const HANDLE: &[Action] = &[
    ReadInbox,
    ReadSubmission,
    Register,
    Forward,
    Assign,
    AskInfo,
    Note,
    Extend,
    Answer,
    Close,
    ReadTasks,
    Mediate,
];

/// Being in the channel between districts: reading, searching, posting, replying.
const CHANNEL: &[Action] = &[ReadChannel, PostChannel];

/// A role's actions: the union of some sets of them.
type Actions = &'static [&'static [Action]];

/// The policy: per role, where it reaches, what it may do on ordinary items (and with
/// what belongs to no item), and what on conflict items. Administrators manage
/// accounts and the calendar but do not read citizens' submissions; mediators read
/// their district, run its mediations, answer and add notes; curators oversee (read,
/// assign, forward, add notes, read and publish their district's report) and handle
/// conflict items in full; office staff handle their district and read its report; the
/// front office does all of it for every district and the region; volunteers see their
/// district's monitoring tasks and otherwise submit through the public forms. Who
/// handles cases is in the channel between districts (reading every district's posts,
/// posting as their own); curators moderate their district's posts, the front office
/// every post (see `adal_core::channel`). Each list
/// is a union of sets, so that "what an office does, and its report" is written as that
/// and not as a copy of the office's list.
const POLICY: [(Role, Reach, Actions, Actions); 6] = [
    (Role::Volunteer, Reach::OwnDistrict, &[&[ReadTasks]], &[]),
    (Role::OfficeStaff, Reach::OwnDistrict, &[HANDLE, &[ReadReport], CHANNEL], &[]),
    (
        Role::Mediator,
        Reach::OwnDistrict,
        &[&[ReadInbox, ReadSubmission, Answer, Note, Mediate], CHANNEL],
        &[],
    ),
    (
        Role::Curator,
        Reach::OwnDistrictOverseeingRegion,
        &[
            &[
                ReadOverview,
                ReadInbox,
                ReadSubmission,
                Forward,
                Assign,
                Note,
                ReadTasks,
                ReadReport,
                PublishReport,
            ],
            CHANNEL,
            &[ModerateChannel],
        ],
        &[HANDLE],
    ),
    (
        Role::FrontOffice,
        Reach::Region,
        &[HANDLE, &[ReadReport, PublishReport, ReadOverview], CHANNEL, &[ModerateChannel]],
        &[HANDLE],
    ),
    (Role::Administrator, Reach::Region, &[&[ManageAccounts, ReadAudit, ManageCalendar]], &[]),
];

/// What a bulk read (a page of submissions, the CSV export) may return: the rows of
/// `district` (`None`: every district), and the conflict items among them only if
/// `conflict_items`. Worked out by [`authorize`] itself, once for ordinary items and once
/// for conflict items, so that a list can never show what a single read refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub district: Option<District>,
    pub conflict_items: bool,
}

/// The [`Scope`] of `action` over `district` for an account of `role` in `home`, or
/// `None` if it may not read even the district's ordinary items.
pub fn scope(
    role: Role,
    home: Option<District>,
    action: Action,
    district: Option<District>,
) -> Option<Scope> {
    if !authorize(role, home, action, Target::of(district)) {
        return None;
    }
    let conflict_items = authorize(role, home, action, Target { district, conflict: true });
    Some(Scope { district, conflict_items })
}

/// Whether an account of `role` in `home` may do `action` on `target`.
pub fn authorize(role: Role, home: Option<District>, action: Action, target: Target) -> bool {
    let Some((_, reach, ..)) = POLICY.iter().find(|(r, ..)| *r == role) else {
        return false;
    };
    allows(role, action, target.conflict)
        && match reach {
            Reach::Region => true,
            Reach::OwnDistrict => home.is_some() && target.district == home,
            Reach::OwnDistrictOverseeingRegion => {
                let own = home.is_some() && target.district == home;
                // The overview is of the region (no district); the items read from it
                // are of one district each, ordinary ones only.
                let overseen = match action {
                    ReadOverview => true,
                    _ => OVERSEE.contains(&action) && target.district.is_some() && !target.conflict,
                };
                own || overseen
            }
        }
}

/// Whether `role` may do `action` at all where it reaches, on a conflict item if
/// `conflict`: what a client asks to decide what to offer (the server also checks where).
pub fn allows(role: Role, action: Action, conflict: bool) -> bool {
    POLICY.iter().find(|(r, ..)| *r == role).is_some_and(|(_, _, ordinary, on_conflict)| {
        let sets = if conflict { on_conflict } else { ordinary };
        sets.iter().any(|set| set.contains(&action))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_once() {
        for role in Role::ALL {
            assert_eq!(POLICY.iter().filter(|(r, ..)| *r == role).count(), 1, "{role:?}");
        }
    }

    #[test]
    fn a_district_role_never_reaches_another_district_or_none() {
        let ura = Some(District::Uralsk);
        let at = |d| Target::of(d);
        assert!(authorize(Role::OfficeStaff, ura, Close, at(ura)));
        assert!(!authorize(Role::OfficeStaff, ura, Close, at(Some(District::Terekti))));
        assert!(!authorize(Role::OfficeStaff, ura, ReadInbox, at(None)));
        assert!(!authorize(Role::OfficeStaff, None, ReadInbox, at(None)));
        assert!(authorize(Role::FrontOffice, None, Answer, at(Some(District::Terekti))));
        assert!(!authorize(Role::Administrator, None, ReadSubmission, at(ura)));
        for role in [Role::OfficeStaff, Role::Mediator, Role::Volunteer] {
            assert!(!authorize(role, ura, ReadOverview, at(None)), "{role:?}");
            assert!(!authorize(role, ura, ReadSubmission, at(Some(District::Terekti))));
        }
    }

    #[test]
    fn a_curator_oversees_every_district_but_acts_only_in_their_own() {
        let (ura, ter) = (Some(District::Uralsk), Some(District::Terekti));
        assert!(authorize(Role::Curator, ura, ReadOverview, Target::of(None)));
        assert!(authorize(Role::FrontOffice, None, ReadOverview, Target::of(None)));
        assert!(!authorize(Role::Administrator, None, ReadOverview, Target::of(None)));
        for action in [ReadInbox, ReadSubmission] {
            assert!(authorize(Role::Curator, ura, action, Target::of(ter)), "{action:?}");
            // Not the whole region at once, and not another district's conflict items.
            assert!(!authorize(Role::Curator, ura, action, Target::of(None)), "{action:?}");
            let conflict = Target { district: ter, conflict: true };
            assert!(!authorize(Role::Curator, ura, action, conflict), "{action:?}");
        }
        for action in [Forward, Assign, Note, Register, Answer, Close, Extend, Mediate, ReadTasks] {
            for conflict in [false, true] {
                let elsewhere = Target { district: ter, conflict };
                assert!(!authorize(Role::Curator, ura, action, elsewhere), "{action:?}");
            }
        }
        assert!(!authorize(Role::Curator, ura, ReadReport, Target::of(ter)));
        assert!(!authorize(Role::Curator, ura, ModerateChannel, Target::of(ter)));
    }

    #[test]
    fn volunteers_see_their_districts_tasks_and_nothing_else() {
        let ter = Some(District::Terekti);
        assert!(authorize(Role::Volunteer, ter, ReadTasks, Target::of(ter)));
        assert!(!authorize(Role::Volunteer, ter, ReadTasks, Target::of(Some(District::Uralsk))));
        assert!(!authorize(Role::Volunteer, ter, ReadInbox, Target::of(ter)));
        assert!(!authorize(Role::Mediator, ter, ReadTasks, Target::of(ter)));
    }

    #[test]
    fn a_conflict_item_goes_to_the_curator_and_the_front_office_only() {
        let ura = Some(District::Uralsk);
        let conflict = Target { district: ura, conflict: true };
        for action in [ReadSubmission, Register, Note, Answer, Close] {
            assert!(!authorize(Role::OfficeStaff, ura, action, conflict), "{action:?}");
            assert!(!authorize(Role::Mediator, ura, action, conflict), "{action:?}");
            assert!(authorize(Role::Curator, ura, action, conflict), "{action:?}");
            assert!(authorize(Role::FrontOffice, None, action, conflict), "{action:?}");
        }
        // Only on conflict items does a curator register, answer or close.
        assert!(!authorize(Role::Curator, ura, Close, Target::of(ura)));
        let elsewhere = Target { district: Some(District::Terekti), conflict: true };
        assert!(!authorize(Role::Curator, ura, Close, elsewhere));
    }

    /// The app offers a person the steps `Role::may` allows: it must say what this
    /// table says, for every role, step and kind of item.
    #[test]
    fn the_apps_steps_agree_with_the_table() {
        let ura = Some(District::Uralsk);
        for role in Role::ALL {
            let home = role.has_district().then_some(District::Uralsk);
            for step in Step::ALL {
                for conflict in [false, true] {
                    let target = Target { district: ura, conflict };
                    assert_eq!(
                        role.may(step, conflict),
                        authorize(role, home, step.into(), target),
                        "{role:?} {step:?} conflict={conflict}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_bulk_read_includes_conflict_items_only_for_whom_a_single_read_does() {
        let ura = Some(District::Uralsk);
        for role in Role::ALL {
            let home = role.has_district().then_some(District::Uralsk);
            for action in [ReadInbox, ReadSubmission] {
                for district in [ura, None] {
                    let single = Target { district, conflict: true };
                    let scope = scope(role, home, action, district);
                    assert_eq!(
                        scope.is_some_and(|s| s.conflict_items),
                        authorize(role, home, action, single),
                        "{role:?} {action:?} {district:?}"
                    );
                }
            }
        }
        let staff = scope(Role::OfficeStaff, ura, ReadSubmission, ura).unwrap();
        assert!(!staff.conflict_items);
        assert!(scope(Role::Curator, ura, ReadSubmission, ura).unwrap().conflict_items);
        assert!(scope(Role::FrontOffice, None, ReadSubmission, None).unwrap().conflict_items);
        assert_eq!(scope(Role::Mediator, ura, ReadSubmission, None), None);
    }

    /// The app shows the channel, its compose form and its pin and hide buttons as
    /// `Role::may_channel` says: it must say what this table says of one's own district.
    #[test]
    fn the_apps_channel_steps_agree_with_the_table() {
        use crate::channel::ChannelStep;
        for role in Role::ALL {
            let home = role.has_district().then_some(District::Uralsk);
            for step in ChannelStep::ALL {
                let action = match step {
                    ChannelStep::Read => ReadChannel,
                    ChannelStep::Post => PostChannel,
                    ChannelStep::Moderate => ModerateChannel,
                };
                assert_eq!(
                    role.may_channel(step),
                    authorize(role, home, action, Target::of(home)),
                    "{role:?} {step:?}"
                );
            }
        }
        // A curator moderates their own district's posts only.
        let ura = Some(District::Uralsk);
        assert!(!authorize(
            Role::Curator,
            ura,
            ModerateChannel,
            Target::of(Some(District::Terekti))
        ));
        assert!(authorize(Role::FrontOffice, None, ModerateChannel, Target::of(ura)));
    }

    #[test]
    fn only_regional_roles_read_the_regions_report() {
        let ura = Some(District::Uralsk);
        assert!(authorize(Role::Curator, ura, ReadReport, Target::of(ura)));
        assert!(!authorize(Role::Curator, ura, ReadReport, Target::of(None)));
        assert!(authorize(Role::FrontOffice, None, PublishReport, Target::of(None)));
        assert!(!authorize(Role::OfficeStaff, ura, PublishReport, Target::of(ura)));
        assert!(!authorize(Role::Mediator, ura, ReadReport, Target::of(ura)));
        assert!(!authorize(Role::Administrator, None, ReadReport, Target::of(None)));
    }
}
