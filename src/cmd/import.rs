//! `rex import`: the command line turned into the transfer module's options, the input
//! opened, the import run, and what it did said (its report on stdout, notes on stderr,
//! and a progress line on a terminal).

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;

use super::Ctx;
use crate::cli::{self, ImportArgs, ImportFormat};
use crate::error::{Error, Result};
use crate::output::ImportReport;
use crate::store::Load;
use crate::transfer::{
    self, DateOrder, DecimalMark, ImportOptions, Input, InputFormat, Reading, Rounding,
};

pub fn run(ctx: &mut Ctx, args: &ImportArgs) -> Result<()> {
    let (dry_run, upsert) = (args.dry_run, args.upsert);
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    let reading = Reading {
        from: args.from,
        maps: args.maps.clone(),
        keep_unknown: args.keep_unknown,
        rates: args.rates.clone(),
        date_order: args.date_order.map(date_order),
        decimal: args.decimal.map(decimal_mark),
        describe: dry_run && !ctx.out.is_quiet(),
        encoding: args
            .encoding
            .as_deref()
            .map(transfer::encoding)
            .transpose()?,
        delimiter: args
            .delimiter
            .as_deref()
            .map(transfer::delimiter)
            .transpose()?,
        rounding: Rounding {
            allowed: args.round,
            ..Default::default()
        },
        won_stages: args.won_stages.clone(),
        lost_stages: args.lost_stages.clone(),
    };
    let rounding = reading.rounding.clone();
    let format = match args.input_format {
        Some(f) => input_format(f),
        None => InputFormat::of(path, &reading),
    };
    reading.check(format)?;
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
    let input = Input {
        reader,
        regular,
        format,
        reading,
    };
    let progress = Progress {
        shown: io::stderr().is_terminal() && !ctx.out.is_quiet(),
    };
    let load = match (dry_run, upsert) {
        (true, _) => Load::DryRun,
        (false, true) => Load::Upsert,
        (false, false) => Load::Insert,
    };
    let imported = transfer::import(&mut ctx.store, load, ctx.clock, input, options, &|r| {
        progress.tick(r)
    });
    progress.done();
    let imported = imported?;
    for note in &imported.notes {
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
    counted(
        imported.no_amount,
        "deal",
        "deals",
        "no amount",
        "imported as $0.00",
    );
    counted(
        rounding.rounded(),
        "amount",
        "amounts",
        "more than cents",
        "rounded half up",
    );
    let report = ImportReport {
        dry_run,
        ..imported.report
    };
    let printed = ctx.out.one(&report);
    if dry_run {
        return printed;
    }
    super::print_saved(printed, || {
        format!(
            "the import ({} pipelines, {} deals, {} activities, {} history entries)",
            report.pipelines, report.deals, report.activities, report.events
        )
    })
}

/// The "importing… N records" line on a terminal.
struct Progress {
    shown: bool,
}

impl Progress {
    fn tick(&self, r: &ImportReport) {
        let n = r.pipelines + r.deals + r.activities + r.events;
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

/// `--format`.
fn input_format(f: ImportFormat) -> InputFormat {
    match f {
        ImportFormat::Jsonl => InputFormat::Jsonl,
        ImportFormat::Json => InputFormat::Json,
        ImportFormat::Csv => InputFormat::Csv,
    }
}

/// `--date-order`.
fn date_order(o: cli::DateOrder) -> DateOrder {
    match o {
        cli::DateOrder::Mdy => DateOrder::Mdy,
        cli::DateOrder::Dmy => DateOrder::Dmy,
        cli::DateOrder::Ymd => DateOrder::Ymd,
    }
}

/// `--decimal`.
fn decimal_mark(d: cli::DecimalMark) -> DecimalMark {
    match d {
        cli::DecimalMark::Point => DecimalMark::Point,
        cli::DecimalMark::Comma => DecimalMark::Comma,
    }
}

#[cfg(test)]
mod tests {
    use crate::transfer::Crm;
    use clap::ValueEnum;

    /// The transfer module names its profiles as `--from` takes them, in the same order
    /// (its refusals list them).
    #[test]
    fn profiles_are_named_as_from_takes_them() {
        let given: Vec<String> = Crm::value_variants()
            .iter()
            .map(|c| c.to_possible_value().expect("shown").get_name().to_string())
            .collect();
        let listed: Vec<&str> = Crm::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(given, listed);
    }
}
