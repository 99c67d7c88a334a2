//! `rex deal …`: the deals a salesperson works all day, their history, and the stalled scan.

use std::collections::HashMap;

use chrono::Duration;
use serde_json::{json, Value};

use super::{
    confirm, find_any_stage, find_pipeline, find_stage, meta_key, parse_meta, print_saved, sorted,
    Ctx,
};
use crate::cli::{DealCommand, ListArgs, MetaArgs};
use crate::clock::{parse_timestamp, Clock, DateOrNone};
use crate::error::{Error, Result};
use crate::id::{DealId, StageId};
use crate::output::{DealView, StalledView};
use crate::record::Place;
use crate::record::{
    changes, clean_name, clean_note, clean_text, event, Deal, Event, Metadata, Pipeline, Status,
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
            meta,
        } => {
            let expected_close = expected_close.map(|d| d.resolve(&clock)).transpose()?;
            let fields = NewDeal {
                name,
                value,
                pipeline,
                stage,
                contact,
                owner,
                expected_close,
                meta,
            };
            let view = ctx.store.write(|tx| create(tx, &clock, &fields))?;
            print_saved(ctx.out.one(&view), || format!("new deal {}", view.deal.id))
        }
        DealCommand::List(args) => list(ctx, &args),
        DealCommand::Show { id } => {
            let recent = ctx.out.is_human();
            let view = ctx.store.read(|tx| {
                let deal = load(tx, id)?;
                let mut view = view_of(tx, deal)?;
                if recent {
                    let events = tx.events(id)?;
                    view.recent = events[events.len().saturating_sub(RECENT_EVENTS)..].to_vec();
                }
                Ok(view)
            })?;
            ctx.out.one(&view)
        }
        DealCommand::Update {
            id,
            name,
            value,
            contact,
            owner,
            expected_close,
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
                meta,
                unset_meta,
                pipeline,
                stage,
            };
            let view = ctx.store.write(|tx| update(tx, &clock, id, &fields))?;
            print_saved(ctx.out.one(&view), || format!("the update of deal {id}"))
        }
        DealCommand::Move { id, stage } => {
            let view = ctx.store.write(|tx| move_to(tx, &clock, id, &stage))?;
            print_saved(ctx.out.one(&view), || format!("the move of deal {id}"))
        }
        DealCommand::Close {
            id,
            won,
            lost: _,
            reason,
        } => {
            let status = if won { Status::Won } else { Status::Lost };
            let view = ctx
                .store
                .write(|tx| close(tx, &clock, id, status, reason.as_deref()))?;
            print_saved(ctx.out.one(&view), || format!("the close of deal {id}"))
        }
        DealCommand::Reopen { id } => {
            let view = ctx.store.write(|tx| reopen(tx, &clock, id))?;
            print_saved(ctx.out.one(&view), || format!("the reopening of deal {id}"))
        }
        DealCommand::Note { id, text } => {
            let view = ctx.store.write(|tx| note(tx, &clock, id, &text))?;
            print_saved(ctx.out.one(&view), || format!("the note on deal {id}"))
        }
        DealCommand::History { id } => {
            let events = ctx.store.read(|tx| {
                load(tx, id)?;
                tx.events(id)
            })?;
            ctx.out.list(events)
        }
        DealCommand::Delete { mut ids, yes } => {
            // A deal named twice is deleted once.
            let mut seen = std::collections::HashSet::new();
            ids.retain(|id| seen.insert(*id));
            let n = ids.len();
            let noun = if n == 1 { "deal" } else { "deals" };
            // Existence only: a deal whose stored fields are damaged can still be deleted.
            ctx.store.read(|tx| {
                ids.iter().try_for_each(|id| match tx.deal_exists(*id)? {
                    true => Ok(()),
                    false => Err(Error::not_found(format!("no deal with id {id}"))),
                })
            })?;
            confirm(
                yes,
                &format!("Delete {n} {noun} and their history?"),
                &format!("refusing to delete {n} {noun}"),
            )?;
            ctx.store.write(|tx| delete(tx, &ids))?;
            ctx.out.note(&format!("deleted {n} {noun}"));
            Ok(())
        }
        DealCommand::Stalled {
            pipeline,
            owner,
            mark,
            exit_status,
        } => {
            let rows = if mark {
                ctx.store
                    .write(|tx| stalled(tx, &clock, pipeline.as_deref(), owner.as_deref(), true))?
            } else {
                ctx.store
                    .read(|tx| stalled(tx, &clock, pipeline.as_deref(), owner.as_deref(), false))?
            };
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

fn load(tx: &Tx, id: DealId) -> Result<Deal> {
    tx.deal(id)?
        .ok_or_else(|| Error::not_found(format!("no deal with id {id}")))
}

fn view_of(tx: &Tx, deal: Deal) -> Result<DealView> {
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
    Ok(DealView {
        deal,
        pipeline_name,
        stage_name,
        recent: Vec::new(),
    })
}

fn record(tx: &Tx, deal: &Deal, at: &str, kind: &str, details: Value) -> Result<()> {
    tx.add_event(&Event::new(deal.id, at, kind, details))
}

/// Marks activity on a deal: it moves `updated_at` and `last_activity_at`, and brings a
/// stalled deal back to open (recorded in its history).
fn activity(tx: &Tx, deal: &mut Deal, now: &str, by: &str) -> Result<()> {
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
    meta: MetaArgs,
}

/// The pipeline a new deal goes in: the one named, or the only one there is.
fn pipeline_for_new_deal(tx: &Tx, named: Option<&str>) -> Result<Pipeline> {
    if let Some(text) = named {
        return find_pipeline(tx, text);
    }
    let mut all = tx.pipelines()?;
    match all.len() {
        0 => Err(Error::not_found(
            "there is no pipeline yet; create one first: rex pipeline create \"Sales Pipeline\"",
        )),
        1 => Ok(all.remove(0)),
        _ => {
            let names: Vec<String> = all.iter().map(|p| format!("'{}'", p.name)).collect();
            Err(Error::usage(format!(
                "several pipelines exist ({}); choose one with --pipeline NAME",
                names.join(", ")
            )))
        }
    }
}

fn create(tx: &Tx, clock: &Clock, f: &NewDeal) -> Result<DealView> {
    let name = clean_name("the deal name", &f.name).map_err(Error::Usage)?;
    let contact_id = optional_text("the contact", &f.contact)?;
    let owner_id = optional_text("the owner", &f.owner)?;
    let mut metadata = Metadata::new();
    apply_meta(&mut metadata, &f.meta)?;
    let p = pipeline_for_new_deal(tx, f.pipeline.as_deref())?;
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
    };
    tx.insert_deal(&deal)?;
    tx.add_event(&Event::created(&deal, &Place::in_pipeline(&p, stage.id)))?;
    Ok(DealView {
        pipeline_name: p.name.clone(),
        stage_name: stage.name.clone(),
        deal,
        recent: Vec::new(),
    })
}

fn list(ctx: &mut Ctx, args: &ListArgs) -> Result<()> {
    let clock = ctx.clock;
    let Ctx { store, out, .. } = ctx;
    let mut rows = out.rows::<DealView>();
    let mut cut = false;
    store.read(|tx| {
        let filter = filter_of(tx, &clock, args)?;
        let labels = tx.stage_labels()?;
        // One more than the limit, to know whether the limit cut the list.
        let fetch = args.limit.map(|n| n.saturating_add(1));
        let mut seen: u64 = 0;
        tx.for_each_deal(&filter, args.sort, args.desc, fetch, &mut |deal| {
            seen += 1;
            if args.limit.is_some_and(|n| seen > n) {
                cut = true;
                return Ok(());
            }
            rows.push(labelled(deal, &labels))
        })
    })?;
    let shown = rows.finish()?;
    if cut && (out.is_human() || std::io::IsTerminal::is_terminal(&std::io::stderr())) {
        out.note(&format!(
            "showing the first {shown} deals; more match (raise --limit to see them)"
        ));
    }
    exit_for(args.exit_status, shown == 0)
}

fn labelled(deal: Deal, labels: &HashMap<StageId, (String, String)>) -> DealView {
    let (stage_name, pipeline_name) = labels.get(&deal.stage_id).cloned().unwrap_or_default();
    DealView {
        deal,
        pipeline_name,
        stage_name,
        recent: Vec::new(),
    }
}

fn filter_of(tx: &Tx, clock: &Clock, a: &ListArgs) -> Result<DealFilter> {
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
        statuses: a.status.clone(),
        // A stage implies its pipeline; naming both would steer SQLite to the wider index.
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
    })
}

struct Update {
    name: Option<String>,
    value: Option<crate::money::Cents>,
    contact: Option<String>,
    owner: Option<String>,
    expected_close: Option<Option<chrono::NaiveDate>>,
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

fn update(tx: &Tx, clock: &Clock, id: DealId, u: &Update) -> Result<DealView> {
    let mut deal = load(tx, id)?;
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
        return view_of(tx, before);
    }
    for e in &history {
        tx.add_event(e)?;
    }
    if deal.stage_id != before.stage_id {
        deal.stage_entered_at = now.clone();
    }
    activity(tx, &mut deal, &now, "update")?;
    tx.update_deal(&deal)?;
    view_of(tx, deal)
}

fn move_to(tx: &Tx, clock: &Clock, id: DealId, stage: &str) -> Result<DealView> {
    let mut deal = load(tx, id)?;
    let p = tx
        .pipeline(deal.pipeline_id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {}", deal.pipeline_id)))?;
    let to = find_stage(tx, &p, stage)?;
    refuse_closed(&deal, "moving it")?;
    if to.id == deal.stage_id {
        return view_of(tx, deal);
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
    Ok(DealView {
        pipeline_name: p.name.clone(),
        stage_name: to.name.clone(),
        deal,
        recent: Vec::new(),
    })
}

fn close(
    tx: &Tx,
    clock: &Clock,
    id: DealId,
    status: Status,
    reason: Option<&str>,
) -> Result<DealView> {
    let reason = reason
        .map(|r| clean_text("the reason", r, 1000))
        .transpose()
        .map_err(Error::Usage)?;
    let mut deal = load(tx, id)?;
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
    Ok(DealView { deal, ..view })
}

fn reopen(tx: &Tx, clock: &Clock, id: DealId) -> Result<DealView> {
    let mut deal = load(tx, id)?;
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
    view_of(tx, deal)
}

fn note(tx: &Tx, clock: &Clock, id: DealId, text: &str) -> Result<DealView> {
    let text = clean_note(text).map_err(Error::Usage)?;
    let mut deal = load(tx, id)?;
    let now = clock.timestamp();
    record(tx, &deal, &now, event::NOTE, json!({ "text": text }))?;
    activity(tx, &mut deal, &now, "note")?;
    tx.update_deal(&deal)?;
    view_of(tx, deal)
}

fn delete(tx: &Tx, ids: &[DealId]) -> Result<()> {
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
    tx: &Tx,
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
                idle_deals.extend(tx.idle_deals(stage.id, *status, &since, owner)?);
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
                    deal: DealView {
                        deal,
                        pipeline_name: p.name.clone(),
                        stage_name: stage.name.clone(),
                        recent: Vec::new(),
                    },
                    idle_days: idle,
                    stall_days: days,
                });
            }
        }
    }
    Ok(out)
}
