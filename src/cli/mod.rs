//! The whole command-line grammar of rex, in one folder: the top (`rex`, its global flags,
//! its commands) here, each noun's subcommands in a file of its own.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::ArgValueCandidates;

mod activity;
mod deal;
mod import;
mod pipeline;
mod report;
mod serve;
mod team;
pub mod words;

pub use activity::*;
pub use deal::*;
pub use import::*;
pub use pipeline::*;
pub use report::*;
pub use serve::*;
pub use team::*;

pub use crate::output::{ColorChoice, Format};

macro_rules! examples_text {
    () => {
        "Examples:
  rex pipeline create \"Sales Pipeline\"
  rex deal create \"Acme - Enterprise\" --value 5000 --expected-close +4w
  rex deal list --status open --sort value --desc
  rex deal move \"Acme - Enterprise\" Proposal"
    };
}

macro_rules! exit_codes_text {
    () => {
        "Exit codes:
  0  success (an empty list is success)
  1  any other failure, such as a backup or export file that cannot be
     written (with --exit-status: nothing was listed or marked)
  2  usage: unknown flag, missing argument, malformed value (money, date, id,
     colour), or a reference that matches several deals
  3  not found: no deal, pipeline or stage with that id, reference or name
  4  conflict: well-formed, but the data forbids it; nothing was changed
  5  database busy after the timeout, another import still running, or the
     PostgreSQL server went away mid-command or is starting up; nothing was
     changed, safe to retry
  6  database unusable: no database at the --db/REX_DB path (only pipeline
     create and import create one), newer schema, not a rex database,
     damaged, unwritable, its directory unwritable, or its disk full (reads
     still work where SQLite can); a PostgreSQL server or database that
     cannot be reached or does not exist, a refused login, or a role that may
     not set the database up

A change that was saved but could not be printed exits 1 and says it was saved."
    };
}

macro_rules! environment_text {
    () => {
        "Environment:
  REX_DB            database file, or a team's PostgreSQL database as a URL
                    (postgres://user@host:5432/dbname?sslmode=require;
                    sslmode disable|prefer|require|verify-ca|verify-full,
                    sslrootcert=FILE trusts a server's own certificate);
                    overridden by --db; default: the per-user data directory,
                    e.g. ~/.local/share/rex/rex.db on Linux; a file that
                    does not exist is created only by pipeline create and
                    import: other commands exit 6 (at the default path they
                    read as empty); set but empty, to another URL or to a
                    key=value connection string (host=… dbname=…), is
                    refused (exit 2)
  PGPASSWORD        the server's password when the URL has none; else
                    ~/.pgpass (or PGPASSFILE) is read as psql reads it
  PGHOST, PGPORT, PGUSER, PGDATABASE
                    what a postgres:// URL leaves out, as for psql
  REX_NOW           the time rex takes as now, RFC 3339, like
                    2026-03-01T09:00:00Z; timestamps and date words follow it
  REX_BUSY_TIMEOUT  milliseconds to wait for another rex's write (default
                    5000); past it rex exits 5 having changed nothing
  REX_OWNER         who \"me\" is: the owner of new deals unless --owner is
                    given, and whose deals rex today shows unless --owner or
                    --all is given
  COLUMNS           the width of -o table in a pipe (default 100)
  COLORTERM         truecolor or 24bit: stage colours in 24-bit colour
  NO_COLOR          when set, no colour (same as --color never)
  TZ                the zone of \"today\" and of times in tables"
    };
}

/// The whole command tree, its help texts reflowed to 80 columns (the derive's texts are
/// written to be read in the source), and each group (`rex deal`) given [`GROUP_HELP`].
pub fn command() -> clap::Command {
    fn reflow(mut cmd: clap::Command, path: &str) -> clap::Command {
        use crate::text::{wrap, HELP_WIDTH};
        if path != "rex" && cmd.has_subcommands() {
            cmd = cmd.help_template(GROUP_HELP.replace("PATH", path));
        }
        if let Some(h) = cmd.get_after_help() {
            let text = wrap(&h.to_string(), HELP_WIDTH);
            cmd = cmd.after_help(text);
        }
        if let Some(h) = cmd.get_after_long_help() {
            let text = wrap(&h.to_string(), HELP_WIDTH);
            cmd = cmd.after_long_help(text);
        }
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        for name in names {
            let path = format!("{path} {name}");
            cmd = cmd.mut_subcommand(name, |sub| reflow(sub, &path));
        }
        cmd
    }
    reflow(<Cli as clap::CommandFactory>::command(), "rex")
}

/// Completes a deal from the database: short references and names.
fn deal_values() -> ArgValueCandidates {
    ArgValueCandidates::new(crate::complete::deals)
}

/// Completes an activity reference from the database.
fn activity_values() -> ArgValueCandidates {
    ArgValueCandidates::new(crate::complete::activities)
}

/// Completes a pipeline name from the database.
fn pipeline_values() -> ArgValueCandidates {
    ArgValueCandidates::new(crate::complete::pipelines)
}

/// Completes a stage name from the database.
fn stage_values() -> ArgValueCandidates {
    ArgValueCandidates::new(crate::complete::stages)
}

/// The exit-code table (`rex help exit-codes`, and `man rex`).
pub const EXIT_CODES: &str = exit_codes_text!();

/// The environment variables (`rex help environment`, and `man rex`).
pub const ENVIRONMENT: &str = environment_text!();

/// What `rex`, `rex help` and `rex --help` print: one screen (80x24) with the commands and
/// where to read more. The reference (exit codes, environment) is in the topics and in
/// `man rex`, which shows [`AFTER_LONG_HELP`]. Template text is printed as written, so the
/// examples are never wrapped.
const ROOT_HELP: &str = "\
{usage-heading} {usage}
Commands:
{subcommands}

Examples: rex deal create \"Acme Corp\" --value 5000 --expected-close +4w
More:     rex help COMMAND (the same as rex COMMAND --help), man rex
Topics:   rex help options | exit-codes | environment | dates | formatting";

/// What a command with subcommands (`rex deal`, `rex help deal`) prints, PATH being its
/// words (`rex deal`): its commands and examples; the options every command takes are in
/// `rex help options`, so that it fits a screen.
const GROUP_HELP: &str = "\
{about}

{usage-heading} {usage}

Commands:
{subcommands}{after-help}
More: PATH COMMAND --help; rex help options (every command's options)";

/// The description `man rex` opens with (the terminal shows the one-line about).
pub const DESCRIPTION: &str = "A command-line CRM: deals moving through pipelines, in one SQLite \
    file or a team's PostgreSQL database.\n\n\
    Tables on a terminal, tab-separated lines in a pipe, JSON with -o json.";

const AFTER_LONG_HELP: &str = concat!(
    examples_text!(),
    "\n\n",
    exit_codes_text!(),
    "\n\n",
    environment_text!(),
    "\n\n",
    "Topics: rex help options | exit-codes | environment | dates | formatting"
);

#[derive(Debug, Parser)]
#[command(
    name = "rex",
    version,
    about = "A command-line CRM: deals moving through pipelines, in SQLite or PostgreSQL",
    help_template = ROOT_HELP,
    after_long_help = AFTER_LONG_HELP,
    propagate_version = true,
    disable_help_subcommand = true,
    max_term_width = 80
)]
pub struct Cli {
    /// Database file, or a postgres:// URL of a shared one [default: $REX_DB, else the
    /// per-user data directory]
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, tsv otherwise]
    #[arg(
        short = 'o',
        long = "output",
        global = true,
        value_enum,
        value_name = "FORMAT"
    )]
    pub format: Option<Format>,

    /// Same as -o json
    #[arg(long, global = true)]
    pub json: bool,

    /// When to use colour in tables
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print nothing but data (no notes or hints on stderr)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Only these fields, in this order (JSON names, comma-separated); also picks table columns.
    /// A deal also has value_dollars ("48000.00"), printed only when named here
    #[arg(long, global = true, value_delimiter = ',', value_name = "FIELDS")]
    pub fields: Vec<String>,
}

impl OutputArgs {
    /// What the printer is asked for (`--json` is `-o json`).
    pub fn options(&self) -> crate::output::Options {
        crate::output::Options {
            format: if self.json {
                Some(Format::Json)
            } else {
                self.format
            },
            color: self.color,
            quiet: self.quiet,
            fields: self.fields.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with deals: create, list, show, update, move, close, ...
    #[command(
        subcommand,
        after_help = "Examples:\n  rex deal create Acme --value 5000\n  rex deal list --status open\n  rex deal stalled --mark"
    )]
    Deal(DealCommand),
    /// Next steps on deals: add, list, done, update, delete activities
    #[command(
        subcommand,
        after_help = "Examples:\n  rex activity add Acme \"Call CFO\" --type call --due tomorrow --at 14:00\n  rex activity list --overdue\n  rex activity done 8w2k4mq"
    )]
    Activity(ActivityCommand),
    /// Work with pipelines and their stages
    #[command(
        subcommand,
        after_help = "Examples:\n  rex pipeline create \"Sales Pipeline\"\n  rex pipeline show \"Sales Pipeline\"\n  rex pipeline list"
    )]
    Pipeline(PipelineCommand),
    /// A pipeline as a board: its stages side by side, with their deals
    #[command(after_long_help = "\
Each stage shows how many active (open or stalled) deals it holds and their value, then
the largest of them, one line each: name, its next step's date (its earliest pending
activity's, as `Mar 5`) when the column has room for it, value, reference, ~ when
stalled, ! when past its expected close and ? when it has no next step (no pending
activity: rex deal list --no-next-step lists them). On a terminal the board fits its width (stages that do not fit
side by side wrap into rows) and each stage shows what fits the screen's height;
--limit sets how many. When not even a deal of each stage fits, the stages show their
counts and values only, then one line a stage; if even those are too many, the first
stages and a line saying how to see all of them. The pipeline may be left out when only
one exists.

JSON: {\"pipeline\": {\"id\", \"name\"}, \"stages\": [{\"id\", \"name\", \"color\",
\"position\", \"count\", \"value\", \"deals\": [DEAL...]}]}; count and value cover every
active deal of the stage, deals the largest (all of them off a terminal unless --limit).

Examples:
  rex board
  rex board Partners --owner ana --limit 5
  rex board -o json | jq '.stages[] | {name, count, value}'")]
    Board {
        /// Pipeline id or name (may be left out when only one exists)
        #[arg(add = pipeline_values())]
        pipeline: Option<String>,
        /// The pipeline, named as other commands name it (the same as PIPELINE)
        #[arg(long = "pipeline", value_name = "PIPELINE", conflicts_with = "pipeline", add = pipeline_values())]
        named_pipeline: Option<String>,
        /// Only this owner's deals (ignoring case)
        #[arg(long, value_name = "OWNER")]
        owner: Option<String>,
        /// At most N deals per stage [default: what fits the screen]
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// The morning: the activities due and the deals that need attention
    #[command(after_long_help = "\
Sections, in this order (a deal is in the first of overdue .. going_stale that
applies):
  activities_overdue  pending activities due before today
  activities_today    pending activities due today (all-day ones first)
  overdue             active deals expected to close before today
  closing_soon        active deals expected to close within the next 7 days (today
                      included)
  stalled             deals with status stalled
  going_stale         open deals that pass their stall period within the next 3 days
  no_next_step        active deals without a pending activity, whether or not a
                      section above has them
Active means open or stalled. The activities and deals are REX_OWNER's (an activity's
own owner) when it is set, unless --owner or --all is given; everyone's otherwise. An
activity of a closed deal is listed until it is done or deleted. Today follows TZ and
REX_NOW.

On a terminal, today fits the screen: each section is a heading with its count (and its
deals' value), then its rows one line each: an activity's reference, when it is due (its
time, for one due today), type, subject and deal; a deal's reference, name, value, stage
and expected close; the owner too with --all or another's --owner. The most urgent
sections get the lines first; a section that does not fit whole ends with a line such as
'+12 more: rex today --section overdue', which shows that section in full. In a pipe,
-o table shows every row.

--section shows only the sections named (repeat it, or separate them with commas), in
full, in every format.

TSV, CSV, JSON Lines and -o id: one flat list, section by section, each deal's fields
then its section: overdue, closing_soon, stalled and going_stale, or the deal sections
--section names (no_next_step among them); when it names only activities_overdue and
activities_today, each activity's fields (as rex activity list prints them) then its
section. --fields may name any of the fields listed. JSON:
{\"activities_overdue\": [...], \"activities_today\": [...], \"overdue\": [...],
\"closing_soon\": [...], \"stalled\": [...], \"going_stale\": [...],
\"no_next_step\": [...]}, each an array of activities (each with deal_name) or of deals
(only the sections asked for with --section; with --fields, each row has only those
fields, null where it has no such field).

Examples:
  rex today
  rex today --all --section overdue
  REX_OWNER=ana rex today
  rex today -o tsv --fields section,name,value
  rex today --section activities_today -o tsv --fields subject,deal_name
  rex today --all -o json")]
    Today {
        /// Only this owner's activities and deals (ignoring case)
        #[arg(long, value_name = "OWNER", conflicts_with = "all")]
        owner: Option<String>,
        /// Everyone's activities and deals, also when REX_OWNER is set
        #[arg(long)]
        all: bool,
        /// Only these sections, in full
        #[arg(long, value_enum, value_delimiter = ',', value_name = "SECTION")]
        section: Vec<TodaySection>,
    },
    /// What will close when, weighted by chance, and what was won
    #[command(after_long_help = "\
Active (open or stalled) deals by expected close, and the deals won, by calendar period,
starting with the current one (today follows TZ and REX_NOW). Rows, in this order:
  overdue   active deals expected to close before today
  one per period (2026-03 or 2026-Q1, start and end its first and last days): the active
            deals expected to close in it from today on, and won_count/won_value, the
            deals won (closed_at as a local date) within the whole period
  later     active deals expected after the last period
  none      active deals without an expected close
Each row: period, start, end (null where it has no bound), count, value, weighted_value,
won_count, won_value. Money is integer cents; a deal's weighted value is its value times
its chance (its own, else its stage's) over 100, to the nearest cent, halves up.

Examples:
  rex forecast
  rex forecast --by quarter --periods 4 --pipeline Sales
  rex forecast --owner ana -o json | jq '.[1].weighted_value'")]
    Forecast {
        #[command(flatten)]
        scope: Scope,
        /// The length of a period
        #[arg(long, value_enum, default_value_t = Period::Month, value_name = "PERIOD")]
        by: Period,
        /// How many periods, from the current one
        #[arg(long, default_value_t = 6, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=240))]
        periods: u32,
    },
    /// Reports from history: win rates, the stage funnel, lost reasons
    #[command(
        subcommand,
        after_help = "Examples:\n  rex report wins --by owner\n  rex report stages\n  rex report lost-reasons -o json"
    )]
    Report(ReportCommand),
    /// Write pipelines, deals and history as JSON Lines, JSON or CSV
    #[command(after_long_help = "\
The export is in the API shape (the same JSON as -o json prints), with ids and timestamps,
so that importing it into an empty database and exporting again gives the same bytes.
--all (the default) writes pipelines, then deals, then their activities (done or not), then
every deal's history events, one record per line with -o jsonl (the default) or one array
with -o json. --deals is the deals alone, without activities or history. CSV holds one kind
of record: use it with --deals or --pipelines. The order is the data's: pipelines oldest
first, deals and activities by id (ids are time-ordered), history as it was recorded. A
deal's next_activity is worked out from its activities, so export lines do not carry it.

Examples:
  rex export > backup.jsonl
  rex export --deals -o csv --file deals.csv
  rex export --pipelines -o json")]
    Export {
        /// Deals only (no activities or history)
        #[arg(long, group = "what")]
        deals: bool,
        /// Pipelines (with their stages) only
        #[arg(long, group = "what")]
        pipelines: bool,
        /// Pipelines, deals, activities and history (the default)
        #[arg(long, group = "what")]
        all: bool,
        /// Write to this file (replaced only once the export is complete) instead of stdout
        #[arg(long, value_name = "PATH|-")]
        file: Option<PathBuf>,
    },
    /// Read pipelines, deals and history from a file: all of it, or none
    #[command(after_long_help = "\
Every record is checked; when one is bad, nothing is imported and the error names its line
and field (exit 2 malformed, 3 unknown pipeline, stage or deal, 4 an id that already exists).
Records keep their ids; records without an id get a new one. A deal may name its pipeline and
stage by id or by name; without them it goes to the only pipeline and its first stage.
Pipelines must come before the deals that use them, and deals before their activities and
history. An activity (an activity id, or deal_id, subject and due_date) is checked as rex
activity add checks it; --upsert replaces one of the same id (on the same deal) and records
in its deal's history a new date or time and done or not done. A next_activity field (as
deal list prints one) is ignored.
CSV has a header row naming fields (matched ignoring case and surrounding spaces; a header
that is not rex's own is refused with a hint to use --from or --map); money may be cents
(value) or dollars (value_dollars); metadata is a JSON object.

Text is UTF-8; a byte order mark (UTF-8, or UTF-16 as Excel's \"Unicode text\" writes) is
followed, and --encoding NAME reads another encoding (windows-1252, latin1, iso-8859-15,
utf-16le, utf-16be, or any WHATWG label), in every format. Bytes not valid in the encoding
are refused naming their line and column, never replaced. A CSV's columns are separated by
commas, or by semicolons (European Excel) or tabs when the header line has those and no
commas (or at least twice as many); --delimiter says which: , ; tab or | (and, like
a .tsv name, reads the file as CSV: Excel's Unicode text .txt needs --delimiter tab).

On PostgreSQL, an import is one transaction: other rex commands keep working meanwhile and
never see half of it (an --upsert or --dry-run takes its turn among writers). On SQLite, into
a database that holds deals, the import commits short chunks that stay hidden and shows
them all in one write at the end: other rex commands keep working meanwhile and never see half
of it. A failed import deletes its chunks; a killed one stays hidden and is cleared by the next
write of any command once it has been silent for two minutes. One import runs at a time (a second exits 5).
--dry-run, --upsert and an import into a database without deals are one transaction instead,
during which other writers wait (REX_BUSY_TIMEOUT, then exit 5); these read a pipe to its end
(into a temporary file) before they begin, so a slow producer keeps nobody waiting.

From another CRM: --from reads its deal export (CSV) as it comes out of it. Each column
goes to a rex field (title to name, owner to owner_id, contact person to contact_id, close
date to expected_close or closed_at, created to created_at, lost reason to close_reason,
probability to probability); every other non-empty column is kept in metadata under a
readable key (a later column whose key an earlier one has keeps its header as written;
--dry-run says where each goes); the deal's origin (pipedrive:101) says where it came from. The status
follows the CRM's rule (a Status column, a Closed Won stage, IsClosed and IsWon, Twenty's
CUSTOMER); a closed deal without a stage of its own goes to the pipeline's last stage.
Names become one line; a Salesforce report's footer (totals, copyright: rows without a deal
after the last deal) is skipped, and such a row before a deal is refused. Importing the same
export again is refused (exit 4, naming the first deal by its origin), even while the first
import still runs, unless --upsert, which updates the deals it imported before (what the file
does not give stays as it was: value, owner, contact, dates, probability, metadata, times, and
status and stage when it gives neither); a file that gives one deal twice is exit 2.
  pipedrive          rex import deals.csv --from pipedrive --create-stages
  hubspot            rex import deals.csv --from hubspot --rate EUR=1.0825
  salesforce         rex import report.csv --from salesforce --date-order mdy
  salesforce-loader  rex import opportunities.csv --from salesforce-loader
  twenty             rex import opportunities.csv --from twenty

Money is one currency (dollars), read exactly: 48,000.00 (commas only between thousands),
or 48.000,00 with --decimal comma; an amount that does not read so, or could read either way
without --decimal, is refused naming its line, and dollars with more than cents (zeros
past them are fine: 179500.00000000) are refused unless --round rounds them halves up and
says how many. A currency symbol must be the row's currency ($ only where no
currency column says it). A row in another currency is refused unless --rate CUR=RATE gives
dollars per unit (a plain decimal, once per currency); it is converted to cents (halves up)
and the amount and currency as exported are kept in metadata (original_value,
original_currency). A closed deal whose outcome nothing gives is refused. --create-stages creates
the pipelines and stages the file names (in the CRM's default order where rex knows it,
else in the order they appear); without it an unknown stage is exit 3. Any CSV: --map
FIELD=COLUMN maps a column to a field (-=COLUMN drops it; origin=COLUMN names the CRM's id,
which recognises a second import), columns named like rex's fields
match ignoring case and spaces, and --keep-unknown keeps the rest in metadata; two columns for
one field, or one column mapped twice, are refused. A column named id that does not hold
rex's deal ids is each row's origin (csv:VALUE). --won-stage VALUE and --lost-stage VALUE
say which values of the stage column mean won and lost. Numeric dates that could be
month/day or day/month need --date-order, unless a date of the same column settles it (a
13 or more comes first or second); a local time the clocks skipped reads with the offset from before the change.

Examples:
  rex import backup.jsonl
  rex import deals.csv --dry-run
  rex export | rex import --db copy.db -
  rex import changes.jsonl --upsert
  rex import leads.csv --map name=Opportunity --map value_dollars='Amount (USD)'
  rex import leads.csv --map name=Opportunity --keep-unknown")]
    Import(ImportArgs),
    /// Copy the database to a file while rex keeps working
    #[command(after_long_help = "\
The copy is a complete rex database, taken from one snapshot while other rex
processes go on reading and writing. It is written aside and put in place whole:
PATH holds the old file or the complete new one, never half of it. A new file is
private (0600); an existing regular file keeps its mode; anything else (a directory,
a device, a FIFO, a link) is refused. So is the database itself or one of the files
SQLite keeps beside it (-wal, -shm, -journal), by any spelling of the path or any
link to them (exit 2): writing over them would destroy the database. A copy that
cannot be written (a full disk) exits 1 naming PATH; the database is as it was.

To restore, with no rex running, put the copy in place of the database and remove
the log files beside it, which belong to the database being replaced:
  mv rex-2026-03-01.db ~/.local/share/rex/rex.db
  rm -f ~/.local/share/rex/rex.db-wal ~/.local/share/rex/rex.db-shm
or use the copy as it is: rex --db rex-2026-03-01.db deal list

Examples:
  rex backup ~/backups/rex-$(date +%F).db
  0 2 * * *  rex backup -q ~/backups/rex-$(date +\\%a).db    # crontab: nightly")]
    Backup {
        /// The file to write
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// Serve the REST API over HTTP (who may call it: rex token)
    #[command(after_long_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// API tokens for rex serve: create, list, revoke
    #[command(
        subcommand,
        after_help = "Examples:\n  rex token create website-form --role member --owner ana\n  rex token list\n  rex token revoke website-form"
    )]
    Token(TokenCommand),
    /// Team roles on PostgreSQL: init, add, list, set-role, remove
    #[command(subcommand, after_long_help = TEAM_HELP)]
    Team(TeamCommand),
    /// A team database's audit trail: deletions, owner and team changes
    #[command(after_long_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// Show rex's version, the database path, schema version, row counts
    #[command(after_help = "Examples:\n  rex info\n  rex info --json")]
    Info,
    /// Print a completion script: bash, zsh, fish, elvish or powershell
    #[command(after_long_help = "\
Examples:
  rex completions bash > ~/.local/share/bash-completion/completions/rex
  rex completions zsh > ~/.zfunc/_rex     # fpath+=~/.zfunc before compinit
  rex completions fish > ~/.config/fish/completions/rex.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print help for a command or a topic (options, dates, ...)
    #[command(after_help = "Examples:\n  rex help\n  rex help deal create\n  rex help exit-codes")]
    Help {
        /// A subcommand (e.g. deal, deal create) or a topic
        topic: Vec<String>,
    },
}

/// A section of `rex today` (the values of `--section`), named as its JSON key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TodaySection {
    /// My pending activities due before today
    #[value(name = "activities_overdue", alias = "activities-overdue")]
    ActivitiesOverdue,
    /// My pending activities due today
    #[value(name = "activities_today", alias = "activities-today")]
    ActivitiesToday,
    /// Active deals expected to close before today
    Overdue,
    /// Active deals expected to close within 7 days
    #[value(name = "closing_soon", alias = "closing-soon")]
    ClosingSoon,
    /// Deals with status stalled
    Stalled,
    /// Open deals that stall within 3 days
    #[value(name = "going_stale", alias = "going-stale")]
    GoingStale,
    /// Active deals without a pending activity
    #[value(name = "no_next_step", alias = "no-next-step")]
    NoNextStep,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}
