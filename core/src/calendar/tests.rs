//! Deadlines on real dates of LAW.md's calendar, each worked out by hand in a comment.

use time::macros::{date, datetime, time};

use super::*;

fn calendar() -> Calendar {
    Calendar::kazakhstan()
}

#[test]
fn weekends_holidays_and_transfers_are_what_law_md_lists() {
    let c = calendar();
    // Sunday 5 January 2025 was worked (for Friday 3 January, which was off).
    assert!(c.is_working_day(date!(2025 - 01 - 05)));
    assert!(!c.is_working_day(date!(2025 - 01 - 03)));
    assert!(!c.is_working_day(date!(2025 - 01 - 04)), "a plain Saturday");
    // Nauryz 2026: Monday 23 to Wednesday 25 March; Friday 20 March works.
    assert!(c.is_working_day(date!(2026 - 03 - 20)));
    for day in [date!(2026 - 03 - 23), date!(2026 - 03 - 24), date!(2026 - 03 - 25)] {
        assert!(!c.is_working_day(day), "{day}");
    }
    // 30 August is not a holiday from 2026: Monday 31 August 2026 is a working day.
    assert!(c.is_working_day(date!(2026 - 08 - 31)));
    // Constitution Day, 15 March, is a holiday from 2027 (a Monday).
    assert!(!c.is_working_day(date!(2027 - 03 - 15)));
    assert!(c.is_working_day(date!(2026 - 03 - 16)));
    // Independence Day.
    assert!(!c.is_working_day(date!(2025 - 12 - 16)));
    assert!(!c.is_working_day(date!(2026 - 12 - 16)));
    assert!(c.is_working_day(date!(2026 - 12 - 17)), "17 December stopped in 2022");
}

#[test]
fn an_appeal_on_the_friday_before_nauryz_is_answered_by_15_april() {
    // Friday 20 March 2026, 10:00: registered that day. Day 1 is the next working day:
    // Sat 21 and Sun 22 are the weekend, Mon 23 – Wed 25 are Nauryz, so Thu 26 March = 1,
    // Fri 27 = 2, Mon 30 = 3, Tue 31 = 4, Apr: Wed 1 = 5, Thu 2 = 6, Fri 3 = 7, Mon 6 = 8,
    // Tue 7 = 9, Wed 8 = 10, Thu 9 = 11, Fri 10 = 12, Mon 13 = 13, Tue 14 = 14, Wed 15 = 15.
    // Two months after 20 March is Wednesday 20 May, a working day.
    let d = calendar().deadlines_local(datetime!(2026-03-20 10:00));
    assert_eq!(d.registered_on, date!(2026 - 03 - 20));
    assert_eq!(d.answer_by, date!(2026 - 04 - 15));
    assert_eq!(d.forward_by, date!(2026 - 03 - 30));
    assert_eq!(d.extended_answer_by, date!(2026 - 05 - 20));
    assert!(!d.provisional);
}

#[test]
fn the_same_friday_after_office_hours_is_registered_after_nauryz() {
    // 18:30 is after closing: registered on the next working day, Thursday 26 March.
    // Day 1 = Fri 27, Mon 30 = 2, Tue 31 = 3, Apr: 1 = 4, 2 = 5, 3 = 6, 6 = 7, 7 = 8,
    // 8 = 9, 9 = 10, 10 = 11, 13 = 12, 14 = 13, 15 = 14, Thursday 16 April = 15.
    let c = calendar();
    let d = c.deadlines_local(datetime!(2026-03-20 18:30));
    assert_eq!(d.registered_on, date!(2026 - 03 - 26));
    assert_eq!(d.answer_by, date!(2026 - 04 - 16));
    assert_eq!(d.forward_by, date!(2026 - 03 - 31));
    // One minute before closing is still that day.
    assert_eq!(c.registration_date(datetime!(2026-03-20 17:59)), date!(2026 - 03 - 20));
    // A later closing time is a setting.
    let late = c.with_settings(Settings { office_closes_at: time!(19:00), ..Settings::default() });
    assert_eq!(late.registration_date(datetime!(2026-03-20 18:30)), date!(2026 - 03 - 20));
}

#[test]
fn the_other_counting_convention_ends_one_working_day_earlier() {
    // With the registration day as day 1, Friday 20 March is day 1 and Thursday 26 is
    // day 2, so the 15th is Tuesday 14 April; the 3rd is Friday 27 March.
    let c = calendar().with_settings(Settings {
        counting: CountingConvention::RegistrationDayIsDayOne,
        ..Settings::default()
    });
    let d = c.deadlines_local(datetime!(2026-03-20 10:00));
    assert_eq!(d.answer_by, date!(2026 - 04 - 14));
    assert_eq!(d.forward_by, date!(2026 - 03 - 27));
}

#[test]
fn monday_31_august_2026_is_a_working_day_and_counts() {
    // Registered Monday 31 August. Day 1 = Tue 1 Sep; 2 = 2, 3 = 3 (forward by Thursday
    // 3 September), 4 = 4, 7 = 5, 8 = 6, 9 = 7, 10 = 8, 11 = 9, 14 = 10, 15 = 11, 16 = 12,
    // 17 = 13, 18 = 14, Monday 21 September = 15. Two months on is Saturday 31 October:
    // the last working day not after it is Friday 30 October.
    let d = calendar().deadlines_local(datetime!(2026-08-31 09:00));
    assert_eq!(d.registered_on, date!(2026 - 08 - 31));
    assert_eq!(d.answer_by, date!(2026 - 09 - 21));
    assert_eq!(d.forward_by, date!(2026 - 09 - 03));
    assert_eq!(d.extended_answer_by, date!(2026 - 10 - 30));
    assert!(!d.provisional);
}

#[test]
fn an_appeal_on_independence_day_2025_is_registered_the_next_day_and_counts_past_new_year() {
    // Tuesday 16 December 2025 is off: registered Wednesday 17. Day 1 = Thu 18, 19 = 2,
    // 22 = 3, 23 = 4, 24 = 5, 25 = 6, 26 = 7, 29 = 8, 30 = 9, 31 = 10; 2026: Thu 1 and
    // Fri 2 January off, Mon 5 = 11, Tue 6 = 12, Wed 7 off (Orthodox Christmas),
    // Thu 8 = 13, Fri 9 = 14, Monday 12 January 2026 = 15.
    let d = calendar().deadlines_local(datetime!(2025-12-16 11:00));
    assert_eq!(d.registered_on, date!(2025 - 12 - 17));
    assert_eq!(d.answer_by, date!(2026 - 01 - 12));
    assert!(!d.provisional);
}

#[test]
fn an_appeal_the_day_before_independence_day_2026_crosses_into_provisional_2027() {
    // Tuesday 15 December 2026, 17:59: registered that day. Wed 16 is off. Day 1 = Thu 17,
    // 18 = 2, 21 = 3 (forward by Monday 21 December), 22 = 4, 23 = 5, 24 = 6, 25 = 7,
    // 28 = 8, 29 = 9, 30 = 10, 31 = 11; 2027: Fri 1 and Mon 4 January off, Tue 5 = 12,
    // Wed 6 = 13, Thu 7 off, Fri 8 = 14, Monday 11 January 2027 = 15. Two months on is
    // Monday 15 February 2027. 2027 is provisional, so the deadlines are too.
    let d = calendar().deadlines_local(datetime!(2026-12-15 17:59));
    assert_eq!(d.registered_on, date!(2026 - 12 - 15));
    assert_eq!(d.forward_by, date!(2026 - 12 - 21));
    assert_eq!(d.answer_by, date!(2027 - 01 - 11));
    assert_eq!(d.extended_answer_by, date!(2027 - 02 - 15));
    assert!(d.provisional);
}

#[test]
fn the_year_boundary_2026_to_2027_skips_new_year_and_its_monday() {
    let c = calendar();
    // Thursday 31 December 2026 + 1: Fri 1 and Mon 4 January 2027 are off → Tue 5.
    assert_eq!(c.add_working_days(date!(2026 - 12 - 31), 1), date!(2027 - 01 - 05));
    // 31 December 2026 + 2 months = 28 February 2027, a Sunday → Friday 26 February.
    let d = c.deadlines_local(datetime!(2026-12-31 09:00));
    assert_eq!(d.extended_answer_by, date!(2027 - 02 - 26));
}

#[test]
fn an_appeal_on_the_saturday_before_the_worked_sunday_of_2025_is_registered_on_that_sunday() {
    // Saturday 4 January 2025: not a working day, and the next working day is Sunday 5
    // (transferred). Day 1 = Mon 6, Tue 7 off, Wed 8 = 2, Thu 9 = 3 (forward by), 10 = 4,
    // 13 = 5, 14 = 6, 15 = 7, 16 = 8, 17 = 9, 20 = 10, 21 = 11, 22 = 12, 23 = 13, 24 = 14,
    // Monday 27 January 2025 = 15.
    let c = calendar();
    let d = c.deadlines_local(datetime!(2025-01-04 12:00));
    assert_eq!(d.registered_on, date!(2025 - 01 - 05));
    assert_eq!(d.forward_by, date!(2025 - 01 - 09));
    assert_eq!(d.answer_by, date!(2025 - 01 - 27));
    // Friday 3 January (off) is also registered on Sunday 5; Sunday 5 itself that day.
    assert_eq!(c.registration_date(datetime!(2025-01-03 09:00)), date!(2025 - 01 - 05));
    assert_eq!(c.registration_date(datetime!(2025-01-05 09:00)), date!(2025 - 01 - 05));
}

#[test]
fn deadlines_are_counted_in_the_regions_time_not_utc() {
    // 20 March 2026 13:30 UTC is 18:30 in Uralsk (UTC+5): after closing.
    let d = calendar().deadlines(datetime!(2026-03-20 13:30 UTC));
    assert_eq!(d.registered_on, date!(2026 - 03 - 26));
}

#[test]
fn days_left_count_working_days_and_go_negative_when_overdue() {
    let c = calendar();
    let due = date!(2026 - 03 - 26);
    assert_eq!(c.working_days_left(date!(2026 - 03 - 26), due), 0);
    // From Friday 20 March: Thu 26 is the only working day up to it.
    assert_eq!(c.working_days_left(date!(2026 - 03 - 20), due), 1);
    assert_eq!(c.working_days_left(date!(2026 - 03 - 30), due), -2);
}

#[test]
fn a_year_the_calendar_lacks_counts_weekends_only_and_is_provisional() {
    let c = calendar();
    assert!(c.is_working_day(date!(2028 - 01 - 03)));
    assert!(!c.is_working_day(date!(2028 - 01 - 01)));
    assert!(!c.is_confirmed(2028) && !c.is_confirmed(2027) && c.is_confirmed(2026));
    assert!(c.deadlines_local(datetime!(2028-02-01 10:00)).provisional);
}

#[test]
fn the_calendar_round_trips_through_json_and_refuses_inconsistent_edits() {
    let c = calendar();
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["years"][0]["working_weekends"][0], "2025-01-05");
    assert_eq!(json["settings"]["office_closes_at"], "18:00");
    assert_eq!(json["settings"]["counting"], "next_working_day_is_day_one");
    let back: Calendar = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, c);

    let mut saturday_off = json.clone();
    saturday_off["years"][1]["days_off"][0] = "2026-01-03".into();
    let error = serde_json::from_value::<Calendar>(saturday_off).unwrap_err();
    assert!(error.to_string().contains("already a weekend"), "{error}");
    let mut monday_worked = json.clone();
    monday_worked["years"][0]["working_weekends"][0] = "2025-01-06".into();
    assert!(serde_json::from_value::<Calendar>(monday_worked).is_err());
    let mut wrong_year = json;
    wrong_year["years"][2]["days_off"][0] = "2026-01-01".into();
    assert!(serde_json::from_value::<Calendar>(wrong_year).is_err());
}

#[test]
fn an_edited_year_replaces_the_shipped_one_and_is_checked_like_it() {
    let shipped = Calendar::kazakhstan();
    let mut year = shipped.years().iter().find(|y| y.year == 2026).unwrap().clone();
    year.days_off.push(date!(2026 - 09 - 04));
    let edited = shipped.with_year(year.clone()).unwrap();
    assert!(shipped.is_working_day(date!(2026 - 09 - 04)));
    assert!(!edited.is_working_day(date!(2026 - 09 - 04)));
    assert_eq!(edited.years().len(), shipped.years().len());
    let mut saturday = year;
    saturday.days_off.push(date!(2026 - 09 - 05));
    assert_eq!(
        shipped.with_year(saturday).unwrap_err(),
        CalendarError::DayOffOnWeekend(date!(2026 - 09 - 05))
    );
}

#[test]
fn an_appeal_received_on_a_saturday_evening_before_a_holiday_in_may_2026() {
    // Saturday 9 May 2026 (Victory Day, moved to Monday 11 May), 20:00: registered on
    // Tuesday 12 May. Day 1 is Wed 13: 13 = 1, 14 = 2, 15 = 3, Mon 18 – Fri 22 = 4–8,
    // Mon 25 = 9, Tue 26 = 10, Wed 27 is Kurban Ait, Thu 28 = 11, Fri 29 = 12,
    // Mon 1 June = 13, Tue 2 = 14, Wed 3 = 15. Friday 8 May was a working day.
    let c = calendar();
    assert!(c.is_working_day(date!(2026 - 05 - 08)));
    assert!(!c.is_working_day(date!(2026 - 05 - 27)), "Kurban Ait");
    let d = c.deadlines_local(datetime!(2026-05-09 20:00));
    assert_eq!(d.registered_on, date!(2026 - 05 - 12));
    assert_eq!(d.forward_by, date!(2026 - 05 - 15));
    assert_eq!(d.answer_by, date!(2026 - 06 - 03));
    // Two months from receipt (9 May), not from registration (12 May): Thursday 9 July,
    // where registration would give Sunday 12 July, i.e. Friday 10 July.
    assert_eq!(d.extended_answer_by, date!(2026 - 07 - 09));
}

#[test]
fn the_two_month_cap_counts_from_receipt_not_registration() {
    // Received Friday 20 March 2026 at 19:00, after hours: registered Thursday 26 March
    // (after the weekend and Nauryz), but two months run from 20 March: Wednesday 20 May.
    let d = calendar().deadlines_local(datetime!(2026-03-20 19:00));
    assert_eq!(d.registered_on, date!(2026 - 03 - 26));
    assert_eq!(d.extended_answer_by, date!(2026 - 05 - 20));
    // An extension asking for more is held to it.
    let asked = datetime!(2026-04-01 10:00 +5);
    assert_eq!(d.answer_day([(asked, Some(date!(2026 - 05 - 26)))]), date!(2026 - 05 - 20));
}

/// The moment `day` at `hh:mm` in the region.
fn local(day: Date, at: Time) -> OffsetDateTime {
    PrimitiveDateTime::new(day, at).assume_offset(crate::district::REGION_UTC_OFFSET)
}

#[test]
fn an_extension_asked_one_day_late_does_not_move_the_answer_day() {
    // Friday 20 March 2026: answer by Wednesday 15 April; asked on Thursday 16 April.
    let d = calendar().deadlines_local(datetime!(2026-03-20 10:00));
    let late = local(date!(2026 - 04 - 16), time!(09:00));
    assert_eq!(d.answer_day([(late, Some(date!(2026 - 05 - 20)))]), date!(2026 - 04 - 15));
    assert!(!Deadlines::may_extend(d.answer_by, date!(2026 - 04 - 16)));
}

#[test]
fn an_extension_on_the_last_day_moves_the_answer_day() {
    // Asked on Wednesday 15 April itself, even in the evening after office hours.
    let d = calendar().deadlines_local(datetime!(2026-03-20 10:00));
    let last = local(date!(2026 - 04 - 15), time!(23:30));
    assert!(Deadlines::may_extend(d.answer_by, date!(2026 - 04 - 15)));
    assert_eq!(d.answer_day([(last, Some(date!(2026 - 05 - 06)))]), date!(2026 - 05 - 06));
    // A second one counts against the day the first set, and a shorter one changes nothing.
    let second = local(date!(2026 - 05 - 06), time!(12:00));
    let too_late = local(date!(2026 - 05 - 13), time!(12:00));
    let both = [
        (too_late, Some(date!(2026 - 05 - 19))),
        (last, Some(date!(2026 - 05 - 06))),
        (second, Some(date!(2026 - 05 - 12))),
    ];
    assert_eq!(d.answer_day(both), date!(2026 - 05 - 12), "read in the order recorded");
    let shorter = [(last, Some(date!(2026 - 05 - 06))), (second, Some(date!(2026 - 04 - 20)))];
    assert_eq!(d.answer_day(shorter), date!(2026 - 05 - 06));
    // An extension that named no day counts as the longest allowed.
    assert_eq!(d.answer_day([(last, None)]), d.extended_answer_by);
    assert_eq!(d.answer_day([]), d.answer_by);
}

#[test]
fn the_extension_notice_is_due_3_working_days_after_the_decision_not_registration() {
    // An appeal received Friday 17 April 2026 at 10:00, answer by Wednesday 13 May (past
    // 1, 7 and 11 May off). The extension is decided on
    // Friday 8 May 2026, a working day before Victory Day's Monday off: Sat 9, Sun 10,
    // Mon 11 (off), so Tue 12 = 1, Wed 13 = 2, Thursday 14 May = 3.
    let c = calendar();
    let d = c.deadlines_local(datetime!(2026-04-17 10:00));
    let decided = datetime!(2026-05-08 16:00 +5);
    assert_eq!(c.extension_notice_by(decided), date!(2026 - 05 - 14));
    let reason = "Awaiting the akimat's reply".to_owned();
    let notice = c
        .extension_notice(&d, [(decided, Some(date!(2026 - 06 - 01)), Some(reason.clone()))])
        .expect("an extension before the answer day counts");
    assert_eq!(notice.reason, Some(reason));
    assert_eq!(notice.decided_on, date!(2026 - 05 - 08));
    assert_eq!(notice.answer_by, date!(2026 - 06 - 01));
    assert_eq!(notice.notice_by, date!(2026 - 05 - 14));
    // Counted from registration (17 April) it would have been 22 April: long before the
    // decision.
    assert!(notice.notice_by > c.add_working_days(d.registered_on, 3));
}

#[test]
fn a_late_extension_gives_no_notice_and_the_one_in_force_stays() {
    // Friday 20 March 2026: answer by 15 April. Extended on 10 April to 30 April, then
    // again on 4 May (after 30 April had passed): only the first is in force.
    let c = calendar();
    let d = c.deadlines_local(datetime!(2026-03-20 10:00));
    let first = (datetime!(2026-04-10 11:00 +5), Some(date!(2026 - 04 - 30)), Some("a".into()));
    let late = (datetime!(2026-05-04 11:00 +5), Some(date!(2026 - 05 - 20)), Some("b".into()));
    let notice = c.extension_notice(&d, [late.clone(), first]).unwrap();
    assert_eq!(notice.reason.as_deref(), Some("a"));
    assert_eq!(notice.answer_by, date!(2026 - 04 - 30));
    // Fri 10 April: Mon 13 = 1, Tue 14 = 2, Wed 15 = 3.
    assert_eq!(notice.notice_by, date!(2026 - 04 - 15));
    assert_eq!(c.extension_notice(&d, [late]), None, "alone, the late one never counted");
}

#[test]
fn an_item_not_forwarded_or_registered_within_3_working_days_is_overdue() {
    // Saturday 9 May 2026 at 20:00: registered Tuesday 12 May, forward by Friday 15 May.
    let d = calendar().deadlines_local(datetime!(2026-05-09 20:00));
    assert_eq!(d.forward_by, date!(2026 - 05 - 15));
    assert!(!d.forwarding_overdue(true, false, date!(2026 - 05 - 15)), "due that day");
    assert!(d.forwarding_overdue(true, false, date!(2026 - 05 - 18)));
    assert!(!d.forwarding_overdue(true, true, date!(2026 - 05 - 18)), "forwarded");
    assert!(!d.forwarding_overdue(false, false, date!(2026 - 05 - 18)), "answered");
    assert!(d.forwarded_on_time(date!(2026 - 05 - 15)));
    assert!(!d.forwarded_on_time(date!(2026 - 05 - 18)));
}
