//! The one place that decides how records look: tables for people, TSV and JSON for scripts.
//!
//! Handlers return records; [`Printer`] renders them in the chosen [`Format`].
//! Writing to a closed pipe surfaces as [`Error::BrokenPipe`], which exits quietly.

mod board;
mod fit;
mod report;
mod views;

use std::io::{self, BufWriter, IsTerminal, Write};

use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table, TableComponent};
use serde::Serialize;
use serde_json::Value;

pub use board::{deals_that_fit, BoardColumn, BoardPipeline, BoardView, TodayView};
pub use views::{DealView, Exported, ImportReport, StalledView, DEAL_FIELDS, PIPELINE_FIELDS};

use crate::cli::{ColorChoice, Format, OutputArgs};
use crate::error::{Error, Result};
use crate::record::is_forbidden_in_line;

/// A table column: the JSON field it shows, its header, how a person reads it, and how it
/// gives way when the table is narrower than its content.
pub struct Column<R> {
    pub field: &'static str,
    pub header: &'static str,
    pub cell: fn(&R, &Style) -> Cell,
    pub fit: Fit,
}

/// How a column fits a narrow table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never cut (money, dates, counts, references); dropped last, by its rank (0: never).
    Fixed(u8),
    /// Free text, cut with `…` to what is left; dropped by its rank (0: never).
    Text(u8),
    /// Free text left out entirely when every row holds the same (one pipeline).
    TextUnlessUniform(u8),
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

/// How tables are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub terminal: bool,
    /// The widest a line may be; None for `-o wide` (every column at full width).
    pub width: Option<usize>,
    /// Now, for times shown relative to it (`3d ago`).
    pub now: chrono::DateTime<chrono::Utc>,
    /// Whether the terminal shows 24-bit colour (`COLORTERM`); else the nearest of 256.
    pub truecolor: bool,
}

impl Style {
    /// A table in rex's look, without a width.
    pub fn bare_table(&self) -> Table {
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
        if self.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t
    }

    /// A table in rex's look that wraps to the width available (free text wraps).
    pub fn table(&self) -> Table {
        let mut t = self.bare_table();
        if let Some(w) = self.width {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(w.min(u16::MAX as usize) as u16);
        }
        t
    }

    /// A stage's own colour as the terminal can show it; None without colour.
    pub fn stage_color(&self, hex: &str) -> Option<comfy_table::Color> {
        if !self.color {
            return None;
        }
        let n = u32::from_str_radix(hex.strip_prefix('#')?, 16).ok()?;
        let (r, g, b) = ((n >> 16) as u8, (n >> 8) as u8, n as u8);
        Some(if self.truecolor {
            comfy_table::Color::Rgb { r, g, b }
        } else {
            comfy_table::Color::AnsiValue(nearest_256(r, g, b))
        })
    }

    /// A time as a person reads it: local (TZ), to the minute, and how long ago.
    pub fn time(&self, stored: &str) -> String {
        match crate::clock::parse_timestamp(stored) {
            None => stored.to_string(),
            Some(t) => format!("{} ({})", self.short_time(stored), relative(self.now - t)),
        }
    }

    /// A time, local and short, without how long ago (for columns).
    pub fn short_time(&self, stored: &str) -> String {
        match crate::clock::parse_timestamp(stored) {
            None => stored.to_string(),
            Some(t) => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        }
    }
}

/// The widest a table line may be: the terminal's width on a terminal (when it reports a
/// usable one); otherwise `COLUMNS` when set, else 100.
fn screen_width(terminal: bool) -> usize {
    let reported = terminal
        .then(|| terminal_size::terminal_size_of(io::stdout()))
        .flatten()
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w >= 20);
    reported
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|w| *w >= 20)
        })
        .unwrap_or(if terminal { 80 } else { 100 })
}

/// The terminal's height in lines, when stdout is one that reports it.
pub fn screen_height() -> Option<usize> {
    io::stdout()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(io::stdout()))
        .flatten()
        .map(|(_, h)| usize::from(h.0))
        .filter(|h| *h >= 5)
}

/// The nearest colour of the 256-colour palette's 6x6x6 cube or grey ramp.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |v: u8| {
        (0..6)
            .min_by_key(|i| (i32::from(LEVELS[*i]) - i32::from(v)).abs())
            .unwrap_or(0) as u8
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (
        LEVELS[ri as usize],
        LEVELS[gi as usize],
        LEVELS[bi as usize],
    );
    let grey_level = ((u32::from(r) + u32::from(g) + u32::from(b)) / 3) as u8;
    let gi_ramp = (i32::from(grey_level) - 8).clamp(0, 230) / 10;
    let grey = (8 + 10 * gi_ramp) as u8;
    let dist = |(a, b2, c): (u8, u8, u8)| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a, r) + d(b2, g) + d(c, b)
    };
    if dist((grey, grey, grey)) < dist(cube) {
        232 + gi_ramp as u8
    } else {
        16 + 36 * ri + 6 * gi + bi
    }
}

/// `3d ago`, `in 2h`, `now`: a duration as people say it, to the largest whole unit.
pub fn relative(since: chrono::TimeDelta) -> String {
    let secs = since.num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let amount = match n {
        0..=59 => return "now".into(),
        60..=3599 => format!("{}m", n / 60),
        3600..=86_399 => format!("{}h", n / 3600),
        86_400..=5_183_999 => format!("{}d", n / 86_400),
        5_184_000..=63_071_999 => format!("{}mo", n / 2_592_000),
        _ => format!("{}y", n / 31_536_000),
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
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
    pub fn new(args: &OutputArgs, now: chrono::DateTime<chrono::Utc>) -> Printer {
        let terminal = io::stdout().is_terminal();
        let format = if args.json {
            Format::Json
        } else {
            args.format
                .unwrap_or(if terminal { Format::Table } else { Format::Tsv })
        };
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
            chosen: if args.json {
                Some(Format::Json)
            } else {
                args.format
            },
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

    /// Refuses `--fields` names that records of type `R` do not have.
    pub fn check_fields<R: Record>(&self) -> Result<()> {
        let fields = self.fields.iter().flatten();
        for (i, f) in fields.clone().enumerate() {
            if fields.clone().take(i).any(|earlier| earlier == f) {
                return Err(Error::usage(format!(
                    "field '{f}' is named twice in --fields; name each field once"
                )));
            }
            if !R::FIELDS.contains(&f.as_str()) {
                return Err(Error::usage(format!(
                    "unknown field '{f}' for --fields; valid fields: {}",
                    R::FIELDS.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// A change as it is confirmed: one line for a person at a table (`moved Acme Corp
    /// (3kq9v2x) Discovery → Proposal`), the record itself in every other format.
    pub fn change<R: Record>(&mut self, record: &R, line: &str) -> Result<()> {
        if self.is_human() {
            writeln!(self.out, "{}", one_line(line))?;
            self.flush()
        } else {
            self.one(record)
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
                        let value = value_of(row)?;
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

    /// The record as JSON, narrowed to `--fields` when given.
    fn shaped<R: Serialize>(&self, row: &R) -> Result<Value> {
        let v = value_of(row)?;
        Ok(match (&self.fields, v) {
            (Some(fields), Value::Object(mut map)) => Value::Object(
                fields
                    .iter()
                    .map(|f| (f.clone(), map.remove(f).unwrap_or(Value::Null)))
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
            Format::Table | Format::Wide => {}
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
                                _ => Fit::Text(0),
                            },
                            (TableColumn::Raw(_), _) => Fit::Text(0),
                        })
                        .collect();
                    let mut rows = Vec::with_capacity(self.table.len());
                    for r in &self.table {
                        let value = if raw { value_of(r)? } else { Value::Null };
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

fn csv_line(fields: &[String]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields)
        .map_err(|e| Error::Failed(format!("csv error: {e}")))?;
    w.into_inner()
        .map_err(|e| Error::Failed(format!("csv error: {e}")))
}

/// What makes a spreadsheet read a cell as a formula when it starts with it (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is (after any number of leading quotes) formula-like: the cells a CSV
/// export guards with one more leading `'`.
fn formula_like(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// One CSV cell as rex writes it: control characters (but newlines) escaped as `\u{…}`, and
/// a formula-like cell led by a `'`, so a spreadsheet shows it as text and runs nothing.
/// JSON keeps the exact text; `rex import` takes the `'` off again ([`csv_uncell`]), so
/// export, import, export gives the same bytes.
pub fn csv_cell(text: &str) -> String {
    let text = neutralise(text);
    if formula_like(&text) {
        format!("'{text}")
    } else {
        text
    }
}

/// A CSV cell as rex reads it back: the `'` that [`csv_cell`] put before a formula-like
/// text is removed; any other text is kept as it is.
pub fn csv_uncell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => text,
    }
}

/// A value as plain text: strings bare, null empty, anything else as compact JSON.
pub fn tsv_plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One TSV field: strings as they are, null as nothing, nested values as compact JSON;
/// backslash, tab, newline, carriage return, other control characters and whatever else
/// one-line text may not hold ([`is_forbidden_in_line`]: the line and paragraph
/// separators, bidirectional overrides) escaped.
pub fn tsv_field(v: &Value) -> String {
    let raw = tsv_plain(v);
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_forbidden_in_line(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe to show on a terminal: control characters (escape sequences, carriage
/// returns), line and paragraph separators and bidirectional overrides
/// ([`is_forbidden_in_line`]) become visible `\u{…}` escapes; newlines stay.
pub fn neutralise(text: &str) -> String {
    escape_controls(text, true)
}

/// Text made safe for one line of a message (errors, notes): like [`neutralise`], and
/// newlines are escaped too, so user text can never start a line of its own.
pub fn one_line(text: &str) -> String {
    escape_controls(text, false)
}

fn escape_controls(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            c if is_forbidden_in_line(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// One message on stderr, `rex: ` and its text on one line for a script (or a log); on a
/// terminal that is narrower than the message, wrapped at its words to the terminal's width
/// and continued under its text, so that no id, amount or date is cut at the edge.
pub fn say_line(msg: &str) {
    let line = format!("rex: {}", one_line(msg));
    let width = io::stderr()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(io::stderr()))
        .flatten()
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w >= 20);
    let mut lines = Vec::new();
    match width {
        Some(w) => crate::text::hanging(&line, w, 5, &mut lines),
        None => lines.push(line),
    }
    say(format_args!("{}\n", lines.join("\n")));
}

/// Writes to stderr, whatever becomes of it: a stderr nobody reads any more (`2>&1 | head -1`)
/// must not turn what rex did into a failure, or a change it made into a crash. (`eprintln!`
/// panics when the write fails.)
pub fn say(text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tsv_fields_escape_what_would_break_a_line() {
        assert_eq!(tsv_field(&json!("a\tb\nc\\d\re")), "a\\tb\\nc\\\\d\\re");
        assert_eq!(tsv_field(&json!("\u{1b}[31mred")), "\\u{1b}[31mred");
        assert_eq!(
            tsv_field(&json!("a\u{2028}b\u{2029}c")),
            "a\\u{2028}b\\u{2029}c"
        );
        assert_eq!(tsv_field(&json!(null)), "");
        assert_eq!(tsv_field(&json!(5)), "5");
        assert_eq!(tsv_field(&json!({"a": "x\ty"})), r#"{"a":"x\\ty"}"#);
    }

    #[test]
    fn csv_cells_guard_formulas_and_read_back_exactly() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("+contact"), "'+contact");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("'=x"), "''=x");
        assert_eq!(csv_cell("\u{1b}[31mred\u{7}"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(csv_cell("\tx"), "\\u{9}x");
        assert_eq!(csv_cell("'Tis"), "'Tis");
        assert_eq!(csv_cell("Acme = good"), "Acme = good");
        for text in [
            "=1+1", "'=1", "''@x", "'Tis", "plain", "-", "'", "''", "a'=b",
        ] {
            assert_eq!(csv_uncell(&csv_cell(text)), text, "{text}");
        }
        // What a person typed that rex did not guard is kept.
        assert_eq!(csv_uncell("'Tis"), "'Tis");
        assert_eq!(csv_uncell("''"), "''");
    }

    #[test]
    fn terminal_text_is_neutralised() {
        assert_eq!(
            neutralise("ok\u{1b}[2Jgone\rx\u{202e}"),
            "ok\\u{1b}[2Jgone\\u{d}x\\u{202e}"
        );
    }
}
