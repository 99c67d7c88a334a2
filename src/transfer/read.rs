//! The records of an import's input, read: JSON Lines and CSV streamed, a JSON document
//! whole; another CRM's CSV (or any CSV with `--map`) through its [`Translator`]. Every
//! record is handed on with where it was (`line 7`, `record 3`), for refusals to name.

use std::cell::RefCell;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::crm::{Crm, DateOrder, DecimalMark, Surveyed, Translator};
use super::decoding::{Decoded, Invalids};
use super::fields::{object, refused};
use super::rounding::Rounding;
use crate::error::{Error, Result};
use crate::json;

/// The syntax of an import's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Jsonl,
    Json,
    Csv,
}

impl InputFormat {
    /// The format of the input at `path` (None: stdin) when none is given: CSV when it is
    /// read as another CRM's or mapped, or a delimiter is given; else by the file's
    /// extension (`.csv` and `.tsv`, `.json`); else JSON Lines.
    pub fn of(path: Option<&Path>, reading: &Reading) -> InputFormat {
        match path.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            _ if reading.translates() || reading.delimiter.is_some() => InputFormat::Csv,
            Some("csv" | "tsv") => InputFormat::Csv,
            Some("json") => InputFormat::Json,
            _ => InputFormat::Jsonl,
        }
    }
}

/// One record read from the input, with where it was (`line 7`).
pub(super) type Item = Raw;

/// A record as the reading thread hands it over: a JSON Lines line is parsed by the writer
/// (allocations are cheapest freed on the thread that made them), CSV and JSON records
/// arrive parsed. Another CRM's file starts with what was learnt from all of it.
pub(super) type Raw = Result<(String, Payload)>;

pub(super) enum Payload {
    Line(String),
    Parsed(Map<String, Value>),
    Surveyed(Surveyed),
}

/// The records of an input, read on their own thread.
pub(super) type Records = Box<dyn Iterator<Item = Raw>>;

/// How the rows of another CRM's CSV (or any CSV with `--map`) become rex records.
#[derive(Debug, Clone)]
pub struct Reading {
    pub from: Option<Crm>,
    pub maps: Vec<String>,
    pub keep_unknown: bool,
    pub rates: Vec<String>,
    pub date_order: Option<DateOrder>,
    pub decimal: Option<DecimalMark>,
    /// Print what each column maps to (a dry run at a person's request).
    pub describe: bool,
    /// The text encoding `--encoding` gives (None: UTF-8, or what a byte order mark says).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The CSV delimiter `--delimiter` gives (None: from the header line).
    pub delimiter: Option<u8>,
    /// `--round`, shared with the importer (which reads `value_dollars` of rex's own files).
    pub rounding: Rounding,
    /// `--won-stage`, `--lost-stage`: values of the stage column that mean won and lost.
    pub won_stages: Vec<String>,
    pub lost_stages: Vec<String>,
}

impl Reading {
    /// Whether rows are translated (from another CRM, or mapped) rather than read as rex's
    /// own records.
    pub fn translates(&self) -> bool {
        self.from.is_some()
            || !self.maps.is_empty()
            || self.keep_unknown
            || !self.rates.is_empty()
            || self.decimal.is_some()
            || !self.won_stages.is_empty()
            || !self.lost_stages.is_empty()
    }

    /// Refuses what reads CSV (`--from`, `--map`, …) for an input in another format.
    pub fn check(&self, format: InputFormat) -> Result<()> {
        if (self.translates() || self.delimiter.is_some()) && format != InputFormat::Csv {
            return Err(Error::usage(
                "--from, --map, --rate, --decimal, --keep-unknown and --delimiter read CSV; give --format csv or a .csv file",
            ));
        }
        Ok(())
    }
}

/// The records of the input, parsed lazily (JSON Lines and CSV stream; JSON is one document).
pub(super) fn records(
    reader: Box<dyn Read>,
    format: InputFormat,
    reading: &Reading,
) -> Result<Records> {
    // Whatever the format, it reads text: decoded first, and refused where it is not valid.
    let (reader, invalids) = Decoded::new(reader, reading.encoding);
    let reader: Box<dyn Read> = Box::new(reader);
    match format {
        InputFormat::Jsonl => {
            let lines = BufReader::with_capacity(1 << 16, reader)
                .lines()
                .enumerate();
            Ok(Box::new(lines.filter_map(move |(i, line)| {
                let at = format!("line {}", i + 1);
                if let Some(invalid) = invalids.on_line(i as u64 + 1) {
                    return Some(Err(invalids.refusal(invalid, None)));
                }
                match line {
                    Err(e) => Some(Err(Error::usage(format!(
                        "{at}: cannot read it ({e}); nothing was imported"
                    )))),
                    Ok(l) if l.trim().is_empty() => None,
                    Ok(l) => Some(Ok((at, Payload::Line(l)))),
                }
            })))
        }
        InputFormat::Json => {
            let doc = json::from_reader(BufReader::new(reader), RECORD_LEVELS + 1);
            // Text that is not valid in its encoding is the first thing wrong with it.
            if let Some(invalid) = invalids.first() {
                return Err(invalids.refusal(invalid, None));
            }
            let doc = doc.map_err(|r| match r {
                json::Refusal::Syntax(e) => Error::usage(format!(
                    "the input is not valid JSON ({e}); nothing was imported"
                )),
                other => match other.split_index() {
                    (Some(i), rest) => refused(&format!("record {}", i + 1), "", &rest),
                    (None, rest) => refused("the input", "", &rest),
                },
            })?;
            let items = match doc {
                Value::Array(items) => items,
                other => vec![other],
            };
            Ok(Box::new(items.into_iter().enumerate().map(|(i, v)| {
                let at = format!("record {}", i + 1);
                object(&at, Ok(v)).map(|m| (at, Payload::Parsed(m)))
            })))
        }
        InputFormat::Csv => {
            let (header_line, reader) = first_line(reader).map_err(|e| {
                Error::usage(format!("cannot read the input ({e}); nothing was imported"))
            })?;
            let delimiter = reading
                .delimiter
                .unwrap_or_else(|| sniffed_delimiter(&header_line));
            // The file's own line numbers (csv counts records, not the blank lines between).
            let lines = LineCount::default();
            let reader = LineCounter {
                inner: reader,
                lines: lines.clone(),
                at: 0,
                on_line: 0,
            };
            // A CRM's report may end in rows of another width (totals, a footer).
            let csv = csv::ReaderBuilder::new()
                .flexible(reading.translates())
                .delimiter(delimiter)
                .from_reader(reader);
            let mut rows = CsvRows {
                csv,
                lines,
                invalids,
                headers: Vec::new(),
            };
            let headers = rows.headers()?;
            for (i, name) in headers.iter().enumerate() {
                if headers.iter().take(i).any(|earlier| earlier == name) {
                    return Err(Error::usage(format!(
                        "line 1: field '{name}': the CSV header names it twice; name each column once; nothing was imported"
                    )));
                }
            }
            if reading.translates() {
                let mut translator = Translator::new(
                    reading.from,
                    &headers,
                    &reading.maps,
                    reading.keep_unknown,
                    &reading.rates,
                    reading.date_order,
                    reading.decimal,
                )?;
                translator.round(reading.rounding.clone());
                translator.outcomes(&reading.won_stages, &reading.lost_stages)?;
                // Another CRM's file is read whole before any row becomes a record: what a
                // row means may depend on the others (the order of its stages, of its dates).
                let mut all = Vec::new();
                while let Some(row) = rows.next_row() {
                    all.push(row?);
                }
                translator.survey(&all)?;
                if reading.describe {
                    if delimiter != b',' {
                        crate::output::say_line(&format!(
                            "columns separated by {}",
                            shown_delimiter(delimiter)
                        ));
                    }
                    for line in translator.describe() {
                        crate::output::say_line(&line);
                    }
                }
                // What the whole file says goes first, for the importer to act on before
                // the first deal (the stages of each pipeline).
                let surveyed = Ok((
                    "line 1".to_string(),
                    Payload::Surveyed(translator.surveyed()),
                ));
                let records = all.into_iter().filter_map(move |(at, row)| {
                    match translator.record(&at, &row) {
                        Ok(Some(map)) => Some(Ok((at, Payload::Parsed(map)))),
                        Ok(None) => None,
                        Err(e) => Some(Err(e)),
                    }
                });
                return Ok(Box::new(std::iter::once(surveyed).chain(records)));
            }
            let names = own_columns(&headers)?;
            Ok(Box::new(std::iter::from_fn(move || rows.next_row()).map(
                move |row| {
                    let (at, row) = row?;
                    let mut map = Map::new();
                    for (name, text) in names.iter().zip(row.iter()) {
                        map.insert(name.clone(), csv_value(&at, name, text)?);
                    }
                    Ok((at, Payload::Parsed(map)))
                },
            )))
        }
    }
}

/// The rows of a CSV, each with its line, refused where its text is not valid in the
/// file's encoding (naming the line and the column).
struct CsvRows {
    csv: csv::Reader<LineCounter>,
    lines: LineCount,
    invalids: Invalids,
    headers: Vec<String>,
}

impl CsvRows {
    fn headers(&mut self) -> Result<Vec<String>> {
        let headers: Vec<String> = self
            .csv
            .headers()
            .map_err(|e| {
                Error::usage(format!(
                    "line 1: the CSV header cannot be read ({e}); nothing was imported"
                ))
            })?
            .iter()
            .map(str::to_string)
            .collect();
        if let Some(invalid) = self.invalids.before(self.csv.position().byte()) {
            let column = headers
                .iter()
                .position(|h| h.contains('\u{FFFD}'))
                .map(|i| (i + 1).to_string());
            return Err(self.invalids.refusal(invalid, column.as_deref()));
        }
        self.headers = headers.clone();
        Ok(headers)
    }

    fn next_row(&mut self) -> Option<Result<(String, csv::StringRecord)>> {
        let mut row = csv::StringRecord::new();
        match self.csv.read_record(&mut row) {
            Ok(false) => None,
            // Text not valid in its encoding is the first thing wrong with a row.
            Err(e) => Some(Err(
                match self
                    .invalids
                    .first()
                    .filter(|i| e.position().is_none_or(|p| i.line <= p.line()))
                {
                    Some(invalid) => self.invalids.refusal(invalid, None),
                    None => csv_error(e),
                },
            )),
            Ok(true) => {
                if let Some(invalid) = self.invalids.before(self.csv.position().byte()) {
                    let column =
                        row.iter().position(|c| c.contains('\u{FFFD}')).map(|i| {
                            match self.headers.get(i) {
                                Some(h) => format!("'{}'", h.trim()),
                                None => (i + 1).to_string(),
                            }
                        });
                    return Some(Err(self.invalids.refusal(invalid, column.as_deref())));
                }
                let at = format!("line {}", self.lines.line_at(row.position()));
                Some(Ok((at, row)))
            }
        }
    }
}

/// The input's first line (where its delimiter shows), and the input from its start again.
fn first_line(mut reader: Box<dyn Read>) -> io::Result<(Vec<u8>, Box<dyn Read>)> {
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 1 << 13];
    let mut end = None;
    // A header longer than a megabyte is no header to look into.
    while end.is_none() && seen.len() < 1 << 20 {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        end = buf[..n]
            .iter()
            .position(|b| *b == b'\n')
            .map(|i| seen.len() + i);
        seen.extend_from_slice(&buf[..n]);
    }
    let line = seen[..end.unwrap_or(seen.len())].to_vec();
    Ok((line, Box::new(io::Cursor::new(seen).chain(reader))))
}

/// The delimiter a CSV's header line shows: semicolons (European Excel) or tabs when it
/// has them and no commas outside quotes, or at least twice as many; else commas.
fn sniffed_delimiter(line: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons, mut tabs) = (false, 0, 0, 0);
    for b in line {
        match b {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            b',' => commas += 1,
            b';' => semicolons += 1,
            b'\t' => tabs += 1,
            _ => {}
        }
    }
    let clearly = |n: usize| n > 0 && n >= 2 * commas;
    match (clearly(semicolons), clearly(tabs)) {
        (true, true) if tabs > semicolons => b'\t',
        (true, _) => b';',
        (false, true) => b'\t',
        (false, false) => b',',
    }
}

/// The delimiter `--delimiter` names: one ASCII character (not a quote or a line break),
/// or `tab` (`\t`).
pub fn delimiter(text: &str) -> Result<u8> {
    match text.as_bytes() {
        _ if text.eq_ignore_ascii_case("tab") || text == "\\t" => Ok(b'\t'),
        [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(*b),
        _ => Err(Error::usage(format!(
            "--delimiter '{text}': give one ASCII character, like , ; | or tab"
        ))),
    }
}

/// A delimiter as a person reads it.
fn shown_delimiter(d: u8) -> String {
    match d {
        b'\t' => "tabs".into(),
        other => format!("'{}'", other as char),
    }
}

/// Whether `name` is a field of rex's own records, as a CSV of them may name its columns:
/// a deal's (and `value_dollars`), a pipeline's, a history entry's.
fn own_field(name: &str) -> bool {
    crate::output::DEAL_FIELDS.contains(&name)
        || crate::output::PIPELINE_FIELDS.contains(&name)
        || ["value_dollars", "deal_id", "at", "kind"].contains(&name)
}

/// The field of each column of a CSV in rex's own format: rex's field names match ignoring
/// case and surrounding spaces (`Name`, ` Value `); other headers stay as they are (and are
/// refused as unknown fields). Two columns for one field are refused naming both, and a
/// header that is not rex's at all is refused with a hint to use --from or --map.
fn own_columns(headers: &[String]) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(headers.len());
    for h in headers {
        let folded = h.trim().to_ascii_lowercase();
        let name = if own_field(&folded) {
            folded
        } else {
            h.clone()
        };
        if let Some(j) = names.iter().position(|n| *n == name) {
            return Err(Error::usage(format!(
                "line 1: columns '{}' and '{}' are both field '{name}'; name each column once; nothing was imported",
                headers[j], h
            )));
        }
        names.push(name);
    }
    let foreign: Vec<&String> = headers
        .iter()
        .zip(&names)
        .filter(|(_, n)| !own_field(n))
        .map(|(h, _)| h)
        .collect();
    // Deals and pipelines have a name; history (deal_id, at, kind) has details of any name.
    let has = |f: &str| names.iter().any(|n| n == f);
    if foreign.is_empty() || has("name") || has("kind") {
        return Ok(names);
    }
    let listed = crate::ops::lookup::quoted(&foreign, 4);
    let what = if foreign.len() == headers.len() {
        "the header is not rex's own: no column is a rex field"
    } else {
        "the header has no name column"
    };
    let profiles: Vec<&str> = Crm::ALL.iter().map(|c| c.name()).collect();
    Err(Error::usage(format!(
        "line 1: {what} (unknown: {listed}); for another CRM's export give --from {}, or say which column is which with --map FIELD=COLUMN; nothing was imported",
        profiles.join("|")
    )))
}

/// How deeply one imported record may nest: the record, its metadata or history details,
/// and their values up to [`json::MAX_DEPTH`] (checked exactly by the importer).
pub(super) const RECORD_LEVELS: usize = json::MAX_DEPTH + 2;

/// Where the input's lines end, as far as the CSV reader has read, and which are blank: the
/// line of a record is found from its byte offset (which csv gives before any blank lines it
/// skipped). Lines already passed are forgotten as records go by.
#[derive(Clone, Default)]
struct LineCount(Rc<RefCell<Lines>>);

/// Lines passed so far, and the line ends read but not yet passed (offset, blank line).
type Lines = (u64, std::collections::VecDeque<(u64, bool)>);

impl LineCount {
    /// The line (from 1) on which a record starting at `position` begins.
    fn line_at(&self, position: Option<&csv::Position>) -> u64 {
        let Some(byte) = position.map(|p| p.byte()) else {
            return 0;
        };
        let mut state = self.0.borrow_mut();
        let (passed, newlines) = &mut *state;
        // Lines before the record, then the blank lines csv skipped at its start.
        let mut start = byte;
        while let Some(&(at, blank)) = newlines.front() {
            // A newline at the start byte ends the line before (csv starts a record on the
            // line feed of a CRLF); blank lines right after it are ones csv skipped.
            let before = at < start || (at == start && !blank);
            if before || (blank && at <= start + 1) {
                newlines.pop_front();
                *passed += 1;
                start = start.max(at + 1);
            } else {
                break;
            }
        }
        *passed + 1
    }
}

/// The input, noting where each line ends (and whether it was blank) as it is read.
struct LineCounter {
    inner: Box<dyn Read>,
    lines: LineCount,
    at: u64,
    /// Bytes on the current line so far, not counting a carriage return.
    on_line: u64,
}

impl Read for LineCounter {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.lines.0.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => {
                    state.1.push_back((self.at + i as u64, self.on_line == 0));
                    self.on_line = 0;
                }
                b'\r' => {}
                _ => self.on_line += 1,
            }
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// A CSV that cannot be read, named by its line.
fn csv_error(e: csv::Error) -> Error {
    let at = e
        .position()
        .map(|p| format!("line {}", p.line()))
        .unwrap_or_else(|| "a line".into());
    Error::usage(format!("{at}: not valid CSV ({e}); nothing was imported"))
}

/// A CSV cell as the JSON value its column means: empty is null, numbers and JSON where expected.
fn csv_value(at: &str, column: &str, text: &str) -> Result<Value> {
    let text = crate::output::csv_uncell(text);
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match column {
        "value" | "stall_days" | "probability" => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| Error::usage(format!("{at}: field '{column}': expected a whole number, got '{text}'; nothing was imported"))),
        "metadata" | "stages" => {
            json::parse(text, json::MAX_DEPTH).map_err(|r| refused(at, column, &r))
        }
        // A status reads ignoring case (Open, WON), as everywhere in a CSV.
        "status" => Ok(Value::String(text.trim().to_ascii_lowercase())),
        _ => Ok(Value::String(text.to_string())),
    }
}
