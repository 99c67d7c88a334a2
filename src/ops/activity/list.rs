//! `activity list` and the sections of `today` that list activities: whose, of what, due
//! when; soonest first.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::ops::lookup::find_deal;
use crate::record::{Activity, ActivityType, DueTime};
use crate::store::{ActivityFilter, Tx};

/// Whose activities a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owners {
    /// Of this owner (ignoring case).
    Of(String),
    /// Everyone's, and those of no owner.
    All,
}

/// What `activity list` asks for.
#[derive(Debug, Clone)]
pub struct ActivityQuery {
    pub owners: Owners,
    /// Only this deal's (in any form a deal is named by).
    pub deal: Option<String>,
    pub kind: Option<ActivityType>,
    /// Due before today, or today at a time already past (pending ones only).
    pub overdue: bool,
    /// Due on or after this date.
    pub due_from: Option<NaiveDate>,
    /// Due on or before this date.
    pub due_to: Option<NaiveDate>,
    /// Done ones instead of pending ones.
    pub done: bool,
    pub limit: Option<u64>,
}

/// An activity as lists show it: with its deal's name.
#[derive(Debug, Clone)]
pub struct Listed {
    pub activity: Activity,
    pub deal_name: String,
}

/// The local time of day now, to the minute: what `--overdue` compares a due time with.
fn now_time(clock: &Clock) -> DueTime {
    DueTime::of(clock.now().with_timezone(&chrono::Local).time())
}

/// The activities `q` selects, soonest first (due date, all-day before timed, time,
/// creation), each with its deal's name.
pub fn list(tx: &dyn Tx, clock: &Clock, q: &ActivityQuery) -> Result<Vec<Listed>> {
    let filter = filter_of(tx, clock, q)?;
    named(tx, read(tx, &filter)?)
}

/// The activities `filter` selects, soonest first.
pub(super) fn read(tx: &dyn Tx, filter: &ActivityFilter) -> Result<Vec<Activity>> {
    let mut found = Vec::new();
    tx.for_each_activity(filter, &mut |a| {
        found.push(a);
        Ok(())
    })?;
    Ok(found)
}

/// The store's filter for `q`, its words checked.
pub(super) fn filter_of(tx: &dyn Tx, clock: &Clock, q: &ActivityQuery) -> Result<ActivityFilter> {
    if q.overdue && q.done {
        return Err(Error::usage(
            "--overdue lists activities still to do; leave out --done",
        ));
    }
    if let (Some(from), Some(to)) = (q.due_from, q.due_to) {
        if from > to {
            return Err(Error::usage(format!(
                "--due {from}..{to} ends before it starts; give FROM..TO with FROM on or before TO"
            )));
        }
    }
    let deal = q.deal.as_deref().map(|d| find_deal(tx, d)).transpose()?;
    let owners = match &q.owners {
        Owners::All => None,
        Owners::Of(o) => {
            // The spellings activities are owned by (an activity's owner need not own a deal).
            let mut ids = tx.activity_owner_ids(o)?;
            if !ids.iter().any(|i| i == o) {
                ids.push(o.clone());
            }
            Some(ids)
        }
    };
    Ok(ActivityFilter {
        owners,
        deal: deal.as_ref().map(|d| d.id),
        kind: q.kind,
        done: q.done,
        due_from: q.due_from,
        due_to: q.due_to,
        due_before: q.overdue.then(|| (clock.today(), now_time(clock))),
        limit: q.limit,
        after: None,
    })
}

/// Activities with their deals' names, each deal's name read once (and nothing else of it).
pub fn named(tx: &dyn Tx, found: Vec<Activity>) -> Result<Vec<Listed>> {
    let mut deals: Vec<DealId> = found.iter().map(|a| a.deal_id).collect();
    deals.sort_unstable();
    deals.dedup();
    let names: HashMap<DealId, String> = tx.deal_names(&deals)?.into_iter().collect();
    Ok(found
        .into_iter()
        .map(|activity| Listed {
            deal_name: names.get(&activity.deal_id).cloned().unwrap_or_default(),
            activity,
        })
        .collect())
}
