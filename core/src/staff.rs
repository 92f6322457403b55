//! Staff: accounts and roles (`account`), the steps of handling a submission (`action`),
//! the inbox and one submission as staff read it (`inbox`), the rules of triage
//! (`triage`), the audit log (`audit`), all re-exported here as the wire types of the
//! staff API (`/api/v1/staff`); mediation's types are [`crate::mediation`]'s.
//!
//! Who may do what, where, is the [`policy`]: the server checks every request against
//! it, and the staff app asks it which steps and sections to offer a person.

mod account;
mod action;
mod audit;
mod inbox;
mod overview;
pub mod policy;
mod triage;

pub use account::*;
pub use action::*;
pub use audit::*;
pub use inbox::*;
pub use overview::*;
pub use triage::*;

pub use crate::mediation::{
    MediationRecord, MediationSession, SESSION_TEXT_MAX, SESSION_TEXT_MIN, SessionOutcome,
    SessionRecord,
};

#[cfg(test)]
mod tests {
    use time::{Date, OffsetDateTime};

    use super::*;
    use crate::calendar::Deadlines;
    use crate::receipt::EventKind;
    use crate::{District, ErrorCode};

    /// A mediation request in Burlin as the staff app keeps it, with `answers` and an
    /// empty timeline, as a server before typed sessions sent it: no `sessions`.
    fn kept_copy(answers: serde_json::Value) -> StaffSubmission {
        serde_json::from_value(serde_json::json!({
            "tracking": "ADL-X", "form": {"id": "mediation_request", "version": 1},
            "district": "BUR", "received_at": "2026-11-25T10:00:00Z", "anonymous": false,
            "answers": answers,
            "timeline": [],
            "deadlines": {
                "registered_on": "2026-11-25", "answer_by": "2026-12-16", "forward_by": "2026-11-28",
                "extended_answer_by": "2027-01-25", "provisional": false,
            },
            "answer_by": "2026-12-25", "days_left": 20,
        }))
        .unwrap()
    }

    #[test]
    fn an_acts_draft_takes_what_the_request_and_its_typed_sessions_say() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let event = |kind, note: Option<&str>| StaffEvent {
            kind,
            at,
            note: note.map(str::to_owned),
            by: None,
            to: None,
            assignee: None,
            until: None,
        };
        let session = MediationSession {
            date: time::macros::date!(2026 - 12 - 3),
            time: "10:00".into(),
            place: "Aksai, Druzhby 7".into(),
            mediator: "A. Serikova".into(),
        };
        let mut sub = kept_copy(serde_json::json!({
            "applicant_name": " Aigerim Sadykova ", "applicant_iin": "900101300007",
            "parties": [{"name": "Bolat K.", "address": "Aksai, 2 mkr"}, {"name": ""}],
            "description": "The pipe leaks.",
        }));
        let draft = sub.act_draft();
        assert_eq!(draft.district, "BUR");
        assert_eq!(draft.parties.len(), 2);
        assert_eq!(draft.parties[0].name, "Aigerim Sadykova");
        assert_eq!(draft.parties[0].iin, "900101300007");
        assert_eq!(draft.parties[1].name, "Bolat K.");
        assert_eq!(draft.parties[1].address, "Aksai, 2 mkr");
        assert_eq!(draft.dispute, "The pipe leaks.");
        // An Art. 27 act, with one term to fill and its time limit and manner beside it.
        assert_eq!(draft.version, crate::act::ART_27);
        assert_eq!((draft.terms.len(), draft.term_details.len()), (1, 1));
        assert_eq!((draft.place.as_str(), draft.mediator_name.as_str()), ("", ""));
        // The sessions come typed: the latest one's place and mediator are the act's,
        // whatever a note on the timeline says.
        let record = |session: MediationSession| SessionRecord {
            session,
            scheduled_at: at,
            outcome: Some(SessionOutcome::Agreed),
            outcome_note: None,
            held_at: Some(at),
        };
        let old = MediationSession {
            place: "Old · place".into(),
            mediator: "B".into(),
            ..session.clone()
        };
        sub.sessions = Some(vec![record(old), record(session.clone())]);
        sub.timeline.push(event(EventKind::SessionScheduled, Some("2026-11-30 09:00 · X · Y")));
        let draft = sub.act_draft();
        assert_eq!(draft.place, "Aksai, Druzhby 7");
        assert_eq!(draft.mediator_name, "A. Serikova");
        // A request whose sessions are typed and none: nothing is read from a note.
        sub.sessions = Some(Vec::new());
        let draft = sub.act_draft();
        assert_eq!((draft.place.as_str(), draft.mediator_name.as_str()), ("", ""));
    }

    #[test]
    fn an_acts_draft_from_a_copy_kept_before_sessions_were_typed_still_names_the_session() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let event =
            |kind, note: String| StaffEvent { note: Some(note), ..StaffEvent::new(kind, at) };
        let session = MediationSession {
            date: time::macros::date!(2026 - 12 - 3),
            time: "10:00".into(),
            place: "Aksai, Druzhby 7".into(),
            mediator: "A. Serikova".into(),
        };
        // The copy a device kept before this release: no `sessions`, only the notes.
        let mut sub = kept_copy(serde_json::json!({"applicant_name": "Aigerim Sadykova"}));
        assert_eq!(sub.sessions, None);
        sub.timeline.push(event(EventKind::SessionScheduled, "2026-11-30 09:00 · Old · B".into()));
        sub.timeline.push(event(EventKind::SessionScheduled, session.note()));
        sub.timeline.push(event(EventKind::SessionHeld, SessionOutcome::Agreed.note("")));
        let draft = sub.act_draft();
        assert_eq!(draft.place, "Aksai, Druzhby 7");
        assert_eq!(draft.mediator_name, "A. Serikova");
        assert_eq!(draft.parties[0].name, "Aigerim Sadykova");
    }

    #[test]
    fn roles_round_trip_and_only_regional_roles_have_no_district() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert!(!Role::FrontOffice.has_district() && !Role::Administrator.has_district());
        assert!(Role::Curator.has_district());
    }

    #[test]
    fn each_role_is_offered_only_the_steps_it_may_take() {
        let steps = |role: Role, conflict| {
            Step::ALL.into_iter().filter(|s| role.may(*s, conflict)).collect::<Vec<_>>()
        };
        assert_eq!(steps(Role::OfficeStaff, false), Step::ALL);
        assert_eq!(steps(Role::FrontOffice, false), Step::ALL);
        assert_eq!(steps(Role::FrontOffice, true), Step::ALL);
        assert_eq!(steps(Role::Curator, false), [Step::Forward, Step::Assign, Step::Note]);
        assert_eq!(steps(Role::Curator, true), Step::ALL);
        assert_eq!(steps(Role::Mediator, false), [Step::Note, Step::Answer, Step::Mediate]);
        for role in [Role::OfficeStaff, Role::Mediator, Role::Volunteer, Role::Administrator] {
            assert_eq!(steps(role, true), [], "{role:?}");
        }
        assert_eq!(steps(Role::Volunteer, false), []);
        assert_eq!(steps(Role::Administrator, false), []);
        let session = MediationSession {
            date: time::macros::date!(2026 - 12 - 3),
            time: "10:00".into(),
            place: "Uralsk".into(),
            mediator: "A. Serikova".into(),
        };
        assert_eq!(StaffAction::ScheduleSession { session }.step(), Step::Mediate);
        assert_eq!(StaffAction::Close.step(), Step::Close);
    }

    #[test]
    fn accounts_are_checked() {
        let ok = NewAccountRequest {
            login: "aigerim.s".into(),
            role: Role::OfficeStaff,
            district: Some(District::Uralsk),
            password: "correct horse battery".into(),
        };
        assert_eq!(ok.check(), Ok(()));
        let upper = NewAccountRequest { login: "Aigerim".into(), ..ok.clone() };
        assert_eq!(upper.check(), Err(AccountError::InvalidLogin));
        let short = NewAccountRequest { password: "short".into(), ..ok.clone() };
        assert_eq!(short.check(), Err(AccountError::InvalidPassword));
        let nowhere = NewAccountRequest { district: None, ..ok.clone() };
        assert_eq!(nowhere.check(), Err(AccountError::DistrictRequired));
        let admin = NewAccountRequest { role: Role::Administrator, ..ok };
        assert_eq!(admin.check(), Err(AccountError::DistrictNotAllowed));
    }

    #[test]
    fn actions_read_as_tagged_objects() {
        let forward: StaffAction =
            serde_json::from_str(r#"{"action":"forward","reason":"akimat","to":"TER"}"#).unwrap();
        assert_eq!(
            forward,
            StaffAction::Forward { reason: "akimat".into(), to: Some(District::Terekti) }
        );
        assert_eq!(forward.event_kind(), EventKind::Forwarded);
        let close: StaffAction = serde_json::from_str(r#"{"action":"close"}"#).unwrap();
        assert_eq!(close.event_kind(), EventKind::Closed);
    }

    #[test]
    fn account_changes_are_checked_like_new_accounts() {
        let ura = Some(District::Uralsk);
        let office = (Role::OfficeStaff, ura);
        assert_eq!(AccountChange::default().apply(office.0, office.1), Ok(office));
        let front = AccountChange { role: Some(Role::FrontOffice), ..Default::default() };
        assert_eq!(front.apply(office.0, office.1), Ok((Role::FrontOffice, None)));
        let moved = AccountChange { district: Some(District::Terekti), ..Default::default() };
        assert_eq!(
            moved.apply(office.0, office.1),
            Ok((Role::OfficeStaff, Some(District::Terekti)))
        );
        assert_eq!(moved.apply(Role::Administrator, None), Err(AccountError::DistrictNotAllowed));
        let curator = AccountChange { role: Some(Role::Curator), ..Default::default() };
        assert_eq!(curator.apply(office.0, office.1), Err(AccountError::DistrictRequired));
        let weak = AccountChange { password: Some("short".into()), ..Default::default() };
        assert_eq!(weak.apply(office.0, office.1), Err(AccountError::InvalidPassword));
    }

    #[test]
    fn a_staff_timeline_shows_the_citizen_everything_but_notes_and_logins() {
        let at = time::macros::datetime!(2026-11-25 10:00 UTC);
        let event = |kind| StaffEvent {
            kind,
            at,
            note: Some("text".into()),
            by: Some("aigerim".into()),
            to: None,
            assignee: Some("bolat".into()),
            until: None,
        };
        assert_eq!(event(EventKind::Note).public(), None);
        let public = event(EventKind::Assigned).public().unwrap();
        assert!(!serde_json::to_string(&public).unwrap().contains("bolat"));
        let extended = StaffEvent {
            until: Some(time::macros::date!(2027 - 01 - 15)),
            ..event(EventKind::Extended)
        };
        let json = serde_json::to_value(&extended).unwrap();
        assert_eq!(json["until"], "2027-01-15");
        assert_eq!(serde_json::from_value::<StaffEvent>(json).unwrap(), extended);
    }

    #[test]
    fn a_reply_is_one_to_four_thousand_characters() {
        assert_eq!(
            ReplyRequest { text: "  yes, School No. 12 ".into() }.validate().unwrap(),
            "yes, School No. 12"
        );
        let empty = ReplyRequest { text: "   ".into() }.validate().unwrap_err();
        assert_eq!(empty.get("text"), Some(crate::ErrorCode::Required));
        let long = ReplyRequest { text: "ә".repeat(NOTE_MAX_CHARS + 1) }.validate().unwrap_err();
        assert_eq!(long.get("text"), Some(crate::ErrorCode::TooLong { max: NOTE_MAX_CHARS }));
    }

    /// The deadlines of an appeal received on Friday 20 March 2026 at 10:00: answer by
    /// Wednesday 15 April, two months from receipt on Wednesday 20 May.
    fn march_20() -> Deadlines {
        crate::calendar::Calendar::kazakhstan()
            .deadlines_local(time::macros::datetime!(2026-03-20 10:00))
    }

    fn extend(until: Date) -> StaffAction {
        StaffAction::Extend { reason: " Awaiting the school's reply. ".into(), until }
    }

    #[test]
    fn an_extension_asked_one_day_late_is_refused() {
        use time::macros::{date, datetime};
        let d = march_20();
        let late =
            extend(date!(2026 - 05 - 20)).check(datetime!(2026-04-16 09:00 +5), &d, d.answer_by);
        assert_eq!(late, Err(ActionRefusal::ExtensionTooLate { answer_by: date!(2026 - 04 - 15) }));
        // The region's date decides: 19:30 UTC on the 15th is already the 16th in Uralsk.
        let late =
            extend(date!(2026 - 05 - 20)).check(datetime!(2026-04-15 19:30 UTC), &d, d.answer_by);
        assert!(matches!(late, Err(ActionRefusal::ExtensionTooLate { .. })));
    }

    #[test]
    fn an_extension_on_the_last_day_is_accepted_with_its_reason_and_day() {
        use time::macros::{date, datetime};
        let d = march_20();
        let at = datetime!(2026-04-15 23:30 +5);
        let event = extend(date!(2026 - 05 - 20)).check(at, &d, d.answer_by).unwrap();
        assert_eq!(event.kind, EventKind::Extended);
        assert_eq!(event.until, Some(date!(2026 - 05 - 20)));
        assert_eq!(event.note.as_deref(), Some("Awaiting the school's reply."));
    }

    #[test]
    fn an_extension_is_later_than_the_day_in_force_and_within_two_months_of_receipt() {
        use time::macros::{date, datetime};
        let d = march_20();
        let at = datetime!(2026-04-01 10:00 +5);
        assert_eq!(
            extend(date!(2026 - 04 - 15)).check(at, &d, d.answer_by),
            Err(ActionRefusal::ExtensionNotLater { answer_by: date!(2026 - 04 - 15) })
        );
        assert_eq!(
            extend(date!(2026 - 05 - 21)).check(at, &d, d.answer_by),
            Err(ActionRefusal::ExtensionTooLong { latest: date!(2026 - 05 - 20) })
        );
        // Once extended to 6 May, the day in force is 6 May: asking on the 6th works.
        let on_the_day = datetime!(2026-05-06 10:00 +5);
        assert!(extend(date!(2026 - 05 - 12)).check(on_the_day, &d, date!(2026 - 05 - 06)).is_ok());
        let no_reason = StaffAction::Extend { reason: " ".into(), until: date!(2026 - 05 - 12) };
        assert_eq!(
            no_reason.check(at, &d, d.answer_by),
            Err(ActionRefusal::ExtensionReasonMissing)
        );
    }

    #[test]
    fn every_text_of_a_step_is_one_to_four_thousand_characters() {
        let d = march_20();
        let at = time::macros::datetime!(2026-04-01 10:00 +5);
        let long = "ә".repeat(NOTE_MAX_CHARS + 1);
        let cases = [
            (StaffAction::Answer { text: " ".into() }, "text"),
            (StaffAction::Note { text: long.clone() }, "text"),
            (StaffAction::AskInfo { question: String::new() }, "question"),
            (StaffAction::Forward { reason: long.clone(), to: None }, "reason"),
            (StaffAction::Extend { reason: long, until: d.extended_answer_by }, "reason"),
        ];
        for (action, field) in cases {
            assert_eq!(action.check(at, &d, d.answer_by), Err(ActionRefusal::Text { field }));
        }
        let assign = StaffAction::Assign { to: " Bolat ".into() }.check(at, &d, d.answer_by);
        assert_eq!(assign.unwrap().assignee.as_deref(), Some("bolat"));
    }

    #[test]
    fn due_filters_are_named_by_their_query_value() {
        for due in Due::ALL {
            assert_eq!(due.as_str().parse(), Ok(due));
        }
        assert!("later".parse::<Due>().is_err());
    }

    #[test]
    fn a_complaint_about_the_office_itself_is_a_conflict_of_interest() {
        let own = ["«Ақжайық – адалдық алаңы» Орал кеңсесі", "Центр примирения г. Уральск"]
            .map(office_name_key);
        let own = || own.iter().map(String::as_str);
        assert!(names_an_office("центр примирения г. уральск", own()));
        assert!(names_an_office("Tsentr primireniya g. Uralsk, mediator", own()));
        assert!(names_an_office("Адалдык аланы офисі", own()), "a general phrase");
        assert!(names_an_office("The integrity office in Uralsk", []));
        let mediator = office_name_key("Aigul Sarsenova (sample)");
        assert!(names_an_office("mediator Aigul Sarsenova", [mediator.as_str()]));
        assert!(!names_an_office("School No. 12", own()));
        assert!(!names_an_office("г.", own()), "too short to name anything");
    }

    #[test]
    fn complaints_and_checklists_about_one_school_share_a_key() {
        let answers = |value| serde_json::from_value::<crate::form::Answers>(value).unwrap();
        let complaint =
            answers(serde_json::json!({ "category": "school", "institution": "Школа № 12" }));
        let checklist = answers(serde_json::json!({ "institution": "школа №12 " }));
        assert_eq!(monitoring_key("complaint", &complaint).as_deref(), Some("school:shkola 12"));
        assert_eq!(
            monitoring_key("complaint", &complaint),
            monitoring_key("monitoring_school", &checklist)
        );
        let akimat = answers(serde_json::json!({ "category": "akimat", "institution": "Akimat" }));
        assert_eq!(monitoring_key("complaint", &akimat), None);
        assert_eq!(monitoring_form("clinic:emkhana 1"), Some("monitoring_clinic"));
    }

    #[test]
    fn a_session_is_today_or_later_at_a_time_of_day_in_a_named_place() {
        let today = time::macros::date!(2026 - 11 - 25);
        let typed = MediationSession {
            date: today,
            time: "9:30".into(),
            place: "  Uralsk, Dostyk 12, room 4 ".into(),
            mediator: "A. Serikova".into(),
        };
        let session = typed.check(today).unwrap();
        assert_eq!(
            (session.time.as_str(), session.place.as_str()),
            ("09:30", "Uralsk, Dostyk 12, room 4")
        );
        assert_eq!(session.note(), "2026-11-25 09:30 · Uralsk, Dostyk 12, room 4 · A. Serikova");
        let bad = MediationSession {
            date: today.previous_day().unwrap(),
            time: "25:00".into(),
            place: "x".into(),
            mediator: "m".repeat(201),
        };
        let errors = bad.check(today).unwrap_err();
        assert_eq!(errors.get("session.date"), Some(ErrorCode::DateInPast));
        assert_eq!(errors.get("session.time"), Some(ErrorCode::InvalidTime));
        assert_eq!(errors.get("session.place"), Some(ErrorCode::TooShort { min: 2 }));
        assert_eq!(errors.get("session.mediator"), Some(ErrorCode::TooLong { max: 200 }));
    }

    #[test]
    fn an_outcome_reads_in_the_acts_languages_with_the_mediators_note() {
        assert_eq!(
            SessionOutcome::Postponed.note("  "),
            "Тағы бір кездесу қажет / Нужна ещё одна встреча"
        );
        assert!(SessionOutcome::Agreed.note("terms drafted").ends_with("\nterms drafted"));
        let outcome: SessionOutcome = serde_json::from_str("\"not_agreed\"").unwrap();
        assert_eq!(outcome.as_str(), "not_agreed");
    }
}
