//! The forecast and the reports: what will close, how often and how fast deals are won,
//! where they stall and why they are lost. Money stays integer cents; only ratios are
//! decimals, each rounded as its definition says. Each report returns its rows; how they
//! look (tables, bars) is the front door's.

mod forecast;
mod funnel;
mod lost;
mod wins;

pub use forecast::{forecast, ForecastRow, MAX_PERIODS};
pub use funnel::{funnel, FunnelRow};
pub use lost::{lost_reasons, LostReasonRow};
pub use wins::{wins, WinsBy, WinsRow};

use chrono::{Datelike, Duration, NaiveDate};

use super::lookup::find_pipeline;
use crate::clock::{local_to_utc, timestamp, Clock};
use crate::error::{Error, Result};
use crate::money::round_half_up;
use crate::record::Status;
use crate::store::{ClosedBy, ClosedSum, DealFilter, Tx};

const ACTIVE: [Status; 2] = [Status::Open, Status::Stalled];

/// A calendar period of the forecast and of the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
}

/// The deals a forecast or a report covers: one pipeline's (by id or name), one owner's,
/// or all.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub pipeline: Option<String>,
    pub owner: Option<String>,
}

/// The local days of closed deals a report looks at, both included: by default the last
/// 365 days up to today.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// A calendar period: its label (`2026-03`, `2026-Q1`) and its first and last days.
fn period_of(day: NaiveDate, by: Period) -> (String, NaiveDate, NaiveDate) {
    let (year, month) = (day.year(), day.month());
    let (label, first_month, months) = match by {
        Period::Month => (format!("{year}-{month:02}"), month, 1),
        Period::Quarter => {
            let q = (month - 1) / 3;
            (format!("{year}-Q{}", q + 1), q * 3 + 1, 3)
        }
    };
    let start = NaiveDate::from_ymd_opt(year, first_month, 1).unwrap_or(day);
    let end = start
        .checked_add_months(chrono::Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    (label, start, end)
}

/// The stored time (UTC) at which local day `day` begins.
fn start_of(day: NaiveDate) -> String {
    timestamp(local_to_utc(day.and_time(chrono::NaiveTime::MIN)))
}

fn day_after(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

fn day_before(day: NaiveDate) -> NaiveDate {
    day.pred_opt().unwrap_or(day)
}

/// The deals of `statuses` closed on the local days `from` to `to`, summed as `by` says.
fn closed_between(
    tx: &dyn Tx,
    base: &DealFilter,
    statuses: &[Status],
    (from, to): (NaiveDate, NaiveDate),
    by: ClosedBy,
) -> Result<Vec<ClosedSum>> {
    crate::ops::totals::closed_sums(
        tx,
        &DealFilter {
            statuses: statuses.to_vec(),
            closed_from: Some(start_of(from)),
            closed_before: Some(start_of(day_after(to))),
            ..base.clone()
        },
        by,
    )
}

/// The filter every row of a report shares: a pipeline and an owner, when given.
fn filter_of(tx: &dyn Tx, scope: &Scope) -> Result<DealFilter> {
    Ok(DealFilter {
        pipeline: scope
            .pipeline
            .as_deref()
            .map(|p| find_pipeline(tx, p).map(|p| p.id))
            .transpose()?,
        owner: scope.owner.clone(),
        ..Default::default()
    })
}

/// `part` as a share of `most` (for a bar), 0 when there is nothing.
fn share(part: i128, most: i128) -> f64 {
    if most > 0 {
        part as f64 / most as f64
    } else {
        0.0
    }
}

/// `num / den` to 4 decimals, halves up (both non-negative); None when `den` is 0.
fn ratio4(num: i128, den: i128) -> Option<f64> {
    (den > 0).then(|| round_half_up(num * 10_000, den) as f64 / 10_000.0)
}

/// Seconds as days to 1 decimal, halves up.
fn days1(seconds: i128, count: i128) -> f64 {
    round_half_up(seconds * 10, count * 86_400) as f64 / 10.0
}

/// The window's first and last local days, by default the last 365 days.
fn window(clock: &Clock, w: &Window) -> Result<(NaiveDate, NaiveDate)> {
    let today = clock.today();
    let since = w.since.unwrap_or(today - Duration::days(365));
    let until = w.until.unwrap_or(today);
    if since > until {
        return Err(Error::usage(format!(
            "--since {since} is after --until {until}; give a window that starts before it ends"
        )));
    }
    Ok((since, until))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::pipeline::{create, NewPipeline};
    use crate::ops::testing::{clock, deal, store};
    use crate::record::{Deal, Pipeline};

    /// Sales with the default stages, and in its first (10% likely): one deal overdue, one
    /// without an expected close, one won and two lost (today).
    fn sales(store: &mut crate::store::Store, clock: &Clock) -> Pipeline {
        let new = NewPipeline {
            name: "Sales".into(),
            stages: Vec::new(),
            stall_days: 30,
            probabilities: Vec::new(),
        };
        store
            .write(|tx| {
                let p = create(tx, clock, &new)?;
                let p = find_pipeline(tx, &p.id.to_string())?;
                let overdue = deal(tx, clock, &p, "Overdue", 100000);
                tx.update_deal(&Deal {
                    expected_close: NaiveDate::from_ymd_opt(2026, 1, 15),
                    ..overdue
                })?;
                deal(tx, clock, &p, "Someday", 5005);
                for (name, cents, status, reason) in [
                    ("Won", 30000, Status::Won, None),
                    ("Lost", 10000, Status::Lost, Some(" Price ")),
                    ("Lost too", 2000, Status::Lost, Some("price")),
                ] {
                    let d = deal(tx, clock, &p, name, cents);
                    tx.update_deal(&Deal {
                        status,
                        closed_at: Some(clock.timestamp()),
                        close_reason: reason.map(String::from),
                        ..d
                    })?;
                }
                Ok(p)
            })
            .unwrap()
    }

    #[test]
    fn forecast_puts_each_active_deal_in_one_row_and_counts_the_won() {
        let (_dir, mut store) = store();
        let clock = clock();
        sales(&mut store, &clock);
        let rows = store
            .read(|tx| forecast(tx, &clock, &Scope::default(), Period::Month, 2))
            .unwrap();
        let got: Vec<(&str, i64, i128, i128, i64, i128)> = rows
            .iter()
            .map(|r| {
                let f = (r.period.as_str(), r.count, r.value, r.weighted_value);
                (f.0, f.1, f.2, f.3, r.won_count, r.won_value)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("overdue", 1, 100000, 10000, 0, 0),
                ("2026-03", 0, 0, 0, 1, 30000),
                ("2026-04", 0, 0, 0, 0, 0),
                ("later", 0, 0, 0, 0, 0),
                // 10% of $50.05 is 500.5 cents: halves up.
                ("none", 1, 5005, 501, 0, 0),
            ]
        );
        assert_eq!(rows[0].share, 1.0);
        // A scope names its pipeline as every command does.
        let scope = Scope {
            pipeline: Some("nope".into()),
            owner: None,
        };
        let err = store
            .read(|tx| forecast(tx, &clock, &scope, Period::Quarter, 1))
            .unwrap_err();
        assert_eq!(err.exit_code(), crate::error::code::NOT_FOUND);
    }

    #[test]
    fn wins_and_lost_reasons_read_the_window_of_closed_deals() {
        let (_dir, mut store) = store();
        let clock = clock();
        sales(&mut store, &clock);
        let all = Window::default();
        let rows = store
            .read(|tx| wins(tx, &clock, &Scope::default(), &all, None))
            .unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            (r.key.as_str(), r.won_count, r.lost_count, r.lost_value),
            ("all", 1, 2, 12000)
        );
        assert_eq!((r.win_rate, r.value_win_rate), (Some(0.3333), Some(0.7143)));
        let reasons = store
            .read(|tx| lost_reasons(tx, &clock, &Scope::default(), &all))
            .unwrap();
        let got: Vec<(Option<&str>, i64, i128, f64)> = reasons
            .iter()
            .map(|r| (r.reason.as_deref(), r.count, r.value, r.share))
            .collect();
        // One group for both spellings, shown as the first (on a tie), trimmed.
        assert_eq!(got, [(Some("Price"), 2, 12000, 1.0)]);
        // A window that ends before it starts is refused; one before the deals is empty.
        let day = |d| NaiveDate::from_ymd_opt(2025, 1, d);
        let backwards = Window {
            since: day(2),
            until: day(1),
        };
        let err = store
            .read(|tx| wins(tx, &clock, &Scope::default(), &backwards, None))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "--since 2025-01-02 is after --until 2025-01-01; give a window that starts before it ends"
        );
        let before = Window {
            since: day(1),
            until: day(2),
        };
        let rows = store
            .read(|tx| wins(tx, &clock, &Scope::default(), &before, Some(WinsBy::Owner)))
            .unwrap();
        assert!(rows.is_empty());
    }
}
