//! A deal's history: the events rex records, and what changed between two states of a deal.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Deal, Pipeline, Stage, Status};
use crate::id::{DealId, PipelineId, StageId};

/// One entry in a deal's history. Serialized flat: `{"deal_id","at","kind", ...details,
/// "actor"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub deal_id: DealId,
    pub at: String,
    pub kind: String,
    #[serde(flatten)]
    pub details: Map<String, Value>,
    /// Who recorded it, as the database wrote it down: never taken from the event written
    /// (each backend records its own: the person SQLite was told of, PostgreSQL's login),
    /// so None on an event not yet stored, and on one stored before rex recorded actors.
    pub actor: Option<String>,
}

/// A deal's pipeline and stage, with the names they had at that moment (history keeps both).
#[derive(Debug, Clone)]
pub struct Place {
    pub pipeline_id: PipelineId,
    pub pipeline: String,
    pub stage_id: StageId,
    pub stage: String,
}

impl Place {
    /// `stage` of pipeline `p`, named as they are now.
    pub fn of(p: &Pipeline, stage: &Stage) -> Place {
        Place {
            pipeline_id: p.id,
            pipeline: p.name.clone(),
            stage_id: stage.id,
            stage: stage.name.clone(),
        }
    }

    /// The stage with this id in pipeline `p`.
    pub fn in_pipeline(p: &Pipeline, stage: StageId) -> Place {
        Place {
            pipeline_id: p.id,
            pipeline: p.name.clone(),
            stage_id: stage,
            stage: p.stage(stage).map(|s| s.name.clone()).unwrap_or_default(),
        }
    }
}

impl Event {
    /// An event with `details`, a JSON object (anything else records no details).
    pub fn new(deal_id: DealId, at: &str, kind: &str, details: Value) -> Event {
        let details = match details {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        Event {
            deal_id,
            at: at.to_string(),
            kind: kind.to_string(),
            details,
            actor: None,
        }
    }

    /// The first entry of a deal's history, at its creation time.
    pub fn created(deal: &Deal, place: &Place) -> Event {
        let details = serde_json::json!({
            "name": deal.name, "value": deal.value, "pipeline_id": place.pipeline_id, "pipeline": place.pipeline,
            "stage_id": place.stage_id, "stage": place.stage,
        });
        Event::new(deal.id, &deal.created_at, event::CREATED, details)
    }

    /// A move between stages (and maybe pipelines), with why when it was not asked for.
    pub fn moved(
        deal_id: DealId,
        at: &str,
        from: &Place,
        to: &Place,
        reason: Option<&str>,
    ) -> Event {
        let mut details = serde_json::json!({
            "from_pipeline_id": from.pipeline_id, "from_pipeline": from.pipeline,
            "from_stage_id": from.stage_id, "from_stage": from.stage,
            "to_pipeline_id": to.pipeline_id, "to_pipeline": to.pipeline,
            "to_stage_id": to.stage_id, "to_stage": to.stage,
        });
        if let Some(r) = reason {
            details["reason"] = Value::from(r);
        }
        Event::new(deal_id, at, event::MOVED, details)
    }
}

/// The history entries that take a deal from `before` to `after`, in an order that replays:
/// a closed deal that changes status or stage is reopened first; then each changed field
/// (`updated`), the move between stages (`moved`, from `from` to `to`), and last the status
/// it ends in (`closed`, `stalled` or `unstalled`, the last two saying `by` what).
/// Activity stamps (`updated_at`, `last_activity_at`, ...) are not history.
pub fn changes(
    before: &Deal,
    after: &Deal,
    from: &Place,
    to: &Place,
    at: &str,
    by: &str,
) -> Vec<Event> {
    use serde_json::json;
    let id = after.id;
    let mut out = Vec::new();
    let moves = before.pipeline_id != after.pipeline_id || before.stage_id != after.stage_id;
    let reopens = before.status.is_closed() && (before.status != after.status || moves);
    if reopens {
        out.push(Event::new(
            id,
            at,
            event::REOPENED,
            json!({ "was": before.status, "closed_at": before.closed_at, "close_reason": before.close_reason }),
        ));
    }
    let mut field = |name: &str, old: Value, new: Value| {
        if old != new {
            out.push(Event::new(
                id,
                at,
                event::UPDATED,
                json!({ "field": name, "old": old, "new": new }),
            ));
        }
    };
    let date = |d: Option<NaiveDate>| json!(d.map(crate::clock::format_date));
    field("name", json!(before.name), json!(after.name));
    field("value", json!(before.value), json!(after.value));
    field(
        "contact_id",
        json!(before.contact_id),
        json!(after.contact_id),
    );
    field("owner_id", json!(before.owner_id), json!(after.owner_id));
    field(
        "expected_close",
        date(before.expected_close),
        date(after.expected_close),
    );
    let mut keys: Vec<&String> = before
        .metadata
        .keys()
        .chain(after.metadata.keys())
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let old = before.metadata.get(key).cloned().unwrap_or(Value::Null);
        let new = after.metadata.get(key).cloned().unwrap_or(Value::Null);
        field(&format!("metadata.{key}"), old, new);
    }
    field(
        "probability",
        json!(before.probability),
        json!(after.probability),
    );
    if !reopens && before.status.is_closed() && after.status == before.status {
        field(
            "close_reason",
            json!(before.close_reason),
            json!(after.close_reason),
        );
    }
    if moves {
        out.push(Event::moved(id, at, from, to, None));
    }
    let current = if reopens { Status::Open } else { before.status };
    let last = match (current, after.status) {
        (now, then) if now == then => None,
        (_, Status::Won | Status::Lost) => Some((
            event::CLOSED,
            json!({ "status": after.status, "reason": after.close_reason, "stage_id": to.stage_id, "stage": to.stage }),
        )),
        (_, Status::Stalled) => Some((event::STALLED, json!({ "by": by }))),
        (_, Status::Open) => Some((event::UNSTALLED, json!({ "by": by }))),
    };
    if let Some((kind, details)) = last {
        out.push(Event::new(id, at, kind, details));
    }
    out
}

/// A new deal's history: `created`, then the status it is in when that is not open
/// (`closed` at its `closed_at`, or `stalled`, saying `by` what), so that replaying its
/// history gives the deal as it is.
pub fn created_history(deal: &Deal, place: &Place, by: &str) -> Vec<Event> {
    let opened = Deal {
        status: Status::Open,
        closed_at: None,
        close_reason: None,
        ..deal.clone()
    };
    let at = deal.closed_at.as_deref().unwrap_or(&deal.created_at);
    let mut out = vec![Event::created(deal, place)];
    out.extend(changes(&opened, deal, place, place, at, by));
    out
}

/// The event kinds a deal's history holds.
pub mod event {
    pub const CREATED: &str = "created";
    pub const UPDATED: &str = "updated";
    pub const MOVED: &str = "moved";
    pub const CLOSED: &str = "closed";
    pub const REOPENED: &str = "reopened";
    pub const NOTE: &str = "note";
    pub const STALLED: &str = "stalled";
    pub const UNSTALLED: &str = "unstalled";
    pub const ACTIVITY_SCHEDULED: &str = "activity_scheduled";
    pub const ACTIVITY_RESCHEDULED: &str = "activity_rescheduled";
    pub const ACTIVITY_DONE: &str = "activity_done";
    pub const ACTIVITY_UNDONE: &str = "activity_undone";
    pub const ACTIVITY_DELETED: &str = "activity_deleted";

    pub const ALL: [&str; 13] = [
        CREATED,
        UPDATED,
        MOVED,
        CLOSED,
        REOPENED,
        NOTE,
        STALLED,
        UNSTALLED,
        ACTIVITY_SCHEDULED,
        ACTIVITY_RESCHEDULED,
        ACTIVITY_DONE,
        ACTIVITY_UNDONE,
        ACTIVITY_DELETED,
    ];
}
