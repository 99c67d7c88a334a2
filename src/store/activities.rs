//! Activities in the store: the `Activities` part of a transaction, the filter an activity
//! list is read by, and an activity's row both ways. The rules (who owns a new one, what a
//! reference names, what history records) are the operations' (`ops::activity`).

use std::borrow::Cow;

use chrono::NaiveDate;

use super::cells::{Arg, Cells, Reader};
use crate::error::Result;
use crate::id::{ActivityId, DealId};
use crate::record::{Activity, ActivityType, DueTime, NextActivity};

/// Which activities a list reads. Every list is soonest first: due date, then all-day before
/// timed, then time, then creation.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Only those of these owner ids (each exactly as stored); None: anyone's, and those of
    /// no owner.
    pub owners: Option<Vec<String>>,
    /// Only those of this deal.
    pub deal: Option<DealId>,
    pub kind: Option<ActivityType>,
    /// Done ones instead of pending ones.
    pub done: bool,
    /// Due on or after this date.
    pub due_from: Option<NaiveDate>,
    /// Due on or before this date.
    pub due_to: Option<NaiveDate>,
    /// Due before this date, or on it at a time before this one (a local time of day).
    pub due_before: Option<(NaiveDate, DueTime)>,
    /// At most this many.
    pub limit: Option<u64>,
    /// Only those after this one in the list's order (the next page of a list).
    pub after: Option<ActivityAfter>,
}

/// Where a page of an activity list ended: the last activity's place in the order every
/// list is read in (due date, all-day before timed, time, creation, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityAfter {
    pub due_date: NaiveDate,
    pub due_time: Option<DueTime>,
    pub created_at: String,
    pub id: ActivityId,
}

impl ActivityAfter {
    /// The place of `a` in a list.
    pub fn of(a: &Activity) -> ActivityAfter {
        ActivityAfter {
            due_date: a.due_date,
            due_time: a.due_time,
            created_at: a.created_at.clone(),
            id: a.id,
        }
    }
}

/// Activities.
pub trait Activities {
    fn activity(&self, id: ActivityId) -> Result<Option<Activity>>;
    fn insert_activity(&self, a: &Activity) -> Result<()>;
    /// Inserts an import's activity if its deal exists (earlier records of the import
    /// count) and no activity has its id; says which refused it otherwise. A backend that
    /// checks an import in batches may answer `Written` and refuse the record with its batch.
    fn insert_new_activity(&self, a: &Activity) -> Result<NewActivity>;
    /// Writes every field of an existing activity.
    fn update_activity(&self, a: &Activity) -> Result<()>;
    /// Deletes an activity; false when there was none.
    fn delete_activity(&self, id: ActivityId) -> Result<bool>;
    /// How many activities there are, done or not (`rex info`).
    fn count_all_activities(&self) -> Result<i64>;
    /// How many activities a deal has: pending, and in all.
    fn count_activities(&self, deal: DealId) -> Result<(i64, i64)>;
    /// At most `limit` activities whose id ends in `end7` (its last seven characters, lower
    /// case), through `activities_ref`.
    fn activities_ending_in(&self, end7: &str, limit: usize) -> Result<Vec<Activity>>;
    /// Calls `each` with every activity `filter` selects, soonest first, as rows are read.
    fn for_each_activity(
        &self,
        filter: &ActivityFilter,
        each: &mut dyn FnMut(Activity) -> Result<()>,
    ) -> Result<()>;
    /// The next step (its earliest pending activity) of each of `deals` that has one, one
    /// index step per deal.
    fn next_steps(&self, deals: &[DealId]) -> Result<Vec<(DealId, NextActivity)>>;
    /// The names of those of `deals` that exist, for lists of their activities: a step of
    /// the deals' key each, without reading the rest of the deal.
    fn deal_names(&self, deals: &[DealId]) -> Result<Vec<(DealId, String)>>;
    /// The spellings of `owner` (ignoring case) that activities are owned by, each once,
    /// one step of the owner index per distinct owner: what a list by owner reads.
    fn activity_owner_ids(&self, owner: &str) -> Result<Vec<String>>;
    /// Every activity in id order (an export), done or not.
    fn for_each_activity_stored(&self, each: &mut dyn FnMut(Activity) -> Result<()>) -> Result<()>;
}

/// The activity columns, in the order [`activity`] reads them, of a table aliased `a`.
pub(crate) const ACTIVITY_COLUMNS: &str = "a.id, a.deal_id, a.type, a.subject, a.due_date, \
    a.due_time, a.duration_minutes, a.owner_id, a.note, a.done_at, a.created_at, a.updated_at";

/// The columns an activity is written to, in the order of [`activity_row`]'s values.
pub(crate) const ACTIVITY_ROW_COLUMNS: &str = "id, deal_id, type, subject, due_date, due_time, \
    duration_minutes, owner_id, note, done_at, created_at, updated_at";

/// What became of an import's new activity ([`Activities::insert_new_activity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewActivity {
    Written,
    /// Its deal does not exist (or comes later in the input): nothing was written.
    NoDeal,
    /// An activity of its id exists: nothing was written.
    IdTaken,
}

/// The columns of a next step, in the order [`next_activity`] takes them, of a table aliased
/// `a`: what a deal prints of its soonest pending activity (and what SQLite keeps of it on
/// the deal's row, schema 19).
pub(crate) const STEP_COLUMNS: &str = "a.id, a.type, a.subject, a.due_date, a.due_time";

/// A deal's id and name, as [`Activities::deal_names`] reads them.
pub(crate) fn deal_name(row: &dyn Cells) -> Result<(DealId, String)> {
    let r = Reader::new("deal", row);
    Ok((r.parsed(0)?, r.text(1)?))
}

/// A deal and its next step from a row of its id and the [`STEP_COLUMNS`].
pub(crate) fn next_step(row: &dyn Cells) -> Result<(DealId, NextActivity)> {
    let r = Reader::new("activity", row);
    let step = next_activity(
        &r.text(1)?,
        &r.text(2)?,
        r.text(3)?,
        &r.text(4)?,
        r.opt_text(5)?.as_deref(),
    );
    Ok((r.parsed(0)?, r.checked(step)?))
}

/// A deal's next step as SQLite keeps it on the deal's row (schema 19): the JSON array of
/// its [`STEP_COLUMNS`] (a due time of null: all day). One that cannot be read is a damaged
/// database, named by its deal (`deal`, asked only then).
pub(crate) fn kept_next_step(deal: impl Fn() -> String, kept: &str) -> Result<NextActivity> {
    /// The array's cells, borrowed from its text unless they hold escapes.
    #[derive(serde::Deserialize)]
    struct Kept<'a>(
        #[serde(borrow)] Cow<'a, str>,
        #[serde(borrow)] Cow<'a, str>,
        #[serde(borrow)] Cow<'a, str>,
        #[serde(borrow)] Cow<'a, str>,
        #[serde(borrow)] Option<Cow<'a, str>>,
    );
    let damaged =
        |why: String| super::cells::damaged("deal", &deal(), format!("its next step {why}"));
    let k: Kept = serde_json::from_str(kept).map_err(|e| damaged(format!("is unreadable: {e}")))?;
    next_activity(&k.0, &k.1, k.2.into_owned(), &k.3, k.4.as_deref())
        .map_err(|e| damaged(format!("is wrong: {e}")))
}

/// A next step from the texts it is stored as, in a row ([`next_step`]) or kept on a deal's
/// ([`kept_next_step`]).
fn next_activity(
    id: &str,
    kind: &str,
    subject: String,
    due_date: &str,
    due_time: Option<&str>,
) -> std::result::Result<NextActivity, String> {
    Ok(NextActivity {
        id: id.parse()?,
        kind: kind.parse()?,
        subject,
        due_date: due_date
            .parse::<NaiveDate>()
            .map_err(|_| format!("due date '{due_date}' is not a date"))?,
        due_time: due_time.map(str::parse).transpose()?,
    })
}

/// Soonest first, as every list is ordered (all-day ones, without a time, first on their day).
pub(crate) const SOONEST_FIRST: &str = "a.due_date, a.due_time NULLS FIRST, a.created_at, a.id";

/// An activity from the [`ACTIVITY_COLUMNS`] of a row.
pub(crate) fn activity(row: &dyn Cells) -> Result<Activity> {
    let r = Reader::new("activity", row);
    let due_date = r.text(4)?;
    let done_at = r.opt_text(9)?;
    Ok(Activity {
        id: r.parsed(0)?,
        deal_id: r.parsed(1)?,
        kind: r.parsed(2)?,
        subject: r.text(3)?,
        due_date: r.checked(
            NaiveDate::parse_from_str(&due_date, "%Y-%m-%d")
                .map_err(|_| format!("due date '{due_date}' is not a date")),
        )?,
        due_time: match r.opt_text(5)? {
            Some(t) => Some(r.checked(t.parse())?),
            None => None,
        },
        duration_minutes: match r.opt_int(6)? {
            Some(n) => Some(r.checked(u32::try_from(n).map_err(|e| e.to_string()))?),
            None => None,
        },
        owner_id: r.opt_text(7)?,
        note: r.opt_text(8)?,
        done: done_at.is_some(),
        done_at,
        created_at: r.text(10)?,
        updated_at: r.text(11)?,
    })
}

/// An activity as the values of its row, one per [`ACTIVITY_ROW_COLUMNS`].
pub(crate) fn activity_row(a: &Activity) -> Vec<Arg> {
    let opt = |t: &Option<String>| t.clone().map_or(Arg::Null, Arg::Text);
    vec![
        Arg::Text(a.id.to_string()),
        Arg::Text(a.deal_id.to_string()),
        Arg::Text(a.kind.as_str().to_string()),
        Arg::Text(a.subject.clone()),
        Arg::Text(crate::clock::format_date(a.due_date)),
        a.due_time.map_or(Arg::Null, |t| Arg::Text(t.to_string())),
        a.duration_minutes
            .map_or(Arg::Null, |n| Arg::Int(i64::from(n))),
        opt(&a.owner_id),
        opt(&a.note),
        // Done is kept as when it was done: an activity done without a time is not stored.
        if a.done {
            Arg::Text(a.done_at.clone().unwrap_or_else(|| a.updated_at.clone()))
        } else {
            Arg::Null
        },
        Arg::Text(a.created_at.clone()),
        Arg::Text(a.updated_at.clone()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What SQLite's json_array writes for a next step reads back whole, escapes and all;
    /// anything else is a damaged database named by its deal.
    #[test]
    fn a_kept_next_step_reads_back_as_sqlite_wrote_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let id = ActivityId::new().to_string();
        let kept: String = conn
            .query_row(
                "SELECT json_array(?1, 'call', ?2, '2026-03-05', NULL)",
                [id.as_str(), "Say \"hi\"\\ to Zoë \u{1}"],
                |r| r.get(0),
            )
            .unwrap();
        let step = kept_next_step(|| "deal_x".into(), &kept).unwrap();
        assert_eq!(step.id.to_string(), id);
        assert_eq!(step.kind, ActivityType::Call);
        assert_eq!(step.subject, "Say \"hi\"\\ to Zoë \u{1}");
        assert_eq!(step.due_date, NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
        assert_eq!(step.due_time, None);
        let timed = format!("[\"{id}\",\"task\",\"Quote\",\"2026-03-05\",\"14:00\"]");
        let step = kept_next_step(|| "deal_x".into(), &timed).unwrap();
        assert_eq!(step.due_time, Some("14:00".parse().unwrap()));
        for (bad, why) in [
            ("[1, 2]", "its next step is unreadable: invalid type: integer `1`, expected a string at line 1 column 2"),
            (&format!("[\"{id}\",\"call\",\"x\",\"2026-02-30\",null]") as &str,
                "its next step is wrong: due date '2026-02-30' is not a date"),
        ] {
            let err = kept_next_step(|| "deal_x".into(), bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("the database is damaged at deal 'deal_x' ({why}); restore a backup")
            );
        }
    }
}
