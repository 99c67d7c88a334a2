//! The one clock for every "now" in a command, and the date words that are relative to it.
//!
//! `REX_NOW` (RFC 3339) replaces the system clock for the whole command, so scripts can
//! backfill and tests are exact. "Today" is the clock's date in the local time zone (`TZ`).

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, Local, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime,
    SecondsFormat, TimeZone, Utc,
};

use crate::error::{Error, Result};

pub const NOW_VAR: &str = "REX_NOW";

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    pub fn parse(text: &str) -> Result<Clock> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Clock::at(t.with_timezone(&Utc)))
            .map_err(|_| {
                Error::usage(format!(
                    "{NOW_VAR}='{text}' is not an RFC 3339 time; set it like 2026-03-01T09:00:00Z"
                ))
            })
    }

    /// A clock stopped at `now`, truncated to whole seconds.
    pub fn at(now: DateTime<Utc>) -> Clock {
        let secs = now.timestamp();
        Clock {
            now: DateTime::from_timestamp(secs, 0).unwrap_or(now),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Now as stored and printed: RFC 3339 in UTC, whole seconds (`2026-03-01T09:00:00Z`).
    pub fn timestamp(&self) -> String {
        timestamp(self.now)
    }

    /// Today's date in the local time zone.
    pub fn today(&self) -> NaiveDate {
        local_day(self.now)
    }
}

/// The date a time falls on in the local time zone (`TZ`).
pub fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Local).date_naive()
}

/// A local wall-clock time as UTC; on a day the clocks go back, the earlier of the two, and
/// in the hour skipped when they go forward, read with the offset from before the change
/// (02:30 on the day New York springs forward is 07:30 UTC, 03:30 daylight time).
pub fn local_to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    match Local.from_local_datetime(&t) {
        LocalResult::Single(l) => return l.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
        LocalResult::None => {}
    }
    let before = t
        .checked_sub_signed(chrono::Duration::days(1))
        .map(|day_before| {
            Local
                .offset_from_utc_datetime(&day_before)
                .local_minus_utc()
        });
    before
        .and_then(|offset| t.checked_sub_signed(chrono::Duration::seconds(offset.into())))
        .unwrap_or(t)
        .and_utc()
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses a stored timestamp back.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A date as the user wrote it: a calendar date or a word relative to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    On(NaiveDate),
    Today,
    Tomorrow,
    Yesterday,
    Days(u32),
    Weeks(u32),
    Months(u32),
    EndOfMonth,
    EndOfQuarter,
    EndOfYear,
}

pub const DATE_HELP: &str =
    "YYYY-MM-DD, or today, tomorrow, yesterday, +Nd, +Nw, +Nm (days, weeks, months from today), eom, eoq, eoy (end of month, quarter, year)";

impl FromStr for DateSpec {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let word = text.trim().to_ascii_lowercase();
        let spec = match word.as_str() {
            "today" => Some(DateSpec::Today),
            "tomorrow" => Some(DateSpec::Tomorrow),
            "yesterday" => Some(DateSpec::Yesterday),
            "eom" => Some(DateSpec::EndOfMonth),
            "eoq" => Some(DateSpec::EndOfQuarter),
            "eoy" => Some(DateSpec::EndOfYear),
            w if w.starts_with('+') && w.len() > 2 && w.is_ascii() => {
                let (n, unit) = w[1..].split_at(w.len() - 2);
                let n = if n.bytes().all(|b| b.is_ascii_digit()) {
                    n.parse::<u32>().ok().filter(|n| *n <= 100_000)
                } else {
                    None
                };
                match (n, unit) {
                    (Some(n), "d") => Some(DateSpec::Days(n)),
                    (Some(n), "w") => Some(DateSpec::Weeks(n)),
                    (Some(n), "m") => Some(DateSpec::Months(n)),
                    _ => None,
                }
            }
            w if w.len() == 10
                && w.is_ascii()
                && w.as_bytes()[4] == b'-'
                && w.as_bytes()[7] == b'-' =>
            {
                NaiveDate::parse_from_str(w, "%Y-%m-%d")
                    .ok()
                    .filter(|d| in_range(*d))
                    .map(DateSpec::On)
            }
            _ => None,
        };
        spec.ok_or_else(|| format!("invalid date '{text}': use {DATE_HELP}"))
    }
}

impl DateSpec {
    /// The calendar date this spec names, relative to the clock's today.
    pub fn resolve(self, clock: &Clock) -> Result<NaiveDate> {
        let today = clock.today();
        let date = match self {
            DateSpec::On(d) => Some(d),
            DateSpec::Today => Some(today),
            DateSpec::Tomorrow => today.checked_add_days(Days::new(1)),
            DateSpec::Yesterday => today.checked_sub_days(Days::new(1)),
            DateSpec::Days(n) => today.checked_add_days(Days::new(n.into())),
            DateSpec::Weeks(n) => today.checked_add_days(Days::new(u64::from(n) * 7)),
            DateSpec::Months(n) => today.checked_add_months(Months::new(n)),
            DateSpec::EndOfMonth => end_of_month(today.year(), today.month()),
            DateSpec::EndOfQuarter => end_of_month(today.year(), today.month().div_ceil(3) * 3),
            DateSpec::EndOfYear => NaiveDate::from_ymd_opt(today.year(), 12, 31),
        };
        date.filter(|d| in_range(*d)).ok_or_else(|| {
            Error::usage(format!(
                "date '{self}' is out of range; dates run from year 1 to 9999"
            ))
        })
    }
}

/// Dates rex keeps: years 1 to 9999, so that every date it prints is `YYYY-MM-DD` and parses back.
pub fn in_range(d: NaiveDate) -> bool {
    (1..=9999).contains(&d.year())
}

fn end_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateSpec::On(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            DateSpec::Today => f.write_str("today"),
            DateSpec::Tomorrow => f.write_str("tomorrow"),
            DateSpec::Yesterday => f.write_str("yesterday"),
            DateSpec::Days(n) => write!(f, "+{n}d"),
            DateSpec::Weeks(n) => write!(f, "+{n}w"),
            DateSpec::Months(n) => write!(f, "+{n}m"),
            DateSpec::EndOfMonth => f.write_str("eom"),
            DateSpec::EndOfQuarter => f.write_str("eoq"),
            DateSpec::EndOfYear => f.write_str("eoy"),
        }
    }
}

/// A date, or `none` to clear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrNone {
    Date(DateSpec),
    None,
}

impl FromStr for DateOrNone {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("none") {
            Ok(DateOrNone::None)
        } else {
            text.parse()
                .map(DateOrNone::Date)
                .map_err(|e: String| format!("{e}, or none to clear it"))
        }
    }
}

/// A moment as the user wrote it: an RFC 3339 time, or a date ([`DateSpec`]: a calendar
/// date or a word) standing for the start of that day in the local time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    At(DateTime<Utc>),
    Day(DateSpec),
}

impl FromStr for TimeSpec {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(day) = text.parse::<DateSpec>() {
            return Ok(TimeSpec::Day(day));
        }
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| TimeSpec::At(t.with_timezone(&Utc)))
            .map_err(|_| {
                format!(
                    "invalid time '{text}': use an RFC 3339 time like 2026-03-01T09:00:00Z, or a date: {DATE_HELP}"
                )
            })
    }
}

impl TimeSpec {
    /// The first time rex stores (RFC 3339 UTC, whole seconds) at or after this moment: a
    /// moment between two seconds counts from the next one, since stored times have none.
    pub fn resolve(self, clock: &Clock) -> Result<String> {
        let t = match self {
            TimeSpec::At(t) if t.timestamp_subsec_nanos() > 0 => {
                DateTime::from_timestamp(t.timestamp().saturating_add(1), 0).unwrap_or(t)
            }
            TimeSpec::At(t) => t,
            TimeSpec::Day(day) => local_to_utc(day.resolve(clock)?.and_time(NaiveTime::MIN)),
        };
        if !(1..=9999).contains(&t.year()) {
            return Err(Error::usage(format!(
                "time '{self}' is out of range; times run from year 1 to 9999 (UTC)"
            )));
        }
        Ok(timestamp(t))
    }
}

impl fmt::Display for TimeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeSpec::At(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            TimeSpec::Day(day) => day.fmt(f),
        }
    }
}

/// A date as stored and printed (`2026-03-31`), as chrono's `%Y-%m-%d` writes it: written
/// digit by digit for the years rex keeps (an import writes one for every deal).
pub fn format_date(d: NaiveDate) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string();
    }
    let y = y as u32;
    let digit = |n: u32| char::from(b'0' + n as u8);
    let mut out = String::with_capacity(10);
    for n in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
        out.push(digit(n));
    }
    out.push('-');
    out.push(digit(m / 10));
    out.push(digit(m % 10));
    out.push('-');
    out.push(digit(day / 10));
    out.push(digit(day % 10));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn on(text: &str, now: &str) -> String {
        // `today` is local; these tests pin the zone through the clock's UTC date at noon.
        let clock = Clock::parse(now).unwrap();
        let spec: DateSpec = text.parse().unwrap();
        let d = spec.resolve(&clock).unwrap();
        let shift = (d - clock.today()).num_days();
        format_date(clock.now().date_naive() + chrono::Duration::days(shift))
    }

    #[test]
    fn words_resolve_against_the_clock() {
        let now = "2026-02-10T12:00:00Z";
        assert_eq!(on("today", now), "2026-02-10");
        assert_eq!(on("tomorrow", now), "2026-02-11");
        assert_eq!(on("+5d", now), "2026-02-15");
        assert_eq!(on("+2w", now), "2026-02-24");
        assert_eq!(on("+1m", "2026-01-31T12:00:00Z"), "2026-02-28");
        assert_eq!(on("eom", now), "2026-02-28");
        assert_eq!(on("eoq", now), "2026-03-31");
        assert_eq!(on("eoq", "2026-11-25T12:00:00Z"), "2026-12-31");
        assert_eq!(on("eoy", now), "2026-12-31");
        assert_eq!(on("2027-01-05", now), "2027-01-05");
    }

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut d = NaiveDate::from_ymd_opt(-2, 12, 25).unwrap();
        let end = NaiveDate::from_ymd_opt(10001, 1, 5).unwrap();
        while d < end {
            assert_eq!(format_date(d), d.format("%Y-%m-%d").to_string());
            d = d + chrono::Days::new(13);
        }
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(format_date(d), d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "2026-02-30",
            "tomorrowish",
            "+5x",
            "+d",
            "5d",
            "+-5d",
            "2026-2-3",
            "",
            "+99999999999d",
            "26-02-03",
        ] {
            let err = bad.parse::<DateSpec>().unwrap_err();
            assert!(err.starts_with(&format!("invalid date '{bad}'")), "{err}");
        }
    }

    #[test]
    fn dates_stay_within_four_digit_years() {
        let clock = Clock::parse("2026-03-01T09:00:00Z").unwrap();
        assert!("+100000m"
            .parse::<DateSpec>()
            .unwrap()
            .resolve(&clock)
            .is_err());
        assert!("0000-01-01".parse::<DateSpec>().is_err());
        assert!("9999-12-31".parse::<DateSpec>().is_ok());
    }

    #[test]
    fn a_time_is_the_first_stored_second_at_or_after_it() {
        let clock = Clock::parse("2026-03-10T12:00:00Z").unwrap();
        let at = |text: &str| text.parse::<TimeSpec>().unwrap().resolve(&clock);
        assert_eq!(at("2026-03-01T09:00:00Z").unwrap(), "2026-03-01T09:00:00Z");
        assert_eq!(
            at("2026-03-01T10:00:00+01:00").unwrap(),
            "2026-03-01T09:00:00Z"
        );
        // Stored times are whole seconds: a moment within a second counts from the next.
        assert_eq!(
            at("2026-03-01T09:00:00.001Z").unwrap(),
            "2026-03-01T09:00:01Z"
        );
        assert_eq!(
            at("2026-03-01T23:59:59.5Z").unwrap(),
            "2026-03-02T00:00:00Z"
        );
        // A date is a day's start in the local zone (set by the test run, so compared so).
        let start = |d: &str| {
            timestamp(local_to_utc(
                d.parse::<NaiveDate>().unwrap().and_time(NaiveTime::MIN),
            ))
        };
        assert_eq!(at("2026-03-01").unwrap(), start("2026-03-01"));
        assert_eq!(at("yesterday").unwrap(), start("2026-03-09"));
        assert_eq!(
            at("0000-12-31T23:00:00Z").unwrap_err().to_string(),
            "time '0000-12-31T23:00:00Z' is out of range; times run from year 1 to 9999 (UTC)"
        );
        assert_eq!(
            "2026-03-01 09:00".parse::<TimeSpec>().unwrap_err(),
            format!("invalid time '2026-03-01 09:00': use an RFC 3339 time like 2026-03-01T09:00:00Z, or a date: {DATE_HELP}")
        );
    }

    #[test]
    fn rex_now_must_be_rfc3339() {
        assert!(Clock::parse("yesterday").is_err());
        assert_eq!(
            Clock::parse("2026-03-01T09:00:00.750+01:00")
                .unwrap()
                .timestamp(),
            "2026-03-01T08:00:00Z"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = s.parse::<DateSpec>();
            let _ = s.parse::<DateOrNone>();
            let clock = Clock::parse("2026-03-01T09:00:00Z").unwrap();
            if let Ok(t) = s.parse::<TimeSpec>() {
                let _ = t.resolve(&clock);
            }
        }

        #[test]
        fn printed_dates_parse_back(days in 0i64..1_000_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assert_eq!(format_date(d).parse::<DateSpec>(), Ok(DateSpec::On(d)));
        }
    }
}
