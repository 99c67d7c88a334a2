//! A name of several words typed without quotes (`rex deal create Soylent Catering --value
//! 5000`): clap sees `Catering` as an argument too many. When the stray words follow a
//! command's one name, the error says to quote it, with the command line as it was typed
//! and the name quoted, ready to paste.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The hint for clap's error `e` on the command line `argv` (program name first), when the
/// unexpected argument is one of the bare words that follow the one name a command takes:
/// `a name of several words needs quotes: rex deal create "Soylent Catering" --value 5000`.
pub fn several_words(e: &clap::Error, argv: &[OsString]) -> Option<String> {
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(stray)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    // Text that is not UTF-8 is shown only as clap shows it.
    let words: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|w| w.to_str().map(str::to_string))
        .collect::<Option<_>>()?;
    let mut cmd = <super::Cli as clap::CommandFactory>::command();
    cmd.build();
    let (sub, name_at) = command_and_name(&cmd, &words)?;
    // One name, and nothing else, goes where the words are.
    let positionals: Vec<&clap::Arg> = sub.get_positionals().collect();
    let [name] = positionals.as_slice() else {
        return None;
    };
    if name.get_num_args().is_some_and(|n| n.max_values() > 1) {
        return None;
    }
    let end = (name_at + 1..words.len())
        .find(|&i| words[i].starts_with('-'))
        .unwrap_or(words.len());
    if !words[name_at + 1..end].contains(stray) {
        return None;
    }
    let mut line = vec!["rex".to_string()];
    line.extend(words[..name_at].iter().map(|w| shell_word(w)));
    line.push(quoted_name(&words[name_at..end].join(" ")));
    line.extend(words[end..].iter().map(|w| shell_word(w)));
    Some(format!(
        "a name of several words needs quotes: {}",
        line.join(" ")
    ))
}

/// The subcommand `words` run, and where its first bare word (the name) is; None when the
/// words reach no subcommand's positional argument before an option clap did not know or
/// a `--`.
fn command_and_name<'a>(
    root: &'a clap::Command,
    words: &[String],
) -> Option<(&'a clap::Command, usize)> {
    let mut cmd = root;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            return None;
        }
        if w.starts_with('-') && w.len() > 1 {
            i += if takes_separate_value(cmd, w)? { 2 } else { 1 };
            continue;
        }
        match cmd.find_subcommand(w) {
            Some(sub) => cmd = sub,
            None => return Some((cmd, i)),
        }
        i += 1;
    }
    None
}

/// Whether the option `word` of `cmd` takes its value from the next word (`--value 5000`,
/// `-o json`, but not `--value=5000` or `-ojson`); None for an option `cmd` does not know.
fn takes_separate_value(cmd: &clap::Command, word: &str) -> Option<bool> {
    let takes = |arg: &clap::Arg| arg.get_action().takes_values();
    if let Some(long) = word.strip_prefix("--") {
        if long.contains('=') {
            return Some(false);
        }
        return cmd
            .get_arguments()
            .find(|a| {
                a.get_long() == Some(long) || a.get_all_aliases().is_some_and(|x| x.contains(&long))
            })
            .map(takes);
    }
    // A cluster of short flags (-qv): only its last may take a value, and only then from
    // the next word.
    let shorts: Vec<char> = word[1..].chars().collect();
    for (n, c) in shorts.iter().enumerate() {
        let arg = cmd.get_arguments().find(|a| a.get_short() == Some(*c))?;
        if takes(arg) {
            return Some(n + 1 == shorts.len());
        }
    }
    Some(false)
}

/// A name as one shell word: in double quotes, as people write it, unless it holds what a
/// shell would expand there; then in single quotes.
fn quoted_name(name: &str) -> String {
    let name = crate::output::one_line(name);
    if name.contains(['"', '$', '`', '\\', '!']) {
        crate::text::single_quoted(&name)
    } else {
        format!("\"{name}\"")
    }
}

/// A word as a shell reads it back, on one line.
fn shell_word(word: &str) -> String {
    crate::text::shell_word(&crate::output::one_line(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(line: &[&str]) -> Option<String> {
        let argv: Vec<OsString> = line.iter().map(OsString::from).collect();
        let e = <super::super::Cli as clap::Parser>::try_parse_from(&argv).unwrap_err();
        several_words(&e, &argv)
    }

    #[test]
    fn the_stray_words_of_a_name_are_quoted_into_the_line_as_typed() {
        let h = "a name of several words needs quotes: rex";
        for (line, want) in [
            (
                &[
                    "rex", "deal", "create", "Soylent", "Catering", "--value", "5000",
                ][..],
                format!("{h} deal create \"Soylent Catering\" --value 5000"),
            ),
            (
                &[
                    "rex", "--db", "x y.db", "deal", "create", "-q", "A", "B", "C", "--value",
                    "$5,000",
                ],
                format!("{h} --db 'x y.db' deal create -q \"A B C\" --value '$5,000'"),
            ),
            (
                &["rex", "pipeline", "create", "Enterprise", "Sales"],
                format!("{h} pipeline create \"Enterprise Sales\""),
            ),
            (
                &[
                    "rex",
                    "deal",
                    "show",
                    "Tyrell",
                    "Replicant",
                    "Leasing",
                    "-o",
                    "json",
                ],
                format!("{h} deal show \"Tyrell Replicant Leasing\" -o json"),
            ),
            (
                &["rex", "deal", "create", "Bob's", "$hop", "--value", "1"],
                format!("{h} deal create 'Bob'\\''s $hop' --value 1"),
            ),
        ] {
            assert_eq!(hint(line), Some(want), "{line:?}");
        }
    }

    #[test]
    fn other_mistakes_keep_claps_own_message() {
        for line in [
            // An unknown option is not a word of a name.
            &["rex", "deal", "create", "Acme", "--valeu", "5"][..],
            // A word after the options is not next to the name.
            &["rex", "deal", "create", "Acme", "--value", "5", "extra"],
            // Two positionals: which words are the deal's and which the stage's is unknown.
            &[
                "rex",
                "deal",
                "move",
                "Tyrell",
                "Replicant",
                "Leasing",
                "Proposal",
            ],
            // A command without a name.
            &["rex", "today", "now"],
        ] {
            assert_eq!(hint(line), None, "{line:?}");
        }
    }
}
