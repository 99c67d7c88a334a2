//! The one place that decides how records look: tables for people, TSV and JSON for scripts.
//!
//! Handlers return records; [`Printer`] renders them in the chosen [`Format`].
//! Writing to a closed pipe surfaces as [`crate::error::Error::BrokenPipe`], which exits quietly.

mod activity;
mod board;
mod calendar;
mod cells;
mod database;
mod fit;
mod history;
mod message;
mod pipeline;
mod printer;
mod report;
mod style;
mod team;
mod today;
mod today_activities;
mod token;
mod views;

use comfy_table::{Attribute, Cell, Table};
use serde::Serialize;
use serde_json::Value;

pub use activity::{
    due_text, duration_text, ActivityView, NextSteps, ACTIVITY_VIEW_FIELDS, CARD_NEXT_STEPS,
};
pub use board::{fit_height, BoardColumn, BoardPipeline, BoardView};
pub use calendar::{calendar, DEFAULT_EVENT_MINUTES};
pub use cells::{csv_cell, csv_uncell, neutralise, one_line, tsv_field, tsv_plain};
pub use database::{Exported, ImportReport};
pub use message::{say, say_done, say_line, say_question, Confirmation};
pub use pipeline::PIPELINE_FIELDS;
pub use printer::{value_of, ColorChoice, Format, Options, Printer, Rows};
pub use style::{nearest_256, relative, screen_height, Style};
pub use team::AuditView;
pub use today::{SectionRows, TodayRow, TodayView};
pub use today_activities::TodayActivityRow;
pub use token::CreatedToken;
pub use views::{fit_card, DealView, Labels, StalledView, DEAL_FIELDS};

/// A table column: the JSON field it shows, its header, how a person reads it, and how it
/// gives way when the table is narrower than its content.
pub struct Column<R> {
    pub field: &'static str,
    pub header: &'static str,
    pub cell: fn(&R, &Style) -> Cell,
    pub fit: Fit,
}

/// How a column fits a narrow table. Whatever its kind, a column (but one ranked 0) that
/// holds the same on every row is left out before anything else gives way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never cut (money, dates, counts, references); dropped last, by its rank (0: never).
    Fixed(u8),
    /// Free text, cut with `…` to what is left; dropped by its rank (0: never).
    Text(u8),
    /// Free text left out entirely when every row holds the same (one pipeline).
    TextUnlessUniform(u8),
    /// Free text shown whole (a note): wrapped at words onto further lines of its cell,
    /// never cut and never left out.
    Wrap,
    /// Only in `-o wide`.
    Wide,
}

impl<R> Column<R> {
    /// A column never cut or dropped.
    pub fn new(field: &'static str, header: &'static str, cell: fn(&R, &Style) -> Cell) -> Self {
        Column {
            field,
            header,
            cell,
            fit: Fit::Fixed(0),
        }
    }

    pub fn fit(mut self, fit: Fit) -> Self {
        self.fit = fit;
        self
    }
}

/// Something rex prints. Its serde shape is its JSON; the rest is for tables.
pub trait Record: Serialize + Sized {
    /// The JSON field names, in order: what `--fields` may name and the CSV header.
    const FIELDS: &'static [&'static str];
    /// Fields printed only when `--fields` names them (a deal's `value_dollars`), after
    /// [`Record::FIELDS`] in the list `--fields` takes.
    const ON_REQUEST: &'static [&'static str] = &[];
    /// The value of a field of [`Record::ON_REQUEST`].
    fn requested(&self, _field: &str) -> Value {
        Value::Null
    }
    fn id(&self) -> String;
    /// Columns of the list table.
    fn columns() -> Vec<Column<Self>>;
    /// How one record reads on a terminal (show, create): by default a field/value table.
    fn detail(&self, style: &Style) -> Vec<Table> {
        let mut t = style.table();
        for c in Self::columns() {
            t.add_row(vec![
                Cell::new(c.header).add_attribute(Attribute::Bold),
                (c.cell)(self, style),
            ]);
        }
        vec![t]
    }
    /// How the record reads on a terminal when it is not a table (a board), if so.
    fn text(&self, _style: &Style) -> Option<String> {
        None
    }
    /// The values of a TSV line: by default the JSON object's fields in order.
    fn tsv_values(&self) -> Vec<Value> {
        match value_of(self) {
            Ok(Value::Object(map)) => map.into_iter().map(|(_, v)| v).collect(),
            Ok(other) => vec![other],
            Err(_) => Vec::new(),
        }
    }
    /// A closing line under a list table (counts, totals).
    fn summary(_rows: &[Self]) -> Option<String> {
        None
    }
}
