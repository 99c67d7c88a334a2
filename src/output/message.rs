//! Messages to the person: notes, hints and errors on stderr, wrapped at words on a terminal;
//! and confirmations of a change, one line that fits by shortening its names (a list of
//! changes that still does not fit breaks between them).

use std::io::{self, IsTerminal};

use unicode_width::UnicodeWidthStr;

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
/// to the terminal's width when it is one (see [`Confirmation::fitted`]); whole in a pipe or
/// a log.
pub fn say_done(line: &Confirmation) {
    let prefix = "rex: ";
    let width = stderr_width().map(|w| w.saturating_sub(prefix.len()));
    say(format_args!("{prefix}{}\n", line.fitted(width)));
}

/// A question to the person at the terminal, followed by ` [y/N] ` and no line end: fitted
/// to the terminal as a confirmation is (names shortened, a date whole on its own line),
/// with a column left after its space for the answer.
pub fn say_question(question: &Confirmation) {
    let asked = question.clone().text("? [y/N]");
    say(format_args!(
        "{} ",
        asked.fitted(stderr_width().map(|w| w.saturating_sub(2)))
    ));
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
/// never cut and the terminal never wraps the line: a list of changes too long even so
/// breaks between its changes. Every confirmation is made of one and printed by
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
    /// Kept whole; where the line breaks when shortening the names is not enough.
    Break(String),
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

    /// Where the line may break when it does not fit on one: between changes (`; `), or
    /// before a date (` on `), which is never cut.
    pub fn separator(mut self, text: &str) -> Confirmation {
        self.parts.push(Part::Break(one_line(text)));
        self
    }

    /// The confirmation within `width` columns when it can be (None: whole, one line).
    /// First on one line, its longest names shortened, all to the same width, none below
    /// [`SHORTEST_NAME`]. When even that is too wide, the line breaks at its separators
    /// (between changes) onto continuation lines indented two spaces, each piece whole and
    /// as many on a line as fit, and names are shortened only in a piece too wide for a line
    /// of its own. When a line does not fit even so (a narrow terminal), the line with its
    /// names shortened is broken at its spaces onto continuation lines instead, so that
    /// the terminal never cuts a figure: only a single word wider than `width` is left wider.
    pub fn fitted(&self, width: Option<usize>) -> String {
        let whole = self.to_string();
        let Some(width) = width.filter(|w| whole.width() > *w) else {
            return whole;
        };
        let laid_out = self.laid_out(width);
        if laid_out.lines().all(|l| l.width() <= width) {
            return laid_out;
        }
        let mut lines = Vec::new();
        crate::text::hanging(
            &shortened(&self.parts, width),
            width,
            INDENT.len(),
            &mut lines,
        );
        lines.join("\n")
    }

    /// The confirmation's names shortened and its separators broken to fit `width`, as far
    /// as they go: a line may still be wider.
    fn laid_out(&self, width: usize) -> String {
        let one = shortened(&self.parts, width);
        if one.width() <= width || !self.parts.iter().any(|p| matches!(p, Part::Break(_))) {
            return one;
        }
        // The pieces between the separators, laid out a line at a time.
        let mut pieces: Vec<Vec<Part>> = vec![Vec::new()];
        let mut separators = Vec::new();
        for p in &self.parts {
            match p {
                Part::Break(t) => {
                    separators.push(t.clone());
                    pieces.push(Vec::new());
                }
                other => pieces
                    .last_mut()
                    .expect("one piece at least")
                    .push(other.clone()),
            }
        }
        let mut lines: Vec<Vec<Part>> = Vec::new();
        let mut pieces = pieces.into_iter().enumerate();
        let mut line = pieces.next().map(|(_, p)| p).unwrap_or_default();
        for (i, piece) in pieces {
            let separator = &separators[i - 1];
            // The room of this line, and the `;` it ends with when more pieces follow.
            let room = match lines.is_empty() {
                true => width,
                false => width.saturating_sub(INDENT.len()),
            };
            let more = usize::from(i < separators.len());
            let joined = parts_width(&line) + separator.width() + parts_width(&piece);
            if joined + more <= room {
                line.push(Part::Whole(separator.clone()));
                line.extend(piece);
            } else {
                line.push(Part::Whole(separator.trim_end().to_string()));
                lines.push(std::mem::replace(&mut line, piece));
            }
        }
        lines.push(line);
        lines
            .iter()
            .enumerate()
            .map(|(n, parts)| match n {
                0 => shortened(parts, width),
                _ => format!(
                    "{INDENT}{}",
                    shortened(parts, width.saturating_sub(INDENT.len()))
                ),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How far a confirmation's continuation lines are indented.
const INDENT: &str = "  ";

/// The display width of parts, names whole.
fn parts_width(parts: &[Part]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            Part::Whole(t) | Part::Name(t) | Part::Break(t) => t.width(),
        })
        .sum()
}

/// Parts as one line within `width` when their names can be shortened enough: the longest
/// names first, all to the same width, none below [`SHORTEST_NAME`] (then the line is wider).
fn shortened(parts: &[Part], width: usize) -> String {
    if parts_width(parts) <= width {
        return parts.iter().map(Part::text).collect();
    }
    let fixed: usize = parts
        .iter()
        .map(|p| match p {
            Part::Whole(t) | Part::Break(t) => t.width(),
            Part::Name(_) => 0,
        })
        .sum();
    let names: Vec<usize> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Name(n) => Some(n.width()),
            _ => None,
        })
        .collect();
    let room = width.saturating_sub(fixed);
    // The widest cap at which the names fit in the room (each at most its own width).
    let longest = names.iter().copied().max().unwrap_or(0);
    let cap = (SHORTEST_NAME..=longest)
        .rev()
        .find(|cap| names.iter().map(|n| (*n).min(*cap)).sum::<usize>() <= room)
        .unwrap_or(SHORTEST_NAME);
    parts
        .iter()
        .map(|p| match p {
            Part::Name(n) => super::fit::ellipsis(n, cap),
            other => other.text().to_string(),
        })
        .collect()
}

impl Part {
    fn text(&self) -> &str {
        match self {
            Part::Whole(t) | Part::Name(t) | Part::Break(t) => t,
        }
    }
}

impl std::fmt::Display for Confirmation {
    /// The whole line, every name in full (in a pipe, a log, or a wide terminal).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.parts {
            f.write_str(p.text())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Too narrow even for short names: the line breaks at a space, the figure whole
        // (was: one line wider than the terminal, which cut it wherever its edge fell).
        let line = closed(long).fitted(Some(30));
        assert_eq!(line, "closed Umbre… (g8carvk) as\n  won, $22,000.00");
        // Names are one line: a newline or an escape in one cannot start another.
        assert_eq!(
            closed("a\nb\u{1b}").fitted(Some(80)),
            "closed a\\u{a}b\\u{1b} (g8carvk) as won, $22,000.00"
        );
    }

    /// Was: an activity's confirmation with its names as short as they go was still wider
    /// than a 60-column terminal, which wrapped it in the middle of its date.
    #[test]
    fn a_date_too_far_right_goes_onto_a_line_of_its_own() {
        let line = Confirmation::new("scheduled ")
            .text("meeting \"")
            .name("A really long meeting subject")
            .text("\" for ")
            .name("漢字テスト🎉 and a long deal name")
            .text(" (g35scyf)")
            .separator(" on ")
            .text("Mon 2026-03-09 14:00");
        let narrow = line.fitted(Some(60));
        assert_eq!(
            narrow,
            "scheduled meeting \"A really l…\" for 漢字テスト… (g35scyf) on\n  \
             Mon 2026-03-09 14:00"
        );
        assert!(narrow.lines().all(|l| l.width() <= 60), "{narrow}");
        // At 40 columns the lines break at spaces too: no reference or date is cut.
        assert_eq!(
            line.fitted(Some(40)),
            "scheduled meeting \"A rea…\" for 漢字…\n  (g35scyf) on Mon 2026-03-09 14:00"
        );
        // Where the names can give way enough, one line.
        let wide = line.fitted(Some(80));
        assert!(!wide.contains('\n') && wide.width() <= 80, "{wide}");
        assert!(
            wide.ends_with(" (g35scyf) on Mon 2026-03-09 14:00"),
            "{wide}"
        );
    }

    /// `updated NAME (ref): ` and the changes, as `deal update` confirms them.
    fn updated(name: &str, changes: &[(&str, &str, &str)]) -> Confirmation {
        let mut line = Confirmation::new("updated ")
            .name(name)
            .text(" (g8carvk): ");
        for (i, (field, old, new)) in changes.iter().enumerate() {
            if i > 0 {
                line = line.separator("; ");
            }
            line = line
                .text(&format!("{field} "))
                .name(old)
                .text(" → ")
                .text(new);
        }
        line
    }

    #[test]
    fn changes_that_do_not_fit_one_line_break_between_them() {
        let line = updated(
            "Old Name",
            &[
                ("owner", "none", "someone"),
                ("contact", "none", "a-long-contact@example.com"),
                ("name", "Old Name", "New Name"),
                ("value", "$0.00", "$7.00"),
                ("expected close", "none", "2027-01-01"),
            ],
        );
        // Whole in a pipe; at 80 columns a line a piece or more, the `;` at the end.
        assert!(!line.fitted(None).contains('\n'));
        assert_eq!(
            line.fitted(Some(80)),
            "updated Old Name (g8carvk): owner none → someone;\n  \
             contact none → a-long-contact@example.com; name Old Name → New Name;\n  \
             value $0.00 → $7.00; expected close none → 2027-01-01"
        );
        // Narrower: one change a line; no line wider than the width.
        let narrow = line.fitted(Some(50));
        assert_eq!(
            narrow,
            "updated Old Name (g8carvk): owner none → someone;\n  \
             contact none → a-long-contact@example.com;\n  \
             name Old Name → New Name; value $0.00 → $7.00;\n  \
             expected close none → 2027-01-01"
        );
        // A change too wide for a line of its own shortens its names, never its figure.
        let long = Confirmation::new("updated ")
            .name(&"N".repeat(30))
            .text(" (g8carvk): owner none → ben")
            .separator("; ")
            .text("name ")
            .name(&"N".repeat(30))
            .text(" → ")
            .name(&"M".repeat(30));
        let lines: Vec<String> = long.fitted(Some(44)).lines().map(String::from).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| l.width() <= 44), "{lines:?}");
        assert_eq!(lines[1], "  name NNNNNNNNNNNNNNNN… → MMMMMMMMMMMMMMMM…");
        // A line that fits by shortening its names stays one line.
        let short = updated("x".repeat(70).as_str(), &[("owner", "none", "ben")]);
        assert_eq!(short.fitted(Some(60)).lines().count(), 1);
    }
}
