//! rex: a command-line CRM. `main.rs` calls [`run`]; everything else lives here so tests
//! can reach the money, id, clock and output code directly.

pub mod cli;
pub mod clock;
pub mod cmd;
pub mod complete;
pub mod docs;
pub mod error;
pub mod id;
pub mod json;
pub mod money;
pub mod ops;
pub mod output;
pub mod record;
pub mod serve;
pub mod settings;
pub mod store;
pub mod target_file;
pub mod text;
pub mod transfer;

use crate::error::code;

/// Parses the command line, runs it, prints any error as one `rex: …` line, and returns
/// the exit code.
pub fn run() -> u8 {
    // Parsed with the help texts as written: reflowing them costs every command time,
    // so it is done only when help is shown.
    let cli = match <cli::Cli as clap::Parser>::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let help = matches!(
                e.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            let e = match help {
                true => cli::command().try_get_matches().err().unwrap_or(e),
                false => e,
            };
            return clap_exit(e);
        }
    };
    match cmd::run(cli) {
        Ok(()) => code::OK,
        Err(e) => {
            if !e.is_quiet() {
                output::say_line(&e.to_string());
            }
            e.exit_code()
        }
    }
}

/// The text a panic carried, for the one-line internal-error message.
pub fn panic_message(info: &std::panic::PanicHookInfo) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Help and version go to stdout with 0; usage errors become one line and exit 2.
fn clap_exit(e: clap::Error) -> u8 {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            code::OK
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            code::USAGE
        }
        _ => {
            let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
            let line = match (
                cli::words::several_words(&e, &argv),
                e.get(ContextKind::InvalidArg),
            ) {
                (Some(hint), Some(ContextValue::String(stray))) => {
                    format!("unexpected argument '{}'; {hint}", output::one_line(stray))
                }
                _ => one_line(&escape_user_text(&e)),
            };
            output::say_line(&line);
            code::USAGE
        }
    }
}

/// clap's message with the user's own text (values, unknown arguments) escaped, so that a
/// newline or an escape sequence typed by the user cannot forge or restyle a line.
fn escape_user_text(e: &clap::Error) -> String {
    use clap::error::ContextValue;
    let mut rendered = e.render().to_string();
    let mut raw: Vec<&str> = Vec::new();
    for (_, value) in e.context() {
        match value {
            ContextValue::String(s) => raw.push(s),
            ContextValue::Strings(v) => raw.extend(v.iter().map(String::as_str)),
            _ => {}
        }
    }
    // Longest first, so a value that contains another is replaced whole.
    raw.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for text in raw {
        let safe = output::one_line(text);
        if safe != text {
            rendered = rendered.replace(text, &safe);
        }
    }
    // Whatever is left (clap's own text) is escaped but for its line structure.
    output::neutralise(&rendered)
}

/// Folds clap's several-line message into one line, with where to find help.
fn one_line(rendered: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut usage = None;
    for line in rendered.lines() {
        let line = line.trim();
        if let Some(u) = line.strip_prefix("Usage: ") {
            usage = Some(u);
            break;
        }
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line));
    }
    let mut msg = parts.join(" ");
    // The command path is the usage line up to its first option or argument.
    if let Some(u) = usage {
        let path: Vec<&str> = u
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        if !path.is_empty() {
            msg.push_str(&format!(" (see '{} --help')", path.join(" ")));
        }
    }
    msg
}
