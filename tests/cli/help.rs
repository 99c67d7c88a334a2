//! Help as a person at an 80x24 terminal reads it: bare `rex` and `rex help` fit the screen,
//! `rex help COMMAND` is `rex COMMAND --help`, and no example is wrapped in the middle of
//! its command (a command on two lines cannot be pasted).

use clap::CommandFactory;

use crate::support::{assert_fits, on_terminal, Rex};

/// Every command's words below `rex`, as typed: `["deal", "create"]`, depth first.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut words = path.to_vec();
            words.push(sub.get_name().to_string());
            out.push(words.clone());
            walk(sub, &words, out);
        }
    }
    let mut out = Vec::new();
    walk(&rex::cli::Cli::command(), &[], &mut out);
    out
}

/// The command's help texts as written in the source, before any reflow.
fn written_help(path: &[String]) -> String {
    let mut cmd = rex::cli::Cli::command();
    for word in path {
        cmd = cmd.find_subcommand(word).unwrap().clone();
    }
    [cmd.get_after_help(), cmd.get_after_long_help()]
        .into_iter()
        .flatten()
        .map(|h| h.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines of a help text that give a command to type: indented and running `rex`.
fn example_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with(' '))
        .filter(|l| {
            l.split(|c: char| c.is_whitespace() || matches!(c, '(' | '=' | '|'))
                .any(|w| w == "rex")
        })
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// Runs rex in a pipe as if on a terminal `columns` wide; stdout, stderr and the exit code.
fn at_columns(rex: &Rex, columns: usize, args: &[&str]) -> (String, String, i32) {
    let out = rex
        .cmd()
        .env("COLUMNS", columns.to_string())
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// The overview: usage, every command on one line of its own, examples, where to read more;
/// 23 lines at most, so that the next prompt fits the 24 rows too.
fn assert_overview(text: &str, what: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 23, "{what}: {} lines:\n{text}", lines.len());
    assert_fits(text, 80, what);
    assert!(
        lines.contains(&"Usage: rex [OPTIONS] <COMMAND>"),
        "{what}:\n{text}"
    );
    let commands: Vec<String> = rex::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let start = lines.iter().position(|l| *l == "Commands:").unwrap() + 1;
    let listed: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    // One line each: a wrapped description would show up as a word that is no command.
    assert_eq!(listed, commands, "{what}:\n{text}");
    for more in [
        "rex help COMMAND (the same as rex COMMAND --help), man rex",
        "rex help options | exit-codes | environment | dates | formatting",
        "rex deal create \"Acme Corp\" --value 5000 --expected-close +4w",
    ] {
        assert!(text.contains(more), "{what}: no {more:?}:\n{text}");
    }
}

#[test]
fn bare_rex_and_rex_help_fit_an_80x24_screen() {
    let rex = Rex::new();
    // Bare rex is a usage error (exit 2, on stderr), as the README's exit codes say.
    let (bare, code) = on_terminal(&rex, 24, 80, &[], &[]);
    assert_eq!(code, 2, "{bare}");
    assert_overview(&bare, "rex");
    let (help, code) = on_terminal(&rex, 24, 80, &[], &["help"]);
    assert_eq!(code, 0, "{help}");
    assert_overview(&help, "rex help");
    assert_eq!(bare, help);
    for args in [&["--help"][..], &["-h"]] {
        let (text, code) = on_terminal(&rex, 24, 80, &[], args);
        assert_eq!((text.as_str(), code), (help.as_str(), 0), "{args:?}");
    }
    // In a pipe: the same text, on stdout for help and on stderr for the usage error.
    let (out, err, code) = at_columns(&rex, 80, &["help"]);
    assert_eq!((out.as_str(), err.as_str(), code), (help.as_str(), "", 0));
    let (out, err, code) = at_columns(&rex, 80, &[]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", help.as_str(), 2));
}

#[test]
fn a_group_without_its_command_fits_the_screen_too() {
    let rex = Rex::new();
    for group in ["deal", "pipeline", "report"] {
        let (text, code) = on_terminal(&rex, 24, 80, &[], &[group]);
        assert_eq!(code, 2, "{text}");
        assert!(text.lines().count() <= 22, "rex {group}:\n{text}");
        assert_fits(&text, 80, group);
        assert!(
            text.contains(&format!(
                "More: rex {group} COMMAND --help; rex help options (every command's options)"
            )),
            "{text}"
        );
        assert_eq!(text, rex.ok(&["help", group]), "rex help {group}");
    }
}

#[test]
fn rex_help_command_prints_what_command_help_prints() {
    let rex = Rex::new();
    // Every command, in a pipe at 80 columns and at 60.
    for path in command_paths() {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        for columns in [80, 60] {
            let asked = at_columns(&rex, columns, &[&["help"][..], &words].concat());
            let flag = at_columns(&rex, columns, &[&words[..], &["--help"]].concat());
            assert_eq!(asked, flag, "rex help {path:?} at {columns} columns");
            assert_eq!(asked.2, 0);
        }
    }
    // On a terminal (where clap may style the text) the same, byte for byte.
    for (help, flag) in [
        (
            &["help", "deal", "create"][..],
            &["deal", "create", "--help"][..],
        ),
        (&["help", "board"], &["board", "--help"]),
        (&["help", "report", "wins"], &["report", "wins", "--help"]),
    ] {
        assert_eq!(
            on_terminal(&rex, 24, 80, &[], help),
            on_terminal(&rex, 24, 80, &[], flag)
        );
    }
    assert!(rex
        .ok(&["help", "deal", "create"])
        .starts_with("Create a deal\n\nUsage: rex deal create [OPTIONS] --value <MONEY> <NAME>\n"));
    assert_eq!(
        rex.fails(&["help", "deal", "nothing"], 2),
        "rex: no help topic or subcommand 'nothing'; topics: options, exit-codes, environment, dates, formatting"
    );
}

#[test]
fn no_example_is_wrapped_in_any_help_at_80_columns() {
    let rex = Rex::new();
    let mut checked = 0;
    let mut wrapped = Vec::new();
    for path in command_paths() {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let (help, _, code) = at_columns(&rex, 80, &[&words[..], &["--help"]].concat());
        assert_eq!(code, 0);
        let what = format!("rex {} --help", words.join(" "));
        assert_fits(&help, 80, &what);
        let shown: Vec<&str> = help.lines().map(str::trim_end).collect();
        for example in example_lines(&written_help(&path)) {
            if !shown.contains(&example.as_str()) {
                wrapped.push(format!("{what}: {example}"));
            }
            checked += 1;
        }
    }
    assert!(
        wrapped.is_empty(),
        "examples not on one line:\n{}",
        wrapped.join("\n")
    );
    assert!(checked > 60, "only {checked} examples found");
    // The topics: within 80 columns, and the command in `-o id` whole.
    for topic in [
        "options",
        "exit-codes",
        "environment",
        "dates",
        "formatting",
    ] {
        let text = rex.ok(&["help", topic]);
        assert_fits(&text, 80, topic);
    }
    assert!(rex
        .ok(&["help", "formatting"])
        .lines()
        .any(|l| l.ends_with(" id=$(rex deal create Acme --value 5000 -o id)")));
}

#[test]
fn the_help_topics_keep_working() {
    let rex = Rex::new();
    assert!(rex
        .ok(&["help", "dates"])
        .starts_with("Dates (every DATE argument):\n"));
    assert!(rex
        .ok(&["help", "exit-codes"])
        .starts_with("Exit codes:\n  0  success"));
    assert!(rex
        .ok(&["help", "environment"])
        .contains("REX_BUSY_TIMEOUT"));
    assert!(rex.ok(&["help", "formatting"]).contains("Deal fields"));
    let options = rex.ok(&["help", "options"]);
    assert!(
        options.starts_with("Options (every command takes these):\n      --db <PATH|URL>\n"),
        "{options}"
    );
    for flag in [
        "-o, --output <FORMAT>",
        "--json",
        "--color <WHEN>",
        "-q, --quiet",
        "--fields <FIELDS>",
    ] {
        assert!(options.contains(flag), "{flag}: {options}");
    }
}
