//! The printer: records to stdout in the chosen format (a table, TSV, JSON, JSON Lines, CSV,
//! ids), with only the fields asked for.

use std::io::{self, BufWriter, IsTerminal, Write};

use comfy_table::{Attribute, Cell};
use serde::Serialize;
use serde_json::Value;

use super::cells::{csv_cell, csv_line, neutralise, tsv_field, tsv_plain};
use super::message::{say_done, say_line, Confirmation};
use super::style::{screen_width, Style};
use super::{fit, Column, Fit, Record};
use crate::error::{Error, Result};

/// What the user asked of the output: a format (none: a table on a terminal, TSV otherwise),
/// colour, quiet, and which fields. The CLI fills it from `-o`, `--json`, `--color`,
/// `--quiet` and `--fields`.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Option<Format>,
    pub color: ColorChoice,
    pub quiet: bool,
    pub fields: Vec<String>,
}

/// How records are printed (the values of `-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (money in dollars, names for ids), as wide as the terminal
    Table,
    /// A table with every column at full width (for wide terminals and less -S)
    Wide,
    /// Tab-separated values, no header, one record per line
    Tsv,
    /// A JSON array (list) or object (show, create)
    Json,
    /// One JSON object per line
    Jsonl,
    /// Comma-separated values with a header row
    Csv,
    /// Only the ids, one per line
    Id,
    /// An iCalendar file (RFC 5545) for calendar applications: activity list only
    Ics,
}

/// When tables use colour (the values of `--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub struct Printer {
    format: Format,
    /// The format the user asked for, if any (not the terminal's default).
    chosen: Option<Format>,
    /// Flush after every JSON line, so a reader sees each record as soon as it is read.
    line_flush: bool,
    style: Style,
    quiet: bool,
    fields: Option<Vec<String>>,
    out: Box<dyn Write>,
}

impl Printer {
    pub fn new(args: &Options, now: chrono::DateTime<chrono::Utc>) -> Printer {
        let terminal = io::stdout().is_terminal();
        let format = args
            .format
            .unwrap_or(if terminal { Format::Table } else { Format::Tsv });
        let width = match format {
            Format::Wide => None,
            _ => Some(screen_width(terminal)),
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
            chosen: args.format,
            line_flush: true,
            style: Style {
                color,
                terminal,
                width,
                now,
                truecolor: std::env::var("COLORTERM")
                    .is_ok_and(|c| c == "truecolor" || c == "24bit"),
            },
            quiet: args.quiet,
            fields: (!args.fields.is_empty()).then(|| args.fields.clone()),
            out: Box::new(BufWriter::new(io::stdout())),
        }
    }

    /// A printer like this one that writes to `out` instead of stdout.
    pub fn redirect(&self, out: Box<dyn Write>) -> Printer {
        Printer {
            format: self.format,
            chosen: self.chosen,
            line_flush: self.line_flush,
            style: self.style,
            quiet: self.quiet,
            fields: self.fields.clone(),
            out,
        }
    }

    /// The format the user asked for with -o or --json, if any.
    pub fn chosen_format(&self) -> Option<Format> {
        self.chosen
    }

    /// The same printer, writing whole buffers rather than flushing every line (bulk export).
    pub fn buffered(mut self) -> Printer {
        self.line_flush = false;
        self
    }

    /// The same printer writing `format` instead.
    pub fn with_format(mut self, format: Format) -> Printer {
        self.format = format;
        self
    }

    /// True when a person reads the output (a table, narrow or wide).
    pub fn is_human(&self) -> bool {
        matches!(self.format, Format::Table | Format::Wide)
    }

    pub fn style(&self) -> Style {
        self.style
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn has_fields(&self) -> bool {
        self.fields.is_some()
    }

    /// The fields `--fields` names, if any.
    pub fn fields(&self) -> Option<&[String]> {
        self.fields.as_deref()
    }

    /// Takes `--fields` away, for a record that narrows its own parts to them (`today` in
    /// JSON narrows each deal of each section); the printer then prints records whole.
    pub fn take_fields(&mut self) -> Option<Vec<String>> {
        self.fields.take()
    }

    /// Refuses `--fields` names that records of type `R` do not have.
    pub fn check_fields<R: Record>(&self) -> Result<()> {
        let fields = self.fields.iter().flatten();
        for (i, f) in fields.clone().enumerate() {
            if fields.clone().take(i).any(|earlier| earlier == f) {
                return Err(Error::usage(format!(
                    "field '{f}' is named twice in --fields; name each field once"
                )));
            }
            if !R::FIELDS.contains(&f.as_str()) && !R::ON_REQUEST.contains(&f.as_str()) {
                return Err(Error::usage(format!(
                    "unknown field '{f}' for --fields; valid fields: {}",
                    [R::FIELDS, R::ON_REQUEST].concat().join(", ")
                )));
            }
        }
        Ok(())
    }

    /// A change as it is confirmed: one line for a person at a table (`moved Acme Corp
    /// (3kq9v2x) Discovery → Proposal`), the record itself in every other format. On a
    /// terminal the line fits its width by shortening the names in it (never by wrapping or
    /// cutting money, a reference or a date); in a pipe (`-o table`) it is whole, as a log
    /// wants it.
    pub fn change<R: Record>(&mut self, record: &R, line: &Confirmation) -> Result<()> {
        if self.is_human() {
            let width = self.style.width.filter(|_| self.style.terminal);
            writeln!(self.out, "{}", line.fitted(width))?;
            self.flush()
        } else {
            self.one(record)
        }
    }

    /// A change confirmed on stderr, whatever the format (a delete, which prints no record):
    /// one line, as [`Printer::change`] fits it; silenced by -q.
    pub fn done(&self, line: &Confirmation) {
        if !self.quiet {
            say_done(line);
        }
    }

    /// A note for the person on stderr; silenced by -q.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            say_line(msg);
        }
    }

    /// Starts a list: rows are written as they are pushed (a table waits for the last one).
    pub fn rows<R: Record>(&mut self) -> Rows<'_, R> {
        Rows {
            p: self,
            count: 0,
            table: Vec::new(),
            scratch: Vec::with_capacity(1024),
        }
    }

    /// Prints a list: always an array in JSON, also when empty.
    pub fn list<R: Record>(&mut self, rows: Vec<R>) -> Result<()> {
        let mut out = self.rows();
        for r in rows {
            out.push(r)?;
        }
        out.finish().map(|_| ())
    }

    /// Prints one record: an object in JSON.
    pub fn one<R: Record>(&mut self, row: &R) -> Result<()> {
        match self.format {
            Format::Json => {
                match &self.fields {
                    None => serde_json::to_writer_pretty(&mut self.out, row)?,
                    Some(_) => {
                        let v = self.shaped(row)?;
                        serde_json::to_writer_pretty(&mut self.out, &v)?
                    }
                }
                writeln!(self.out)?;
            }
            Format::Table | Format::Wide => {
                // A record drawn as text (a board) is drawn so unless --fields chose a table.
                let text = match self.fields {
                    None => row.text(&self.style),
                    Some(_) => None,
                };
                if let Some(text) = text {
                    writeln!(self.out, "{text}")?;
                    return self.flush();
                }
                let tables = match &self.fields {
                    None => row.detail(&self.style),
                    Some(_) => {
                        let columns = self.columns::<R>();
                        let value = self.shaped(row)?;
                        let mut t = self.style.table();
                        for c in &columns {
                            t.add_row(vec![
                                Cell::new(c.header()).add_attribute(Attribute::Bold),
                                c.cell(row, &value, &self.style),
                            ]);
                        }
                        vec![t]
                    }
                };
                for (i, t) in tables.iter().enumerate() {
                    if i > 0 {
                        writeln!(self.out)?;
                    }
                    writeln!(self.out, "{t}")?;
                }
            }
            _ => {
                let mut rows = self.rows();
                rows.header()?;
                rows.line(row)?;
            }
        }
        self.flush()
    }

    /// The record as JSON, narrowed to `--fields` when given (which may name fields it
    /// prints only on request).
    fn shaped<R: Record>(&self, row: &R) -> Result<Value> {
        let v = value_of(row)?;
        Ok(match (&self.fields, v) {
            (Some(fields), Value::Object(mut map)) => Value::Object(
                fields
                    .iter()
                    .map(|f| {
                        let v = match map.remove(f) {
                            Some(v) => v,
                            None if R::ON_REQUEST.contains(&f.as_str()) => row.requested(f),
                            None => Value::Null,
                        };
                        (f.clone(), v)
                    })
                    .collect(),
            ),
            (_, v) => v,
        })
    }

    /// Table columns: the record's own, or those `--fields` names, in its order.
    fn columns<R: Record>(&self) -> Vec<TableColumn<R>> {
        let own = R::columns();
        match &self.fields {
            None => own.into_iter().map(TableColumn::Own).collect(),
            Some(fields) => {
                let mut own: Vec<Option<Column<R>>> = own.into_iter().map(Some).collect();
                fields
                    .iter()
                    .map(|f| {
                        match own
                            .iter_mut()
                            .find(|c| c.as_ref().is_some_and(|c| c.field == f))
                        {
                            Some(slot) => TableColumn::Own(slot.take().expect("found above")),
                            None => TableColumn::Raw(f.clone()),
                        }
                    })
                    .collect()
            }
        }
    }

    /// One line of text on stdout as it is, whatever the format (a new token's secret).
    pub fn plain_line(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "{text}")?;
        self.flush()
    }

    /// A document on stdout exactly as it is (a calendar, with its own line ends).
    pub fn document(&mut self, text: &str) -> Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.flush()
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// A column of a table: one the record defines, or a field shown as its JSON value.
enum TableColumn<R> {
    Own(Column<R>),
    Raw(String),
}

impl<R> TableColumn<R> {
    fn header(&self) -> &str {
        match self {
            TableColumn::Own(c) => c.header,
            TableColumn::Raw(f) => f,
        }
    }

    fn cell(&self, row: &R, value: &Value, style: &Style) -> Cell {
        match self {
            TableColumn::Own(c) => (c.cell)(row, style),
            TableColumn::Raw(f) => {
                Cell::new(neutralise(&tsv_plain(value.get(f).unwrap_or(&Value::Null))))
            }
        }
    }
}

/// A list being printed.
pub struct Rows<'p, R: Record> {
    p: &'p mut Printer,
    count: usize,
    table: Vec<R>,
    scratch: Vec<u8>,
}

impl<R: Record> Rows<'_, R> {
    pub fn push(&mut self, row: R) -> Result<()> {
        if self.count == 0 {
            self.header()?;
        }
        self.count += 1;
        if self.p.is_human() {
            self.table.push(row);
            return Ok(());
        }
        if self.p.format == Format::Json {
            self.p
                .out
                .write_all(if self.count == 1 { b"[\n" } else { b",\n" })?;
        }
        self.line(&row)
    }

    /// The CSV header, before the first row (or alone, for an empty list).
    fn header(&mut self) -> Result<()> {
        if self.p.format == Format::Csv {
            let names: Vec<String> = match &self.p.fields {
                Some(f) => f.clone(),
                None => R::FIELDS.iter().map(|s| s.to_string()).collect(),
            };
            self.p.out.write_all(&csv_line(&names)?)?;
        }
        Ok(())
    }

    fn line(&mut self, row: &R) -> Result<()> {
        let p = &mut *self.p;
        match p.format {
            Format::Json => {
                // An element of the array: the record pretty-printed, indented one level.
                let pretty = &mut self.scratch;
                pretty.clear();
                match &p.fields {
                    None => serde_json::to_writer_pretty(&mut *pretty, row)?,
                    Some(_) => serde_json::to_writer_pretty(&mut *pretty, &p.shaped(row)?)?,
                }
                p.out.write_all(b"  ")?;
                for line in pretty.split_inclusive(|b| *b == b'\n') {
                    p.out.write_all(line)?;
                    if line.ends_with(b"\n") {
                        p.out.write_all(b"  ")?;
                    }
                }
            }
            Format::Jsonl => {
                // One write per line: serde's many small writes go to a reused buffer.
                let line = &mut self.scratch;
                line.clear();
                match &p.fields {
                    None => serde_json::to_writer(&mut *line, row)?,
                    Some(_) => serde_json::to_writer(&mut *line, &p.shaped(row)?)?,
                }
                line.push(b'\n');
                p.out.write_all(line)?;
                if p.line_flush {
                    p.out.flush()?;
                }
            }
            Format::Tsv => {
                let values = match &p.fields {
                    None => row.tsv_values(),
                    Some(_) => object_values(p.shaped(row)?),
                };
                let line: Vec<String> = values.iter().map(tsv_field).collect();
                writeln!(p.out, "{}", line.join("\t"))?;
            }
            Format::Csv => {
                let fields: Vec<String> = match &p.fields {
                    Some(_) => object_values(p.shaped(row)?)
                        .iter()
                        .map(|v| csv_cell(&tsv_plain(v)))
                        .collect(),
                    None => {
                        let v = value_of(row)?;
                        R::FIELDS
                            .iter()
                            .map(|f| csv_cell(&tsv_plain(v.get(*f).unwrap_or(&Value::Null))))
                            .collect()
                    }
                };
                p.out.write_all(&csv_line(&fields)?)?;
            }
            Format::Id => writeln!(p.out, "{}", row.id())?,
            // A calendar is written whole by the one command that has it (activity list);
            // every other command refuses -o ics before it runs.
            Format::Table | Format::Wide | Format::Ics => {}
        }
        Ok(())
    }

    /// Ends the list; returns how many rows it had.
    pub fn finish(mut self) -> Result<usize> {
        match self.p.format {
            Format::Json => {
                self.p
                    .out
                    .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?
            }
            Format::Csv if self.count == 0 => self.header()?,
            Format::Table | Format::Wide => {
                let p = &mut *self.p;
                if !self.table.is_empty() {
                    let columns = p.columns::<R>();
                    let raw = columns.iter().any(|c| matches!(c, TableColumn::Raw(_)));
                    let chosen = p.fields.is_some();
                    let headers: Vec<String> =
                        columns.iter().map(|c| c.header().to_string()).collect();
                    // Columns the user chose are all shown; free text still gives way.
                    let fits: Vec<Fit> = columns
                        .iter()
                        .map(|c| match (c, chosen) {
                            (TableColumn::Own(c), false) => c.fit,
                            (TableColumn::Own(c), true) => match c.fit {
                                Fit::Fixed(_) | Fit::Wide => Fit::Fixed(0),
                                Fit::Wrap => Fit::Wrap,
                                _ => Fit::Text(0),
                            },
                            (TableColumn::Raw(_), _) => Fit::Text(0),
                        })
                        .collect();
                    let mut rows = Vec::with_capacity(self.table.len());
                    for r in &self.table {
                        let value = if raw { p.shaped(r)? } else { Value::Null };
                        rows.push(
                            columns
                                .iter()
                                .map(|c| c.cell(r, &value, &p.style))
                                .collect(),
                        );
                    }
                    writeln!(p.out, "{}", fit::table(&p.style, &headers, &fits, rows))?;
                }
                if let Some(line) = R::summary(&self.table) {
                    // As wide as the table may be, broken only between words.
                    let line = match p.style.width {
                        Some(w) => crate::text::wrap(&line, w),
                        None => line,
                    };
                    writeln!(p.out, "{line}")?;
                }
            }
            _ => {}
        }
        self.p.flush()?;
        Ok(self.count)
    }
}

/// A record as a JSON value, for TSV, CSV and `--fields`. A total past 64 bits (only
/// possible with thousands of deals near the maximum amount) cannot be a `Value` number;
/// it then goes through JSON text and comes back as the nearest float instead of failing.
/// JSON output and tables write totals exactly.
pub fn value_of<T: Serialize>(record: &T) -> Result<Value> {
    match serde_json::to_value(record) {
        Ok(v) => Ok(v),
        Err(_) => Ok(serde_json::from_str(&serde_json::to_string(record)?)?),
    }
}

fn object_values(v: Value) -> Vec<Value> {
    match v {
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        other => vec![other],
    }
}
