//! Command handlers, a file per noun. Handlers compute records; the [`Printer`] renders them.

mod backup;
mod board;
mod crm;
mod deal;
mod decoding;
mod help;
mod info;
mod pipeline;
mod report;
mod transfer;

use std::collections::HashMap;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use serde_json::Value;

pub use crate::ops::lookup::{
    find_any_stage, find_deal, find_pipeline, find_stage, pipeline_or_only, quoted, REF_MIN,
};
pub use crate::record::{canonical, sorted};
pub use crate::settings::me;
use crate::settings::{busy_timeout, database_location};

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::{DealId, StageId};
use crate::json;
use crate::output::{DealView, Printer};
use crate::record::Deal;
use crate::store::{Access, Store, Tx};

/// What every handler gets: the open database, the clock, and the printer.
pub struct Ctx {
    pub store: Store,
    pub clock: Clock,
    pub out: Printer,
}

pub fn run(cli: Cli) -> Result<()> {
    // Tables show times relative to the command's clock (its errors are reported below).
    let now = crate::settings::clock().map_or_else(|_| chrono::Utc::now(), |c| c.now());
    let out = Printer::new(&cli.output, now);
    match &cli.command {
        Command::Help { topic } => return help::show(topic),
        Command::Completions { shell } => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&crate::docs::completion(*shell))?;
            return Ok(stdout.flush()?);
        }
        _ => {}
    }
    check_fields(&cli.command, &out)?;
    let clock = crate::settings::clock()?;
    let location = database_location(cli.db.map(PathBuf::into_os_string))?;
    let store = Store::open(&location, busy_timeout()?, access(&cli.command))?;
    let mut ctx = Ctx { store, clock, out };
    match cli.command {
        Command::Deal(c) => deal::run(&mut ctx, c),
        Command::Pipeline(c) => pipeline::run(&mut ctx, c),
        Command::Info => info::run(&mut ctx),
        Command::Backup { path } => backup::run(&mut ctx, &path),
        Command::Board {
            pipeline,
            owner,
            limit,
        } => board::board(&mut ctx, pipeline.as_deref(), owner.as_deref(), limit),
        Command::Today { owner, all } => board::today(&mut ctx, owner, all),
        Command::Forecast { scope, by, periods } => report::forecast(&mut ctx, &scope, by, periods),
        Command::Report(r) => report::run(&mut ctx, r),
        Command::Export {
            deals,
            pipelines,
            all: _,
            file,
        } => {
            let what = if deals {
                transfer::What::Deals
            } else if pipelines {
                transfer::What::Pipelines
            } else {
                transfer::What::All
            };
            transfer::export(&mut ctx, what, file.as_deref())
        }
        Command::Import(args) => transfer::import(&mut ctx, &args),
        Command::Help { .. } | Command::Completions { .. } => Ok(()),
    }
}

/// Whether a command only reads (and so can be served from a full disk).
fn access(command: &Command) -> Access {
    use crate::cli::{DealCommand as D, PipelineCommand as P};
    match command {
        Command::Deal(D::List(_) | D::Show { .. } | D::History { .. })
        | Command::Deal(D::Stalled { mark: false, .. })
        | Command::Pipeline(P::List | P::Show { .. })
        | Command::Info
        | Command::Backup { .. }
        | Command::Board { .. }
        | Command::Today { .. }
        | Command::Forecast { .. }
        | Command::Report(_)
        | Command::Export { .. } => Access::Read,
        _ => Access::Write,
    }
}

/// Refuses `--fields` that the command's records do not have, before anything runs.
fn check_fields(command: &Command, out: &Printer) -> Result<()> {
    use crate::cli::{DealCommand as D, PipelineCommand as P};
    use crate::output::{DealView, InfoView, PipelineView, StalledView};
    match command {
        Command::Deal(D::History { .. }) => out.check_fields::<crate::record::Event>(),
        Command::Deal(D::Stalled { .. }) => out.check_fields::<StalledView>(),
        Command::Deal(_) => out.check_fields::<DealView>(),
        Command::Pipeline(P::List) => out.check_fields::<crate::store::PipelineSummary>(),
        Command::Pipeline(_) => out.check_fields::<PipelineView>(),
        Command::Info => out.check_fields::<InfoView>(),
        Command::Board { .. } => out.check_fields::<crate::output::BoardView>(),
        Command::Today { .. } => out.check_fields::<crate::output::TodayView>(),
        Command::Forecast { .. } => out.check_fields::<crate::output::ForecastRow>(),
        Command::Report(crate::cli::ReportCommand::Wins { .. }) => {
            out.check_fields::<crate::output::WinsRow>()
        }
        Command::Report(crate::cli::ReportCommand::Stages { .. }) => {
            out.check_fields::<crate::output::FunnelRow>()
        }
        Command::Report(crate::cli::ReportCommand::LostReasons { .. }) => {
            out.check_fields::<crate::output::LostReasonRow>()
        }
        Command::Import(_) => out.check_fields::<crate::output::ImportReport>(),
        Command::Export { .. }
        | Command::Backup { .. }
        | Command::Help { .. }
        | Command::Completions { .. } => Ok(()),
    }
}

/// What a committed change returned, printed. Printing can still fail after the change is
/// saved (a full disk, a closed terminal): the error then says that the change is saved and
/// names it, so that nobody repeats a create and makes a duplicate.
pub fn print_saved(printed: Result<()>, saved: impl FnOnce() -> String) -> Result<()> {
    match printed {
        Err(e @ (Error::BrokenPipe | Error::Silent(_))) => Err(e),
        Err(e) => Err(Error::Failed(format!(
            "{} is saved, but printing it failed ({e}); do not repeat the command",
            saved()
        ))),
        Ok(()) => Ok(()),
    }
}

/// Asks the person at the terminal; without one, refuses unless `yes`.
pub fn confirm(yes: bool, question: &str, refusal: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Error::usage(format!(
            "{refusal} without confirmation; pass --yes to confirm"
        )));
    }
    crate::output::say(format_args!("{question} [y/N] "));
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Error::Failed("cancelled; nothing was changed".into()))
    }
}

/// A deal as a view, named by `labels` (see [`Tx::stage_labels`]).
pub fn labelled(deal: Deal, labels: &HashMap<StageId, (String, String)>) -> DealView {
    let (stage_name, pipeline_name) = labels.get(&deal.stage_id).cloned().unwrap_or_default();
    DealView::new(deal, pipeline_name, stage_name)
}

/// Fills in the short references of deal views (for people; scripts read full ids).
pub fn fill_refs<'a>(tx: &dyn Tx, views: impl IntoIterator<Item = &'a mut DealView>) -> Result<()> {
    let mut views: Vec<&mut DealView> = views.into_iter().collect();
    let ids: Vec<DealId> = views.iter().map(|v| v.deal.id).collect();
    let mut refs = crate::ops::lookup::short_refs(tx, &ids, REF_MIN)?;
    for v in &mut views {
        v.short_ref = refs.remove(&v.deal.id);
    }
    Ok(())
}

/// Parses `KEY=VALUE` (a string) or `KEY:=JSON` (any JSON value).
pub fn parse_meta(text: &str) -> Result<(String, Value)> {
    let (key, value) = text.split_once('=').ok_or_else(|| {
        Error::usage(format!(
            "metadata '{text}' has no '='; use KEY=VALUE or KEY:=JSON"
        ))
    })?;
    let (key, json) = match key.strip_suffix(':') {
        Some(k) => (k, true),
        None => (key, false),
    };
    let key = meta_key(key, text)?;
    let value = if json {
        // The metadata object holds the value: one level of the limit is its own.
        let v = json::parse(value, json::MAX_DEPTH - 1).map_err(|r| match r {
            json::Refusal::Syntax(e) => Error::usage(format!("metadata '{key}' is not valid JSON ({e}); use KEY:=JSON like seats:=25 or KEY=VALUE for text")),
            other => Error::usage(other.describe(&format!("metadata.{key}"))),
        })?;
        canonical(v)
    } else {
        Value::String(value.to_string())
    };
    Ok((key, value))
}

/// Checks a metadata key.
pub fn meta_key(key: &str, whole: &str) -> Result<String> {
    let k = key.trim();
    if k.is_empty() {
        return Err(Error::usage(format!(
            "metadata '{whole}' has no key; use KEY=VALUE"
        )));
    }
    crate::record::clean_text("a metadata key", k, 100).map_err(Error::Usage)
}
