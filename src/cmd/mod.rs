//! The command line's front door: the command table ([`plan`]: per command its access, its
//! records and its handler) and a thin handler per noun, which turns arguments into an
//! operation of [`crate::ops`] and its result into what the [`Printer`] renders.

mod activity;
mod backup;
mod board;
mod context;
mod deal;
mod export;
mod help;
mod import;
mod info;
mod pipeline;
mod report;
mod serve;
mod team;
mod token;

use std::io::{self, Write};
use std::path::PathBuf;

pub use crate::ops::lookup::{
    find_any_stage, find_deal, find_pipeline, find_stage, pipeline_or_only, quoted, REF_MIN,
};
pub use crate::record::{canonical, sorted};
use crate::settings::busy_timeout;
pub use crate::settings::me;
pub use context::{
    changes_line, confirm, deal_named, fill_refs, meta_key, parse_meta, print_saved, Ctx,
};

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::output::{DealView, Printer, Record};
use crate::store::{Access, Location, Missing, Store};
use crate::transfer;

pub fn run(cli: Cli) -> Result<()> {
    refuse_calendar(&cli)?;
    // Tables show times relative to the command's clock (its errors are reported below).
    let now = crate::settings::clock().map_or_else(|_| chrono::Utc::now(), |c| c.now());
    let out = Printer::new(&cli.output.options(), now);
    let new = when_missing(&cli.command);
    let team_only = matches!(cli.command, Command::Team(_) | Command::Audit(_));
    let (access, check_fields, run) = match plan(
        cli.command,
        cli.db.clone().map(PathBuf::into_os_string),
        cli.output.quiet,
    ) {
        Plan::Alone(run) => return run(),
        Plan::Stored {
            access,
            fields,
            run,
        } => (access, fields, run),
    };
    check_fields(&out)?;
    let clock = crate::settings::clock()?;
    // Who the history events of a write are recorded as (REX_OWNER, checked here so that a
    // bad one is refused before anything opens, on either backend; a read never records).
    let actor = match access {
        Access::Write => Some(crate::settings::actor()?),
        Access::Read => None,
    };
    let database = crate::settings::database(cli.db.map(PathBuf::into_os_string))?;
    if team_only && matches!(database.location, Location::File(_)) {
        return Err(Error::usage(crate::ops::team::TEAM_ONLY));
    }
    let missing = new.missing(database.chosen);
    database.location.check()?;
    if missing == Missing::Refuse && database.location.is_missing() {
        return Err(no_database(&database.location, database.chosen));
    }
    let mut store = Store::open_for(&database.location, busy_timeout()?, access, missing)?;
    if let Some(actor) = actor {
        store.record_actor(actor);
    }
    let mut ctx = Ctx { store, clock, out };
    let result = run(&mut ctx);
    if new == New::Creates {
        // A database this command created and then, failing or finding nothing to add, left
        // without pipelines or deals goes again, with the directories made for it. Removing
        // it is tidying up: if that fails, the command's own outcome is what counts.
        let _ = ctx.store.discard_if_unused();
    }
    result
}

/// `-o ics` is a calendar of activities: only `activity list` prints one.
fn refuse_calendar(cli: &Cli) -> Result<()> {
    use crate::cli::ActivityCommand;
    use crate::output::Format;
    let listing = matches!(cli.command, Command::Activity(ActivityCommand::List(_)));
    if cli.output.options().format == Some(Format::Ics) && !listing {
        return Err(Error::usage(
            "-o ics (an iCalendar file) is printed by rex activity list only; use table, wide, tsv, json, jsonl, csv or id",
        ));
    }
    Ok(())
}

/// What a command does when its database file does not exist yet. Only a command that adds
/// data creates one: a mistyped `--db` or `REX_DB` must not quietly become a new, empty
/// database that a cron job then reads "nothing stalled" from, forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum New {
    /// Adds data, so creates the file (and its directory), and removes them again when it
    /// fails or adds nothing after all.
    Creates,
    /// Reads or changes what is there: a file that was chosen (`--db`, `REX_DB`) must
    /// exist; the per-user default reads as an empty database until something creates it.
    Reads,
    /// Copies the database (backup): there must be one, wherever it is.
    Needs,
    /// Rehearses adding data (`import --dry-run`) on an empty stand-in, creating nothing.
    Rehearses,
}

impl New {
    fn missing(self, chosen: bool) -> Missing {
        match self {
            New::Creates => Missing::Create,
            New::Reads if chosen => Missing::Refuse,
            New::Reads | New::Rehearses => Missing::Empty,
            New::Needs => Missing::Refuse,
        }
    }
}

/// Which commands may create a database: those that add data. `deal create` is not one of
/// them: a deal needs a pipeline, which a new database does not have, so it could only
/// leave an empty database behind at a mistyped path.
fn when_missing(command: &Command) -> New {
    use crate::cli::PipelineCommand as P;
    match command {
        Command::Pipeline(P::Create { .. }) => New::Creates,
        Command::Import(args) if args.dry_run => New::Rehearses,
        Command::Import(_) => New::Creates,
        Command::Backup { .. } | Command::Token(_) => New::Needs,
        _ => New::Reads,
    }
}

/// The database file that a command needs does not exist: named, with what creates one
/// (and, for a path the person chose, a word that it may be mistyped).
pub(crate) fn no_database(location: &Location, chosen: bool) -> Error {
    let check = if chosen { "check --db/REX_DB; " } else { "" };
    Error::Unusable(format!(
        "no database at {} ({check}rex pipeline create NAME creates one)",
        crate::output::one_line(&location.shown())
    ))
}

/// What the command table says about one command: how it runs, and for a command on the
/// database, how it opens it and which `--fields` it takes.
enum Plan {
    /// Runs without a database (help, completions).
    Alone(Box<dyn FnOnce() -> Result<()>>),
    /// Runs on the database, opened for `access` (a reader can still be served from a full
    /// disk), once `fields` has refused any `--fields` its records do not have.
    Stored {
        access: Access,
        fields: Fields,
        run: Handler,
    },
}

/// A command's handler, with its arguments.
type Handler = Box<dyn FnOnce(&mut Ctx) -> Result<()>>;

/// Refuses `--fields` that a command's records do not have, before anything runs.
type Fields = fn(&Printer) -> Result<()>;

impl Plan {
    fn stored(
        access: Access,
        fields: Fields,
        run: impl FnOnce(&mut Ctx) -> Result<()> + 'static,
    ) -> Plan {
        Plan::Stored {
            access,
            fields,
            run: Box::new(run),
        }
    }
}

/// `--fields` checked against the fields of record `R`.
fn fields<R: Record>(out: &Printer) -> Result<()> {
    out.check_fields::<R>()
}

/// For commands that print no records, and deal with `--fields` themselves.
fn own_fields(_: &Printer) -> Result<()> {
    Ok(())
}

/// The command table: per command, its access, its records and its handler.
fn plan(command: Command, db: Option<std::ffi::OsString>, quiet: bool) -> Plan {
    use crate::cli::{DealCommand as D, PipelineCommand as P, ReportCommand as R};
    use crate::ops::database::DatabaseInfo;
    use crate::ops::pipeline::PipelineOverview;
    use crate::ops::report::{ForecastRow, FunnelRow, LostReasonRow, WinsRow};
    use crate::output::{ActivityView, BoardView, ImportReport, StalledView};
    use crate::record::Event;
    use crate::store::PipelineSummary;
    use Access::{Read, Write};
    match command {
        Command::Deal(c) => {
            let (access, records): (Access, Fields) = match &c {
                D::List(_) | D::Show { .. } => (Read, fields::<DealView>),
                D::History { .. } => (Read, fields::<Event>),
                D::Stalled { mark: false, .. } => (Read, fields::<StalledView>),
                D::Stalled { mark: true, .. } => (Write, fields::<StalledView>),
                D::Create { .. }
                | D::Update { .. }
                | D::Move { .. }
                | D::Close { .. }
                | D::Reopen { .. }
                | D::Note { .. }
                | D::Delete { .. } => (Write, fields::<DealView>),
            };
            Plan::stored(access, records, move |ctx| deal::run(ctx, c))
        }
        Command::Activity(c) => {
            use crate::cli::ActivityCommand as A;
            let access = match &c {
                A::List(_) | A::Show { .. } => Read,
                A::Add(_) | A::Update(_) | A::Delete { .. } | A::Done { .. } | A::Undo { .. } => {
                    Write
                }
            };
            Plan::stored(access, fields::<ActivityView>, move |ctx| {
                activity::run(ctx, c)
            })
        }
        Command::Pipeline(P::Create {
            name,
            stages,
            stall_days,
            stage_probability,
        }) => Plan::stored(Write, fields::<PipelineOverview>, move |ctx| {
            pipeline::create(ctx, name, &stages, stall_days, &stage_probability)
        }),
        Command::Pipeline(P::List) => Plan::stored(Read, fields::<PipelineSummary>, pipeline::list),
        Command::Pipeline(P::Show { pipeline }) => {
            Plan::stored(Read, fields::<PipelineOverview>, move |ctx| {
                pipeline::show(ctx, &pipeline)
            })
        }
        Command::Pipeline(P::Update(changes)) => {
            Plan::stored(Write, fields::<PipelineOverview>, move |ctx| {
                pipeline::update(ctx, &changes)
            })
        }
        Command::Pipeline(P::Delete { pipeline, yes }) => {
            Plan::stored(Write, fields::<PipelineOverview>, move |ctx| {
                pipeline::delete(ctx, &pipeline, yes)
            })
        }
        Command::Board {
            pipeline,
            named_pipeline,
            owner,
            limit,
        } => Plan::stored(Read, fields::<BoardView>, move |ctx| {
            let pipeline = pipeline.or(named_pipeline);
            board::board(ctx, pipeline.as_deref(), owner.as_deref(), limit)
        }),
        Command::Today {
            owner,
            all,
            section,
        } => Plan::stored(Read, own_fields, move |ctx| {
            board::today(ctx, owner, all, &section)
        }),
        Command::Forecast { scope, by, periods } => {
            Plan::stored(Read, fields::<ForecastRow>, move |ctx| {
                report::forecast(ctx, scope, by, periods)
            })
        }
        Command::Report(R::Wins {
            scope,
            window,
            by,
            exit_status,
        }) => Plan::stored(Read, fields::<WinsRow>, move |ctx| {
            report::wins(ctx, scope, window, by, exit_status)
        }),
        Command::Report(R::Stages {
            pipeline,
            named_pipeline,
            since,
            exit_status,
        }) => Plan::stored(Read, fields::<FunnelRow>, move |ctx| {
            let pipeline = pipeline.or(named_pipeline);
            report::stages(ctx, pipeline.as_deref(), since, exit_status)
        }),
        Command::Report(R::LostReasons {
            scope,
            window,
            exit_status,
        }) => Plan::stored(Read, fields::<LostReasonRow>, move |ctx| {
            report::lost_reasons(ctx, scope, window, exit_status)
        }),
        Command::Export {
            deals,
            pipelines,
            all: _,
            file,
        } => Plan::stored(Read, own_fields, move |ctx| {
            let what = if deals {
                transfer::What::Deals
            } else if pipelines {
                transfer::What::Pipelines
            } else {
                transfer::What::All
            };
            export::run(ctx, what, file.as_deref())
        }),
        Command::Import(args) => Plan::stored(Write, fields::<ImportReport>, move |ctx| {
            import::run(ctx, &args)
        }),
        Command::Backup { path } => {
            Plan::stored(Read, own_fields, move |ctx| backup::run(ctx, &path))
        }
        Command::Token(c) => {
            use crate::cli::TokenCommand as T;
            let (access, records): (Access, Fields) = match c {
                T::Create { .. } => (Write, fields::<crate::output::CreatedToken>),
                T::List => (Read, fields::<crate::ops::token::Token>),
                T::Revoke { .. } => (Write, fields::<crate::ops::token::Token>),
            };
            Plan::stored(access, records, move |ctx| token::run(ctx, c))
        }
        Command::Team(c) => {
            use crate::cli::TeamCommand as T;
            let (access, records): (Access, Fields) = match c {
                T::Init => (Write, own_fields),
                T::List => (Read, fields::<crate::store::TeamMember>),
                T::Add { .. } | T::SetRole { .. } | T::Remove { .. } => {
                    (Write, fields::<crate::store::TeamMember>)
                }
            };
            Plan::stored(access, records, move |ctx| team::run(ctx, c))
        }
        Command::Audit(args) => {
            Plan::stored(Read, fields::<crate::output::AuditView>, move |ctx| {
                team::audit(ctx, &args)
            })
        }
        Command::Serve(args) => Plan::Alone(Box::new(move || serve::run(db, quiet, args))),
        Command::Info => Plan::stored(Read, fields::<DatabaseInfo>, info::run),
        Command::Completions { shell } => Plan::Alone(Box::new(move || {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&crate::docs::completion(shell))?;
            Ok(stdout.flush()?)
        })),
        Command::Help { topic } => Plan::Alone(Box::new(move || help::show(&topic))),
    }
}
