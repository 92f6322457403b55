//! The two-weekly report: for each district and the region, what arrived and what the
//! offices did with it in one two-week period, and the published snapshot that freezes
//! those figures.
//!
//! **Periods.** Two weeks, Monday to Sunday of the following week, counted from the anchor
//! [`ANCHOR`], Monday 29 December 2025 (the first day of ISO week 1 of 2026): the first
//! period is 2025-12-29..=2026-01-11, the next 2026-01-12..=2026-01-25, and so on both
//! ways. Every date is the region's local date ([`crate::district::region_date`]).
//!
//! **Figures** are computed by [`compute`], a pure function from [`ReportRow`]s (one per
//! submission, with its timeline) to a [`Report`]: the same rows always give the same
//! report, so the server's live figures, its CSV and a published snapshot agree.
//!
//! **Snapshots.** Publishing stores [`Report::canonical_json`] and its SHA-256
//! ([`Report::hash`]) and never changes them: `GET /api/v1/reports/{hash}` answers exactly
//! those bytes, so `sha256sum` of the answer is the hash told at the press conference.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::macros::date;
use time::{Date, Duration, OffsetDateTime};

use crate::District;
use crate::calendar::{Calendar, Deadlines, ISO_DATE, iso_date};
use crate::receipt::EventKind;
use crate::search::fold;

/// The first day of the first period: Monday 29 December 2025, ISO week 1 of 2026.
pub const ANCHOR: Date = date!(2025 - 12 - 29);
/// A period's length in days.
pub const PERIOD_DAYS: i64 = 14;
/// How many institutions the report names.
pub const TOP_INSTITUTIONS: usize = 5;
pub use crate::form::{COMPLAINT_FORMS, MEDIATION_FORMS, MONITORING_FORMS};

/// One two-week period. On the wire `{"start":"2026-01-12","end":"2026-01-25"}`; only a
/// start on the grid of [`ANCHOR`] is accepted back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "PeriodWire", into = "PeriodWire")]
pub struct Period {
    start: Date,
}

impl Period {
    /// The period `day` falls in.
    pub fn containing(day: Date) -> Period {
        let offset = (day - ANCHOR).whole_days().div_euclid(PERIOD_DAYS);
        Period { start: ANCHOR + Duration::days(offset * PERIOD_DAYS) }
    }

    /// The period `day` falls in, if it lies within [`YEARS`]: far outside, a period's
    /// days would not even be dates.
    pub fn checked_containing(day: Date) -> Result<Period, InvalidPeriod> {
        if !YEARS.contains(&day.year()) {
            return Err(InvalidPeriod::OutOfRange);
        }
        Ok(Period::containing(day))
    }

    /// `YYYY-MM-DD`, any day of the period (as `?period=` takes it), within [`YEARS`].
    pub fn parse(raw: &str) -> Result<Period, InvalidPeriod> {
        let day = Date::parse(raw.trim(), ISO_DATE).map_err(|_| InvalidPeriod::Malformed)?;
        Period::checked_containing(day)
    }

    pub fn start(self) -> Date {
        self.start
    }

    /// The last day, a Sunday, inclusive.
    pub fn end(self) -> Date {
        self.start + Duration::days(PERIOD_DAYS - 1)
    }

    pub fn contains(self, day: Date) -> bool {
        (self.start..=self.end()).contains(&day)
    }

    pub fn previous(self) -> Period {
        Period { start: self.start - Duration::days(PERIOD_DAYS) }
    }

    pub fn next(self) -> Period {
        Period { start: self.start + Duration::days(PERIOD_DAYS) }
    }
}

/// `2026-01-12..2026-01-25`.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = |d: Date| d.format(ISO_DATE).map_err(|_| fmt::Error);
        write!(f, "{}..{}", day(self.start)?, day(self.end())?)
    }
}

/// The years a period may be asked for: Adal's reports begin in 2026, and a century on
/// is far enough; beyond the calendar's range a period's last day would overflow.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPeriod {
    #[error("a period is given by a date, YYYY-MM-DD, on the two-week grid from 2025-12-29")]
    Malformed,
    #[error("a period lies in the years 2000 to 2100")]
    OutOfRange,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct PeriodWire {
    #[serde(with = "iso_date")]
    start: Date,
    #[serde(with = "iso_date")]
    end: Date,
}

/// A period's schema is that of its wire form.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <PeriodWire as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Period {}

impl TryFrom<PeriodWire> for Period {
    type Error = InvalidPeriod;

    fn try_from(wire: PeriodWire) -> Result<Period, InvalidPeriod> {
        let period = Period::checked_containing(wire.start)?;
        if period.start != wire.start || period.end() != wire.end {
            return Err(InvalidPeriod::Malformed);
        }
        Ok(period)
    }
}

impl From<Period> for PeriodWire {
    fn from(period: Period) -> PeriodWire {
        PeriodWire { start: period.start, end: period.end() }
    }
}

/// One submission as the report reads it. The server builds these from its rows with
/// [`ReportRow::new`], which picks the answers the report needs (the category and the
/// institution) so that which answer means what is decided here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// Where it is now: a submission forwarded to another district counts there.
    pub district: District,
    pub form_id: String,
    /// The `category` answer (complaints).
    pub category: Option<String>,
    /// The `institution` answer of a complaint, as typed.
    pub institution: Option<String>,
    pub received_at: OffsetDateTime,
    /// Its timeline, oldest first.
    pub events: Vec<RowEvent>,
}

/// One event of a [`ReportRow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowEvent {
    pub kind: EventKind,
    pub at: OffsetDateTime,
    /// For `extended`: the new answer date, when known. An extension without one counts
    /// against the longest the law allows ([`crate::calendar::Deadlines::extended_answer_by`]).
    pub until: Option<Date>,
}

impl ReportRow {
    /// A submission's row: `answers` as stored (after `form::validate`), its timeline.
    pub fn new(
        district: District,
        form_id: &str,
        answers: &serde_json::Value,
        received_at: OffsetDateTime,
        events: Vec<RowEvent>,
    ) -> ReportRow {
        let answer = |key: &str| answers.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let complaint = COMPLAINT_FORMS.contains(&form_id);
        ReportRow {
            district,
            form_id: form_id.to_owned(),
            category: if complaint { answer("category") } else { None },
            institution: if complaint { answer("institution") } else { None },
            received_at,
            events,
        }
    }
}

/// What the report counts for one district, or for the region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Submissions received in the period (by their `received` time).
    pub received: u32,
    /// The same by form id (`complaint`, `mediation_request`, …), every version together.
    pub received_by_form: BTreeMap<String, u32>,
    /// Complaints received, by their `category` answer (`school`, `clinic`, …).
    pub received_by_category: BTreeMap<String, u32>,
    /// Submissions first registered in the period.
    pub registered: u32,
    /// Submissions forwarded (to another district or body) in the period, each once.
    pub forwarded: u32,
    /// Complaints (appeals, [`COMPLAINT_FORMS`]) first answered in the period by their
    /// answer date: `answer_by`, or the day an extension set, if it was recorded before
    /// the day in force had passed ([`crate::calendar::Deadlines::answer_day`]).
    /// Monitoring checklists and mediation requests have no such day.
    pub answered_on_time: u32,
    /// Complaints first answered in the period after that date.
    pub answered_late: u32,
    /// Reconciliation acts signed in the period.
    pub acts_signed: u32,
    /// Monitoring checklists (school, clinic) received in the period.
    pub monitoring_visits: u32,
    /// Median of the working days from registration to the answer, over the complaints
    /// first answered in the period; `None` when none was.
    #[serde(default)]
    pub median_working_days_to_answer: Option<f64>,
    /// Submissions first forwarded in the period on or before their `forward_by` day
    /// (3 working days from registration). Absent from snapshots published before.
    #[serde(default)]
    pub forwarded_on_time: u32,
    /// Submissions first forwarded in the period after their `forward_by` day.
    #[serde(default)]
    pub forwarded_late: u32,
    /// Mediation requests whose first session was held in the period.
    #[serde(default)]
    pub mediation_first_sessions: u32,
    /// Median of the working days from receipt (registration) to the first session, over
    /// those requests; `None` when there were none.
    #[serde(default)]
    pub median_working_days_to_first_session: Option<f64>,
    /// Complaints still open at the end of the period (or now, for the current one) whose
    /// answer day in force had already passed.
    #[serde(default)]
    pub open_past_answer_day: u32,
    /// The institutions most complained about in complaints received in the period, at
    /// most [`TOP_INSTITUTIONS`], most first (ties by name).
    pub top_institutions: Vec<InstitutionCount>,
}

/// An institution and how many complaints named it. Spellings that fold to the same
/// text (`Школа №12`, `школа № 12`, `Shkola No12`…) count together, shown by the most
/// common one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionCount {
    pub name: String,
    pub count: u32,
}

/// One district's figures in a region report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictFigures {
    pub district: District,
    pub figures: Figures,
}

/// `GET /api/v1/staff/reports?period=YYYY-MM-DD[&district=URA]`, and the content of a
/// published snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub period: Period,
    /// `None`: the whole region.
    #[serde(default)]
    pub district: Option<District>,
    /// The figures of the district, or of the whole region.
    pub figures: Figures,
    /// For the region: every district's figures, in [`District::ALL`] order. Empty in a
    /// district's report.
    #[serde(default)]
    pub districts: Vec<DistrictFigures>,
    /// When the figures were computed: events recorded later are not in them.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
    /// Some deadline used lies in a year the calendar holds as provisional.
    pub provisional: bool,
}

impl Report {
    /// The exact bytes a snapshot stores and `GET /api/v1/reports/{hash}` answers:
    /// compact JSON, fields in declaration order, maps sorted by key.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("a report serialises")
    }

    /// The SHA-256 of [`canonical_json`](Self::canonical_json), 64 lowercase hex digits.
    pub fn hash(&self) -> String {
        hash_of(&self.canonical_json())
    }

    /// The report as it is published for anyone: figures only. The institutions a
    /// complaint names are typed by the citizen (free text that may hold a person's name
    /// or phone), so the public report names none, for the scope or any district; staff
    /// read them in the live report.
    pub fn published(mut self) -> Report {
        self.figures.top_institutions.clear();
        for district in &mut self.districts {
            district.figures.top_institutions.clear();
        }
        self
    }
}

/// The report of `period` for `district` (`None`: the region, with every district's
/// figures too), from every submission's row; `as_of` is the moment the rows were read.
pub fn compute(
    period: Period,
    district: Option<District>,
    rows: &[ReportRow],
    calendar: &Calendar,
    as_of: OffsetDateTime,
) -> Report {
    let of = |d: District| rows.iter().filter(move |row| row.district == d);
    let (totals, provisional) = match district {
        Some(d) => figures(period, of(d), calendar, as_of),
        None => figures(period, rows.iter(), calendar, as_of),
    };
    let districts = match district {
        Some(_) => Vec::new(),
        None => District::ALL
            .into_iter()
            .map(|d| DistrictFigures {
                district: d,
                figures: figures(period, of(d), calendar, as_of).0,
            })
            .collect(),
    };
    Report { period, district, figures: totals, districts, as_of, provisional }
}

/// The figures of `rows` in `period`, and whether a provisional deadline was used.
fn figures<'a>(
    period: Period,
    rows: impl Iterator<Item = &'a ReportRow>,
    calendar: &Calendar,
    as_of: OffsetDateTime,
) -> (Figures, bool) {
    let local = crate::district::region_date;
    let in_period = |at: OffsetDateTime| period.contains(local(at));
    let mut out = Figures::default();
    let mut provisional = false;
    let mut days_to_answer = Vec::new();
    let mut days_to_session = Vec::new();
    // Open items are counted as they stood at the period's end, or today for the
    // current period.
    let cutoff = period.end().min(local(as_of));
    // Folded name → spelling → count.
    let mut institutions: HashMap<String, BTreeMap<&str, u32>> = HashMap::new();
    for row in rows {
        if in_period(row.received_at) {
            count_received(&mut out, &mut institutions, row);
        }
        let first = |kind| row.events.iter().find(|e| e.kind == kind);
        if first(EventKind::Registered).is_some_and(|e| in_period(e.at)) {
            out.registered += 1;
        }
        if row.events.iter().any(|e| e.kind == EventKind::Forwarded && in_period(e.at)) {
            out.forwarded += 1;
        }
        let acts = row.events.iter().filter(|e| e.kind == EventKind::ActSigned && in_period(e.at));
        out.acts_signed += acts.count() as u32;
        let deadlines = calendar.deadlines(row.received_at);
        if let Some(forwarded) = first(EventKind::Forwarded).filter(|e| in_period(e.at)) {
            if deadlines.forwarded_on_time(local(forwarded.at)) {
                out.forwarded_on_time += 1;
            } else {
                out.forwarded_late += 1;
            }
        }
        let mediation = MEDIATION_FORMS.contains(&row.form_id.as_str());
        if let Some(session) =
            first(EventKind::SessionHeld).filter(|e| mediation && in_period(e.at))
        {
            out.mediation_first_sessions += 1;
            days_to_session.push(
                calendar.working_days_left(deadlines.registered_on, local(session.at)).max(0),
            );
        }
        if !COMPLAINT_FORMS.contains(&row.form_id.as_str()) {
            continue;
        }
        let (used_provisional, answered_in) =
            count_appeal(&mut out, row, &deadlines, cutoff, in_period, calendar);
        provisional |= used_provisional;
        days_to_answer.extend(answered_in);
    }
    out.median_working_days_to_answer = median(&mut days_to_answer);
    out.median_working_days_to_first_session = median(&mut days_to_session);
    out.top_institutions = top(institutions);
    (out, provisional)
}

/// One row received in the period: by form and category, a monitoring visit, the
/// institution it names.
fn count_received<'a>(
    out: &mut Figures,
    institutions: &mut HashMap<String, BTreeMap<&'a str, u32>>,
    row: &'a ReportRow,
) {
    out.received += 1;
    *out.received_by_form.entry(row.form_id.clone()).or_default() += 1;
    if let Some(category) = &row.category {
        *out.received_by_category.entry(category.clone()).or_default() += 1;
    }
    if MONITORING_FORMS.contains(&row.form_id.as_str()) {
        out.monitoring_visits += 1;
    }
    if let Some(name) = row.institution.as_deref().map(str::trim) {
        let key = fold(name);
        if !key.is_empty() {
            *institutions.entry(key).or_default().entry(name).or_default() += 1;
        }
    }
}

/// An appeal's answer: open at `cutoff` and past the day then in force, or answered in the
/// period on time or late against the day in force when answered. Whether a provisional
/// deadline was used, and the working days to the answer if it came in the period.
fn count_appeal(
    out: &mut Figures,
    row: &ReportRow,
    deadlines: &Deadlines,
    cutoff: Date,
    in_period: impl Fn(OffsetDateTime) -> bool,
    calendar: &Calendar,
) -> (bool, Option<i64>) {
    let local = crate::district::region_date;
    let first = |kind| row.events.iter().find(|e| e.kind == kind);
    let mut provisional = false;
    let extensions = || row.events.iter().filter(|e| e.kind == EventKind::Extended);
    // Open at the cutoff, and past the day in force then.
    if local(row.received_at) <= cutoff {
        let by_cutoff = |e: &&RowEvent| local(e.at) <= cutoff;
        let settled = row.events.iter().filter(by_cutoff).any(|e| e.kind.settles());
        let due = deadlines.answer_day(extensions().filter(by_cutoff).map(|e| (e.at, e.until)));
        if !settled && due < cutoff {
            out.open_past_answer_day += 1;
            provisional = deadlines.provisional;
        }
    }
    let Some(answer) = first(EventKind::Answered).filter(|e| in_period(e.at)) else {
        return (provisional, None);
    };
    provisional |= deadlines.provisional;
    // The day in force when it was answered: extensions recorded by then, each only
    // if recorded before the day it moves had passed.
    let due =
        deadlines.answer_day(extensions().filter(|e| e.at <= answer.at).map(|e| (e.at, e.until)));
    let answered_on = local(answer.at);
    if answered_on <= due {
        out.answered_on_time += 1;
    } else {
        out.answered_late += 1;
    }
    (provisional, Some(calendar.working_days_left(deadlines.registered_on, answered_on).max(0)))
}

fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2] as f64),
        _ => Some((values[n / 2 - 1] + values[n / 2]) as f64 / 2.0),
    }
}

/// The most named institutions, each shown by its most common spelling (ties: the first
/// in alphabetical order, so the same rows always show the same name).
fn top(institutions: HashMap<String, BTreeMap<&str, u32>>) -> Vec<InstitutionCount> {
    let mut counted: Vec<(String, InstitutionCount)> = institutions
        .into_iter()
        .map(|(key, spellings)| {
            let count = spellings.values().sum();
            // Among equal counts `max_by_key` keeps the last, so walk the names backwards.
            let name = spellings.iter().rev().max_by_key(|(_, n)| **n).map(|(s, _)| *s);
            (key, InstitutionCount { name: name.unwrap_or_default().to_owned(), count })
        })
        .collect();
    counted.sort_by(|(a, x), (b, y)| y.count.cmp(&x.count).then_with(|| a.cmp(b)));
    counted.into_iter().take(TOP_INSTITUTIONS).map(|(_, c)| c).collect()
}

/// The SHA-256 of a snapshot's bytes, 64 lowercase hex digits: what anyone can recompute
/// from the answer of `GET /api/v1/reports/{hash}`.
pub fn hash_of(canonical_json: &str) -> String {
    Sha256::digest(canonical_json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `POST /api/v1/staff/reports/publish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishRequest {
    /// Any day of the period, `YYYY-MM-DD`.
    pub period: String,
    /// `None`: the region.
    #[serde(default)]
    pub district: Option<District>,
}

/// A published snapshot, as listed (`GET /api/v1/staff/reports/published`) and as
/// `POST /api/v1/staff/reports/publish` answers (201 the first time, 200 with the same
/// snapshot after). Its figures are at `GET /api/v1/reports/{hash}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedReport {
    pub hash: String,
    pub period: Period,
    #[serde(default)]
    pub district: Option<District>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// The public address of the frozen figures: `/api/v1/reports/{hash}`.
    pub url: String,
}

/// `GET /api/v1/staff/reports/published[?district=URA]`, newest first: that district's
/// snapshots, or without a district every snapshot (regional roles only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedList {
    pub reports: Vec<PublishedReport>,
}

#[cfg(test)]
mod tests;
