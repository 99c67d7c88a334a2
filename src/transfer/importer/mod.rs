//! `rex export` and `rex import`: the whole database in the API shape, streamed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Seek, Write};
use std::os::fd::AsFd;
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::cmd::{canonical, find_stage, sorted, Ctx};
use crate::cli::{Format, ImportArgs, ImportFormat};
use crate::clock::{parse_timestamp, timestamp, Clock};
use crate::error::{Error, Result};
use crate::id::{kind_of, DealId, PipelineId, StageId};
use crate::json;
use crate::money::Cents;
use crate::output::{Exported, ImportReport, Printer};
use crate::record::Place;
use crate::record::{
    changes, clean_name, clean_text, created_history, event, name_key, palette_color, Color, Deal,
    Event, Pipeline, Probability, Stage, StageStall, Status, DEFAULT_STAGES, DEFAULT_STALL_DAYS,
};
use crate::store::{Feed, Load, Tx};
use crate::target_file::TargetFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    All,
    Deals,
    Pipelines,
}

pub fn export(ctx: &mut Ctx, what: What, file: Option<&Path>) -> Result<()> {
    let format = match ctx.out.chosen_format() {
        None => Format::Jsonl,
        Some(f @ (Format::Jsonl | Format::Json | Format::Csv)) => f,
        Some(_) => {
            return Err(Error::usage(
                "export writes -o jsonl (the default), json or csv",
            ))
        }
    };
    if ctx.out.has_fields() {
        return Err(Error::usage(
            "--fields does not apply to export, which writes whole records",
        ));
    }
    if format == Format::Csv && what == What::All {
        return Err(Error::usage(
            "CSV holds one kind of record: export --deals or --pipelines as CSV, or everything as -o jsonl",
        ));
    }
    let database = ctx.store.files();
    let target = file
        .filter(|p| p.as_os_str() != "-")
        .map(|p| TargetFile::create(p, true, &database))
        .transpose()?;
    let out: Box<dyn io::Write> = match &target {
        Some(t) => Box::new(BufWriter::with_capacity(1 << 16, t.writer()?)),
        None => Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
    };
    let mut printer = ctx.out.redirect(out).with_format(format).buffered();
    let written = ctx
        .store
        .read(|tx| write_export(tx, &mut printer, what, format));
    drop(printer);
    // On any error the file being written is dropped with its target untouched.
    written?;
    match target {
        Some(t) => t.commit(),
        None => Ok(()),
    }
}

fn write_export(tx: &dyn Tx, printer: &mut Printer, what: What, format: Format) -> Result<()> {
    if format == Format::Csv {
        if what == What::Deals {
            let mut rows = printer.rows::<Deal>();
            tx.for_each_deal_stored(&mut |d| rows.push(d))?;
            rows.finish()?;
        } else {
            printer.list(tx.pipelines_by_age()?)?;
        }
        return Ok(());
    }
    let mut rows = printer.rows::<Exported>();
    if what != What::Deals {
        for p in tx.pipelines_by_age()? {
            rows.push(Exported::Pipeline(p))?;
        }
    }
    if what != What::Pipelines {
        tx.for_each_deal_stored(&mut |d| rows.push(Exported::Deal(Box::new(d))))?;
    }
    if what == What::All {
        tx.for_each_event_raw(&mut |e| rows.push(Exported::Event(e)))?;
    }
    rows.finish()?;
    Ok(())
}

/// One record read from the input, with where it was (`line 7`).
type Item = Raw;

/// A record as the reading thread hands it over: a JSON Lines line is parsed by the writer
/// (allocations are cheapest freed on the thread that made them), CSV and JSON records
/// arrive parsed. Another CRM's file starts with what was learnt from all of it.
type Raw = Result<(String, Payload)>;

enum Payload {
    Line(String),
    Parsed(Map<String, Value>),
    Surveyed(crate::transfer::crm::Surveyed),
}

/// The records of an input, read on their own thread.
type Records = Box<dyn Iterator<Item = Raw>>;

/// How the rows of another CRM's CSV (or any CSV with `--map`) become rex records.
#[derive(Debug, Clone)]
pub struct Reading {
    pub from: Option<crate::cli::Crm>,
    pub maps: Vec<String>,
    pub keep_unknown: bool,
    pub rates: Vec<String>,
    pub date_order: Option<crate::cli::DateOrder>,
    pub decimal: Option<crate::cli::DecimalMark>,
    /// Print what each column maps to (a dry run at a person's request).
    pub describe: bool,
    /// The text encoding `--encoding` gives (None: UTF-8, or what a byte order mark says).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The CSV delimiter `--delimiter` gives (None: from the header line).
    pub delimiter: Option<u8>,
    /// `--round`, shared with the importer (which reads `value_dollars` of rex's own files).
    pub rounding: crate::transfer::crm::Rounding,
    /// `--won-stage`, `--lost-stage`: values of the stage column that mean won and lost.
    pub won_stages: Vec<String>,
    pub lost_stages: Vec<String>,
}

impl Reading {
    fn translates(&self) -> bool {
        self.from.is_some()
            || !self.maps.is_empty()
            || self.keep_unknown
            || !self.rates.is_empty()
            || self.decimal.is_some()
            || !self.won_stages.is_empty()
            || !self.lost_stages.is_empty()
    }
}

pub fn import(ctx: &mut Ctx, args: &ImportArgs) -> Result<()> {
    let (dry_run, upsert) = (args.dry_run, args.upsert);
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    let reading = Reading {
        from: args.from,
        maps: args.maps.clone(),
        keep_unknown: args.keep_unknown,
        rates: args.rates.clone(),
        date_order: args.date_order,
        decimal: args.decimal,
        describe: dry_run && !ctx.out.is_quiet(),
        encoding: args
            .encoding
            .as_deref()
            .map(crate::transfer::decoding::encoding)
            .transpose()?,
        delimiter: args.delimiter.as_deref().map(delimiter).transpose()?,
        rounding: crate::transfer::crm::Rounding {
            allowed: args.round,
            ..Default::default()
        },
        won_stages: args.won_stages.clone(),
        lost_stages: args.lost_stages.clone(),
    };
    let rounding = reading.rounding.clone();
    let format = args.input_format.unwrap_or(
        match path.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            _ if reading.translates() || reading.delimiter.is_some() => ImportFormat::Csv,
            Some("csv" | "tsv") => ImportFormat::Csv,
            Some("json") => ImportFormat::Json,
            _ => ImportFormat::Jsonl,
        },
    );
    if (reading.translates() || reading.delimiter.is_some()) && format != ImportFormat::Csv {
        return Err(Error::usage(
            "--from, --map, --rate, --decimal, --keep-unknown and --delimiter read CSV; give --format csv or a .csv file",
        ));
    }
    let options = ImportOptions {
        upsert,
        crm: reading.from,
        translated: reading.translates(),
        create_stages: args.create_stages,
        pipeline: args.pipeline.clone(),
        describe: reading.describe,
        rounding: rounding.clone(),
    };
    let reader: Box<dyn Read + Send> = match path {
        Some(p) => Box::new(
            File::open(p)
                .map_err(|e| Error::usage(format!("cannot read '{}': {e}", p.display())))?,
        ),
        None => Box::new(io::stdin()),
    };
    // A regular file is all there when it is read; a pipe or a terminal may keep its reader
    // waiting.
    let regular = match path {
        Some(p) => std::fs::metadata(p),
        None => io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .and_then(|fd| File::from(fd).metadata()),
    }
    .is_ok_and(|m| m.is_file());
    let mut items = read_ahead(reader, regular, format, reading);
    let progress = Progress {
        shown: io::stderr().is_terminal() && !ctx.out.is_quiet(),
    };
    let load = match (dry_run, upsert) {
        (true, _) => Load::DryRun,
        (false, true) => Load::Upsert,
        (false, false) => Load::Insert,
    };
    let mut feeding = Feeding {
        items: &mut items,
        pending: None,
        importer: None,
        clock: ctx.clock,
        options,
        progress: &progress,
    };
    let loaded = ctx.store.import(load, ctx.clock, &mut feeding);
    let (report, missing, notes) = feeding
        .importer
        .map(|i| (i.report, i.no_amount, i.notes))
        .unwrap_or_default();
    if let Err(e) = loaded {
        progress.done();
        return Err(e);
    }
    progress.done();
    for note in &notes {
        ctx.out.note(note);
    }
    // What was done to some records, counted: "1,042 deals had no amount: imported as
    // $0.00" (on a dry run, "would be imported").
    let counted = |n: u64, one: &str, many: &str, what: &str, done: &str| {
        if n > 0 {
            let things = if n == 1 { one } else { many };
            let done = match dry_run {
                true => format!("would be {done}"),
                false => done.to_string(),
            };
            let n = crate::money::grouped(n.into());
            ctx.out.note(&format!("{n} {things} had {what}: {done}"));
        }
    };
    counted(missing, "deal", "deals", "no amount", "imported as $0.00");
    counted(
        rounding.rounded(),
        "amount",
        "amounts",
        "more than cents",
        "rounded half up",
    );
    let report = ImportReport { dry_run, ..report };
    let printed = ctx.out.one(&report);
    if dry_run {
        return printed;
    }
    crate::cmd::print_saved(printed, || {
        format!(
            "the import ({} pipelines, {} deals, {} history entries)",
            report.pipelines, report.deals, report.events
        )
    })
}

/// An import's records, handed to the store as it asks for them: the backend decides how
/// they are grouped into transactions. The importer is made in the first transaction.
struct Feeding<'a> {
    items: &'a mut ReadAhead,
    /// A record taken while waiting for input, not yet written.
    pending: Option<Item>,
    importer: Option<Importer>,
    clock: Clock,
    options: ImportOptions,
    progress: &'a Progress,
}

impl Feed for Feeding<'_> {
    fn read_to_end(&mut self) -> Result<()> {
        self.items.read_to_end()
    }

    fn wait(&mut self) -> bool {
        if self.pending.is_none() {
            self.pending = self.items.next();
        }
        self.pending.is_some()
    }

    fn record_next(&mut self, tx: &dyn Tx, within: Option<Duration>) -> Result<bool> {
        let next = match (self.pending.take(), within) {
            (Some(item), _) => Some(item),
            (None, None) => self.items.next(),
            (None, Some(wait)) => self.items.next_within(wait),
        };
        let Some(item) = next else {
            return Ok(false);
        };
        let importer = match &mut self.importer {
            Some(i) => i,
            None => self
                .importer
                .insert(Importer::new(tx, self.clock, self.options.clone())?),
        };
        let (at, payload) = item?;
        match payload {
            Payload::Line(line) => {
                let map = object(&at, json::parse(&line, RECORD_LEVELS))?;
                importer.record(tx, &at, map)?;
            }
            Payload::Parsed(map) => importer.record(tx, &at, map)?,
            Payload::Surveyed(surveyed) => importer.plan(tx, surveyed)?,
        }
        self.progress.tick(&importer.report);
        Ok(true)
    }
}

/// The input of an import, to be read on its own thread from the first time a record is
/// asked for (see [`ReadAhead::read_to_end`] for an import that holds the write lock).
fn read_ahead(
    reader: Box<dyn Read + Send>,
    regular: bool,
    format: ImportFormat,
    reading: Reading,
) -> ReadAhead {
    ReadAhead {
        unread: Some(Unread {
            reader,
            regular,
            format,
            reading,
        }),
        receive: None,
        pending: Vec::new().into_iter(),
    }
}

/// An input not read yet.
struct Unread {
    reader: Box<dyn Read + Send>,
    /// A regular file, which never keeps its reader waiting.
    regular: bool,
    format: ImportFormat,
    reading: Reading,
}

/// Reads the input on its own thread, a bounded way ahead of the writer, so that a slow
/// input never holds a transaction open (and reading and the database share the two cores).
/// Records travel in batches: a batch is handed over when it is full and before every read
/// from the input, so records that have arrived are never held back while the input is
/// slow. The thread stops after the first error, and is left behind (not joined) if the
/// writer stops first.
fn start_reading(input: Unread) -> Receiver<Vec<Raw>> {
    let Unread {
        reader,
        format,
        reading,
        ..
    } = input;
    let (send, receive) = sync_channel::<Vec<Raw>>(16);
    thread::spawn(move || {
        let pending = Rc::new(RefCell::new(Vec::with_capacity(READ_AHEAD_BATCH)));
        let hand_over = |send: &SyncSender<Vec<Raw>>, pending: &RefCell<Vec<Raw>>| {
            let batch = pending.replace(Vec::with_capacity(READ_AHEAD_BATCH));
            batch.is_empty() || send.send(batch).is_ok()
        };
        let input = HandOverBeforeRead {
            inner: reader,
            hand_over: {
                let (send, pending) = (send.clone(), pending.clone());
                Box::new(move || hand_over(&send, &pending))
            },
        };
        let records = match records(Box::new(input), format, &reading) {
            Ok(r) => r,
            Err(e) => {
                let _ = send.send(vec![Err(e)]);
                return;
            }
        };
        for item in records {
            let stop = item.is_err();
            pending.borrow_mut().push(item);
            let full = pending.borrow().len() >= READ_AHEAD_BATCH;
            if stop || full {
                let delivered = hand_over(&send, &pending);
                if stop || !delivered {
                    return;
                }
            }
        }
        hand_over(&send, &pending);
    });
    receive
}

/// The input, handing the parsed records over before each read (which may wait).
struct HandOverBeforeRead {
    inner: Box<dyn Read + Send>,
    hand_over: Box<dyn FnMut() -> bool>,
}

impl Read for HandOverBeforeRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (self.hand_over)();
        self.inner.read(buf)
    }
}

const READ_AHEAD_BATCH: usize = 512;

/// The receiving end of [`start_reading`], one record at a time.
struct ReadAhead {
    unread: Option<Unread>,
    receive: Option<Receiver<Vec<Raw>>>,
    pending: std::vec::IntoIter<Raw>,
}

impl ReadAhead {
    /// Reads an input that may keep its reader waiting (a pipe, a terminal) to its end,
    /// into a temporary file that is then read instead; a regular file is left as it is.
    /// Nothing is done once reading has started.
    fn read_to_end(&mut self) -> Result<()> {
        let Some(input) = &mut self.unread else {
            return Ok(());
        };
        if input.regular {
            return Ok(());
        }
        let kept = |e: io::Error| {
            Error::Failed(format!(
                "cannot keep the input in a temporary file ({e}); nothing was imported"
            ))
        };
        let mut copy = tempfile::tempfile().map_err(kept)?;
        let mut buf = vec![0; 1 << 16];
        loop {
            let n = match input.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::usage(format!(
                        "cannot read the input ({e}); nothing was imported"
                    )))
                }
            };
            copy.write_all(&buf[..n]).map_err(kept)?;
        }
        copy.rewind().map_err(kept)?;
        input.reader = Box::new(copy);
        input.regular = true;
        Ok(())
    }

    /// The batches of records, reading from the first time they are asked for.
    fn receiver(&mut self) -> Option<&Receiver<Vec<Raw>>> {
        if let Some(input) = self.unread.take() {
            self.receive = Some(start_reading(input));
        }
        self.receive.as_ref()
    }

    /// The next record, waiting as long as it takes; None at the end of the input.
    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(raw) = self.pending.next() {
                return Some(raw);
            }
            self.pending = self.receiver()?.recv().ok()?.into_iter();
        }
    }

    /// The next record if one arrives within `wait`.
    fn next_within(&mut self, wait: Duration) -> Option<Item> {
        loop {
            if let Some(raw) = self.pending.next() {
                return Some(raw);
            }
            self.pending = self.receiver()?.recv_timeout(wait).ok()?.into_iter();
        }
    }
}

/// The "importing… N records" line on a terminal.
struct Progress {
    shown: bool,
}

impl Progress {
    fn tick(&self, r: &ImportReport) {
        let n = r.pipelines + r.deals + r.events;
        if self.shown && n % 10_000 == 0 && n > 0 {
            crate::output::say(format_args!("\rrex: importing… {n} records"));
        }
    }

    fn done(&self) {
        if self.shown {
            crate::output::say(format_args!("\r\x1b[K"));
        }
    }
}

/// The records of the input, parsed lazily (JSON Lines and CSV stream; JSON is one document).
fn records(reader: Box<dyn Read>, format: ImportFormat, reading: &Reading) -> Result<Records> {
    // Whatever the format, it reads text: decoded first, and refused where it is not valid.
    let (reader, invalids) = crate::transfer::decoding::Decoded::new(reader, reading.encoding);
    let reader: Box<dyn Read> = Box::new(reader);
    match format {
        ImportFormat::Jsonl => {
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
        ImportFormat::Json => {
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
        ImportFormat::Csv => {
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
                let mut translator = crate::transfer::crm::Translator::new(
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
    invalids: crate::transfer::decoding::Invalids,
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
fn delimiter(text: &str) -> Result<u8> {
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
    let listed = crate::cmd::quoted(&foreign, 4);
    let what = if foreign.len() == headers.len() {
        "the header is not rex's own: no column is a rex field"
    } else {
        "the header has no name column"
    };
    let profiles: Vec<&str> = <crate::cli::Crm as clap::ValueEnum>::value_variants()
        .iter()
        .map(|c| c.name())
        .collect();
    Err(Error::usage(format!(
        "line 1: {what} (unknown: {listed}); for another CRM's export give --from {}, or say which column is which with --map FIELD=COLUMN; nothing was imported",
        profiles.join("|")
    )))
}

/// How deeply one imported record may nest: the record, its metadata or history details,
/// and their values up to [`json::MAX_DEPTH`] (checked exactly by the importer).
const RECORD_LEVELS: usize = json::MAX_DEPTH + 2;

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

fn object(at: &str, parsed: Result<Value, json::Refusal>) -> Result<Map<String, Value>> {
    match parsed {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::usage(format!(
            "{at}: expected a JSON object; nothing was imported"
        ))),
        Err(r) => Err(refused(at, "", &r)),
    }
}

/// A strict-JSON refusal as the one-line import error of record `at`.
pub(crate) fn refused(at: &str, prefix: &str, r: &json::Refusal) -> Error {
    Error::usage(format!(
        "{at}: {}; nothing was imported",
        r.describe(prefix)
    ))
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

/// The fields of one record, taken one by one; what is left at the end is unknown.
struct Fields<'a> {
    at: &'a str,
    map: Map<String, Value>,
}

impl Fields<'_> {
    fn bad(&self, key: &str, msg: impl std::fmt::Display) -> Error {
        Error::usage(format!(
            "{}: field '{key}': {msg}; nothing was imported",
            self.at
        ))
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.shift_remove(key).filter(|v| !v.is_null())
    }

    fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.bad(key, format!("expected text, got {other}"))),
        }
    }

    fn required(&mut self, key: &str) -> Result<String> {
        self.string(key)?
            .ok_or_else(|| self.bad(key, "it is missing"))
    }

    fn int(&mut self, key: &str) -> Result<Option<i64>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
            Some(other) => Err(self.bad(key, format!("expected a whole number, got {other}"))),
        }
    }

    fn timestamp(&mut self, key: &str) -> Result<Option<String>> {
        match self.string(key)? {
            None => Ok(None),
            Some(t) => match parse_timestamp(&t) {
                // Already as rex writes it (UTC, whole seconds): keep the text.
                Some(_) if t.len() == 20 && t.as_bytes()[10] == b'T' && t.ends_with('Z') => {
                    Ok(Some(t))
                }
                Some(parsed) => Ok(Some(timestamp(parsed))),
                None => Err(self.bad(
                    key,
                    format!("'{t}' is not an RFC 3339 time like 2026-03-01T09:00:00Z"),
                )),
            },
        }
    }

    fn parsed<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>> {
        match self.string(key)? {
            None => Ok(None),
            Some(t) => parse(&t).map(Some).map_err(|e| self.bad(key, e)),
        }
    }

    fn finish(self) -> Result<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(Error::usage(format!(
                "{}: unknown field '{k}'; nothing was imported",
                self.at
            ))),
        }
    }
}

/// The times an imported deal's record gives; None where it gives none.
struct Times {
    created_at: Option<String>,
    updated_at: Option<String>,
    last_activity_at: Option<String>,
    stage_entered_at: Option<String>,
}

impl Times {
    /// The times of `deal`, which replaces `before` in an upsert: each time the record gives
    /// is kept as given; the others stay `before`'s, except that a change (`changed`) is
    /// activity now (as with `deal update`), a move enters its stage now, and a close closes
    /// now. An upsert that changes nothing changes no time.
    fn keep_or_stamp(
        self,
        deal: &mut Deal,
        before: &Deal,
        closed_at: Option<String>,
        changed: bool,
        now: &str,
    ) {
        let moved = deal.pipeline_id != before.pipeline_id || deal.stage_id != before.stage_id;
        let stamp = |given: Option<String>, kept: &str, moves: bool| {
            given.unwrap_or_else(|| if moves { now } else { kept }.to_string())
        };
        deal.created_at = stamp(self.created_at, &before.created_at, false);
        deal.updated_at = stamp(self.updated_at, &before.updated_at, changed);
        deal.last_activity_at = stamp(self.last_activity_at, &before.last_activity_at, changed);
        deal.stage_entered_at = stamp(self.stage_entered_at, &before.stage_entered_at, moved);
        let still_closed = before.status == deal.status && !moved;
        deal.closed_at = match (deal.status.is_closed(), closed_at) {
            (false, _) => None,
            (true, Some(given)) => Some(given),
            (true, None) if still_closed => before.closed_at.clone().or(Some(now.to_string())),
            (true, None) => Some(now.to_string()),
        };
    }
}

/// A write of the deal on `at` refused because its origin is another deal's (a unique key):
/// another import stored it meanwhile (a file from another CRM), or a record of rex's own
/// gives another deal's origin.
fn origin_taken(at: &str, origin: Option<&str>, translated: bool, e: Error) -> Error {
    let Some(origin) = origin else { return e };
    if !matches!(e, Error::Conflict(_)) {
        return e;
    }
    let why = if translated {
        format!("the deal from {origin} was imported meanwhile by another import; use --upsert to update it")
    } else {
        format!("field 'origin': another deal already comes from {origin}")
    };
    Error::conflict(format!("{at}: {why}; nothing was imported"))
}

/// Where a new stage `name` goes among a pipeline's `stages`, by an order that may know
/// where two stages stand (`before(a, b)`: whether `a` comes before `b`): after the last
/// stage it knows comes before it, else before the first it knows comes after it, else at
/// the end. A pipeline's first stage, where new deals start, stays first unless the order
/// says otherwise.
fn place(stages: &[Stage], name: &str, before: impl Fn(&str, &str) -> Option<bool>) -> usize {
    let earlier = stages
        .iter()
        .rposition(|st| before(&st.name, name) == Some(true));
    let later = || {
        stages
            .iter()
            .position(|st| before(name, &st.name) == Some(true))
    };
    match (earlier, later()) {
        (Some(i), _) => i + 1,
        (None, Some(i)) => i,
        (None, None) => stages.len(),
    }
}

/// A pipeline's stages by name, in order: `Prospecting, Qualification`.
fn stage_names(p: &Pipeline) -> String {
    p.stages
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an import may do beyond reading rex's own records.
#[derive(Debug, Clone, Default)]
struct ImportOptions {
    upsert: bool,
    /// The CRM the file comes from, if any (its default stage order, its outcomes).
    crm: Option<crate::cli::Crm>,
    /// Rows were translated from another CRM or mapped: closed deals without a stage go to
    /// the pipeline's last stage, and deals are matched by their origin.
    translated: bool,
    create_stages: bool,
    /// The pipeline of rows that name none.
    pipeline: Option<String>,
    /// Say the stages a dry run would create (a dry run at a person's request).
    describe: bool,
    /// `--round`: dollars past the cents (`value_dollars`) rounded half up, or refused.
    rounding: crate::transfer::crm::Rounding,
}

struct Importer {
    clock: Clock,
    options: ImportOptions,
    pipelines: HashMap<PipelineId, Pipeline>,
    /// Deals imported from another CRM before (or earlier in this file), by origin.
    origins: HashMap<String, DealId>,
    /// The origins of this file's deals so far, and where each was (`line 7`).
    seen: HashMap<String, String>,
    report: ImportReport,
    /// New deals from another CRM that had no amount (imported as $0.00).
    no_amount: u64,
    /// What to say on stderr once the import is done.
    notes: Vec<String>,
}

impl Importer {
    fn new(tx: &dyn Tx, clock: Clock, options: ImportOptions) -> Result<Self> {
        let pipelines = tx.pipelines()?.into_iter().map(|p| (p.id, p)).collect();
        let origins = if options.translated {
            tx.deal_origins()?.into_iter().collect()
        } else {
            HashMap::new()
        };
        Ok(Importer {
            clock,
            options,
            pipelines,
            origins,
            seen: HashMap::new(),
            report: ImportReport::default(),
            no_amount: 0,
            notes: Vec::new(),
        })
    }

    /// The pipeline a deal goes in, created (with the stage it names) when `--create-stages`
    /// allows and it does not exist.
    fn pipeline_for(
        &mut self,
        tx: &dyn Tx,
        f: &Fields,
        named: Option<String>,
        stage: Option<&str>,
    ) -> Result<PipelineId> {
        let missing = match self.deal_pipeline(f, named.clone()) {
            Ok(p) => return Ok(p.id),
            Err(Error::NotFound(m)) if self.options.create_stages => m,
            Err(e) => return Err(e),
        };
        let name = match named {
            Some(n) => clean_name("the pipeline name", &n).map_err(|e| f.bad("pipeline_id", e))?,
            None if self.pipelines.is_empty() => "Sales Pipeline".to_string(),
            None => return Err(Error::not_found(missing)),
        };
        let first = stage
            .map(str::to_string)
            .or_else(|| {
                self.options
                    .crm
                    .and_then(|c| crate::transfer::crm::default_stages(c).first())
                    .map(|s| s.to_string())
            })
            .unwrap_or_else(|| DEFAULT_STAGES[0].to_string());
        let first = clean_name("a stage name", &first).map_err(|e| f.bad("stage_id", e))?;
        let p = Pipeline::new(
            name,
            DEFAULT_STALL_DAYS,
            vec![Stage::new(first, 0, Probability::CERTAIN)],
            &self.clock.timestamp(),
        );
        tx.insert_pipeline(&p)?;
        let id = p.id;
        self.pipelines.insert(id, p);
        self.report.pipelines += 1;
        Ok(id)
    }

    /// Adds stage `name` to pipeline `id`: where the CRM's default order puts it, else last.
    fn add_stage(
        &mut self,
        tx: &dyn Tx,
        f: &Fields,
        id: PipelineId,
        name: &str,
    ) -> Result<StageId> {
        let crm = self.options.crm;
        let rank = |n: &str| crate::transfer::crm::default_rank(crm, n);
        let Some(p) = self.pipelines.get_mut(&id) else {
            return Err(Error::not_found(format!("no pipeline with id {id}")));
        };
        let at = place(&p.stages, name, |a, b| Some(rank(a)? < rank(b)?));
        let stage = Stage::new(
            clean_name("a stage name", name).map_err(|e| f.bad("stage_id", e))?,
            p.stages.len(),
            Probability::CERTAIN,
        );
        let sid = stage.id;
        p.stages.insert(at, stage);
        p.renumber();
        tx.update_pipeline(p)?;
        Ok(sid)
    }

    /// Acts on what the whole of another CRM's file says, before its first deal: with
    /// `--create-stages`, every pipeline gets the stages the file names, in the CRM's order
    /// (a new pipeline whose rows name no open stage gets the profile's default stages, or
    /// rex's without a profile), so that a closed deal without a stage of its own ends in the
    /// last stage whatever the order of the rows. Existing stages are not reordered: new ones
    /// go after the stage that precedes them in the CRM's order.
    fn plan(&mut self, tx: &dyn Tx, surveyed: crate::transfer::crm::Surveyed) -> Result<()> {
        self.notes.extend(surveyed.notes);
        if !self.options.create_stages {
            return Ok(());
        }
        let defaults = self
            .options
            .crm
            .map(crate::transfer::crm::default_stages)
            .unwrap_or(&[]);
        let default_rank = |n: &str| crate::transfer::crm::default_rank(self.options.crm, n);
        for planned in surveyed.pipelines {
            let named = planned
                .pipeline
                .clone()
                .or_else(|| self.options.pipeline.clone());
            let found = match &named {
                Some(text) => Some(self.named_pipeline(text).map(|p| p.id)),
                None if self.pipelines.len() <= 1 => {
                    Some(self.pipelines.values().next().map(|p| p.id))
                }
                // Several pipelines and none named: each deal is refused as it comes.
                None => None,
            };
            let Some(found) = found else { continue };
            let Some(id) = found else {
                // A pipeline to create, unless its name is refused (by its first deal).
                let name = match &named {
                    Some(n) if n.parse::<PipelineId>().is_ok() => continue,
                    Some(n) => match clean_name("the pipeline name", n) {
                        Ok(n) => n,
                        Err(_) => continue,
                    },
                    None => "Sales Pipeline".to_string(),
                };
                let named_none = planned.stages.is_empty();
                let stages: Vec<(String, Probability)> = if !named_none {
                    planned
                        .stages
                        .iter()
                        .map(|s| (s.clone(), Probability::CERTAIN))
                        .collect()
                } else if !defaults.is_empty() {
                    defaults
                        .iter()
                        .map(|s| (s.to_string(), Probability::CERTAIN))
                        .collect()
                } else {
                    DEFAULT_STAGES
                        .iter()
                        .map(|s| (s.to_string(), Probability::default_for(s)))
                        .collect()
                };
                let made: Vec<Stage> = stages
                    .into_iter()
                    .filter_map(|(stage, chance)| {
                        clean_name("a stage name", &stage).ok().map(|n| (n, chance))
                    })
                    .enumerate()
                    .map(|(i, (stage, chance))| Stage::new(stage, i, chance))
                    .collect();
                if made.is_empty() {
                    continue;
                }
                let p = Pipeline::new(name, DEFAULT_STALL_DAYS, made, &self.clock.timestamp());
                if self.options.describe {
                    let why = if named_none {
                        " (the file names no open stage: the default stages)"
                    } else {
                        ""
                    };
                    self.notes.push(format!(
                        "new pipeline '{}' would get stages: {}{why}",
                        p.name,
                        stage_names(&p)
                    ));
                }
                tx.insert_pipeline(&p)?;
                self.report.pipelines += 1;
                self.pipelines.insert(p.id, p);
                continue;
            };
            let Some(p) = self.pipelines.get_mut(&id) else {
                continue;
            };
            let plan_rank = |n: &str| {
                planned
                    .stages
                    .iter()
                    .position(|s| name_key(s) == name_key(n))
            };
            // Whether stage `a` comes before stage `b` in the CRM's order, if it says.
            let before = |a: &str, b: &str| match (plan_rank(a), plan_rank(b)) {
                (Some(x), Some(y)) => Some(x < y),
                _ => match (default_rank(a), default_rank(b)) {
                    (Some(x), Some(y)) => Some(x < y),
                    _ => None,
                },
            };
            let mut new = Vec::new();
            for s in &planned.stages {
                let known = p
                    .stages
                    .iter()
                    .any(|st| name_key(&st.name) == name_key(s) || st.id.to_string() == *s);
                let Ok(name) = clean_name("a stage name", s) else {
                    continue;
                };
                if known {
                    continue;
                }
                let at = place(&p.stages, &name, before);
                p.stages.insert(
                    at,
                    Stage::new(name.clone(), p.stages.len(), Probability::CERTAIN),
                );
                new.push(name);
            }
            if self.options.describe {
                let line = if new.is_empty() {
                    format!(
                        "pipeline '{}' has every stage the file names: {}",
                        p.name,
                        stage_names(p)
                    )
                } else {
                    format!(
                        "pipeline '{}' would get stages: {} (new: {})",
                        p.name,
                        stage_names(p),
                        new.join(", ")
                    )
                };
                self.notes.push(line);
            }
            if !new.is_empty() {
                p.renumber();
                tx.update_pipeline(p)?;
            }
        }
        Ok(())
    }

    fn record(&mut self, tx: &dyn Tx, at: &str, map: Map<String, Value>) -> Result<()> {
        let id_kind = map.get("id").and_then(Value::as_str).and_then(kind_of);
        if map.contains_key("stages") || id_kind == Some("pipeline") {
            self.pipeline(tx, Fields { at, map })
        } else if map.contains_key("kind") && !map.contains_key("id") {
            self.event(tx, Fields { at, map })
        } else {
            self.deal(tx, Fields { at, map })
        }
    }

    fn pipeline(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        let given_id = f.parsed("id", |t| t.parse::<PipelineId>())?;
        let name =
            clean_name("the pipeline name", &f.required("name")?).map_err(|e| f.bad("name", e))?;
        let stall_days = match f.int("stall_days")? {
            None => DEFAULT_STALL_DAYS,
            Some(n) if (1..=36500).contains(&n) => n as u32,
            Some(n) => return Err(f.bad("stall_days", format!("{n} is not from 1 to 36500"))),
        };
        let now = self.clock.timestamp();
        let created_at = f.timestamp("created_at")?.unwrap_or(now);
        let updated_at = f
            .timestamp("updated_at")?
            .unwrap_or_else(|| created_at.clone());
        let stages = match f.take("stages") {
            None => DEFAULT_STAGES
                .iter()
                .enumerate()
                .map(|(i, n)| Stage::new(n.to_string(), i, Probability::default_for(n)))
                .collect(),
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(self.stage(&f, i, item)?);
                }
                out
            }
            Some(_) => return Err(f.bad("stages", "expected a non-empty array of stages")),
        };
        let at = f.at;
        f.finish()?;
        let mut p = Pipeline {
            id: given_id.unwrap_or_else(PipelineId::new),
            name,
            stall_days,
            created_at,
            updated_at,
            stages,
        };
        p.renumber();
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = p.stages.iter().find(|s| !seen.insert(name_key(&s.name))) {
            return Err(Error::usage(format!(
                "{at}: field 'stages': two stages are named '{}'; nothing was imported",
                dup.name
            )));
        }
        // Pipelines read at the start, this import's own, and any made since by someone else.
        let taken = match self
            .pipelines
            .values()
            .find(|o| o.id != p.id && name_key(&o.name) == name_key(&p.name))
        {
            Some(o) => Some(o.clone()),
            None => tx.pipeline_named(&p.name)?.filter(|o| o.id != p.id),
        };
        if let Some(other) = taken {
            return Err(Error::conflict(format!(
                "{at}: a pipeline named '{}' already exists ({}); nothing was imported",
                other.name, other.id
            )));
        }
        for s in &p.stages {
            // Earlier records of this import first: a staged import's own rows are hidden.
            let earlier = self
                .pipelines
                .values()
                .find(|o| o.id != p.id && o.stage(s.id).is_some())
                .cloned();
            let owner = match earlier {
                Some(o) => Some(o),
                None => tx.pipeline_of_stage(s.id)?,
            };
            if let Some(owner) = owner.filter(|o| o.id != p.id) {
                return Err(Error::conflict(format!(
                    "{at}: stage {} already belongs to pipeline '{}'; nothing was imported",
                    s.id, owner.name
                )));
            }
        }
        if self.pipelines.contains_key(&p.id) {
            if !self.options.upsert {
                return Err(Error::conflict(format!(
                    "{at}: pipeline {} already exists; use --upsert to replace it; nothing was imported",
                    p.id
                )));
            }
            tx.update_pipeline(&p).map_err(|e| match e {
                Error::Failed(_) => Error::conflict(format!(
                    "{at}: pipeline {} would lose a stage that holds deals; nothing was imported",
                    p.id
                )),
                other => other,
            })?;
        } else {
            tx.insert_pipeline(&p)?;
        }
        self.pipelines.insert(p.id, p);
        self.report.pipelines += 1;
        Ok(())
    }

    fn stage(&self, f: &Fields, i: usize, item: Value) -> Result<Stage> {
        let key = format!("stages[{i}]");
        let Value::Object(map) = item else {
            return Err(f.bad(&key, "expected an object with a name"));
        };
        let mut s = Fields { at: f.at, map };
        let id = s
            .parsed("id", |t| t.parse::<StageId>())?
            .unwrap_or_else(StageId::new);
        let name = clean_name("a stage name", &s.required("name")?).map_err(|e| f.bad(&key, e))?;
        let color = s
            .parsed("color", |t| t.parse::<Color>())?
            .unwrap_or_else(|| palette_color(i));
        s.int("position")?;
        // An export from before probabilities: the default stages' chances by name, else 100.
        let probability = match s.int("probability")? {
            None => Probability::default_for(&name),
            Some(n) => Probability::new(n).map_err(|e| f.bad(&format!("{key}.probability"), e))?,
        };
        let stall_days = match s.int("stall_days")? {
            None => StageStall::Pipeline,
            Some(0) => StageStall::Off,
            Some(n) if (1..=36500).contains(&n) => StageStall::Days(n as u32),
            Some(n) => {
                return Err(f.bad(
                    &key,
                    format!("stall_days {n} is not null, 0 or from 1 to 36500"),
                ))
            }
        };
        // What `pipeline show` adds for people is accepted and ignored.
        for board in [
            "effective_stall_days",
            "open_count",
            "open_value",
            "stalled_count",
            "stalled_value",
            "active_count",
            "active_value",
            "weighted_value",
        ] {
            s.take(board);
        }
        s.finish()?;
        Ok(Stage {
            id,
            name,
            color,
            probability,
            position: i as u32,
            stall_days,
        })
    }

    /// The pipeline `text` names, by id or by name (ignoring case), among those known.
    fn named_pipeline(&self, text: &str) -> Option<&Pipeline> {
        match text.parse::<PipelineId>() {
            Ok(id) => self.pipelines.get(&id),
            Err(_) => self
                .pipelines
                .values()
                .find(|p| name_key(&p.name) == name_key(text)),
        }
    }

    /// The pipeline a deal names (by id or name), or the only one.
    fn deal_pipeline(&self, f: &Fields, named: Option<String>) -> Result<&Pipeline> {
        let at = f.at;
        match named {
            Some(text) => {
                self.named_pipeline(&text).ok_or_else(|| Error::not_found(format!("{at}: field 'pipeline_id': no pipeline '{text}'; nothing was imported")))
            }
            None if self.pipelines.len() == 1 => Ok(self.pipelines.values().next().expect("one pipeline")),
            None if self.pipelines.is_empty() => Err(Error::not_found(format!(
                "{at}: field 'pipeline_id': there is no pipeline yet; import or create one first; nothing was imported"
            ))),
            None => Err(f.bad("pipeline_id", "several pipelines exist; name one")),
        }
    }

    fn deal(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        // What the record gives, for an upsert from another CRM to keep what it does not.
        let given_keys: std::collections::HashSet<String> = f.map.keys().cloned().collect();
        let given_id = f.parsed("id", |t| t.parse::<DealId>())?;
        let name =
            clean_name("the deal name", &f.required("name")?).map_err(|e| f.bad("name", e))?;
        // An amount is optional in another CRM's export: a new deal without one is $0.00
        // (counted, for the import to say), and an upserted one keeps its own.
        let value = match (f.take("value"), f.string("value_dollars")?) {
            (Some(Value::Number(n)), None) if n.as_i64().is_some() => {
                Some(Cents::new(n.as_i64().unwrap_or_default()).map_err(|e| f.bad("value", e))?)
            }
            (Some(other), None) => {
                return Err(f.bad(
                    "value",
                    format!("expected whole cents like 500000, got {other}"),
                ))
            }
            (None, Some(d)) => Some(
                Cents::dollars(&d)
                    .and_then(|x| self.options.rounding.cents(&x, &d))
                    .map_err(|e| f.bad("value_dollars", e))?,
            ),
            (None, None) if self.options.translated => None,
            (None, None) => {
                return Err(f.bad(
                    "value",
                    "it is missing (give value in cents or value_dollars)",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(f.bad("value_dollars", "give value or value_dollars, not both"))
            }
        };
        let status = f
            .parsed("status", |t| t.parse::<Status>())?
            .unwrap_or(Status::Open);
        let contact_id = f.parsed("contact_id", |t| clean_text("the contact", t, 200))?;
        let owner_id = f.parsed("owner_id", |t| clean_text("the owner", t, 200))?;
        let pipeline_ref = f
            .string("pipeline_id")?
            .or_else(|| self.options.pipeline.clone());
        let stage_ref = f.string("stage_id")?;
        let expected_close = f.parsed("expected_close", |t| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .filter(|d| crate::clock::in_range(*d))
                .ok_or_else(|| format!("'{t}' is not a date like 2026-03-31"))
        })?;
        let metadata = match f.take("metadata") {
            None => Map::new(),
            Some(Value::Object(m)) => {
                let m = sorted(m);
                json::check_object(&m, json::MAX_DEPTH)
                    .map_err(|r| refused(f.at, "metadata", &r))?;
                match canonical(Value::Object(m)) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                }
            }
            Some(other) => {
                return Err(f.bad("metadata", format!("expected an object, got {other}")))
            }
        };
        let now = self.clock.timestamp();
        let given = Times {
            created_at: f.timestamp("created_at")?,
            updated_at: f.timestamp("updated_at")?,
            last_activity_at: f.timestamp("last_activity_at")?,
            stage_entered_at: f.timestamp("stage_entered_at")?,
        };
        // A new deal's times default to its creation, and that to now.
        let created_at = given.created_at.clone().unwrap_or(now.clone());
        let updated_at = given
            .updated_at
            .clone()
            .unwrap_or_else(|| created_at.clone());
        let last_activity_at = given
            .last_activity_at
            .clone()
            .unwrap_or_else(|| updated_at.clone());
        let stage_entered_at = given
            .stage_entered_at
            .clone()
            .unwrap_or_else(|| created_at.clone());
        let given_closed_at = f.timestamp("closed_at")?;
        let closed_at = given_closed_at.clone();
        let origin = f.parsed("origin", |t| clean_text("the origin", t, 500))?;
        let close_reason = f.parsed("close_reason", |t| clean_text("the reason", t, 1000))?;
        let probability = match f.int("probability")? {
            None => None,
            Some(n) => Some(Probability::new(n).map_err(|e| f.bad("probability", e))?),
        };
        // "an open deal", "a won deal".
        let a = if status == Status::Open { "an" } else { "a" };
        let closed_at = match (status.is_closed(), closed_at) {
            (true, c) => Some(c.unwrap_or(now.clone())),
            (false, None) => None,
            (false, Some(_)) => {
                return Err(f.bad(
                    "closed_at",
                    format!("{a} {status} deal has no closed_at; leave it null"),
                ))
            }
        };
        if close_reason.is_some() && !status.is_closed() {
            return Err(f.bad(
                "close_reason",
                format!("{a} {status} deal has no close_reason; leave it null"),
            ));
        }
        let pid = self.pipeline_for(tx, &f, pipeline_ref, stage_ref.as_deref())?;
        if let Some(s) = &stage_ref {
            let known = self.pipelines.get(&pid).is_some_and(|p| {
                p.stages
                    .iter()
                    .any(|st| name_key(&st.name) == name_key(s) || st.id.to_string() == *s)
            });
            if !known && self.options.create_stages && kind_of(s).is_none() {
                self.add_stage(tx, &f, pid, s)?;
            }
        }
        let p = self
            .pipelines
            .get(&pid)
            .ok_or_else(|| Error::not_found(format!("no pipeline with id {pid}")))?;
        let stage = match &stage_ref {
            // A deal closed in another CRM without a stage of its own (an outcome stage such
            // as Closed Won) ends in the pipeline's last stage.
            None if self.options.translated && status.is_closed() => {
                p.stages.last().unwrap_or(&p.stages[0])
            }
            None => &p.stages[0],
            Some(s) => find_stage(tx, p, s).map_err(|e| match e {
                Error::Usage(m) | Error::NotFound(m) | Error::Conflict(m) => Error::not_found(
                    format!("{}: field 'stage_id': {m}; nothing was imported", f.at),
                ),
                other => other,
            })?,
        };
        let (pipeline_id, stage_id, pipeline_name, stage_name) =
            (p.id, stage.id, p.name.clone(), stage.name.clone());
        let at = f.at;
        f.finish()?;
        let mut deal = Deal {
            id: given_id.unwrap_or_else(DealId::new),
            name,
            value: value.unwrap_or_default(),
            status,
            contact_id,
            pipeline_id,
            stage_id,
            expected_close,
            owner_id,
            metadata,
            created_at,
            updated_at,
            last_activity_at,
            stage_entered_at,
            closed_at,
            close_reason,
            probability,
            origin,
        };
        // A deal from another CRM is known by its origin: a file gives each deal once, and
        // importing it again updates it (with --upsert) or is refused.
        if let Some(origin) = &deal.origin {
            if let Some(first) = self.seen.get(origin) {
                return Err(Error::usage(format!(
                    "{at}: the deal from {origin} is also on {first}; give each deal once; nothing was imported"
                )));
            }
            self.seen.insert(origin.clone(), at.to_string());
            if let Some(existing) = self.origins.get(origin) {
                if !self.options.upsert {
                    return Err(Error::conflict(format!(
                        "{at}: the deal from {origin} was imported before ({existing}); use --upsert to update it; nothing was imported"
                    )));
                }
                deal.id = *existing;
            }
        }
        let origin = deal.origin.clone();
        let translated = self.options.translated;
        let taken = |e: Error| origin_taken(at, origin.as_deref(), translated, e);
        let replaced = if self.options.upsert {
            tx.deal(deal.id)?
        } else {
            None
        };
        let to = Place {
            pipeline_id,
            pipeline: pipeline_name,
            stage_id,
            stage: stage_name,
        };
        match replaced {
            Some(before) => {
                // An upsert is a change like any other: its history says what it changed,
                // and times the record does not give are the deal's own until it changes.
                let from = match self.pipelines.get(&before.pipeline_id) {
                    Some(p) => Some(Place::in_pipeline(p, before.stage_id)),
                    None => tx
                        .pipeline(before.pipeline_id)?
                        .map(|p| Place::in_pipeline(&p, before.stage_id)),
                }
                .unwrap_or_else(|| to.clone());
                // Where the deal came from is kept unless the record says otherwise, and so
                // is its value.
                if deal.origin.is_none() {
                    deal.origin = before.origin.clone();
                }
                if value.is_none() {
                    deal.value = before.value;
                }
                if translated {
                    let absent = |key: &str| !given_keys.contains(key);
                    if absent("contact_id") {
                        deal.contact_id = before.contact_id.clone();
                    }
                    if absent("owner_id") {
                        deal.owner_id = before.owner_id.clone();
                    }
                    if absent("expected_close") {
                        deal.expected_close = before.expected_close;
                    }
                    if absent("probability") {
                        deal.probability = before.probability;
                    }
                    if absent("close_reason") && deal.status == before.status {
                        deal.close_reason = before.close_reason.clone();
                    }
                    // Metadata is a column each: a column the file does not have, or an
                    // empty cell, leaves its key as it was; the file's keys replace theirs.
                    // (A value given in dollars this time drops the conversion's record.)
                    let mut merged = before.metadata.clone();
                    if value.is_some() && !deal.metadata.contains_key("original_currency") {
                        merged.shift_remove("original_value");
                        merged.shift_remove("original_currency");
                    }
                    merged.extend(std::mem::take(&mut deal.metadata));
                    deal.metadata = sorted(merged);
                }
                // A file that says nothing of where a deal is (no status, stage or pipeline)
                // leaves it where it is, open or closed.
                let unplaced = translated
                    && ["status", "stage_id", "pipeline_id"]
                        .iter()
                        .all(|k| !given_keys.contains(*k));
                let to = if unplaced {
                    deal.status = before.status;
                    deal.pipeline_id = before.pipeline_id;
                    deal.stage_id = before.stage_id;
                    deal.closed_at = before.closed_at.clone();
                    deal.close_reason = before.close_reason.clone();
                    from.clone()
                } else {
                    to.clone()
                };
                let history = changes(&before, &deal, &from, &to, &now, "import");
                given.keep_or_stamp(
                    &mut deal,
                    &before,
                    given_closed_at,
                    !history.is_empty(),
                    &now,
                );
                for e in &history {
                    tx.add_event(e)?;
                }
                if deal != before {
                    tx.update_deal(&deal).map_err(taken)?;
                }
            }
            None => {
                if value.is_none() {
                    self.no_amount += 1;
                }
                if !tx.insert_deal_if_new(&deal).map_err(taken)? {
                    return Err(Error::conflict(format!(
                        "{at}: deal {} already exists; use --upsert to replace it; nothing was imported",
                        deal.id
                    )));
                }
                if given_id.is_none() {
                    for e in created_history(&deal, &to, "import") {
                        tx.add_event(&e)?;
                    }
                }
            }
        }
        if let Some(origin) = deal.origin {
            self.origins.insert(origin, deal.id);
        }
        self.report.deals += 1;
        Ok(())
    }

    fn event(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        let deal_id = f
            .parsed("deal_id", |t| t.parse::<DealId>())?
            .ok_or_else(|| f.bad("deal_id", "it is missing"))?;
        let at = f
            .timestamp("at")?
            .ok_or_else(|| f.bad("at", "it is missing"))?;
        let kind = f.required("kind")?;
        if !event::ALL.contains(&kind.as_str()) {
            return Err(f.bad(
                "kind",
                format!("'{kind}' is not one of {}", event::ALL.join(", ")),
            ));
        }
        let where_ = f.at;
        json::check_object(&f.map, json::MAX_DEPTH).map_err(|r| refused(where_, "", &r))?;
        let e = Event {
            deal_id,
            at,
            kind,
            details: f.map,
        };
        if !tx.add_event_if_deal_exists(&e)? {
            return Err(Error::not_found(format!(
                "{where_}: field 'deal_id': no deal {deal_id} (deals must come before their history); nothing was imported"
            )));
        }
        self.report.events += 1;
        Ok(())
    }
}
