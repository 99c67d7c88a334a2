//! Tables that fit: no line wider than the width available. When a table is too wide, the
//! columns that say the same on every row are left out first; then free text is cut with `…`
//! (one line per record), or wrapped whole onto further lines of its cell (notes); money,
//! dates, counts and references keep their full width; when even that is too wide, the least
//! needed columns are left out.

use comfy_table::{Cell, ColumnConstraint, ContentArrangement, Row, Table, Width};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::{Fit, Style};

/// What each free-text column gets first, before the rest goes to the most needed ones.
const FIRST_SHARE: usize = 16;

/// The narrowest a free-text column is cut to before another is left out instead: the
/// column that always stays (a name) keeps more.
const NARROWEST: usize = 8;
const NARROWEST_KEPT: usize = 14;

/// A list table: `headers` and `rows` of cells, each column fitting as `fits` says, within
/// `style.width` (none: every column at full width, as `-o wide`).
pub fn table(style: &Style, headers: &[String], fits: &[Fit], rows: Vec<Vec<Cell>>) -> Table {
    let content = |row: &[Cell], i: usize| row.get(i).map(|c| c.content()).unwrap_or_default();
    let widest: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| content(r, i).lines().map(|l| l.width()).max().unwrap_or(0))
                .chain([headers[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let Some(width) = style.width else {
        let all: Vec<Option<usize>> = widest.iter().map(|w| Some(*w)).collect();
        return draw(style, headers, fits, &rows, &all, false);
    };
    let mut keep: Vec<bool> = fits
        .iter()
        .enumerate()
        .map(|(i, fit)| match fit {
            Fit::Wide => false,
            Fit::TextUnlessUniform(_) => {
                let first = rows.first().map(|r| content(r, i));
                rows.len() < 2 || rows.iter().any(|r| Some(content(r, i)) != first)
            }
            _ => true,
        })
        .collect();
    let rank = |i: usize| match fits[i] {
        Fit::Fixed(r) | Fit::Text(r) | Fit::TextUnlessUniform(r) => r,
        Fit::Wrap => 0,
        Fit::Wide => u8::MAX,
    };
    let is_text = |i: usize| {
        matches!(
            fits[i],
            Fit::Text(_) | Fit::TextUnlessUniform(_) | Fit::Wrap
        )
    };
    // A column that holds the same on every row (every deal `open`, or in one stage) tells
    // nothing: when the table is too wide for its columns whole, such columns go first, the
    // least needed first, before any text is cut or a column that tells something is left out.
    let uniform: Vec<bool> = (0..headers.len())
        .map(|i| {
            let first = rows.first().map(|r| content(r, i));
            rows.len() > 1 && rows.iter().all(|r| Some(content(r, i)) == first)
        })
        .collect();
    loop {
        let cols: Vec<usize> = (0..headers.len()).filter(|i| keep[*i]).collect();
        let whole = overhead(style, cols.len()) + cols.iter().map(|i| widest[*i]).sum::<usize>();
        if whole <= width {
            break;
        }
        match cols
            .iter()
            .copied()
            .filter(|i| uniform[*i] && rank(*i) > 0)
            .max_by_key(|i| (rank(*i), *i))
        {
            Some(i) => keep[i] = false,
            None => break,
        }
    }
    loop {
        let cols: Vec<usize> = (0..headers.len()).filter(|i| keep[*i]).collect();
        let fixed: usize = cols
            .iter()
            .filter(|i| !is_text(**i))
            .map(|i| widest[*i])
            .sum();
        let needed = overhead(style, cols.len()) + fixed;
        let room = width.saturating_sub(needed);
        let mut texts: Vec<usize> = cols.iter().copied().filter(|i| is_text(*i)).collect();
        texts.sort_by_key(|i| (rank(*i), *i));
        let floors: Vec<usize> = texts
            .iter()
            .map(|i| {
                widest[*i].min(if rank(*i) == 0 {
                    NARROWEST_KEPT
                } else {
                    NARROWEST
                })
            })
            .collect();
        let given = (needed <= width)
            .then(|| share(&texts, &floors, &widest, room))
            .flatten();
        if let Some(given) = given {
            let mut widths = vec![None; headers.len()];
            for (i, w) in texts.iter().zip(given) {
                widths[*i] = Some(w);
            }
            let shown: Vec<Option<usize>> = (0..headers.len())
                .map(|i| match (keep[i], is_text(i)) {
                    (false, _) => None,
                    (true, true) => widths[i],
                    (true, false) => Some(widest[i]),
                })
                .collect();
            return draw(style, headers, fits, &rows, &shown, true);
        }
        // Too narrow even with text cut: leave out the least needed column that may go.
        match cols
            .iter()
            .copied()
            .filter(|i| rank(*i) > 0)
            .max_by_key(|i| (rank(*i), *i))
        {
            Some(i) => keep[i] = false,
            None => {
                // Only what must stay is left: text takes what room there is (at least one
                // column's worth), and never a number, date or reference is cut.
                let ones = vec![1; texts.len()];
                let given =
                    share(&texts, &ones, &widest, room.max(texts.len())).unwrap_or(ones.clone());
                let mut shown: Vec<Option<usize>> = (0..headers.len())
                    .map(|i| keep[i].then_some(widest[i]))
                    .collect();
                for (i, w) in texts.iter().zip(given) {
                    shown[*i] = Some(w);
                }
                return draw(style, headers, fits, &rows, &shown, true);
            }
        }
    }
}

/// Widths for the free-text columns `texts` (most needed first) out of `room`: each gets its
/// floor, then up to [`FIRST_SHARE`], then the most needed take what they want of the rest.
/// None when `room` cannot give each its floor.
fn share(texts: &[usize], floors: &[usize], widest: &[usize], room: usize) -> Option<Vec<usize>> {
    let mut left = room.checked_sub(floors.iter().sum())?;
    let mut given = floors.to_vec();
    for cap in [FIRST_SHARE, usize::MAX] {
        for (k, i) in texts.iter().enumerate() {
            let want = widest[*i].min(cap).saturating_sub(given[k]);
            let more = want.min(left);
            given[k] += more;
            left -= more;
        }
    }
    Some(given)
}

/// What borders and padding add to the content of `n` columns.
fn overhead(style: &Style, n: usize) -> usize {
    let mut t = style.bare_table();
    t.set_header(Row::from((0..n).map(|_| Cell::new("x"))));
    let line = t.lines().next().map(|l| visible_width(&l)).unwrap_or(0);
    line.saturating_sub(n)
}

/// The table with each shown column at its width (None: left out). `cut` makes free text one
/// line ending in `…`, and [`Fit::Wrap`] text wrapped whole within its column; a row is one
/// line unless a column wraps.
fn draw(
    style: &Style,
    headers: &[String],
    fits: &[Fit],
    rows: &[Vec<Cell>],
    widths: &[Option<usize>],
    cut: bool,
) -> Table {
    let mut t = style.bare_table();
    let cols: Vec<usize> = (0..headers.len())
        .filter(|i| widths[*i].is_some())
        .collect();
    let mut head = Row::from(
        cols.iter()
            .map(|i| Cell::new(&headers[*i]).add_attribute(comfy_table::Attribute::Bold)),
    );
    if cut {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_truncation_indicator("…");
        head.max_height(1);
    }
    t.set_header(head);
    let wraps = cols.iter().any(|i| fits[*i] == Fit::Wrap);
    for r in rows {
        let mut row = Row::from(cols.iter().map(|i| {
            let cell = r.get(*i).cloned().unwrap_or_else(|| Cell::new(""));
            let (Some(w), true) = (widths[*i], cut) else {
                return cell;
            };
            let content = cell.content();
            if fits[*i] == Fit::Wrap {
                // Re-made with its text wrapped: alignment and colour are a note's defaults.
                return Cell::new(wrap_whole(&content, w));
            }
            // Cut at a character, not a word: a name keeps as much of itself as fits. A row
            // that is one line anyway is cut by the table itself; beside a wrapped column,
            // a text of several lines is cut to its first here.
            let mut lines = content.lines();
            let first = lines.next().unwrap_or("");
            if first.width() > w {
                Cell::new(ellipsis(first, w))
            } else if wraps && lines.next().is_some() {
                Cell::new(ellipsis(&format!("{first}…"), w))
            } else {
                cell
            }
        }));
        if cut && !wraps {
            row.max_height(1);
        }
        t.add_row(row);
    }
    for (n, i) in cols.iter().enumerate() {
        let w = widths[*i].unwrap_or(0) + 2; // with its padding
        if let Some(col) = t.column_mut(n) {
            col.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w as u16)));
        }
    }
    t
}

/// Text cut to `width` display columns, ending in `…` when cut.
pub fn ellipsis(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    // Cut between what a reader sees as one character (a flag, an emoji of several code
    // points, a letter and its accents), never inside one.
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// Text broken into lines of at most `width` columns, every word kept: at spaces, and inside
/// a word only when the word alone is wider than `width`; its own line breaks are kept.
pub fn wrap_whole(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let mut current = String::new();
        for (n, word) in line.split(' ').enumerate() {
            let after = if n == 0 { 0 } else { current.width() + 1 };
            if after + word.width() <= width {
                if n > 0 {
                    current.push(' ');
                }
                current.push_str(word);
                continue;
            }
            if !current.trim_end().is_empty() {
                out.push(current.trim_end().to_string());
            }
            current = String::new();
            // A word wider than the column goes on at its characters (as a reader sees
            // them: a flag or an accented letter is not split).
            for g in word.graphemes(true) {
                if current.width() + g.width() > width && !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.push_str(g);
            }
        }
        out.push(current);
    }
    out.join("\n")
}

/// The columns a line takes on a terminal: escape sequences (colour) take none.
pub fn visible_width(line: &str) -> usize {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ … final byte in @..~
            if chars.next() == Some('[') {
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Was: names were cut between code points, leaving half a flag or a family's joiner
    /// before the `…`.
    #[test]
    fn a_cut_keeps_what_a_reader_sees_as_one_character_whole() {
        let flags = "🇯🇵🇯🇵🇯🇵🇯🇵";
        let cut = ellipsis(flags, 6);
        assert_eq!(cut, "🇯🇵🇯🇵…");
        let family = "Family 👩\u{200d}👩\u{200d}👧 trip";
        let cut = ellipsis(family, 9);
        assert!(!cut.contains("\u{200d}…"), "{cut:?}");
        assert!(cut.ends_with('…') && cut.width() <= 9, "{cut:?}");
        assert_eq!(ellipsis("Cafe\u{301} Crème", 6), "Cafe\u{301} …");
        assert_eq!(wrap_whole("🇯🇵🇯🇵🇯🇵", 3), "🇯🇵\n🇯🇵\n🇯🇵");
    }

    #[test]
    fn wrapped_text_keeps_every_word_and_its_own_lines_within_the_width() {
        assert_eq!(
            wrap_whole("a 99.9% SLA in the contract", 12),
            "a 99.9% SLA\nin the\ncontract"
        );
        // A word wider than the column goes on at its characters; line breaks are kept.
        assert_eq!(
            wrap_whole("see https://example.com/quote\n  2. seats", 10),
            "see\nhttps://ex\nample.com/\nquote\n  2. seats"
        );
        assert_eq!(wrap_whole("", 10), "");
        for line in wrap_whole(&"word ".repeat(60), 17).lines() {
            assert!(line.width() <= 17, "{line}");
        }
    }
}
