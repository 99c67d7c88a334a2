//! `rex board`: the pipeline as a kanban board.

use comfy_table::Cell;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::views::{DealView, Labels};
use super::{neutralise, Column, Record, Style};
use crate::id::{PipelineId, StageId};
use crate::money::dollars;
use crate::record::{Color, Status};

/// A pipeline's stages with their active deals, largest first.
#[derive(Debug, Clone, Serialize)]
pub struct BoardView {
    pub pipeline: BoardPipeline,
    pub stages: Vec<BoardColumn>,
    /// How a person sees it: [`fit_height`] chooses a smaller layout for a screen too short
    /// for a deal of each stage.
    #[serde(skip)]
    pub layout: Layout,
}

/// How the board is drawn on a screen: its deals, or when even one deal of each stage does
/// not fit, only each stage's count and value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Each stage's name, its count and value, a rule, then its deals.
    #[default]
    Deals,
    /// Each stage's name and its count and value, no deals: the count says how many.
    Counts,
    /// One line a stage, its name then its count and value, `per_row` side by side (or as
    /// many as fit); the first `shown` stages, then a line saying how many more and how to
    /// see them.
    Lines { per_row: usize, shown: usize },
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardPipeline {
    pub id: PipelineId,
    pub name: String,
}

/// One column of the board: `count` and `value` cover every active deal of the stage,
/// `deals` the largest of them (at most the limit).
#[derive(Debug, Clone, Serialize)]
pub struct BoardColumn {
    pub id: StageId,
    pub name: String,
    pub color: Color,
    pub position: u32,
    pub count: i64,
    pub value: i128,
    pub deals: Vec<DealView>,
}

impl BoardView {
    /// The board's view: what `rex board -o json` prints and `GET /pipelines/:id/board`
    /// answers (a person's board adds short references).
    pub fn of(board: crate::ops::board::Board, labels: &Labels) -> BoardView {
        let mut next = board.next;
        let stages = board
            .stages
            .into_iter()
            .map(|s| BoardColumn {
                id: s.stage.id,
                name: s.stage.name,
                color: s.stage.color,
                position: s.stage.position,
                count: s.count,
                value: s.value,
                deals: s
                    .deals
                    .into_iter()
                    .map(|d| DealView::labelled(d, labels, &mut next))
                    .collect(),
            })
            .collect();
        BoardView {
            pipeline: BoardPipeline {
                id: board.pipeline.id,
                name: board.pipeline.name,
            },
            stages,
            layout: Layout::default(),
        }
    }
}

/// The narrowest a board column is drawn; stages that do not fit side by side wrap.
const COLUMN_MIN: usize = 34;
const GAP: &str = "  ";

impl Record for BoardView {
    const FIELDS: &'static [&'static str] = &["pipeline", "stages"];
    fn id(&self) -> String {
        self.pipeline.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("pipeline", "Pipeline", |b: &BoardView, _| {
                Cell::new(neutralise(&b.pipeline.name))
            }),
            Column::new("stages", "Stages", |b: &BoardView, _| {
                Cell::new(b.stages.len())
            }),
        ]
    }

    fn text(&self, style: &Style) -> Option<String> {
        Some(draw(self, style, usize::MAX))
    }
}

/// The width the board is drawn in: the table width, or every stage side by side (`-o wide`).
fn board_width(style: &Style, stages: usize) -> usize {
    style
        .width
        .unwrap_or((COLUMN_MIN + GAP.len()) * stages.max(1))
}

/// How many stages stand side by side in a row of the board.
fn stages_per_row(width: usize, stages: usize) -> usize {
    ((width + GAP.len()) / (COLUMN_MIN + GAP.len())).clamp(1, stages.max(1))
}

/// Cuts each stage's deals to the most that let the board fit `height` lines with a line
/// left for the prompt: the board is drawn as it will be, so a row of stages with few deals
/// takes only the lines it needs and lends the rest to the others. `board` holds the
/// largest deals of each stage (at least `height` of them when it has that many, more never
/// fit). When not even one deal of each stage fits (many stages), the stages are shown
/// without deals: their names with counts and values, then one line a stage, several side
/// by side, and when even that is too long, the first stages and a line for the rest.
pub fn fit_height(board: &mut BoardView, style: &Style, height: usize) {
    let fits = |board: &BoardView, limit: usize| draw(board, style, limit).lines().count() < height;
    let most = board
        .stages
        .iter()
        .map(|s| s.deals.len())
        .max()
        .unwrap_or(0);
    let limit = (1..=most.max(1)).rev().find(|&limit| fits(board, limit));
    if let Some(limit) = limit {
        for stage in &mut board.stages {
            stage.deals.truncate(limit);
        }
        return;
    }
    for stage in &mut board.stages {
        stage.deals.clear();
    }
    // The fewest stages side by side that fit (the widest names), then as many as fit the
    // width with the most stages that fit the height.
    let all = board.stages.len();
    let side_by_side = (1..=all).map(|per_row| Layout::Lines {
        per_row,
        shown: all,
    });
    let first = (0..all).rev().map(|shown| Layout::Lines {
        per_row: all,
        shown,
    });
    for layout in std::iter::once(Layout::Counts)
        .chain(side_by_side)
        .chain(first)
    {
        board.layout = layout;
        if fits(board, 0) {
            return;
        }
    }
}

/// The board: stages side by side, as many as fit the width, in rows of stages; at most
/// `limit` deals of each.
fn draw(board: &BoardView, style: &Style, limit: usize) -> String {
    if let Layout::Lines { per_row, shown } = board.layout {
        return stage_lines(board, style, per_row, shown);
    }
    let counts = board.layout == Layout::Counts;
    let width = board_width(style, board.stages.len());
    let per_row = stages_per_row(width, board.stages.len());
    let column = (width + GAP.len()) / per_row - GAP.len();
    let today = crate::clock::local_day(style.now);
    let mut out = String::new();
    // Which marks the board shows: stalled, overdue, no next step, a next step's date.
    let mut marks = (false, false, false, false);
    for (n, row) in board.stages.chunks(per_row).enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let blocks: Vec<Vec<String>> = row
            .iter()
            .map(|stage| {
                let mut lines = Vec::new();
                let title = cut(&format!("■ {}", neutralise(&stage.name)), column);
                lines.push(paint(style, &stage.color, &pad(&title, column), true));
                let noun = if stage.count == 1 { "deal" } else { "deals" };
                lines.push(pad(
                    &cut(
                        &format!("{} {noun}, {}", stage.count, dollars(stage.value)),
                        column,
                    ),
                    column,
                ));
                if counts {
                    return lines;
                }
                lines.push("─".repeat(column));
                let shown = &stage.deals[..stage.deals.len().min(limit)];
                let value_width = shown
                    .iter()
                    .map(|v| v.deal.value.to_string().width())
                    .max()
                    .unwrap_or(0);
                let deal_marks = |v: &DealView| {
                    let d = &v.deal;
                    let stalled = d.status == Status::Stalled;
                    let overdue = d.is_overdue(today);
                    let planless = v.next_activity.is_none();
                    (stalled, overdue, planless)
                };
                let mark_width = shown
                    .iter()
                    .map(|v| {
                        let (a, b, c) = deal_marks(v);
                        usize::from(a) + usize::from(b) + usize::from(c)
                    })
                    .max()
                    .unwrap_or(0);
                let reference =
                    |v: &DealView| v.short_ref.clone().unwrap_or_else(|| v.deal.id.to_string());
                let tail_width = |v: &DealView| 2 + value_width + reference(v).width() + mark_width;
                // Each next step's date, when the stage's dates fit beside names of some length.
                let dates: Vec<Option<String>> = shown
                    .iter()
                    .map(|v| {
                        v.next_activity
                            .as_ref()
                            .map(|n| short_date(n.due_date, today))
                    })
                    .collect();
                let date_width = dates.iter().flatten().map(|d| d.width()).max().unwrap_or(0);
                let widest = shown.iter().map(tail_width).max().unwrap_or(0);
                let with_dates = date_width > 0 && column >= widest + 1 + date_width + NAME_MIN;
                for (v, date) in shown.iter().zip(&dates) {
                    let d = &v.deal;
                    let (stalled, overdue, planless) = deal_marks(v);
                    marks.0 |= stalled;
                    marks.1 |= overdue;
                    marks.2 |= planless;
                    marks.3 |= with_dates && date.is_some();
                    let mark = format!(
                        "{}{}{}",
                        if stalled { "~" } else { "" },
                        if overdue { "!" } else { "" },
                        if planless { "?" } else { "" }
                    );
                    let value = d.value.to_string();
                    let tail =
                        format!(" {value:>value_width$} {}{mark:<mark_width$}", reference(v));
                    let date = match (with_dates, date) {
                        (true, Some(day)) => format!(" {day:<date_width$}"),
                        (true, None) => " ".repeat(1 + date_width),
                        (false, _) => String::new(),
                    };
                    let name_room = column.saturating_sub(tail.width() + date.width());
                    let name = pad(&cut(&neutralise(&d.name), name_room), name_room);
                    // A next step already late shows its date in red.
                    let late = v.next_activity.as_ref().is_some_and(|n| n.due_date < today);
                    let date = if late && !date.trim().is_empty() {
                        format!(" {}", paint_code(style, "31", &date[1..]))
                    } else {
                        date
                    };
                    let line = format!("{name}{date}{tail}");
                    lines.push(if name_room == 0 {
                        pad(
                            &cut(&format!("{}{tail}", neutralise(&d.name)), column),
                            column,
                        )
                    } else {
                        line
                    });
                }
                let more = stage.count - shown.len() as i64;
                if more > 0 {
                    lines.push(pad(&format!("+{more} more"), column));
                }
                lines
            })
            .collect();
        let height = blocks.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..height {
            let line: Vec<String> = blocks
                .iter()
                .map(|b| b.get(i).cloned().unwrap_or_else(|| " ".repeat(column)))
                .collect();
            out.push_str(line.join(GAP).trim_end());
            out.push('\n');
        }
    }
    let mut legend = Vec::new();
    if marks.0 {
        legend.push("~ stalled");
    }
    if marks.1 {
        legend.push("! past its expected close");
    }
    if marks.2 {
        legend.push("? no next step");
    }
    if marks.3 {
        legend.push("Mar 5: next step due");
    }
    if !legend.is_empty() {
        // As many of them on a line as the board's width holds.
        out.push('\n');
        let mut line = String::new();
        for item in legend {
            if !line.is_empty() && line.width() + 3 + item.width() > width {
                out.push_str(&format!("{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push_str("   ");
            }
            line.push_str(item);
        }
        out.push_str(&format!("{line}\n"));
    }
    out.trim_end_matches('\n').to_string()
}

/// The board as one line a stage (`■ Discovery      12 deals, $48,000.00`), `per_row` side
/// by side or as many as fit the width: the first `shown` stages, then `+N stages:` and the
/// command that shows them all when some are left out.
fn stage_lines(board: &BoardView, style: &Style, per_row: usize, shown: usize) -> String {
    let width = style.width.unwrap_or(usize::MAX);
    let tails: Vec<String> = board
        .stages
        .iter()
        .map(|stage| {
            let noun = if stage.count == 1 { "deal" } else { "deals" };
            format!("{} {noun}, {}", stage.count, dollars(stage.value))
        })
        .collect();
    let tail = tails.iter().map(|t| t.width()).max().unwrap_or(0);
    // A cell: "■ ", a name of a few columns at least, a space, the count and value whole.
    let cell = 2 + SHORTEST_STAGE + 1 + tail;
    let per_row = (width.saturating_add(GAP.len()) / (cell + GAP.len()))
        .clamp(1, board.stages.len().max(1))
        .min(per_row.max(1));
    let column = match style.width {
        Some(w) => ((w + GAP.len()) / per_row)
            .saturating_sub(GAP.len())
            .max(cell),
        None => cell + COLUMN_MIN,
    };
    let mut out: Vec<String> = board.stages[..shown.min(board.stages.len())]
        .iter()
        .zip(&tails)
        .collect::<Vec<_>>()
        .chunks(per_row)
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .map(|(stage, tail)| {
                    let room = column - tail.width() - 1;
                    let title = pad(&cut(&format!("■ {}", neutralise(&stage.name)), room), room);
                    format!(
                        "{} {tail:>w$}",
                        paint(style, &stage.color, &title, true),
                        w = column - room - 1
                    )
                })
                .collect();
            cells.join(GAP).trim_end().to_string()
        })
        .collect();
    let more = board.stages.len().saturating_sub(shown);
    if more > 0 {
        let noun = if more == 1 { "stage" } else { "stages" };
        let name = &board.pipeline.name;
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        let pipeline = if plain {
            name.clone()
        } else {
            board.pipeline.id.to_string()
        };
        out.push(format!(
            "+{more} {noun}: rex board {pipeline} -o wide | less -S"
        ));
    }
    out.join("\n")
}

/// The narrowest a deal's name gets on the board for the stage to show its next steps' dates.
const NAME_MIN: usize = 10;

/// A next step's date as the board shows it: `Mar 5` this year, the full date another.
fn short_date(day: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if day.year() == today.year() {
        day.format("%b %-d").to_string()
    } else {
        crate::clock::format_date(day)
    }
}

/// Text in a colour (an SGR code), when the terminal shows colour.
fn paint_code(style: &Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\u{1b}[{code}m{text}\u{1b}[0m")
    } else {
        text.to_string()
    }
}

/// The narrowest a stage's name gets on a line of [`stage_lines`] (with its `…`).
const SHORTEST_STAGE: usize = 8;

use super::fit::ellipsis as cut;

/// Text padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// Text in a stage's colour (and bold), when the terminal shows colour.
fn paint(style: &Style, color: &Color, text: &str, bold: bool) -> String {
    let code = match style.stage_color(color.as_str()) {
        Some(comfy_table::Color::Rgb { r, g, b }) => format!("38;2;{r};{g};{b}"),
        Some(comfy_table::Color::AnsiValue(n)) => format!("38;5;{n}"),
        _ => return text.to_string(),
    };
    let weight = if bold { "1;" } else { "" };
    format!("\u{1b}[{weight}{code}m{text}\u{1b}[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(width: Option<usize>) -> Style {
        Style {
            color: false,
            terminal: true,
            width,
            now: chrono::DateTime::UNIX_EPOCH,
            truecolor: false,
        }
    }

    /// A board of `stages` stages holding `deals[i]` deals each, in rows of two at 80 columns.
    fn board(deals: &[usize]) -> BoardView {
        use crate::id::{DealId, PipelineId};
        use crate::money::Cents;
        use crate::record::Deal;
        let pipeline = PipelineId::new();
        let stages = deals
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = StageId::new();
                let deals: Vec<DealView> = (0..*n)
                    .map(|k| {
                        let deal = Deal {
                            id: DealId::new(),
                            name: format!("Deal {k}"),
                            value: Cents::new(100 * (k as i64 + 1)).unwrap(),
                            status: Status::Open,
                            contact_id: None,
                            pipeline_id: pipeline,
                            stage_id: id,
                            expected_close: None,
                            owner_id: None,
                            metadata: Default::default(),
                            created_at: String::new(),
                            updated_at: String::new(),
                            last_activity_at: String::new(),
                            stage_entered_at: String::new(),
                            closed_at: None,
                            close_reason: None,
                            probability: None,
                            origin: None,
                        };
                        DealView::new(crate::ops::deal::Placed {
                            deal,
                            pipeline: "Sales".into(),
                            stage: format!("Stage {i}"),
                            next_activity: None,
                        })
                    })
                    .collect();
                BoardColumn {
                    id,
                    name: format!("Stage {i}"),
                    color: crate::record::palette_color(i),
                    position: i as u32,
                    count: *n as i64,
                    value: 0,
                    deals,
                }
            })
            .collect();
        BoardView {
            pipeline: BoardPipeline {
                id: pipeline,
                name: "Sales".into(),
            },
            stages,
            layout: Layout::Deals,
        }
    }

    fn shown(board: &BoardView) -> Vec<usize> {
        board.stages.iter().map(|s| s.deals.len()).collect()
    }

    #[test]
    fn the_board_keeps_every_deal_that_fits_the_rows_there_are() {
        // Five stages at 80 columns are three rows; three deals in three of them take 17
        // lines of 24: nothing is held back.
        let mut few = board(&[3, 3, 3, 0, 0]);
        fit_height(&mut few, &style(Some(80)), 24);
        assert_eq!(shown(&few), [3, 3, 3, 0, 0]);
        assert!(!draw(&few, &style(Some(80)), usize::MAX).contains("more"));
        // Twenty in each: three rows of (3 + deals + "+N more"), two blank lines and the
        // legend (a blank line and "? no next step") fit 23 lines with two deals each.
        let mut many = board(&[20; 5]);
        fit_height(&mut many, &style(Some(80)), 24);
        assert_eq!(shown(&many), [2; 5]);
        let text = draw(&many, &style(Some(80)), usize::MAX);
        assert_eq!(text.lines().count(), 22, "{text}");
        assert!(text.contains("+18 more"), "{text}");
        assert_eq!(text.lines().last(), Some("? no next step"));
        // A row with few deals lends its lines to the others.
        let mut uneven = board(&[20, 20, 20, 20, 1]);
        fit_height(&mut uneven, &style(Some(80)), 24);
        assert_eq!(shown(&uneven), [3, 3, 3, 3, 1]);
        // Wide: every stage side by side in one row, and the legend.
        let mut wide = board(&[30; 5]);
        fit_height(&mut wide, &style(None), 24);
        assert_eq!(shown(&wide), [17; 5]);
        // Too small a screen for a deal of each stage: the stages' counts, two a row.
        let mut counts = board(&[5; 5]);
        fit_height(&mut counts, &style(Some(80)), 10);
        assert_eq!(shown(&counts), [0; 5]);
        assert_eq!(counts.layout, Layout::Counts);
        let text = draw(&counts, &style(Some(80)), 0);
        assert_eq!(text.lines().count(), 8, "{text}");
        assert!(!text.contains("more") && !text.contains('─'), "{text}");
        // Smaller: one line a stage, as few side by side as fit.
        let mut lines = board(&[5; 5]);
        fit_height(&mut lines, &style(Some(80)), 6);
        assert_eq!(
            lines.layout,
            Layout::Lines {
                per_row: 1,
                shown: 5
            }
        );
        let text = draw(&lines, &style(Some(80)), 0);
        assert_eq!(
            text.lines().next(),
            Some(format!("■ Stage 0{}5 deals, $0.00", " ".repeat(57)).as_str())
        );
        // Smaller still: the first stages and a line for the rest.
        let mut first = board(&[5; 8]);
        fit_height(&mut first, &style(Some(80)), 3);
        assert_eq!(
            first.layout,
            Layout::Lines {
                per_row: 8,
                shown: 3
            }
        );
        let text = draw(&first, &style(Some(80)), 0);
        assert_eq!(text.lines().count(), 2, "{text}");
        assert_eq!(
            text.lines().last(),
            Some("+5 stages: rex board Sales -o wide | less -S")
        );
        assert!(text.lines().all(|l| l.width() <= 80), "{text}");
    }

    #[test]
    fn stages_stand_side_by_side_as_the_width_allows() {
        // 80 columns: two stages a row (34 + 2 + 34); 70 still hold two and the gap.
        assert_eq!(stages_per_row(80, 5), 2);
        assert_eq!(stages_per_row(70, 5), 2);
        assert_eq!(stages_per_row(69, 5), 1);
        assert_eq!(stages_per_row(200, 5), 5);
    }

    #[test]
    fn a_deal_without_a_next_step_is_marked_and_the_others_show_its_date_when_it_fits() {
        use crate::record::{ActivityType, NextActivity};
        let mut b = board(&[3, 0]);
        let next = |day: &str| NextActivity {
            id: crate::id::ActivityId::new(),
            kind: ActivityType::Call,
            subject: "Call".into(),
            due_date: day.parse().unwrap(),
            due_time: None,
        };
        let deals = &mut b.stages[0].deals;
        deals[0].next_activity = Some(next("1970-01-12"));
        deals[1].next_activity = Some(next("1971-02-03"));
        for (i, d) in deals.iter_mut().enumerate() {
            d.short_ref = Some(format!("ref000{i}"));
        }
        // 1970-01-01 is the style's today: this year's dates short, another year's whole.
        let text = draw(&b, &style(Some(80)), usize::MAX);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[3..6],
            [
                "Deal 0        Jan 12     $1.00 ref0000",
                "Deal 1        1971-02-03 $2.00 ref0001",
                "Deal 2                   $3.00 ref0002?",
            ],
            "{text}"
        );
        assert_eq!(lines.last(), Some(&"? no next step   Mar 5: next step due"));
        // Too narrow for names beside the dates: no dates, the marks stay.
        let narrow = draw(&b, &style(Some(34)), usize::MAX);
        assert!(
            narrow.contains("Deal 2 ") && narrow.contains("ref0002?"),
            "{narrow}"
        );
        assert!(
            !narrow.contains("Jan 12") && !narrow.contains("next step due"),
            "{narrow}"
        );
        assert!(narrow.lines().all(|l| l.width() <= 34), "{narrow}");
    }
}
