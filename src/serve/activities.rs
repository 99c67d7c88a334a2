//! Activities, the next steps on a deal: listed (`/activities`, `/deals/:id/activities`),
//! scheduled on a deal, read, changed, completed, reopened and deleted, over the operations
//! the CLI's `rex activity …` calls; an activity reads exactly as `-o json` prints it (its
//! fields, then `deal_name`). A member token works only on its owner's deals' activities,
//! as it works only on its owner's deals.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::app::Shared;
use super::auth::Caller;
use super::body::{self, Sent};
use super::deals::{json, path_deal, tagged};
use super::problem::{ApiResult, Problem};
use super::replay;
use super::reports::Query;
use super::schemas;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::{ActivityId, DealId};
use crate::ops::activity::{
    self, ActivityChanges, ActivityQuery, ActivityRef, Cursor, NewActivity, Owners, Page,
};
use crate::output::{one_line, ActivityView};
use crate::record::{Activity, ActivityType, Deal, DueTime, DURATION_MAX_MINUTES};
use crate::store::Tx;

/// An activity's JSON, as `rex activity show -o json` prints it.
pub fn activity_json(activity: Activity, deal_name: String) -> String {
    let view = ActivityView {
        activity,
        deal_name,
        short_ref: None,
    };
    serde_json::to_string(&view).unwrap_or_default()
}

/// The activity a path names: an activity id, else nothing (404).
fn path_activity(id: &str) -> ApiResult<ActivityId> {
    id.parse::<ActivityId>().map_err(|_| {
        Problem::not_found(format!(
            "no activity with id {}; an activity id looks like activity_01h…",
            one_line(id)
        ))
    })
}

/// The activity `id` and its deal, refused when `If-Match` does not admit the activity as
/// it is now (412).
fn current(tx: &dyn Tx, id: ActivityId, tags: &Option<Vec<String>>) -> Result<(Activity, Deal)> {
    let a = tx
        .activity(id)?
        .ok_or_else(|| Error::not_found(format!("no activity with id {id}")))?;
    let deal = tx
        .deal(a.deal_id)?
        .ok_or_else(|| Error::not_found(format!("no deal with id {}", a.deal_id)))?;
    body::admit(tags, "activity", id, || {
        Ok(activity_json(a.clone(), deal.name.clone()))
    })?;
    Ok((a, deal))
}

/// `GET /activities`: the parameters it takes.
pub const LIST_PARAMS: [&str; 10] = [
    "owner_id", "all", "deal_id", "type", "overdue", "due_from", "due_to", "done", "limit",
    "cursor",
];

/// `GET /deals/:id/activities`: the parameters it takes (the deal is the path's).
pub const DEAL_LIST_PARAMS: [&str; 8] = [
    "owner_id", "type", "overdue", "due_from", "due_to", "done", "limit", "cursor",
];

/// A list's query as the operation's, with where the page starts and how long it is.
struct Listing {
    query: ActivityQuery,
    after: Option<Cursor>,
    limit: u64,
}

/// Reads a list's parameters. Whose activities: `owner_id`'s, everyone's with `all=true`
/// or when a deal is named (as `activity list --deal`), else the token's owner's (a token
/// without one: everyone's), as `GET /today` decides.
fn listing(q: &Query, clock: &Clock, caller: &Caller, deal: Option<String>) -> ApiResult<Listing> {
    let all = q.flag("all")?;
    let owners = match (q.one("owner_id")?, all) {
        (Some(_), true) => {
            return Err(Problem::invalid(
                "all",
                "give owner_id or all=true, not both",
            ))
        }
        (Some(o), false) => Owners::Of(o),
        (None, true) => Owners::All,
        (None, false) if deal.is_some() => Owners::All,
        (None, false) => caller.owner.clone().map_or(Owners::All, Owners::Of),
    };
    let kind = q
        .one("type")?
        .map(|t| t.parse::<ActivityType>())
        .transpose()
        .map_err(|m| Problem::invalid("type", m))?;
    let (overdue, done) = (q.flag("overdue")?, q.flag("done")?);
    if overdue && done {
        return Err(Problem::invalid(
            "overdue",
            "overdue=true lists activities still to do; leave out done=true",
        ));
    }
    let due_from = q.day("due_from", clock)?;
    let due_to = q.day("due_to", clock)?;
    if let (Some(from), Some(to)) = (due_from, due_to) {
        if from > to {
            return Err(Problem::invalid(
                "due_to",
                format!("due_to {to} is before due_from {from}; give due_from on or before due_to"),
            ));
        }
    }
    let limit = match q.one("limit")? {
        None => activity::PAGE_SIZE,
        Some(t) => match t.parse::<u64>() {
            Ok(n) if (1..=activity::PAGE_MOST).contains(&n) => n,
            _ => {
                return Err(Problem::invalid(
                    "limit",
                    format!("limit is a number from 1 to {}", activity::PAGE_MOST),
                ))
            }
        },
    };
    let after = q
        .one("cursor")?
        .map(|c| Cursor::decode(&c))
        .transpose()
        .map_err(|e| Problem::from(e).in_field("cursor"))?;
    Ok(Listing {
        query: ActivityQuery {
            owners,
            deal,
            kind,
            overdue,
            due_from,
            due_to,
            done,
            limit: None,
        },
        after,
        limit,
    })
}

/// A page as the API answers it: `{"data": [...], "next_cursor": ...}`, as `GET /deals`.
fn page_json(page: Page) -> String {
    let mut out = String::from("{\"data\":[");
    for (n, l) in page.activities.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&activity_json(l.activity, l.deal_name));
    }
    out.push_str("],\"next_cursor\":");
    match page.next {
        Some(c) => out.push_str(&serde_json::to_string(&c.encode()).unwrap_or_default()),
        None => out.push_str("null"),
    }
    out.push('}');
    out
}

/// Reads one page of `l` (a page is one read transaction).
async fn read_page(app: &Shared, clock: Clock, l: Listing) -> Result<String> {
    app.read(move |tx| {
        let page = activity::page(tx, &clock, &l.query, l.after.as_ref(), l.limit)?;
        Ok(page_json(page))
    })
    .await
}

/// `GET /activities`: as `rex activity list -o json` prints them, a page at a time.
pub async fn list(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::new(raw.as_deref(), &LIST_PARAMS)?;
    let deal = q
        .one("deal_id")?
        .map(|d| {
            d.parse::<DealId>().map(|id| id.to_string()).map_err(|_| {
                Problem::invalid(
                    "deal_id",
                    format!(
                        "deal_id '{}' is not a deal id (like deal_01h…)",
                        one_line(&d)
                    ),
                )
            })
        })
        .transpose()?;
    let clock = app.clock();
    let l = listing(&q, &clock, &caller, deal)?;
    // A deal a parameter names that does not exist is invalid input, not a missing page.
    let text = read_page(&app, clock, l).await.map_err(|e| match e {
        Error::NotFound(m) => Problem::invalid("deal_id", m),
        other => Problem::from(other),
    })?;
    Ok(json(text))
}

/// `GET /deals/:id/activities`: the deal's, whoever owns them, as `rex activity list
/// --deal ID -o json` prints them; `done=true` for the done ones.
pub async fn of_deal(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let id = path_deal(&id)?;
    let q = Query::new(raw.as_deref(), &DEAL_LIST_PARAMS)?;
    let clock = app.clock();
    let l = listing(&q, &clock, &caller, Some(id.to_string()))?;
    Ok(json(read_page(&app, clock, l).await?))
}

/// `POST /deals/:id/activities`' body: the fields of `activity add`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewActivity)]
pub struct NewActivityBody {
    #[schema(schema_with = schemas::name)]
    subject: String,
    /// Default: `task`.
    #[serde(rename = "type")]
    #[schema(value_type = Option<schemas::ActivityType>)]
    kind: Option<String>,
    /// Default: today, in the zone `rex serve` runs in.
    #[schema(value_type = Option<String>, format = Date)]
    due_date: Option<NaiveDate>,
    /// `HH:MM` on a 24-hour clock, in the zone `rex serve` runs in; left out or null: all day.
    #[schema(schema_with = schemas::time_or_null)]
    due_time: Option<String>,
    /// How long it lasts, in minutes (at most a week).
    #[schema(minimum = 1, maximum = 10080)]
    duration_minutes: Option<u32>,
    /// Default: the deal's owner, else the token's owner.
    #[schema(schema_with = schemas::line_or_null)]
    owner_id: Option<String>,
    /// Printable text, lines allowed.
    #[schema(schema_with = schemas::note_or_null)]
    note: Option<String>,
}

/// The fields of `POST /deals/:id/activities`.
const NEW_FIELDS: [&str; 7] = [
    "subject",
    "type",
    "due_date",
    "due_time",
    "duration_minutes",
    "owner_id",
    "note",
];

/// An activity type as JSON spells it: exactly one of the names, in lower case.
fn kind_named(field: &str, text: &str) -> ApiResult<ActivityType> {
    ActivityType::ALL
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| {
            Problem::invalid(
                field,
                format!(
                    "type '{}' is not an activity type; use one of {}",
                    one_line(text),
                    ActivityType::NAMES.join(", ")
                ),
            )
        })
}

/// A due time as JSON spells it: exactly `HH:MM` on a 24-hour clock.
fn time_named(text: &str) -> ApiResult<DueTime> {
    let b = text.as_bytes();
    let shaped =
        b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|i| b[*i].is_ascii_digit());
    shaped
        .then(|| text.parse::<DueTime>().ok())
        .flatten()
        .ok_or_else(|| {
            Problem::invalid(
                "due_time",
                format!(
                    "due_time '{}' is not a time; use HH:MM on a 24-hour clock, like 14:00",
                    one_line(text)
                ),
            )
        })
}

fn minutes(n: u32) -> ApiResult<u32> {
    if (1..=DURATION_MAX_MINUTES).contains(&n) {
        Ok(n)
    } else {
        Err(Problem::invalid(
            "duration_minutes",
            format!("duration_minutes is a whole number of minutes from 1 to {DURATION_MAX_MINUTES} (a week)"),
        ))
    }
}

/// A browser's line breaks (`\r\n`) as rex keeps them, as in a deal's note.
fn note_text(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// `POST /deals/:id/activities` → 201, `Location` and the activity scheduled.
pub async fn create(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let deal_id = path_deal(&id)?;
    caller.may_write()?;
    let b: NewActivityBody = body::fields(body::object(&headers, &sent)?)?;
    if b.owner_id.is_some() && !caller.may_own(b.owner_id.as_deref()) {
        return Err(Problem::forbidden(format!(
            "member token {} schedules activities for {} only; leave owner_id out or send its own",
            caller.name,
            caller.owner.as_deref().map(one_line).unwrap_or_default()
        )));
    }
    let kind = match &b.kind {
        Some(k) => kind_named("type", k)?,
        None => ActivityType::Task,
    };
    let due_time = b.due_time.as_deref().map(time_named).transpose()?;
    let duration_minutes = b.duration_minutes.map(minutes).transpose()?;
    let path = format!("POST /deals/{deal_id}/activities");
    let who = caller.clone();
    replay::once(&app, &caller, &headers, &path, &sent, move |tx, clock| {
        let deal = tx
            .deal(deal_id)?
            .ok_or_else(|| Error::not_found(format!("no deal with id {deal_id}")))?;
        who.may_change(&deal)?;
        let new = NewActivity {
            deal: deal_id.to_string(),
            subject: b.subject.clone(),
            kind,
            // As `activity add` without --due: today, the request's day.
            due_date: b.due_date.unwrap_or_else(|| clock.today()),
            due_time,
            duration_minutes,
            owner: b.owner_id.clone(),
            me: who.owner.clone(),
            note: b.note.as_deref().map(note_text),
        };
        let made = activity::add(tx, clock, &new)?;
        let location = format!("/activities/{}", made.activity.id);
        let json = activity_json(made.activity, made.deal.name);
        Ok(replay::made(StatusCode::CREATED, json, Some(location)))
    })
    .await
    .map_err(|p| p.guess_field(&NEW_FIELDS))
}

/// `GET /activities/:id`, with its `ETag`.
pub async fn show(State(app): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = path_activity(&id)?;
    let json = app
        .read(move |tx| {
            let (a, deal) = current(tx, id, &None)?;
            Ok(activity_json(a, deal.name))
        })
        .await?;
    Ok(tagged(StatusCode::OK, json))
}

/// The fields an activity has that no request changes.
const READ_ONLY: [&str; 6] = [
    "id",
    "deal_id",
    "done_at",
    "created_at",
    "updated_at",
    "deal_name",
];

/// A JSON merge patch (RFC 7396) of an activity as the operation's changes: `null` clears
/// an optional field (`due_time` makes it all-day).
fn activity_patch(m: Map<String, Value>, caller: &Caller) -> ApiResult<ActivityChanges> {
    let mut c = ActivityChanges::default();
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
            ("done", _) => {
                return Err(Problem::invalid(
                    f,
                    "done is changed by POST /activities/ID/done and /undo, not by a patch",
                ))
            }
            ("subject" | "type" | "due_date", Value::Null) => {
                return Err(Problem::invalid(
                    f,
                    format!("{f} cannot be removed; send a new value"),
                ))
            }
            ("subject", v) => c.subject = Some(text(v)?),
            ("type", v) => c.kind = Some(kind_named(f, &text(v)?)?),
            ("due_date", v) => {
                let d = text(v)?
                    .parse::<NaiveDate>()
                    .map_err(|_| Problem::invalid(f, "due_date must be a date like 2026-03-31"))?;
                c.due_date = Some(d);
            }
            ("due_time", Value::Null) => c.due_time = Some(None),
            ("due_time", v) => c.due_time = Some(Some(time_named(&text(v)?)?)),
            ("duration_minutes", Value::Null) => c.duration_minutes = Some(None),
            ("duration_minutes", v) => {
                let n = v.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
                c.duration_minutes = Some(Some(minutes(n)?));
            }
            ("owner_id", Value::Null) => c.owner = Some(None),
            ("owner_id", v) => c.owner = Some(Some(text(v)?)),
            ("note", Value::Null) => c.note = Some(None),
            ("note", v) => c.note = Some(Some(note_text(&text(v)?))),
            _ => {
                return Err(Problem::invalid(
                    f,
                    format!("an activity has no field '{}'", one_line(f)),
                ))
            }
        }
    }
    if c.owner
        .as_ref()
        .is_some_and(|o| !caller.may_own(o.as_deref()))
    {
        return Err(Problem::forbidden(format!(
            "member token {} cannot give an activity to another owner",
            caller.name
        )));
    }
    Ok(c)
}

/// The fields a `PATCH /activities/:id` may send.
const PATCH_FIELDS: [&str; 7] = NEW_FIELDS;

/// `PATCH /activities/:id` → the activity as it is now; a new date or time is recorded in
/// its deal's history as `activity_rescheduled`.
pub async fn patch(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let id = path_activity(&id)?;
    caller.may_write()?;
    let tags = body::if_match(&headers)?;
    let changes = activity_patch(body::object(&headers, &sent)?, &caller)?;
    let clock = app.clock();
    let actor = caller.name.clone();
    let json = app
        .write(&actor, move |tx| {
            let (_, deal) = current(tx, id, &tags)?;
            caller.may_change(&deal)?;
            let named = ActivityRef::new(&id.to_string(), None);
            let (done, _) = activity::update(tx, &clock, &named, &changes)?;
            Ok(activity_json(done.activity, done.deal.name))
        })
        .await
        .map_err(|e| Problem::from(e).guess_field(&PATCH_FIELDS))?;
    Ok(tagged(StatusCode::OK, json))
}

/// `DELETE /activities/:id` → 204; recorded in its deal's history as `activity_deleted`.
pub async fn delete(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = path_activity(&id)?;
    caller.may_write()?;
    let tags = body::if_match(&headers)?;
    let clock = app.clock();
    let actor = caller.name.clone();
    app.write(&actor, move |tx| {
        let (_, deal) = current(tx, id, &tags)?;
        caller.may_change(&deal)?;
        activity::delete(tx, &clock, &ActivityRef::new(&id.to_string(), None))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /activities/:id/done`'s body, which may be left out.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ActivityDone)]
pub struct DoneBody {
    /// Added to the activity's note, on a line of its own.
    #[schema(schema_with = schemas::note_or_null)]
    note: Option<String>,
}

/// `POST /activities/:id/undo`'s body, which may be left out: an empty object (it has no
/// fields; a note is only added by `/done`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ActivityUndo)]
pub struct UndoBody {}

/// Done or not done, as `/done` and `/undo` ask.
#[derive(Debug, Clone, Copy)]
enum Mark {
    Done,
    Undone,
}

/// `POST /activities/:id/done` → the activity, done (an activity already done is answered
/// as it is). Completing one is activity on its deal: a stalled deal is open again.
pub async fn done(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let id = path_activity(&id)?;
    caller.may_write()?;
    let note = match sent.is_empty() {
        true => None,
        false => body::fields::<DoneBody>(body::object(&headers, &sent)?)?
            .note
            .as_deref()
            .map(note_text),
    };
    mark(&app, caller, id, &headers, &sent, Mark::Done, note)
        .await
        .map_err(|p| p.guess_field(&["note"]))
}

/// `POST /activities/:id/undo` → the activity, pending again (one that is pending is
/// answered as it is).
pub async fn undo(
    State(app): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Sent(sent): Sent,
) -> ApiResult<Response> {
    let id = path_activity(&id)?;
    caller.may_write()?;
    if !sent.is_empty() {
        body::fields::<UndoBody>(body::object(&headers, &sent)?)?;
    }
    mark(&app, caller, id, &headers, &sent, Mark::Undone, None).await
}

async fn mark(
    app: &Shared,
    caller: Caller,
    id: ActivityId,
    headers: &HeaderMap,
    sent: &Bytes,
    how: Mark,
    note: Option<String>,
) -> ApiResult<Response> {
    let path = match how {
        Mark::Done => format!("POST /activities/{id}/done"),
        Mark::Undone => format!("POST /activities/{id}/undo"),
    };
    let who = caller.clone();
    replay::once(app, &caller, headers, &path, sent, move |tx, clock| {
        let (_, deal) = current(tx, id, &None)?;
        who.may_change(&deal)?;
        let named = [ActivityRef::new(&id.to_string(), None)];
        let mut marked = match how {
            Mark::Done => activity::done(tx, clock, &named, note.as_deref())?,
            Mark::Undone => activity::undo(tx, clock, &named)?,
        };
        let one = marked
            .changed
            .pop()
            .or_else(|| marked.unchanged.pop())
            .ok_or_else(|| Error::Failed(format!("activity {id} was neither marked nor left")))?;
        let json = activity_json(one.activity, one.deal.name);
        Ok(replay::made(StatusCode::OK, json, None))
    })
    .await
}
