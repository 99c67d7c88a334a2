//! What pipelines look like: a pipeline with its stages and their counts, the list of
//! pipelines with their totals.

use comfy_table::Cell;

use super::views::{bold, count, money, text};
use super::{neutralise, Column, Fit, Record, Style};
use crate::ops::pipeline::PipelineOverview;
use crate::ops::totals::StageCounts;
use crate::record::StageStall;
use crate::store::PipelineSummary;

/// The pipeline record's JSON fields, in order.
pub const PIPELINE_FIELDS: &[&str] = &[
    "id",
    "name",
    "stall_days",
    "created_at",
    "updated_at",
    "stages",
];

impl Record for PipelineOverview {
    const FIELDS: &'static [&'static str] = PIPELINE_FIELDS;
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("name", "Name", |v, _| text(&v.name)),
            Column::new("stall_days", "Stall days", |v, _| {
                count(v.stall_days.into())
            }),
            Column::new("stages", "Stages", |v, _| {
                text(
                    &v.stages
                        .iter()
                        .map(|s| s.stage.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" → "),
                )
            }),
            Column::new("id", "Id", |v, _| Cell::new(v.id)),
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
        // The stages: what a person needs in the table that fits; every column with -o wide.
        let headers = [
            "#",
            "Stage",
            "Colour",
            "Stalls",
            "Chance",
            "Active",
            "Active value",
            "Weighted",
            "Open",
            "Open value",
            "Stalled",
            "Stalled value",
        ]
        .map(String::from);
        let fits = [
            Fit::Wide,
            Fit::Text(0),
            Fit::Wide,
            Fit::Fixed(3),
            Fit::Fixed(4),
            Fit::Fixed(0),
            Fit::Fixed(0),
            Fit::Fixed(2),
            Fit::Wide,
            Fit::Wide,
            Fit::Fixed(1),
            Fit::Wide,
        ];
        // Active (open and stalled), then open and stalled apart.
        let counted = |c: &StageCounts| {
            vec![
                count(c.open_count + c.stalled_count),
                money(c.open_value + c.stalled_value),
                money(c.weighted_value),
                count(c.open_count),
                money(c.open_value),
                count(c.stalled_count),
                money(c.stalled_value),
            ]
        };
        let mut total = StageCounts::default();
        let mut rows = Vec::with_capacity(self.stages.len() + 1);
        for b in &self.stages {
            let c = &b.counts;
            total.open_count += c.open_count;
            total.stalled_count += c.stalled_count;
            total.open_value += c.open_value;
            total.stalled_value += c.stalled_value;
            total.weighted_value += c.weighted_value;
            let name = Cell::new(format!("■ {}", neutralise(&b.stage.name)));
            let name = match style.stage_color(b.stage.color.as_str()) {
                Some(c) => name.fg(c),
                None => name,
            };
            let stalls = match b.effective_stall_days {
                Some(n) if b.stage.stall_days == StageStall::Pipeline => format!("{n}d"),
                Some(n) => format!("{n}d (own)"),
                None => "never".into(),
            };
            let stage = vec![
                count(b.stage.position.into()),
                name,
                Cell::new(b.stage.color.as_str()),
                Cell::new(stalls),
                Cell::new(format!("{}%", b.stage.probability.get()))
                    .set_alignment(comfy_table::CellAlignment::Right),
            ];
            rows.push([stage, counted(c)].concat());
        }
        let label = vec![
            Cell::new(""),
            bold("Total"),
            Cell::new(""),
            Cell::new(""),
            Cell::new(""),
        ];
        rows.push([label, counted(&total)].concat());
        vec![head, super::fit::table(style, &headers, &fits, rows)]
    }
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
        "active_count",
        "active_value",
        "stalled_count",
    ];
    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("name", "Name", |p: &PipelineSummary, _| text(&p.name)).fit(Fit::Text(0)),
            Column::new("active_count", "Active", |p: &PipelineSummary, _| {
                count(p.active_count)
            }),
            Column::new("active_value", "Active value", |p: &PipelineSummary, _| {
                money(p.active_value)
            }),
            Column::new("stalled_count", "Stalled", |p: &PipelineSummary, _| {
                count(p.stalled_count)
            })
            .fit(Fit::Fixed(1)),
            Column::new("stage_count", "Stages", |p: &PipelineSummary, _| {
                count(p.stage_count)
            })
            .fit(Fit::Fixed(2)),
            Column::new("stall_days", "Stalls", |p: &PipelineSummary, _| {
                Cell::new(format!("{}d", p.stall_days))
            })
            .fit(Fit::Fixed(3)),
            Column::new("open_count", "Open", |p: &PipelineSummary, _| {
                count(p.open_count)
            })
            .fit(Fit::Wide),
            Column::new("open_value", "Open value", |p: &PipelineSummary, _| {
                money(p.open_value)
            })
            .fit(Fit::Wide),
            Column::new("id", "Id", |p: &PipelineSummary, _| Cell::new(p.id)).fit(Fit::Wide),
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
            Column::new("name", "Name", |p, _| text(&p.name)),
            Column::new("id", "Id", |p, _| Cell::new(p.id)),
        ]
    }
}
