//! What each kind of record looks like in a table. JSON shapes come from serde.

use comfy_table::{Cell, Color as TermColor};
use serde::Serialize;
use serde_json::Value;

use super::{Column, Fit, Record, Style};
use crate::money::dollars;
use crate::ops::deal::Placed;
use crate::record::{Deal, Event, NextActivity, Status};

use super::history::{describe, meta_value};
use std::collections::HashMap;

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
    /// Its next step: its earliest pending activity, whoever owns it.
    pub next_activity: Option<NextActivity>,
    /// Its pending activities, shown under `deal show` on a terminal.
    pub next_steps: super::activity::NextSteps,
    /// The most lines its card gives its metadata, when a card too tall for its screen
    /// shows fewer than all (the last saying how many more).
    pub metadata_most: Option<usize>,
}

impl DealView {
    /// A deal as the operations placed it: with the names of its pipeline and stage and its
    /// next step; no history or short reference yet.
    pub fn new(p: Placed) -> DealView {
        DealView {
            deal: p.deal,
            pipeline_name: p.pipeline,
            stage_name: p.stage,
            recent: Vec::new(),
            short_ref: None,
            next_activity: p.next_activity,
            next_steps: Default::default(),
            metadata_most: None,
        }
    }

    /// A deal named by `labels` (stage id → (stage name, pipeline name), as
    /// [`crate::store::Tx::stage_labels`] reads them), with its next step from `next`.
    pub fn labelled(
        deal: Deal,
        labels: &Labels,
        next: &mut HashMap<crate::id::DealId, NextActivity>,
    ) -> DealView {
        let (stage, pipeline) = labels.get(&deal.stage_id).cloned().unwrap_or_default();
        let next_activity = next.remove(&deal.id);
        DealView::new(Placed {
            deal,
            pipeline,
            stage,
            next_activity,
        })
    }
}

/// Every stage's name and its pipeline's, by stage id.
pub type Labels = std::collections::HashMap<crate::id::StageId, (String, String)>;

/// A deal as JSON: its stored fields, then `between` (a stalled deal's days), then the
/// fields it is shown with ([`crate::record::SHOWN_DEAL_FIELDS`]), last, so that fields
/// are only ever added at the end.
#[derive(Serialize)]
struct ShownDeal<'a, B: Serialize> {
    #[serde(flatten)]
    deal: &'a Deal,
    #[serde(flatten)]
    between: B,
    stage_name: &'a str,
    pipeline_name: &'a str,
    next_activity: &'a Option<NextActivity>,
}

impl<'a, B: Serialize> ShownDeal<'a, B> {
    fn new(v: &'a DealView, between: B) -> Self {
        ShownDeal {
            deal: &v.deal,
            between,
            stage_name: &v.stage_name,
            pipeline_name: &v.pipeline_name,
            next_activity: &v.next_activity,
        }
    }
}

impl Serialize for DealView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ShownDeal::new(self, ()).serialize(s)
    }
}

/// An active deal past its stall period.
#[derive(Debug, Clone)]
pub struct StalledView {
    pub deal: DealView,
    pub idle_days: i64,
    pub stall_days: u32,
}

/// What a stalled deal adds to the deal's JSON, before the fields it is shown with.
#[derive(Serialize)]
struct Idle {
    idle_days: i64,
    stall_days: u32,
}

impl Serialize for StalledView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let idle = Idle {
            idle_days: self.idle_days,
            stall_days: self.stall_days,
        };
        ShownDeal::new(&self.deal, idle).serialize(s)
    }
}

/// A printed deal's JSON fields, in order: [`crate::record::SHOWN_DEAL_FIELD_NAMES`].
pub const DEAL_FIELDS: &[&str] = &crate::record::SHOWN_DEAL_FIELD_NAMES;

/// The deal record's stored fields, `between`, then the fields it is shown with; `N` is
/// their number in all.
const fn deal_fields_with<const N: usize, const M: usize>(
    between: [&'static str; M],
) -> [&'static str; N] {
    let stored = crate::record::DEAL_FIELD_NAMES;
    let shown = crate::record::SHOWN_DEAL_FIELD_NAMES;
    assert!(
        N == shown.len() + M,
        "N is the deal's fields and the ones between"
    );
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < stored.len() {
            stored[i]
        } else if i < stored.len() + M {
            between[i - stored.len()]
        } else {
            shown[i - M]
        };
        i += 1;
    }
    out
}

/// A printed deal's fields followed by `extra`; `N` is their number in all.
pub(super) const fn deal_fields_and<const N: usize, const M: usize>(
    extra: [&'static str; M],
) -> [&'static str; N] {
    let shown = crate::record::SHOWN_DEAL_FIELD_NAMES;
    assert!(
        N == shown.len() + M,
        "N is the deal's fields and the extra ones"
    );
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < shown.len() {
            shown[i]
        } else {
            extra[i - shown.len()]
        };
        i += 1;
    }
    out
}

/// A stalled deal's fields: the deal's stored ones, how long it has been idle and the
/// period, then the ones it is shown with.
const STALLED_FIELDS: [&str; crate::record::SHOWN_DEAL_FIELD_NAMES.len() + 2] =
    deal_fields_with(["idle_days", "stall_days"]);

pub(super) use super::cells::{bold, opt, text};

pub(super) fn money(c: impl Into<i128>) -> Cell {
    Cell::new(dollars(c.into())).set_alignment(comfy_table::CellAlignment::Right)
}

pub(super) fn count(n: i64) -> Cell {
    Cell::new(n).set_alignment(comfy_table::CellAlignment::Right)
}

pub(super) fn status(s: Status) -> Cell {
    let cell = Cell::new(s.as_str());
    match s {
        Status::Open => cell.fg(TermColor::Blue),
        Status::Won => cell.fg(TermColor::Green),
        Status::Lost => cell.fg(TermColor::Red),
        Status::Stalled => cell.fg(TermColor::Yellow),
    }
}

/// A deal's metadata as a card shows it, `key=value` a line; within `most` lines when
/// given, the last then saying how many more and the command that shows them all
/// (`reference` names the deal).
fn metadata(d: &Deal, most: Option<usize>, reference: &str) -> Cell {
    let keep = match most {
        Some(most) if d.metadata.len() > most => most.saturating_sub(1),
        _ => d.metadata.len(),
    };
    let mut lines: Vec<String> = d
        .metadata
        .iter()
        .take(keep)
        .map(|(k, v)| format!("{k}={}", meta_value(v)))
        .collect();
    if keep < d.metadata.len() {
        lines.push(format!(
            "+{} more: rex deal show {reference} -o json",
            d.metadata.len() - keep
        ));
    }
    text(&lines.join("\n"))
}

pub(super) fn date(d: &Deal) -> Cell {
    Cell::new(
        d.expected_close
            .map(crate::clock::format_date)
            .unwrap_or_default(),
    )
}

/// A number of days, `12d`, right-aligned.
pub(super) fn days(n: i64) -> Cell {
    Cell::new(format!("{n}d")).set_alignment(comfy_table::CellAlignment::Right)
}

/// The expected close, in red when an active deal is past it.
pub(super) fn close_date(d: &Deal, style: &Style) -> Cell {
    let cell = date(d);
    if d.is_overdue(crate::clock::local_day(style.now)) {
        cell.fg(TermColor::Red)
    } else {
        cell
    }
}

/// The short reference a person types (`3kq9v2x`), or the id when none was worked out.
pub(super) fn reference(v: &DealView) -> Cell {
    Cell::new(v.short_ref.clone().unwrap_or_else(|| v.deal.id.to_string()))
}

/// The columns of a list of deals, read through `view` (a deal, or a stalled deal's deal).
/// In a narrow table a column that says the same on every row goes first (Pipeline goes
/// whenever every deal is in one), then Pipeline, Owner, Status, Stage and the expected
/// close; the reference, name and value always stay.
macro_rules! deal_columns {
    ($view:ident, $($extra:expr),*) => {
        vec![
            Column::new("ref", "Ref", |v, _| reference($view(v))),
            Column::new("name", "Name", |v, _| text(&$view(v).deal.name)).fit(Fit::Text(0)),
            Column::new("value", "Value", |v, _| money($view(v).deal.value.get())),
            Column::new("status", "Status", |v, _| status($view(v).deal.status)).fit(Fit::Fixed(3)),
            Column::new("pipeline_id", "Pipeline", |v, _| text(&$view(v).pipeline_name))
                .fit(Fit::TextUnlessUniform(5)),
            Column::new("stage_id", "Stage", |v, _| text(&$view(v).stage_name)).fit(Fit::Text(2)),
            Column::new("owner_id", "Owner", |v, _| opt(&$view(v).deal.owner_id)).fit(Fit::Text(4)),
            Column::new("expected_close", "Close", |v, s| close_date(&$view(v).deal, s))
                .fit(Fit::Fixed(1)),
            $($extra,)*
            Column::new("contact_id", "Contact", |v, _| opt(&$view(v).deal.contact_id)).fit(Fit::Wide),
            Column::new("updated_at", "Updated", |v, s| Cell::new(s.time(&$view(v).deal.updated_at)))
                .fit(Fit::Wide),
            Column::new("id", "Id", |v, _| Cell::new($view(v).deal.id)).fit(Fit::Wide),
        ]
    };
}

fn deal_of_view(v: &DealView) -> &DealView {
    v
}

fn deal_of_stalled(v: &StalledView) -> &DealView {
    &v.deal
}

/// A printed deal's field that only `--fields` asks for.
pub(super) fn requested(v: &DealView, field: &str) -> Value {
    match field {
        "value_dollars" => Value::String(v.deal.value.plain_dollars()),
        _ => Value::Null,
    }
}

impl Record for DealView {
    const FIELDS: &'static [&'static str] = DEAL_FIELDS;
    const ON_REQUEST: &'static [&'static str] = &crate::record::REQUESTED_DEAL_FIELD_NAMES;
    fn requested(&self, field: &str) -> Value {
        requested(self, field)
    }
    fn id(&self) -> String {
        self.deal.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        deal_columns!(deal_of_view,)
    }

    /// The card: what a person needs at a glance, in one screen of 80x24 with its recent
    /// history; empty fields are left out.
    fn detail(&self, style: &Style) -> Vec<comfy_table::Table> {
        let d = &self.deal;
        let mut t = style.table();
        let place = format!("{} / {}", self.pipeline_name, self.stage_name);
        let mut rows: Vec<(&str, Cell)> = vec![
            ("Name", text(&d.name)),
            ("Ref", reference(self)),
            ("Id", Cell::new(d.id)),
            ("Value", Cell::new(d.value)),
            ("Status", status(d.status)),
            ("Stage", text(&place)),
            ("Since", Cell::new(style.time(&d.stage_entered_at))),
        ];
        let mut optional = |name: &'static str, value: &Option<String>| {
            if let Some(v) = value {
                rows.push((name, text(v)));
            }
        };
        optional("Contact", &d.contact_id);
        optional("Owner", &d.owner_id);
        if d.expected_close.is_some() {
            rows.push(("Expected close", close_date(d, style)));
        }
        let reference = self.short_ref.clone().unwrap_or_else(|| d.id.to_string());
        if !d.metadata.is_empty() {
            rows.push(("Metadata", metadata(d, self.metadata_most, &reference)));
        }
        rows.push(("Created", Cell::new(style.time(&d.created_at))));
        rows.push(("Last activity", Cell::new(style.time(&d.last_activity_at))));
        if let Some(c) = &d.closed_at {
            rows.push(("Closed", Cell::new(style.time(c))));
        }
        if let Some(r) = &d.close_reason {
            rows.push(("Close reason", text(r)));
        }
        if self.next_steps.pending > 0 {
            // The value column: the table's width less the key column (its longest key,
            // with a space each side) and the value's own padding.
            let keys = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            let room = style.width.map(|w| w.saturating_sub(keys + 5));
            let lines = self
                .next_steps
                .lines(&reference, d.owner_id.as_deref(), room);
            rows.push(("Next steps", text(&lines.join("\n"))));
        }
        for (k, v) in rows {
            t.add_row(vec![bold(k), v]);
        }
        let mut out = vec![t];
        if !self.recent.is_empty() {
            let headers = ["When", "Event", "Details"].map(String::from);
            // Notes are what a salesperson reads: wrapped whole, never cut.
            let fits = [Fit::Fixed(0), Fit::Fixed(0), Fit::Wrap];
            let rows = self
                .recent
                .iter()
                .map(|e| {
                    vec![
                        Cell::new(style.short_time(&e.at)),
                        Cell::new(&e.kind),
                        text(&describe(e)),
                    ]
                })
                .collect();
            out.push(super::fit::table(style, &headers, &fits, rows));
        }
        out
    }

    fn summary(rows: &[Self]) -> Option<String> {
        let total: i128 = rows.iter().map(|r| i128::from(r.deal.value.get())).sum();
        let noun = if rows.len() == 1 { "deal" } else { "deals" };
        Some(format!("{} {noun}, total {}", rows.len(), dollars(total)))
    }
}

/// Fits a card with next steps to a screen of `height` lines, one left for the prompt:
/// its oldest recent history entries give way (a long note may take several lines), and
/// the latest too when the card has no room even for it, then its next steps down to the
/// soonest and how many more, then its metadata down to one key and how many more, so that
/// its top (the name and reference) does not scroll away. The deal's other fields are never
/// cut (on a screen too short even for them, the top goes).
pub fn fit_card(view: &mut DealView, style: &Style, height: usize) {
    let lines = |v: &DealView| {
        let tables = v.detail(style);
        let drawn: usize = tables.iter().map(|t| t.to_string().lines().count()).sum();
        drawn + tables.len().saturating_sub(1)
    };
    while !view.recent.is_empty() && lines(view) >= height {
        view.recent.remove(0);
    }
    // Then the next steps, down to the soonest and how many more.
    for most in (2..super::activity::CARD_NEXT_STEPS).rev() {
        if lines(view) < height {
            break;
        }
        view.next_steps.most = Some(most);
    }
    // Then the metadata, down to one key and how many more: as many lines fewer as the
    // card is over (a long value may take more than one).
    let mut most = view.deal.metadata.len();
    while most > 2 {
        let over = lines(view).saturating_sub(height.saturating_sub(1));
        if over == 0 {
            break;
        }
        most = most.saturating_sub(over).max(2);
        view.metadata_most = Some(most);
    }
}

impl Record for StalledView {
    const FIELDS: &'static [&'static str] = &STALLED_FIELDS;
    const ON_REQUEST: &'static [&'static str] = &crate::record::REQUESTED_DEAL_FIELD_NAMES;
    fn requested(&self, field: &str) -> Value {
        requested(&self.deal, field)
    }
    fn id(&self) -> String {
        self.deal.id()
    }

    fn columns() -> Vec<Column<Self>> {
        deal_columns!(
            deal_of_stalled,
            Column::new("idle_days", "Idle", |v: &StalledView, _| days(v.idle_days)),
            Column::new("stall_days", "Period", |v: &StalledView, _| days(
                v.stall_days.into()
            ))
            .fit(Fit::Fixed(1))
        )
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

impl Record for Deal {
    /// The stored fields only: a deal printed bare is an export's, which import reads back.
    const FIELDS: &'static [&'static str] = &crate::record::DEAL_FIELD_NAMES;

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("name", "Name", |d, _| text(&d.name)),
            Column::new("value", "Value", |d, _| money(d.value.get())),
            Column::new("status", "Status", |d, _| status(d.status)),
            Column::new("id", "Id", |d, _| Cell::new(d.id)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Cents;
    use crate::ops::database::DatabaseInfo;
    use crate::ops::pipeline::PipelineOverview;
    use crate::ops::totals::StageCounts;
    use crate::record::StageStall;
    use crate::record::{Color, Metadata, Stage};
    use crate::store::Counts;
    use crate::store::PipelineSummary;

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
            probability: None,
            // Left out of JSON when None: set, so that every declared field is serialized.
            origin: Some("hubspot:1".into()),
        }
    }

    /// A table's columns are named by the fields they show, so `--fields` picks them: every
    /// column of a list of deals is a deal field, but for the short reference people type.
    #[test]
    fn deal_columns_are_deal_fields() {
        fn check<R: Record>() {
            for c in R::columns() {
                assert!(
                    c.field == "ref" || R::FIELDS.contains(&c.field),
                    "column '{}' is no field of {:?}",
                    c.field,
                    R::FIELDS
                );
            }
        }
        check::<DealView>();
        check::<StalledView>();
        check::<Deal>();
        assert_eq!(DealView::FIELDS, crate::record::SHOWN_DEAL_FIELD_NAMES);
        assert_eq!(Deal::FIELDS, crate::record::DEAL_FIELD_NAMES);
        let stored = crate::record::DEAL_FIELD_NAMES.len();
        assert_eq!(StalledView::FIELDS[..stored], DEAL_FIELDS[..stored]);
        assert_eq!(
            StalledView::FIELDS[stored + 2..],
            *crate::record::SHOWN_DEAL_FIELD_NAMES[stored..].to_vec()
        );
    }

    #[test]
    fn declared_fields_are_the_serialized_fields() {
        let view = DealView::new(Placed {
            deal: deal(),
            pipeline: String::new(),
            stage: String::new(),
            next_activity: None,
        });
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
            probability: crate::record::Probability::CERTAIN,
            position: 0,
            stall_days: StageStall::Pipeline,
        };
        let p = PipelineOverview {
            id: crate::id::PipelineId::new(),
            name: "P".into(),
            stall_days: 30,
            created_at: String::new(),
            updated_at: String::new(),
            stages: vec![crate::ops::pipeline::StageOverview {
                stage,
                effective_stall_days: Some(30),
                counts: StageCounts::default(),
            }],
        };
        assert_eq!(keys(&p), PipelineOverview::FIELDS);
        let summary = PipelineSummary {
            id: p.id,
            name: "P".into(),
            stall_days: 30,
            stage_count: 1,
            open_count: 0,
            open_value: 0,
            created_at: String::new(),
            updated_at: String::new(),
            active_count: 0,
            active_value: 0,
            stalled_count: 0,
        };
        assert_eq!(keys(&summary), PipelineSummary::FIELDS);
        let info = DatabaseInfo {
            version: String::new(),
            database: String::new(),
            schema_version: 1,
            backend: String::new(),
            counts: Counts {
                pipelines: 0,
                stages: 0,
                deals: 0,
                events: 0,
            },
            exists: true,
            activities: 0,
        };
        assert_eq!(keys(&info), DatabaseInfo::FIELDS);
    }
}
