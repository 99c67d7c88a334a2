//! An activity's record written: its fields checked with the rules `rex activity add`
//! keeps, its deal found (earlier in the file, or in the database), and the activity
//! inserted, or with `--upsert` replacing the activity of its id, its deal's history saying
//! what changed as the activity commands' would.

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::Importer;
use crate::error::{Error, Result};
use crate::id::{ActivityId, DealId};
use crate::record::{
    clean_activity_note, clean_owner, clean_subject, event, Activity, ActivityType, DueTime, Event,
    ACTIVITY_OWNER_MAX, DURATION_MAX_MINUTES,
};
use crate::store::{NewActivity, Tx};
use crate::transfer::fields::{Fields, Record};

/// Whether a record is an activity: its id is an activity's (`activity_…`, checked later),
/// or it has what only an activity has (a subject, a due date and a deal) and no `kind` (a
/// history entry names its deal too).
pub(super) fn is_activity(map: &Record) -> bool {
    let id_says = map.text("id").is_some_and(|id| id.starts_with("activity_"));
    let has = |key: &str| map.gives(key);
    id_says || (has("subject") && has("due_date") && has("deal_id") && !map.contains_key("kind"))
}

/// The times an activity's record gives; None where it gives none.
struct Times {
    done_at: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

impl Importer {
    /// Writes the activity a record gives: its fields read and checked in the order its
    /// JSON has them, then inserted (its deal must exist), or with `--upsert` replacing the
    /// activity of its id.
    pub(super) fn activity(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        let given_id = f.parsed("id", |t| t.parse::<ActivityId>())?;
        let deal_id = f
            .parsed("deal_id", |t| t.parse::<DealId>())?
            .ok_or_else(|| f.bad("deal_id", "it is missing"))?;
        let kind = f
            .parsed("type", |t| t.parse::<ActivityType>())?
            .unwrap_or(ActivityType::Task);
        let subject =
            clean_subject(&f.required_text("subject")?).map_err(|e| f.bad("subject", e))?;
        let due_date = f
            .parsed("due_date", |t| {
                NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .ok()
                    .filter(|d| crate::clock::in_range(*d))
                    .ok_or_else(|| format!("'{t}' is not a date like 2026-03-31"))
            })?
            .ok_or_else(|| f.bad("due_date", "it is missing"))?;
        let due_time = f.parsed("due_time", |t| t.parse::<DueTime>())?;
        let duration_minutes = match f.int("duration_minutes")? {
            None => None,
            Some(n) if (1..=i64::from(DURATION_MAX_MINUTES)).contains(&n) => Some(n as u32),
            Some(n) => {
                return Err(f.bad(
                    "duration_minutes",
                    format!("{n} is not from 1 to {DURATION_MAX_MINUTES} (a week)"),
                ))
            }
        };
        let owner_id = f.parsed("owner_id", |t| {
            clean_owner("the owner", t, ACTIVITY_OWNER_MAX)
        })?;
        let note = f.parsed("note", clean_activity_note)?;
        let done = f.boolean("done")?;
        let times = Times {
            done_at: f.timestamp("done_at")?,
            created_at: f.timestamp("created_at")?,
            updated_at: f.timestamp("updated_at")?,
        };
        // Done is having been done at some time: a record that says when is done.
        let done = match (done, &times.done_at) {
            (Some(false), Some(_)) => {
                return Err(f.bad(
                    "done_at",
                    "a pending activity (done: false) has no done_at; leave it null",
                ))
            }
            (Some(done), _) => done,
            (None, given) => given.is_some(),
        };
        // What `activity list` prints for people beside the activity is not read back.
        f.take("deal_name");
        let at = f.at;
        f.finish()?;
        let now = self.now.clone();
        let mut a = Activity {
            id: given_id.unwrap_or_else(ActivityId::new),
            deal_id,
            kind,
            subject,
            due_date,
            due_time,
            duration_minutes,
            owner_id,
            note,
            done,
            done_at: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let replaced = if self.options.upsert {
            tx.activity(a.id)?
        } else {
            None
        };
        match replaced {
            Some(before) => {
                if before.deal_id != a.deal_id && !tx.deal_exists(a.deal_id)? {
                    return Err(no_deal(at, a.deal_id));
                }
                if before.deal_id != a.deal_id {
                    return Err(Error::conflict(format!(
                        "{at}: field 'deal_id': activity {} belongs to deal {}; an activity stays with its deal (delete it and import a new one); nothing was imported",
                        a.id, before.deal_id
                    )));
                }
                times.keep_or_stamp(&mut a, &before, &now);
                if a != before {
                    tx.update_activity(&a)?;
                    for e in changes(&before, &a, &now) {
                        tx.add_event(&e)?;
                    }
                }
            }
            None => {
                times.stamp_new(&mut a, &now);
                match tx.insert_new_activity(&a)? {
                    NewActivity::Written => {}
                    NewActivity::NoDeal => return Err(no_deal(at, deal_id)),
                    NewActivity::IdTaken => return Err(activity_exists(at, a.id)),
                }
                // A record with an id brings its history with it (an export); one without
                // is scheduled now, as `activity add` would, and done if it says so.
                if given_id.is_none() {
                    tx.add_event(&Event::new(
                        a.deal_id,
                        &a.created_at,
                        event::ACTIVITY_SCHEDULED,
                        described(&a),
                    ))?;
                    if let Some(done_at) = &a.done_at {
                        tx.add_event(&Event::new(
                            a.deal_id,
                            done_at,
                            event::ACTIVITY_DONE,
                            described(&a),
                        ))?;
                    }
                }
            }
        }
        self.report.activities += 1;
        Ok(())
    }
}

impl Times {
    /// A new activity's times: created now unless given, updated when created, done (if it
    /// is) when last updated, as the store keeps an activity done without a time.
    fn stamp_new(self, a: &mut Activity, now: &str) {
        a.created_at = self.created_at.unwrap_or_else(|| now.to_string());
        a.updated_at = self.updated_at.unwrap_or_else(|| a.created_at.clone());
        a.done_at = match a.done {
            true => Some(self.done_at.unwrap_or_else(|| a.updated_at.clone())),
            false => None,
        };
    }

    /// The times of `a`, which replaces `before` in an upsert: each time the record gives
    /// is kept as given; the others stay `before`'s, except that a change is an update now
    /// and an activity done by it is done now. An upsert that changes nothing changes no time.
    fn keep_or_stamp(self, a: &mut Activity, before: &Activity, now: &str) {
        let fields = |x: &Activity| {
            (
                x.kind,
                x.subject.clone(),
                x.due_date,
                x.due_time,
                x.duration_minutes,
                x.owner_id.clone(),
                x.note.clone(),
                x.done,
            )
        };
        let changed = fields(a) != fields(before);
        a.created_at = self.created_at.unwrap_or_else(|| before.created_at.clone());
        a.updated_at = self.updated_at.unwrap_or_else(|| match changed {
            true => now.to_string(),
            false => before.updated_at.clone(),
        });
        a.done_at = match (a.done, self.done_at) {
            (false, _) => None,
            (true, Some(given)) => Some(given),
            (true, None) if before.done => before.done_at.clone(),
            (true, None) => Some(a.updated_at.clone()),
        };
    }
}

/// The activity on `at` refused because its deal does not exist (or comes later).
pub(super) fn no_deal(at: &str, deal_id: DealId) -> Error {
    Error::not_found(format!(
        "{at}: field 'deal_id': no deal {deal_id} (deals must come before their activities); nothing was imported"
    ))
}

/// The activity on `at` refused because an activity of its id exists.
pub(super) fn activity_exists(at: &str, id: ActivityId) -> Error {
    Error::conflict(format!(
        "{at}: activity {id} already exists; use --upsert to replace it; nothing was imported"
    ))
}

/// What history records of an activity, in each of its events (as the activity commands
/// record it).
fn described(a: &Activity) -> Value {
    json!({
        "activity_id": a.id, "type": a.kind, "subject": a.subject,
        "due_date": a.due_date, "due_time": a.due_time,
    })
}

/// The history of an upsert that takes an activity from `before` to `after`, as the
/// activity commands record it: rescheduled (from, to), then done or undone. Other fields
/// are not history. Completing one this way leaves its deal as the file has it.
fn changes(before: &Activity, after: &Activity, now: &str) -> Vec<Event> {
    let mut out = Vec::new();
    if (after.due_date, after.due_time) != (before.due_date, before.due_time) {
        out.push(Event::new(
            after.deal_id,
            now,
            event::ACTIVITY_RESCHEDULED,
            json!({
                "activity_id": after.id, "type": after.kind, "subject": after.subject,
                "from_due_date": before.due_date, "from_due_time": before.due_time,
                "to_due_date": after.due_date, "to_due_time": after.due_time,
            }),
        ));
    }
    let marked = match (before.done, after.done) {
        (false, true) => Some(event::ACTIVITY_DONE),
        (true, false) => Some(event::ACTIVITY_UNDONE),
        _ => None,
    };
    if let Some(kind) = marked {
        out.push(Event::new(after.deal_id, now, kind, described(after)));
    }
    out
}
