//! Text made safe for where it goes: CSV cells that no spreadsheet runs as a formula, TSV
//! fields that cannot break a line, terminal text that cannot forge a line or restyle one.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::record::is_forbidden_in_line;

pub(super) fn csv_line(fields: &[String]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields)
        .map_err(|e| Error::Failed(format!("csv error: {e}")))?;
    w.into_inner()
        .map_err(|e| Error::Failed(format!("csv error: {e}")))
}

/// What makes a spreadsheet read a cell as a formula when it starts with it (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is (after any number of leading quotes) formula-like: the cells a CSV
/// export guards with one more leading `'`.
fn formula_like(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// One CSV cell as rex writes it: control characters (but newlines) escaped as `\u{…}`, and
/// a formula-like cell led by a `'`, so a spreadsheet shows it as text and runs nothing.
/// JSON keeps the exact text; `rex import` takes the `'` off again ([`csv_uncell`]), so
/// export, import, export gives the same bytes.
pub fn csv_cell(text: &str) -> String {
    let text = neutralise(text);
    if formula_like(&text) {
        format!("'{text}")
    } else {
        text
    }
}

/// A CSV cell as rex reads it back: the `'` that [`csv_cell`] put before a formula-like
/// text is removed; any other text is kept as it is.
pub fn csv_uncell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => text,
    }
}

/// A value as plain text: strings bare, null empty, anything else as compact JSON.
pub fn tsv_plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One TSV field: strings as they are, null as nothing, nested values as compact JSON;
/// backslash, tab, newline, carriage return, other control characters and whatever else
/// one-line text may not hold ([`is_forbidden_in_line`]: the line and paragraph
/// separators, bidirectional overrides) escaped.
pub fn tsv_field(v: &Value) -> String {
    let raw = tsv_plain(v);
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_forbidden_in_line(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe to show on a terminal: control characters (escape sequences, carriage
/// returns), line and paragraph separators and bidirectional overrides
/// ([`is_forbidden_in_line`]) become visible `\u{…}` escapes; newlines stay.
pub fn neutralise(text: &str) -> String {
    escape_controls(text, true)
}

/// Text made safe for one line of a message (errors, notes): like [`neutralise`], and
/// newlines are escaped too, so user text can never start a line of its own.
pub fn one_line(text: &str) -> String {
    escape_controls(text, false)
}

fn escape_controls(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            c if is_forbidden_in_line(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text a person typed, as a table cell: control characters shown as escapes.
pub(super) fn text(s: &str) -> comfy_table::Cell {
    comfy_table::Cell::new(neutralise(s))
}

/// A label in bold (a card's field names).
pub(super) fn bold(s: &str) -> comfy_table::Cell {
    comfy_table::Cell::new(s).add_attribute(comfy_table::Attribute::Bold)
}

/// An optional text as a table cell, empty when there is none.
pub(super) fn opt(s: &Option<String>) -> comfy_table::Cell {
    text(s.as_deref().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tsv_fields_escape_what_would_break_a_line() {
        assert_eq!(tsv_field(&json!("a\tb\nc\\d\re")), "a\\tb\\nc\\\\d\\re");
        assert_eq!(tsv_field(&json!("\u{1b}[31mred")), "\\u{1b}[31mred");
        assert_eq!(
            tsv_field(&json!("a\u{2028}b\u{2029}c")),
            "a\\u{2028}b\\u{2029}c"
        );
        assert_eq!(tsv_field(&json!(null)), "");
        assert_eq!(tsv_field(&json!(5)), "5");
        assert_eq!(tsv_field(&json!({"a": "x\ty"})), r#"{"a":"x\\ty"}"#);
    }

    #[test]
    fn csv_cells_guard_formulas_and_read_back_exactly() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("+contact"), "'+contact");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("'=x"), "''=x");
        assert_eq!(csv_cell("\u{1b}[31mred\u{7}"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(csv_cell("\tx"), "\\u{9}x");
        assert_eq!(csv_cell("one\ntwo"), "one\ntwo");
        assert_eq!(csv_cell("'Tis"), "'Tis");
        assert_eq!(csv_cell("Acme = good"), "Acme = good");
        for text in [
            "=1+1", "'=1", "''@x", "'Tis", "plain", "-", "'", "''", "a'=b",
        ] {
            assert_eq!(csv_uncell(&csv_cell(text)), text, "{text}");
        }
        // What a person typed that rex did not guard is kept.
        assert_eq!(csv_uncell("'Tis"), "'Tis");
        assert_eq!(csv_uncell("''"), "''");
    }

    #[test]
    fn terminal_text_is_neutralised() {
        assert_eq!(
            neutralise("ok\u{1b}[2Jgone\rx\u{202e}"),
            "ok\\u{1b}[2Jgone\\u{d}x\\u{202e}"
        );
    }
}
