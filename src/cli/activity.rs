//! `rex activity`: the next steps on deals (the call on Thursday, the quote due Friday):
//! add, list, show, update, delete, done and undo.

use std::fmt;
use std::str::FromStr;

use clap::{Args, Subcommand};

use super::{activity_values, deal_values};
use crate::clock::DateSpec;
use crate::record::{parse_duration, ActivityType, DueTime};

/// `--type`: parsed as [`ActivityType`] reads it (ignoring case), and offered to shell
/// completion as its six names.
#[derive(Debug, Clone, Copy)]
pub struct TypeParser;

impl clap::builder::TypedValueParser for TypeParser {
    type Value = ActivityType;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ActivityType, clap::Error> {
        let parse: fn(&str) -> Result<ActivityType, String> = ActivityType::from_str;
        parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            ActivityType::NAMES
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

/// How an activity is named, for the help of every command that takes one.
const NAMED: &str =
    "The activity: its id, its reference as tables show it (Ref), or with --deal its subject";

#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// Schedule an activity on a deal (a call, a meeting, a task ...)
    #[command(after_long_help = "\
The activity is due today unless --due says when; with --at it has a time of day (in
the zone rex runs in, TZ), else it is all-day. Its owner is --owner, else the deal's
owner, else REX_OWNER, else nobody (then only activity list --all shows it). Past dates
are allowed: people log what they did. Scheduling an activity is not activity on the
deal: its updated_at and last_activity_at stay as they are.

At a table: one line, scheduled call \"Call CFO\" for Acme Corp (3kq9v2x) on Thu
2026-03-05 14:00. In JSON: the activity, then deal_name.

Examples:
  rex activity add Acme \"Call CFO\" --type call --due 2026-03-05 --at 14:00
  rex activity add 3kq9v2x \"Send the quote\" --due +2d --note \"v2, with terms\"
  rex activity add Globex Demo --type meeting --due +1d --at 9:30 --duration 1h
  rex activity add Initech \"Renewal deadline\" --type deadline --due eoq -o json")]
    Add(AddArgs),
    /// List activities, soonest first; by default my pending ones
    #[command(after_long_help = "\
Without --owner, --all or --deal, the activities listed are REX_OWNER's (ignoring
case); when REX_OWNER is not set, everyone's. --all lists everyone's and those of no
owner; --deal lists that deal's, whoever owns them. Pending ones unless --done.

Order: soonest first: by due date, all-day ones before timed ones on a day, then by time,
then by when they were created. --overdue: due before today, or today at a time already
past (as the clock says: REX_NOW, TZ). --due takes today, tomorrow, a date or a date
word, or FROM..TO (both ends included; either end may be a date word, and one may be
left out: today.. or ..eom).

-o ics writes an iCalendar file (RFC 5545) for calendar applications to import or
subscribe to: one event per activity, at its time (written in UTC) for its duration or
else 30 minutes, or all day when it has no time. Each event's UID is its activity's id,
so importing the file again updates the events instead of adding them twice.

Examples:
  rex activity list
  REX_OWNER=ana rex activity list --overdue
  rex activity list --all --due today..+7d --type call
  rex activity list --deal Acme --done -o json
  rex activity list --all -o ics > rex.ics")]
    List(ActivityListArgs),
    /// Show one activity in full
    #[command(after_help = "Examples:\n  rex activity show 8w2k4mq\n  \
        rex activity show \"Call CFO\" --deal Acme -o json")]
    Show {
        #[command(flatten)]
        named: Named,
    },
    /// Change an activity: reschedule it, retype it, reword it, hand it over
    #[command(after_long_help = "\
Only what is given changes. --at none makes the activity all-day, --duration none
removes its duration and --no-note its note. A new date or time is recorded in the
deal's history (activity_rescheduled); changing nothing records nothing.

Examples:
  rex activity update 8w2k4mq --due +1d --at 10:00
  rex activity update \"Call CFO\" --deal Acme --subject \"Call the CFO and CTO\"
  rex activity update 8w2k4mq --at none --duration none
  rex activity update 8w2k4mq --owner bo --no-note")]
    Update(UpdateArgs),
    /// Delete an activity (asks first on a terminal)
    #[command(after_help = "Examples:\n  rex activity delete 8w2k4mq\n  \
        rex activity delete \"Call CFO\" --deal Acme --yes   # without a terminal")]
    Delete {
        #[command(flatten)]
        named: Named,
        /// Do not ask for confirmation (required without a terminal)
        #[arg(short, long)]
        yes: bool,
    },
    /// Mark activities done (a stalled deal is open again)
    #[command(after_long_help = "\
Completing an activity is activity on its deal: it moves the deal's last_activity_at,
so a stalled deal is open again. --note is added to each activity's note, on a line of
its own. One already done is left as it is, and said so on stderr. In JSON: an array of
the activities it marked.

Examples:
  rex activity done 8w2k4mq
  rex activity done 8w2k4mq p3n7c1d --note \"CFO agreed to the pilot\"
  rex activity done \"Call CFO\" --deal Acme -o json")]
    Done {
        #[command(flatten)]
        named: NamedSeveral,
        /// Add this to each activity's note
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Mark done activities as not done
    #[command(
        after_help = "One that is not done is left as it is, and said so on stderr. In \
        JSON: an array of the activities it marked.\n\n\
        Examples:\n  rex activity undo 8w2k4mq\n  rex activity undo \"Call CFO\" --deal Acme"
    )]
    Undo {
        #[command(flatten)]
        named: NamedSeveral,
    },
}

/// One activity, as the user names it.
#[derive(Debug, Args)]
pub struct Named {
    #[arg(value_name = "ACTIVITY", help = NAMED, add = activity_values())]
    pub activity: String,
    /// The deal ACTIVITY belongs to: then its subject names it, and another deal's id or reference is refused
    #[arg(long, value_name = "DEAL", add = deal_values())]
    pub deal: Option<String>,
}

/// Activities, as the user names them.
#[derive(Debug, Args)]
pub struct NamedSeveral {
    #[arg(
        required = true,
        value_name = "ACTIVITY",
        add = activity_values(),
        help = "The activities: ids, references as tables show them (Ref), or with --deal subjects"
    )]
    pub activities: Vec<String>,
    /// The deal the activities belong to: then subjects name them (of several sharing one, the pending one for done, the done one for undo), and another deal's ids or references are refused
    #[arg(long, value_name = "DEAL", add = deal_values())]
    pub deal: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The deal: its id, its reference (or its first 4+ characters) or its name
    #[arg(value_name = "DEAL", add = deal_values())]
    pub deal: String,
    /// What to do, one line: "Call CFO"
    #[arg(value_name = "SUBJECT")]
    pub subject: String,
    #[command(flatten)]
    pub fields: ActivityFields,
    /// The time of day, HH:MM on a 24-hour clock [default: none, all-day]
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<DueTime>,
    /// How long it takes: 30m, 1h, 1h30m or minutes
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<u32>,
}

/// The flags `add` and `update` share.
#[derive(Debug, Args)]
pub struct ActivityFields {
    /// call, meeting, email, task, deadline or lunch [add's default: task]
    #[arg(long = "type", value_name = "TYPE", value_parser = TypeParser)]
    pub kind: Option<ActivityType>,
    /// The day it is due: YYYY-MM-DD, today, tomorrow, yesterday, +Nd, +Nw, +Nm, eom, eoq,
    /// eoy [add's default: today]
    #[arg(long, value_name = "DATE")]
    pub due: Option<DateSpec>,
    /// Its owner [add's default: the deal's owner, else $REX_OWNER]
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// A note (it may span lines)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub named: Named,
    /// New subject
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    #[command(flatten)]
    pub fields: ActivityFields,
    /// New time of day (HH:MM), or none to make it all-day
    #[arg(long, value_name = "HH:MM|none")]
    pub at: Option<OrNone<DueTime>>,
    /// New duration (30m, 1h, 1h30m, minutes), or none to remove it
    #[arg(long, value_name = "DURATION|none")]
    pub duration: Option<OrNone<Minutes>>,
    /// Remove the note
    #[arg(long, conflicts_with = "note")]
    pub no_note: bool,
}

/// A value, or `none` to clear it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrNone<T> {
    Value(T),
    None,
}

impl<T> OrNone<T> {
    /// What `ops` takes: `Some(v)` or `None` (cleared).
    pub fn into_option(self) -> Option<T> {
        match self {
            OrNone::Value(v) => Some(v),
            OrNone::None => None,
        }
    }
}

impl<T: FromStr<Err = String>> FromStr for OrNone<T> {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("none") {
            Ok(OrNone::None)
        } else {
            text.parse()
                .map(OrNone::Value)
                .map_err(|e: String| format!("{e}, or none to clear it"))
        }
    }
}

/// A duration in minutes, as `--duration` takes it (`30m`, `1h30m`, `90`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minutes(pub u32);

impl FromStr for Minutes {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        parse_duration(text).map(Minutes)
    }
}

#[derive(Debug, Args)]
pub struct ActivityListArgs {
    /// Only this owner's activities (ignoring case)
    #[arg(long, value_name = "OWNER", conflicts_with = "all")]
    pub owner: Option<String>,
    /// Everyone's activities, and those of no owner, also when REX_OWNER is set
    #[arg(long)]
    pub all: bool,
    /// Only this deal's activities, whoever owns them
    #[arg(long, value_name = "DEAL", add = deal_values())]
    pub deal: Option<String>,
    /// Only activities of this type
    #[arg(long = "type", value_name = "TYPE", value_parser = TypeParser)]
    pub kind: Option<ActivityType>,
    /// Only those due before today, or today at a time already past
    #[arg(long)]
    pub overdue: bool,
    /// Only those due on this day, or from FROM to TO (both included)
    #[arg(long, value_name = "DATE|FROM..TO")]
    pub due: Option<DueRange>,
    /// Done activities instead of pending ones
    #[arg(long, conflicts_with = "pending")]
    pub done: bool,
    /// Pending activities (the default)
    #[arg(long)]
    pub pending: bool,
}

/// `--due`: one day, or the days from one date to another, both included (either end may be
/// left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueRange {
    Day(DateSpec),
    Between(Option<DateSpec>, Option<DateSpec>),
}

impl FromStr for DueRange {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let Some((from, to)) = text.split_once("..") else {
            return text.parse().map(DueRange::Day);
        };
        let end = |t: &str| -> Result<Option<DateSpec>, String> {
            match t.trim() {
                "" => Ok(None),
                t => t.parse().map(Some).map_err(|e: String| {
                    format!("{e}; a range is FROM..TO, like today..+7d or 2026-03-01..2026-03-31")
                }),
            }
        };
        match (end(from)?, end(to)?) {
            (None, None) => Err(format!(
                "invalid range '{text}': give FROM..TO, FROM.. or ..TO, like today..+7d"
            )),
            (from, to) => Ok(DueRange::Between(from, to)),
        }
    }
}

impl fmt::Display for DueRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |d: &Option<DateSpec>| d.map(|d| d.to_string()).unwrap_or_default();
        match self {
            DueRange::Day(d) => d.fmt(f),
            DueRange::Between(a, b) => write!(f, "{}..{}", side(a), side(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_range_is_a_day_or_two_ends() {
        let on = |t: &str| t.parse::<DueRange>();
        assert_eq!(on("today"), Ok(DueRange::Day(DateSpec::Today)));
        assert_eq!(
            on("today..+7d"),
            Ok(DueRange::Between(
                Some(DateSpec::Today),
                Some(DateSpec::Days(7))
            ))
        );
        assert_eq!(
            on("..2026-03-31"),
            Ok(DueRange::Between(
                None,
                Some(DateSpec::On("2026-03-31".parse().unwrap()))
            ))
        );
        assert_eq!(
            on("tomorrow.."),
            Ok(DueRange::Between(Some(DateSpec::Tomorrow), None))
        );
        assert!(on("..").is_err());
        assert!(on("today...").is_err());
        assert!(on("soon..later").is_err());
    }

    #[test]
    fn none_clears() {
        assert_eq!("none".parse::<OrNone<DueTime>>(), Ok(OrNone::None));
        assert_eq!(
            "25:00".parse::<OrNone<DueTime>>().unwrap_err(),
            "invalid time '25:00': use HH:MM on a 24-hour clock, like 14:00, or none to clear it"
        );
        assert_eq!(
            "1h".parse::<OrNone<Minutes>>(),
            Ok(OrNone::Value(Minutes(60)))
        );
    }
}
