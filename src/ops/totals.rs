//! The arithmetic of rex's totals, above the store: a board's columns, `pipeline list`'s
//! counts and the reports' sums of closed deals, each worked out from what a backend
//! answers in its own few rows. The rounding and the exact sums live here once, whatever
//! the backend.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::id::{PipelineId, StageId};
use crate::record::{Pipeline, Status};
use crate::store::{ClosedBy, ClosedDays, ClosedSum, DealFilter, PipelineSummary, Tx};

/// The deals of one stage, by status: a column of the board.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StageCounts {
    pub open_count: i64,
    pub open_value: i128,
    pub stalled_count: i64,
    pub stalled_value: i128,
    /// Open and stalled deals' values, each weighted by its chance of winning.
    pub weighted_value: i128,
}

/// One stage's column of the board: its open and stalled deals, each weighted by its own
/// chance or else the stage's `percent`. Each deal's weighted value rounds on its cents
/// alone ([`crate::record::Probability::weigh`]), so the totals per cents give the exact
/// sum of the rounded values.
pub fn stage_counts(tx: &dyn Tx, stage: StageId, percent: u8) -> Result<StageCounts> {
    let p = i128::from(percent);
    let mut counts = StageCounts {
        weighted_value: tx.own_chance_adjustment(stage, percent)?,
        ..StageCounts::default()
    };
    for t in tx.active_by_cents(stage)? {
        let (n, cents) = (i128::from(t.deals), i128::from(t.cents));
        let hundreds = (t.value - cents * n) / 100;
        counts.weighted_value += hundreds * p + n * ((cents * p + 50) / 100);
        let (count, value) = match t.status {
            Status::Stalled => (&mut counts.stalled_count, &mut counts.stalled_value),
            _ => (&mut counts.open_count, &mut counts.open_value),
        };
        *count += t.deals;
        *value += t.value;
    }
    Ok(counts)
}

/// Open and stalled deals per stage of a pipeline, in stage order.
pub fn board(tx: &dyn Tx, pipeline: &Pipeline) -> Result<Vec<StageCounts>> {
    pipeline
        .stages
        .iter()
        .map(|s| stage_counts(tx, s.id, s.probability.get()))
        .collect()
}

/// Every pipeline as `pipeline list` shows it, in name order, with its open and stalled
/// deals counted and summed.
pub fn pipeline_summaries(tx: &dyn Tx) -> Result<Vec<PipelineSummary>> {
    let mut out = tx.summary_heads()?;
    for p in &mut out {
        let (open_count, open_value) = tx.status_totals(p.id, Status::Open)?;
        let (stalled_count, stalled_value) = tx.status_totals(p.id, Status::Stalled)?;
        p.open_count = open_count;
        p.open_value = open_value;
        p.stalled_count = stalled_count;
        p.active_count = open_count + stalled_count;
        p.active_value = open_value + stalled_value;
    }
    Ok(out)
}

/// The closed deals `filter` selects (statuses among won and lost, and a window of
/// `closed_from`/`closed_before`), summed as `by` says; groups without deals are left out.
/// Without an owner, the whole UTC days of the window are summed by the store per day
/// ([`crate::store::Deals::closed_sums_on_days`]) and only the hours before the first and
/// after the last from the deals: a window starts and ends at local midnights, which fall
/// inside UTC days.
pub fn closed_sums(tx: &dyn Tx, filter: &DealFilter, by: ClosedBy) -> Result<Vec<ClosedSum>> {
    let counted = DealFilter {
        statuses: filter.statuses.clone(),
        pipeline: filter.pipeline,
        closed_from: filter.closed_from.clone(),
        closed_before: filter.closed_before.clone(),
        ..DealFilter::default()
    };
    let closed_only = !filter.statuses.is_empty()
        && filter
            .statuses
            .iter()
            .all(|s| matches!(s, Status::Won | Status::Lost));
    let days = match (&filter.closed_from, &filter.closed_before) {
        (Some(from), Some(before)) if !by.owner && closed_only && *filter == counted => {
            whole_utc_days(from, before)
        }
        _ => None,
    };
    let Some((first, end)) = days else {
        return tx.closed_sums(filter, by);
    };
    let mut sums = match tx.closed_sums_on_days(ClosedDays {
        first,
        end,
        statuses: &filter.statuses,
        pipeline: filter.pipeline,
        by_reason: by.reason,
    }) {
        Ok(sums) => sums,
        // A counter rex cannot read: the deals themselves name the damaged one.
        Err(Error::Unusable(_)) => return tx.closed_sums(filter, by),
        Err(e) => return Err(e),
    };
    let midnight = |d: NaiveDate| format!("{}T00:00:00Z", crate::clock::format_date(d));
    for (from, before) in [
        (filter.closed_from.clone(), Some(midnight(first))),
        (Some(midnight(end)), filter.closed_before.clone()),
    ] {
        if from < before {
            sums.extend(tx.closed_sums(
                &DealFilter {
                    closed_from: from,
                    closed_before: before,
                    ..filter.clone()
                },
                by,
            )?);
        }
    }
    Ok(merge_closed_sums(sums))
}

/// The whole UTC days from stored time `from` up to `before`: the first and the day after
/// the last, None when there is none (or a time is not as rex stores it).
fn whole_utc_days(from: &str, before: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (from, before) = (
        crate::clock::parse_timestamp(from)?,
        crate::clock::parse_timestamp(before)?,
    );
    let first = if from.time() == chrono::NaiveTime::MIN {
        from.date_naive()
    } else {
        from.date_naive().succ_opt()?
    };
    let end = before.date_naive();
    (first < end).then_some((first, end))
}

/// `sums` with the rows of each group added into one, in the order groups first came.
fn merge_closed_sums(sums: Vec<ClosedSum>) -> Vec<ClosedSum> {
    let mut at: HashMap<(PipelineId, bool, Option<String>, Option<String>), usize> = HashMap::new();
    let mut out: Vec<ClosedSum> = Vec::with_capacity(sums.len());
    for s in sums {
        let key = (s.pipeline_id, s.won, s.owner_id.clone(), s.reason.clone());
        match at.get(&key) {
            Some(&i) => {
                out[i].count += s.count;
                out[i].value += s.value;
                out[i].cycle_seconds += s.cycle_seconds;
            }
            None => {
                at.insert(key, out.len());
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_keeps_only_its_whole_utc_days() {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        assert_eq!(
            whole_utc_days("2026-03-01T05:00:00Z", "2026-03-04T05:00:00Z"),
            Some((day("2026-03-02"), day("2026-03-04")))
        );
        assert_eq!(
            whole_utc_days("2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"),
            Some((day("2026-03-01"), day("2026-03-02")))
        );
        assert_eq!(
            whole_utc_days("2026-03-01T05:00:00Z", "2026-03-02T04:00:00Z"),
            None
        );
        assert_eq!(whole_utc_days("yesterday", "2026-03-02T04:00:00Z"), None);
    }

    #[test]
    fn sums_of_one_group_add_up_in_the_order_groups_came() {
        let p = PipelineId::new();
        let sum = |won: bool, count: i64| ClosedSum {
            pipeline_id: p,
            won,
            owner_id: None,
            reason: None,
            count,
            value: i128::from(count) * 100,
            cycle_seconds: i128::from(count) * 10,
        };
        let merged = merge_closed_sums(vec![sum(true, 1), sum(false, 2), sum(true, 3)]);
        assert_eq!(merged, vec![sum(true, 4), sum(false, 2)]);
    }
}
