//! An activity list a page at a time, for a front door that hands lists out in pages (the
//! HTTP API's `GET /activities`). As with deals (ops/deal/page.rs), a page ends with a
//! [`Cursor`]: the last activity's place in the list's one order (due date, all-day before
//! timed, time, creation, id), which the next page starts strictly after. An activity
//! scheduled meanwhile lands before or after that point and moves nothing else; one
//! rescheduled meanwhile moves in the list as it would in the next full one.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::list::{filter_of, named, read};
use super::{ActivityQuery, Listed};
use crate::clock::{format_date, parse_timestamp, Clock};
use crate::error::{Error, Result};
use crate::id::ActivityId;
use crate::record::DueTime;
use crate::store::{ActivityAfter, Tx};

/// How many activities a page holds unless asked for another number.
pub const PAGE_SIZE: u64 = 50;
/// The most activities one page holds.
pub const PAGE_MOST: u64 = 500;

/// The version of the cursor's text; a cursor of another version is refused.
const CURSOR_VERSION: u64 = 1;
/// No cursor rex makes is longer.
const CURSOR_MOST: usize = 1024;

/// One page of an activity list, and where the next one starts: None when none follows.
#[derive(Debug, Clone)]
pub struct Page {
    pub activities: Vec<Listed>,
    pub next: Option<Cursor>,
}

/// Where a page of an activity list ended. Its text ([`Cursor::encode`]) is opaque to
/// clients: URL-safe base64 of a small versioned JSON object
/// (`{"v":1,"key":[due_date,due_time,created_at],"id":…}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(ActivityAfter);

impl Cursor {
    /// The text a client sends back for the next page.
    pub fn encode(&self) -> String {
        let a = &self.0;
        let text = json!({
            "v": CURSOR_VERSION,
            "key": [format_date(a.due_date), a.due_time.map(|t| t.to_string()), a.created_at],
            "id": a.id.to_string(),
        });
        URL_SAFE_NO_PAD.encode(text.to_string())
    }

    /// The cursor `text` names; text that is no cursor rex made is a usage error.
    pub fn decode(text: &str) -> Result<Cursor> {
        let garbled = || {
            Error::usage("the cursor is not one rex gave out (cut short or changed?); start again without cursor")
        };
        (text.len() <= CURSOR_MOST)
            .then(|| URL_SAFE_NO_PAD.decode(text.trim()).ok())
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .filter(|fields| fields["v"].as_u64() == Some(CURSOR_VERSION))
            .and_then(|fields| Cursor::read(&fields))
            .ok_or_else(garbled)
    }

    /// The cursor in `fields` (a decoded cursor's JSON), if it holds one.
    fn read(fields: &Value) -> Option<Cursor> {
        let [day, time, created] = fields["key"].as_array()?.as_slice() else {
            return None;
        };
        let due_time = match time {
            Value::Null => None,
            t => Some(t.as_str()?.parse::<DueTime>().ok()?),
        };
        let created_at = created.as_str().filter(|t| parse_timestamp(t).is_some())?;
        Some(Cursor(ActivityAfter {
            due_date: day.as_str()?.parse::<NaiveDate>().ok()?,
            due_time,
            created_at: created_at.to_string(),
            id: fields["id"].as_str()?.parse::<ActivityId>().ok()?,
        }))
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.encode())
    }
}

/// The page of at most `limit` activities (1 to [`PAGE_MOST`]) that `q` selects after
/// `after` (from the start without it), soonest first; `q.limit` is not read. Its `next` is
/// the cursor of its last activity when more follow.
pub fn page(
    tx: &dyn Tx,
    clock: &Clock,
    q: &ActivityQuery,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Page> {
    if !(1..=PAGE_MOST).contains(&limit) {
        return Err(Error::usage(format!(
            "limit {limit} is out of range; a page holds 1 to {PAGE_MOST} activities"
        )));
    }
    let mut filter = filter_of(tx, clock, q)?;
    filter.after = after.map(|c| c.0.clone());
    // One more than the page, to know whether another page follows.
    filter.limit = Some(limit + 1);
    let mut found = read(tx, &filter)?;
    let more = found.len() as u64 > limit;
    found.truncate(limit as usize);
    let next = match found.last() {
        Some(last) if more => Some(Cursor(ActivityAfter::of(last))),
        _ => None,
    };
    Ok(Page {
        activities: named(tx, found)?,
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_it_was_written_and_garbage_is_refused() {
        for time in [None, Some("09:30".parse::<DueTime>().unwrap())] {
            let c = Cursor(ActivityAfter {
                due_date: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
                due_time: time,
                created_at: "2026-03-01T09:00:00Z".into(),
                id: ActivityId::new(),
            });
            assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        }
        let forged = URL_SAFE_NO_PAD.encode(
            r#"{"v":1,"key":["2026-03-05","25:00","2026-03-01T09:00:00Z"],"id":"activity_01jdqz7w3ef8ns6c0e5ywzm2ka"}"#,
        );
        for bad in ["", "nonsense", "eyJ2IjoyfQ", forged.as_str()] {
            let e = Cursor::decode(bad).unwrap_err().to_string();
            assert!(
                e.starts_with("the cursor is not one rex gave out"),
                "{bad}: {e}"
            );
        }
    }
}
