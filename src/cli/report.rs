//! `rex forecast` and `rex report`: periods, scopes and windows.

use clap::{Args, Subcommand, ValueEnum};

use super::pipeline_values;
use crate::clock::DateSpec;

/// A calendar period of the forecast and of the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Period {
    Month,
    Quarter,
}

/// How `report wins` groups deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WinsBy {
    Owner,
    Pipeline,
    Month,
    Quarter,
}

/// The deals a forecast or a report covers: one pipeline's, one owner's, or all.
#[derive(Debug, Args)]
pub struct Scope {
    /// Only this pipeline (id or name)
    #[arg(long, value_name = "PIPELINE", add = pipeline_values())]
    pub pipeline: Option<String>,
    /// Only this owner's deals (ignoring case)
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
}

/// The window of closed deals a report looks at.
#[derive(Debug, Args)]
pub struct Window {
    /// Closed on or after this date [default: 365 days before today]
    #[arg(long, value_name = "DATE")]
    pub since: Option<DateSpec>,
    /// Closed on or before this date [default: today]
    #[arg(long, value_name = "DATE")]
    pub until: Option<DateSpec>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Won and lost deals: win rates, average size, cycle and velocity
    #[command(after_long_help = "\
Deals closed (won or lost) with closed_at, as a local date, from --since to --until.
Without --by, one row with key \"all\"; with --by, one row per owner, pipeline name or
period, sorted by key. Each row: key, won_count, won_value, lost_count, lost_value,
win_rate (won / closed, 4 decimals), value_win_rate (the same by value),
average_won_value (cents, halves up), average_cycle_days (created to closed, over won
deals, 1 decimal) and velocity_per_day: active deals now x average_won_value x win_rate
/ average_cycle_days, in cents (null when a part is missing, and for period rows).
Absent values are null; an empty window is an empty list (exit 1 with -e).

Examples:
  rex report wins
  rex report wins --by owner --since 2026-01-01
  rex report wins --by quarter -o json")]
    Wins {
        #[command(flatten)]
        scope: Scope,
        #[command(flatten)]
        window: Window,
        /// One row per owner, pipeline, month or quarter
        #[arg(long, value_enum, value_name = "KEY")]
        by: Option<WinsBy>,
        /// Exit 0 when at least one row was printed, 1 when none
        #[arg(short = 'e', long)]
        exit_status: bool,
    },
    /// The stage funnel: entered, advanced, conversion, days in stage
    #[command(after_long_help = "\
For each stage in order: stage_id, name, position; entered (deals that entered it on or
after --since, created in it or moved into it, each deal once); advanced (of those, how
many were later in a stage of higher position, or won); conversion (advanced / entered, 4
decimals); won and lost (of those, how many are won or lost now); average_days and
median_days (completed stays: from entering the stage to leaving it by a move, a close
or a change of pipeline, 1 decimal); active_count (active deals in it now). A deal that
moves back and forth counts each completed stay, and enters a stage once.

Examples:
  rex report stages
  rex report stages Partners --since 2026-01-01 -o json")]
    Stages {
        /// Pipeline id or name (may be left out when only one exists)
        #[arg(add = pipeline_values())]
        pipeline: Option<String>,
        /// The pipeline, named as other commands name it (the same as PIPELINE)
        #[arg(long = "pipeline", value_name = "PIPELINE", conflicts_with = "pipeline", add = pipeline_values())]
        named_pipeline: Option<String>,
        /// Only deals that entered a stage on or after this date [default: ever]
        #[arg(long, value_name = "DATE")]
        since: Option<DateSpec>,
        /// Exit 0 when at least one row was printed, 1 when none
        #[arg(short = 'e', long)]
        exit_status: bool,
    },
    /// Lost deals grouped by their close reason
    #[command(after_long_help = "\
Lost deals closed from --since to --until, grouped by close reason (ignoring case and the
spaces around it; no reason is null): reason, count, value, share (of all lost deals in
the window, 4 decimals), by count (most first), then reason.

Examples:
  rex report lost-reasons
  rex report lost-reasons --owner ana --since 2026-01-01 -o csv")]
    LostReasons {
        #[command(flatten)]
        scope: Scope,
        #[command(flatten)]
        window: Window,
        /// Exit 0 when at least one row was printed, 1 when none
        #[arg(short = 'e', long)]
        exit_status: bool,
    },
}
