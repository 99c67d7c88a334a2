//! Several changes to one deal at once, as the HTTP API's `PATCH` sends them: its fields,
//! a move to another stage, and a change of status (close, reopen, stall), applied in that
//! order in one transaction, each recorded in history exactly as the command that makes it
//! alone records it.

use serde_json::json;

use super::{checked_optional, close, move_to, placed, record, reopen, update};
use super::{mark_activity, Close, DealChanges, Placed};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::ops::lookup::{deal_named, find_deal};
use crate::record::{event, DealText, Status};
use crate::store::Tx;

/// The changes of one request.
#[derive(Debug, Clone, Default)]
pub struct DealPatch {
    /// Its fields (and another pipeline, with its stage).
    pub changes: DealChanges,
    /// Another stage of the pipeline it is in (after `changes`), by id or name.
    pub stage: Option<String>,
    /// The status it ends in: won or lost closes it, open reopens (or unstalls) it,
    /// stalled stalls it; the same status it has changes nothing.
    pub status: Option<Status>,
    /// Why it closed (with won or lost only).
    pub close_reason: Option<String>,
}

/// Applies `patch` to the deal `reference` names; returns the deal as it is after.
pub fn apply(tx: &dyn Tx, clock: &Clock, reference: &str, patch: &DealPatch) -> Result<Placed> {
    let found = find_deal(tx, reference)?;
    crate::ops::team::may_change(tx, &found)?;
    let id = found.id;
    let reference = id.to_string();
    if patch.close_reason.is_some() && !matches!(patch.status, Some(Status::Won | Status::Lost)) {
        return Err(Error::usage(
            "close_reason goes with status won or lost; send both",
        ));
    }
    checked_optional(DealText::CloseReason, patch.close_reason.as_deref())?;
    update(tx, clock, &reference, &patch.changes)?;
    if let Some(stage) = &patch.stage {
        move_to(tx, clock, &reference, stage)?;
    }
    let deal = find_deal(tx, &reference)?;
    match (patch.status, deal.status) {
        (None, _) => {}
        (Some(to), now) if to == now => {}
        (Some(to @ (Status::Won | Status::Lost)), _) => {
            if deal.status.is_closed() {
                reopen(tx, clock, &reference)?;
            }
            close(
                tx,
                clock,
                &reference,
                &Close {
                    won: to == Status::Won,
                    reason: patch.close_reason.clone(),
                },
            )?;
        }
        (Some(Status::Open), Status::Stalled) => {
            unstall(tx, clock, &reference)?;
        }
        (Some(Status::Open), _) => {
            reopen(tx, clock, &reference)?;
        }
        (Some(Status::Stalled), _) => {
            stall(tx, clock, &reference)?;
        }
    }
    placed(tx, find_deal(tx, &reference)?)
}

/// Marks the open deal `reference` names as stalled now, as `deal stalled --mark` marks
/// the idle ones (its history says how many days it was idle and its stage's period).
pub fn stall(tx: &dyn Tx, clock: &Clock, reference: &str) -> Result<Placed> {
    let mut deal = find_deal(tx, reference)?;
    crate::ops::team::may_change(tx, &deal)?;
    if deal.status != Status::Open {
        return Err(Error::conflict(format!(
            "{} is {}; only an open deal can be stalled",
            deal_named(tx, &deal)?.0,
            deal.status
        )));
    }
    let stall_days = tx.pipeline(deal.pipeline_id)?.and_then(|p| {
        p.stage(deal.stage_id)
            .and_then(|s| p.effective_stall_days(s))
    });
    let idle = crate::clock::parse_timestamp(&deal.last_activity_at)
        .map(|t| (clock.now() - t).num_days())
        .unwrap_or_default();
    let at = clock.timestamp();
    deal.status = Status::Stalled;
    deal.updated_at = at.clone();
    tx.update_deal(&deal)?;
    record(
        tx,
        &deal,
        &at,
        event::STALLED,
        json!({ "idle_days": idle, "stall_days": stall_days }),
    )?;
    placed(tx, deal)
}

/// Brings the stalled deal `reference` names back to open, as any activity on it does.
pub fn unstall(tx: &dyn Tx, clock: &Clock, reference: &str) -> Result<Placed> {
    let mut deal = find_deal(tx, reference)?;
    crate::ops::team::may_change(tx, &deal)?;
    let now = clock.timestamp();
    mark_activity(tx, &mut deal, &now, "update")?;
    tx.update_deal(&deal)?;
    placed(tx, deal)
}
