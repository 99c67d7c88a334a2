//! `rex board` and `rex today`: the views a salesperson opens first ([`ops::board`]), with
//! the names of each deal's pipeline and stage, and short references for people.

use std::collections::HashMap;

use super::{fill_refs, labelled, me, Ctx};
use crate::error::Result;
use crate::id::StageId;
use crate::ops::board as ops;
use crate::output::{
    deals_that_fit, screen_height, BoardColumn, BoardPipeline, BoardView, DealView, TodayView,
};
use crate::record::{Deal, Pipeline};
use crate::store::Tx;

pub fn board(
    ctx: &mut Ctx,
    pipeline: Option<&str>,
    owner: Option<&str>,
    limit: Option<usize>,
) -> Result<()> {
    let human = ctx.out.is_human();
    let style = ctx.out.style();
    // On a terminal, as many deals per stage as fit its height.
    let per_stage = |p: &Pipeline| {
        limit.or_else(|| {
            let height = screen_height().filter(|_| human)?;
            Some(deals_that_fit(&style, height, p.stages.len()))
        })
    };
    let view = ctx.store.read(|tx| {
        let board = ops::board(tx, pipeline, owner, per_stage)?;
        let labels = tx.stage_labels()?;
        let mut stages = Vec::with_capacity(board.stages.len());
        for s in board.stages {
            stages.push(BoardColumn {
                id: s.stage.id,
                name: s.stage.name,
                color: s.stage.color,
                position: s.stage.position,
                count: s.count,
                value: s.value,
                deals: views(tx, s.deals, &labels, human)?,
            });
        }
        Ok(BoardView {
            pipeline: BoardPipeline {
                id: board.pipeline.id,
                name: board.pipeline.name,
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
    // REX_OWNER's deals unless an owner or everyone is asked for.
    let owner = match (owner, all) {
        (Some(o), _) => Some(o),
        (None, true) => None,
        (None, false) => me(),
    };
    let clock = ctx.clock;
    let human = ctx.out.is_human();
    let view = ctx.store.read(|tx| {
        let today = ops::today(tx, &clock, owner.as_deref())?;
        let labels = tx.stage_labels()?;
        Ok(TodayView {
            overdue: views(tx, today.overdue, &labels, human)?,
            closing_soon: views(tx, today.closing_soon, &labels, human)?,
            stalled: views(tx, today.stalled, &labels, human)?,
            going_stale: views(tx, today.going_stale, &labels, human)?,
        })
    })?;
    ctx.out.one(&view)
}
