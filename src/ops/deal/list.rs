//! Deals by a filter (`deal list`), and the stalled scan (`deal stalled`): the deals idle
//! past their stage's stall period, and marking them stalled.

use chrono::Duration;
use serde_json::json;

use super::{checked, next_steps, record, Cursor, Placed};
use crate::clock::{parse_timestamp, Clock, DateSpec, TimeSpec};
use crate::error::Result;
use crate::id::DealId;
use crate::money::Cents;
use crate::ops::lookup::{find_any_stage, find_pipeline, find_stage};
use crate::record::{event, DealText, Status};
use crate::store::{DealFilter, DealSort, Tx};

/// Which deals to list and in what order; the filters combine (an empty one lets all through).
#[derive(Debug, Clone, Default)]
pub struct DealQuery {
    /// Any of these statuses (none: any status).
    pub statuses: Vec<Status>,
    /// A pipeline's id or name.
    pub pipeline: Option<String>,
    /// A stage's id or name: in `pipeline` when given, else in any pipeline (where a name
    /// several pipelines have is ambiguous).
    pub stage: Option<String>,
    pub owner: Option<String>,
    pub contact: Option<String>,
    pub min_value: Option<Cents>,
    pub max_value: Option<Cents>,
    /// Expected to close before this date.
    pub closing_before: Option<DateSpec>,
    /// Expected to close after this date.
    pub closing_after: Option<DateSpec>,
    /// Active, with an expected close date before today.
    pub overdue: bool,
    /// Metadata keys that must hold these texts.
    pub metadata: Vec<(String, String)>,
    /// Text the name contains, ignoring case.
    pub search: Option<String>,
    /// Updated at or after this moment.
    pub updated_since: Option<TimeSpec>,
    /// Active (open or stalled) without a pending activity: no next step.
    pub no_next_step: bool,
    pub sort: DealSort,
    pub desc: bool,
    /// Only the deals after the one a page ended with; made for the same sort and order.
    pub after: Option<Cursor>,
    /// At most this many deals.
    pub limit: Option<u64>,
}

/// Hands the deals `q` selects to `each`, in its order, with the names of their pipeline and
/// stage; returns whether more deals matched than `q.limit` let through.
pub fn list(
    tx: &dyn Tx,
    clock: &Clock,
    q: &DealQuery,
    each: &mut dyn FnMut(Placed) -> Result<()>,
) -> Result<bool> {
    let filter = filter_of(tx, clock, q)?;
    let after = match &q.after {
        Some(cursor) => Some(cursor.after_in(q.sort, q.desc)?),
        None => None,
    };
    let labels = tx.stage_labels()?;
    // One more than the limit, to know whether the limit cut the list.
    let fetch = q.limit.map(|n| n.saturating_add(1));
    let mut seen: u64 = 0;
    let mut cut = false;
    tx.for_each_deal(
        &filter,
        q.sort,
        q.desc,
        after,
        fetch,
        &mut |deal, next_activity| {
            seen += 1;
            if q.limit.is_some_and(|n| seen > n) {
                cut = true;
                return Ok(());
            }
            let (stage, pipeline) = labels.get(&deal.stage_id).cloned().unwrap_or_default();
            each(Placed {
                deal,
                pipeline,
                stage,
                next_activity,
            })
        },
    )?;
    Ok(cut)
}

fn filter_of(tx: &dyn Tx, clock: &Clock, q: &DealQuery) -> Result<DealFilter> {
    let pipeline = q
        .pipeline
        .as_deref()
        .map(|p| find_pipeline(tx, p))
        .transpose()?;
    let stages = match (&q.stage, &pipeline) {
        (Some(s), Some(p)) => vec![find_stage(tx, p, s)?.id],
        (Some(s), None) => vec![find_any_stage(tx, s)?.0.id],
        (None, _) => Vec::new(),
    };
    let meta = q
        .metadata
        .iter()
        .map(|(k, v)| Ok((checked(DealText::MetaKey, k)?, v.clone())))
        .collect::<Result<_>>()?;
    let mut statuses: Vec<Status> = Vec::new();
    for s in &q.statuses {
        if !statuses.contains(s) {
            statuses.push(*s);
        }
    }
    Ok(DealFilter {
        statuses,
        // A stage implies its pipeline; naming both would steer the planner to the wider index.
        pipeline: if stages.is_empty() {
            pipeline.map(|p| p.id)
        } else {
            None
        },
        stages,
        owner: q.owner.clone(),
        contact: q.contact.clone(),
        min_value: q.min_value,
        max_value: q.max_value,
        closing_before: q.closing_before.map(|d| d.resolve(clock)).transpose()?,
        closing_after: q.closing_after.map(|d| d.resolve(clock)).transpose()?,
        overdue_on: q.overdue.then(|| clock.today()),
        meta,
        search: q.search.clone(),
        updated_from: q.updated_since.map(|t| t.resolve(clock)).transpose()?,
        no_next_step: q.no_next_step,
        ..Default::default()
    })
}

/// Where to look for stalled deals: one pipeline (id or name) or all, one owner's or all.
#[derive(Debug, Clone, Default)]
pub struct StallScope {
    pub pipeline: Option<String>,
    pub owner: Option<String>,
    /// Whether each deal found is read with its next step: a list of ids alone prints none,
    /// and the look-up is one step into the activities per deal (a third of the command's
    /// time for one owner's 240 stalled deals among 2M activities).
    pub next_steps: bool,
}

/// A deal idle past its stall period.
#[derive(Debug, Clone)]
pub struct Stalled {
    pub deal: Placed,
    /// Whole days since its last activity.
    pub idle_days: i64,
    /// The stall period it is past.
    pub stall_days: u32,
}

/// Active deals idle past their stall period, longest idle first within each stage, stages
/// in their pipeline's order.
pub fn stalled(tx: &dyn Tx, clock: &Clock, scope: &StallScope) -> Result<Vec<Stalled>> {
    scan(tx, clock, scope, false)
}

/// Marks the open deals idle past their stall period as stalled (each with a history entry),
/// and returns only those.
pub fn mark_stalled(tx: &dyn Tx, clock: &Clock, scope: &StallScope) -> Result<Vec<Stalled>> {
    crate::ops::team::may_write(tx)?;
    scan(tx, clock, scope, true)
}

fn scan(tx: &dyn Tx, clock: &Clock, scope: &StallScope, mark: bool) -> Result<Vec<Stalled>> {
    let pipelines = match &scope.pipeline {
        Some(p) => vec![find_pipeline(tx, p)?],
        None => tx.pipelines()?,
    };
    let statuses: &[Status] = if mark {
        &[Status::Open]
    } else {
        &[Status::Open, Status::Stalled]
    };
    let owner = scope.owner.as_deref();
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
                    crate::ops::team::may_change(tx, &deal)?;
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
                out.push(Stalled {
                    deal: Placed {
                        deal,
                        pipeline: p.name.clone(),
                        stage: stage.name.clone(),
                        next_activity: None,
                    },
                    idle_days: idle,
                    stall_days: days,
                });
            }
        }
    }
    if scope.next_steps {
        let ids: Vec<DealId> = out.iter().map(|s| s.deal.deal.id).collect();
        let mut next = next_steps(tx, &ids)?;
        for s in &mut out {
            s.deal.next_activity = next.remove(&s.deal.deal.id);
        }
    }
    Ok(out)
}
