//! The one place that decides how records look: tables for people, TSV and JSON for scripts.
//!
//! Handlers return records; [`Printer`] renders them in the chosen [`Format`].
//! Writing to a closed pipe surfaces as [`Error::BrokenPipe`], which exits quietly.

mod views;

use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table, TableComponent};
use serde::Serialize;
use serde_json::Value;

pub use views::{BoardStage, DealView, InfoView, PipelineView, StalledView};

use crate::cli::{ColorChoice, Format, OutputArgs};
use crate::error::Result;

/// A table column: the JSON field it shows, its header, and how a person reads it.
pub struct Column<R> {
    pub field: &'static str,
    pub header: &'static str,
    pub cell: fn(&R) -> Cell,
}

/// Something rex prints. Its serde shape is its JSON; the rest is for tables.
pub trait Record: Serialize + Sized {
    fn id(&self) -> String;
    /// Columns of the list table.
    fn columns() -> Vec<Column<Self>>;
    /// How one record reads on a terminal (show, create): by default a field/value table.
    fn detail(&self, style: &Style) -> Vec<Table> {
        let mut t = style.table();
        for c in Self::columns() {
            t.add_row(vec![
                Cell::new(c.header).add_attribute(Attribute::Bold),
                (c.cell)(self),
            ]);
        }
        vec![t]
    }
    /// The values of a TSV line: by default the JSON object's fields in order.
    fn tsv_values(&self) -> Vec<Value> {
        match serde_json::to_value(self) {
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

/// How tables are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub terminal: bool,
}

impl Style {
    pub fn table(&self) -> Table {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_HORIZONTAL_ONLY);
        for line in [
            TableComponent::HorizontalLines,
            TableComponent::MiddleIntersections,
            TableComponent::LeftBorderIntersections,
            TableComponent::RightBorderIntersections,
        ] {
            t.remove_style(line);
        }
        if self.terminal {
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        if self.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t
    }
}

pub struct Printer {
    format: Format,
    style: Style,
    quiet: bool,
    out: BufWriter<Stdout>,
}

impl Printer {
    pub fn new(args: &OutputArgs) -> Printer {
        let terminal = io::stdout().is_terminal();
        let format = if args.json {
            Format::Json
        } else {
            args.format
                .unwrap_or(if terminal { Format::Table } else { Format::Tsv })
        };
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        };
        Printer {
            format,
            style: Style { color, terminal },
            quiet: args.quiet,
            out: BufWriter::new(io::stdout()),
        }
    }

    /// True when a person reads the output (a table).
    pub fn is_human(&self) -> bool {
        self.format == Format::Table
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// A note for the person on stderr; silenced by -q.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            eprintln!("rex: {msg}");
        }
    }

    /// Prints a list: always an array in JSON, also when empty.
    pub fn list<R: Record>(&mut self, rows: &[R]) -> Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut self.out, rows)?;
                writeln!(self.out)?;
            }
            Format::Jsonl => {
                for r in rows {
                    self.jsonl(r)?;
                }
            }
            Format::Tsv => {
                for r in rows {
                    self.tsv(r)?;
                }
            }
            Format::Id => {
                for r in rows {
                    writeln!(self.out, "{}", r.id())?;
                }
            }
            Format::Table => {
                if !rows.is_empty() {
                    let columns = R::columns();
                    let mut t = self.style.table();
                    t.set_header(
                        columns
                            .iter()
                            .map(|c| Cell::new(c.header).add_attribute(Attribute::Bold)),
                    );
                    for r in rows {
                        t.add_row(columns.iter().map(|c| (c.cell)(r)));
                    }
                    writeln!(self.out, "{t}")?;
                }
                if let Some(line) = R::summary(rows) {
                    writeln!(self.out, "{line}")?;
                }
            }
        }
        self.flush()
    }

    /// Prints one record: an object in JSON.
    pub fn one<R: Record>(&mut self, row: &R) -> Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut self.out, row)?;
                writeln!(self.out)?;
            }
            Format::Jsonl => self.jsonl(row)?,
            Format::Tsv => self.tsv(row)?,
            Format::Id => writeln!(self.out, "{}", row.id())?,
            Format::Table => {
                for (i, t) in row.detail(&self.style).iter().enumerate() {
                    if i > 0 {
                        writeln!(self.out)?;
                    }
                    writeln!(self.out, "{t}")?;
                }
            }
        }
        self.flush()
    }

    fn jsonl<R: Serialize>(&mut self, row: &R) -> Result<()> {
        serde_json::to_writer(&mut self.out, row)?;
        writeln!(self.out)?;
        Ok(())
    }

    fn tsv<R: Record>(&mut self, row: &R) -> Result<()> {
        let line = row
            .tsv_values()
            .iter()
            .map(tsv_field)
            .collect::<Vec<_>>()
            .join("\t");
        writeln!(self.out, "{line}")?;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// One TSV field: strings as they are, null as nothing, nested values as compact JSON;
/// backslash, tab, newline, carriage return and other control characters escaped.
pub fn tsv_field(v: &Value) -> String {
    let raw = match v {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe to show on a terminal: control characters (escape sequences, carriage
/// returns) and bidirectional overrides become visible `\u{…}` escapes; newlines stay.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            c if c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tsv_fields_escape_what_would_break_a_line() {
        assert_eq!(tsv_field(&json!("a\tb\nc\\d\re")), "a\\tb\\nc\\\\d\\re");
        assert_eq!(tsv_field(&json!("\u{1b}[31mred")), "\\u{1b}[31mred");
        assert_eq!(tsv_field(&json!(null)), "");
        assert_eq!(tsv_field(&json!(5)), "5");
        assert_eq!(tsv_field(&json!({"a": "x\ty"})), r#"{"a":"x\\ty"}"#);
    }

    #[test]
    fn terminal_text_is_neutralised() {
        assert_eq!(
            neutralise("ok\u{1b}[2Jgone\rx\u{202e}"),
            "ok\\u{1b}[2Jgone\\u{d}x\\u{202e}"
        );
    }
}
