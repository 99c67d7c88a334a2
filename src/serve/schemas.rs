//! The JSON the API answers, described for the OpenAPI document: each type here mirrors
//! what a command prints with `-o json` (a deal as `deal show`, a pipeline as `pipeline
//! show`), and exists only to be described; nothing is serialized through it. Unit tests in
//! openapi.rs check the deal's fields against [`crate::record::SHOWN_DEAL_FIELD_NAMES`].

#![allow(dead_code)]

use serde_json::{Map, Value};
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};
use utoipa::ToSchema;

/// The pattern of a one-line text rex accepts: at least one character that is not space,
/// and no control characters, line or paragraph separators or bidirectional overrides
/// (record/rules.rs `is_forbidden_in_line`).
pub const LINE: &str = r"^[^\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]*[^\s\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069][^\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]*$";

/// The pattern of a note: as [`LINE`], but tabs and line breaks are allowed.
pub const LINES: &str = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]*[^\s\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069][^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]*$";

/// A note: printable text of 1 to 10,000 characters, lines allowed.
pub fn note() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(10_000))
        .pattern(Some(LINES))
        .build()
}

/// A note as [`note`], or null.
pub fn note_or_null() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .min_length(Some(1))
        .max_length(Some(10_000))
        .pattern(Some(LINES))
        .build()
}

/// A time of day on a 24-hour clock, `HH:MM`, or null.
pub fn time_or_null() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .pattern(Some(TIME))
        .build()
}

/// The pattern of a time of day as the API takes it: `HH:MM` on a 24-hour clock.
pub const TIME: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9]$";

/// A name (of a deal, pipeline or stage): one line, 1 to 200 characters.
pub fn name() -> Object {
    line(200).min_length(Some(1)).build()
}

/// A one-line text of at most 200 characters (a contact, an owner), or null.
pub fn line_or_null() -> Object {
    line(200)
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .build()
}

/// Why a deal closed: one line of at most 1000 characters, or null.
pub fn reason_or_null() -> Object {
    line(1000)
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .build()
}

fn line(max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max))
        .pattern(Some(LINE))
}

/// A deal, exactly as `rex deal show -o json` prints it.
#[derive(ToSchema)]
pub struct Deal {
    #[schema(pattern = r"^deal_[0-9a-z]{26}$")]
    id: String,
    name: String,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    value: i64,
    status: Status,
    #[schema(required = true)]
    contact_id: Option<String>,
    #[schema(pattern = r"^pipeline_[0-9a-z]{26}$")]
    pipeline_id: String,
    #[schema(pattern = r"^stage_[0-9a-z]{26}$")]
    stage_id: String,
    #[schema(required = true, value_type = Option<String>, format = Date)]
    expected_close: Option<String>,
    #[schema(required = true)]
    owner_id: Option<String>,
    #[schema(value_type = Object)]
    metadata: Map<String, Value>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    #[schema(format = DateTime)]
    last_activity_at: String,
    #[schema(format = DateTime)]
    stage_entered_at: String,
    #[schema(required = true, format = DateTime)]
    closed_at: Option<String>,
    #[schema(required = true)]
    close_reason: Option<String>,
    #[schema(required = true, minimum = 0, maximum = 100)]
    probability: Option<i64>,
    origin: Option<String>,
    stage_name: String,
    pipeline_name: String,
    /// Its next step: its earliest pending activity, whoever owns it; null when it has none.
    #[schema(required = true)]
    next_activity: Option<NextActivity>,
}

/// A deal's next step, as the deal carries it.
#[derive(ToSchema)]
pub struct NextActivity {
    #[schema(pattern = r"^activity_[0-9a-z]{26}$")]
    id: String,
    #[serde(rename = "type")]
    kind: ActivityType,
    subject: String,
    #[schema(format = Date)]
    due_date: String,
    /// `HH:MM` in the owner's zone; null: all day.
    #[schema(required = true, pattern = r"^[0-2][0-9]:[0-5][0-9]$")]
    due_time: Option<String>,
}

/// An activity, exactly as `rex activity show -o json` prints it: its fields, then its
/// deal's name.
#[derive(ToSchema)]
pub struct Activity {
    #[schema(pattern = r"^activity_[0-9a-z]{26}$")]
    id: String,
    #[schema(pattern = r"^deal_[0-9a-z]{26}$")]
    deal_id: String,
    #[serde(rename = "type")]
    kind: ActivityType,
    subject: String,
    #[schema(format = Date)]
    due_date: String,
    /// `HH:MM` in the owner's zone; null: all day.
    #[schema(required = true, pattern = r"^[0-2][0-9]:[0-5][0-9]$")]
    due_time: Option<String>,
    /// How long it lasts, in minutes; null: not said.
    #[schema(required = true, minimum = 1, maximum = 10080)]
    duration_minutes: Option<i64>,
    /// Whose it is; null: nobody's.
    #[schema(required = true)]
    owner_id: Option<String>,
    #[schema(required = true)]
    note: Option<String>,
    done: bool,
    /// When it was marked done; null while pending.
    #[schema(required = true, format = DateTime)]
    done_at: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    /// The name of its deal.
    deal_name: String,
}

/// One page of `GET /activities` or `GET /deals/{id}/activities`.
#[derive(ToSchema)]
pub struct ActivityPage {
    data: Vec<Activity>,
    /// Send it back as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// What kind of activity it is.
#[derive(ToSchema, serde::Deserialize)]
#[schema(rename_all = "lowercase")]
pub enum ActivityType {
    Call,
    Meeting,
    Email,
    Task,
    Deadline,
    Lunch,
}

/// Where a deal stands: `open` and `stalled` are active, `won` and `lost` closed.
#[derive(ToSchema, serde::Deserialize)]
#[schema(rename_all = "lowercase")]
pub enum Status {
    Open,
    Won,
    Lost,
    Stalled,
}

/// One page of `GET /deals`.
#[derive(ToSchema)]
pub struct DealPage {
    data: Vec<Deal>,
    /// Send it back as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// A pipeline with its stages in order, as `rex pipeline show -o json` prints it.
#[derive(ToSchema)]
pub struct Pipeline {
    #[schema(pattern = r"^pipeline_[0-9a-z]{26}$")]
    id: String,
    name: String,
    /// Days without activity after which an open deal stalls, unless its stage says.
    #[schema(minimum = 0)]
    stall_days: i64,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    stages: Vec<Stage>,
}

/// A stage of a pipeline, with the totals of its active deals.
#[derive(ToSchema)]
pub struct Stage {
    #[schema(pattern = r"^stage_[0-9a-z]{26}$")]
    id: String,
    name: String,
    /// `#RRGGBB`.
    color: String,
    /// The chance, in percent, that a deal in this stage is won.
    #[schema(minimum = 0, maximum = 100)]
    probability: i64,
    /// Its place in the pipeline, from 0.
    #[schema(minimum = 0)]
    position: i64,
    /// Its own stall period in days; null: the pipeline's.
    #[schema(required = true, minimum = 0)]
    stall_days: Option<i64>,
    #[schema(minimum = 0)]
    effective_stall_days: i64,
    #[schema(minimum = 0)]
    open_count: i64,
    #[schema(minimum = 0)]
    open_value: i64,
    #[schema(minimum = 0)]
    stalled_count: i64,
    #[schema(minimum = 0)]
    stalled_value: i64,
    #[schema(minimum = 0)]
    weighted_value: i64,
}

/// A pipeline in a list, with its totals, as `rex pipeline list -o json` prints it.
#[derive(ToSchema)]
pub struct PipelineSummary {
    #[schema(pattern = r"^pipeline_[0-9a-z]{26}$")]
    id: String,
    name: String,
    stall_days: i64,
    stage_count: i64,
    open_count: i64,
    open_value: i64,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    active_count: i64,
    active_value: i64,
    stalled_count: i64,
}

/// `GET /pipelines`: every pipeline on one page.
#[derive(ToSchema)]
pub struct PipelinePage {
    data: Vec<PipelineSummary>,
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// One entry of a deal's history, as `rex deal history -o json` prints it: the fields
/// beyond these depend on its `kind` (a move says from and to, an update the field, its old
/// and new value).
#[derive(ToSchema)]
pub struct Event {
    #[schema(pattern = r"^deal_[0-9a-z]{26}$")]
    deal_id: String,
    #[schema(format = DateTime)]
    at: String,
    kind: EventKind,
    /// Who recorded it; null on events from before rex recorded it.
    #[schema(required = true)]
    actor: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Updated,
    Moved,
    Closed,
    Reopened,
    Note,
    Stalled,
    Unstalled,
    ActivityScheduled,
    ActivityRescheduled,
    ActivityDone,
    ActivityUndone,
    ActivityDeleted,
}

/// An error (RFC 9457): rex's one-line message as `detail`, and a stable `code`.
#[derive(ToSchema)]
pub struct Problem {
    /// Always `about:blank`: `code` tells errors apart.
    #[schema(rename = "type")]
    kind: String,
    /// The status's reason phrase.
    title: String,
    status: u16,
    /// What was wrong and what would be right, on one line.
    detail: String,
    code: ProblemCode,
    /// For invalid input: each field refused, and why.
    errors: Option<Vec<FieldError>>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ProblemCode {
    Invalid,
    NotFound,
    Conflict,
    Busy,
    Unavailable,
    Unauthorized,
    Forbidden,
    PreconditionFailed,
    TooLarge,
    NotAllowed,
    Internal,
}

/// One field of a request that was refused.
#[derive(ToSchema)]
pub struct FieldError {
    /// The field of the body (`stage_id`), the query parameter or the header.
    field: String,
    message: String,
}

/// `GET /health`.
#[derive(ToSchema)]
pub struct Health {
    status: HealthStatus,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
}
