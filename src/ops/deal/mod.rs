//! What a user can do to a deal: create, update, move, close, reopen, note and delete it;
//! show it and its history; list deals by a filter; find and mark the stalled ones. Each
//! operation takes a transaction, the clock and typed input, applies the deal's rules (its
//! text checks are [`DealText`]'s, shared with the importer), records history, and returns
//! records. How they look (views, short references, the lines people read, confirmations,
//! hints) is the front end's.

mod list;
#[cfg(test)]
mod next_step_tests;
mod page;
mod patch;
#[cfg(test)]
mod tests;

pub use list::{list, mark_stalled, stalled, DealQuery, StallScope, Stalled};
pub use page::{
    order_name, order_named, page, sort_name, sort_named, statuses_named, Cursor, Page, PAGE_MOST,
    PAGE_SIZE,
};
pub use patch::{apply, stall, unstall, DealPatch};

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::money::Cents;
use crate::ops::lookup::{deal_named, find_deal, find_pipeline, find_stage, pipeline_or_only};
use crate::ops::team;
use crate::record::{
    canonical, changes, event, sorted, Deal, DealText, Event, Metadata, NextActivity, Place,
    Probability, Status,
};
use crate::store::Tx;

/// A deal with the names its pipeline and stage have now (empty when one is gone): what
/// every operation returns, and how every front end shows a deal.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub deal: Deal,
    pub pipeline: String,
    pub stage: String,
    /// Its next step: its earliest pending activity, whoever owns it.
    pub next_activity: Option<NextActivity>,
}

/// A new deal (`deal create`).
#[derive(Debug, Clone)]
pub struct NewDeal {
    pub name: String,
    pub value: Cents,
    /// Its pipeline's id or name; None for the only one there is.
    pub pipeline: Option<String>,
    /// Its stage's id or name; None for the pipeline's first.
    pub stage: Option<String>,
    pub contact: Option<String>,
    /// Its owner: the front end passes its "me" here when nobody is named.
    pub owner: Option<String>,
    pub expected_close: Option<NaiveDate>,
    /// Its own chance of winning; None follows its stage's.
    pub probability: Option<Probability>,
    /// Metadata keys and values, set in this order.
    pub metadata: Vec<(String, Value)>,
}

/// The changes to a deal (`deal update`); None (or empty) leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DealChanges {
    pub name: Option<String>,
    pub value: Option<Cents>,
    pub contact: Option<String>,
    pub owner: Option<String>,
    /// `Some(None)` clears the date.
    pub expected_close: Option<Option<NaiveDate>>,
    /// `Some(None)` returns the deal to its stage's chance.
    pub probability: Option<Option<Probability>>,
    /// Metadata keys and values to set, in this order.
    pub metadata: Vec<(String, Value)>,
    /// Metadata keys to remove (after those set).
    pub unset_metadata: Vec<String>,
    /// Another pipeline (id or name): the deal lands in `stage`, else in the stage it is in
    /// when that is the same pipeline, else in the pipeline's first stage.
    pub pipeline: Option<String>,
    /// The stage in `pipeline` (only with it).
    pub stage: Option<String>,
    /// Removes the contact (a front end that can say "none": the API's `null`).
    pub clear_contact: bool,
    /// Removes the owner.
    pub clear_owner: bool,
}

/// What an update did: the deal as it is now, and the history it recorded. No history means
/// nothing changed, and nothing was written.
#[derive(Debug, Clone)]
pub struct Updated {
    pub deal: Placed,
    pub history: Vec<Event>,
}

/// What a move did.
#[derive(Debug, Clone)]
pub enum Moved {
    /// The deal left the stage named `from` (as it was named then) for the one asked.
    To { deal: Placed, from: String },
    /// The deal was already in the stage asked; nothing changed.
    AlreadyThere(Placed),
}

/// How a deal closes (`deal close`).
#[derive(Debug, Clone)]
pub struct Close {
    /// Won (revenue realised), else lost.
    pub won: bool,
    /// Why it closed.
    pub reason: Option<String>,
}

/// A deal shown in full (`deal show`): where it is, and its latest history entries.
#[derive(Debug, Clone)]
pub struct Shown {
    pub deal: Placed,
    /// The last entries of its history, oldest first.
    pub recent: Vec<Event>,
}

/// `text` checked as `field` of a deal; a refusal is a usage error.
fn checked(field: DealText, text: &str) -> Result<String> {
    field.check(text).map_err(Error::Usage)
}

fn checked_optional(field: DealText, text: Option<&str>) -> Result<Option<String>> {
    text.map(|t| checked(field, t)).transpose()
}

/// Sets `entries` in `metadata` (each key checked, each value stored canonically), then
/// keeps its keys sorted.
fn set_metadata(metadata: &mut Metadata, entries: &[(String, Value)]) -> Result<()> {
    for (key, value) in entries {
        metadata.insert(checked(DealText::MetaKey, key)?, canonical(value.clone()));
    }
    *metadata = sorted(std::mem::take(metadata));
    Ok(())
}

/// Each deal's next step: its earliest pending activity, whoever owns it (deals without one
/// are not in the map). Every deal rex prints carries it, worked out as it is read.
pub fn next_steps(tx: &dyn Tx, deals: &[DealId]) -> Result<HashMap<DealId, NextActivity>> {
    Ok(tx.next_steps(deals)?.into_iter().collect())
}

/// `deal` with the names of its pipeline and stage as they are now, and its next step.
pub fn placed(tx: &dyn Tx, deal: Deal) -> Result<Placed> {
    let next_activity = next_steps(tx, &[deal.id])?.remove(&deal.id);
    let p = tx.pipeline(deal.pipeline_id)?;
    let (pipeline, stage) = match &p {
        Some(p) => (
            p.name.clone(),
            p.stage(deal.stage_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    Ok(Placed {
        deal,
        pipeline,
        stage,
        next_activity,
    })
}

fn record(tx: &dyn Tx, deal: &Deal, at: &str, kind: &str, details: Value) -> Result<()> {
    tx.add_event(&Event::new(deal.id, at, kind, details))
}

/// Marks activity on a deal: it moves `updated_at` and `last_activity_at`, and brings a
/// stalled deal back to open (recorded in its history, as made `by` what). The caller writes
/// the deal.
pub fn mark_activity(tx: &dyn Tx, deal: &mut Deal, now: &str, by: &str) -> Result<()> {
    deal.updated_at = now.to_string();
    deal.last_activity_at = now.to_string();
    if deal.status == Status::Stalled {
        deal.status = Status::Open;
        record(tx, deal, now, event::UNSTALLED, json!({ "by": by }))?;
    }
    Ok(())
}

/// A closed deal stays where it closed: it is reopened before it moves.
fn refuse_closed(tx: &dyn Tx, deal: &Deal, doing: &str) -> Result<()> {
    if deal.status.is_closed() {
        let (named, reference) = deal_named(tx, deal)?;
        return Err(Error::conflict(format!(
            "{named} is {}; reopen it before {doing} with rex deal reopen {reference}",
            deal.status
        )));
    }
    Ok(())
}

/// Creates a deal, open, in the stage named (or its pipeline's first), with its history's
/// first entry.
pub fn create(tx: &dyn Tx, clock: &Clock, new: &NewDeal) -> Result<Placed> {
    let name = checked(DealText::Name, &new.name)?;
    let contact_id = checked_optional(DealText::Contact, new.contact.as_deref())?;
    let owner = team::owner_of_new(tx, new.owner.clone());
    let owner_id = checked_optional(DealText::Owner, owner.as_deref())?;
    team::may_own(tx, owner_id.as_deref())?;
    let mut metadata = Metadata::new();
    set_metadata(&mut metadata, &new.metadata)?;
    let p = pipeline_or_only(tx, new.pipeline.as_deref())?;
    let stage = match &new.stage {
        Some(s) => find_stage(tx, &p, s)?,
        None => p
            .stages
            .first()
            .ok_or_else(|| Error::conflict(format!("pipeline '{}' has no stages", p.name)))?,
    };
    let now = clock.timestamp();
    let deal = Deal {
        id: DealId::new(),
        name,
        value: new.value,
        status: Status::Open,
        contact_id,
        pipeline_id: p.id,
        stage_id: stage.id,
        expected_close: new.expected_close,
        owner_id,
        metadata,
        created_at: now.clone(),
        updated_at: now.clone(),
        last_activity_at: now.clone(),
        stage_entered_at: now.clone(),
        closed_at: None,
        close_reason: None,
        probability: new.probability,
        origin: None,
    };
    tx.insert_deal(&deal)?;
    tx.add_event(&Event::created(&deal, &Place::in_pipeline(&p, stage.id)))?;
    Ok(Placed {
        deal,
        pipeline: p.name.clone(),
        stage: stage.name.clone(),
        next_activity: None,
    })
}

/// Changes the fields of the deal `reference` names, recording each change; an update that
/// changes nothing records and writes nothing. A move to another stage is refused while
/// the deal is closed.
pub fn update(tx: &dyn Tx, clock: &Clock, reference: &str, c: &DealChanges) -> Result<Updated> {
    let mut deal = find_deal(tx, reference)?;
    team::may_change(tx, &deal)?;
    let before = deal.clone();
    if let Some(n) = &c.name {
        deal.name = checked(DealText::Name, n)?;
    }
    if let Some(v) = c.value {
        deal.value = v;
    }
    if c.contact.is_some() {
        deal.contact_id = checked_optional(DealText::Contact, c.contact.as_deref())?;
    } else if c.clear_contact {
        deal.contact_id = None;
    }
    if c.owner.is_some() {
        deal.owner_id = checked_optional(DealText::Owner, c.owner.as_deref())?;
    } else if c.clear_owner {
        deal.owner_id = None;
    }
    if deal.owner_id != before.owner_id {
        team::may_own(tx, deal.owner_id.as_deref())?;
    }
    if let Some(d) = c.expected_close {
        deal.expected_close = d;
    }
    if let Some(p) = c.probability {
        deal.probability = p;
    }
    set_metadata(&mut deal.metadata, &c.metadata)?;
    for key in &c.unset_metadata {
        deal.metadata
            .shift_remove(&checked(DealText::MetaKey, key)?);
    }
    let from_pipeline = tx
        .pipeline(deal.pipeline_id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {}", deal.pipeline_id)))?;
    let from = Place::in_pipeline(&from_pipeline, deal.stage_id);
    let mut to = from.clone();
    if let Some(pref) = &c.pipeline {
        let p = find_pipeline(tx, pref)?;
        let stage = match &c.stage {
            Some(s) => find_stage(tx, &p, s)?,
            None if p.id == deal.pipeline_id => p.stage(deal.stage_id).unwrap_or(&p.stages[0]),
            None => p
                .stages
                .first()
                .ok_or_else(|| Error::conflict(format!("pipeline '{}' has no stages", p.name)))?,
        };
        if stage.id != deal.stage_id {
            refuse_closed(tx, &deal, "moving it")?;
            to = Place::in_pipeline(&p, stage.id);
            deal.pipeline_id = p.id;
            deal.stage_id = stage.id;
        }
    }
    let now = clock.timestamp();
    let history = changes(&before, &deal, &from, &to, &now, "update");
    if history.is_empty() {
        return Ok(Updated {
            deal: placed(tx, before)?,
            history,
        });
    }
    for e in &history {
        tx.add_event(e)?;
    }
    if deal.stage_id != before.stage_id {
        deal.stage_entered_at = now.clone();
    }
    mark_activity(tx, &mut deal, &now, "update")?;
    tx.update_deal(&deal)?;
    Ok(Updated {
        deal: placed(tx, deal)?,
        history,
    })
}

/// Moves the deal `reference` names to another stage of its pipeline (by id or name).
pub fn move_to(tx: &dyn Tx, clock: &Clock, reference: &str, stage: &str) -> Result<Moved> {
    let mut deal = find_deal(tx, reference)?;
    team::may_change(tx, &deal)?;
    let p = tx
        .pipeline(deal.pipeline_id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {}", deal.pipeline_id)))?;
    let to = find_stage(tx, &p, stage)?;
    refuse_closed(tx, &deal, "moving it")?;
    if to.id == deal.stage_id {
        return Ok(Moved::AlreadyThere(placed(tx, deal)?));
    }
    let now = clock.timestamp();
    let (from_place, to_place) = (
        Place::in_pipeline(&p, deal.stage_id),
        Place::in_pipeline(&p, to.id),
    );
    tx.add_event(&Event::moved(deal.id, &now, &from_place, &to_place, None))?;
    deal.stage_id = to.id;
    deal.stage_entered_at = now.clone();
    mark_activity(tx, &mut deal, &now, "move")?;
    tx.update_deal(&deal)?;
    let next_activity = next_steps(tx, &[deal.id])?.remove(&deal.id);
    Ok(Moved::To {
        deal: Placed {
            deal,
            pipeline: p.name.clone(),
            stage: to.name.clone(),
            next_activity,
        },
        from: from_place.stage,
    })
}

/// Whether `deal` is open in its pipeline's last stage: all that is left is to close it.
pub fn ready_to_close(tx: &dyn Tx, deal: &Deal) -> Result<bool> {
    let last = tx
        .pipeline(deal.pipeline_id)?
        .and_then(|p| p.stages.last().map(|s| s.id));
    Ok(last == Some(deal.stage_id) && !deal.status.is_closed())
}

/// Closes the deal `reference` names as won or lost, in the stage it is in. A closed deal
/// is reopened before it closes again.
pub fn close(tx: &dyn Tx, clock: &Clock, reference: &str, how: &Close) -> Result<Placed> {
    let reason = checked_optional(DealText::CloseReason, how.reason.as_deref())?;
    let status = if how.won { Status::Won } else { Status::Lost };
    let mut deal = find_deal(tx, reference)?;
    team::may_change(tx, &deal)?;
    if deal.status.is_closed() {
        let (named, reference) = deal_named(tx, &deal)?;
        return Err(Error::conflict(format!(
            "{named} is already {}; reopen it first with rex deal reopen {reference}",
            deal.status
        )));
    }
    let shown = placed(tx, deal.clone())?;
    let now = clock.timestamp();
    deal.status = status;
    deal.closed_at = Some(now.clone());
    deal.close_reason = reason;
    deal.updated_at = now.clone();
    deal.last_activity_at = now.clone();
    record(
        tx,
        &deal,
        &now,
        event::CLOSED,
        json!({
            "status": status, "reason": deal.close_reason, "stage_id": deal.stage_id, "stage": shown.stage,
        }),
    )?;
    tx.update_deal(&deal)?;
    Ok(Placed { deal, ..shown })
}

/// Reopens a won or lost deal.
pub fn reopen(tx: &dyn Tx, clock: &Clock, reference: &str) -> Result<Placed> {
    let mut deal = find_deal(tx, reference)?;
    team::may_change(tx, &deal)?;
    if !deal.status.is_closed() {
        return Err(Error::conflict(format!(
            "{} is {}; only won or lost deals can be reopened",
            deal_named(tx, &deal)?.0,
            deal.status
        )));
    }
    let now = clock.timestamp();
    record(
        tx,
        &deal,
        &now,
        event::REOPENED,
        json!({ "was": deal.status, "closed_at": deal.closed_at, "close_reason": deal.close_reason }),
    )?;
    deal.status = Status::Open;
    deal.closed_at = None;
    deal.close_reason = None;
    mark_activity(tx, &mut deal, &now, "reopen")?;
    tx.update_deal(&deal)?;
    placed(tx, deal)
}

/// Records a note in the history of the deal `reference` names (activity on it).
pub fn note(tx: &dyn Tx, clock: &Clock, reference: &str, text: &str) -> Result<Placed> {
    let text = checked(DealText::Note, text)?;
    let mut deal = find_deal(tx, reference)?;
    team::may_change(tx, &deal)?;
    let now = clock.timestamp();
    record(tx, &deal, &now, event::NOTE, json!({ "text": text }))?;
    mark_activity(tx, &mut deal, &now, "note")?;
    tx.update_deal(&deal)?;
    placed(tx, deal)
}

/// The deal `reference` names, with its `recent` latest history entries.
pub fn show(tx: &dyn Tx, reference: &str, recent: usize) -> Result<Shown> {
    let deal = placed(tx, find_deal(tx, reference)?)?;
    let recent = match recent {
        0 => Vec::new(),
        n => {
            let events = tx.events(deal.deal.id)?;
            events[events.len().saturating_sub(n)..].to_vec()
        }
    };
    Ok(Shown { deal, recent })
}

/// Every event of the deal `reference` names, oldest first.
pub fn history(tx: &dyn Tx, reference: &str) -> Result<Vec<Event>> {
    let id = find_deal(tx, reference)?.id;
    tx.events(id)
}

/// The deals `references` name, for deleting: each once, in the order first named. A full
/// id needs only to exist (a deal whose stored fields are damaged can still be deleted);
/// other references are looked up.
pub fn named_for_delete(tx: &dyn Tx, references: &[String]) -> Result<Vec<DealId>> {
    let mut named: Vec<DealId> = Vec::new();
    for text in references {
        let id = match text.parse::<DealId>() {
            Ok(id) if tx.deal_exists(id)? => id,
            Ok(id) => return Err(Error::not_found(format!("no deal with id {id}"))),
            Err(_) => find_deal(tx, text)?.id,
        };
        team::may_change_id(tx, id)?;
        if !named.contains(&id) {
            named.push(id);
        }
    }
    Ok(named)
}

/// Deletes deals with their history and activities: all of them, or (when one is gone)
/// none. Returns how many activities went with them, counted before they went.
pub fn delete(tx: &dyn Tx, ids: &[DealId]) -> Result<i64> {
    let mut activities = 0;
    for id in ids {
        team::may_change_id(tx, *id)?;
    }
    for id in ids {
        activities += tx.count_activities(*id)?.1;
        if !tx.delete_deal(*id)? {
            return Err(Error::not_found(format!(
                "no deal with id {id}; nothing was deleted"
            )));
        }
    }
    Ok(activities)
}
