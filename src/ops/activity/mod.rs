//! What a user can do with activities, the next steps on a deal: schedule one, change or
//! reschedule it, mark it done (activity on the deal: a stalled deal is open again) or not
//! done, delete it, and list them soonest first. Each change is recorded in its deal's
//! history; scheduling one is not activity on the deal and leaves the deal as it was.

mod find;
mod list;
mod page;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde_json::{json, Value};

pub use find::{activity_refs, find_activity, ActivityRef};
pub use list::{list, ActivityQuery, Listed, Owners};
pub use page::{page, Cursor, Page, PAGE_MOST, PAGE_SIZE};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::{ActivityId, DealId};
use crate::ops::deal::mark_activity;
use crate::ops::lookup::find_deal;
use crate::ops::team;
use crate::record::{
    clean_activity_note, clean_owner, clean_subject, event, Activity, ActivityType, Deal, DueTime,
    Event, ACTIVITY_OWNER_MAX,
};
use crate::store::Tx;

/// A new activity (`activity add`).
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// The deal, in any form a deal is named by.
    pub deal: String,
    pub subject: String,
    pub kind: ActivityType,
    pub due_date: NaiveDate,
    pub due_time: Option<DueTime>,
    pub duration_minutes: Option<u32>,
    /// Its owner as given; None: the deal's owner, else `me`.
    pub owner: Option<String>,
    /// Who is at work (`REX_OWNER`), the owner when neither the activity nor its deal has one.
    pub me: Option<String>,
    pub note: Option<String>,
}

/// What to change of an activity (`activity update`); None leaves a field as it is, and
/// `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ActivityChanges {
    pub subject: Option<String>,
    pub kind: Option<ActivityType>,
    pub due_date: Option<NaiveDate>,
    pub due_time: Option<Option<DueTime>>,
    pub duration_minutes: Option<Option<u32>>,
    pub owner: Option<Option<String>>,
    pub note: Option<Option<String>>,
}

/// An activity with the deal it belongs to, as a change left them.
#[derive(Debug, Clone)]
pub struct OfDeal {
    pub activity: Activity,
    pub deal: Deal,
}

/// What `activity done` or `activity undo` did: the activities it changed, and those that
/// were already as asked (left as they were).
#[derive(Debug, Clone, Default)]
pub struct Marked {
    pub changed: Vec<OfDeal>,
    pub unchanged: Vec<OfDeal>,
}

fn usage(e: String) -> Error {
    Error::usage(e)
}

fn checked_owner(text: &str) -> Result<String> {
    clean_owner("the owner", text, ACTIVITY_OWNER_MAX).map_err(usage)
}

/// What history records of an activity, in each of its events.
fn described(a: &Activity) -> Value {
    json!({
        "activity_id": a.id, "type": a.kind, "subject": a.subject,
        "due_date": a.due_date, "due_time": a.due_time,
    })
}

fn record(tx: &dyn Tx, a: &Activity, at: &str, kind: &str, details: Value) -> Result<()> {
    tx.add_event(&Event::new(a.deal_id, at, kind, details))
}

fn deal_of(tx: &dyn Tx, a: &Activity) -> Result<Deal> {
    tx.deal(a.deal_id)?
        .ok_or_else(|| Error::not_found(format!("no deal with id {}", a.deal_id)))
}

/// Schedules an activity on the deal `new.deal` names. The deal itself is not changed:
/// scheduling is not activity on it.
pub fn add(tx: &dyn Tx, clock: &Clock, new: &NewActivity) -> Result<OfDeal> {
    let subject = clean_subject(&new.subject).map_err(usage)?;
    let note = new
        .note
        .as_deref()
        .map(clean_activity_note)
        .transpose()
        .map_err(usage)?;
    let given_owner = new.owner.as_deref().map(checked_owner).transpose()?;
    let deal = find_deal(tx, &new.deal)?;
    team::may_change(tx, &deal)?;
    let owner_id = given_owner
        .or_else(|| deal.owner_id.clone())
        .or_else(|| new.me.clone());
    check_due(new.due_date)?;
    let now = clock.timestamp();
    let activity = Activity {
        id: ActivityId::new(),
        deal_id: deal.id,
        kind: new.kind,
        subject,
        due_date: new.due_date,
        due_time: new.due_time,
        duration_minutes: new.duration_minutes,
        owner_id,
        note,
        done: false,
        done_at: None,
        created_at: now.clone(),
        updated_at: now.clone(),
    };
    tx.insert_activity(&activity)?;
    record(
        tx,
        &activity,
        &now,
        event::ACTIVITY_SCHEDULED,
        described(&activity),
    )?;
    Ok(OfDeal { activity, deal })
}

/// A due date rex can store and print (years 1 to 9999).
fn check_due(d: NaiveDate) -> Result<()> {
    if crate::clock::in_range(d) {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "due date {d} is out of range; use a date between 0001-01-01 and 9999-12-31"
        )))
    }
}

/// Changes the fields of the activity `named` names. A new date or time is recorded in
/// its deal's history as `activity_rescheduled` (from and to); other fields are not
/// history. A change that changes nothing writes nothing; the bool says whether it changed.
pub fn update(
    tx: &dyn Tx,
    clock: &Clock,
    named: &ActivityRef,
    c: &ActivityChanges,
) -> Result<(OfDeal, bool)> {
    let subject = c
        .subject
        .as_deref()
        .map(clean_subject)
        .transpose()
        .map_err(usage)?;
    let note = match &c.note {
        Some(Some(n)) => Some(Some(clean_activity_note(n).map_err(usage)?)),
        Some(None) => Some(None),
        None => None,
    };
    let owner = match &c.owner {
        Some(Some(o)) => Some(Some(checked_owner(o)?)),
        Some(None) => Some(None),
        None => None,
    };
    if let Some(d) = c.due_date {
        check_due(d)?;
    }
    let before = find_activity(tx, named)?;
    team::may_change(tx, &deal_of(tx, &before)?)?;
    let mut a = before.clone();
    if let Some(s) = subject {
        a.subject = s;
    }
    if let Some(k) = c.kind {
        a.kind = k;
    }
    if let Some(d) = c.due_date {
        a.due_date = d;
    }
    if let Some(t) = c.due_time {
        a.due_time = t;
    }
    if let Some(m) = c.duration_minutes {
        a.duration_minutes = m;
    }
    if let Some(o) = owner {
        a.owner_id = o;
    }
    if let Some(n) = note {
        a.note = n;
    }
    let deal = deal_of(tx, &a)?;
    if a == before {
        return Ok((OfDeal { activity: a, deal }, false));
    }
    let now = clock.timestamp();
    a.updated_at = now.clone();
    tx.update_activity(&a)?;
    if (a.due_date, a.due_time) != (before.due_date, before.due_time) {
        record(
            tx,
            &a,
            &now,
            event::ACTIVITY_RESCHEDULED,
            json!({
                "activity_id": a.id, "type": a.kind, "subject": a.subject,
                "from_due_date": before.due_date, "from_due_time": before.due_time,
                "to_due_date": a.due_date, "to_due_time": a.due_time,
            }),
        )?;
    }
    Ok((OfDeal { activity: a, deal }, true))
}

/// Each activity `named` names, once, in the order first named.
fn each_named(tx: &dyn Tx, named: &[ActivityRef]) -> Result<Vec<Activity>> {
    let mut out: Vec<Activity> = Vec::new();
    for n in named {
        let a = find_activity(tx, n)?;
        if !out.iter().any(|o| o.id == a.id) {
            out.push(a);
        }
    }
    Ok(out)
}

/// Marks activities done, `note` added to each one's note. Completing one is activity on its
/// deal: it moves the deal's `last_activity_at` (a stalled deal is open again). One already
/// done is left as it is.
pub fn done(
    tx: &dyn Tx,
    clock: &Clock,
    named: &[ActivityRef],
    note: Option<&str>,
) -> Result<Marked> {
    let note = note.map(clean_activity_note).transpose().map_err(usage)?;
    let now = clock.timestamp();
    let mut marked = Marked::default();
    let all = each_named(tx, named)?;
    for a in &all {
        team::may_change(tx, &deal_of(tx, a)?)?;
    }
    for mut a in all {
        if a.done {
            let deal = deal_of(tx, &a)?;
            marked.unchanged.push(OfDeal { activity: a, deal });
            continue;
        }
        if let Some(n) = &note {
            let joined = match a.note.take() {
                Some(old) => format!("{old}\n{n}"),
                None => n.clone(),
            };
            a.note = Some(clean_activity_note(&joined).map_err(|e| {
                Error::usage(format!("{e} once the note is added to the activity's note"))
            })?);
        }
        a.done = true;
        a.done_at = Some(now.clone());
        a.updated_at = now.clone();
        tx.update_activity(&a)?;
        record(tx, &a, &now, event::ACTIVITY_DONE, described(&a))?;
        let mut deal = deal_of(tx, &a)?;
        mark_activity(tx, &mut deal, &now, "activity")?;
        tx.update_deal(&deal)?;
        marked.changed.push(OfDeal { activity: a, deal });
    }
    Ok(marked)
}

/// Marks done activities as not done. The deal is not changed.
pub fn undo(tx: &dyn Tx, clock: &Clock, named: &[ActivityRef]) -> Result<Marked> {
    let now = clock.timestamp();
    let mut marked = Marked::default();
    let all = each_named(tx, named)?;
    for a in &all {
        team::may_change(tx, &deal_of(tx, a)?)?;
    }
    for mut a in all {
        let deal = deal_of(tx, &a)?;
        if !a.done {
            marked.unchanged.push(OfDeal { activity: a, deal });
            continue;
        }
        a.done = false;
        a.done_at = None;
        a.updated_at = now.clone();
        tx.update_activity(&a)?;
        record(tx, &a, &now, event::ACTIVITY_UNDONE, described(&a))?;
        marked.changed.push(OfDeal { activity: a, deal });
    }
    Ok(marked)
}

/// The activity `named` names, with its deal.
pub fn show(tx: &dyn Tx, named: &ActivityRef) -> Result<OfDeal> {
    let activity = find_activity(tx, named)?;
    let deal = deal_of(tx, &activity)?;
    Ok(OfDeal { activity, deal })
}

/// Deletes the activity `named` names, recording `activity_deleted` in its deal's history.
pub fn delete(tx: &dyn Tx, clock: &Clock, named: &ActivityRef) -> Result<OfDeal> {
    let activity = find_activity(tx, named)?;
    let deal = deal_of(tx, &activity)?;
    team::may_change(tx, &deal)?;
    if !tx.delete_activity(activity.id)? {
        return Err(Error::not_found(format!(
            "no activity with id {}; nothing was deleted",
            activity.id
        )));
    }
    let mut details = described(&activity);
    details["done"] = Value::Bool(activity.done);
    record(
        tx,
        &activity,
        &clock.timestamp(),
        event::ACTIVITY_DELETED,
        details,
    )?;
    Ok(OfDeal { activity, deal })
}

/// How many activities of a deal are pending, and how many it has in all.
pub fn counts(tx: &dyn Tx, deal: DealId) -> Result<(i64, i64)> {
    tx.count_activities(deal)
}
