//! Activities as an iCalendar file (RFC 5545, `activity list -o ics`), for calendar
//! applications to import or subscribe to. The format is the `icalendar` crate's to write
//! (escaping, folding, line ends); what goes in it is decided here.
//!
//! Times are written in UTC: an activity's time of day is in the zone rex runs in (`TZ`),
//! which has no name rex can be sure a calendar knows (`TZ` may be unset, a path, or a
//! POSIX rule), and a TZID would need a VTIMEZONE to go with it. A calendar shows UTC
//! times in its reader's own zone. Each event's UID is its activity's id, so importing the
//! file again (or refreshing a subscription) updates the events instead of duplicating them.

use chrono::{DateTime, Days, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use super::cells::neutralise;
use super::ActivityView;
use crate::clock::{in_range, local_to_utc, parse_timestamp};

/// How long an event lasts in a calendar when its activity has a time but no duration.
pub const DEFAULT_EVENT_MINUTES: u32 = 30;

/// The calendar of `views`, one event each, in their order.
pub fn calendar(views: &[ActivityView]) -> String {
    let mut cal = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//rex//activities//EN"),
        ("CALSCALE", "GREGORIAN"),
    ] {
        cal.append_property((key, value));
    }
    cal.name("rex activities");
    for v in views {
        cal.push(event(v));
    }
    cal.to_string()
}

/// One activity as an event: at its time (its duration, else [`DEFAULT_EVENT_MINUTES`]),
/// or all day on its date.
fn event(v: &ActivityView) -> Event {
    let a = &v.activity;
    let mut e = Event::new();
    e.uid(&format!("{}@rex", a.id)).summary(&text(&a.subject));
    match a.due_time {
        Some(t) => {
            let local = a.due_date.and_time(t.time());
            let start = local_to_utc(local);
            let minutes = a.duration_minutes.unwrap_or(DEFAULT_EVENT_MINUTES);
            let end = start + Duration::minutes(i64::from(minutes));
            let writable = |t: DateTime<Utc>| in_range(t.date_naive());
            if writable(start) {
                e.starts(start);
            } else {
                // Only at the ends of the calendar (the first hours of year 1 east of UTC,
                // the last of 9999 west of it) is the instant outside what iCalendar can
                // write in UTC: the time of day is written as it is, floating.
                e.starts(local);
            }
            if writable(start) && writable(end) {
                e.ends(end);
            } else {
                // An end past 9999 (or beside a floating start) is written as a duration.
                e.append_property(("DURATION", format!("PT{minutes}M").as_str()));
            }
        }
        None => {
            e.starts(a.due_date);
            // The end of an all-day event is the next day (exclusive); without one, a
            // calendar takes it as one day, which is all the last day of 9999 can have.
            if let Some(next) = a.due_date.checked_add_days(Days::new(1)) {
                if in_range(next) {
                    e.ends(next);
                }
            }
        }
    }
    let mut description = format!("Deal: {}", v.deal_name);
    if let Some(at) = &a.done_at {
        description.push_str(&format!("\nDone: {at}"));
    }
    if let Some(note) = &a.note {
        description.push_str("\n\n");
        description.push_str(note);
    }
    e.description(&text(&description))
        .categories([a.kind.as_str()])
        .status(EventStatus::Confirmed);
    // When it was last changed: what a calendar compares when the same UID comes again.
    if let Some(t) = parse_timestamp(&a.updated_at) {
        e.timestamp(t).last_modified(t);
    }
    if let Some(t) = parse_timestamp(&a.created_at) {
        e.created(t);
    }
    e.done()
}

/// Text as an event holds it. iCalendar text has no control characters but tabs and the
/// line breaks the crate escapes (RFC 5545's TSAFE-CHAR): one that rex refuses but another
/// program stored shows as its `\u{…}` escape, as it does on a terminal.
fn text(s: &str) -> String {
    s.split('\t').map(neutralise).collect::<Vec<_>>().join("\t")
}
