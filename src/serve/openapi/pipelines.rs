//! The description of the pipeline, board, report and export paths: `/pipelines…`,
//! `/today`, `/forecast`, `/reports/…` and `/export`. Each function here joins the route
//! table ([`crate::serve::routes`]) with its handler (pipelines.rs, reports.rs, export.rs).
//! The handlers read a pipeline's body field by field (a merge patch must tell a field sent
//! as `null` from one left out), so the body types here are read by the spec only.
#![allow(dead_code)]

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use super::{date, one_of, op, schema, string};
use crate::serve::schemas;

/// `POST /pipelines`' body.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[schema(as = NewPipeline)]
pub struct NewPipelineBody {
    #[schema(schema_with = schemas::name)]
    name: String,
    /// Days without activity after which an open deal stalls (default 30).
    #[schema(minimum = 1, maximum = 36500)]
    stall_days: Option<i64>,
    /// Its stages in order; left out, the default ones (Discovery … Closed).
    #[schema(min_items = 1)]
    stages: Option<Vec<NewStageBody>>,
}

/// A stage of `POST /pipelines`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[schema(as = NewStage)]
pub struct NewStageBody {
    #[schema(schema_with = schemas::name)]
    name: String,
    /// `#RRGGBB`; default: the next of rex's colours.
    #[schema(pattern = r"^#[0-9A-Fa-f]{6}$")]
    color: Option<String>,
    /// The chance, in percent, that a deal in it is won.
    #[schema(minimum = 0, maximum = 100)]
    probability: Option<i64>,
    /// Its own stall period in days; null: the pipeline's.
    #[schema(minimum = 0, maximum = 36500)]
    stall_days: Option<i64>,
}

/// `PATCH /pipelines/{id}`'s body: a JSON merge patch of `name`, `stall_days`, and `stages`,
/// the whole ordered list: a stage with an `id` is kept (and what else it gives changed), one
/// without is created, one left out is removed (409 while it holds deals, unless
/// `move_deals_to` names the stage that takes them).
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[schema(as = PipelinePatch)]
pub struct PipelinePatchBody {
    #[schema(required = false, schema_with = schemas::name)]
    name: String,
    #[schema(required = false, minimum = 1, maximum = 36500)]
    stall_days: i64,
    #[schema(required = false, min_items = 1)]
    stages: Vec<StagePatch>,
    /// The stage (id or name) that takes the deals of the stages left out.
    move_deals_to: Option<String>,
}

/// A stage of `PATCH /pipelines/{id}`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagePatch {
    /// The stage kept; left out, a new stage.
    #[schema(pattern = r"^stage_[0-9a-z]{26}$")]
    id: Option<String>,
    #[schema(required = false, schema_with = schemas::name)]
    name: String,
    #[schema(pattern = r"^#[0-9A-Fa-f]{6}$")]
    color: Option<String>,
    #[schema(minimum = 0, maximum = 100)]
    probability: Option<i64>,
    #[schema(minimum = 0, maximum = 36500)]
    stall_days: Option<i64>,
}

/// The schemas these paths name, for the document's components.
pub fn schemas(out: &mut Vec<(String, RefOr<utoipa::openapi::schema::Schema>)>) {
    super::collect::<schemas::Pipeline>(out);
    super::collect::<schemas::PipelinePage>(out);
    super::collect::<NewPipelineBody>(out);
    super::collect::<PipelinePatchBody>(out);
}

/// Whatever rows a report prints with `-o json`: objects, each as its command prints it.
fn rows(about: &str) -> RefOr<utoipa::openapi::schema::Schema> {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::Object))
        .description(Some(about))
        .into()
}

fn object(about: &str) -> RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(about))
        .into()
}

fn whole_number() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
}

fn flag() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Boolean)
}

pub fn create_pipeline() -> Operation {
    op("pipelines", "createPipeline", "Create a pipeline")
        .describe("An admin token's: the name, its stall period, and its stages in order (the default ones when left out).")
        .body("NewPipeline", &["application/json"])
        .idempotent()
        .answer(201, "The pipeline created, as `rex pipeline show -o json` prints it", Some(schema("Pipeline")), &["ETag", "Location"])
        .errors(&[403])
        .done()
}

pub fn list_pipelines() -> Operation {
    op("pipelines", "listPipelines", "Every pipeline, with its totals")
        .answer(200, "One page holds them all (`next_cursor` is null), each as `rex pipeline list -o json` prints it", Some(schema("PipelinePage")), &[])
        .done()
}

pub fn show_pipeline() -> Operation {
    op(
        "pipelines",
        "showPipeline",
        "A pipeline and its stages, with their totals",
    )
    .id("pipeline")
    .answer(
        200,
        "As `rex pipeline show -o json` prints it",
        Some(schema("Pipeline")),
        &["ETag"],
    )
    .done()
}

pub fn patch_pipeline() -> Operation {
    op(
        "pipelines",
        "patchPipeline",
        "Rename a pipeline, change its stall period, or set its stages",
    )
    .id("pipeline")
    .conditional()
    .body(
        "PipelinePatch",
        &["application/merge-patch+json", "application/json"],
    )
    .answer(
        200,
        "The pipeline as it is now",
        Some(schema("Pipeline")),
        &["ETag"],
    )
    .errors(&[403, 409])
    .done()
}

pub fn board() -> Operation {
    op(
        "reports",
        "board",
        "A pipeline as a board: its stages with their active deals",
    )
    .id("pipeline")
    .query("owner_id", string(), "Only this owner's deals")
    .query(
        "limit",
        whole_number(),
        "At most this many deals per stage (default: all)",
    )
    .answer(
        200,
        "As `rex board ID -o json` prints it",
        Some(object(
            "`pipeline`, and `stages`, each with its `count`, `value` and `deals`",
        )),
        &[],
    )
    .errors(&[422])
    .done()
}

pub fn today() -> Operation {
    op(
        "reports",
        "today",
        "The day's activities due and deals: overdue, closing soon, stalled, going stale, without a next step",
    )
    .query(
        "owner",
        string(),
        "Whose activities and deals (default: the token's owner; everyone's for a token without one)",
    )
    .query("all", flag(), "Everyone's activities and deals")
    .query(
        "section",
        ArrayBuilder::new().items(one_of(&[
            "activities_overdue",
            "activities_today",
            "overdue",
            "closing_soon",
            "stalled",
            "going_stale",
            "no_next_step",
        ])),
        "Only these sections (repeatable, or comma-separated)",
    )
    .answer(
        200,
        "As `rex today -o json` prints it",
        Some(object(
            "A list per section: of activities (each with `deal_name`) in `activities_overdue` and `activities_today`, of deals in the others",
        )),
        &[],
    )
    .errors(&[422])
    .done()
}

pub fn forecast() -> Operation {
    op(
        "reports",
        "forecast",
        "What will close when, weighted by chance, and what was won",
    )
    .query("pipeline_id", string(), "Only this pipeline (id or name)")
    .query("owner_id", string(), "Only this owner's deals")
    .query(
        "by",
        one_of(&["month", "quarter"]),
        "The length of a period (default month)",
    )
    .query(
        "periods",
        whole_number().minimum(Some(1)),
        "How many periods ahead",
    )
    .answer(
        200,
        "As `rex forecast -o json` prints it",
        Some(rows("A row per period, overdue first")),
        &[],
    )
    .errors(&[422])
    .done()
}

pub fn report_wins() -> Operation {
    op("reports", "reportWins", "Win rates, values and cycle times")
        .query("pipeline_id", string(), "Only this pipeline (id or name)")
        .query("owner_id", string(), "Only this owner's deals")
        .query("since", date(), "Deals closed on or after this date")
        .query("until", date(), "Deals closed on or before this date")
        .query(
            "by",
            one_of(&["owner", "pipeline", "month", "quarter"]),
            "A row per owner, pipeline, month or quarter (default: one row)",
        )
        .answer(
            200,
            "As `rex report wins -o json` prints it",
            Some(rows("A row per group")),
            &[],
        )
        .errors(&[422])
        .done()
}

pub fn report_stages() -> Operation {
    op(
        "reports",
        "reportStages",
        "The stage funnel: entered, advanced, won and lost per stage",
    )
    .query(
        "pipeline_id",
        string(),
        "The pipeline (id or name; default: the only one)",
    )
    .query("since", date(), "History on or after this date")
    .answer(
        200,
        "As `rex report stages -o json` prints it",
        Some(rows("A row per stage")),
        &[],
    )
    .errors(&[422])
    .done()
}

pub fn report_lost_reasons() -> Operation {
    op(
        "reports",
        "reportLostReasons",
        "Why deals were lost, by count and value",
    )
    .query("pipeline_id", string(), "Only this pipeline (id or name)")
    .query("owner_id", string(), "Only this owner's deals")
    .query("since", date(), "Deals lost on or after this date")
    .query("until", date(), "Deals lost on or before this date")
    .answer(
        200,
        "As `rex report lost-reasons -o json` prints it",
        Some(rows("A row per reason")),
        &[],
    )
    .errors(&[422])
    .done()
}

pub fn export() -> Operation {
    op("transfer", "export", "Everything as JSON Lines, streamed")
        .query("deals", flag(), "Only deals")
        .query("pipelines", flag(), "Only pipelines")
        .query("all", flag(), "Pipelines, deals and history (the default)")
        .answer_as(
            200,
            "As `rex export` writes it: one JSON object per line",
            "application/jsonl",
            string(),
        )
        .errors(&[422])
        .done()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_pending_operation_describes_itself() {
        for doc in [
            super::create_pipeline,
            super::list_pipelines,
            super::show_pipeline,
            super::patch_pipeline,
            super::board,
            super::today,
            super::forecast,
            super::report_wins,
            super::report_stages,
            super::report_lost_reasons,
            super::export,
        ] {
            let o = serde_json::to_value(doc()).unwrap();
            assert!(
                o["responses"]["200"].is_object() || o["responses"]["201"].is_object(),
                "{o}"
            );
            assert!(o["responses"]["401"].is_object(), "{o}");
        }
    }
}
