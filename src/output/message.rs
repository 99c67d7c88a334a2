//! Messages to the person: notes, hints and errors on stderr, wrapped at words on a terminal;
//! and confirmations of a change, one line that fits by shortening its names.

use std::io::{self, IsTerminal};

use super::cells::one_line;

/// One message on stderr, `rex: ` and its text on one line for a script (or a log); on a
/// terminal that is narrower than the message, wrapped at its words to the terminal's width
/// and continued under its text, so that no id, amount or date is cut at the edge.
pub fn say_line(msg: &str) {
    let line = format!("rex: {}", one_line(msg));
    let width = stderr_width();
    let mut lines = Vec::new();
    match width {
        Some(w) => crate::text::hanging(&line, w, 5, &mut lines),
        None => lines.push(line),
    }
    say(format_args!("{}\n", lines.join("\n")));
}

/// A confirmation on stderr (`rex: deleted pipeline 'Sales'`): one line, its names shortened
/// to the terminal's width when it is one; whole in a pipe or a log.
pub fn say_done(line: &Confirmation) {
    let prefix = "rex: ";
    let width = stderr_width().map(|w| w.saturating_sub(prefix.len()));
    say(format_args!("{prefix}{}\n", line.fitted(width)));
}

/// The width of the terminal stderr is, when it is one that reports a usable width.
fn stderr_width() -> Option<usize> {
    io::stderr()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(io::stderr()))
        .flatten()
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w >= 20)
}

/// Writes to stderr, whatever becomes of it: a stderr nobody reads any more (`2>&1 | head -1`)
/// must not turn what rex did into a failure, or a change it made into a crash. (`eprintln!`
/// panics when the write fails.)
pub fn say(text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(text);
}

/// A confirmation of a change, one line: `closed Umbrella Corp (g8carvk) as won, $22,000.00`.
/// Its names (a deal's, an owner's) are what gives way when the line is wider than the
/// terminal: they are shortened with `…`, while money, references, dates and stage names are
/// never cut and the line never wraps. Every confirmation is made of one and printed by
/// [`crate::output::Printer::change`] or [`crate::output::Printer::done`].
#[derive(Debug, Clone, Default)]
pub struct Confirmation {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    /// Kept whole.
    Whole(String),
    /// Shortened first when the line is too wide.
    Name(String),
}

/// The narrowest a shortened name gets (with its `…`): a few characters still say which.
const SHORTEST_NAME: usize = 6;

impl Confirmation {
    /// A confirmation starting with `text` (kept whole).
    pub fn new(text: &str) -> Confirmation {
        Confirmation::default().text(text)
    }

    /// Text kept whole: what was done, money, references, dates, stage names.
    pub fn text(mut self, text: &str) -> Confirmation {
        self.parts.push(Part::Whole(one_line(text)));
        self
    }

    /// A name, shortened when the line does not fit.
    pub fn name(mut self, name: &str) -> Confirmation {
        self.parts.push(Part::Name(one_line(name)));
        self
    }

    /// True when nothing has been said yet.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Another confirmation's parts after these (a list of changes).
    pub fn then(mut self, more: Confirmation) -> Confirmation {
        self.parts.extend(more.parts);
        self
    }

    /// The line within `width` columns when it can be (None: whole): the longest names are
    /// shortened first, all to the same width, none below [`SHORTEST_NAME`]. When even that
    /// is too wide the names stay that short and the line is wider: a figure is never cut.
    pub fn fitted(&self, width: Option<usize>) -> String {
        use unicode_width::UnicodeWidthStr;
        let whole = self.to_string();
        let Some(width) = width.filter(|w| whole.width() > *w) else {
            return whole;
        };
        let fixed: usize = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Whole(t) => t.width(),
                Part::Name(_) => 0,
            })
            .sum();
        let names: Vec<usize> = self
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Name(n) => Some(n.width()),
                Part::Whole(_) => None,
            })
            .collect();
        let room = width.saturating_sub(fixed);
        // The widest cap at which the names fit in the room (each at most its own width).
        let longest = names.iter().copied().max().unwrap_or(0);
        let cap = (SHORTEST_NAME..=longest)
            .rev()
            .find(|cap| names.iter().map(|n| (*n).min(*cap)).sum::<usize>() <= room)
            .unwrap_or(SHORTEST_NAME);
        self.parts
            .iter()
            .map(|p| match p {
                Part::Whole(t) => t.clone(),
                Part::Name(n) => super::fit::ellipsis(n, cap),
            })
            .collect()
    }
}

impl std::fmt::Display for Confirmation {
    /// The whole line, every name in full (in a pipe, a log, or a wide terminal).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.parts {
            match p {
                Part::Whole(t) | Part::Name(t) => f.write_str(t)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn closed(name: &str) -> Confirmation {
        Confirmation::new("closed ")
            .name(name)
            .text(" (g8carvk) as won, $22,000.00")
    }

    #[test]
    fn a_confirmation_fits_by_shortening_its_names() {
        let long = "Umbrella Corp Safety Equipment Renewal and Extended Maintenance";
        let line = closed(long).fitted(Some(80));
        assert_eq!(line.width(), 80);
        assert!(line.starts_with("closed Umbrella Corp Safety"), "{line}");
        assert!(line.ends_with("… (g8carvk) as won, $22,000.00"), "{line}");
        // Whole when it fits, or with no width (a pipe).
        assert_eq!(
            closed("Acme").fitted(Some(80)),
            "closed Acme (g8carvk) as won, $22,000.00"
        );
        assert_eq!(closed(long).fitted(None), closed(long).to_string());
        assert!(closed(long).to_string().contains(long));
        // The longer of two names gives way first.
        let two = Confirmation::new("updated ")
            .name("Short")
            .text(" (g8carvk): owner ")
            .name(&"x".repeat(70))
            .text(" → ben");
        let line = two.fitted(Some(60));
        assert_eq!(line.width(), 60);
        assert!(
            line.starts_with("updated Short (g8carvk): owner xxx"),
            "{line}"
        );
        // Too narrow even for short names: the figure stays whole and the line is wider.
        let line = closed(long).fitted(Some(30));
        assert_eq!(line, "closed Umbre… (g8carvk) as won, $22,000.00");
        // Names are one line: a newline or an escape in one cannot start another.
        assert_eq!(
            closed("a\nb\u{1b}").fitted(Some(80)),
            "closed a\\u{a}b\\u{1b} (g8carvk) as won, $22,000.00"
        );
    }
}
