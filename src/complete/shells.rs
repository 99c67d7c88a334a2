//! The shells rex completes in (`COMPLETE=bash rex`). Candidates hold whatever text someone
//! gave a deal, a pipeline or a file, so each shell gets them in the form it inserts safely:
//! bash puts a candidate on the command line exactly as given, so rex quotes it for the
//! quote the word was opened with; zsh and fish quote what they insert themselves, and
//! PowerShell gets single-quoted text. A candidate that cannot be inserted or shown safely
//! (a control character: newline, tab, escape) is left out. The word being completed is read
//! without its quotes and backslashes, so `'Acme` and `Acme\ C` complete `Acme Corp`.
//! Elvish quotes what it inserts and keeps clap's adapter as it is.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use clap_complete::engine::complete;
use clap_complete::env::{EnvCompleter, Shells};
use clap_complete::CompletionCandidate;

/// The adapters `COMPLETE=SHELL rex` chooses from.
pub const SHELLS: Shells<'static> =
    Shells(&[&Bash, &clap_complete::env::Elvish, &Fish, &Powershell, &Zsh]);

/// The candidates for the word at `index` of `args`, that word read without its quotes,
/// leaving out those that cannot be inserted or shown safely.
fn candidates(
    cmd: &mut clap::Command,
    mut args: Vec<OsString>,
    index: usize,
    typed: Option<OsString>,
    current_dir: Option<&Path>,
) -> std::io::Result<Vec<(String, Option<String>)>> {
    if args.len() == index {
        args.push(OsString::new());
    }
    if let Some(word) = args.get_mut(index) {
        let raw = typed.unwrap_or_else(|| word.clone());
        *word = unquoted(&raw.to_string_lossy()).into();
    }
    Ok(complete(cmd, args, index, current_dir)?
        .iter()
        .filter_map(shown)
        .collect())
}

/// A candidate's value and the first line of its help, or None when either holds a control
/// character.
fn shown(candidate: &CompletionCandidate) -> Option<(String, Option<String>)> {
    let value = candidate.get_value().to_str()?.to_string();
    let help = candidate
        .get_help()
        .map(|h| h.to_string().lines().next().unwrap_or_default().to_string());
    let safe = |s: &str| !s.chars().any(char::is_control);
    (safe(&value) && help.as_deref().is_none_or(safe)).then_some((value, help))
}

/// What a partly typed shell word says without its quotes and backslashes: `'Acme C`,
/// `"Acme C` and `Acme\ C` all say `Acme C`. A quote left open runs to the end of the word.
pub fn unquoted(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    let mut open: Option<char> = None;
    while let Some(c) = chars.next() {
        match (open, c) {
            (None, '\'' | '"') => open = Some(c),
            (None, '\\') => out.extend(chars.next()),
            (Some(q), c) if q == c => open = None,
            (Some('"'), '\\') => match chars.next() {
                Some(n @ ('$' | '`' | '"' | '\\')) => out.push(n),
                Some(n) => out.extend(['\\', n]),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Characters no shell gives a meaning to inside a word.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ',' | '/' | '@' | '%' | '+') || {
        !c.is_ascii() && !c.is_control()
    }
}

/// `value` as bash must be given it to insert it as one word meaning exactly `value`,
/// after the quote (`'` or `"`) the word was opened with, if any. bash inserts candidates
/// as they are, replacing the opening quote when the candidate starts with the same one.
/// Outside quotes every special character gets a backslash, which is also safe (if not
/// exact) inside either quote, for a bash that cannot tell which quote was opened.
pub fn for_bash(value: &str, opened: Option<char>) -> String {
    if value.chars().all(plain) {
        return value.to_string();
    }
    match opened {
        Some('\'') => format!("'{}'", value.replace('\'', r"'\''")),
        Some('"') => {
            let mut out = String::from('"');
            for c in value.chars() {
                match c {
                    '$' | '`' | '"' | '\\' => out.extend(['\\', c]),
                    // History expansion happens inside double quotes: `!` goes in single ones.
                    '!' => out.push_str(r#""'!'""#),
                    _ => out.push(c),
                }
            }
            out.push('"');
            out
        }
        _ => {
            let mut out = String::with_capacity(value.len() * 2);
            for c in value.chars() {
                if !plain(c) {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }
    }
}

/// bash's `COMP_TYPE` when it will show the candidates as a list: `?` (a second Tab), `!`
/// and `@` (show-all-if-ambiguous, show-all-if-unmodified). A plain Tab (9) inserts their
/// longest common start, and menu completion (`%`) inserts each in turn.
fn bash_lists(comp_type: u32) -> bool {
    matches!(comp_type, 63 | 33 | 64)
}

/// The widest a listed candidate is drawn, description included: one a row fits 80 columns.
const BASH_SHOWN: usize = 76;

/// The candidates as bash is handed them, quoted for insertion. bash shows its candidates in
/// columns with nothing to pair a reference with its name, so in a list each candidate
/// carries its own: `h0k69na  (Tyrell Replicant Leasing)`. bash inserts only what all the
/// candidates start with, which never reaches a description: described candidates are
/// references (plain characters) that differ from each other, and the two spaces cannot
/// start another candidate's rest (a value's spaces are escaped, a quoted value starts with
/// its quote). A single candidate is always the value alone.
pub fn for_bash_reply(
    found: &[(String, Option<String>)],
    opened: Option<char>,
    listing: bool,
) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let several = found.iter().any(|(v, _)| *v != found[0].0);
    found
        .iter()
        .map(|(value, help)| {
            let value = for_bash(value, opened);
            match help {
                Some(help) if listing && several && !help.is_empty() => {
                    let mut room = BASH_SHOWN.saturating_sub(value.chars().count() + 5);
                    let mut shown = String::new();
                    for c in help.chars() {
                        let w = c.width().unwrap_or(0);
                        if w > room {
                            shown.push('…');
                            break;
                        }
                        room -= w;
                        shown.push(c);
                    }
                    format!("{value}  ({shown})")
                }
                _ => value,
            }
        })
        .collect()
}

/// `value` as PowerShell inserts it as one argument: single-quoted, quotes doubled
/// (PowerShell takes the typographic single quotes for quotes too).
pub fn for_powershell(value: &str) -> String {
    if value.chars().all(plain) {
        return value.to_string();
    }
    let mut out = String::from('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn env_index() -> usize {
    std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse().ok())
        .unwrap_or_default()
}

/// bash: the hook passes the word being completed as readline has it (after any opening
/// quote) and that quote in `_REX_COMPLETE_QUOTE`, and reads the candidates back split on
/// the separator only (no word splitting, no pathname expansion).
#[derive(Debug, Clone, Copy)]
pub struct Bash;

const BASH_HOOK: &str = r#"
_clap_complete_NAME() {
    local IFS=$'\013'
    local _CLAP_COMPLETE_INDEX=${COMP_CWORD}
    local _CLAP_COMPLETE_COMP_TYPE=${COMP_TYPE}
    if compopt +o nospace 2> /dev/null; then
        local _CLAP_COMPLETE_SPACE=false
    else
        local _CLAP_COMPLETE_SPACE=true
    fi
    local words=("${COMP_WORDS[@]}")
    local quote=
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        # readline completes the text after an open quote; the quote is the character before.
        local typed=${COMP_WORDS[COMP_CWORD]}
        if [[ ${#typed} -gt ${#2} && "$typed" == *"$2" ]]; then
            quote=${typed:${#typed}-${#2}-1:1}
            [[ "$quote" == [\"\'] ]] || quote=
        fi
        words[COMP_CWORD]="$2"
    fi
    local reply
    reply=$( \
        _CLAP_IFS="$IFS" \
        _CLAP_COMPLETE_INDEX="$_CLAP_COMPLETE_INDEX" \
        _CLAP_COMPLETE_COMP_TYPE="$_CLAP_COMPLETE_COMP_TYPE" \
        _CLAP_COMPLETE_SPACE="$_CLAP_COMPLETE_SPACE" \
        _REX_COMPLETE_QUOTE="$quote" \
        VAR="bash" \
        COMPLETER -- "${words[@]}" \
    )
    if [[ $? != 0 ]]; then
        unset COMPREPLY
        return
    fi
    COMPREPLY=()
    if [[ -n "$reply" ]]; then
        IFS=$'\013' read -r -d '' -a COMPREPLY < <(printf '%s\0' "$reply")
    fi
    if [[ $_CLAP_COMPLETE_SPACE == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _clap_complete_NAME BIN
else
    complete -o nospace -o bashdefault -F _clap_complete_NAME BIN
fi
"#;

impl EnvCompleter for Bash {
    fn name(&self) -> &'static str {
        "bash"
    }

    fn is(&self, name: &str) -> bool {
        name == "bash"
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let script = BASH_HOOK
            .replace("NAME", &name.replace('-', "_"))
            .replace("BIN", &for_bash(bin, None))
            .replace("COMPLETER", &for_bash(completer, None))
            .replace("VAR", var);
        writeln!(buf, "{script}")
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let index = env_index();
        let opened = std::env::var("_REX_COMPLETE_QUOTE")
            .ok()
            .and_then(|q| q.chars().next())
            .filter(|q| matches!(q, '\'' | '"'));
        let typed = opened.and_then(|q| {
            let word = args.get(index)?.to_str()?;
            Some(format!("{q}{word}").into())
        });
        let ifs = std::env::var("_CLAP_IFS").unwrap_or_else(|_| "\n".into());
        let listing = std::env::var("_CLAP_COMPLETE_COMP_TYPE")
            .ok()
            .and_then(|t| t.parse().ok())
            .is_some_and(bash_lists);
        let found = candidates(cmd, args, index, typed, current_dir)?;
        write!(
            buf,
            "{}",
            for_bash_reply(&found, opened, listing).join(&ifs)
        )
    }
}

/// zsh: candidates as `value:help` lines, quoted by zsh as it inserts them.
#[derive(Debug, Clone, Copy)]
pub struct Zsh;

impl EnvCompleter for Zsh {
    fn name(&self) -> &'static str {
        "zsh"
    }

    fn is(&self, name: &str) -> bool {
        name == "zsh"
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        clap_complete::env::Zsh.write_registration(var, name, bin, completer, buf)
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let ifs = std::env::var("_CLAP_IFS").unwrap_or_else(|_| "\n".into());
        let found = candidates(cmd, args, env_index(), None, current_dir)?;
        let escape = |s: &str| s.replace('\\', "\\\\");
        let lines: Vec<String> = found
            .iter()
            .map(|(value, help)| match help {
                Some(h) => format!("{}:{}", escape(value).replace(':', "\\:"), escape(h)),
                None => escape(value).replace(':', "\\:"),
            })
            .collect();
        write!(buf, "{}", lines.join(&ifs))
    }
}

/// fish: candidates as `value<TAB>help` lines, quoted by fish as it inserts them.
#[derive(Debug, Clone, Copy)]
pub struct Fish;

impl EnvCompleter for Fish {
    fn name(&self) -> &'static str {
        "fish"
    }

    fn is(&self, name: &str) -> bool {
        name == "fish"
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        clap_complete::env::Fish.write_registration(var, name, bin, completer, buf)
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let index = args.len().saturating_sub(1);
        for (value, help) in candidates(cmd, args, index, None, current_dir)? {
            match help {
                Some(h) => writeln!(buf, "{value}\t{h}")?,
                None => writeln!(buf, "{value}")?,
            }
        }
        Ok(())
    }
}

/// PowerShell: candidates as `value<TAB>help` lines, the value single-quoted when it needs
/// quoting (PowerShell inserts it as given).
#[derive(Debug, Clone, Copy)]
pub struct Powershell;

impl EnvCompleter for Powershell {
    fn name(&self) -> &'static str {
        "powershell"
    }

    fn is(&self, name: &str) -> bool {
        clap_complete::env::Powershell.is(name)
    }

    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        clap_complete::env::Powershell.write_registration(var, name, bin, completer, buf)
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let index = args.len().saturating_sub(1);
        for (value, help) in candidates(cmd, args, index, None, current_dir)? {
            let value = for_powershell(&value);
            match help {
                Some(h) => writeln!(buf, "{value}\t{h}")?,
                None => writeln!(buf, "{value}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_word_is_read_without_its_quotes() {
        assert_eq!(unquoted("'Acme C"), "Acme C");
        assert_eq!(unquoted("\"Acme C"), "Acme C");
        assert_eq!(unquoted(r"Acme\ C"), "Acme C");
        assert_eq!(unquoted(r#""a\$b\x"'c'd"#), r"a$b\xcd");
        assert_eq!(unquoted("trailing\\"), "trailing");
    }

    #[test]
    fn bash_gets_each_value_quoted_for_the_quote_it_was_opened_with() {
        let name = "O'Brien $(touch pwned) `x` * ! \"q\" \\";
        assert_eq!(
            for_bash(name, None),
            r#"O\'Brien\ \$\(touch\ pwned\)\ \`x\`\ \*\ \!\ \"q\"\ \\"#
        );
        assert_eq!(
            for_bash(name, Some('\'')),
            r#"'O'\''Brien $(touch pwned) `x` * ! "q" \'"#
        );
        assert_eq!(
            for_bash(name, Some('"')),
            r#""O'Brien \$(touch pwned) \`x\` * "'!'" \"q\" \\""#
        );
        assert_eq!(for_bash("Café-2026/Q3", None), "Café-2026/Q3");
        let found = [
            (
                "h0k69na".to_string(),
                Some("Tyrell Replicant Leasing".to_string()),
            ),
            ("p4bc9hj".to_string(), Some("Acme $(x)".to_string())),
            ("Tyrell Replicant Leasing".to_string(), None),
        ];
        assert_eq!(
            for_bash_reply(&found, None, true),
            [
                "h0k69na  (Tyrell Replicant Leasing)",
                "p4bc9hj  (Acme $(x))",
                r"Tyrell\ Replicant\ Leasing"
            ]
        );
        // Inserted (a plain Tab, or one candidate left): the values alone.
        assert_eq!(
            for_bash_reply(&found, None, false),
            ["h0k69na", "p4bc9hj", r"Tyrell\ Replicant\ Leasing"]
        );
        assert_eq!(for_bash_reply(&found[..1], None, true), ["h0k69na"]);
        let long = [
            ("a".to_string(), Some("x".repeat(100))),
            ("b".to_string(), None),
        ];
        assert_eq!(
            for_bash_reply(&long, None, true)[0],
            format!("a  ({}…)", "x".repeat(70))
        );
        assert_eq!(for_powershell("it's $(x)"), "'it''s $(x)'");
    }
}
