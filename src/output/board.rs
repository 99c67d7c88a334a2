//! `rex board` and `rex today`: the pipeline as a kanban board, and the morning's deals.

use comfy_table::Cell;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::views::DealView;
use super::{fit, neutralise, Column, Record, Style};
use crate::id::{PipelineId, StageId};
use crate::money::dollars;
use crate::record::{Color, Status};

/// A pipeline's stages with their active deals, largest first.
#[derive(Debug, Clone, Serialize)]
pub struct BoardView {
    pub pipeline: BoardPipeline,
    pub stages: Vec<BoardColumn>,
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
        Some(draw(self, style))
    }
}

/// Lines a row of stages takes besides its deals: title, totals, rule, "+N more", gap.
const LINES_PER_ROW: usize = 5;

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

/// How many deals per stage a board of `stages` can show in `height` lines (at least one).
pub fn deals_that_fit(style: &Style, height: usize, stages: usize) -> usize {
    let per_row = stages_per_row(board_width(style, stages), stages);
    let rows = stages.div_ceil(per_row).max(1);
    (height.saturating_sub(2) / rows)
        .saturating_sub(LINES_PER_ROW)
        .max(1)
}

/// The board: stages side by side, as many as fit the width, in rows of stages.
fn draw(board: &BoardView, style: &Style) -> String {
    let width = board_width(style, board.stages.len());
    let per_row = stages_per_row(width, board.stages.len());
    let column = (width + GAP.len()) / per_row - GAP.len();
    let today = crate::clock::local_day(style.now);
    let mut out = String::new();
    let mut marks = (false, false);
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
                lines.push("─".repeat(column));
                let value_width = stage
                    .deals
                    .iter()
                    .map(|v| v.deal.value.to_string().width())
                    .max()
                    .unwrap_or(0);
                for v in &stage.deals {
                    let d = &v.deal;
                    let overdue = d.is_overdue(today);
                    let stalled = d.status == Status::Stalled;
                    marks.0 |= stalled;
                    marks.1 |= overdue;
                    let mark = format!(
                        "{}{}",
                        if stalled { "~" } else { "" },
                        if overdue { "!" } else { "" }
                    );
                    let reference = v.short_ref.clone().unwrap_or_else(|| d.id.to_string());
                    let value = d.value.to_string();
                    let tail = format!(" {value:>value_width$} {reference}{mark:<2}");
                    let name_room = column.saturating_sub(tail.width());
                    let line = format!(
                        "{}{tail}",
                        pad(&cut(&neutralise(&d.name), name_room), name_room)
                    );
                    lines.push(pad(&cut(&line, column), column));
                }
                let more = stage.count - stage.deals.len() as i64;
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
    if marks.0 || marks.1 {
        let mut legend = Vec::new();
        if marks.0 {
            legend.push("~ stalled");
        }
        if marks.1 {
            legend.push("! past its expected close");
        }
        out.push_str(&format!("\n{}\n", legend.join("   ")));
    }
    out.trim_end_matches('\n').to_string()
}

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

/// The morning's deals, each in the first section that applies.
#[derive(Debug, Clone, Serialize)]
pub struct TodayView {
    pub overdue: Vec<DealView>,
    pub closing_soon: Vec<DealView>,
    pub stalled: Vec<DealView>,
    pub going_stale: Vec<DealView>,
}

impl Record for TodayView {
    const FIELDS: &'static [&'static str] = &["overdue", "closing_soon", "stalled", "going_stale"];
    fn id(&self) -> String {
        String::new()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("overdue", "Overdue", |t: &TodayView, _| {
                Cell::new(t.overdue.len())
            }),
            Column::new("closing_soon", "Closing soon", |t: &TodayView, _| {
                Cell::new(t.closing_soon.len())
            }),
            Column::new("stalled", "Stalled", |t: &TodayView, _| {
                Cell::new(t.stalled.len())
            }),
            Column::new("going_stale", "Going stale", |t: &TodayView, _| {
                Cell::new(t.going_stale.len())
            }),
        ]
    }

    fn text(&self, style: &Style) -> Option<String> {
        let mut out = String::new();
        for (title, deals) in [
            ("Overdue: expected to close before today", &self.overdue),
            ("Closing in the next 7 days", &self.closing_soon),
            ("Stalled", &self.stalled),
            ("Going stale in the next 3 days", &self.going_stale),
        ] {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{title} ({})\n", deals.len()));
            if deals.is_empty() {
                continue;
            }
            let columns = DealView::columns();
            let headers: Vec<String> = columns.iter().map(|c| c.header.to_string()).collect();
            let fits: Vec<super::Fit> = columns.iter().map(|c| c.fit).collect();
            let rows = deals
                .iter()
                .map(|d| columns.iter().map(|c| (c.cell)(d, style)).collect())
                .collect();
            out.push_str(&fit::table(style, &headers, &fits, rows).to_string());
            out.push('\n');
        }
        Some(out.trim_end().to_string())
    }
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

    #[test]
    fn deals_per_stage_follow_the_rows_the_board_is_drawn_in() {
        // 80 columns: two stages a row (34 + 2 + 34), five stages in three rows of 7 lines.
        assert_eq!(stages_per_row(80, 5), 2);
        assert_eq!(deals_that_fit(&style(Some(80)), 24, 5), 2);
        // 70 columns still hold two 34-column stages and the gap between them.
        assert_eq!(stages_per_row(70, 5), 2);
        assert_eq!(deals_that_fit(&style(Some(70)), 24, 5), 2);
        assert_eq!(stages_per_row(69, 5), 1);
        assert_eq!(deals_that_fit(&style(Some(69)), 24, 5), 1);
        // Wide: every stage side by side in one row.
        assert_eq!(deals_that_fit(&style(None), 40, 5), 33);
        assert_eq!(deals_that_fit(&style(Some(200)), 40, 5), 33);
    }
}
