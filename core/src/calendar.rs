//! Kazakhstan's working-day calendar and the legal deadlines of an appeal.
//!
//! The Administrative Procedure Code counts in working days (a 5-day week, minus public
//! holidays and the days off the government moves each year), so the calendar is data:
//! [`Calendar::kazakhstan`] ships 2025–2027 as LAW.md lists them, and an administrator
//! may replace it with an edited copy (it is serde-able, checked when read). A year the
//! calendar does not cover counts Saturdays and Sundays only, and every deadline that
//! reaches such a year, or a year marked provisional, says so ([`Deadlines::provisional`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::macros::{date, time};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use crate::district::REGION_UTC_OFFSET;

/// Art. 76: an appeal is answered within 15 working days from its receipt.
pub const ANSWER_WORKING_DAYS: u32 = 15;
/// A misaddressed appeal is forwarded within 3 working days.
pub const FORWARD_WORKING_DAYS: u32 = 3;
/// An extension is told to the applicant within 3 working days.
pub const EXTENSION_NOTICE_WORKING_DAYS: u32 = 3;
/// An extended answer comes at most 2 months after receipt, in total.
pub const EXTENDED_ANSWER_MONTHS: u8 = 2;

/// How "within N working days of registration" is counted. No quoted norm settles it
/// (LAW.md), so it is a setting rather than a rule in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CountingConvention {
    /// Day 1 is the first working day after the day of registration (LAW.md's reading).
    #[default]
    NextWorkingDayIsDayOne,
    /// The day of registration is day 1: every deadline comes one working day earlier.
    RegistrationDayIsDayOne,
}

/// What an administrator may tune besides the days themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    pub counting: CountingConvention,
    /// An appeal received at or after this local time is registered the next working day.
    #[serde(with = "hh_mm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "18:00"))]
    pub office_closes_at: Time,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { counting: CountingConvention::default(), office_closes_at: time!(18:00) }
    }
}

/// One year of the calendar, as an administrator edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Year {
    pub year: i32,
    /// No transfer order was known when the year was entered.
    #[serde(default)]
    pub provisional: bool,
    /// Weekdays that are not working days: holidays and days off moved onto a weekday.
    #[serde(with = "iso_dates")]
    pub days_off: Vec<Date>,
    /// Saturdays and Sundays that are working days by a transfer order.
    #[serde(with = "iso_dates", default)]
    pub working_weekends: Vec<Date>,
    /// Where the dates come from, for whoever checks them next year.
    #[serde(default)]
    pub source: String,
}

/// Why an edited calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("year {0} is listed twice")]
    DuplicateYear(i32),
    #[error("{date} is listed under year {year}")]
    OutsideYear { year: i32, date: Date },
    #[error("{0} is a day off but already a weekend")]
    DayOffOnWeekend(Date),
    #[error("{0} is a working weekend day but not a saturday or sunday")]
    WorkingWeekendOnWeekday(Date),
}

/// The working-day calendar with its settings. Read with serde (checked by
/// [`Calendar::new`]), or [`Calendar::kazakhstan`] for the shipped one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CalendarData")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    years: Vec<Year>,
    settings: Settings,
    #[serde(skip)]
    days_off: BTreeSet<Date>,
    #[serde(skip)]
    working_weekends: BTreeSet<Date>,
}

#[derive(Deserialize)]
struct CalendarData {
    years: Vec<Year>,
    #[serde(default)]
    settings: Settings,
}

impl TryFrom<CalendarData> for Calendar {
    type Error = CalendarError;

    fn try_from(data: CalendarData) -> Result<Calendar, CalendarError> {
        Calendar::new(data.years, data.settings)
    }
}

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar::kazakhstan()
    }
}

fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl Calendar {
    /// A calendar of `years`, refused if a date sits in the wrong year, a day off is
    /// already a weekend, or a working weekend day is not a weekend.
    pub fn new(years: Vec<Year>, settings: Settings) -> Result<Calendar, CalendarError> {
        let mut seen = BTreeSet::new();
        let mut days_off = BTreeSet::new();
        let mut working_weekends = BTreeSet::new();
        for year in &years {
            if !seen.insert(year.year) {
                return Err(CalendarError::DuplicateYear(year.year));
            }
            for &date in year.days_off.iter().chain(&year.working_weekends) {
                if date.year() != year.year {
                    return Err(CalendarError::OutsideYear { year: year.year, date });
                }
            }
            if let Some(&day) = year.days_off.iter().find(|d| is_weekend(**d)) {
                return Err(CalendarError::DayOffOnWeekend(day));
            }
            if let Some(&day) = year.working_weekends.iter().find(|d| !is_weekend(**d)) {
                return Err(CalendarError::WorkingWeekendOnWeekday(day));
            }
            days_off.extend(&year.days_off);
            working_weekends.extend(&year.working_weekends);
        }
        Ok(Calendar { years, settings, days_off, working_weekends })
    }

    /// This calendar with `year` in place of the year of the same number (or added),
    /// checked as [`Calendar::new`] checks: what an administrator's edit does.
    pub fn with_year(&self, year: Year) -> Result<Calendar, CalendarError> {
        let mut years: Vec<Year> =
            self.years.iter().filter(|y| y.year != year.year).cloned().collect();
        years.push(year);
        years.sort_by_key(|y| y.year);
        Calendar::new(years, self.settings)
    }

    /// The same days with other settings.
    pub fn with_settings(self, settings: Settings) -> Calendar {
        Calendar { settings, ..self }
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    pub fn years(&self) -> &[Year] {
        &self.years
    }

    /// Whether `year` is listed and not provisional: its working days are known.
    pub fn is_confirmed(&self, year: i32) -> bool {
        self.years.iter().any(|y| y.year == year && !y.provisional)
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        if is_weekend(day) {
            self.working_weekends.contains(&day)
        } else {
            !self.days_off.contains(&day)
        }
    }

    /// The first working day after `day`.
    pub fn next_working_day(&self, day: Date) -> Date {
        let mut next = day;
        loop {
            // Dates end in the year 9999; no deadline of an appeal comes near it.
            next = next.next_day().expect("a date before the year 9999");
            if self.is_working_day(next) {
                return next;
            }
        }
    }

    /// The `n`th working day counted from `from` under the calendar's
    /// [`CountingConvention`]; `n = 0` is `from` itself.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        if n == 0 {
            return from;
        }
        let (mut day, mut counted) = match self.settings.counting {
            CountingConvention::NextWorkingDayIsDayOne => (from, 0),
            CountingConvention::RegistrationDayIsDayOne if self.is_working_day(from) => (from, 1),
            CountingConvention::RegistrationDayIsDayOne => (from, 0),
        };
        while counted < n {
            day = self.next_working_day(day);
            counted += 1;
        }
        day
    }

    /// Working days left from `today` until `due`: 0 when due today, negative (the
    /// working days since) when overdue.
    pub fn working_days_left(&self, today: Date, due: Date) -> i64 {
        let (from, to, sign) = if today <= due { (today, due, 1) } else { (due, today, -1) };
        let mut day = from;
        let mut count = 0;
        while day < to {
            day = day.next_day().expect("a date before the year 9999");
            if self.is_working_day(day) {
                count += 1;
            }
        }
        sign * count
    }

    /// The day an appeal received at `received_at_local` (the region's local time) is
    /// registered: that day if it is a working day and the office is still open, else the
    /// next working day (Art. 64).
    pub fn registration_date(&self, received_at_local: PrimitiveDateTime) -> Date {
        let day = received_at_local.date();
        if self.is_working_day(day) && received_at_local.time() < self.settings.office_closes_at {
            day
        } else {
            self.next_working_day(day)
        }
    }

    /// The deadlines of an appeal received at the instant `received_at`, counted in the
    /// region's local time.
    pub fn deadlines(&self, received_at: OffsetDateTime) -> Deadlines {
        let local = received_at.to_offset(REGION_UTC_OFFSET);
        self.deadlines_local(PrimitiveDateTime::new(local.date(), local.time()))
    }

    /// The deadlines of an appeal received at `received_at_local` (the region's local time).
    pub fn deadlines_local(&self, received_at_local: PrimitiveDateTime) -> Deadlines {
        let registered_on = self.registration_date(received_at_local);
        // The law counts the two months from the day the appeal was received, which may
        // be a day off before the day it is registered.
        let received_on = received_at_local.date();
        let extended_answer_by =
            self.last_working_day_on_or_before(add_months(received_on, EXTENDED_ANSWER_MONTHS));
        let provisional = (received_at_local.year()..=extended_answer_by.year())
            .any(|year| !self.is_confirmed(year));
        Deadlines {
            registered_on,
            answer_by: self.add_working_days(registered_on, ANSWER_WORKING_DAYS),
            forward_by: self.add_working_days(registered_on, FORWARD_WORKING_DAYS),
            extended_answer_by,
            provisional,
        }
    }

    /// The day the applicant must have been told of an extension decided at `decided_at`:
    /// the 3rd working day counted from the region's date of the decision, not from
    /// registration (Art. 76).
    pub fn extension_notice_by(&self, decided_at: OffsetDateTime) -> Date {
        let decided_on = crate::district::region_date(decided_at);
        self.add_working_days(decided_on, EXTENSION_NOTICE_WORKING_DAYS)
    }

    /// The extension in force after `extensions` (each: when it was recorded, the day it
    /// asked for, its reason), as the applicant is told it: the last one that moved the
    /// answer day under [`Deadlines::answer_day`]'s rule, with the answer day it set and
    /// the day the notice is due. `None` when no extension counted.
    pub fn extension_notice(
        &self,
        deadlines: &Deadlines,
        extensions: impl IntoIterator<Item = (OffsetDateTime, Option<Date>, Option<String>)>,
    ) -> Option<ExtensionNotice> {
        let mut extensions: Vec<_> = extensions.into_iter().collect();
        extensions.sort_by_key(|(at, _, _)| *at);
        let mut day = deadlines.answer_by;
        let mut notice = None;
        for (at, until, reason) in extensions {
            let moved = deadlines.extend(day, at, until);
            if moved != day {
                day = moved;
                notice = Some(ExtensionNotice {
                    reason,
                    decided_on: crate::district::region_date(at),
                    answer_by: day,
                    notice_by: self.extension_notice_by(at),
                });
            }
        }
        notice
    }

    fn last_working_day_on_or_before(&self, day: Date) -> Date {
        let mut day = day;
        while !self.is_working_day(day) {
            day = day.previous_day().expect("a date after the year -9999");
        }
        day
    }

    /// The calendar shipped with Adal: 2025 and 2026 as ordered, 2027 provisional
    /// (LAW.md, with its sources).
    pub fn kazakhstan() -> Calendar {
        let source = "vacanza/holidays kazakhstan.py and PR #3690; inform.kz 2 Jan 2026; \
                      taspanews.kz 18 Mar 2026; order of the Ministry of Labour of 21 Nov 2024";
        let years = vec![
            Year {
                year: 2025,
                provisional: false,
                days_off: vec![
                    date!(2025 - 01 - 01),
                    date!(2025 - 01 - 02),
                    date!(2025 - 01 - 03),
                    date!(2025 - 01 - 07),
                    date!(2025 - 03 - 10),
                    date!(2025 - 03 - 21),
                    date!(2025 - 03 - 24),
                    date!(2025 - 03 - 25),
                    date!(2025 - 05 - 01),
                    date!(2025 - 05 - 07),
                    date!(2025 - 05 - 09),
                    date!(2025 - 06 - 06),
                    date!(2025 - 07 - 07),
                    date!(2025 - 09 - 01),
                    date!(2025 - 10 - 27),
                    date!(2025 - 12 - 16),
                ],
                // Sunday 5 January worked for Friday 3 January.
                working_weekends: vec![date!(2025 - 01 - 05)],
                source: source.into(),
            },
            Year {
                year: 2026,
                provisional: false,
                // 30 August is no longer a holiday: Monday 31 August 2026 is a working day.
                days_off: vec![
                    date!(2026 - 01 - 01),
                    date!(2026 - 01 - 02),
                    date!(2026 - 01 - 07),
                    date!(2026 - 03 - 09),
                    date!(2026 - 03 - 23),
                    date!(2026 - 03 - 24),
                    date!(2026 - 03 - 25),
                    date!(2026 - 05 - 01),
                    date!(2026 - 05 - 07),
                    date!(2026 - 05 - 11),
                    date!(2026 - 05 - 27),
                    date!(2026 - 07 - 06),
                    date!(2026 - 10 - 26),
                    date!(2026 - 12 - 16),
                ],
                working_weekends: Vec::new(),
                source: source.into(),
            },
            Year {
                year: 2027,
                // No transfer order known; Kurban Ait estimated on Sunday 16 May.
                provisional: true,
                days_off: vec![
                    date!(2027 - 01 - 01),
                    date!(2027 - 01 - 04),
                    date!(2027 - 01 - 07),
                    date!(2027 - 03 - 08),
                    date!(2027 - 03 - 15),
                    date!(2027 - 03 - 22),
                    date!(2027 - 03 - 23),
                    date!(2027 - 03 - 24),
                    date!(2027 - 05 - 03),
                    date!(2027 - 05 - 07),
                    date!(2027 - 05 - 10),
                    date!(2027 - 07 - 06),
                    date!(2027 - 10 - 25),
                    date!(2027 - 12 - 16),
                ],
                working_weekends: Vec::new(),
                source: source.into(),
            },
        ];
        Calendar::new(years, Settings::default()).expect("the shipped calendar is consistent")
    }
}

/// `day` plus `months` calendar months, on the last day of the month when the month is
/// shorter (31 December + 2 months = 28 or 29 February).
fn add_months(day: Date, months: u8) -> Date {
    let index = day.month() as i32 - 1 + i32::from(months);
    let year = day.year() + index / 12;
    let month = Month::try_from((index % 12 + 1) as u8).expect("a month number in 1..=12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).expect("a day within the month")
}

/// The legal deadlines of one appeal, as local dates in the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadlines {
    /// The day it counts as received: the day it arrived, or the next working day.
    #[serde(with = "iso_date")]
    pub registered_on: Date,
    /// The 15th working day.
    #[serde(with = "iso_date")]
    pub answer_by: Date,
    /// The 3rd working day: a misaddressed appeal is forwarded by then, so an open item
    /// neither registered nor forwarded after it is overdue
    /// ([`Deadlines::forwarding_overdue`]).
    #[serde(with = "iso_date")]
    pub forward_by: Date,
    /// At most two months after the day it was received (not registered: the law counts
    /// from receipt), on the last working day not after it.
    /// Whether the law moves such an end to the next working day instead is unconfirmed;
    /// the earlier day never makes an office late.
    #[serde(with = "iso_date")]
    pub extended_answer_by: Date,
    /// Some day counted lies in a provisional year or a year the calendar lacks.
    pub provisional: bool,
}

impl Deadlines {
    /// The answer day in force after the `extensions` recorded so far (each: when it was
    /// recorded, and the day it asked for; `None` counts as the longest the law allows).
    /// The one rule every count of "on time" uses: an extension moves the day only if it
    /// was recorded, in the region's local date, on or before the answer day in force
    /// at that moment (a late extension cannot make a late answer on time), only later,
    /// and never past [`Deadlines::extended_answer_by`] (two months from receipt).
    /// Extensions are read in the order they were recorded, whatever order they come in.
    pub fn answer_day(
        &self,
        extensions: impl IntoIterator<Item = (OffsetDateTime, Option<Date>)>,
    ) -> Date {
        let mut extensions: Vec<_> = extensions.into_iter().collect();
        extensions.sort_by_key(|(at, _)| *at);
        extensions.into_iter().fold(self.answer_by, |day, (at, until)| self.extend(day, at, until))
    }

    /// The answer day after one extension recorded at `at` asking for `until`, when
    /// `day` was in force: the step [`Deadlines::answer_day`] takes for each.
    fn extend(&self, day: Date, at: OffsetDateTime, until: Option<Date>) -> Date {
        if !Deadlines::may_extend(day, crate::district::region_date(at)) {
            return day;
        }
        let until = until.unwrap_or(self.extended_answer_by).min(self.extended_answer_by);
        day.max(until)
    }

    /// Whether an item is overdue for forwarding on `today`: still open, neither
    /// registered by the office nor forwarded (`triaged`), and past
    /// [`Deadlines::forward_by`].
    pub fn forwarding_overdue(&self, open: bool, triaged: bool, today: Date) -> bool {
        open && !triaged && today > self.forward_by
    }

    /// Whether an item forwarded on `forwarded_on` (the region's date) was forwarded in
    /// time: on [`Deadlines::forward_by`] at the latest.
    pub fn forwarded_on_time(&self, forwarded_on: Date) -> bool {
        forwarded_on <= self.forward_by
    }

    /// Whether an extension recorded on `today` (the region's local date) may still move
    /// the answer day `answer_day` in force: on that day at the latest.
    pub fn may_extend(answer_day: Date, today: Date) -> bool {
        today <= answer_day
    }
}

/// The extension in force, as the applicant is told it on the receipt and staff see it:
/// its reason, the answer day it set, and by when the applicant must be told (3 working
/// days from the decision, [`Calendar::extension_notice_by`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtensionNotice {
    /// The reason recorded with the extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The region's date the extension was decided (recorded).
    #[serde(with = "iso_date")]
    pub decided_on: Date,
    /// The new answer day.
    #[serde(with = "iso_date")]
    pub answer_by: Date,
    /// The applicant is told of it by this day.
    #[serde(with = "iso_date")]
    pub notice_by: Date,
}

/// `2026-03-20`: how dates travel in the API and are printed in notes.
pub const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A date as `2026-03-20`.
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&date.format(super::ISO_DATE).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text, super::ISO_DATE).map_err(serde::de::Error::custom)
    }
}

mod iso_dates {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
        let texts = dates
            .iter()
            .map(|d| d.format(super::ISO_DATE))
            .collect::<Result<Vec<_>, _>>()
            .map_err(serde::ser::Error::custom)?;
        texts.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| Date::parse(text, super::ISO_DATE).map_err(serde::de::Error::custom))
            .collect()
    }
}

mod hh_mm {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Time;
    use time::format_description::BorrowedFormatItem;

    const FORMAT: &[BorrowedFormatItem<'static>] =
        time::macros::format_description!("[hour]:[minute]");

    pub fn serialize<S: Serializer>(at: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&at.format(FORMAT).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        Time::parse(&text, FORMAT).map_err(serde::de::Error::custom)
    }
}

/// `Option<Date>` as `YYYY-MM-DD` or nothing, for serde `with`.
pub mod optional_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => crate::calendar::iso_date::serialize(date, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "crate::calendar::iso_date")] Date);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(date)| date))
    }
}

#[cfg(test)]
mod tests;
