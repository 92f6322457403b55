use serde_json::json;
use time::macros::{date, datetime};

use super::*;

#[test]
fn periods_are_two_weeks_from_monday_29_december_2025_both_ways() {
    let first = Period::containing(date!(2025 - 12 - 29));
    assert_eq!((first.start(), first.end()), (date!(2025 - 12 - 29), date!(2026 - 01 - 11)));
    assert_eq!(Period::containing(date!(2026 - 01 - 11)), first);
    assert_eq!(Period::containing(date!(2026 - 01 - 12)).start(), date!(2026 - 01 - 12));
    assert_eq!(Period::containing(date!(2025 - 12 - 28)).start(), date!(2025 - 12 - 15));
    assert_eq!(first.next().previous(), first);
    let feb = Period::parse("2026-02-18").unwrap();
    assert_eq!((feb.start(), feb.end()), (date!(2026 - 02 - 09), date!(2026 - 02 - 22)));
    assert_eq!(feb.start().weekday(), time::Weekday::Monday);
    assert_eq!(feb.end().weekday(), time::Weekday::Sunday);
    assert_eq!(feb.to_string(), "2026-02-09..2026-02-22");
    assert!(Period::parse("2026-02-30").is_err() && Period::parse("18.02.2026").is_err());
}

#[test]
fn a_period_far_in_the_future_or_past_is_refused_rather_than_overflowing() {
    for raw in ["9999-12-31", "-9999-01-01", "1999-12-31", "2101-01-01"] {
        assert_eq!(Period::parse(raw), Err(InvalidPeriod::OutOfRange), "{raw}");
    }
    for raw in ["2000-01-01", "2100-12-31"] {
        let period = Period::parse(raw).unwrap();
        assert!(period.contains(Date::parse(raw, ISO_DATE).unwrap()), "{raw}");
    }
    assert_eq!(Period::parse("+10000-01-01"), Err(InvalidPeriod::Malformed));
    let far = json!({"start": "9999-12-27", "end": "9999-12-31"});
    assert!(serde_json::from_value::<Period>(far).is_err());
}

#[test]
fn a_period_travels_as_its_first_and_last_day_and_only_on_the_grid() {
    let feb = Period::parse("2026-02-09").unwrap();
    let wire = serde_json::to_value(feb).unwrap();
    assert_eq!(wire, json!({"start": "2026-02-09", "end": "2026-02-22"}));
    assert_eq!(serde_json::from_value::<Period>(wire).unwrap(), feb);
    let off_grid = json!({"start": "2026-02-10", "end": "2026-02-23"});
    assert!(serde_json::from_value::<Period>(off_grid).is_err());
}

fn event(kind: EventKind, at: OffsetDateTime) -> RowEvent {
    RowEvent { kind, at, until: None }
}

fn complaint(
    district: District,
    category: &str,
    institution: &str,
    received_at: OffsetDateTime,
    events: Vec<RowEvent>,
) -> ReportRow {
    let answers = json!({"category": category, "institution": institution});
    ReportRow::new(district, "complaint", &answers, received_at, events)
}

fn other(
    form: &str,
    district: District,
    received_at: OffsetDateTime,
    events: Vec<RowEvent>,
) -> ReportRow {
    ReportRow::new(district, form, &json!({"institution": "School No. 12"}), received_at, events)
}

/// The period 9–22 February 2026 (no holidays), the one before it, two districts. The
/// expected figures are counted by hand in the comments.
fn rows() -> Vec<ReportRow> {
    use District::{Terekti as TER, Uralsk as URA};
    use EventKind::*;
    vec![
        // A: registered 9 Feb, answer_by 2 Mar, answered 13 Feb: on time, 4 working
        // days (10–13 Feb); its corrected answer on 20 Feb is not a second answer.
        complaint(
            URA,
            "school",
            "School No. 12",
            datetime!(2026-02-09 10:00 +5),
            vec![
                event(Registered, datetime!(2026-02-09 11:00 +5)),
                event(Answered, datetime!(2026-02-13 12:00 +5)),
                event(Answered, datetime!(2026-02-20 12:00 +5)),
            ],
        ),
        // B: registered and forwarded, not answered.
        complaint(
            URA,
            "school",
            "school no. 12",
            datetime!(2026-02-10 09:00 +5),
            vec![
                event(Registered, datetime!(2026-02-10 09:30 +5)),
                event(Forwarded, datetime!(2026-02-11 10:00 +5)),
            ],
        ),
        // C, D: the same clinic in two spellings of one name; E (Terekti) in a third.
        complaint(
            URA,
            "clinic",
            "Акжаик clinic",
            datetime!(2026-02-16 19:00 +5),
            vec![event(Registered, datetime!(2026-02-17 09:00 +5))],
        ),
        complaint(URA, "clinic", "Акжаик clinic", datetime!(2026-02-20 10:00 +5), vec![]),
        complaint(TER, "akimat", "Ақжайық clinic", datetime!(2026-02-11 10:00 +5), vec![]),
        // F: a mediation ending in a signed act.
        other(
            "mediation_request",
            URA,
            datetime!(2026-02-12 10:00 +5),
            vec![
                event(Registered, datetime!(2026-02-12 11:00 +5)),
                event(ActSigned, datetime!(2026-02-20 15:00 +5)),
            ],
        ),
        // G: a monitoring visit sent at 20:00 UTC on 8 Feb: 01:00 on 9 Feb in Uralsk.
        other("monitoring_school", URA, datetime!(2026-02-08 20:00 UTC), vec![]),
        // H: received in January (registered 12 Jan, answer_by 2 Feb), answered 10 Feb:
        // late, 21 working days.
        complaint(
            URA,
            "school",
            "Old school",
            datetime!(2026-01-12 10:00 +5),
            vec![
                event(Registered, datetime!(2026-01-12 11:00 +5)),
                event(Answered, datetime!(2026-02-10 10:00 +5)),
            ],
        ),
        // I: registered 13 Jan (answer_by 3 Feb), extended without a date (so to
        // 13 March, two months), answered 16 Feb: on time, 24 working days.
        complaint(
            URA,
            "school",
            "Old school",
            datetime!(2026-01-13 10:00 +5),
            vec![
                event(Registered, datetime!(2026-01-13 11:00 +5)),
                event(Extended, datetime!(2026-01-30 10:00 +5)),
                event(Answered, datetime!(2026-02-16 10:00 +5)),
            ],
        ),
        // J: registered 14 Jan, extended to 5 Feb, answered 9 Feb: late, 18 working days.
        complaint(
            URA,
            "school",
            "Old school",
            datetime!(2026-01-14 10:00 +5),
            vec![
                event(Registered, datetime!(2026-01-14 11:00 +5)),
                RowEvent {
                    kind: Extended,
                    at: datetime!(2026-01-30 10:00 +5),
                    until: Some(date!(2026 - 02 - 05)),
                },
                event(Answered, datetime!(2026-02-09 16:00 +5)),
            ],
        ),
    ]
}

fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn named(pairs: &[(&str, u32)]) -> Vec<InstitutionCount> {
    pairs
        .iter()
        .map(|(name, count)| InstitutionCount { name: name.to_string(), count: *count })
        .collect()
}

const AS_OF: OffsetDateTime = datetime!(2026-02-23 09:00 +5);

#[test]
fn a_districts_figures_are_counted_by_region_local_dates_and_real_deadlines() {
    let period = Period::parse("2026-02-09").unwrap();
    let calendar = Calendar::kazakhstan();
    let report = compute(period, Some(District::Uralsk), &rows(), &calendar, AS_OF);
    assert_eq!(report.district, Some(District::Uralsk));
    assert!(report.districts.is_empty());
    assert!(!report.provisional);
    let expected = Figures {
        received: 6,
        received_by_form: counts(&[
            ("complaint", 4),
            ("mediation_request", 1),
            ("monitoring_school", 1),
        ]),
        received_by_category: counts(&[("clinic", 2), ("school", 2)]),
        registered: 4,
        forwarded: 1,
        answered_on_time: 2,
        answered_late: 2,
        acts_signed: 1,
        monitoring_visits: 1,
        // 4, 18, 21, 24.
        median_working_days_to_answer: Some(19.5),
        // B: registered 10 Feb, forward by 13 Feb, forwarded 11 Feb.
        forwarded_on_time: 1,
        forwarded_late: 0,
        mediation_first_sessions: 0,
        median_working_days_to_first_session: None,
        // Every complaint still open on 22 Feb is due in March.
        open_past_answer_day: 0,
        // A tie of two: by name.
        top_institutions: named(&[("Акжаик clinic", 2), ("School No. 12", 2)]),
    };
    assert_eq!(report.figures, expected);
}

#[test]
fn the_region_adds_the_districts_up_and_lists_each_of_them() {
    let period = Period::parse("2026-02-22").unwrap();
    let report = compute(period, None, &rows(), &Calendar::kazakhstan(), AS_OF);
    assert_eq!(report.district, None);
    let f = &report.figures;
    assert_eq!((f.received, f.registered, f.forwarded), (7, 4, 1));
    assert_eq!(f.received_by_category, counts(&[("akimat", 1), ("clinic", 2), ("school", 2)]));
    assert_eq!((f.answered_on_time, f.answered_late, f.acts_signed), (2, 2, 1));
    assert_eq!(f.median_working_days_to_answer, Some(19.5));
    // Three spellings of one clinic, shown by the most common one.
    assert_eq!(f.top_institutions, named(&[("Акжаик clinic", 3), ("School No. 12", 2)]));
    assert_eq!(report.districts.len(), District::ALL.len());
    let terekti = report.districts.iter().find(|d| d.district == District::Terekti).unwrap();
    assert_eq!(terekti.figures.received, 1);
    assert_eq!(terekti.figures.median_working_days_to_answer, None);
    assert_eq!(terekti.figures.top_institutions, named(&[("Ақжайық clinic", 1)]));
    let sum: u32 = report.districts.iter().map(|d| d.figures.received).sum();
    assert_eq!(sum, f.received);
}

#[test]
fn the_period_before_counts_only_its_own_days() {
    let january = Period::parse("2026-01-26").unwrap().previous();
    assert_eq!(january.start(), date!(2026 - 01 - 12));
    let report = compute(january, Some(District::Uralsk), &rows(), &Calendar::kazakhstan(), AS_OF);
    let f = &report.figures;
    assert_eq!((f.received, f.registered, f.answered_on_time + f.answered_late), (3, 3, 0));
    assert_eq!(f.top_institutions, named(&[("Old school", 3)]));
    assert_eq!(f.median_working_days_to_answer, None);
}

#[test]
fn only_complaints_name_institutions_and_categories() {
    let row = other("monitoring_school", District::Uralsk, AS_OF, vec![]);
    assert_eq!((row.category, row.institution), (None, None));
}

#[test]
fn the_published_report_names_no_institution_typed_by_a_citizen_and_keeps_every_figure() {
    let period = Period::parse("2026-02-22").unwrap();
    let live = compute(period, None, &rows(), &Calendar::kazakhstan(), AS_OF);
    let public = live.clone().published();
    let json = public.canonical_json();
    for typed in ["Акжаик clinic", "School No. 12", "Ақжайық"] {
        assert!(!json.contains(typed), "{typed} in {json}");
    }
    assert!(public.figures.top_institutions.is_empty());
    assert!(public.districts.iter().all(|d| d.figures.top_institutions.is_empty()));
    assert_eq!(public.figures.received, live.figures.received);
    assert_eq!(public.figures.received_by_category, live.figures.received_by_category);
    assert_eq!(public.districts.len(), live.districts.len());
}

#[test]
fn a_report_hashes_its_canonical_json_and_reads_back_to_the_same_hash() {
    let period = Period::parse("2026-02-09").unwrap();
    let report = compute(period, None, &rows(), &Calendar::kazakhstan(), AS_OF);
    let json = report.canonical_json();
    assert_eq!(report.hash(), hash_of(&json));
    assert_eq!(report.hash().len(), 64);
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.canonical_json(), json);
    assert!(
        json.starts_with(r#"{"period":{"start":"2026-02-09","end":"2026-02-22"},"district":null"#)
    );
    let later = compute(period, None, &rows(), &Calendar::kazakhstan(), AS_OF + Duration::hours(1));
    assert_ne!(later.hash(), report.hash(), "as_of is part of what is frozen");
}

#[test]
fn an_extension_recorded_after_the_answer_day_does_not_make_a_late_answer_on_time() {
    // Received and registered Monday 12 January 2026: answer by Monday 2 February.
    // Answered on Tuesday 10 February, after an extension to 13 March: recorded on the
    // 2nd it counts (on time); recorded on the 3rd, a day late, it does not (late), as
    // an old database may still hold one.
    let extended_on = |at| {
        complaint(
            District::Uralsk,
            "school",
            "Old school",
            datetime!(2026-01-12 10:00 +5),
            vec![
                event(EventKind::Registered, datetime!(2026-01-12 11:00 +5)),
                RowEvent { kind: EventKind::Extended, at, until: Some(date!(2026 - 03 - 12)) },
                event(EventKind::Answered, datetime!(2026-02-10 10:00 +5)),
            ],
        )
    };
    let period = Period::parse("2026-02-09").unwrap();
    let as_of = datetime!(2026-03-01 00:00 UTC);
    let calendar = Calendar::kazakhstan();
    let figures = |at| {
        let report = compute(period, None, &[extended_on(at)], &calendar, as_of);
        (report.figures.answered_on_time, report.figures.answered_late)
    };
    assert_eq!(figures(datetime!(2026-02-02 17:59 +5)), (1, 0), "on the last day");
    assert_eq!(figures(datetime!(2026-02-03 09:00 +5)), (0, 1), "one day late");
}

#[test]
fn the_answer_figures_count_complaints_only_and_mediation_has_its_own_clock() {
    use EventKind::*;
    let ura = District::Uralsk;
    let rows = vec![
        // A monitoring checklist from January "answered" in February: no answer day.
        other(
            "monitoring_clinic",
            ura,
            datetime!(2026-01-12 10:00 +5),
            vec![event(Answered, datetime!(2026-02-10 10:00 +5))],
        ),
        // Mediation requests registered Mon 9 and Tue 10 February: first sessions held
        // Fri 13 Feb (4 working days) and Fri 20 Feb (8); a second session is not a first.
        other(
            "mediation_request",
            ura,
            datetime!(2026-02-09 10:00 +5),
            vec![
                event(SessionHeld, datetime!(2026-02-13 15:00 +5)),
                event(SessionHeld, datetime!(2026-02-18 15:00 +5)),
                event(Answered, datetime!(2026-02-19 15:00 +5)),
            ],
        ),
        other(
            "mediation_request",
            ura,
            datetime!(2026-02-10 10:00 +5),
            vec![event(SessionHeld, datetime!(2026-02-20 15:00 +5))],
        ),
        // A complaint registered 9 Feb and answered 13 Feb: on time, 4 working days.
        complaint(
            ura,
            "school",
            "School No. 12",
            datetime!(2026-02-09 10:00 +5),
            vec![event(Answered, datetime!(2026-02-13 12:00 +5))],
        ),
    ];
    let period = Period::parse("2026-02-09").unwrap();
    let report = compute(period, Some(ura), &rows, &Calendar::kazakhstan(), AS_OF);
    let f = &report.figures;
    assert_eq!((f.answered_on_time, f.answered_late), (1, 0));
    assert_eq!(f.median_working_days_to_answer, Some(4.0));
    assert_eq!(f.mediation_first_sessions, 2);
    assert_eq!(f.median_working_days_to_first_session, Some(6.0));
    assert_eq!(f.monitoring_visits, 0, "received in January");
}

#[test]
fn forwarding_is_measured_against_3_working_days_from_registration() {
    use EventKind::*;
    let forwarded = |received_at, at| {
        complaint(
            District::Uralsk,
            "akimat",
            "Akimat",
            received_at,
            vec![event(Forwarded, at), event(Forwarded, at + Duration::days(1))],
        )
    };
    let rows = vec![
        // Saturday 9 May 2026, 20:00: registered Tue 12 May (11 May off), forward by
        // Fri 15 May: forwarded on the 15th, on time.
        forwarded(datetime!(2026-05-09 20:00 +5), datetime!(2026-05-15 17:00 +5)),
        // Monday 4 May: forward by Fri 8 May (7 May off); forwarded Tue 12 May, late.
        forwarded(datetime!(2026-05-04 10:00 +5), datetime!(2026-05-12 10:00 +5)),
    ];
    let period = Period::parse("2026-05-04").unwrap();
    let as_of = datetime!(2026-05-20 09:00 +5);
    let report = compute(period, None, &rows, &Calendar::kazakhstan(), as_of);
    let f = &report.figures;
    assert_eq!((f.forwarded, f.forwarded_on_time, f.forwarded_late), (2, 1, 1));
    let uralsk = report.districts.iter().find(|d| d.district == District::Uralsk).unwrap();
    assert_eq!((uralsk.figures.forwarded_on_time, uralsk.figures.forwarded_late), (1, 1));
}

#[test]
fn open_complaints_past_their_answer_day_are_counted_per_district() {
    use EventKind::*;
    let received = datetime!(2026-01-12 10:00 +5); // answer by Monday 2 February
    let rows = vec![
        // Uralsk: never answered.
        complaint(District::Uralsk, "school", "A", received, vec![]),
        // Terekti: extended in time to 13 March: open, not past.
        complaint(
            District::Terekti,
            "school",
            "B",
            received,
            vec![RowEvent {
                kind: Extended,
                at: datetime!(2026-01-30 10:00 +5),
                until: Some(date!(2026 - 03 - 12)),
            }],
        ),
        // Terekti: answered late on 20 February: past its day on 8 Feb, settled by 22 Feb.
        complaint(
            District::Terekti,
            "school",
            "C",
            received,
            vec![event(Answered, datetime!(2026-02-20 10:00 +5))],
        ),
        // A monitoring checklist has no answer day.
        other("monitoring_school", District::Terekti, received, vec![]),
    ];
    let calendar = Calendar::kazakhstan();
    let in_district = |report: &Report, d: District| {
        report.districts.iter().find(|f| f.district == d).unwrap().figures.open_past_answer_day
    };
    let feb = compute(Period::parse("2026-02-09").unwrap(), None, &rows, &calendar, AS_OF);
    assert_eq!(feb.figures.open_past_answer_day, 1);
    assert_eq!(in_district(&feb, District::Uralsk), 1);
    assert_eq!(in_district(&feb, District::Terekti), 0);
    let before = compute(Period::parse("2026-01-26").unwrap(), None, &rows, &calendar, AS_OF);
    assert_eq!(before.figures.open_past_answer_day, 2, "as they stood on Sunday 8 February");
    assert_eq!(in_district(&before, District::Terekti), 1);
    // The current period counts as of now: on 2 February itself none is past yet.
    let today = datetime!(2026-02-02 12:00 +5);
    let now = compute(Period::parse("2026-01-26").unwrap(), None, &rows, &calendar, today);
    assert_eq!(now.figures.open_past_answer_day, 0);
}
