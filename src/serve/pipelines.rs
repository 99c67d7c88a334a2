//! `/pipelines`: create, list, show and change pipelines over the operations the CLI's
//! `rex pipeline …` calls; a pipeline reads exactly as `rex pipeline show -o json` prints
//! it. Only an admin token changes pipelines.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::{Map, Value};

use super::app::Shared;
use super::auth::Caller;
use super::body::{self, Sent};
use super::deals::{ids_only, in_body, json, tagged};
use super::problem::{ApiResult, Problem};
use super::replay;
use crate::error::{Error, Result};
use crate::id::PipelineId;
use crate::ops::pipeline::{
    self, NewPipeline, NewStage, PipelineChanges, PipelineOverview, StageSpec,
};
use crate::record::{Probability, DEFAULT_STALL_DAYS};
use crate::store::Tx;

/// A pipeline's JSON, as `rex pipeline show -o json` prints it.
fn pipeline_json(p: &PipelineOverview) -> String {
    serde_json::to_string(p).unwrap_or_default()
}

/// The pipeline a path names: a pipeline id, else nothing (404).
pub fn path_pipeline(id: &str) -> ApiResult<PipelineId> {
    id.parse::<PipelineId>().map_err(|_| {
        Problem::not_found(format!(
            "no pipeline with id {}; a pipeline id looks like pipeline_01h…",
            crate::output::one_line(id)
        ))
    })
}

/// The fields of a pipeline a request may send.
const FIELDS: [&str; 4] = ["name", "stall_days", "stages", "move_deals_to"];

/// The fields of a pipeline that rex sets.
const READ_ONLY: [&str; 3] = ["id", "created_at", "updated_at"];

/// The fields of a stage that rex sets (its place is its place in the list).
const STAGE_READ_ONLY: [&str; 7] = [
    "position",
    "effective_stall_days",
    "open_count",
    "open_value",
    "stalled_count",
    "stalled_value",
    "weighted_value",
];

/// A rex error about the body's input, as a refusal naming the field it speaks of.
fn refused(e: Error) -> Problem {
    guess(Problem::from(in_body(e)))
}

/// Names the field a refusal of invalid input speaks of: the one it quotes by name, else
/// `stages` for one about a stage, else as [`Problem::guess_field`] guesses.
fn guess(p: Problem) -> Problem {
    let detail = p.detail.to_ascii_lowercase();
    if let Some(field) = FIELDS
        .iter()
        .find(|f| f.contains('_') && detail.contains(*f))
    {
        return p.in_field(field);
    }
    if detail.contains("stage") {
        return p.in_field("stages");
    }
    p.guess_field(&FIELDS)
}

/// `POST /pipelines`: `{"name", "stages": [{"name", "color", "probability",
/// "stall_days"}], "stall_days"}` → 201 and the pipeline. Without stages, the default ones.
pub async fn create(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    caller.may_admin()?;
    let mut m = body::object(&headers, &sent)?;
    let name = match m.remove("name") {
        Some(Value::String(n)) => n,
        Some(_) => return Err(Problem::invalid("name", "name must be a string")),
        None => return Err(Problem::invalid("name", "a pipeline needs a name")),
    };
    let stall_days = match m.remove("stall_days") {
        None => DEFAULT_STALL_DAYS,
        Some(v) => whole(&v)
            .ok_or_else(|| Problem::invalid("stall_days", "stall_days must be a whole number"))
            .and_then(|n| pipeline::stall_days(n).map_err(refused))?,
    };
    let stages = match m.remove("stages") {
        None => Vec::new(),
        Some(Value::Array(list)) if list.is_empty() => {
            return Err(Problem::invalid(
                "stages",
                "stages lists at least one stage; leave it out for the default stages",
            ))
        }
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| new_stage(i, v))
            .collect::<ApiResult<_>>()?,
        Some(_) => return Err(Problem::invalid("stages", "stages must be a list")),
    };
    if let Some(field) = m.keys().next() {
        return Err(unknown(field));
    }
    let new = NewPipeline {
        name,
        stages,
        stall_days,
        probabilities: Vec::new(),
    };
    replay::once(
        &app,
        &caller,
        &headers,
        "POST /pipelines",
        &sent,
        move |tx, clock| {
            let made = pipeline::create(tx, clock, &new).map_err(in_body)?;
            let location = format!("/pipelines/{}", made.id);
            Ok(replay::made(
                StatusCode::CREATED,
                pipeline_json(&made),
                Some(location),
            ))
        },
    )
    .await
    .map_err(guess)
}

/// A stage of `POST /pipelines`: one to create, so a name and no id.
fn new_stage(i: usize, v: &Value) -> ApiResult<NewStage> {
    let s = stage_spec(i, v)?;
    if s.id.is_some() {
        return Err(Problem::invalid(
            &format!("stages[{i}].id"),
            "a new pipeline's stages have no id yet; leave id out",
        ));
    }
    let name = s
        .name
        .ok_or_else(|| Problem::invalid(&format!("stages[{i}].name"), "a stage needs a name"))?;
    Ok(NewStage {
        name,
        color: s.color,
        probability: s.probability,
        stall_days: s.stall_days,
        id: None,
    })
}

/// A stage as a request writes it: `{"id", "name", "color", "probability", "stall_days"}`,
/// each optional; `stall_days` null follows the pipeline's period.
fn stage_spec(i: usize, v: &Value) -> ApiResult<StageSpec> {
    let at = |k: &str| format!("stages[{i}].{k}");
    let Value::Object(m) = v else {
        return Err(Problem::invalid(
            &format!("stages[{i}]"),
            "each stage is an object, like {\"name\": \"Demo\"}",
        ));
    };
    let mut s = StageSpec::default();
    for (k, v) in m {
        let field = at(k);
        let text = || {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| Problem::invalid(&field, format!("{field} must be a string")))
        };
        match k.as_str() {
            "id" => s.id = Some(text()?),
            "name" => s.name = Some(text()?),
            "color" => {
                let color = text()?.parse().map_err(|m| Problem::invalid(&field, m))?;
                s.color = Some(color);
            }
            "probability" => {
                let n = whole(v).ok_or_else(|| {
                    Problem::invalid(&field, "probability must be a whole percent, 0 to 100")
                })?;
                s.probability =
                    Some(Probability::new(n).map_err(|m| Problem::invalid(&field, m))?);
            }
            "stall_days" => {
                let days = match v {
                    Value::Null => None,
                    v => Some(whole(v).ok_or_else(|| {
                        Problem::invalid(&field, "stall_days must be null, 0 or a whole number")
                    })?),
                };
                s.stall_days = Some(
                    pipeline::stage_stall(days)
                        .map_err(|e| Problem::from(e).in_field(&field))?,
                );
            }
            ro if STAGE_READ_ONLY.contains(&ro) => {
                return Err(Problem::invalid(
                    &field,
                    format!("{k} is set by rex and cannot be changed (a stage's position is its place in the list)"),
                ))
            }
            _ => {
                return Err(Problem::invalid(
                    &field,
                    format!(
                        "a stage has no field '{}'; it has id, name, color, probability and stall_days",
                        crate::output::one_line(k)
                    ),
                ))
            }
        }
    }
    Ok(s)
}

/// A JSON whole number (never a fraction, a string or a float).
fn whole(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// A field no pipeline has (or one rex sets).
fn unknown(field: &str) -> Problem {
    if READ_ONLY.contains(&field) {
        return Problem::invalid(
            field,
            format!("{field} is set by rex and cannot be changed"),
        );
    }
    Problem::invalid(
        field,
        format!(
            "a pipeline has no field '{}'; send {}",
            crate::output::one_line(field),
            FIELDS.join(", ")
        ),
    )
}

/// `GET /pipelines`: every pipeline with its totals, as `rex pipeline list -o json` prints
/// them; one page holds them all.
pub async fn list(State(app): State<Shared>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    if let Some((k, _)) = body::query(raw.as_deref()).first() {
        return Err(Problem::invalid(
            k,
            format!(
                "unknown query parameter '{}'; GET /pipelines takes none (one page holds every pipeline)",
                crate::output::one_line(k)
            ),
        ));
    }
    let json_text = app
        .read(|tx| {
            let rows = pipeline::list(tx)?;
            Ok(serde_json::to_string(&rows).unwrap_or_default())
        })
        .await?;
    Ok(json(format!(
        "{{\"data\":{json_text},\"next_cursor\":null}}"
    )))
}

/// `GET /pipelines/:id`.
pub async fn show(State(app): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = path_pipeline(&id)?;
    let json_text = app
        .read(move |tx| Ok(pipeline_json(&pipeline::show(tx, &id.to_string())?)))
        .await?;
    Ok(tagged(StatusCode::OK, json_text))
}

/// Refuses a change when `If-Match` does not admit the pipeline as it is now (412).
fn precondition(tx: &dyn Tx, id: PipelineId, tags: &Option<Vec<String>>) -> Result<()> {
    let p = tx
        .pipeline(id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {id}")))?;
    body::admit(tags, "pipeline", id, || {
        Ok(pipeline_json(&pipeline::overview(tx, p)?))
    })
}

/// What a `PATCH /pipelines/:id` asks: its changes, and the whole list of stages if sent.
#[derive(Debug, Clone)]
struct Edit {
    changes: PipelineChanges,
    stages: Option<Vec<StageSpec>>,
}

/// A JSON merge patch of a pipeline: `name`, `stall_days`, and `stages`, the whole ordered
/// list (with `move_deals_to`, the stage that takes the deals of stages left out).
fn edit(m: Map<String, Value>) -> ApiResult<Edit> {
    let mut e = Edit {
        changes: PipelineChanges::default(),
        stages: None,
    };
    for (field, v) in m {
        let f = field.as_str();
        match (f, &v) {
            ("name" | "stall_days" | "stages", Value::Null) => {
                return Err(Problem::invalid(
                    f,
                    format!("{f} cannot be removed; send a new value"),
                ))
            }
            ("name", Value::String(n)) => e.changes.name = Some(n.clone()),
            ("name", _) => return Err(Problem::invalid(f, "name must be a string")),
            ("stall_days", v) => {
                let n = whole(v)
                    .ok_or_else(|| Problem::invalid(f, "stall_days must be a whole number"))?;
                e.changes.stall_days = Some(pipeline::stall_days(n).map_err(refused)?);
            }
            ("stages", Value::Array(list)) => {
                let specs = list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| stage_spec(i, v))
                    .collect::<ApiResult<_>>()?;
                e.stages = Some(specs);
            }
            ("stages", _) => {
                return Err(Problem::invalid(
                    f,
                    "stages must be the whole ordered list of stages",
                ))
            }
            ("move_deals_to", Value::Null) => {}
            ("move_deals_to", Value::String(s)) => {
                e.changes.move_deals_to = Some(ids_only("stage_id", s.clone()).map_err(|_| {
                    Problem::invalid(f, "move_deals_to must be a stage id (stage_01h…)")
                })?)
            }
            ("move_deals_to", _) => {
                return Err(Problem::invalid(f, "move_deals_to must be a stage id"))
            }
            _ => return Err(unknown(f)),
        }
    }
    if e.changes.move_deals_to.is_some() && e.stages.is_none() {
        return Err(Problem::invalid(
            "move_deals_to",
            "move_deals_to goes with stages: it takes the deals of the stages left out",
        ));
    }
    Ok(e)
}

/// `PATCH /pipelines/:id`: a JSON merge patch of its name, stall period and stages.
pub async fn patch(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let id = path_pipeline(&id)?;
    caller.may_admin()?;
    let tags = body::if_match(&headers)?;
    let e = edit(body::object(&headers, &sent)?)?;
    let clock = app.clock();
    let json_text = app
        .write(&caller.name, move |tx| {
            precondition(tx, id, &tags)?;
            let id = id.to_string();
            let done = match &e.stages {
                Some(wanted) => pipeline::set_stages(tx, &clock, &id, wanted, e.changes.clone()),
                None => pipeline::update(tx, &clock, &id, &e.changes),
            };
            Ok(pipeline_json(&done.map_err(in_body)?))
        })
        .await
        .map_err(|e| guess(Problem::from(e)))?;
    Ok(tagged(StatusCode::OK, json_text))
}
