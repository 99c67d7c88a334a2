//! Import and export: the whole database in the API shape, streamed out (`rex export`) and
//! read back in (`rex import`), and other CRMs' deal exports read as they come out of them.
//!
//! An import's input is read on its own thread (`read_ahead.rs`), decoded to UTF-8
//! (`decoding.rs`), and parsed as JSON Lines, JSON or CSV (`read.rs`); another CRM's CSV,
//! or any CSV with `--map`, is translated row by row through that CRM's profile (`crm/`,
//! one file per CRM). The importer (`importer/`) writes each record in the transaction the
//! store gives it, checked field by field (`fields.rs`); any refusal names its record and
//! nothing is imported. This module names no clap type, terminal or environment variable:
//! `cmd/import.rs` and `cmd/export.rs` turn the command line into its options.

mod crm;
mod decoding;
mod export;
mod fields;
mod importer;
mod read;
mod read_ahead;
mod rounding;

use std::time::Duration;

pub use crm::{Crm, DateOrder, DecimalMark};
pub use decoding::encoding;
pub use export::{write as write_export, What};
pub use importer::ImportOptions;
pub use read::{delimiter, InputFormat, Reading};
pub use read_ahead::Input;
pub use rounding::Rounding;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::json;
use crate::output::ImportReport;
use crate::store::{Feed, Load, Refusal, Store, Tx};
use fields::{object, Record};
use importer::Importer;
use read::{Item, Payload, RECORD_LEVELS};
use read_ahead::ReadAhead;

/// What an import did: its counts, how many new deals had no amount (imported as $0.00),
/// and what to say on stderr.
#[derive(Debug, Default)]
pub struct Imported {
    pub report: ImportReport,
    pub no_amount: u64,
    pub notes: Vec<String>,
}

/// Imports `input` into `store`, all or nothing, as `load` says; `progress` is told the
/// counts after every record.
pub fn import(
    store: &mut Store,
    load: Load,
    clock: Clock,
    input: Input,
    options: ImportOptions,
    progress: &dyn Fn(&ImportReport),
) -> Result<Imported> {
    let mut feeding = Feeding {
        items: ReadAhead::new(input),
        pending: None,
        importer: None,
        at: String::new(),
        clock,
        options,
        progress,
    };
    // A reader of a team's database is refused before anything is read; a member's records
    // meet the team's rules record by record (and the server's).
    store.read(|tx| crate::ops::team::may_write(tx))?;
    store.import(load, clock, &mut feeding)?;
    Ok(feeding
        .importer
        .map(|i| Imported {
            report: i.report,
            no_amount: i.no_amount,
            notes: i.notes,
        })
        .unwrap_or_default())
}

/// An import's records, handed to the store as it asks for them: the backend decides how
/// they are grouped into transactions. The importer is made in the first transaction.
struct Feeding<'a> {
    items: ReadAhead,
    /// A record taken while waiting for input, not yet written.
    pending: Option<Item>,
    importer: Option<Importer>,
    /// Where the record last taken is (`line 7`).
    at: String,
    clock: Clock,
    options: ImportOptions,
    /// Told what the import has done after every record.
    progress: &'a dyn Fn(&ImportReport),
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
        self.at.clone_from(&at);
        match payload {
            Payload::Line(line) => {
                // Parsed without a map of owned keys; anything it refuses is parsed again
                // the strict way, which says why.
                let record = match json::parse_record(&line, RECORD_LEVELS) {
                    Some(entries) => Record::new(entries),
                    None => Record::from_map(object(&at, json::parse(&line, RECORD_LEVELS))?),
                };
                importer.record(tx, &at, record)?;
            }
            Payload::Parsed(map) => importer.record(tx, &at, Record::from_map(map))?,
            Payload::Surveyed(surveyed) => importer.plan(tx, surveyed)?,
        }
        (self.progress)(&importer.report);
        Ok(true)
    }

    fn at(&self) -> &str {
        &self.at
    }

    fn refused(&self, at: &str, why: Refusal) -> Error {
        match &self.importer {
            Some(importer) => importer.refusal(at, why),
            None => Error::Failed(format!("{at}: refused ({why:?}); nothing was imported")),
        }
    }
}
