//! `rex forecast` and `rex report …`: what will close, how often and how fast deals are won,
//! where they stall and why they are lost. Money stays integer cents; only ratios are
//! decimals, each rounded as its definition says.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use super::{find_pipeline, pipeline_or_only, Ctx};
use crate::cli::{Period, ReportCommand, Scope, Window, WinsBy};
use crate::clock::{local_to_utc, parse_timestamp, timestamp, Clock};
use crate::error::{Error, Result};
use crate::id::{PipelineId, StageId};
use crate::money::round_half_up;
use crate::output::{ForecastRow, FunnelRow, LostReasonRow, WinsRow};
use crate::record::{event, Status};
use crate::store::{damaged, ClosedBy, ClosedSum, DealFilter, RawEvent, Tx};

const ACTIVE: [Status; 2] = [Status::Open, Status::Stalled];

pub fn forecast(ctx: &mut Ctx, scope: &Scope, by: Period, periods: u32) -> Result<()> {
    let clock = ctx.clock;
    let rows = ctx
        .store
        .read(|tx| forecast_rows(tx, &clock, scope, by, periods))?;
    ctx.out.list(rows)
}

pub fn run(ctx: &mut Ctx, cmd: ReportCommand) -> Result<()> {
    let clock = ctx.clock;
    let (rows_printed, exit_status) = match cmd {
        ReportCommand::Wins {
            scope,
            window,
            by,
            exit_status,
        } => {
            let rows = ctx.store.read(|tx| wins(tx, &clock, &scope, &window, by))?;
            let n = rows.len();
            ctx.out.list(rows)?;
            (n, exit_status)
        }
        ReportCommand::Stages {
            pipeline,
            since,
            exit_status,
        } => {
            let since = since.map(|d| d.resolve(&clock)).transpose()?;
            let rows = ctx
                .store
                .read(|tx| stages(tx, pipeline.as_deref(), since))?;
            let n = rows.len();
            ctx.out.list(rows)?;
            (n, exit_status)
        }
        ReportCommand::LostReasons {
            scope,
            window,
            exit_status,
        } => {
            let rows = ctx
                .store
                .read(|tx| lost_reasons(tx, &clock, &scope, &window))?;
            let n = rows.len();
            ctx.out.list(rows)?;
            (n, exit_status)
        }
    };
    if exit_status && rows_printed == 0 {
        return Err(Error::Silent(crate::error::code::FAILURE));
    }
    Ok(())
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

fn forecast_rows(
    tx: &dyn Tx,
    clock: &Clock,
    scope: &Scope,
    by: Period,
    periods: u32,
) -> Result<Vec<ForecastRow>> {
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

/// The window `--since`/`--until` as local days, by default the last 365 days.
fn window(clock: &Clock, w: &Window) -> Result<(NaiveDate, NaiveDate)> {
    let today = clock.today();
    let since = match w.since {
        Some(d) => d.resolve(clock)?,
        None => today - Duration::days(365),
    };
    let until = match w.until {
        Some(d) => d.resolve(clock)?,
        None => today,
    };
    if since > until {
        return Err(Error::usage(format!(
            "--since {since} is after --until {until}; give a window that starts before it ends"
        )));
    }
    Ok((since, until))
}

fn wins(
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

/// What a history entry says about where its deal went: the fields `report stages` reads.
#[derive(Default, Deserialize)]
struct StageDetails<'a> {
    #[serde(borrow)]
    pipeline_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stage_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to_pipeline_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to_stage_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
}

impl<'a> StageDetails<'a> {
    /// The entry's details; a field that is not text counts as missing.
    fn of(e: &'a RawEvent) -> Result<StageDetails<'a>> {
        if let Ok(d) = serde_json::from_str(&e.details) {
            return Ok(d);
        }
        let v: serde_json::Value = serde_json::from_str(&e.details)
            .map_err(|why| damaged("history entry of deal", &e.deal_id, why))?;
        let text = |k: &str| {
            v.get(k)
                .and_then(|t| t.as_str())
                .map(|t| Cow::Owned(t.to_string()))
        };
        Ok(StageDetails {
            pipeline_id: text("pipeline_id"),
            stage_id: text("stage_id"),
            to_pipeline_id: text("to_pipeline_id"),
            to_stage_id: text("to_stage_id"),
            status: text("status"),
        })
    }
}

/// What one deal's history says about the stages of one pipeline.
#[derive(Default)]
struct Funnel {
    entered: HashMap<StageId, i64>,
    advanced: HashMap<StageId, i64>,
    won: HashMap<StageId, i64>,
    lost: HashMap<StageId, i64>,
    /// Completed stays, in seconds, per stage.
    stays: HashMap<StageId, Vec<i64>>,
}

fn stages(tx: &dyn Tx, pipeline: Option<&str>, since: Option<NaiveDate>) -> Result<Vec<FunnelRow>> {
    let p = pipeline_or_only(tx, pipeline)?;
    let since = since.map(start_of);
    let position: HashMap<StageId, u32> = p.stages.iter().map(|s| (s.id, s.position)).collect();
    let pid = p.id.to_string();
    let mut funnel = Funnel::default();
    tx.for_each_history(&mut |events| {
        // Where the deal is (in this pipeline or not), since when, and what it entered.
        let mut here: Option<StageId> = None;
        let mut stay_from: Option<String> = None;
        let mut entered: Vec<StageId> = Vec::new();
        let mut advanced: Vec<StageId> = Vec::new();
        let mut status = Status::Open;
        let mut stays: Vec<(StageId, i64)> = Vec::new();
        let counts = |at: &str| since.as_deref().is_none_or(|s| at >= s);
        let end_stay = |here: Option<StageId>,
                        from: &Option<String>,
                        to: &str,
                        stays: &mut Vec<(StageId, i64)>| {
            if let (Some(stage), Some(from)) = (here, from) {
                if counts(from) {
                    if let (Some(a), Some(b)) = (parse_timestamp(from), parse_timestamp(to)) {
                        stays.push((stage, (b - a).num_seconds().max(0)));
                    }
                }
            }
        };
        // The stage an entry puts the deal in, when it is one of this pipeline's.
        let into = |pipeline: Option<Cow<str>>, stage: Option<Cow<str>>| {
            (pipeline.as_deref() == Some(pid.as_str()))
                .then(|| stage.and_then(|s| s.parse().ok()))
                .flatten()
        };
        for e in &events {
            match e.kind.as_str() {
                event::CREATED => {
                    let d = StageDetails::of(e)?;
                    here = into(d.pipeline_id, d.stage_id);
                    stay_from = Some(e.at.clone());
                    if let Some(s) = here {
                        if counts(&e.at) && !entered.contains(&s) {
                            entered.push(s);
                        }
                    }
                }
                event::MOVED => {
                    end_stay(here, &stay_from, &e.at, &mut stays);
                    let d = StageDetails::of(e)?;
                    here = into(d.to_pipeline_id, d.to_stage_id);
                    stay_from = Some(e.at.clone());
                    if let Some(s) = here {
                        let to = position.get(&s).copied().unwrap_or(0);
                        for earlier in &entered {
                            if position.get(earlier).is_some_and(|p| *p < to)
                                && !advanced.contains(earlier)
                            {
                                advanced.push(*earlier);
                            }
                        }
                        if counts(&e.at) && !entered.contains(&s) {
                            entered.push(s);
                        }
                    }
                }
                event::CLOSED => {
                    end_stay(here, &stay_from, &e.at, &mut stays);
                    stay_from = None;
                    status = if StageDetails::of(e)?.status.as_deref() == Some("won") {
                        advanced.clone_from(&entered);
                        Status::Won
                    } else {
                        Status::Lost
                    };
                }
                event::REOPENED => {
                    status = Status::Open;
                    stay_from = Some(e.at.clone());
                }
                _ => {}
            }
        }
        for s in entered {
            *funnel.entered.entry(s).or_default() += 1;
            if advanced.contains(&s) {
                *funnel.advanced.entry(s).or_default() += 1;
            }
            match status {
                Status::Won => *funnel.won.entry(s).or_default() += 1,
                Status::Lost => *funnel.lost.entry(s).or_default() += 1,
                _ => {}
            }
        }
        for (s, secs) in stays {
            funnel.stays.entry(s).or_default().push(secs);
        }
        Ok(())
    })?;
    let active = crate::ops::totals::board(tx, &p)?;
    let mut rows: Vec<FunnelRow> = p
        .stages
        .iter()
        .zip(active)
        .map(|(s, counts)| {
            let entered = funnel.entered.get(&s.id).copied().unwrap_or(0);
            let advanced = funnel.advanced.get(&s.id).copied().unwrap_or(0);
            let mut stays = funnel.stays.remove(&s.id).unwrap_or_default();
            stays.sort_unstable();
            let n = stays.len() as i128;
            let average_days =
                (n > 0).then(|| days1(stays.iter().map(|x| i128::from(*x)).sum(), n));
            let median_days = (n > 0).then(|| {
                let mid = stays.len() / 2;
                if stays.len() % 2 == 1 {
                    days1(i128::from(stays[mid]), 1)
                } else {
                    days1(i128::from(stays[mid - 1]) + i128::from(stays[mid]), 2)
                }
            });
            FunnelRow {
                stage_id: s.id,
                name: s.name.clone(),
                position: s.position,
                entered,
                advanced,
                conversion: ratio4(advanced.into(), entered.into()),
                won: funnel.won.get(&s.id).copied().unwrap_or(0),
                lost: funnel.lost.get(&s.id).copied().unwrap_or(0),
                average_days,
                median_days,
                active_count: counts.open_count + counts.stalled_count,
                color: s.color.clone(),
                share: 0.0,
            }
        })
        .collect();
    let most = rows.iter().map(|r| r.entered).max().unwrap_or(0);
    for r in &mut rows {
        r.share = share(r.entered.into(), most.into());
    }
    Ok(rows)
}

fn lost_reasons(
    tx: &dyn Tx,
    clock: &Clock,
    scope: &Scope,
    w: &Window,
) -> Result<Vec<LostReasonRow>> {
    let (since, until) = window(clock, w)?;
    let lost = closed_between(
        tx,
        &filter_of(tx, scope)?,
        &[Status::Lost],
        (since, until),
        ClosedBy {
            owner: false,
            reason: true,
        },
    )?;
    let total: i128 = lost.iter().map(|s| i128::from(s.count)).sum();
    // Reasons alike but for case and the spaces around them are one; each group shows the
    // spelling most of its deals used (the first in order, on a tie).
    let mut groups: BTreeMap<Option<String>, (i64, i128, BTreeMap<String, i64>)> = BTreeMap::new();
    for s in &lost {
        let said = s.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let g = groups.entry(said.map(|r| r.to_lowercase())).or_default();
        g.0 += s.count;
        g.1 += s.value;
        if let Some(r) = said {
            *g.2.entry(r.to_string()).or_default() += s.count;
        }
    }
    let mut rows: Vec<LostReasonRow> = groups
        .into_values()
        .map(|(count, value, spellings)| LostReasonRow {
            reason: spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(s, _)| s),
            count,
            value,
            share: ratio4(count.into(), total).unwrap_or(0.0),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| match (&a.reason, &b.reason) {
                (Some(x), Some(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
    });
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(details: &str) -> RawEvent {
        RawEvent {
            deal_id: "deal_x".into(),
            at: "2026-03-01T09:00:00Z".into(),
            kind: event::MOVED.into(),
            details: details.into(),
        }
    }

    #[test]
    fn stage_details_read_text_fields_and_treat_others_as_missing() {
        let e = entry(r#"{"to_pipeline_id":"p\u0031","to_stage_id":"s","note":[1]}"#);
        let d = StageDetails::of(&e).unwrap();
        assert_eq!(
            (
                d.to_pipeline_id.as_deref(),
                d.to_stage_id.as_deref(),
                d.status
            ),
            (Some("p1"), Some("s"), None)
        );
        // A field that is not text (here a number) reads as missing, the rest as written.
        let e = entry(r#"{"to_pipeline_id":7,"to_stage_id":"s"}"#);
        let d = StageDetails::of(&e).unwrap();
        assert_eq!(
            (d.to_pipeline_id, d.to_stage_id.as_deref()),
            (None, Some("s"))
        );
        let e = entry(r#"[1, 2]"#);
        assert!(StageDetails::of(&e).unwrap().to_stage_id.is_none());
        let e = entry(r#"{"to_stage_id":"#);
        let err = StageDetails::of(&e).err().unwrap().to_string();
        assert!(
            err.starts_with("the database is damaged at history entry of deal 'deal_x' ("),
            "{err}"
        );
    }
}
