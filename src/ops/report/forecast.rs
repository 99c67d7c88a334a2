//! `forecast`: active deals by the period they are expected to close in, weighted by their
//! chance of winning, beside what was won in each period.

use chrono::NaiveDate;
use serde::Serialize;

use super::ACTIVE;
use super::{closed_between, day_after, day_before, filter_of, period_of, share, Period, Scope};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::record::Status;
use crate::store::{ClosedBy, DealFilter, Tx};

/// One row of the forecast: active deals expected to close in a period, and what was won.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastRow {
    pub period: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub count: i64,
    pub value: i128,
    pub weighted_value: i128,
    pub won_count: i64,
    pub won_value: i128,
    /// The row's weighted value as a share of the largest row's (for the bar).
    #[serde(skip)]
    pub share: f64,
}

/// The most periods a forecast looks ahead (20 years of months).
pub const MAX_PERIODS: u32 = 240;

/// The rows: overdue, one per period from the current one (`periods` of them, 1 to
/// [`MAX_PERIODS`]), later, and deals without an expected close.
pub fn forecast(
    tx: &dyn Tx,
    clock: &Clock,
    scope: &Scope,
    by: Period,
    periods: u32,
) -> Result<Vec<ForecastRow>> {
    if !(1..=MAX_PERIODS).contains(&periods) {
        return Err(Error::usage(format!(
            "periods {periods} is not a number from 1 to {MAX_PERIODS}"
        )));
    }
    let today = clock.today();
    let base = filter_of(tx, scope)?;
    // The periods: the current one and those after it.
    let mut bounds = Vec::with_capacity(periods as usize);
    let (_, mut start, _) = period_of(today, by);
    for _ in 0..periods {
        let (label, first, end) = period_of(start, by);
        bounds.push((label, first, end));
        start = day_after(end);
    }
    let last_end = bounds.last().map_or(today, |b| b.2);
    let row = |period: &str, start, end| ForecastRow {
        period: period.to_string(),
        start,
        end,
        count: 0,
        value: 0,
        weighted_value: 0,
        won_count: 0,
        won_value: 0,
        share: 0.0,
    };
    let mut rows = vec![row("overdue", None, Some(day_before(today)))];
    rows.extend(bounds.iter().map(|(l, f, e)| row(l, Some(*f), Some(*e))));
    rows.push(row("later", Some(day_after(last_end)), None));
    rows.push(row("none", None, None));
    let (later, none) = (rows.len() - 2, rows.len() - 1);
    // Active deals: one pass, by expected close; each date falls in one row.
    let active = DealFilter {
        statuses: ACTIVE.to_vec(),
        ..base.clone()
    };
    for (day, totals) in tx.totals_by_expected_close(&active)? {
        let at = match day {
            None => none,
            Some(d) if d < today => 0,
            Some(d) if d > last_end => later,
            Some(d) => {
                1 + bounds
                    .iter()
                    .position(|b| d >= b.1 && d <= b.2)
                    .unwrap_or(0)
            }
        };
        rows[at].count += totals.count;
        rows[at].value += totals.value;
        rows[at].weighted_value += totals.weighted;
    }
    // Won deals, by the local day they were won, in each period.
    for (k, (_, first, end)) in bounds.iter().enumerate() {
        for won in closed_between(
            tx,
            &base,
            &[Status::Won],
            (*first, *end),
            ClosedBy::default(),
        )? {
            rows[1 + k].won_count += won.count;
            rows[1 + k].won_value += won.value;
        }
    }
    let most = rows.iter().map(|r| r.weighted_value).max().unwrap_or(0);
    for r in &mut rows {
        r.share = share(r.weighted_value, most);
    }
    Ok(rows)
}
