//! The forecast and the reports ([`crate::ops::report`]'s rows): exact JSON for scripts
//! (money in cents, ratios as decimals) and tables with bars for people.

use comfy_table::{Cell, CellAlignment};

use super::{neutralise, Column, Fit, Record, Style};
use crate::money::dollars;
use crate::ops::report::{ForecastRow, FunnelRow, LostReasonRow, WinsRow};
use crate::record::Color;

/// The widest a bar is drawn.
const BAR: usize = 12;

fn money(c: i128) -> Cell {
    Cell::new(dollars(c)).set_alignment(CellAlignment::Right)
}

fn number(n: i64) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

fn ratio(r: Option<f64>) -> Cell {
    Cell::new(r.map_or_else(String::new, |r| format!("{:.1}%", r * 100.0)))
        .set_alignment(CellAlignment::Right)
}

fn decimal(r: Option<f64>) -> Cell {
    Cell::new(r.map_or_else(String::new, |r| format!("{r:.1}"))).set_alignment(CellAlignment::Right)
}

/// A bar `share` (0 to 1) of [`BAR`] wide, in `color` when the terminal shows colour.
fn bar(share: f64, color: Option<&Color>, style: &Style) -> Cell {
    let n = (share.clamp(0.0, 1.0) * BAR as f64).round() as usize;
    let cell = Cell::new("█".repeat(n));
    match color.and_then(|c| style.stage_color(c.as_str())) {
        Some(c) => cell.fg(c),
        None => cell,
    }
}

impl Record for ForecastRow {
    const FIELDS: &'static [&'static str] = &[
        "period",
        "start",
        "end",
        "count",
        "value",
        "weighted_value",
        "won_count",
        "won_value",
    ];
    fn id(&self) -> String {
        self.period.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("period", "Period", |r: &ForecastRow, _| {
                Cell::new(&r.period)
            }),
            Column::new("start", "From", |r: &ForecastRow, _| {
                Cell::new(r.start.map(crate::clock::format_date).unwrap_or_default())
            })
            .fit(Fit::Fixed(6)),
            Column::new("end", "To", |r: &ForecastRow, _| {
                Cell::new(r.end.map(crate::clock::format_date).unwrap_or_default())
            })
            .fit(Fit::Fixed(5)),
            Column::new("count", "Deals", |r: &ForecastRow, _| number(r.count)),
            Column::new("value", "Value", |r: &ForecastRow, _| money(r.value)),
            Column::new("weighted_value", "Weighted", |r: &ForecastRow, _| {
                money(r.weighted_value)
            }),
            Column::new("bar", "", |r: &ForecastRow, s| bar(r.share, None, s)).fit(Fit::Fixed(2)),
            Column::new("won_count", "Won", |r: &ForecastRow, _| number(r.won_count))
                .fit(Fit::Fixed(3)),
            Column::new("won_value", "Won value", |r: &ForecastRow, _| {
                money(r.won_value)
            })
            .fit(Fit::Fixed(4)),
        ]
    }

    fn summary(rows: &[Self]) -> Option<String> {
        let sum = |f: fn(&ForecastRow) -> i128| rows.iter().map(f).sum::<i128>();
        let count: i64 = rows.iter().map(|r| r.count).sum();
        let won: i64 = rows.iter().map(|r| r.won_count).sum();
        Some(format!(
            "Total: {count} deals, {}, weighted {}; won {won}, {}",
            dollars(sum(|r| r.value)),
            dollars(sum(|r| r.weighted_value)),
            dollars(sum(|r| r.won_value))
        ))
    }
}

impl Record for WinsRow {
    const FIELDS: &'static [&'static str] = &[
        "key",
        "won_count",
        "won_value",
        "lost_count",
        "lost_value",
        "win_rate",
        "value_win_rate",
        "average_won_value",
        "average_cycle_days",
        "velocity_per_day",
    ];
    fn id(&self) -> String {
        self.key.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("key", "Key", |r: &WinsRow, _| Cell::new(neutralise(&r.key)))
                .fit(Fit::Text(0)),
            Column::new("won_count", "Won", |r: &WinsRow, _| number(r.won_count)),
            Column::new("won_value", "Won value", |r: &WinsRow, _| {
                money(r.won_value)
            }),
            Column::new("lost_count", "Lost", |r: &WinsRow, _| number(r.lost_count)),
            Column::new("lost_value", "Lost value", |r: &WinsRow, _| {
                money(r.lost_value)
            })
            .fit(Fit::Fixed(3)),
            Column::new("win_rate", "Win rate", |r: &WinsRow, _| ratio(r.win_rate)),
            Column::new("value_win_rate", "By value", |r: &WinsRow, _| {
                ratio(r.value_win_rate)
            })
            .fit(Fit::Fixed(2)),
            Column::new("average_won_value", "Avg won", |r: &WinsRow, _| {
                r.average_won_value.map_or_else(|| Cell::new(""), money)
            })
            .fit(Fit::Fixed(1)),
            Column::new("average_cycle_days", "Cycle days", |r: &WinsRow, _| {
                decimal(r.average_cycle_days)
            })
            .fit(Fit::Fixed(1)),
            Column::new("velocity_per_day", "Per day", |r: &WinsRow, _| {
                r.velocity_per_day.map_or_else(|| Cell::new(""), money)
            })
            .fit(Fit::Fixed(1)),
        ]
    }
}

impl Record for FunnelRow {
    const FIELDS: &'static [&'static str] = &[
        "stage_id",
        "name",
        "position",
        "entered",
        "advanced",
        "conversion",
        "won",
        "lost",
        "average_days",
        "median_days",
        "active_count",
    ];
    fn id(&self) -> String {
        self.stage_id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("name", "Stage", |r: &FunnelRow, _| {
                Cell::new(neutralise(&r.name))
            })
            .fit(Fit::Text(0)),
            Column::new("entered", "Entered", |r: &FunnelRow, _| number(r.entered)),
            Column::new("bar", "", |r: &FunnelRow, s| {
                bar(r.share, Some(&r.color), s)
            })
            .fit(Fit::Fixed(2)),
            Column::new("advanced", "Advanced", |r: &FunnelRow, _| {
                number(r.advanced)
            })
            .fit(Fit::Fixed(6)),
            Column::new("conversion", "Conversion", |r: &FunnelRow, _| {
                ratio(r.conversion)
            }),
            Column::new("won", "Won", |r: &FunnelRow, _| number(r.won)).fit(Fit::Fixed(4)),
            Column::new("lost", "Lost", |r: &FunnelRow, _| number(r.lost)).fit(Fit::Fixed(4)),
            Column::new("average_days", "Avg days", |r: &FunnelRow, _| {
                decimal(r.average_days)
            }),
            Column::new("median_days", "Median", |r: &FunnelRow, _| {
                decimal(r.median_days)
            })
            .fit(Fit::Fixed(5)),
            Column::new("active_count", "Active", |r: &FunnelRow, _| {
                number(r.active_count)
            })
            .fit(Fit::Fixed(3)),
            Column::new("stage_id", "Id", |r: &FunnelRow, _| Cell::new(r.stage_id)).fit(Fit::Wide),
        ]
    }
}

impl Record for LostReasonRow {
    const FIELDS: &'static [&'static str] = &["reason", "count", "value", "share"];
    fn id(&self) -> String {
        self.reason.clone().unwrap_or_default()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("reason", "Reason", |r: &LostReasonRow, _| {
                Cell::new(neutralise(r.reason.as_deref().unwrap_or("(none given)")))
            })
            .fit(Fit::Text(0)),
            Column::new("count", "Lost", |r: &LostReasonRow, _| number(r.count)),
            Column::new("value", "Value", |r: &LostReasonRow, _| money(r.value)),
            Column::new("share", "Share", |r: &LostReasonRow, _| {
                ratio(Some(r.share))
            }),
            Column::new("bar", "", |r: &LostReasonRow, s| bar(r.share, None, s)).fit(Fit::Fixed(2)),
        ]
    }
}
