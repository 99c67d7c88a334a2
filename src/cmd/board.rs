//! `rex board` and `rex today`: the views a salesperson opens first ([`ops::board`]), with
//! the names of each deal's pipeline and stage, and short references for people.

use super::{fill_refs, me, Ctx};
use crate::cli::TodaySection;
use crate::error::Result;
use crate::ops::board as ops;
use crate::ops::board::Section;
use crate::output::{fit_height, screen_height, BoardView, Format, TodayView};

pub fn board(
    ctx: &mut Ctx,
    pipeline: Option<&str>,
    owner: Option<&str>,
    limit: Option<usize>,
) -> Result<()> {
    let human = ctx.out.is_human();
    // On a terminal, as many deals per stage as fit its height: no stage shows more deals
    // than the screen has lines, so that many are read and the board is cut to fit below.
    let fit = limit
        .is_none()
        .then(|| screen_height().filter(|_| human))
        .flatten();
    let per_stage = limit.or(fit);
    let mut view = ctx.store.read(|tx| {
        let board = ops::board(tx, pipeline, owner, per_stage)?;
        let mut view = BoardView::of(board, &tx.stage_labels()?);
        if human {
            fill_refs(tx, view.stages.iter_mut().flat_map(|s| &mut s.deals))?;
        }
        Ok(view)
    })?;
    if let Some(height) = fit {
        fit_height(&mut view, &ctx.out.style(), height);
    }
    ctx.out.one(&view)
}

/// `rex today`: at a table the sections within the screen, in JSON an object of sections,
/// in any other format one flat list with a section column.
pub fn today(ctx: &mut Ctx, owner: Option<String>, all: bool, only: &[TodaySection]) -> Result<()> {
    // REX_OWNER's deals unless an owner or everyone is asked for.
    let mine = me()?;
    let owner = match (owner, all) {
        (Some(o), _) => Some(o),
        (None, true) => None,
        (None, false) => mine.clone(),
    };
    // The command that shows these deals again, for "+N more: rex today --section ...".
    let command = match (&owner, all) {
        (_, true) | (None, false) => "rex today --all".to_string(),
        (Some(o), false) if Some(o) == mine.as_ref() => "rex today".to_string(),
        (Some(o), false) => format!("rex today --owner {}", shell_word(o)),
    };
    // Rows name the owner unless every deal is the reader's own.
    let owner_column = match (&owner, &mine) {
        (Some(o), Some(m)) => !o.eq_ignore_ascii_case(m),
        _ => true,
    };
    let only: Vec<Section> = only
        .iter()
        .map(|s| match s {
            TodaySection::Overdue => Section::Overdue,
            TodaySection::ClosingSoon => Section::ClosingSoon,
            TodaySection::Stalled => Section::Stalled,
            TodaySection::GoingStale => Section::GoingStale,
        })
        .collect();
    let clock = ctx.clock;
    let human = ctx.out.is_human();
    let sections = ctx.store.read(|tx| {
        let today = ops::today(tx, &clock, owner.as_deref())?;
        let mut sections = TodayView::sections(today, &only, &tx.stage_labels()?);
        if human {
            fill_refs(tx, sections.iter_mut().flat_map(|(_, deals)| deals))?;
        }
        Ok(sections)
    })?;
    let json = ctx.out.chosen_format() == Some(Format::Json);
    let mut view = TodayView {
        sections,
        owner_column,
        // The screen's height, unless sections were asked for in full.
        height: screen_height().filter(|_| human && only.is_empty()),
        command,
        fields: if json { ctx.out.take_fields() } else { None },
    };
    if json || (human && !ctx.out.has_fields()) {
        return ctx.out.one(&view);
    }
    view.fields = None;
    ctx.out.list(view.rows())
}

/// A word as a shell reads it back: as it is when it is plain, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
