//! `rex help [TOPIC|SUBCOMMAND…]`: clap's help for subcommands, and rex's help topics.

use std::io::Write;

use crate::cli::{ENVIRONMENT, EXIT_CODES};
use crate::clock::DATE_HELP;
use crate::error::{Error, Result};
use crate::text::{wrap, HELP_WIDTH};

/// The topics of `rex help TOPIC`, besides the commands.
pub const TOPICS: [&str; 5] = [
    "options",
    "exit-codes",
    "environment",
    "dates",
    "formatting",
];

const FORMATTING: &str = "\
Output formats (-o, --output; --json is -o json):
  table   for people: money as $5,000.00, names instead of ids, as wide as the
          terminal (COLUMNS, else 100, in a pipe) with free text cut to fit
          (default on a terminal)
  wide    the same table with every column at full width (for less -S)
  tsv     one record per line, tab-separated, no header, no colour (default in a pipe);
          tabs, newlines, backslashes, control characters and the line and paragraph
          separators are escaped (\\t \\n \\\\ \\u{1b} \\u{2028})
  json    list commands print an array (also empty), others one object
  jsonl   one JSON object per line
  csv     a header row, then one record per line; a cell that a spreadsheet would run as
          a formula (starting with = + - @, or with ' before one of those) gets one more
          leading ', and control characters are escaped as in TSV; JSON keeps the exact
          text, and rex import takes that ' off again, so export, import, export is exact
  id      ids only, one per line: id=$(rex deal create Acme --value 5000 -o id)
  ics     an iCalendar file (RFC 5545) of activities, printed by rex activity list only

Money: at most $10,000,000,000,000.00 per deal (1000000000000000 cents, exact in any JSON
reader); totals may be larger and are printed exactly. Metadata values (and history
details) nest at most 32 levels deep; a key given twice in one object is refused.
--fields names each field once.

JSON shapes (money is always integer cents, dates YYYY-MM-DD, timestamps RFC 3339 UTC,
absent values null):
  deal      the deal fields below
  pipeline  id, name, stall_days, created_at, updated_at, stages[] with id, name, color,
            position, stall_days (null: follows the pipeline, 0: never stalls, N: its own
            period), effective_stall_days, open_count, open_value, stalled_count, stalled_value
  pipeline list   id, name, stall_days, stage_count, open_count, open_value, created_at,
                  updated_at, active_count, active_value, stalled_count (active: open or
                  stalled)
  history event   deal_id, at, kind (created, updated, moved, closed, reopened, note,
                  stalled, unstalled), the event's details, then actor (who recorded
                  it: REX_OWNER or the system user, on a server the database login;
                  null on events recorded before rex kept it)
  board     pipeline {id, name}, stages[] with id, name, color, position, count and value
            (of all active deals), deals[] (the largest, at most --limit)
  today     overdue[], closing_soon[], stalled[], going_stale[]: deals
  stalled   the deal's fields up to origin, idle_days and stall_days (the period that
            applied), then stage_name and pipeline_name
  activity  id, deal_id, type, subject, due_date, due_time (HH:MM in TZ, or null),
            duration_minutes, owner_id, note, done, done_at, created_at, updated_at,
            then deal_name; activity done and undo print an array of those they marked";

/// The deal's fields, one a line with what each holds: [`crate::record::DEAL_FIELDS`], then
/// the ones it is printed with ([`crate::record::SHOWN_DEAL_FIELDS`]) and the one printed
/// only when asked for ([`crate::record::REQUESTED_DEAL_FIELDS`]).
fn deal_fields() -> String {
    let stored = crate::record::DEAL_FIELDS;
    let shown = crate::record::SHOWN_DEAL_FIELDS;
    let requested = crate::record::REQUESTED_DEAL_FIELDS;
    let all = || stored.iter().chain(&shown).chain(&requested);
    let width = all().map(|f| f.name.len()).max().unwrap_or(0);
    let mut out =
        String::from("Deal fields (JSON keys, CSV columns and --fields names, in order):");
    for f in all() {
        out.push_str(&format!("\n  {:<width$}  {}", f.name, f.about));
    }
    out.push_str(
        "\nrex export writes the fields up to origin: the names and dollars are worked out \
         when a deal is printed.",
    );
    out
}

pub fn show(words: &[String]) -> Result<()> {
    let text = match words.first().map(String::as_str) {
        Some("options") => options(),
        Some("exit-codes") => EXIT_CODES.to_string(),
        Some("environment") => ENVIRONMENT.to_string(),
        Some("dates") => format!("Dates (every DATE argument):\n  {DATE_HELP}\n\n\
            Words are relative to today in the local time zone (TZ), and to REX_NOW when it is set.\n\
            rex prints dates as YYYY-MM-DD, which it also reads back."),
        Some("formatting") => format!("{FORMATTING}\n\n{}", deal_fields()),
        _ => return command_help(words),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", wrap(text.trim_end(), HELP_WIDTH))?;
    Ok(())
}

/// `rex help deal create` prints what `rex deal create --help` prints, byte for byte (width,
/// colour and all): clap is asked for that help the same way.
fn command_help(words: &[String]) -> Result<()> {
    let cmd = crate::cli::command();
    let mut target = &cmd;
    for w in words {
        target = target.find_subcommand(w).ok_or_else(|| {
            Error::usage(format!(
                "no help topic or subcommand '{w}'; topics: {}",
                TOPICS.join(", ")
            ))
        })?;
    }
    // Every word is a subcommand's name, so the line below asks for help and nothing else.
    let line = std::iter::once("rex")
        .chain(words.iter().map(String::as_str))
        .chain(["--help"]);
    if let Err(e) = cmd.try_get_matches_from(line) {
        // Like `rex --help`: a reader that went away is not an error.
        let _ = e.print();
    }
    Ok(())
}

/// The options every command takes, as each command's --help shows them.
fn options() -> String {
    let mut cmd =
        crate::cli::command().help_template("Options (every command takes these):\n{options}");
    cmd.render_long_help().to_string()
}

#[cfg(test)]
mod tests {
    use crate::text::wrap;

    #[test]
    fn long_lines_wrap_under_their_own_text() {
        let text =
            "  2  usage: unknown flag, missing argument, malformed value (money, date, id, colour)";
        assert_eq!(
            wrap(text, 60),
            "  2  usage: unknown flag, missing argument, malformed value\n     (money, date, id, colour)"
        );
        assert_eq!(wrap("short", 60), "short");
        assert_eq!(
            wrap("  5  busy, or an import;\n     nothing was changed", 30),
            "  5  busy, or an import;\n     nothing was changed"
        );
        assert_eq!(
            wrap("  5  busy, or an import; nothing\n     was changed", 30),
            "  5  busy, or an import;\n     nothing was changed"
        );
        assert_eq!(wrap("  a b c", 4), "  a\n  b\n  c");
    }
}
