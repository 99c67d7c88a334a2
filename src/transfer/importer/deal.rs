//! A deal's record written: read field by field, placed in its pipeline and stage, known
//! by its origin when it comes from another CRM, and inserted or (with `--upsert`)
//! replacing the deal it names, with the history of what changed.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::Importer;
use crate::error::{Error, Result};
use crate::id::{kind_of, DealId};
use crate::json;
use crate::money::Cents;
use crate::ops::lookup::find_stage;
use crate::record::{
    canonical, changes, created_history, name_key, sorted, Deal, DealText, Event, Place,
    Probability, Status,
};
use crate::store::Tx;
use crate::transfer::fields::{refused, Fields};

/// What a deal's record gave beyond the deal made of it, for an upsert to keep the rest of
/// the deal it replaces.
struct Given {
    /// The record's fields.
    keys: HashSet<String>,
    /// Whether it gave an amount.
    value: bool,
    times: Times,
    closed_at: Option<String>,
}

impl Importer {
    /// Writes the deal a record gives: its fields read and checked in order, placed in its
    /// pipeline and stage, known by its origin, then inserted, or with `--upsert` replacing
    /// the deal of its id (or of its origin).
    pub(super) fn deal(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        // What the record gives, for an upsert from another CRM to keep what it does not.
        let given_keys: HashSet<String> = match self.options.upsert {
            true => f.map.keys().map(str::to_string).collect(),
            false => HashSet::new(),
        };
        let given_id = f.parsed("id", |t| t.parse::<DealId>())?;
        let name = DealText::Name
            .check(&f.required_text("name")?)
            .map_err(|e| f.bad("name", e))?;
        let value = self.deal_value(&mut f)?;
        let status = f
            .parsed("status", |t| t.parse::<Status>())?
            .unwrap_or(Status::Open);
        let contact_id = f.parsed("contact_id", |t| DealText::Contact.check(t))?;
        let owner_id = f.parsed("owner_id", |t| DealText::Owner.check(t))?;
        // The names a deal is printed with place it where a record has no ids (a
        // spreadsheet of `deal list --fields name,value,stage_name`); beside the ids they
        // are labels, and the ids place it (a stage renamed since, or a script that
        // changed stage_id alone, is not refused).
        let pipeline_name = f.string("pipeline_name")?;
        let stage_name = f.string("stage_name")?;
        let pipeline_ref = f
            .string("pipeline_id")?
            .or_else(|| pipeline_name.clone())
            .or_else(|| self.options.pipeline.clone());
        let stage_ref = f.string("stage_id")?.or_else(|| stage_name.clone());
        // A deal's next step is worked out from its activities, which an export carries as
        // records of their own: the field a printed deal carries is not read back.
        f.take("next_activity");
        let expected_close = f.parsed("expected_close", |t| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .filter(|d| crate::clock::in_range(*d))
                .ok_or_else(|| format!("'{t}' is not a date like 2026-03-31"))
        })?;
        let metadata = metadata(&mut f)?;
        let now = self.now.clone();
        let times = Times {
            created_at: f.timestamp("created_at")?,
            updated_at: f.timestamp("updated_at")?,
            last_activity_at: f.timestamp("last_activity_at")?,
            stage_entered_at: f.timestamp("stage_entered_at")?,
        };
        // A new deal's times default to its creation, and that to now.
        let created_at = times.created_at.clone().unwrap_or(now.clone());
        let updated_at = times
            .updated_at
            .clone()
            .unwrap_or_else(|| created_at.clone());
        let last_activity_at = times
            .last_activity_at
            .clone()
            .unwrap_or_else(|| updated_at.clone());
        let stage_entered_at = times
            .stage_entered_at
            .clone()
            .unwrap_or_else(|| created_at.clone());
        let given_closed_at = f.timestamp("closed_at")?;
        let closed_at = given_closed_at.clone();
        let origin = f.parsed("origin", |t| DealText::Origin.check(t))?;
        let close_reason = f.parsed("close_reason", |t| DealText::CloseReason.check(t))?;
        let probability = match f.int("probability")? {
            None => None,
            Some(n) => Some(Probability::new(n).map_err(|e| f.bad("probability", e))?),
        };
        // "an open deal", "a won deal".
        let a = if status == Status::Open { "an" } else { "a" };
        let closed_at = match (status.is_closed(), closed_at) {
            (true, c) => Some(c.unwrap_or(now.clone())),
            (false, None) => None,
            (false, Some(_)) => {
                return Err(f.bad(
                    "closed_at",
                    format!("{a} {status} deal has no closed_at; leave it null"),
                ))
            }
        };
        if close_reason.is_some() && !status.is_closed() {
            return Err(f.bad(
                "close_reason",
                format!("{a} {status} deal has no close_reason; leave it null"),
            ));
        }
        let to = self.deal_place(tx, &f, pipeline_ref, stage_ref.as_deref(), status)?;
        let at = f.at;
        f.finish()?;
        let mut deal = Deal {
            id: given_id.unwrap_or_else(DealId::new),
            name,
            value: value.unwrap_or_default(),
            status,
            contact_id,
            pipeline_id: to.pipeline_id,
            stage_id: to.stage_id,
            expected_close,
            owner_id,
            metadata,
            created_at,
            updated_at,
            last_activity_at,
            stage_entered_at,
            closed_at,
            close_reason,
            probability,
            origin,
        };
        self.known_by_origin(&mut deal, at)?;
        let origin = deal.origin.clone();
        let translated = self.options.translated;
        let taken = |e: Error| origin_taken(at, origin.as_deref(), translated, e);
        let replaced = if self.options.upsert {
            tx.deal(deal.id)?
        } else {
            None
        };
        // A member of a team imports only deals of its own.
        let team = |e: Error| match e {
            Error::Forbidden(m) => Error::Forbidden(format!("{at}: {m}; nothing was imported")),
            e => e,
        };
        if let Some(before) = &replaced {
            crate::ops::team::may_change(tx, before).map_err(team)?;
        }
        crate::ops::team::may_own(tx, deal.owner_id.as_deref()).map_err(team)?;
        match replaced {
            Some(before) => {
                let given = Given {
                    keys: given_keys,
                    value: value.is_some(),
                    times,
                    closed_at: given_closed_at,
                };
                let history = self.upsert(tx, &mut deal, &before, given, to, &now)?;
                for e in &history {
                    tx.add_event(e)?;
                }
                if deal != before {
                    tx.update_deal(&deal).map_err(taken)?;
                }
            }
            None => {
                if value.is_none() {
                    self.no_amount += 1;
                }
                if !tx.insert_deal_if_new(&deal).map_err(taken)? {
                    return Err(deal_exists(at, deal.id));
                }
                if given_id.is_none() {
                    for e in created_history(&deal, &to, "import") {
                        tx.add_event(&e)?;
                    }
                }
            }
        }
        if let Some(origin) = deal.origin {
            self.origins.insert(origin, deal.id);
        }
        self.report.deals += 1;
        Ok(())
    }

    /// The deal's amount, in cents (`value`) or dollars (`value_dollars`). An amount is
    /// optional in another CRM's export (None): a new deal without one is $0.00 (counted,
    /// for the import to say), and an upserted one keeps its own.
    fn deal_value(&self, f: &mut Fields) -> Result<Option<Cents>> {
        let value = match (f.take("value"), f.string("value_dollars")?) {
            (Some(Value::Number(n)), None) if n.as_i64().is_some() => {
                Some(Cents::new(n.as_i64().unwrap_or_default()).map_err(|e| f.bad("value", e))?)
            }
            (Some(other), None) => {
                return Err(f.bad(
                    "value",
                    format!("expected whole cents like 500000, got {other}"),
                ))
            }
            (None, Some(d)) => Some(
                Cents::dollars(&d)
                    .and_then(|x| self.options.rounding.cents(&x, &d))
                    .map_err(|e| f.bad("value_dollars", e))?,
            ),
            (None, None) if self.options.translated => None,
            (None, None) => {
                return Err(f.bad(
                    "value",
                    "it is missing (give value in cents or value_dollars)",
                ))
            }
            // Both, as a deal is printed: the cents count, and the dollars must say the same.
            (Some(Value::Number(n)), Some(d))
                if n.as_i64().is_some()
                    && Cents::dollars(&d)
                        .and_then(|x| Cents::exact(&x))
                        .is_ok_and(|c| Some(c.get()) == n.as_i64()) =>
            {
                Some(Cents::new(n.as_i64().unwrap_or_default()).map_err(|e| f.bad("value", e))?)
            }
            (Some(_), Some(d)) => {
                return Err(f.bad(
                    "value_dollars",
                    format!("'{d}' is not the same amount as value; give value or value_dollars, not both, or both alike"),
                ))
            }
        };
        Ok(value)
    }

    /// Where a deal goes: the pipeline the record names (or `--pipeline`, or the only one;
    /// made with `--create-stages`) and the stage it names (made likewise), else the
    /// pipeline's first stage.
    fn deal_place(
        &mut self,
        tx: &dyn Tx,
        f: &Fields,
        pipeline_ref: Option<String>,
        stage_ref: Option<&str>,
        status: Status,
    ) -> Result<Place> {
        let pid = self.pipeline_for(tx, f, pipeline_ref, stage_ref)?;
        if let Some(s) = stage_ref {
            let known = self.pipelines.get(&pid).is_some_and(|p| {
                p.stages
                    .iter()
                    .any(|st| name_key(&st.name) == name_key(s) || st.id.to_string() == s)
            });
            if !known && self.options.create_stages && kind_of(s).is_none() {
                self.add_stage(tx, f, pid, s)?;
            }
        }
        let p = self
            .pipelines
            .get(&pid)
            .ok_or_else(|| Error::not_found(format!("no pipeline with id {pid}")))?;
        let stage = match stage_ref {
            // A deal closed in another CRM without a stage of its own (an outcome stage such
            // as Closed Won) ends in the pipeline's last stage.
            None if self.options.translated && status.is_closed() => {
                p.stages.last().unwrap_or(&p.stages[0])
            }
            None => &p.stages[0],
            Some(s) => find_stage(tx, p, s).map_err(|e| match e {
                Error::Usage(m) | Error::NotFound(m) | Error::Conflict(m) => Error::not_found(
                    format!("{}: field 'stage_id': {m}; nothing was imported", f.at),
                ),
                other => other,
            })?,
        };
        Ok(Place {
            pipeline_id: p.id,
            pipeline: p.name.clone(),
            stage_id: stage.id,
            stage: stage.name.clone(),
        })
    }

    /// A deal from another CRM is known by its origin: a file gives each deal once, and
    /// importing it again updates it (with --upsert: `deal` takes the id of the deal
    /// imported before) or is refused.
    fn known_by_origin(&mut self, deal: &mut Deal, at: &str) -> Result<()> {
        if let Some(origin) = &deal.origin {
            if let Some(first) = self.seen.get(origin) {
                return Err(Error::usage(format!(
                    "{at}: the deal from {origin} is also on {first}; give each deal once; nothing was imported"
                )));
            }
            self.seen.insert(origin.clone(), at.to_string());
            if let Some(existing) = self.origins.get(origin) {
                if !self.options.upsert {
                    return Err(Error::conflict(format!(
                        "{at}: the deal from {origin} was imported before ({existing}); use --upsert to update it; nothing was imported"
                    )));
                }
                deal.id = *existing;
            }
        }
        Ok(())
    }

    /// Makes `deal`, which goes `to` a place, the one that replaces `before` (an upsert),
    /// and returns the history of what it changes. An upsert is a change like any other:
    /// its history says what it changed, and times the record does not give are the deal's
    /// own until it changes. From another CRM, what the record does not give is the deal's
    /// own.
    fn upsert(
        &self,
        tx: &dyn Tx,
        deal: &mut Deal,
        before: &Deal,
        given: Given,
        to: Place,
        now: &str,
    ) -> Result<Vec<Event>> {
        let translated = self.options.translated;
        let from = match self.pipelines.get(&before.pipeline_id) {
            Some(p) => Some(Place::in_pipeline(p, before.stage_id)),
            None => tx
                .pipeline(before.pipeline_id)?
                .map(|p| Place::in_pipeline(&p, before.stage_id)),
        }
        .unwrap_or_else(|| to.clone());
        // Where the deal came from is kept unless the record says otherwise, and so is its
        // value.
        if deal.origin.is_none() {
            deal.origin = before.origin.clone();
        }
        if !given.value {
            deal.value = before.value;
        }
        if translated {
            let absent = |key: &str| !given.keys.contains(key);
            if absent("contact_id") {
                deal.contact_id = before.contact_id.clone();
            }
            if absent("owner_id") {
                deal.owner_id = before.owner_id.clone();
            }
            if absent("expected_close") {
                deal.expected_close = before.expected_close;
            }
            if absent("probability") {
                deal.probability = before.probability;
            }
            if absent("close_reason") && deal.status == before.status {
                deal.close_reason = before.close_reason.clone();
            }
            // Metadata is a column each: a column the file does not have, or an empty cell,
            // leaves its key as it was; the file's keys replace theirs. (A value given in
            // dollars this time drops the conversion's record.)
            let mut merged = before.metadata.clone();
            if given.value && !deal.metadata.contains_key("original_currency") {
                merged.shift_remove("original_value");
                merged.shift_remove("original_currency");
            }
            merged.extend(std::mem::take(&mut deal.metadata));
            deal.metadata = sorted(merged);
        }
        // A file that says nothing of where a deal is (no status, stage or pipeline) leaves
        // it where it is, open or closed.
        let unplaced = translated
            && ["status", "stage_id", "pipeline_id"]
                .iter()
                .all(|k| !given.keys.contains(*k));
        let to = if unplaced {
            deal.status = before.status;
            deal.pipeline_id = before.pipeline_id;
            deal.stage_id = before.stage_id;
            deal.closed_at = before.closed_at.clone();
            deal.close_reason = before.close_reason.clone();
            from.clone()
        } else {
            to
        };
        let history = changes(before, deal, &from, &to, now, "import");
        given
            .times
            .keep_or_stamp(deal, before, given.closed_at, !history.is_empty(), now);
        Ok(history)
    }
}

/// The deal's metadata: an object, checked as strictly as any JSON rex reads, its keys in
/// order. Each key is held to the rule `--meta` keys are (`DealText::MetaKey`) and kept
/// trimmed as `--meta` keeps it; two keys that are one once trimmed are refused.
fn metadata(f: &mut Fields) -> Result<Map<String, Value>> {
    let metadata = match f.take("metadata") {
        None => Map::new(),
        Some(Value::Object(given)) => {
            let mut m = Map::new();
            for (key, value) in given {
                let clean = DealText::MetaKey
                    .check(&key)
                    .map_err(|e| f.bad("metadata", e))?;
                if m.contains_key(&clean) {
                    return Err(f.bad(
                        "metadata",
                        format!("the key '{clean}' is given twice (once with spaces around it); give it once"),
                    ));
                }
                m.insert(clean, value);
            }
            let m = sorted(m);
            json::check_object(&m, json::MAX_DEPTH).map_err(|r| refused(f.at, "metadata", &r))?;
            match canonical(Value::Object(m)) {
                Value::Object(m) => m,
                _ => Map::new(),
            }
        }
        Some(other) => return Err(f.bad("metadata", format!("expected an object, got {other}"))),
    };
    Ok(metadata)
}

/// The times an imported deal's record gives; None where it gives none.
struct Times {
    created_at: Option<String>,
    updated_at: Option<String>,
    last_activity_at: Option<String>,
    stage_entered_at: Option<String>,
}

impl Times {
    /// The times of `deal`, which replaces `before` in an upsert: each time the record gives
    /// is kept as given; the others stay `before`'s, except that a change (`changed`) is
    /// activity now (as with `deal update`), a move enters its stage now, and a close closes
    /// now. An upsert that changes nothing changes no time.
    fn keep_or_stamp(
        self,
        deal: &mut Deal,
        before: &Deal,
        closed_at: Option<String>,
        changed: bool,
        now: &str,
    ) {
        let moved = deal.pipeline_id != before.pipeline_id || deal.stage_id != before.stage_id;
        let stamp = |given: Option<String>, kept: &str, moves: bool| {
            given.unwrap_or_else(|| if moves { now } else { kept }.to_string())
        };
        deal.created_at = stamp(self.created_at, &before.created_at, false);
        deal.updated_at = stamp(self.updated_at, &before.updated_at, changed);
        deal.last_activity_at = stamp(self.last_activity_at, &before.last_activity_at, changed);
        deal.stage_entered_at = stamp(self.stage_entered_at, &before.stage_entered_at, moved);
        let still_closed = before.status == deal.status && !moved;
        deal.closed_at = match (deal.status.is_closed(), closed_at) {
            (false, _) => None,
            (true, Some(given)) => Some(given),
            (true, None) if still_closed => before.closed_at.clone().or(Some(now.to_string())),
            (true, None) => Some(now.to_string()),
        };
    }
}

/// The deal on `at` refused because a deal of its id exists.
pub(super) fn deal_exists(at: &str, id: DealId) -> Error {
    Error::conflict(format!(
        "{at}: deal {id} already exists; use --upsert to replace it; nothing was imported"
    ))
}

/// A write of the deal on `at` refused because its origin is another deal's (a unique key):
/// another import stored it meanwhile (a file from another CRM), or a record of rex's own
/// gives another deal's origin.
pub(super) fn origin_taken(at: &str, origin: Option<&str>, translated: bool, e: Error) -> Error {
    let Some(origin) = origin else { return e };
    if !matches!(e, Error::Conflict(_)) {
        return e;
    }
    let why = if translated {
        format!("the deal from {origin} was imported meanwhile by another import; use --upsert to update it")
    } else {
        format!("field 'origin': another deal already comes from {origin}")
    };
    Error::conflict(format!("{at}: {why}; nothing was imported"))
}
