//! A deal's history as people read it: each event in words, and its columns in a table.

use comfy_table::Cell;
use serde_json::Value;

use super::views::{meta_value, opt, text};
use super::{Column, Fit, Record};
use crate::money::Cents;
use crate::record::Event;

impl Record for Event {
    /// The common fields, then every detail any kind of event carries.
    const FIELDS: &'static [&'static str] = &[
        "deal_id",
        "at",
        "kind",
        "name",
        "value",
        "pipeline_id",
        "pipeline",
        "stage_id",
        "stage",
        "field",
        "old",
        "new",
        "from_pipeline_id",
        "from_pipeline",
        "from_stage_id",
        "from_stage",
        "to_pipeline_id",
        "to_pipeline",
        "to_stage_id",
        "to_stage",
        "reason",
        "status",
        "was",
        "closed_at",
        "close_reason",
        "text",
        "idle_days",
        "stall_days",
        "by",
        "actor",
        "activity_id",
        "type",
        "subject",
        "due_date",
        "due_time",
        "from_due_date",
        "from_due_time",
        "to_due_date",
        "to_due_time",
        "done",
    ];
    fn id(&self) -> String {
        self.deal_id.to_string()
    }

    /// deal_id, at, kind, the details as one JSON object, and the actor: the same columns
    /// for every kind.
    fn tsv_values(&self) -> Vec<Value> {
        vec![
            Value::String(self.deal_id.to_string()),
            Value::String(self.at.clone()),
            Value::String(self.kind.clone()),
            Value::Object(self.details.clone()),
            self.actor.clone().map_or(Value::Null, Value::String),
        ]
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("at", "When", |e: &Event, s| Cell::new(s.short_time(&e.at))),
            Column::new("kind", "Event", |e: &Event, _| Cell::new(&e.kind)),
            Column::new("actor", "By", |e: &Event, _| opt(&e.actor)).fit(Fit::Text(1)),
            Column::new("details", "Details", |e: &Event, _| text(&describe(e))).fit(Fit::Wrap),
        ]
    }
}

/// A history entry in words.
pub fn describe(e: &Event) -> String {
    let d = &e.details;
    let s = |k: &str| d.get(k).map(show_value).unwrap_or_default();
    match e.kind.as_str() {
        "created" => format!(
            "{} in {} / {}, {}",
            s("name"),
            s("pipeline"),
            s("stage"),
            money_value(d.get("value"))
        ),
        "updated" => {
            let field = s("field");
            let (old, new) = if field == "value" {
                (money_value(d.get("old")), money_value(d.get("new")))
            } else {
                (s("old"), s("new"))
            };
            let blank = |v: String| {
                if v.is_empty() {
                    "(none)".to_string()
                } else {
                    v
                }
            };
            format!("{field}: {} → {}", blank(old), blank(new))
        }
        "moved" => {
            let mut t = format!("{} → {}", s("from_stage"), s("to_stage"));
            if d.get("from_pipeline") != d.get("to_pipeline") {
                t = format!("{} / {}", s("from_pipeline"), s("from_stage"));
                t = format!("{t} → {} / {}", s("to_pipeline"), s("to_stage"));
            }
            match d.get("reason") {
                Some(Value::String(r)) => format!("{t} ({r})"),
                _ => t,
            }
        }
        "closed" => {
            let mut t = format!("{} in {}", s("status"), s("stage"));
            if let Some(Value::String(r)) = d.get("reason") {
                t.push_str(&format!(": {r}"));
            }
            t
        }
        "reopened" => format!("was {}", s("was")),
        "note" => s("text"),
        "stalled" => format!("idle {} days (period {})", s("idle_days"), s("stall_days")),
        "unstalled" => format!("activity: {}", s("by")),
        _ => super::activity::describe_event(e)
            .unwrap_or_else(|| Value::Object(d.clone()).to_string()),
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => meta_value(other),
    }
}

fn money_value(v: Option<&Value>) -> String {
    match v.and_then(Value::as_i64).map(Cents::stored) {
        Some(Ok(c)) => c.to_string(),
        _ => v.map(show_value).unwrap_or_default(),
    }
}
