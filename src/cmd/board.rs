//! `rex board` and `rex today`: the views a salesperson opens first.

use std::collections::HashMap;

use chrono::Duration;

use super::{fill_refs, labelled, me, pipeline_or_only, Ctx};
use crate::clock::{timestamp, Clock};
use crate::error::Result;
use crate::id::StageId;
use crate::output::{
    deals_that_fit, screen_height, BoardColumn, BoardPipeline, BoardView, DealView, TodayView,
};
use crate::record::{Deal, Status};
use crate::store::{DealFilter, DealSort, Tx};

pub fn board(
    ctx: &mut Ctx,
    pipeline: Option<&str>,
    owner: Option<&str>,
    limit: Option<usize>,
) -> Result<()> {
    let human = ctx.out.is_human();
    let style = ctx.out.style();
    let view = ctx.store.read(|tx| {
        let p = pipeline_or_only(tx, pipeline)?;
        // On a terminal, as many deals per stage as fit its height.
        let limit = limit.or_else(|| {
            let height = screen_height().filter(|_| human)?;
            Some(deals_that_fit(&style, height, p.stages.len()))
        });
        let labels = tx.stage_labels()?;
        let mut stages = Vec::with_capacity(p.stages.len());
        for stage in &p.stages {
            let (count, value, deals) = tx.stage_active(stage.id, owner, limit)?;
            let deals = views(tx, deals, &labels, human)?;
            stages.push(BoardColumn {
                id: stage.id,
                name: stage.name.clone(),
                color: stage.color.clone(),
                position: stage.position,
                count,
                value,
                deals,
            });
        }
        Ok(BoardView {
            pipeline: BoardPipeline {
                id: p.id,
                name: p.name.clone(),
            },
            stages,
        })
    })?;
    ctx.out.one(&view)
}

/// Deals as views with their pipeline and stage names (and short references for people).
fn views(
    tx: &dyn Tx,
    deals: Vec<Deal>,
    labels: &HashMap<StageId, (String, String)>,
    human: bool,
) -> Result<Vec<DealView>> {
    let mut views: Vec<DealView> = deals.into_iter().map(|d| labelled(d, labels)).collect();
    if human {
        fill_refs(tx, &mut views)?;
    }
    Ok(views)
}

pub fn today(ctx: &mut Ctx, owner: Option<String>, all: bool) -> Result<()> {
    let owner = match (owner, all) {
        (Some(o), _) => Some(o),
        (None, true) => None,
        (None, false) => me(),
    };
    let clock = ctx.clock;
    let human = ctx.out.is_human();
    let view = ctx
        .store
        .read(|tx| today_of(tx, &clock, owner.as_deref(), human))?;
    ctx.out.one(&view)
}

fn today_of(tx: &dyn Tx, clock: &Clock, owner: Option<&str>, human: bool) -> Result<TodayView> {
    let today = clock.today();
    let in_a_week = today.checked_add_signed(Duration::days(7)).unwrap_or(today);
    // The active deals are read once, soonest expected close first, and each goes to the
    // first section that applies: overdue (expected before today), closing within 7 days
    // (today included), stalled. The rest are not shown.
    let (mut overdue, mut closing_soon, mut stalled) = (Vec::new(), Vec::new(), Vec::new());
    let active = DealFilter {
        statuses: vec![Status::Open, Status::Stalled],
        owner: owner.map(str::to_string),
        ..Default::default()
    };
    tx.for_each_deal(&active, DealSort::ExpectedClose, false, None, &mut |d| {
        match d.expected_close {
            Some(day) if day < today => overdue.push(d),
            Some(day) if day < in_a_week => closing_soon.push(d),
            _ if d.status == Status::Stalled => stalled.push(d),
            _ => {}
        }
        Ok(())
    })?;
    // Open deals about to stall, unless already shown as overdue or closing soon.
    let shown: std::collections::HashSet<_> =
        overdue.iter().chain(&closing_soon).map(|d| d.id).collect();
    let mut going_stale = going_stale(tx, clock, owner)?;
    going_stale.retain(|d| !shown.contains(&d.id));
    let labels = tx.stage_labels()?;
    Ok(TodayView {
        overdue: views(tx, overdue, &labels, human)?,
        closing_soon: views(tx, closing_soon, &labels, human)?,
        stalled: views(tx, stalled, &labels, human)?,
        going_stale: views(tx, going_stale, &labels, human)?,
    })
}

/// Open deals that pass their stall period within the next 3 days: idle for more than
/// (period − 3 days) but not yet the whole period. Soonest to stall first.
fn going_stale(tx: &dyn Tx, clock: &Clock, owner: Option<&str>) -> Result<Vec<Deal>> {
    let now = clock.now();
    let mut out = Vec::new();
    for p in tx.pipelines()? {
        for stage in &p.stages {
            let Some(days) = p.effective_stall_days(stage) else {
                continue;
            };
            let stalls_at = now - Duration::days(days.into());
            let within = stalls_at + Duration::days(3);
            out.extend(tx.idle_deals(
                stage.id,
                Status::Open,
                &timestamp(within),
                Some(&timestamp(stalls_at)),
                owner,
            )?);
        }
    }
    out.sort_by(|a, b| (&a.last_activity_at, a.id).cmp(&(&b.last_activity_at, b.id)));
    Ok(out)
}
