//! `rex deal`: create, list, show, update, move, close, reopen, note, delete, stalled.

use clap::{Args, Subcommand, ValueEnum};

use super::report::Scope;
use super::{deal_values, pipeline_values, stage_values};
use crate::clock::{DateOrNone, DateSpec, TimeSpec};
use crate::money::Cents;
use crate::record::{Probability, Status};

#[derive(Debug, Args)]
pub struct MetaArgs {
    /// Metadata: KEY=VALUE stores a string, KEY:=JSON a JSON value (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum DealCommand {
    /// Create a deal
    #[command(
        after_help = "Examples:\n  rex deal create \"Acme - Enterprise Plan\" --value 5000 --owner ana@example.com\n  \
        rex deal create Globex --value '$12,500.00' --pipeline Partners --stage Pilot\n  \
        rex deal create Hooli --value 8000 --expected-close eoq\n  \
        id=$(rex deal create Initech --value 990.50 --meta seats:=25 -o id)"
    )]
    Create {
        /// The deal's name
        name: String,
        /// Value in dollars: 5000, 5000.50, $5,000.50
        #[arg(long, value_name = "MONEY", allow_hyphen_values = true)]
        value: Cents,
        /// Pipeline id or name (may be left out when only one exists)
        #[arg(long, value_name = "PIPELINE", add = pipeline_values())]
        pipeline: Option<String>,
        /// Stage id or name [default: the pipeline's first stage]
        #[arg(long, value_name = "STAGE", add = stage_values())]
        stage: Option<String>,
        /// The primary contact (any text: an email, a name, another system's id)
        #[arg(long, value_name = "CONTACT")]
        contact: Option<String>,
        /// The assigned team member [default: $REX_OWNER]
        #[arg(long, value_name = "OWNER")]
        owner: Option<String>,
        /// Expected close date: YYYY-MM-DD, today, tomorrow, +Nd, +Nw, +Nm, eom, eoq, eoy
        #[arg(long, value_name = "DATE")]
        expected_close: Option<DateSpec>,
        /// Its own chance of winning in percent, 0 to 100 [default: its stage's]
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        probability: Option<Probability>,
        #[command(flatten)]
        meta: MetaArgs,
    },
    /// List deals; filters combine
    #[command(
        after_help = "Examples:\n  rex deal list --status open --owner ana --sort value --desc\n  \
        rex deal list --status open,stalled --owner Ana   # any case\n  \
        rex deal list --pipeline Sales --stage Proposal --min-value 10000\n  \
        rex deal list --overdue -o json\n  rex deal list --search acme --closing-before eoq\n  \
        rex deal list --updated-since 2026-03-01T09:00:00Z -o jsonl\n  \
        rex deal list --no-next-step --owner ana   # nothing scheduled\n  \
        rex deal list --status active --sort next-activity   # soonest next step first"
    )]
    List(ListArgs),
    /// Show one deal in full
    #[command(
        after_help = "Examples:\n  rex deal show deal_01jdqz7w3ef8ns6c0e5ywzm2ka\n  rex deal show deal_01jdqz7w3ef8ns6c0e5ywzm2ka -o json"
    )]
    Show {
        /// The deal: its id, its reference (or its first 4+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
    },
    /// Change a deal's fields; changing nothing records nothing
    #[command(
        after_help = "Examples:\n  rex deal update deal_01jdqz7w3ef8ns6c0e5ywzm2ka --value 7500\n  \
        rex deal update Acme --expected-close +2w --owner ana\n  \
        rex deal update Acme --meta tier=gold --unset-meta trial\n  \
        rex deal update Acme --pipeline Partners --stage Pilot"
    )]
    Update {
        /// The deal: its id, its reference (or its first 4+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
        /// New name
        #[arg(long)]
        name: Option<String>,
        /// New value in dollars
        #[arg(long, value_name = "MONEY", allow_hyphen_values = true)]
        value: Option<Cents>,
        /// New contact
        #[arg(long, value_name = "CONTACT")]
        contact: Option<String>,
        /// New owner
        #[arg(long, value_name = "OWNER")]
        owner: Option<String>,
        /// New expected close date, or none to clear it
        #[arg(long, value_name = "DATE|none")]
        expected_close: Option<DateOrNone>,
        /// Its own chance of winning in percent, or default to follow its stage's
        #[arg(long, value_name = "N|default", allow_hyphen_values = true)]
        probability: Option<ProbabilityOrDefault>,
        #[command(flatten)]
        meta: MetaArgs,
        /// Remove a metadata key (repeatable)
        #[arg(long = "unset-meta", value_name = "KEY")]
        unset_meta: Vec<String>,
        /// Move to another pipeline (lands in its first stage unless --stage is given)
        #[arg(long, value_name = "PIPELINE", add = pipeline_values())]
        pipeline: Option<String>,
        /// The stage in the new pipeline
        #[arg(long, value_name = "STAGE", requires = "pipeline", add = stage_values())]
        stage: Option<String>,
    },
    /// Move a deal to another stage of its pipeline
    #[command(after_help = "Examples:\n  rex deal move deal_01jdqz7w3ef8ns6c0e5ywzm2ka Proposal")]
    Move {
        /// The deal: its id, its reference (or its first 4+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
        /// Stage name or id (in the deal's pipeline)
        #[arg(add = stage_values())]
        stage: String,
    },
    /// Close a deal as won or lost
    #[command(
        after_help = "Closing does not move the deal: it keeps the stage it closed in, and the\n\
        closed event in its history records that stage.\n\n\
        Examples:\n  rex deal close deal_01jdqz7w3ef8ns6c0e5ywzm2ka --won\n  \
        rex deal close Acme --lost --reason \"went with a competitor\""
    )]
    #[command(group = clap::ArgGroup::new("outcome").required(true).args(["won", "lost"]))]
    Close {
        /// The deal: its id, its reference (or its first 4+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
        /// Closed-won: revenue realised
        #[arg(long)]
        won: bool,
        /// Closed-lost: opportunity dead
        #[arg(long)]
        lost: bool,
        /// Why it closed
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Reopen a won or lost deal
    #[command(after_help = "Examples:\n  rex deal reopen deal_01jdqz7w3ef8ns6c0e5ywzm2ka")]
    Reopen {
        /// The deal: its id, its reference (or its first 4+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
    },
    /// Record an activity note on a deal
    #[command(
        after_help = "From the first word of the note on, everything is the note, words \
        that look like flags too (-q, --json, -5%); give rex's own flags before the deal or \
        before the note. Windows line endings (CRLF) become plain newlines.\n\n\
        Examples:\n  rex deal note p4bc9hj Sent quote v1\n  \
        rex deal note p4bc9hj \"Call with CFO: budget approved, start in May\"\n  \
        rex deal note p4bc9hj discount -5% agreed --json later   # all words\n  \
        rex deal note -q p4bc9hj Sent quote v2\n  \
        rex deal note p4bc9hj - < call-notes.txt"
    )]
    Note {
        /// The deal: its id, the end of its id (6+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
        /// The note: the rest of the line (its words joined by one space, including any that
        /// look like flags; quote it to keep its own spacing and lines), or - to read it from
        /// standard input
        #[arg(
            value_name = "TEXT|-",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        text: Vec<String>,
    },
    /// Every event of a deal, oldest first, with who recorded it (By)
    #[command(
        long_about = "Every event of a deal, oldest first, with who recorded it (By; JSON: actor, \
        the last field): on a SQLite file REX_OWNER, else the system user rex ran as; on a \
        PostgreSQL server the database login, which the server records itself. Events recorded \
        before rex kept this have none (null).",
        after_help = "Examples:\n  rex deal history deal_01jdqz7w3ef8ns6c0e5ywzm2ka\n  rex deal history deal_01jdqz7w3ef8ns6c0e5ywzm2ka -o json\n  rex deal history Acme --fields at,kind,actor"
    )]
    History {
        /// The deal: its id, its reference (or its first 4+ characters) or its name
        #[arg(value_name = "DEAL", add = deal_values())]
        deal: String,
    },
    /// Delete deals and their history (all or none)
    #[command(
        after_help = "Examples:\n  rex deal delete deal_01jdqz7w3ef8ns6c0e5ywzm2ka\n  rex deal delete Acme Globex --yes"
    )]
    Delete {
        /// The deals: ids, references (or their first 4+ characters) or names
        #[arg(required = true, value_name = "DEAL", add = deal_values())]
        deals: Vec<String>,
        /// Do not ask for confirmation (required without a terminal)
        #[arg(short, long)]
        yes: bool,
    },
    /// Open deals idle past their stall period; --mark flags them as stalled
    #[command(after_long_help = "\
A deal is stalled when it is open and has had no activity (create, update, move, note,
reopen) for at least its stall period: the stage's own period if it has one, else the
pipeline's (default 30 days). Won and lost deals never stall. Any activity on a stalled
deal returns it to open.

Examples:
  rex deal stalled
  rex deal stalled --pipeline Sales --owner ana -o json
  rex deal stalled --mark -q -e   # for cron: exit 0 if it marked any, 1 if not

Crontab:
  15 7 * * *  rex deal stalled --mark -q -o tsv")]
    Stalled {
        #[command(flatten)]
        scope: Scope,
        /// Also set those deals to stalled, and print only the newly marked ones
        #[arg(long)]
        mark: bool,
        /// Exit 0 when at least one deal was listed (or marked), 1 when none
        #[arg(short = 'e', long)]
        exit_status: bool,
    },
}

/// What `deal list --sort` orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Value,
    ExpectedClose,
    Created,
    Updated,
    Name,
    Stage,
    // By the next step's due date and time; deals without one last.
    NextActivity,
}

impl From<SortKey> for crate::store::DealSort {
    fn from(k: SortKey) -> Self {
        use crate::store::DealSort as S;
        match k {
            SortKey::Value => S::Value,
            SortKey::ExpectedClose => S::ExpectedClose,
            SortKey::Created => S::Created,
            SortKey::Updated => S::Updated,
            SortKey::Name => S::Name,
            SortKey::Stage => S::Stage,
            SortKey::NextActivity => S::NextActivity,
        }
    }
}

/// `--probability N|default`: a deal's own chance of winning, or back to its stage's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbabilityOrDefault {
    Own(Probability),
    Stage,
}

impl std::str::FromStr for ProbabilityOrDefault {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("default") {
            return Ok(ProbabilityOrDefault::Stage);
        }
        text.parse::<Probability>()
            .map(ProbabilityOrDefault::Own)
            .map_err(|e| format!("{e}, or default"))
    }
}

/// A status to list by: one of the four, or `active` for open and stalled together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Open,
    Won,
    Lost,
    Stalled,
    /// Open or stalled: still being worked
    Active,
}

impl StatusFilter {
    /// The statuses this stands for.
    pub fn statuses(self) -> &'static [Status] {
        match self {
            StatusFilter::Open => &[Status::Open],
            StatusFilter::Won => &[Status::Won],
            StatusFilter::Lost => &[Status::Lost],
            StatusFilter::Stalled => &[Status::Stalled],
            StatusFilter::Active => &[Status::Open, Status::Stalled],
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only deals with this status (repeatable, or a comma list: open,won; active is open and stalled)
    #[arg(
        long,
        value_enum,
        value_name = "STATUS",
        value_delimiter = ',',
        ignore_case = true
    )]
    pub status: Vec<StatusFilter>,
    /// Only this pipeline (id or name)
    #[arg(long, value_name = "PIPELINE", add = pipeline_values())]
    pub pipeline: Option<String>,
    /// Only this stage (id or name; a name needs --pipeline when several pipelines have it)
    #[arg(long, value_name = "STAGE", add = stage_values())]
    pub stage: Option<String>,
    /// Only this owner's deals (ignoring case)
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Only this contact's deals (ignoring case)
    #[arg(long, value_name = "CONTACT")]
    pub contact: Option<String>,
    /// Value at least this much (dollars)
    #[arg(long, value_name = "MONEY", allow_hyphen_values = true)]
    pub min_value: Option<Cents>,
    /// Value at most this much (dollars)
    #[arg(long, value_name = "MONEY", allow_hyphen_values = true)]
    pub max_value: Option<Cents>,
    /// Expected to close before this date
    #[arg(long, value_name = "DATE")]
    pub closing_before: Option<DateSpec>,
    /// Expected to close after this date
    #[arg(long, value_name = "DATE")]
    pub closing_after: Option<DateSpec>,
    /// Open or stalled, with an expected close date before today
    #[arg(long)]
    pub overdue: bool,
    /// Only deals whose metadata KEY equals VALUE (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Name or contact contains this text (ignoring case; % and _ are literal; indexed from 3 characters)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only deals updated at or after this time: RFC 3339 (2026-03-01T09:00:00Z), or a date for the start of that day
    #[arg(long, value_name = "TIME")]
    pub updated_since: Option<TimeSpec>,
    /// Only active (open or stalled) deals without a pending activity: no next step
    #[arg(long)]
    pub no_next_step: bool,
    /// Sort order (next-activity: the soonest next step first, deals without one last)
    #[arg(long, value_enum, default_value_t = SortKey::Created, value_name = "KEY")]
    pub sort: SortKey,
    /// Sort descending (by next-activity: the latest next step first, deals without one still last)
    #[arg(long)]
    pub desc: bool,
    /// At most N deals
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Exit 0 when at least one deal was listed, 1 when none
    #[arg(short = 'e', long)]
    pub exit_status: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `deal list --status` takes the words the API's `status` takes, for the same statuses.
    #[test]
    fn status_words_are_the_apis() {
        for filter in StatusFilter::value_variants() {
            let word = filter.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(
                crate::ops::deal::statuses_named(&word).unwrap(),
                filter.statuses(),
                "{word}"
            );
        }
    }
}
