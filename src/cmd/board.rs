//! `rex board` and `rex today`: the views a salesperson opens first ([`ops::board`]), with
//! the names of each deal's pipeline and stage, and short references for people.

use std::collections::HashMap;

use super::{fill_refs, labelled, me, Ctx};
use crate::error::Result;
use crate::id::StageId;
use crate::ops::board as ops;
use crate::output::{
    fit_height, screen_height, BoardColumn, BoardPipeline, BoardView, DealView, TodayView,
};
use crate::record::Deal;
use crate::store::Tx;

pub fn board(
    ctx: &mut Ctx,
    pipeline: Option<&str>,
    owner: Option<&str>,
    limit: Option<usize>,
) -> Result<()> {
    let human = ctx.out.is_human();
    // On a terminal, as many deals per stage as fit its height: no stage shows more deals
    // than the screen has lines, so that many are read and the board is cut to fit below.
    let fit = limit
        .is_none()
        .then(|| screen_height().filter(|_| human))
        .flatten();
    let per_stage = limit.or(fit);
    let mut view = ctx.store.read(|tx| {
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
    if let Some(height) = fit {
        fit_height(&mut view, &ctx.out.style(), height);
    }
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
