//! What rex says about the database as a whole: `rex info`, the records an export writes,
//! and the report of an import.

use comfy_table::Cell;
use serde::Serialize;

use super::views::{count, text};
use super::{Column, Record};
use crate::ops::database::DatabaseInfo;
use crate::record::Deal;

impl Record for DatabaseInfo {
    const FIELDS: &'static [&'static str] = &[
        "version",
        "database",
        "schema_version",
        "backend",
        "pipelines",
        "stages",
        "deals",
        "events",
        "exists",
        "activities",
    ];
    fn id(&self) -> String {
        self.database.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("version", "rex version", |i, _| Cell::new(&i.version)),
            Column::new("database", "Database", |i, _| text(&i.database)),
            Column::new("schema_version", "Schema version", |i, _| {
                Cell::new(i.schema_version)
            }),
            Column::new("backend", "Backend", |i, _| Cell::new(&i.backend)),
            Column::new("pipelines", "Pipelines", |i, _| count(i.counts.pipelines)),
            Column::new("stages", "Stages", |i, _| count(i.counts.stages)),
            Column::new("deals", "Deals", |i, _| count(i.counts.deals)),
            Column::new("events", "History events", |i, _| count(i.counts.events)),
            Column::new("activities", "Activities", |i, _| count(i.activities)),
            Column::new("exists", "Created", |i, _| {
                Cell::new(match i.exists {
                    true => "yes",
                    false => "no: rex pipeline create or rex import creates it",
                })
            }),
        ]
    }
}

/// One line of an export: a pipeline, a deal, an activity or a history event, each in its
/// API shape.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Exported {
    Pipeline(crate::record::Pipeline),
    Deal(Box<Deal>),
    Activity(Box<crate::record::Activity>),
    Event(crate::store::RawEvent),
}

/// A stored event as its API shape, `{"deal_id","at","kind", ...details}`: the details
/// object's text is spliced in as it is, never parsed.
impl Serialize for crate::store::RawEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut line = format!(
            "{{\"deal_id\":{},\"at\":{},\"kind\":{}",
            serde_json::to_string(&self.deal_id).map_err(serde::ser::Error::custom)?,
            serde_json::to_string(&self.at).map_err(serde::ser::Error::custom)?,
            serde_json::to_string(&self.kind).map_err(serde::ser::Error::custom)?,
        );
        let inner = self.details.trim();
        let inner = inner
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or("")
            .trim();
        if !inner.is_empty() {
            line.push(',');
            line.push_str(inner);
        }
        line.push('}');
        serde_json::value::RawValue::from_string(line)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl Record for Exported {
    const FIELDS: &'static [&'static str] = &[];

    fn id(&self) -> String {
        match self {
            Exported::Pipeline(p) => p.id.to_string(),
            Exported::Deal(d) => d.id.to_string(),
            Exported::Activity(a) => a.id.to_string(),
            Exported::Event(e) => e.deal_id.clone(),
        }
    }

    fn columns() -> Vec<Column<Self>> {
        vec![Column::new("id", "Id", |r, _| Cell::new(r.id()))]
    }
}

/// What an import did (or, with --dry-run, would do).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ImportReport {
    pub pipelines: u64,
    pub deals: u64,
    pub events: u64,
    pub dry_run: bool,
    /// Last, as it came last: a script that reads the columns by position keeps working.
    pub activities: u64,
}

impl Record for ImportReport {
    const FIELDS: &'static [&'static str] =
        &["pipelines", "deals", "events", "dry_run", "activities"];

    fn id(&self) -> String {
        String::new()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("pipelines", "Pipelines", |r, _| count(r.pipelines as i64)),
            Column::new("deals", "Deals", |r, _| count(r.deals as i64)),
            Column::new("events", "History events", |r, _| count(r.events as i64)),
            Column::new("dry_run", "Dry run", |r, _| {
                Cell::new(if r.dry_run { "yes" } else { "no" })
            }),
            Column::new("activities", "Activities", |r, _| {
                count(r.activities as i64)
            }),
        ]
    }
}
