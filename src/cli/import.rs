//! `rex import`: the input's format, the CRM it comes from, and how to read its money and
//! dates.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};

use super::pipeline_values;
use crate::transfer::Crm;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Jsonl,
    Json,
    Csv,
}

/// `rex import`: where the records come from and how to read them.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read; - or nothing reads stdin
    #[arg(value_name = "FILE|-")]
    pub file: Option<PathBuf>,
    /// The format [default: from the file's extension, else jsonl]
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub input_format: Option<ImportFormat>,
    /// Check everything and report the counts, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Replace records whose id already exists (or, with --from or --map, deals imported
    /// before: by the file's id, else by its identifying columns, said on stderr)
    #[arg(long)]
    pub upsert: bool,
    /// Read another CRM's deal export (CSV) as it comes out of it
    #[arg(long = "from", value_enum, value_name = "CRM")]
    pub from: Option<Crm>,
    /// Create the pipelines and stages the file names that do not exist yet, in the CRM's
    /// order (a closed deal goes to the last); with --from or --map, --dry-run lists them
    #[arg(long)]
    pub create_stages: bool,
    /// Dollars per unit of another currency: CUR=RATE, like EUR=1.0825 (repeatable)
    #[arg(long = "rate", value_name = "CUR=RATE")]
    pub rates: Vec<String>,
    /// A CSV column as a rex field: FIELD=COLUMN, or -=COLUMN to drop it (repeatable)
    #[arg(long = "map", value_name = "FIELD=COLUMN", allow_hyphen_values = true)]
    pub maps: Vec<String>,
    /// Keep columns rex does not know in metadata instead of refusing them
    #[arg(long)]
    pub keep_unknown: bool,
    /// The order of numeric dates: mdy (6/30/2025), dmy (30/06/2025) or ymd
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrder>,
    /// How the file writes decimals: point (1,234.56) or comma (1.234,56 or 1 234,56)
    #[arg(long, value_enum, value_name = "MARK")]
    pub decimal: Option<DecimalMark>,
    /// Round dollars with more than cents (9225.225) to the cent, halves up (away from
    /// zero), saying how many, instead of refusing them (amounts converted at a --rate are
    /// always rounded so; their original stays in metadata)
    #[arg(long)]
    pub round: bool,
    /// A value of the stage column that means won: the deal is won, in its pipeline's last
    /// stage (repeatable; ignoring case)
    #[arg(long = "won-stage", value_name = "VALUE")]
    pub won_stages: Vec<String>,
    /// A value of the stage column that means lost, likewise (repeatable)
    #[arg(long = "lost-stage", value_name = "VALUE")]
    pub lost_stages: Vec<String>,
    /// The pipeline of rows that name none [default: the only one]
    #[arg(long, value_name = "PIPELINE", add = pipeline_values())]
    pub pipeline: Option<String>,
    /// The file's text encoding: windows-1252, latin1, utf-16le, … [default: UTF-8, or what
    /// a byte order mark says]
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// What separates a CSV's columns: , ; tab or | [default: from the header line]
    #[arg(long, value_name = "CHAR", allow_hyphen_values = true)]
    pub delimiter: Option<String>,
}

/// `--from` takes the transfer module's CRM profiles, by their names and in its order.
impl ValueEnum for Crm {
    fn value_variants<'a>() -> &'a [Self] {
        &Crm::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// The decimal mark of a file's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecimalMark {
    Point,
    Comma,
}

/// The order of day, month and year in numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrder {
    Mdy,
    Dmy,
    Ymd,
}
