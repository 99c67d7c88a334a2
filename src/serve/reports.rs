//! The views and reports beyond the product's nine endpoints: a pipeline's board, today,
//! the forecast and the reports, each answering exactly the JSON its command prints with
//! `-o json`, built by the code the command uses. Their options are the commands' long
//! flags as query parameters (`--owner` of a report is `owner_id`, as a deal's field).

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::Extension;
use chrono::NaiveDate;
use serde::Serialize;

use super::app::Shared;
use super::auth::Caller;
use super::body;
use super::deals::json;
use super::pipelines::path_pipeline;
use super::problem::{ApiResult, Problem};
use crate::clock::{Clock, DateSpec};
use crate::error::Error;
use crate::ops::board::{self, Section};
use crate::ops::report::{self, Period, Scope, Window, WinsBy};
use crate::output::{BoardView, TodayView};

/// A query's parameters, checked against those an endpoint takes.
pub struct Query {
    params: Vec<(String, String)>,
}

impl Query {
    pub fn new(raw: Option<&str>, known: &[&str]) -> ApiResult<Query> {
        let params = body::query(raw);
        body::known_only(&params, known)?;
        Ok(Query { params })
    }

    pub fn one(&self, name: &str) -> ApiResult<Option<String>> {
        Ok(body::single(&self.params, name)?.map(str::to_string))
    }

    /// A flag's value: `true` or `false` (absent is false).
    pub fn flag(&self, name: &str) -> ApiResult<bool> {
        match self.one(name)?.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(Problem::invalid(name, format!("{name} is true or false"))),
        }
    }

    /// A day as the CLI's date flags take it (`2026-03-31`, `today`, `+7d`, `eom` …).
    pub fn day(&self, name: &str, clock: &Clock) -> ApiResult<Option<NaiveDate>> {
        let Some(text) = self.one(name)? else {
            return Ok(None);
        };
        let spec = text
            .parse::<DateSpec>()
            .map_err(|m| Problem::invalid(name, format!("{name}: {m}")))?;
        let day = spec
            .resolve(clock)
            .map_err(|e| Problem::from(e).in_field(name))?;
        Ok(Some(day))
    }

    /// The deals a forecast or report covers: `pipeline_id` (an id or a name, as the
    /// CLI's `--pipeline`) and `owner_id`.
    fn scope(&self) -> ApiResult<Scope> {
        Ok(Scope {
            pipeline: self.one("pipeline_id")?,
            owner: self.one("owner_id")?,
        })
    }

    /// A report's window of closed deals: `since` and `until`.
    fn window(&self, clock: &Clock) -> ApiResult<Window> {
        Ok(Window {
            since: self.day("since", clock)?,
            until: self.day("until", clock)?,
        })
    }

    /// One of `choices` (the CLI's values of the flag).
    fn choice<T: Copy>(&self, name: &str, choices: &[(&str, T)]) -> ApiResult<Option<T>> {
        let Some(text) = self.one(name)? else {
            return Ok(None);
        };
        choices
            .iter()
            .find(|(k, _)| *k == text)
            .map(|(_, v)| Some(*v))
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(k, _)| *k).collect();
                Problem::invalid(
                    name,
                    format!(
                        "{name} '{}' is not one of {}",
                        crate::output::one_line(&text),
                        names.join(", ")
                    ),
                )
            })
    }
}

/// A view or the rows of a report as JSON, as the command prints them with `-o json`.
fn json_of<T: Serialize>(view: &T) -> String {
    serde_json::to_string(view).unwrap_or_default()
}

/// An error of a read named by its query: what a parameter names that does not exist is
/// invalid input (422), not a missing page.
fn of_query(e: Error, params: &[&str]) -> Problem {
    let e = match e {
        Error::NotFound(m) => Error::Usage(m),
        other => other,
    };
    Problem::from(e).guess_field(params)
}

/// `GET /pipelines/:id/board`: as `rex board ID -o json` prints it; every active deal of
/// each stage, or at most `limit`, of one owner's (`owner_id`) or everyone's.
pub async fn board(
    State(app): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = path_pipeline(&id)?;
    let q = Query::new(raw.as_deref(), &["owner_id", "limit"])?;
    let owner = q.one("owner_id")?;
    let limit = q
        .one("limit")?
        .map(|t| {
            t.parse::<usize>().map_err(|_| {
                Problem::invalid("limit", "limit is a whole number of deals, 0 or more")
            })
        })
        .transpose()?;
    let text = app
        .read(move |tx| {
            let b = board::board(tx, Some(&id.to_string()), owner.as_deref(), limit)?;
            Ok(json_of(&BoardView::of(b, &tx.stage_labels()?)))
        })
        .await?;
    Ok(json(text))
}

/// `GET /today`: as `rex today -o json` prints it: the token's owner's deals unless `owner`
/// names another or `all=true` asks for everyone's (a token without an owner sees
/// everyone's); `section` (repeatable, or separated by commas) picks sections.
pub async fn today(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::new(raw.as_deref(), &["owner", "all", "section"])?;
    let all = q.flag("all")?;
    let owner = match (q.one("owner")?, all) {
        (Some(_), true) => return Err(Problem::invalid("all", "give owner or all=true, not both")),
        (Some(o), false) => Some(o),
        (None, true) => None,
        (None, false) => caller.owner.clone(),
    };
    let mut only = Vec::new();
    for (_, v) in q.params.iter().filter(|(k, _)| k == "section") {
        for word in v.split(',').map(str::trim) {
            let section = Section::ALL
                .into_iter()
                .find(|s| s.key() == word || s.key().replace('_', "-") == word)
                .ok_or_else(|| {
                    let keys: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
                    Problem::invalid(
                        "section",
                        format!(
                            "section '{}' is not one of {}",
                            crate::output::one_line(word),
                            keys.join(", ")
                        ),
                    )
                })?;
            only.push(section);
        }
    }
    let clock = app.clock();
    let text = app
        .read(move |tx| {
            let today = board::today(tx, &clock, owner.as_deref(), &only)?;
            let sections = TodayView::sections(today, &only, &tx.stage_labels()?);
            Ok(json_of(&TodayView::whole(sections)))
        })
        .await?;
    Ok(json(text))
}

const PERIODS: [(&str, Period); 2] = [("month", Period::Month), ("quarter", Period::Quarter)];

/// `GET /forecast`: as `rex forecast -o json` prints it (`pipeline_id`, `owner_id`, `by`
/// month or quarter, `periods`).
pub async fn forecast(State(app): State<Shared>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    const PARAMS: [&str; 4] = ["pipeline_id", "owner_id", "by", "periods"];
    let q = Query::new(raw.as_deref(), &PARAMS)?;
    let scope = q.scope()?;
    let by = q.choice("by", &PERIODS)?.unwrap_or(Period::Month);
    let periods = match q.one("periods")? {
        None => 6,
        Some(t) => t.parse::<u32>().map_err(|_| {
            Problem::invalid(
                "periods",
                format!("periods is a number from 1 to {}", report::MAX_PERIODS),
            )
        })?,
    };
    let clock = app.clock();
    let text = app
        .read(move |tx| Ok(json_of(&report::forecast(tx, &clock, &scope, by, periods)?)))
        .await
        .map_err(|e| of_query(e, &PARAMS))?;
    Ok(json(text))
}

/// `GET /reports/wins`: as `rex report wins -o json` prints it (`pipeline_id`, `owner_id`,
/// `since`, `until`, `by` owner, pipeline, month or quarter).
pub async fn wins(State(app): State<Shared>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    const PARAMS: [&str; 5] = ["pipeline_id", "owner_id", "since", "until", "by"];
    let q = Query::new(raw.as_deref(), &PARAMS)?;
    let clock = app.clock();
    let (scope, window) = (q.scope()?, q.window(&clock)?);
    let by = q.choice(
        "by",
        &[
            ("owner", WinsBy::Owner),
            ("pipeline", WinsBy::Pipeline),
            ("month", WinsBy::Month),
            ("quarter", WinsBy::Quarter),
        ],
    )?;
    let text = app
        .read(move |tx| Ok(json_of(&report::wins(tx, &clock, &scope, &window, by)?)))
        .await
        .map_err(|e| of_query(e, &PARAMS))?;
    Ok(json(text))
}

/// `GET /reports/stages`: as `rex report stages -o json` prints it (`pipeline_id`, which
/// may be left out when only one exists; `since`).
pub async fn stages(State(app): State<Shared>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    const PARAMS: [&str; 2] = ["pipeline_id", "since"];
    let q = Query::new(raw.as_deref(), &PARAMS)?;
    let pipeline = q.one("pipeline_id")?;
    let since = q.day("since", &app.clock())?;
    let text = app
        .read(move |tx| Ok(json_of(&report::funnel(tx, pipeline.as_deref(), since)?)))
        .await
        .map_err(|e| of_query(e, &PARAMS))?;
    Ok(json(text))
}

/// `GET /reports/lost-reasons`: as `rex report lost-reasons -o json` prints it
/// (`pipeline_id`, `owner_id`, `since`, `until`).
pub async fn lost_reasons(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    const PARAMS: [&str; 4] = ["pipeline_id", "owner_id", "since", "until"];
    let q = Query::new(raw.as_deref(), &PARAMS)?;
    let clock = app.clock();
    let (scope, window) = (q.scope()?, q.window(&clock)?);
    let text = app
        .read(move |tx| Ok(json_of(&report::lost_reasons(tx, &clock, &scope, &window)?)))
        .await
        .map_err(|e| of_query(e, &PARAMS))?;
    Ok(json(text))
}
