//! Messages to the person on stderr: notes, hints and errors, wrapped at words on a terminal.

use std::io::{self, IsTerminal};

use super::cells::one_line;

/// One message on stderr, `rex: ` and its text on one line for a script (or a log); on a
/// terminal that is narrower than the message, wrapped at its words to the terminal's width
/// and continued under its text, so that no id, amount or date is cut at the edge.
pub fn say_line(msg: &str) {
    let line = format!("rex: {}", one_line(msg));
    let width = io::stderr()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(io::stderr()))
        .flatten()
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w >= 20);
    let mut lines = Vec::new();
    match width {
        Some(w) => crate::text::hanging(&line, w, 5, &mut lines),
        None => lines.push(line),
    }
    say(format_args!("{}\n", lines.join("\n")));
}

/// Writes to stderr, whatever becomes of it: a stderr nobody reads any more (`2>&1 | head -1`)
/// must not turn what rex did into a failure, or a change it made into a crash. (`eprintln!`
/// panics when the write fails.)
pub fn say(text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(text);
}
