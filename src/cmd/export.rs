//! `rex export`: the format and where to write (stdout, or a file replaced only once the
//! export is whole) chosen from the command line; the records come from
//! [`transfer::write_export`].

use std::io::{self, BufWriter};
use std::path::Path;

use super::Ctx;
use crate::cli::Format;
use crate::error::{Error, Result};
use crate::target_file::TargetFile;
use crate::transfer::{self, What};

pub fn run(ctx: &mut Ctx, what: What, file: Option<&Path>) -> Result<()> {
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
        .read(|tx| transfer::write_export(tx, &mut printer, what, format == Format::Csv));
    drop(printer);
    // On any error the file being written is dropped with its target untouched.
    written?;
    match target {
        Some(t) => t.commit(),
        None => Ok(()),
    }
}
