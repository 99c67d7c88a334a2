//! `rex deal …`: the deals a salesperson works all day, their history, and the stalled scan.

use chrono::Duration;
use serde_json::{json, Value};

use super::{
    confirm, fill_refs, find_any_stage, find_deal, find_pipeline, find_stage, labelled, meta_key,
    parse_meta, pipeline_or_only, print_saved, sorted, Ctx, REF_MIN,
};
use crate::cli::{DealCommand, ListArgs, MetaArgs};
use crate::clock::{parse_timestamp, Clock, DateOrNone};
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::output::{DealView, StalledView};
use crate::record::Place;
use crate::record::{
    changes, clean_name, clean_note, clean_text, event, Deal, Event, Metadata, Status,
};
use crate::store::{DealFilter, Tx};

/// How many history entries `deal show` prints under a deal on a terminal.
const RECENT_EVENTS: usize = 5;

pub fn run(ctx: &mut Ctx, cmd: DealCommand) -> Result<()> {
    let clock = ctx.clock;
    match cmd {
        DealCommand::Create {
            name,
            value,
            pipeline,
            stage,
            contact,
            owner,
            expected_close,
            probability,
            meta,
        } => {
            let expected_close = expected_close.map(|d| d.resolve(&clock)).transpose()?;
            let fields = NewDeal {
                name,
                value,
                pipeline,
                stage,
                contact,
                owner: owner.or_else(super::me),
                expected_close,
                probability,
                meta,
            };
            let (view, line) = ctx.store.write(|tx| create(tx, &clock, &fields))?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || format!("new deal {id}"))
        }
        DealCommand::List(args) => list(ctx, &args),
        DealCommand::Show { deal } => {
            let recent = ctx.out.is_human();
            let view = ctx.store.read(|tx| {
                let deal = find_deal(tx, &deal)?;
                let id = deal.id;
                let mut view = view_of(tx, deal)?;
                fill_refs(tx, [&mut view])?;
                if recent {
                    let events = tx.events(id)?;
                    view.recent = events[events.len().saturating_sub(RECENT_EVENTS)..].to_vec();
                }
                Ok(view)
            })?;
            ctx.out.one(&view)
        }
        DealCommand::Update {
            deal,
            name,
            value,
            contact,
            owner,
            expected_close,
            probability,
            meta,
            unset_meta,
            pipeline,
            stage,
        } => {
            let expected_close = match expected_close {
                Some(DateOrNone::Date(d)) => Some(Some(d.resolve(&clock)?)),
                Some(DateOrNone::None) => Some(None),
                None => None,
            };
            let fields = Update {
                name,
                value,
                contact,
                owner,
                expected_close,
                probability,
                meta,
                unset_meta,
                pipeline,
                stage,
            };
            let (view, line) = ctx.store.write(|tx| update(tx, &clock, &deal, &fields))?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the update of deal {id}")
            })
        }
        DealCommand::Move { deal, stage } => {
            let (view, line) = ctx.store.write(|tx| move_to(tx, &clock, &deal, &stage))?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the move of deal {id}")
            })?;
            if let Some(hint) = last_stage_hint(ctx, &view)? {
                ctx.out.note(&hint);
            }
            Ok(())
        }
        DealCommand::Close {
            deal,
            won,
            lost: _,
            reason,
        } => {
            let status = if won { Status::Won } else { Status::Lost };
            let view = ctx
                .store
                .write(|tx| close(tx, &clock, &deal, status, reason.as_deref()))?;
            let id = view.0.deal.id;
            print_saved(ctx.out.change(&view.0, &view.1), || {
                format!("the close of deal {id}")
            })
        }
        DealCommand::Reopen { deal } => {
            let (view, line) = ctx.store.write(|tx| reopen(tx, &clock, &deal))?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the reopening of deal {id}")
            })
        }
        DealCommand::Note { deal, text } => {
            let (view, line) = ctx.store.write(|tx| note(tx, &clock, &deal, &text))?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the note on deal {id}")
            })
        }
        DealCommand::History { deal } => {
            let events = ctx.store.read(|tx| {
                let id = find_deal(tx, &deal)?.id;
                tx.events(id)
            })?;
            ctx.out.list(events)
        }
        DealCommand::Delete { deals, yes } => {
            // A full id needs only to exist (a deal whose stored fields are damaged can still
            // be deleted); other references are looked up. A deal named twice is deleted once.
            let named = ctx.store.read(|tx| {
                let mut named: Vec<(DealId, String)> = Vec::new();
                for text in &deals {
                    let id = match text.parse::<DealId>() {
                        Ok(id) if tx.deal_exists(id)? => id,
                        Ok(id) => return Err(Error::not_found(format!("no deal with id {id}"))),
                        Err(_) => find_deal(tx, text)?.id,
                    };
                    if !named.iter().any(|(seen, _)| *seen == id) {
                        named.push((id, deal_label(tx, id)?));
                    }
                }
                Ok(named)
            })?;
            let ids: Vec<DealId> = named.iter().map(|(id, _)| *id).collect();
            let n = ids.len();
            let noun = if n == 1 { "deal" } else { "deals" };
            let labels: Vec<&str> = named.iter().map(|(_, l)| l.as_str()).collect();
            confirm(
                yes,
                &format!("Delete {} and their history?", list_of(&labels)),
                &format!("refusing to delete {n} {noun}"),
            )?;
            ctx.store.write(|tx| delete(tx, &ids))?;
            ctx.out.note(&format!("deleted {n} {noun}"));
            Ok(())
        }
        DealCommand::Stalled {
            scope,
            mark,
            exit_status,
        } => {
            let (pipeline, owner) = (scope.pipeline, scope.owner);
            let rows = if mark {
                ctx.store
                    .write(|tx| stalled(tx, &clock, pipeline.as_deref(), owner.as_deref(), true))?
            } else {
                ctx.store
                    .read(|tx| stalled(tx, &clock, pipeline.as_deref(), owner.as_deref(), false))?
            };
            let mut rows = rows;
            if ctx.out.is_human() {
                ctx.store
                    .read(|tx| fill_refs(tx, rows.iter_mut().map(|r| &mut r.deal)))?;
            }
            let empty = rows.is_empty();
            // With --mark, an empty run prints nothing at all, so cron sends no mail.
            if !(mark && empty) {
                let n = rows.len();
                let printed = ctx.out.list(rows);
                if mark {
                    print_saved(printed, || format!("marking {n} deals stalled"))?;
                } else {
                    printed?;
                }
            }
            exit_for(exit_status, empty)
        }
    }
}

/// `--exit-status`: 0 when something was listed, 1 when nothing was.
fn exit_for(exit_status: bool, empty: bool) -> Result<()> {
    if exit_status && empty {
        Err(Error::Silent(crate::error::code::FAILURE))
    } else {
        Ok(())
    }
}

/// "Acme Corp (3kq9v2x)": a deal as a confirmation names it. Its stored name, whatever it
/// holds, is escaped when printed.
fn deal_label(tx: &dyn Tx, id: DealId) -> Result<String> {
    let name = match tx.deal(id) {
        Ok(Some(d)) => d.name,
        _ => String::from("a damaged deal"),
    };
    Ok(format!(
        "{name} ({})",
        crate::ops::lookup::short_refs(tx, &[id], REF_MIN)?[&id]
    ))
}

/// "A, B and C" (at most ten named, then how many more).
fn list_of(items: &[&str]) -> String {
    let mut shown: Vec<String> = items.iter().take(10).map(|s| s.to_string()).collect();
    if items.len() > 10 {
        shown.push(format!("{} more", items.len() - 10));
    }
    match shown.len() {
        0 => String::new(),
        1 => shown.remove(0),
        n => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}

/// After a move into a pipeline's last stage, while the deal stays open: how to close it.
fn last_stage_hint(ctx: &mut Ctx, view: &DealView) -> Result<Option<String>> {
    let deal = &view.deal;
    let last = ctx.store.read(|tx| {
        Ok(tx
            .pipeline(deal.pipeline_id)?
            .and_then(|p| p.stages.last().map(|s| s.id)))
    })?;
    let reference = view
        .short_ref
        .clone()
        .unwrap_or_else(|| deal.id.to_string());
    Ok((last == Some(deal.stage_id) && !deal.status.is_closed()).then(|| {
        format!(
            "{} is the last stage and the deal is still open; to close it: rex deal close {reference} --won (or --lost)",
            view.stage_name
        )
    }))
}

fn view_of(tx: &dyn Tx, deal: Deal) -> Result<DealView> {
    let p = tx.pipeline(deal.pipeline_id)?;
    let (pipeline_name, stage_name) = match &p {
        Some(p) => (
            p.name.clone(),
            p.stage(deal.stage_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    Ok(DealView::new(deal, pipeline_name, stage_name))
}

fn record(tx: &dyn Tx, deal: &Deal, at: &str, kind: &str, details: Value) -> Result<()> {
    tx.add_event(&Event::new(deal.id, at, kind, details))
}

/// Marks activity on a deal: it moves `updated_at` and `last_activity_at`, and brings a
/// stalled deal back to open (recorded in its history).
fn activity(tx: &dyn Tx, deal: &mut Deal, now: &str, by: &str) -> Result<()> {
    deal.updated_at = now.to_string();
    deal.last_activity_at = now.to_string();
    if deal.status == Status::Stalled {
        deal.status = Status::Open;
        record(tx, deal, now, event::UNSTALLED, json!({ "by": by }))?;
    }
    Ok(())
}

fn optional_text(what: &str, text: &Option<String>) -> Result<Option<String>> {
    text.as_deref()
        .map(|t| clean_text(what, t, 200))
        .transpose()
        .map_err(Error::Usage)
}

fn apply_meta(metadata: &mut Metadata, args: &MetaArgs) -> Result<()> {
    for m in &args.meta {
        let (k, v) = parse_meta(m)?;
        metadata.insert(k, v);
    }
    *metadata = sorted(std::mem::take(metadata));
    Ok(())
}

struct NewDeal {
    name: String,
    value: crate::money::Cents,
    pipeline: Option<String>,
    stage: Option<String>,
    contact: Option<String>,
    owner: Option<String>,
    expected_close: Option<chrono::NaiveDate>,
    probability: Option<crate::record::Probability>,
    meta: MetaArgs,
}

fn create(tx: &dyn Tx, clock: &Clock, f: &NewDeal) -> Result<(DealView, String)> {
    let name = clean_name("the deal name", &f.name).map_err(Error::Usage)?;
    let contact_id = optional_text("the contact", &f.contact)?;
    let owner_id = optional_text("the owner", &f.owner)?;
    let mut metadata = Metadata::new();
    apply_meta(&mut metadata, &f.meta)?;
    let p = pipeline_or_only(tx, f.pipeline.as_deref())?;
    let stage = match &f.stage {
        Some(s) => find_stage(tx, &p, s)?,
        None => p
            .stages
            .first()
            .ok_or_else(|| Error::conflict(format!("pipeline '{}' has no stages", p.name)))?,
    };
    let now = clock.timestamp();
    let deal = Deal {
        id: DealId::new(),
        name,
        value: f.value,
        status: Status::Open,
        contact_id,
        pipeline_id: p.id,
        stage_id: stage.id,
        expected_close: f.expected_close,
        owner_id,
        metadata,
        created_at: now.clone(),
        updated_at: now.clone(),
        last_activity_at: now.clone(),
        stage_entered_at: now.clone(),
        closed_at: None,
        close_reason: None,
        probability: f.probability,
        origin: None,
    };
    tx.insert_deal(&deal)?;
    tx.add_event(&Event::created(&deal, &Place::in_pipeline(&p, stage.id)))?;
    let line = format!(
        "created {} in {} / {}, {}",
        deal_label(tx, deal.id)?,
        p.name,
        stage.name,
        deal.value
    );
    Ok((
        DealView::new(deal, p.name.clone(), stage.name.clone()),
        line,
    ))
}

fn list(ctx: &mut Ctx, args: &ListArgs) -> Result<()> {
    let clock = ctx.clock;
    let Ctx { store, out, .. } = ctx;
    let human = out.is_human();
    let mut rows = out.rows::<DealView>();
    let mut cut = false;
    store.read(|tx| {
        let filter = filter_of(tx, &clock, args)?;
        let labels = tx.stage_labels()?;
        // One more than the limit, to know whether the limit cut the list.
        let fetch = args.limit.map(|n| n.saturating_add(1));
        let mut seen: u64 = 0;
        // A table is printed whole, with each deal's short reference; scripts get a stream.
        let mut held = Vec::new();
        tx.for_each_deal(&filter, args.sort.into(), args.desc, fetch, &mut |deal| {
            seen += 1;
            if args.limit.is_some_and(|n| seen > n) {
                cut = true;
                return Ok(());
            }
            if human {
                held.push(labelled(deal, &labels));
                Ok(())
            } else {
                rows.push(labelled(deal, &labels))
            }
        })?;
        fill_refs(tx, &mut held)?;
        for view in held {
            rows.push(view)?;
        }
        Ok(())
    })?;
    let shown = rows.finish()?;
    if cut && (out.is_human() || std::io::IsTerminal::is_terminal(&std::io::stderr())) {
        out.note(&format!(
            "showing the first {shown} deals; more match (raise --limit to see them)"
        ));
    }
    exit_for(args.exit_status, shown == 0)
}

fn filter_of(tx: &dyn Tx, clock: &Clock, a: &ListArgs) -> Result<DealFilter> {
    let pipeline = a
        .pipeline
        .as_deref()
        .map(|p| find_pipeline(tx, p))
        .transpose()?;
    let stages = match (&a.stage, &pipeline) {
        (Some(s), Some(p)) => vec![find_stage(tx, p, s)?.id],
        (Some(s), None) => vec![find_any_stage(tx, s)?.0.id],
        (None, _) => Vec::new(),
    };
    let meta = a
        .meta
        .iter()
        .map(|m| {
            let (k, v) = m
                .split_once('=')
                .ok_or_else(|| Error::usage(format!("--meta '{m}' has no '='; use KEY=VALUE")))?;
            Ok((meta_key(k, m)?, v.to_string()))
        })
        .collect::<Result<_>>()?;
    Ok(DealFilter {
        statuses: {
            let mut all: Vec<Status> = Vec::new();
            for s in a.status.iter().flat_map(|f| f.statuses()) {
                if !all.contains(s) {
                    all.push(*s);
                }
            }
            all
        },
        // A stage implies its pipeline; naming both would steer the planner to the wider index.
        pipeline: if stages.is_empty() {
            pipeline.map(|p| p.id)
        } else {
            None
        },
        stages,
        owner: a.owner.clone(),
        contact: a.contact.clone(),
        min_value: a.min_value,
        max_value: a.max_value,
        closing_before: a.closing_before.map(|d| d.resolve(clock)).transpose()?,
        closing_after: a.closing_after.map(|d| d.resolve(clock)).transpose()?,
        overdue_on: a.overdue.then(|| clock.today()),
        meta,
        search: a.search.clone(),
        ..Default::default()
    })
}

struct Update {
    name: Option<String>,
    value: Option<crate::money::Cents>,
    contact: Option<String>,
    owner: Option<String>,
    expected_close: Option<Option<chrono::NaiveDate>>,
    probability: Option<crate::cli::ProbabilityOrDefault>,
    meta: MetaArgs,
    unset_meta: Vec<String>,
    pipeline: Option<String>,
    stage: Option<String>,
}

fn refuse_closed(deal: &Deal, doing: &str) -> Result<()> {
    if deal.status.is_closed() {
        return Err(Error::conflict(format!(
            "deal {} is {}; reopen it before {doing} (rex deal reopen {})",
            deal.id, deal.status, deal.id
        )));
    }
    Ok(())
}

fn update(tx: &dyn Tx, clock: &Clock, reference: &str, u: &Update) -> Result<(DealView, String)> {
    let mut deal = find_deal(tx, reference)?;
    let before = deal.clone();
    if let Some(n) = &u.name {
        deal.name = clean_name("the deal name", n).map_err(Error::Usage)?;
    }
    if let Some(v) = u.value {
        deal.value = v;
    }
    if u.contact.is_some() {
        deal.contact_id = optional_text("the contact", &u.contact)?;
    }
    if u.owner.is_some() {
        deal.owner_id = optional_text("the owner", &u.owner)?;
    }
    if let Some(d) = u.expected_close {
        deal.expected_close = d;
    }
    match u.probability {
        Some(crate::cli::ProbabilityOrDefault::Own(p)) => deal.probability = Some(p),
        Some(crate::cli::ProbabilityOrDefault::Stage) => deal.probability = None,
        None => {}
    }
    apply_meta(&mut deal.metadata, &u.meta)?;
    for key in &u.unset_meta {
        let key = meta_key(key, key)?;
        deal.metadata.shift_remove(&key);
    }
    let from_pipeline = tx
        .pipeline(deal.pipeline_id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {}", deal.pipeline_id)))?;
    let from = Place::in_pipeline(&from_pipeline, deal.stage_id);
    let mut to = from.clone();
    if let Some(pref) = &u.pipeline {
        let p = find_pipeline(tx, pref)?;
        let stage = match &u.stage {
            Some(s) => find_stage(tx, &p, s)?,
            None if p.id == deal.pipeline_id => p.stage(deal.stage_id).unwrap_or(&p.stages[0]),
            None => p
                .stages
                .first()
                .ok_or_else(|| Error::conflict(format!("pipeline '{}' has no stages", p.name)))?,
        };
        if stage.id != deal.stage_id {
            refuse_closed(&deal, "moving it")?;
            to = Place::in_pipeline(&p, stage.id);
            deal.pipeline_id = p.id;
            deal.stage_id = stage.id;
        }
    }
    let now = clock.timestamp();
    let history = changes(&before, &deal, &from, &to, &now, "update");
    if history.is_empty() {
        let line = format!("nothing to change on {}", deal_label(tx, before.id)?);
        return Ok((view_of(tx, before)?, line));
    }
    for e in &history {
        tx.add_event(e)?;
    }
    if deal.stage_id != before.stage_id {
        deal.stage_entered_at = now.clone();
    }
    activity(tx, &mut deal, &now, "update")?;
    tx.update_deal(&deal)?;
    let line = format!(
        "updated {}: {}",
        deal_label(tx, deal.id)?,
        describe_changes(&history)
    );
    Ok((view_of(tx, deal)?, line))
}

/// The changes a history records, as a person reads them: `value $5,000.00 → $7,500.00`.
fn describe_changes(history: &[Event]) -> String {
    let shown = |field: &str, v: &Value| match (field, v) {
        (_, Value::Null) => "none".to_string(),
        ("value", Value::Number(n)) => n
            .as_i64()
            .and_then(|c| crate::money::Cents::stored(c).ok())
            .map_or_else(|| n.to_string(), |c| c.to_string()),
        (_, Value::String(t)) => t.clone(),
        (_, other) => other.to_string(),
    };
    let parts: Vec<String> = history
        .iter()
        .filter_map(|e| match e.kind.as_str() {
            event::UPDATED => {
                let field = e.details.get("field")?.as_str()?;
                let name = field.strip_suffix("_id").unwrap_or(field).replace('_', " ");
                let old = shown(field, e.details.get("old")?);
                let new = shown(field, e.details.get("new")?);
                Some(format!("{name} {old} → {new}"))
            }
            event::MOVED => {
                let text = |k: &str| e.details.get(k).and_then(Value::as_str).unwrap_or("");
                Some(if text("from_pipeline_id") == text("to_pipeline_id") {
                    format!("stage {} → {}", text("from_stage"), text("to_stage"))
                } else {
                    format!(
                        "pipeline {} / {} → {} / {}",
                        text("from_pipeline"),
                        text("from_stage"),
                        text("to_pipeline"),
                        text("to_stage")
                    )
                })
            }
            _ => None,
        })
        .collect();
    parts.join("; ")
}

fn move_to(tx: &dyn Tx, clock: &Clock, reference: &str, stage: &str) -> Result<(DealView, String)> {
    let mut deal = find_deal(tx, reference)?;
    let p = tx
        .pipeline(deal.pipeline_id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {}", deal.pipeline_id)))?;
    let to = find_stage(tx, &p, stage)?;
    refuse_closed(&deal, "moving it")?;
    if to.id == deal.stage_id {
        let line = format!("{} is already in {}", deal_label(tx, deal.id)?, to.name);
        let mut view = view_of(tx, deal)?;
        fill_refs(tx, [&mut view])?;
        return Ok((view, line));
    }
    let now = clock.timestamp();
    let (from_place, to_place) = (
        Place::in_pipeline(&p, deal.stage_id),
        Place::in_pipeline(&p, to.id),
    );
    tx.add_event(&Event::moved(deal.id, &now, &from_place, &to_place, None))?;
    deal.stage_id = to.id;
    deal.stage_entered_at = now.clone();
    activity(tx, &mut deal, &now, "move")?;
    tx.update_deal(&deal)?;
    let line = format!(
        "moved {} {} → {}",
        deal_label(tx, deal.id)?,
        from_place.stage,
        to.name
    );
    let mut view = DealView::new(deal, p.name.clone(), to.name.clone());
    fill_refs(tx, [&mut view])?;
    Ok((view, line))
}

fn close(
    tx: &dyn Tx,
    clock: &Clock,
    reference: &str,
    status: Status,
    reason: Option<&str>,
) -> Result<(DealView, String)> {
    let reason = reason
        .map(|r| clean_text("the reason", r, 1000))
        .transpose()
        .map_err(Error::Usage)?;
    let mut deal = find_deal(tx, reference)?;
    if deal.status.is_closed() {
        return Err(Error::conflict(format!(
            "deal {} is already {}; reopen it first to close it again (rex deal reopen {})",
            deal.id, deal.status, deal.id
        )));
    }
    let view = view_of(tx, deal.clone())?;
    let now = clock.timestamp();
    deal.status = status;
    deal.closed_at = Some(now.clone());
    deal.close_reason = reason;
    deal.updated_at = now.clone();
    deal.last_activity_at = now.clone();
    record(
        tx,
        &deal,
        &now,
        event::CLOSED,
        json!({
            "status": status, "reason": deal.close_reason, "stage_id": deal.stage_id, "stage": view.stage_name,
        }),
    )?;
    tx.update_deal(&deal)?;
    let line = format!(
        "closed {} as {status}, {}",
        deal_label(tx, deal.id)?,
        deal.value
    );
    Ok((DealView { deal, ..view }, line))
}

fn reopen(tx: &dyn Tx, clock: &Clock, reference: &str) -> Result<(DealView, String)> {
    let mut deal = find_deal(tx, reference)?;
    if !deal.status.is_closed() {
        return Err(Error::conflict(format!(
            "deal {} is {}; only won or lost deals can be reopened",
            deal.id, deal.status
        )));
    }
    let now = clock.timestamp();
    record(
        tx,
        &deal,
        &now,
        event::REOPENED,
        json!({ "was": deal.status, "closed_at": deal.closed_at, "close_reason": deal.close_reason }),
    )?;
    deal.status = Status::Open;
    deal.closed_at = None;
    deal.close_reason = None;
    activity(tx, &mut deal, &now, "reopen")?;
    tx.update_deal(&deal)?;
    let line = format!("reopened {}", deal_label(tx, deal.id)?);
    Ok((view_of(tx, deal)?, line))
}

fn note(tx: &dyn Tx, clock: &Clock, reference: &str, text: &str) -> Result<(DealView, String)> {
    let text = clean_note(text).map_err(Error::Usage)?;
    let mut deal = find_deal(tx, reference)?;
    let now = clock.timestamp();
    record(tx, &deal, &now, event::NOTE, json!({ "text": text }))?;
    activity(tx, &mut deal, &now, "note")?;
    tx.update_deal(&deal)?;
    let line = format!("noted {}", deal_label(tx, deal.id)?);
    Ok((view_of(tx, deal)?, line))
}

fn delete(tx: &dyn Tx, ids: &[DealId]) -> Result<()> {
    for id in ids {
        if !tx.delete_deal(*id)? {
            return Err(Error::not_found(format!(
                "no deal with id {id}; nothing was deleted"
            )));
        }
    }
    Ok(())
}

/// Active deals idle past their stall period. With `mark`, open ones become stalled
/// (each with a history entry) and only those are returned.
fn stalled(
    tx: &dyn Tx,
    clock: &Clock,
    pipeline: Option<&str>,
    owner: Option<&str>,
    mark: bool,
) -> Result<Vec<StalledView>> {
    let pipelines = match pipeline {
        Some(p) => vec![find_pipeline(tx, p)?],
        None => tx.pipelines()?,
    };
    let statuses: &[Status] = if mark {
        &[Status::Open]
    } else {
        &[Status::Open, Status::Stalled]
    };
    let now = clock.now();
    let mut out = Vec::new();
    for p in &pipelines {
        for stage in &p.stages {
            let Some(days) = p.effective_stall_days(stage) else {
                continue;
            };
            let since = crate::clock::timestamp(now - Duration::days(days.into()));
            let mut idle_deals = Vec::new();
            for status in statuses {
                idle_deals.extend(tx.idle_deals(stage.id, *status, &since, None, owner)?);
            }
            // Longest idle first within a stage, whatever the status.
            idle_deals
                .sort_by(|a, b| (&a.last_activity_at, a.id).cmp(&(&b.last_activity_at, b.id)));
            for mut deal in idle_deals {
                let idle = parse_timestamp(&deal.last_activity_at)
                    .map(|t| (now - t).num_days())
                    .unwrap_or_default();
                if mark {
                    let at = clock.timestamp();
                    deal.status = Status::Stalled;
                    deal.updated_at = at.clone();
                    tx.update_deal(&deal)?;
                    record(
                        tx,
                        &deal,
                        &at,
                        event::STALLED,
                        json!({ "idle_days": idle, "stall_days": days }),
                    )?;
                }
                out.push(StalledView {
                    deal: DealView::new(deal, p.name.clone(), stage.name.clone()),
                    idle_days: idle,
                    stall_days: days,
                });
            }
        }
    }
    Ok(out)
}
