//! Shell completions and man pages, generated from the clap tree. The committed copies under
//! `completions/` and `man/` are checked against these by a test.

use clap_complete::Shell;

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rex", &mut out);
    out
}

/// The file each shell's script is committed as, under `completions/`.
pub fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "rex.bash",
        Shell::Zsh => "_rex",
        Shell::Fish => "rex.fish",
        Shell::Elvish => "rex.elv",
        Shell::PowerShell => "_rex.ps1",
        _ => "rex.completion",
    }
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// Every man page: `rex.1` and one per subcommand (`rex-deal-create.1`), with its file name.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        Ok(())
    }
    let mut cmd = crate::cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Help fits 80 columns.
pub const HELP_WIDTH: usize = 80;

/// Text reflowed to `width` columns at word boundaries. A line that goes on is continued
/// under its own text: after its indentation, or after a term set off by two spaces
/// (`  2  usage: …` continues under `usage`); lines already continued that way are joined
/// first, so a paragraph reads evenly.
pub fn wrap(text: &str, width: usize) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let hang_of = |l: &str| {
        let lead = indent(l);
        l[lead..]
            .find("  ")
            .map(|gap| {
                let after = &l[lead + gap..];
                lead + gap + (after.len() - after.trim_start().len())
            })
            .filter(|h| *h < width / 2)
            .unwrap_or(lead)
    };
    // Logical lines: a line indented to the hang of the one before (and not a term of its
    // own) continues it.
    // Prose (unindented) lines join the one before; indented lines (examples, lists) join
    // only as the continuation of a term's text.
    let mut logical: Vec<(String, usize)> = Vec::new();
    for line in text.lines() {
        if let Some((joined, hang)) = logical.last_mut() {
            let lead = indent(joined);
            let continues = !line.trim().is_empty()
                && !joined.trim().is_empty()
                && indent(line) == *hang
                && hang_of(line) == *hang
                && (*hang > lead || *hang == 0);
            if continues {
                joined.push(' ');
                joined.push_str(line.trim_start());
                continue;
            }
        }
        logical.push((line.to_string(), hang_of(line)));
    }
    let mut out = Vec::new();
    for (line, hang) in logical {
        hanging(&line, width, hang, &mut out);
    }
    out.join("\n")
}

/// One line broken at its spaces into lines of at most `width` columns (a word longer
/// than that stands alone), each after the first indented by `hang` spaces; into `out`.
pub fn hanging(line: &str, width: usize, hang: usize, out: &mut Vec<String>) {
    use unicode_width::UnicodeWidthStr;
    if line.width() <= width {
        out.push(line.to_string());
        return;
    }
    let lead = line.len() - line.trim_start().len();
    let mut current = " ".repeat(lead);
    let mut fresh = true; // nothing but indentation on the current line yet
    for word in line[lead..].split(' ') {
        if fresh {
            if !word.is_empty() {
                current.push_str(word);
                fresh = false;
            }
            continue;
        }
        if word.is_empty() {
            current.push(' ');
            continue;
        }
        if current.width() + 1 + word.width() > width {
            out.push(current.trim_end().to_string());
            current = format!("{}{word}", " ".repeat(hang));
        } else {
            current.push(' ');
            current.push_str(word);
        }
    }
    out.push(current);
}
