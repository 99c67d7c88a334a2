//! A deal list a page at a time, for a front door that hands lists out in pages (the HTTP
//! API's `GET /deals`), and the words such a door takes for a list's status, sort and order.
//!
//! A page ends with a [`Cursor`]: the last deal's key in the list's order and its id, which
//! the next page starts strictly after (keyset pagination). A deal inserted meanwhile lands
//! before or after that point and moves nothing else, so paging through a list while others
//! write never skips or repeats a deal that was there; a deal changed meanwhile in the
//! field the list is sorted by can move past the point, as it moves in the list. A page deep
//! in a list costs what the first one does: the condition is the start of an index range.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::{list, DealQuery, Placed};
use crate::clock::{format_date, parse_timestamp, Clock};
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::money::Cents;
use crate::record::{name_key, Status};
use crate::store::{After, DealSort, OrderKey, Tx};

/// How many deals a page holds unless asked for another number.
pub const PAGE_SIZE: u64 = 50;
/// The most deals one page holds.
pub const PAGE_MOST: u64 = 500;

/// The version of the cursor's text; a cursor of another version is refused.
const CURSOR_VERSION: u64 = 1;
/// No cursor rex makes is longer (a name key of 200 characters, in base64, is far shorter).
const CURSOR_MOST: usize = 4096;

/// The sorts by the names the API gives them: the JSON fields they order by.
const SORTS: [(&str, DealSort); 7] = [
    ("created_at", DealSort::Created),
    ("updated_at", DealSort::Updated),
    ("value", DealSort::Value),
    ("expected_close", DealSort::ExpectedClose),
    ("name", DealSort::Name),
    ("stage", DealSort::Stage),
    ("next_activity", DealSort::NextActivity),
];

/// The statuses a status word stands for: the four, and `active` (open and stalled), as
/// `deal list --status` takes them.
const STATUS_WORDS: [(&str, &[Status]); 5] = [
    ("open", &[Status::Open]),
    ("won", &[Status::Won]),
    ("lost", &[Status::Lost]),
    ("stalled", &[Status::Stalled]),
    ("active", &[Status::Open, Status::Stalled]),
];

/// One page of a deal list, and where the next one starts: None when no deal follows.
#[derive(Debug, Clone)]
pub struct Page {
    pub deals: Vec<Placed>,
    pub next: Option<Cursor>,
}

/// Where a page of a deal list ended, under the sort and order it was made for. Its text
/// ([`Cursor::encode`]) is opaque to clients: URL-safe base64 of a small versioned JSON
/// object (`{"v":1,"sort":…,"order":…,"key":…,"id":…}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    desc: bool,
    after: After,
}

impl Cursor {
    /// The sort this cursor was made for.
    pub fn sort(&self) -> DealSort {
        self.after.key.sort()
    }

    /// Whether it was made for a descending list.
    pub fn desc(&self) -> bool {
        self.desc
    }

    /// The text a client sends back for the next page.
    pub fn encode(&self) -> String {
        let key = match &self.after.key {
            OrderKey::Value(v) => json!(v.get()),
            OrderKey::ExpectedClose(day) => json!(day.map(format_date)),
            OrderKey::Created(t) | OrderKey::Updated(t) | OrderKey::Name(t) => json!(t),
            OrderKey::Stage { pipeline, position } => json!([pipeline, position]),
            OrderKey::NextActivity(key) => json!(key),
        };
        let text = json!({
            "v": CURSOR_VERSION,
            "sort": sort_name(self.sort()),
            "order": order_name(self.desc),
            "key": key,
            "id": self.after.id.to_string(),
        });
        URL_SAFE_NO_PAD.encode(text.to_string())
    }

    /// The cursor `text` names, for a list by `sort` in the order `desc` says: text that is
    /// no cursor rex made, or one made for another sort or order, is a usage error.
    pub fn decode(text: &str, sort: DealSort, desc: bool) -> Result<Cursor> {
        let garbled = || {
            Error::usage("the cursor is not one rex gave out (cut short or changed?); start again without cursor")
        };
        let fields = (text.len() <= CURSOR_MOST)
            .then(|| URL_SAFE_NO_PAD.decode(text.trim()).ok())
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .ok_or_else(garbled)?;
        if fields["v"].as_u64() != Some(CURSOR_VERSION) {
            return Err(garbled());
        }
        let cursor = Cursor::read(&fields).ok_or_else(garbled)?;
        cursor.check(sort, desc)?;
        Ok(cursor)
    }

    /// The cursor in `fields` (a decoded cursor's JSON), if it holds one.
    fn read(fields: &Value) -> Option<Cursor> {
        let key = &fields["key"];
        let text = || key.as_str().map(str::to_string);
        let time = || text().filter(|t| parse_timestamp(t).is_some());
        let key = match sort_of_name(fields["sort"].as_str()?)? {
            DealSort::Value => OrderKey::Value(Cents::new(key.as_i64()?).ok()?),
            DealSort::ExpectedClose if key.is_null() => OrderKey::ExpectedClose(None),
            DealSort::ExpectedClose => {
                OrderKey::ExpectedClose(Some(key.as_str()?.parse::<NaiveDate>().ok()?))
            }
            DealSort::Created => OrderKey::Created(time()?),
            DealSort::Updated => OrderKey::Updated(time()?),
            DealSort::Name => OrderKey::Name(text()?),
            DealSort::Stage => match key.as_array()?.as_slice() {
                [pipeline, position] => OrderKey::Stage {
                    pipeline: pipeline.as_str()?.to_string(),
                    position: u32::try_from(position.as_u64()?).ok()?,
                },
                _ => return None,
            },
            DealSort::NextActivity if key.is_null() => OrderKey::NextActivity(None),
            DealSort::NextActivity => {
                OrderKey::NextActivity(Some(text().filter(|k| OrderKey::is_next_key(k))?))
            }
        };
        let desc = match fields["order"].as_str()? {
            "asc" => false,
            "desc" => true,
            _ => return None,
        };
        Some(Cursor {
            desc,
            after: After {
                key,
                id: fields["id"].as_str()?.parse::<DealId>().ok()?,
            },
        })
    }

    /// Refuses this cursor for a list by `sort` in the order `desc` says unless it was made
    /// for one: its key is of its own sort, and the next page of another order is no page.
    fn check(&self, sort: DealSort, desc: bool) -> Result<()> {
        if self.sort() != sort || self.desc != desc {
            return Err(Error::usage(format!(
                "cursor does not match sort={} order={}; start again without cursor",
                sort_name(sort),
                order_name(desc)
            )));
        }
        Ok(())
    }

    /// Where the store starts a list by `sort` in the order `desc` says.
    pub(super) fn after_in(&self, sort: DealSort, desc: bool) -> Result<&After> {
        self.check(sort, desc)?;
        Ok(&self.after)
    }

    /// The cursor after `placed` in a list by `sort`, in the order `desc` says.
    fn after_deal(tx: &dyn Tx, sort: DealSort, desc: bool, placed: &Placed) -> Result<Cursor> {
        let deal = &placed.deal;
        let key = match sort {
            DealSort::Value => OrderKey::Value(deal.value),
            DealSort::ExpectedClose => OrderKey::ExpectedClose(deal.expected_close),
            DealSort::Created => OrderKey::Created(deal.created_at.clone()),
            DealSort::Updated => OrderKey::Updated(deal.updated_at.clone()),
            DealSort::Name => OrderKey::Name(name_key(&deal.name)),
            DealSort::Stage => {
                // The list sorts by the pipeline's name key and the stage's position as
                // stored, read here in the same transaction.
                let gone = || Error::Failed(format!("deal {} has no stage", deal.id));
                let p = tx.pipeline(deal.pipeline_id)?.ok_or_else(gone)?;
                let stage = p.stage(deal.stage_id).ok_or_else(gone)?;
                OrderKey::Stage {
                    pipeline: name_key(&p.name),
                    position: stage.position,
                }
            }
            // Its next step as the list read it, in the same transaction.
            DealSort::NextActivity => OrderKey::NextActivity(
                placed
                    .next_activity
                    .as_ref()
                    .map(|n| OrderKey::next_key(n.due_date, n.due_time)),
            ),
        };
        Ok(Cursor {
            desc,
            after: After { key, id: deal.id },
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.encode())
    }
}

/// The page of at most `limit` deals (1 to [`PAGE_MOST`]) that `q` selects from `q.after`
/// on (from the start without it), in its order; `q.limit` is not read. Its `next` is the
/// cursor of its last deal when more deals follow.
pub fn page(tx: &dyn Tx, clock: &Clock, q: &DealQuery, limit: u64) -> Result<Page> {
    if !(1..=PAGE_MOST).contains(&limit) {
        return Err(Error::usage(format!(
            "limit {limit} is out of range; a page holds 1 to {PAGE_MOST} deals"
        )));
    }
    let q = DealQuery {
        limit: Some(limit),
        ..q.clone()
    };
    let mut deals = Vec::new();
    let more = list(tx, clock, &q, &mut |placed| {
        deals.push(placed);
        Ok(())
    })?;
    let next = match deals.last() {
        Some(last) if more => Some(Cursor::after_deal(tx, q.sort, q.desc, last)?),
        _ => None,
    };
    Ok(Page { deals, next })
}

/// The API's name of a sort: the JSON field it orders by (`created_at`, `stage`, ...).
pub fn sort_name(sort: DealSort) -> &'static str {
    SORTS
        .iter()
        .find(|(_, s)| *s == sort)
        .map_or("created_at", |(name, _)| name)
}

fn sort_of_name(name: &str) -> Option<DealSort> {
    SORTS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// The sort the API's `sort` text names.
pub fn sort_named(text: &str) -> Result<DealSort> {
    sort_of_name(text).ok_or_else(|| {
        Error::usage(format!(
            "sort '{text}' is not one rex knows; use created_at, updated_at, value, expected_close, name, stage or next_activity"
        ))
    })
}

/// `asc` or `desc`, as the API's `order` says.
pub fn order_name(desc: bool) -> &'static str {
    if desc {
        "desc"
    } else {
        "asc"
    }
}

/// Whether the API's `order` text asks for a descending list.
pub fn order_named(text: &str) -> Result<bool> {
    match text {
        "asc" => Ok(false),
        "desc" => Ok(true),
        _ => Err(Error::usage(format!(
            "order '{text}' is not one rex knows; use asc or desc"
        ))),
    }
}

/// The statuses a status text names, as `deal list --status` reads it: one word or a comma
/// list of them, ignoring case, each `open`, `won`, `lost`, `stalled` or `active` (open and
/// stalled: the deals still being worked).
pub fn statuses_named(text: &str) -> Result<Vec<Status>> {
    let mut out: Vec<Status> = Vec::new();
    for word in text.split(',') {
        let found = STATUS_WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word.trim()))
            .ok_or_else(|| {
                Error::usage(format!(
                    "status '{word}' is not one rex knows; use open, won, lost, stalled or active"
                ))
            })?;
        for s in found.1 {
            if !out.contains(s) {
                out.push(*s);
            }
        }
    }
    Ok(out)
}
