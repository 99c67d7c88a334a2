//! `report wins`: won and lost deals in a window, with win rates, average size, the sales
//! cycle and velocity, for all deals or per owner, pipeline, month or quarter.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::{closed_between, day_after, days1, filter_of, period_of, ratio4, window, ACTIVE};
use super::{Period, Scope, Window};
use crate::clock::Clock;
use crate::error::Result;
use crate::id::PipelineId;
use crate::money::round_half_up;
use crate::record::Status;
use crate::store::{ClosedBy, DealFilter, Tx};

/// How `report wins` groups deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WinsBy {
    Owner,
    Pipeline,
    Month,
    Quarter,
}

/// One row of `report wins`.
#[derive(Debug, Clone, Serialize)]
pub struct WinsRow {
    pub key: String,
    pub won_count: i64,
    pub won_value: i128,
    pub lost_count: i64,
    pub lost_value: i128,
    pub win_rate: Option<f64>,
    pub value_win_rate: Option<f64>,
    pub average_won_value: Option<i128>,
    pub average_cycle_days: Option<f64>,
    pub velocity_per_day: Option<i128>,
}

/// One row per group (`all` without `by`), sorted by key.
pub fn wins(
    tx: &dyn Tx,
    clock: &Clock,
    scope: &Scope,
    w: &Window,
    by: Option<WinsBy>,
) -> Result<Vec<WinsRow>> {
    let (since, until) = window(clock, w)?;
    let base = filter_of(tx, scope)?;
    let names: HashMap<PipelineId, String> = tx
        .pipelines()?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    // The parts of the window summed apart: each month or quarter, or the whole window.
    let mut parts: Vec<(Option<String>, NaiveDate, NaiveDate)> = Vec::new();
    match by {
        Some(by @ (WinsBy::Month | WinsBy::Quarter)) => {
            let period = if by == WinsBy::Month {
                Period::Month
            } else {
                Period::Quarter
            };
            let mut day = since;
            loop {
                let (label, _, end) = period_of(day, period);
                let end = end.min(until);
                parts.push((Some(label), day, end));
                if end >= until {
                    break;
                }
                day = day_after(end);
            }
        }
        _ => parts.push((None, since, until)),
    }
    let summed = ClosedBy {
        owner: by == Some(WinsBy::Owner),
        reason: false,
    };
    // Each row's won and lost deals, and a pipeline of them (for `--by pipeline`'s active deals).
    #[derive(Default)]
    struct Side {
        count: i64,
        value: i128,
        cycle_seconds: i128,
    }
    let mut groups: BTreeMap<String, (Side, Side, Option<PipelineId>)> = BTreeMap::new();
    for (label, from, to) in parts {
        for s in closed_between(tx, &base, &[Status::Won, Status::Lost], (from, to), summed)? {
            let key = match by {
                None => "all".to_string(),
                Some(WinsBy::Owner) => s.owner_id.clone().unwrap_or_default(),
                Some(WinsBy::Pipeline) => names.get(&s.pipeline_id).cloned().unwrap_or_default(),
                Some(WinsBy::Month | WinsBy::Quarter) => label.clone().unwrap_or_default(),
            };
            let (won, lost, pipeline) = groups.entry(key).or_default();
            let side = if s.won { won } else { lost };
            side.count += s.count;
            side.value += s.value;
            side.cycle_seconds += s.cycle_seconds;
            pipeline.get_or_insert(s.pipeline_id);
        }
    }
    let mut rows = Vec::with_capacity(groups.len());
    for (key, (won, lost, pipeline)) in groups {
        let (won_value, lost_value) = (won.value, lost.value);
        let (nw, nl) = (i128::from(won.count), i128::from(lost.count));
        let win_rate = ratio4(nw, nw + nl);
        let average_won_value = (nw > 0).then(|| round_half_up(won_value, nw));
        let cycle_seconds = won.cycle_seconds;
        let average_cycle_days = (nw > 0).then(|| days1(cycle_seconds, nw));
        let velocity_per_day = match (by, average_won_value, win_rate, average_cycle_days) {
            (Some(WinsBy::Month | WinsBy::Quarter), ..) => None,
            (_, Some(avg), Some(rate), Some(days)) if days > 0.0 => {
                let active = match by {
                    Some(WinsBy::Owner) => DealFilter {
                        owner: Some(key.clone()).filter(|k| !k.is_empty()),
                        ..base.clone()
                    },
                    Some(WinsBy::Pipeline) => DealFilter {
                        pipeline,
                        ..base.clone()
                    },
                    _ => base.clone(),
                };
                let now = tx.count_deals(&DealFilter {
                    statuses: ACTIVE.to_vec(),
                    ..active
                })?;
                // With the row's own rounded figures, so a script can check it.
                let rate4 = (rate * 10_000.0).round() as i128;
                let days10 = (days * 10.0).round() as i128;
                Some(round_half_up(
                    i128::from(now) * avg * rate4 * 10,
                    days10 * 10_000,
                ))
            }
            _ => None,
        };
        rows.push(WinsRow {
            key,
            won_count: nw as i64,
            won_value,
            lost_count: nl as i64,
            lost_value,
            win_rate,
            value_win_rate: ratio4(won_value, won_value + lost_value),
            average_won_value,
            average_cycle_days,
            velocity_per_day,
        });
    }
    Ok(rows)
}
