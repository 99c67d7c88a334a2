//! What each kind of record looks like in a table. JSON shapes come from serde.

use comfy_table::{Attribute, Cell, Color as TermColor};
use serde::Serialize;
use serde_json::Value;

use super::{neutralise, Column, Record, Style};
use crate::money::{dollars, Cents};
use crate::record::{Deal, Event, Stage, StageStall, Status};
use crate::store::{Counts, PipelineSummary, StageCounts};

/// A deal with the names a person reads instead of ids. Serializes as the deal alone.
#[derive(Debug, Clone)]
pub struct DealView {
    pub deal: Deal,
    pub pipeline_name: String,
    pub stage_name: String,
    /// The latest history entries, shown under `deal show` on a terminal.
    pub recent: Vec<Event>,
    /// The shortest end of its id that names it (for tables), when known.
    pub short_ref: Option<String>,
}

impl Serialize for DealView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.deal.serialize(s)
    }
}

/// A pipeline with the open and stalled deals of each stage: the board.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineView {
    pub id: crate::id::PipelineId,
    pub name: String,
    pub stall_days: u32,
    pub created_at: String,
    pub updated_at: String,
    pub stages: Vec<BoardStage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardStage {
    #[serde(flatten)]
    pub stage: Stage,
    /// The period that applies to this stage's deals; null when they never stall.
    pub effective_stall_days: Option<u32>,
    #[serde(flatten)]
    pub counts: StageCounts,
}

/// An active deal past its stall period.
#[derive(Debug, Clone, Serialize)]
pub struct StalledView {
    #[serde(flatten)]
    pub deal: DealView,
    pub idle_days: i64,
    pub stall_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct InfoView {
    pub version: String,
    pub database: String,
    pub schema_version: i64,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The deal record's JSON fields, in order, followed by any extra ones.
macro_rules! deal_fields {
    ($($extra:literal),*) => {
        &[
            "id",
            "name",
            "value",
            "status",
            "contact_id",
            "pipeline_id",
            "stage_id",
            "expected_close",
            "owner_id",
            "metadata",
            "created_at",
            "updated_at",
            "last_activity_at",
            "stage_entered_at",
            "closed_at",
            "close_reason",
            $($extra),*
        ]
    };
}

/// The deal record's JSON fields, in order.
pub const DEAL_FIELDS: &[&str] = deal_fields!();

/// The pipeline record's JSON fields, in order.
pub const PIPELINE_FIELDS: &[&str] = &[
    "id",
    "name",
    "stall_days",
    "created_at",
    "updated_at",
    "stages",
];

fn text(s: &str) -> Cell {
    Cell::new(neutralise(s))
}

fn opt(s: &Option<String>) -> Cell {
    text(s.as_deref().unwrap_or(""))
}

fn money(c: impl Into<i128>) -> Cell {
    Cell::new(dollars(c.into())).set_alignment(comfy_table::CellAlignment::Right)
}

fn count(n: i64) -> Cell {
    Cell::new(n).set_alignment(comfy_table::CellAlignment::Right)
}

fn status(s: Status) -> Cell {
    let cell = Cell::new(s.as_str());
    match s {
        Status::Open => cell.fg(TermColor::Blue),
        Status::Won => cell.fg(TermColor::Green),
        Status::Lost => cell.fg(TermColor::Red),
        Status::Stalled => cell.fg(TermColor::Yellow),
    }
}

fn bold(s: &str) -> Cell {
    Cell::new(s).add_attribute(Attribute::Bold)
}

/// A metadata value as a person reads it: strings bare, anything else as JSON.
fn meta_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn metadata(d: &Deal) -> Cell {
    let lines: Vec<String> = d
        .metadata
        .iter()
        .map(|(k, v)| format!("{k}={}", meta_value(v)))
        .collect();
    text(&lines.join("\n"))
}

fn date(d: &Deal) -> Cell {
    Cell::new(
        d.expected_close
            .map(crate::clock::format_date)
            .unwrap_or_default(),
    )
}

impl Record for DealView {
    const FIELDS: &'static [&'static str] = DEAL_FIELDS;
    fn id(&self) -> String {
        self.deal.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "name",
                header: "Name",
                cell: |v| text(&v.deal.name),
            },
            Column {
                field: "value",
                header: "Value",
                cell: |v| money(v.deal.value.get()),
            },
            Column {
                field: "status",
                header: "Status",
                cell: |v| status(v.deal.status),
            },
            Column {
                field: "pipeline_id",
                header: "Pipeline",
                cell: |v| text(&v.pipeline_name),
            },
            Column {
                field: "stage_id",
                header: "Stage",
                cell: |v| text(&v.stage_name),
            },
            Column {
                field: "owner_id",
                header: "Owner",
                cell: |v| opt(&v.deal.owner_id),
            },
            Column {
                field: "expected_close",
                header: "Close",
                cell: |v| date(&v.deal),
            },
            Column {
                field: "id",
                header: "Id",
                cell: |v| Cell::new(v.deal.id),
            },
        ]
    }

    fn detail(&self, style: &Style) -> Vec<comfy_table::Table> {
        let d = &self.deal;
        let mut t = style.table();
        let rows: Vec<(&str, Cell)> = vec![
            ("Id", Cell::new(d.id)),
            ("Name", text(&d.name)),
            ("Value", Cell::new(d.value)),
            ("Status", status(d.status)),
            ("Pipeline", text(&self.pipeline_name)),
            ("Stage", text(&self.stage_name)),
            ("Contact", opt(&d.contact_id)),
            ("Owner", opt(&d.owner_id)),
            ("Expected close", date(d)),
            ("Metadata", metadata(d)),
            ("Created", Cell::new(&d.created_at)),
            ("Updated", Cell::new(&d.updated_at)),
            ("Last activity", Cell::new(&d.last_activity_at)),
            ("In stage since", Cell::new(&d.stage_entered_at)),
            ("Closed", opt(&d.closed_at)),
            ("Close reason", opt(&d.close_reason)),
        ];
        for (k, v) in rows {
            t.add_row(vec![bold(k), v]);
        }
        let mut out = vec![t];
        if !self.recent.is_empty() {
            let mut h = style.table();
            h.set_header(vec![bold("When"), bold("Event"), bold("Details")]);
            for e in &self.recent {
                h.add_row(vec![
                    Cell::new(&e.at),
                    Cell::new(&e.kind),
                    text(&describe(e)),
                ]);
            }
            out.push(h);
        }
        out
    }

    fn summary(rows: &[Self]) -> Option<String> {
        let total: i128 = rows.iter().map(|r| i128::from(r.deal.value.get())).sum();
        let noun = if rows.len() == 1 { "deal" } else { "deals" };
        Some(format!("{} {noun}, total {}", rows.len(), dollars(total)))
    }
}

impl Record for StalledView {
    const FIELDS: &'static [&'static str] = deal_fields!("idle_days", "stall_days");
    fn id(&self) -> String {
        self.deal.id()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "name",
                header: "Name",
                cell: |v| text(&v.deal.deal.name),
            },
            Column {
                field: "value",
                header: "Value",
                cell: |v| money(v.deal.deal.value.get()),
            },
            Column {
                field: "status",
                header: "Status",
                cell: |v| status(v.deal.deal.status),
            },
            Column {
                field: "pipeline_id",
                header: "Pipeline",
                cell: |v| text(&v.deal.pipeline_name),
            },
            Column {
                field: "stage_id",
                header: "Stage",
                cell: |v| text(&v.deal.stage_name),
            },
            Column {
                field: "owner_id",
                header: "Owner",
                cell: |v| opt(&v.deal.deal.owner_id),
            },
            Column {
                field: "idle_days",
                header: "Idle days",
                cell: |v| count(v.idle_days),
            },
            Column {
                field: "stall_days",
                header: "Period",
                cell: |v| count(v.stall_days.into()),
            },
            Column {
                field: "id",
                header: "Id",
                cell: |v| Cell::new(v.deal.deal.id),
            },
        ]
    }

    fn summary(rows: &[Self]) -> Option<String> {
        let total: i128 = rows
            .iter()
            .map(|r| i128::from(r.deal.deal.value.get()))
            .sum();
        let noun = if rows.len() == 1 { "deal" } else { "deals" };
        Some(format!(
            "{} stalled {noun}, total {}",
            rows.len(),
            dollars(total)
        ))
    }
}

impl Record for PipelineView {
    const FIELDS: &'static [&'static str] = PIPELINE_FIELDS;
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "name",
                header: "Name",
                cell: |v| text(&v.name),
            },
            Column {
                field: "stall_days",
                header: "Stall days",
                cell: |v| count(v.stall_days.into()),
            },
            Column {
                field: "stages",
                header: "Stages",
                cell: |v| {
                    text(
                        &v.stages
                            .iter()
                            .map(|s| s.stage.name.as_str())
                            .collect::<Vec<_>>()
                            .join(" → "),
                    )
                },
            },
            Column {
                field: "id",
                header: "Id",
                cell: |v| Cell::new(v.id),
            },
        ]
    }

    fn detail(&self, style: &Style) -> Vec<comfy_table::Table> {
        let mut head = style.table();
        head.add_row(vec![bold("Pipeline"), text(&self.name)]);
        head.add_row(vec![bold("Id"), Cell::new(self.id)]);
        head.add_row(vec![
            bold("Stall period"),
            Cell::new(format!("{} days", self.stall_days)),
        ]);
        let mut board = style.table();
        board.set_header(
            [
                "#",
                "Stage",
                "Colour",
                "Stalls after",
                "Open",
                "Open value",
                "Stalled",
                "Stalled value",
            ]
            .map(bold),
        );
        let (mut open, mut open_value, mut stalled, mut stalled_value) = (0i64, 0i128, 0i64, 0i128);
        for b in &self.stages {
            let c = &b.counts;
            open += c.open_count;
            stalled += c.stalled_count;
            open_value += c.open_value;
            stalled_value += c.stalled_value;
            let swatch = hex_rgb(b.stage.color.as_str())
                .map(|(r, g, bl)| {
                    Cell::new(format!("■ {}", b.stage.color.as_str())).fg(TermColor::Rgb {
                        r,
                        g,
                        b: bl,
                    })
                })
                .unwrap_or_else(|| Cell::new(b.stage.color.as_str()));
            let stalls = match b.effective_stall_days {
                Some(n) if b.stage.stall_days == StageStall::Pipeline => format!("{n} days"),
                Some(n) => format!("{n} days (stage)"),
                None => "never".into(),
            };
            board.add_row(vec![
                count(b.stage.position.into()),
                text(&b.stage.name),
                swatch,
                Cell::new(stalls),
                count(c.open_count),
                money(c.open_value),
                count(c.stalled_count),
                money(c.stalled_value),
            ]);
        }
        board.add_row(vec![
            Cell::new(""),
            bold("Total"),
            Cell::new(""),
            Cell::new(""),
            count(open),
            Cell::new(dollars(open_value)).set_alignment(comfy_table::CellAlignment::Right),
            count(stalled),
            Cell::new(dollars(stalled_value)).set_alignment(comfy_table::CellAlignment::Right),
        ]);
        if let Some(col) = board.column_mut(1) {
            col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
        vec![head, board]
    }
}

fn hex_rgb(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    let n = u32::from_str_radix(h, 16).ok()?;
    Some(((n >> 16) as u8, (n >> 8) as u8, n as u8))
}

impl Record for PipelineSummary {
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "stall_days",
        "stage_count",
        "open_count",
        "open_value",
        "created_at",
        "updated_at",
    ];
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "name",
                header: "Name",
                cell: |p| text(&p.name),
            },
            Column {
                field: "stage_count",
                header: "Stages",
                cell: |p| count(p.stage_count),
            },
            Column {
                field: "open_count",
                header: "Open deals",
                cell: |p| count(p.open_count),
            },
            Column {
                field: "open_value",
                header: "Open value",
                cell: |p| money(p.open_value),
            },
            Column {
                field: "stall_days",
                header: "Stall days",
                cell: |p| count(p.stall_days.into()),
            },
            Column {
                field: "id",
                header: "Id",
                cell: |p| Cell::new(p.id),
            },
        ]
    }
}

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
    ];
    fn id(&self) -> String {
        self.deal_id.to_string()
    }

    /// deal_id, at, kind, and the details as one JSON object: the same columns for every kind.
    fn tsv_values(&self) -> Vec<Value> {
        vec![
            Value::String(self.deal_id.to_string()),
            Value::String(self.at.clone()),
            Value::String(self.kind.clone()),
            Value::Object(self.details.clone()),
        ]
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "at",
                header: "When",
                cell: |e| Cell::new(&e.at),
            },
            Column {
                field: "kind",
                header: "Event",
                cell: |e| Cell::new(&e.kind),
            },
            Column {
                field: "details",
                header: "Details",
                cell: |e| text(&describe(e)),
            },
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
        _ => Value::Object(d.clone()).to_string(),
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

impl Record for InfoView {
    const FIELDS: &'static [&'static str] = &[
        "version",
        "database",
        "schema_version",
        "pipelines",
        "stages",
        "deals",
        "events",
    ];
    fn id(&self) -> String {
        self.database.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "version",
                header: "rex version",
                cell: |i| Cell::new(&i.version),
            },
            Column {
                field: "database",
                header: "Database",
                cell: |i| text(&i.database),
            },
            Column {
                field: "schema_version",
                header: "Schema version",
                cell: |i| Cell::new(i.schema_version),
            },
            Column {
                field: "pipelines",
                header: "Pipelines",
                cell: |i| count(i.counts.pipelines),
            },
            Column {
                field: "stages",
                header: "Stages",
                cell: |i| count(i.counts.stages),
            },
            Column {
                field: "deals",
                header: "Deals",
                cell: |i| count(i.counts.deals),
            },
            Column {
                field: "events",
                header: "History events",
                cell: |i| count(i.counts.events),
            },
        ]
    }
}

impl Record for Deal {
    const FIELDS: &'static [&'static str] = DEAL_FIELDS;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "name",
                header: "Name",
                cell: |d| text(&d.name),
            },
            Column {
                field: "value",
                header: "Value",
                cell: |d| money(d.value.get()),
            },
            Column {
                field: "status",
                header: "Status",
                cell: |d| status(d.status),
            },
            Column {
                field: "id",
                header: "Id",
                cell: |d| Cell::new(d.id),
            },
        ]
    }
}

impl Record for crate::record::Pipeline {
    const FIELDS: &'static [&'static str] = PIPELINE_FIELDS;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "name",
                header: "Name",
                cell: |p| text(&p.name),
            },
            Column {
                field: "id",
                header: "Id",
                cell: |p| Cell::new(p.id),
            },
        ]
    }
}

/// One line of an export: a pipeline, a deal or a history event, each in its API shape.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Exported {
    Pipeline(crate::record::Pipeline),
    Deal(Box<Deal>),
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
            Exported::Event(e) => e.deal_id.clone(),
        }
    }

    fn columns() -> Vec<Column<Self>> {
        vec![Column {
            field: "id",
            header: "Id",
            cell: |r| Cell::new(r.id()),
        }]
    }
}

/// What an import did (or, with --dry-run, would do).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ImportReport {
    pub pipelines: u64,
    pub deals: u64,
    pub events: u64,
    pub dry_run: bool,
}

impl Record for ImportReport {
    const FIELDS: &'static [&'static str] = &["pipelines", "deals", "events", "dry_run"];

    fn id(&self) -> String {
        String::new()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "pipelines",
                header: "Pipelines",
                cell: |r| count(r.pipelines as i64),
            },
            Column {
                field: "deals",
                header: "Deals",
                cell: |r| count(r.deals as i64),
            },
            Column {
                field: "events",
                header: "History events",
                cell: |r| count(r.events as i64),
            },
            Column {
                field: "dry_run",
                header: "Dry run",
                cell: |r| Cell::new(if r.dry_run { "yes" } else { "no" }),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Color, Metadata};

    fn keys<R: Serialize>(r: &R) -> Vec<String> {
        match serde_json::to_value(r).unwrap() {
            Value::Object(m) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    fn deal() -> Deal {
        Deal {
            id: crate::id::DealId::new(),
            name: "A".into(),
            value: Cents::new(1).unwrap(),
            status: Status::Open,
            contact_id: None,
            pipeline_id: crate::id::PipelineId::new(),
            stage_id: crate::id::StageId::new(),
            expected_close: None,
            owner_id: None,
            metadata: Metadata::new(),
            created_at: String::new(),
            updated_at: String::new(),
            last_activity_at: String::new(),
            stage_entered_at: String::new(),
            closed_at: None,
            close_reason: None,
        }
    }

    #[test]
    fn declared_fields_are_the_serialized_fields() {
        let view = DealView {
            deal: deal(),
            pipeline_name: String::new(),
            stage_name: String::new(),
            recent: Vec::new(),
            short_ref: None,
        };
        assert_eq!(keys(&view), DealView::FIELDS);
        let stalled = StalledView {
            deal: view,
            idle_days: 1,
            stall_days: 2,
        };
        assert_eq!(keys(&stalled), StalledView::FIELDS);
        let stage = Stage {
            id: crate::id::StageId::new(),
            name: "S".into(),
            color: "#000000".parse::<Color>().unwrap(),
            position: 0,
            stall_days: StageStall::Pipeline,
        };
        let p = PipelineView {
            id: crate::id::PipelineId::new(),
            name: "P".into(),
            stall_days: 30,
            created_at: String::new(),
            updated_at: String::new(),
            stages: vec![BoardStage {
                stage,
                effective_stall_days: Some(30),
                counts: StageCounts::default(),
            }],
        };
        assert_eq!(keys(&p), PipelineView::FIELDS);
        let summary = PipelineSummary {
            id: p.id,
            name: "P".into(),
            stall_days: 30,
            stage_count: 1,
            open_count: 0,
            open_value: 0,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert_eq!(keys(&summary), PipelineSummary::FIELDS);
        let info = InfoView {
            version: String::new(),
            database: String::new(),
            schema_version: 1,
            counts: Counts {
                pipelines: 0,
                stages: 0,
                deals: 0,
                events: 0,
            },
        };
        assert_eq!(keys(&info), InfoView::FIELDS);
    }
}
