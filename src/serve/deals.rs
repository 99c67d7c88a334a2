//! `/deals`: create, list, show, change and delete deals, their history and notes, over
//! the operations the CLI's `rex deal …` calls; a deal reads exactly as `-o json` prints it.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::app::Shared;
use super::auth::Caller;
use super::body::{self, etag, Sent};
use super::problem::{ApiResult, Problem};
use super::replay;
use super::schemas;
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::money::Cents;
use crate::ops::deal::{self, DealPatch, DealQuery, NewDeal, Placed};
use crate::output::DealView;
use crate::record::{Probability, Status};
use crate::store::Tx;

/// A deal's JSON, as `rex deal show -o json` prints it.
pub fn deal_json(p: Placed) -> String {
    serde_json::to_string(&DealView::new(p)).unwrap_or_default()
}

/// A JSON answer with its entity tag.
pub fn tagged(status: StatusCode, json: String) -> Response {
    let tag = etag(json.as_bytes());
    let mut response = (status, json).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, tag);
    }
    response
}

/// A JSON answer without a tag (lists, reports).
pub fn json(json: String) -> Response {
    let mut response = (StatusCode::OK, json).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The deal a path names: a deal id, else nothing (404).
pub fn path_deal(id: &str) -> ApiResult<DealId> {
    id.parse::<DealId>().map_err(|_| {
        Problem::not_found(format!(
            "no deal with id {}; a deal id looks like deal_01h…",
            crate::output::one_line(id)
        ))
    })
}

/// `POST /deals`' body: the fields of `deal create`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewDeal)]
pub struct NewDealBody {
    #[schema(schema_with = schemas::name)]
    name: String,
    /// In cents: 500000 is $5,000.00.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    value: i64,
    /// Default: the first pipeline.
    #[schema(pattern = r"^pipeline_[0-9a-z]{26}$")]
    pipeline_id: Option<String>,
    /// Default: the pipeline's first stage.
    #[schema(pattern = r"^stage_[0-9a-z]{26}$")]
    stage_id: Option<String>,
    #[schema(schema_with = schemas::line_or_null)]
    contact_id: Option<String>,
    /// Default: a member token's owner.
    #[schema(schema_with = schemas::line_or_null)]
    owner_id: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    expected_close: Option<NaiveDate>,
    #[schema(value_type = Option<Object>)]
    metadata: Option<Map<String, Value>>,
    /// Its own chance of winning in percent; default: its stage's.
    #[schema(minimum = 0, maximum = 100)]
    probability: Option<i64>,
}

pub async fn create(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    caller.may_write()?;
    let b: NewDealBody = body::fields(body::object(&headers, &sent)?)?;
    let value = Cents::new(b.value).map_err(|m| Problem::invalid("value", m))?;
    let probability = b
        .probability
        .map(Probability::new)
        .transpose()
        .map_err(|m| Problem::invalid("probability", m))?;
    let owner = match (&caller.owner, b.owner_id) {
        (_, Some(o)) if !caller.may_own(Some(&o)) => {
            return Err(Problem::forbidden(format!(
                "member token {} creates deals for {} only; leave owner_id out or send its own",
                caller.name,
                caller.owner.as_deref().unwrap_or_default()
            )))
        }
        (_, Some(o)) => Some(o),
        (mine, None) => mine.clone(),
    };
    let pipeline = b
        .pipeline_id
        .map(|p| ids_only("pipeline_id", p))
        .transpose()?;
    let stage = b.stage_id.map(|s| ids_only("stage_id", s)).transpose()?;
    let new = NewDeal {
        name: b.name,
        value,
        pipeline,
        stage,
        contact: b.contact_id,
        owner,
        expected_close: b.expected_close,
        probability,
        metadata: b.metadata.unwrap_or_default().into_iter().collect(),
    };
    replay::once(
        &app,
        &caller,
        &headers,
        "POST /deals",
        &sent,
        move |tx, clock| {
            let made = deal::create(tx, clock, &new).map_err(in_body)?;
            let location = format!("/deals/{}", made.deal.id);
            Ok(replay::made(
                StatusCode::CREATED,
                deal_json(made),
                Some(location),
            ))
        },
    )
    .await
    .map_err(|p| p.guess_field(&NEW_DEAL_FIELDS))
}

/// The fields of `POST /deals`.
const NEW_DEAL_FIELDS: [&str; 9] = [
    "name",
    "value",
    "pipeline_id",
    "stage_id",
    "contact_id",
    "owner_id",
    "expected_close",
    "metadata",
    "probability",
];

/// What a body names that does not exist is invalid input (422), not a missing page.
pub fn in_body(e: Error) -> Error {
    match e {
        Error::NotFound(m) => Error::Usage(m),
        other => other,
    }
}

/// An id sent where only an id is accepted (names are the CLI's): a stage or pipeline id.
pub fn ids_only(field: &'static str, text: String) -> ApiResult<String> {
    let prefix = field.trim_end_matches("_id");
    // A well-formed id of its kind, not merely a text with its prefix: a pipeline may be
    // named `pipeline_foo`, and a body names records by id only.
    let well_formed = match prefix {
        "pipeline" => text.parse::<crate::id::PipelineId>().is_ok(),
        _ => text.parse::<crate::id::StageId>().is_ok(),
    };
    if well_formed {
        Ok(text)
    } else {
        Err(Problem::invalid(
            field,
            format!(
                "{field} '{}' is not a {prefix} id (like {prefix}_01h…)",
                crate::output::one_line(&text)
            ),
        ))
    }
}

pub async fn show(State(app): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = path_deal(&id)?;
    let json = app
        .read(move |tx| Ok(deal_json(deal::show(tx, &id.to_string(), 0)?.deal)))
        .await?;
    Ok(tagged(StatusCode::OK, json))
}

/// Refuses a change when `If-Match` does not admit the deal as it is now (412).
fn precondition(
    tx: &dyn Tx,
    id: DealId,
    tags: &Option<Vec<String>>,
) -> Result<crate::record::Deal> {
    let deal = tx
        .deal(id)?
        .ok_or_else(|| Error::not_found(format!("no deal with id {id}")))?;
    body::admit(tags, "deal", id, || {
        Ok(deal_json(deal::placed(tx, deal.clone())?))
    })?;
    Ok(deal)
}

pub async fn patch(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let id = path_deal(&id)?;
    caller.may_write()?;
    let tags = body::if_match(&headers)?;
    let patch = deal_patch(body::object(&headers, &sent)?, &caller)?;
    let clock = app.clock();
    let actor = caller.name.clone();
    let json = app
        .write(&actor, move |tx| {
            let deal = precondition(tx, id, &tags)?;
            caller.may_change(&deal)?;
            let done = deal::apply(tx, &clock, &id.to_string(), &patch).map_err(in_body)?;
            Ok(deal_json(done))
        })
        .await
        .map_err(|e| Problem::from(e).guess_field(&PATCH_FIELDS))?;
    Ok(tagged(StatusCode::OK, json))
}

/// The fields a `PATCH /deals/:id` may send.
const PATCH_FIELDS: [&str; 11] = [
    "name",
    "value",
    "pipeline_id",
    "stage_id",
    "contact_id",
    "owner_id",
    "expected_close",
    "metadata",
    "probability",
    "status",
    "close_reason",
];

pub async fn delete(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = path_deal(&id)?;
    caller.may_write()?;
    let tags = body::if_match(&headers)?;
    let actor = caller.name.clone();
    app.write(&actor, move |tx| {
        let deal = precondition(tx, id, &tags)?;
        caller.may_change(&deal)?;
        deal::delete(tx, &[id]).map(|_| ())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The fields a deal has that no request changes.
const READ_ONLY: [&str; 9] = [
    "id",
    "created_at",
    "updated_at",
    "last_activity_at",
    "stage_entered_at",
    "closed_at",
    "stage_name",
    "pipeline_name",
    "origin",
];

/// A JSON merge patch (RFC 7396) of a deal as the operation's changes: `null` removes an
/// optional field, `metadata` merges key by key (`null` removes a key).
fn deal_patch(m: Map<String, Value>, caller: &Caller) -> ApiResult<DealPatch> {
    let mut p = DealPatch::default();
    let mut pipeline = None;
    let mut stage = None;
    for (field, v) in m {
        let f = field.as_str();
        let text = |v: &Value| -> ApiResult<String> {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| Problem::invalid(f, format!("{f} must be a string")))
        };
        match (f, &v) {
            (ro, _) if READ_ONLY.contains(&ro) => {
                return Err(Problem::invalid(
                    f,
                    format!("{f} is set by rex and cannot be changed"),
                ))
            }
            ("name", Value::Null)
            | ("value", Value::Null)
            | ("status", Value::Null)
            | ("pipeline_id", Value::Null)
            | ("stage_id", Value::Null) => {
                return Err(Problem::invalid(
                    f,
                    format!("{f} cannot be removed; send a new value"),
                ))
            }
            ("name", v) => p.changes.name = Some(text(v)?),
            ("value", v) => {
                let cents = v.as_i64().ok_or_else(|| {
                    Problem::invalid(
                        f,
                        "value must be a whole number of cents, like 500000 for $5,000.00",
                    )
                })?;
                p.changes.value = Some(Cents::new(cents).map_err(|m| Problem::invalid(f, m))?);
            }
            ("contact_id", Value::Null) => p.changes.clear_contact = true,
            ("contact_id", v) => p.changes.contact = Some(text(v)?),
            ("owner_id", Value::Null) => p.changes.clear_owner = true,
            ("owner_id", v) => p.changes.owner = Some(text(v)?),
            ("expected_close", Value::Null) => p.changes.expected_close = Some(None),
            ("expected_close", v) => {
                let d = text(v)?.parse::<NaiveDate>().map_err(|_| {
                    Problem::invalid(f, "expected_close must be a date like 2026-03-31")
                })?;
                p.changes.expected_close = Some(Some(d));
            }
            ("probability", Value::Null) => p.changes.probability = Some(None),
            ("probability", v) => {
                let n = v.as_i64().ok_or_else(|| {
                    Problem::invalid(f, "probability must be a whole percent, 0 to 100")
                })?;
                p.changes.probability = Some(Some(
                    Probability::new(n).map_err(|m| Problem::invalid(f, m))?,
                ));
            }
            ("metadata", Value::Null) => p.changes.unset_metadata.push("*".into()),
            ("metadata", Value::Object(entries)) => {
                for (k, v) in entries {
                    match v {
                        Value::Null => p.changes.unset_metadata.push(k.clone()),
                        v => p.changes.metadata.push((k.clone(), v.clone())),
                    }
                }
            }
            ("metadata", _) => return Err(Problem::invalid(f, "metadata must be an object")),
            ("pipeline_id", v) => pipeline = Some(ids_only("pipeline_id", text(v)?)?),
            ("stage_id", v) => stage = Some(ids_only("stage_id", text(v)?)?),
            ("status", v) => {
                let s = text(v)?;
                p.status = Some(s.parse::<Status>().map_err(|m| Problem::invalid(f, m))?);
            }
            ("close_reason", Value::Null) => {}
            ("close_reason", v) => p.close_reason = Some(text(v)?),
            _ => {
                return Err(Problem::invalid(
                    f,
                    format!("a deal has no field '{}'", crate::output::one_line(f)),
                ))
            }
        }
    }
    if p.changes.unset_metadata.iter().any(|k| k == "*") {
        return Err(Problem::invalid(
            "metadata",
            "metadata cannot be removed whole; send {\"metadata\": {\"KEY\": null}} per key",
        ));
    }
    match (pipeline, stage) {
        (Some(pl), st) => {
            p.changes.pipeline = Some(pl);
            p.changes.stage = st;
        }
        (None, st) => p.stage = st,
    }
    let other = (p.changes.clear_owner && !caller.may_own(None))
        || p.changes
            .owner
            .as_deref()
            .is_some_and(|o| !caller.may_own(Some(o)));
    if other {
        return Err(Problem::forbidden(format!(
            "member token {} cannot give a deal to another owner",
            caller.name
        )));
    }
    Ok(p)
}

/// `GET /deals`: the parameters it takes.
pub const LIST_PARAMS: [&str; 17] = [
    "status",
    "pipeline_id",
    "stage_id",
    "owner_id",
    "contact_id",
    "search",
    "expected_close_before",
    "expected_close_after",
    "updated_since",
    "min_value",
    "max_value",
    "overdue",
    "no_next_step",
    "sort",
    "order",
    "limit",
    "cursor",
];

pub async fn list(State(app): State<Shared>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let params = body::query(raw.as_deref());
    body::known_only(&params, &LIST_PARAMS)?;
    let in_param = |name: &'static str| move |e: Error| Problem::from(e).in_field(name);
    let mut q = DealQuery::default();
    for (k, v) in &params {
        if k == "status" {
            for s in deal::statuses_named(v).map_err(in_param("status"))? {
                if !q.statuses.contains(&s) {
                    q.statuses.push(s);
                }
            }
        }
    }
    let one = |name: &str| body::single(&params, name);
    q.pipeline = one("pipeline_id")?.map(str::to_string);
    q.stage = one("stage_id")?.map(str::to_string);
    q.owner = one("owner_id")?.map(str::to_string);
    q.contact = one("contact_id")?.map(str::to_string);
    q.search = one("search")?.map(str::to_string);
    let date = |name: &str| -> ApiResult<_> {
        one(name)?
            .map(|t| t.parse().map_err(|m: String| Problem::invalid(name, m)))
            .transpose()
    };
    q.closing_before = date("expected_close_before")?;
    q.closing_after = date("expected_close_after")?;
    q.updated_since = one("updated_since")?
        .map(|t| {
            t.parse()
                .map_err(|m: String| Problem::invalid("updated_since", m))
        })
        .transpose()?;
    let cents = |name: &str| -> ApiResult<Option<Cents>> {
        one(name)?
            .map(|t| {
                t.parse::<i64>()
                    .map_err(|_| format!("{name} is a whole number of cents, like 500000"))
                    .and_then(Cents::new)
                    .map_err(|m| Problem::invalid(name, m))
            })
            .transpose()
    };
    q.min_value = cents("min_value")?;
    q.max_value = cents("max_value")?;
    q.overdue = match one("overdue")? {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Problem::invalid("overdue", "overdue is true or false")),
    };
    q.no_next_step = match one("no_next_step")? {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(Problem::invalid(
                "no_next_step",
                "no_next_step is true or false",
            ))
        }
    };
    q.sort = deal::sort_named(one("sort")?.unwrap_or("created_at")).map_err(in_param("sort"))?;
    q.desc = deal::order_named(one("order")?.unwrap_or("asc")).map_err(in_param("order"))?;
    let limit = match one("limit")? {
        None => deal::PAGE_SIZE,
        Some(t) => match t.parse::<u64>() {
            Ok(n) if (1..=deal::PAGE_MOST).contains(&n) => n,
            _ => {
                return Err(Problem::invalid(
                    "limit",
                    format!("limit is a number from 1 to {}", deal::PAGE_MOST),
                ))
            }
        },
    };
    q.after = one("cursor")?
        .map(|c| deal::Cursor::decode(c, q.sort, q.desc))
        .transpose()
        .map_err(in_param("cursor"))?;
    let clock = app.clock();
    let json = app
        .read(move |tx| {
            let page = deal::page(tx, &clock, &q, limit)?;
            let mut out = String::from("{\"data\":[");
            for (n, p) in page.deals.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&deal_json(p));
            }
            out.push_str("],\"next_cursor\":");
            match page.next {
                Some(c) => out.push_str(&serde_json::to_string(&c.encode()).unwrap_or_default()),
                None => out.push_str("null"),
            }
            out.push('}');
            Ok(out)
        })
        .await
        .map_err(|e| match e {
            Error::NotFound(m) => Problem::invalid("query", m),
            other => Problem::from(other),
        })?;
    Ok(json_response(json))
}

fn json_response(text: String) -> Response {
    json(text)
}

/// `GET /deals/:id/history`: as `rex deal history -o json` prints it.
pub async fn history(State(app): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = path_deal(&id)?;
    let json = app
        .read(move |tx| {
            let events = deal::history(tx, &id.to_string())?;
            Ok(serde_json::to_string(&events).unwrap_or_default())
        })
        .await?;
    Ok(json_response(json))
}

/// `POST /deals/:id/notes`' body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Note)]
pub struct NoteBody {
    /// The note: printable text, lines allowed.
    #[schema(schema_with = schemas::note)]
    text: String,
}

/// `POST /deals/:id/notes` → 201 and the event recorded.
pub async fn note(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let id = path_deal(&id)?;
    caller.may_write()?;
    let b: NoteBody = body::fields(body::object(&headers, &sent)?)?;
    let text = b.text.replace("\r\n", "\n");
    let path = format!("POST /deals/{id}/notes");
    let who = caller.clone();
    replay::once(&app, &caller, &headers, &path, &sent, move |tx, clock| {
        let deal = precondition(tx, id, &None)?;
        who.may_change(&deal)?;
        deal::note(tx, clock, &id.to_string(), &text)?;
        let event = tx
            .events(id)?
            .pop()
            .ok_or_else(|| Error::Failed("a note was recorded without its event".into()))?;
        let body = serde_json::to_string(&event).unwrap_or_default();
        Ok(replay::made(StatusCode::CREATED, body, None))
    })
    .await
}
