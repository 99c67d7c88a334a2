//! Text for people: help and messages reflowed at word boundaries to a width, and words
//! quoted so a shell reads them back as they are.

/// A word as a shell reads it back: as it is when it is plain, else in single quotes
/// (a `'` inside written `'\''`), so nothing it holds is expanded or run.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        single_quoted(word)
    }
}

/// A word in single quotes, as a shell reads it back whatever it holds.
pub fn single_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
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

#[cfg(test)]
mod shell_tests {
    use super::*;

    #[test]
    fn a_word_is_plain_or_single_quoted_so_nothing_in_it_runs() {
        assert_eq!(shell_word("ana.lima@acme.com"), "ana.lima@acme.com");
        assert_eq!(shell_word("Zoë"), "Zoë");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("Ana Lima"), "'Ana Lima'");
        assert_eq!(shell_word("$(touch pwned)"), "'$(touch pwned)'");
        assert_eq!(shell_word("O'Brien `id`"), r"'O'\''Brien `id`'");
    }
}
