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
use std::time::Duration;

use serde_json::Value;

use crate::cli::{Cli, Command};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::{kind_of, DealId, PipelineId, StageId};
use crate::json;
use crate::output::{DealView, Printer};
use crate::record::{Deal, Metadata, Pipeline, Stage};
use crate::store::{Access, Location, Store, Tx};

/// What every handler gets: the open database, the clock, and the printer.
pub struct Ctx {
    pub store: Store,
    pub clock: Clock,
    pub out: Printer,
}

pub const BUSY_VAR: &str = "REX_BUSY_TIMEOUT";

/// Who "me" is: the default owner of new deals and of `rex today`.
pub const OWNER_VAR: &str = "REX_OWNER";

/// `REX_OWNER`, when set to something.
pub fn me() -> Option<String> {
    std::env::var(OWNER_VAR)
        .ok()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
}

pub fn run(cli: Cli) -> Result<()> {
    // Tables show times relative to the command's clock (its errors are reported below).
    let now = Clock::from_env().map_or_else(|_| chrono::Utc::now(), |c| c.now());
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
    let clock = Clock::from_env()?;
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

pub const DB_VAR: &str = "REX_DB";

/// `--db`, else `REX_DB`, else the per-user data directory: a file path or a PostgreSQL
/// URL. An empty one is refused rather than quietly falling back to the personal database
/// (a script's unset variable).
pub fn database_location(flag: Option<std::ffi::OsString>) -> Result<Location> {
    if let Some(p) = flag {
        if p.is_empty() {
            return Err(Error::usage(
                "--db is empty; give a database file path (like --db ~/work/rex.db) or a postgres:// URL",
            ));
        }
        return Location::parse(&p, "--db");
    }
    if let Some(p) = std::env::var_os(DB_VAR) {
        if p.is_empty() {
            return Err(Error::usage(format!(
                "{DB_VAR} is set but empty; set it to a database file path or a postgres:// URL, or unset it"
            )));
        }
        return Location::parse(&p, DB_VAR);
    }
    directories::ProjectDirs::from("", "", "rex")
        .map(|d| Location::File(d.data_dir().join("rex.db")))
        .ok_or_else(|| {
            Error::Unusable(
                "cannot find a home directory for the database; pass --db PATH or set REX_DB"
                    .into(),
            )
        })
}

fn busy_timeout() -> Result<Duration> {
    match std::env::var(BUSY_VAR) {
        Err(_) => Ok(Duration::from_millis(5000)),
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| {
                Error::usage(format!(
                    "{BUSY_VAR}='{text}' is not a number of milliseconds; set it like 5000"
                ))
            }),
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

/// Names for a "did you mean" list: at most ten, quoted.
fn candidates(names: &[String]) -> String {
    quoted(names, 10)
}

/// Names in a one-line message: the first `at_most`, quoted, then how many more
/// (`'a', 'b', and 3 more`).
pub fn quoted<S: AsRef<str>>(names: &[S], at_most: usize) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(at_most)
        .map(|n| format!("'{}'", n.as_ref().trim()))
        .collect();
    if names.len() > at_most {
        shown.push(format!("and {} more", names.len() - at_most));
    }
    shown.join(", ")
}

/// How many characters a short deal reference has at least, when rex prints one.
pub const REF_MIN: usize = 7;

/// How many characters of an id's end a user must type at least to name a deal by it.
const REF_TYPED_MIN: usize = 6;

/// The characters of a TypeID's suffix (Crockford's base32, lower case).
const BASE32: &str = "0123456789abcdefghjkmnpqrstvwxyz";

/// A deal the user named, in the first of these forms that matches: its full id; the end of
/// its id (at least six characters) that exactly one deal's id ends in; its name ignoring
/// case; the one deal whose name contains the text. Several matches are a usage error
/// listing them (exit 2), none is not-found (exit 3).
pub fn find_deal(tx: &dyn Tx, text: &str) -> Result<Deal> {
    if let Ok(id) = text.parse::<DealId>() {
        return tx
            .deal(id)?
            .ok_or_else(|| Error::not_found(format!("no deal with id {id}")));
    }
    match kind_of(text) {
        Some(other) => {
            return Err(Error::usage(format!(
                "expected a deal, got a {other} id '{text}'"
            )))
        }
        None if text.to_ascii_lowercase().starts_with("deal_") => {
            return Err(Error::usage(text.parse::<DealId>().unwrap_err()));
        }
        None => {}
    }
    let wanted = text.trim();
    if wanted.is_empty() {
        return Err(Error::usage(
            "the deal is empty; give its id, the end of its id, or its name",
        ));
    }
    let end = wanted.to_ascii_lowercase();
    if (REF_TYPED_MIN..=26).contains(&end.len()) && end.chars().all(|c| BASE32.contains(c)) {
        let mut found: Vec<Deal> = tx
            .deals_ending_in(&end, 11)?
            .into_iter()
            .filter(|d| d.id.to_string().ends_with(&end))
            .collect();
        match found.len() {
            0 => {}
            1 => return Ok(found.remove(0)),
            n => return Err(ambiguous(tx, wanted, found, (n <= 10).then_some(n as i64))?),
        }
    }
    let (mut found, total) = tx.deals_named(wanted, 11)?;
    match found.len() {
        0 => Err(Error::not_found(format!(
            "no deal has the id, reference or name '{wanted}'; rex deal list --search TEXT finds deals by part of their name"
        ))),
        1 => Ok(found.remove(0)),
        _ => Err(ambiguous(tx, wanted, found, Some(total))?),
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
    let mut refs = tx.short_refs(&ids, REF_MIN)?;
    for v in &mut views {
        v.short_ref = refs.remove(&v.deal.id);
    }
    Ok(())
}

/// The refusal of a reference several deals match: up to ten as `REF name (stage, value)`.
fn ambiguous(tx: &dyn Tx, text: &str, found: Vec<Deal>, total: Option<i64>) -> Result<Error> {
    let ids: Vec<DealId> = found.iter().map(|d| d.id).collect();
    let refs = tx.short_refs(&ids, REF_MIN)?;
    let labels = tx.stage_labels()?;
    let shown: Vec<String> = found
        .iter()
        .take(10)
        .map(|d| {
            let stage = labels.get(&d.stage_id).map(|l| l.0.as_str()).unwrap_or("");
            format!("{} {} ({stage}, {})", refs[&d.id], d.name, d.value)
        })
        .collect();
    let more = match total {
        Some(n) if n > 10 => format!(", and {} more", n - 10),
        Some(_) => String::new(),
        None => ", and more".to_string(),
    };
    let n = total.map_or_else(|| "more than 10".to_string(), |n| n.to_string());
    Ok(Error::usage(format!(
        "'{text}' matches {n} deals: {}{more}; give more of the reference, or the full id",
        shown.join(", ")
    )))
}

/// The pipeline named, or the only one there is (for a new deal, a board).
pub fn pipeline_or_only(tx: &dyn Tx, named: Option<&str>) -> Result<Pipeline> {
    if let Some(text) = named {
        return find_pipeline(tx, text);
    }
    let mut all = tx.pipelines()?;
    match all.len() {
        0 => Err(Error::not_found(
            "there is no pipeline yet; create one first: rex pipeline create \"Sales Pipeline\"",
        )),
        1 => Ok(all.remove(0)),
        _ => {
            let names: Vec<String> = all.iter().map(|p| format!("'{}'", p.name)).collect();
            Err(Error::usage(format!(
                "several pipelines exist ({}); choose one with --pipeline NAME",
                names.join(", ")
            )))
        }
    }
}

/// A pipeline by id or by name (ignoring case).
pub fn find_pipeline(tx: &dyn Tx, text: &str) -> Result<Pipeline> {
    if let Ok(id) = text.parse::<PipelineId>() {
        return tx
            .pipeline(id)?
            .ok_or_else(|| Error::not_found(format!("no pipeline with id {id}")));
    }
    if let Some(other) = kind_of(text) {
        return Err(Error::usage(format!(
            "expected a pipeline id or name, got a {other} id '{text}'"
        )));
    }
    if let Some(p) = tx.pipeline_named(text)? {
        return Ok(p);
    }
    let names = tx.pipeline_names()?;
    Err(if names.is_empty() {
        Error::not_found(format!(
            "no pipeline named '{text}'; there are none yet: rex pipeline create \"{text}\""
        ))
    } else {
        Error::not_found(format!(
            "no pipeline named '{text}'; pipelines: {}",
            candidates(&names)
        ))
    })
}

/// A stage of `pipeline` by id or name. A stage id of another pipeline is a conflict.
pub fn find_stage<'p>(tx: &dyn Tx, pipeline: &'p Pipeline, text: &str) -> Result<&'p Stage> {
    if let Ok(id) = text.parse::<StageId>() {
        if let Some(s) = pipeline.stage(id) {
            return Ok(s);
        }
        return Err(match tx.pipeline_of_stage(id)? {
            Some(other) => Error::conflict(format!(
                "stage {id} belongs to pipeline '{}', not '{}'",
                other.name, pipeline.name
            )),
            None => Error::not_found(format!("no stage with id {id}")),
        });
    }
    if let Some(other) = kind_of(text) {
        return Err(Error::usage(format!(
            "expected a stage id or name, got a {other} id '{text}'"
        )));
    }
    let key = crate::record::name_key(text);
    pipeline
        .stages
        .iter()
        .find(|s| crate::record::name_key(&s.name) == key)
        .ok_or_else(|| {
            let names: Vec<String> = pipeline.stages.iter().map(|s| s.name.clone()).collect();
            Error::not_found(format!(
                "no stage named '{text}' in pipeline '{}'; stages: {}",
                pipeline.name,
                candidates(&names)
            ))
        })
}

/// A stage by id or name in any pipeline; a name several pipelines have is ambiguous.
pub fn find_any_stage(tx: &dyn Tx, text: &str) -> Result<(Stage, Pipeline)> {
    if let Ok(id) = text.parse::<StageId>() {
        let p = tx
            .pipeline_of_stage(id)?
            .ok_or_else(|| Error::not_found(format!("no stage with id {id}")))?;
        let s = p
            .stage(id)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("no stage with id {id}")))?;
        return Ok((s, p));
    }
    if let Some(other) = kind_of(text) {
        return Err(Error::usage(format!(
            "expected a stage id or name, got a {other} id '{text}'"
        )));
    }
    let mut found = tx.stages_named(text)?;
    match found.len() {
        0 => Err(Error::not_found(format!(
            "no stage named '{text}' in any pipeline"
        ))),
        1 => {
            let (stage, pid, _) = found.remove(0);
            let p = tx
                .pipeline(pid)?
                .ok_or_else(|| Error::not_found(format!("no pipeline with id {pid}")))?;
            Ok((stage, p))
        }
        _ => {
            let names: Vec<String> = found
                .iter()
                .map(|(s, _, p)| format!("{} ({p})", s.name))
                .collect();
            Err(Error::usage(format!(
                "stage name '{text}' is ambiguous: {}; add --pipeline or use a stage id",
                candidates(&names)
            )))
        }
    }
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

/// A JSON value with every object's keys sorted, so equal values are stored alike.
pub fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(sorted(
            map.into_iter().map(|(k, v)| (k, canonical(v))).collect(),
        )),
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

pub fn sorted(map: Metadata) -> Metadata {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}
