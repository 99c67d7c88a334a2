//! Activities: what a salesperson promised to do next on a deal (the call on Thursday, the
//! quote due Friday), with the rules their fields keep. A deal's next step is its earliest
//! pending activity, worked out when a deal is shown, never stored on the deal.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::Serialize;

use super::rules::{clean_lines, clean_text};
use crate::id::{ActivityId, DealId};

/// What kind of activity it is: Pipedrive's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActivityType {
    Call,
    Meeting,
    Email,
    Task,
    Deadline,
    Lunch,
}

impl ActivityType {
    pub const ALL: [ActivityType; 6] = [
        ActivityType::Call,
        ActivityType::Meeting,
        ActivityType::Email,
        ActivityType::Task,
        ActivityType::Deadline,
        ActivityType::Lunch,
    ];

    /// The type names, as the command line and JSON spell them.
    pub const NAMES: [&'static str; 6] = ["call", "meeting", "email", "task", "deadline", "lunch"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl fmt::Display for ActivityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ActivityType {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let key = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == key)
            .ok_or_else(|| {
                format!(
                    "unknown activity type '{text}'; use one of {}",
                    Self::NAMES.join(", ")
                )
            })
    }
}

/// A time of day to the minute (`14:00`), in the zone rex runs in: when an activity is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DueTime(NaiveTime);

impl DueTime {
    /// The minute `t` falls in.
    pub fn of(t: NaiveTime) -> DueTime {
        DueTime(NaiveTime::from_hms_opt(t.hour(), t.minute(), 0).unwrap_or(t))
    }

    pub fn time(self) -> NaiveTime {
        self.0
    }

    pub fn hour(self) -> u32 {
        self.0.hour()
    }

    pub fn minute(self) -> u32 {
        self.0.minute()
    }
}

impl fmt::Display for DueTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl FromStr for DueTime {
    type Err = String;
    /// `HH:MM` on a 24-hour clock (`9:30` is taken as `09:30`).
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid time '{text}': use HH:MM on a 24-hour clock, like 14:00");
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(1..=2).contains(&h.len()) || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(bad());
        }
        let (h, m) = (
            h.parse::<u32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
        );
        NaiveTime::from_hms_opt(h, m, 0)
            .map(DueTime)
            .ok_or_else(bad)
    }
}

impl Serialize for DueTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The most minutes an activity may last: a week.
pub const DURATION_MAX_MINUTES: u32 = 7 * 24 * 60;

/// Parses a duration as `--duration` takes it: `30m`, `1h`, `1h30m`, `90` (minutes).
pub fn parse_duration(text: &str) -> Result<u32, String> {
    let bad = || {
        format!(
            "invalid duration '{text}': use minutes or hours, like 30m, 1h or 1h30m (at most {}h)",
            DURATION_MAX_MINUTES / 60
        )
    };
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(bad());
    }
    let mut minutes: u64 = 0;
    let mut number = String::new();
    let mut units_seen = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            if number.len() > 6 {
                return Err(bad());
            }
            continue;
        }
        let per = match c {
            'h' if !units_seen.contains('h') && !units_seen.contains('m') => 60,
            'm' if !units_seen.contains('m') => 1,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        minutes += n * per;
        units_seen.push(c);
        number.clear();
    }
    if !number.is_empty() {
        if !units_seen.is_empty() {
            return Err(bad());
        }
        minutes = number.parse().map_err(|_| bad())?;
    }
    if minutes == 0 || minutes > u64::from(DURATION_MAX_MINUTES) {
        return Err(bad());
    }
    Ok(minutes as u32)
}

/// An activity's texts and their limits.
pub const SUBJECT_MAX: usize = 200;
pub const ACTIVITY_NOTE_MAX: usize = 10_000;
pub const ACTIVITY_OWNER_MAX: usize = 200;

/// Checks a subject (one line) and returns it trimmed.
pub fn clean_subject(text: &str) -> Result<String, String> {
    clean_text("the subject", text, SUBJECT_MAX)
}

/// Checks an activity's note (it may span lines) and returns it trimmed.
pub fn clean_activity_note(text: &str) -> Result<String, String> {
    clean_lines("the note", text, ACTIVITY_NOTE_MAX)
}

/// An activity, as stored and as its JSON shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    pub id: ActivityId,
    pub deal_id: DealId,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    pub subject: String,
    pub due_date: NaiveDate,
    pub due_time: Option<DueTime>,
    pub duration_minutes: Option<u32>,
    pub owner_id: Option<String>,
    pub note: Option<String>,
    pub done: bool,
    pub done_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The JSON field names of an activity, in order.
pub const ACTIVITY_FIELD_NAMES: [&str; 13] = [
    "id",
    "deal_id",
    "type",
    "subject",
    "due_date",
    "due_time",
    "duration_minutes",
    "owner_id",
    "note",
    "done",
    "done_at",
    "created_at",
    "updated_at",
];

impl Activity {
    /// The order activities are listed in: soonest first (due date, then all-day before
    /// timed, then time, then creation).
    pub fn soonest_key(&self) -> (NaiveDate, Option<DueTime>, &str, ActivityId) {
        (self.due_date, self.due_time, &self.created_at, self.id)
    }
}

/// A deal's next step, as its JSON carries it (`next_activity`): its earliest pending
/// activity, whoever owns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextActivity {
    pub id: ActivityId,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    pub subject: String,
    pub due_date: NaiveDate,
    pub due_time: Option<DueTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_hours_and_minutes_on_a_24_hour_clock() {
        assert_eq!("14:00".parse::<DueTime>().unwrap().to_string(), "14:00");
        assert_eq!("9:05".parse::<DueTime>().unwrap().to_string(), "09:05");
        assert_eq!("23:59".parse::<DueTime>().unwrap().to_string(), "23:59");
        for bad in [
            "24:00", "12:60", "12", "12:5", "1200", "ab:cd", "-1:00", "12:00:00", "",
        ] {
            assert_eq!(
                bad.parse::<DueTime>().unwrap_err(),
                format!("invalid time '{bad}': use HH:MM on a 24-hour clock, like 14:00"),
                "{bad}"
            );
        }
    }

    #[test]
    fn durations_are_minutes_or_hours() {
        assert_eq!(parse_duration("30m"), Ok(30));
        assert_eq!(parse_duration("1h"), Ok(60));
        assert_eq!(parse_duration("1h30m"), Ok(90));
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("168h"), Ok(DURATION_MAX_MINUTES));
        for bad in [
            "", "0", "0m", "169h", "m", "30s", "1m1h", "1h1h", "99999999", "1.5h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn types_are_pipedrives_defaults_and_ignore_case() {
        assert_eq!("Call".parse::<ActivityType>(), Ok(ActivityType::Call));
        assert_eq!(
            "visit".parse::<ActivityType>().unwrap_err(),
            "unknown activity type 'visit'; use one of call, meeting, email, task, deadline, lunch"
        );
        for t in ActivityType::ALL {
            assert_eq!(t.as_str().parse::<ActivityType>(), Ok(t));
        }
    }
}
