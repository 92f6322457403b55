//! Who may do what, where: the one table every staff request is checked against.

use adal_core::District;
use adal_core::staff::Role;

/// Everything a staff request can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadInbox,
    ReadSubmission,
    Register,
    Forward,
    Assign,
    Answer,
    Close,
    /// Schedule a mediation session, record its outcome, store the signed act.
    Mediate,
    /// Read the two-weekly report (live figures, CSV, the list of published ones).
    ReadReport,
    /// Freeze a report's figures in a published snapshot.
    PublishReport,
    ManageAccounts,
    ReadAudit,
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
            Action::Answer => "answer",
            Action::Close => "close",
            Action::Mediate => "mediate",
            Action::ReadReport => "read_report",
            Action::PublishReport => "publish_report",
            Action::ManageAccounts => "manage_accounts",
            Action::ReadAudit => "read_audit",
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
}

use Action::*;

/// The policy. Administrators manage accounts but do not read citizens' submissions;
/// mediators read their district and run its mediations; curators oversee (read, assign,
/// forward, the report of their district, and publish it); office staff handle their
/// district and read its report; the front office does all of it for every district and
/// the region; volunteers only submit, through the public forms.
const POLICY: [(Role, Reach, &[Action]); 6] = [
    (Role::Volunteer, Reach::OwnDistrict, &[]),
    (
        Role::OfficeStaff,
        Reach::OwnDistrict,
        &[ReadInbox, ReadSubmission, Register, Forward, Assign, Answer, Close, Mediate, ReadReport],
    ),
    (Role::Mediator, Reach::OwnDistrict, &[ReadInbox, ReadSubmission, Answer, Mediate]),
    (
        Role::Curator,
        Reach::OwnDistrict,
        &[ReadInbox, ReadSubmission, Forward, Assign, ReadReport, PublishReport],
    ),
    (
        Role::FrontOffice,
        Reach::Region,
        &[
            ReadInbox,
            ReadSubmission,
            Register,
            Forward,
            Assign,
            Answer,
            Close,
            Mediate,
            ReadReport,
            PublishReport,
        ],
    ),
    (Role::Administrator, Reach::Region, &[ManageAccounts, ReadAudit]),
];

/// Whether an account of `role` in `home` may do `action` on something of `district`
/// (`None`: of no district, such as an account or the audit log).
pub fn authorize(
    role: Role,
    home: Option<District>,
    action: Action,
    district: Option<District>,
) -> bool {
    let Some((_, reach, actions)) = POLICY.iter().find(|(r, _, _)| *r == role) else {
        return false;
    };
    if !actions.contains(&action) {
        return false;
    }
    match reach {
        Reach::Region => true,
        Reach::OwnDistrict => home.is_some() && district == home,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_once() {
        for role in Role::ALL {
            assert_eq!(POLICY.iter().filter(|(r, _, _)| *r == role).count(), 1, "{role:?}");
        }
    }

    #[test]
    fn a_district_role_never_reaches_another_district_or_none() {
        let ura = Some(District::Uralsk);
        assert!(authorize(Role::OfficeStaff, ura, Close, ura));
        assert!(!authorize(Role::OfficeStaff, ura, Close, Some(District::Terekti)));
        assert!(!authorize(Role::OfficeStaff, ura, ReadInbox, None));
        assert!(!authorize(Role::OfficeStaff, None, ReadInbox, None));
        assert!(authorize(Role::FrontOffice, None, Answer, Some(District::Terekti)));
        assert!(!authorize(Role::Administrator, None, ReadSubmission, ura));
    }

    #[test]
    fn only_regional_roles_read_the_regions_report() {
        let ura = Some(District::Uralsk);
        assert!(authorize(Role::Curator, ura, ReadReport, ura));
        assert!(!authorize(Role::Curator, ura, ReadReport, None));
        assert!(authorize(Role::FrontOffice, None, PublishReport, None));
        assert!(!authorize(Role::OfficeStaff, ura, PublishReport, ura));
        assert!(!authorize(Role::Mediator, ura, ReadReport, ura));
        assert!(!authorize(Role::Administrator, None, ReadReport, None));
    }
}
