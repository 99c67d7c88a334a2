//! `rex board` and `rex today`: the views a salesperson opens first ([`ops::board`]), with
//! the names of each deal's pipeline and stage, and short references for people.

use super::{fill_refs, me, Ctx};
use crate::cli::TodaySection;
use crate::error::{Error, Result};
use crate::ops::activity::activity_refs;
use crate::ops::board as ops;
use crate::ops::board::Section;
use crate::output::{
    fit_height, screen_height, ActivityView, BoardView, Format, Printer, Record, SectionRows,
    TodayActivityRow, TodayRow, TodayView,
};

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
        (Some(o), false) => format!("rex today --owner {}", crate::text::shell_word(o)),
    };
    // Rows name the owner unless every deal is the reader's own.
    let owner_column = match (&owner, &mine) {
        (Some(o), Some(m)) => !o.eq_ignore_ascii_case(m),
        _ => true,
    };
    let only: Vec<Section> = only
        .iter()
        .map(|s| match s {
            TodaySection::ActivitiesOverdue => Section::ActivitiesOverdue,
            TodaySection::ActivitiesToday => Section::ActivitiesToday,
            TodaySection::Overdue => Section::Overdue,
            TodaySection::ClosingSoon => Section::ClosingSoon,
            TodaySection::Stalled => Section::Stalled,
            TodaySection::GoingStale => Section::GoingStale,
            TodaySection::NoNextStep => Section::NoNextStep,
        })
        .collect();
    let clock = ctx.clock;
    let human = ctx.out.is_human();
    let json = ctx.out.chosen_format() == Some(Format::Json);
    let screen = json || (human && !ctx.out.has_fields());
    // A flat list holds one kind of row: deals, or activities when only activity sections
    // are asked for.
    let activity_rows = !only.is_empty() && only.iter().all(|s| s.lists_activities());
    if json {
        today_fields(&ctx.out)?;
    } else if !screen {
        if !activity_rows && only.iter().any(|s| s.lists_activities()) {
            return Err(Error::usage(
                "a flat list (TSV, CSV, JSON Lines, ids) holds deals or activities, not both; ask for activities_overdue and activities_today alone, or use -o json",
            ));
        }
        if activity_rows {
            ctx.out.check_fields::<TodayActivityRow>()?;
        } else {
            ctx.out.check_fields::<TodayRow>()?;
        }
    }
    // A flat list holds the deal sections it always held unless sections are named: the
    // activities and the deals without a next step only when asked for.
    let listed: Vec<Section> = match (screen, only.is_empty()) {
        (false, true) => Section::ALL
            .into_iter()
            .filter(|s| !s.lists_activities() && *s != Section::NoNextStep)
            .collect(),
        _ => only.clone(),
    };
    let sections = ctx.store.read(|tx| {
        let today = ops::today(tx, &clock, owner.as_deref(), &listed)?;
        let mut sections = TodayView::sections(today, &listed, &tx.stage_labels()?);
        if human {
            fill_refs(
                tx,
                sections.iter_mut().flat_map(|(_, rows)| match rows {
                    SectionRows::Deals(deals) => deals.iter_mut().collect(),
                    SectionRows::Activities(_) => Vec::new(),
                }),
            )?;
            let mut activities: Vec<&mut ActivityView> = sections
                .iter_mut()
                .flat_map(|(_, rows)| match rows {
                    SectionRows::Activities(a) => a.iter_mut().collect(),
                    SectionRows::Deals(_) => Vec::new(),
                })
                .collect();
            let ids: Vec<_> = activities.iter().map(|a| a.activity.id).collect();
            let mut refs = activity_refs(tx, &ids)?;
            for a in &mut activities {
                a.short_ref = refs.remove(&a.activity.id);
            }
        }
        Ok(sections)
    })?;
    let mut view = TodayView {
        sections,
        owner_column,
        // The screen's height, unless sections were asked for in full.
        height: screen_height().filter(|_| human && only.is_empty()),
        command,
        fields: if json { ctx.out.take_fields() } else { None },
    };
    if screen {
        return ctx.out.one(&view);
    }
    view.fields = None;
    if activity_rows {
        ctx.out.list(view.activity_rows())
    } else {
        ctx.out.list(view.rows())
    }
}

/// `rex today -o json --fields`: each a field of today's deal rows or of its activity rows
/// (JSON narrows every row of every section to them).
fn today_fields(out: &Printer) -> Result<()> {
    let Some(fields) = out.fields() else {
        return Ok(());
    };
    let known = [
        TodayRow::FIELDS,
        TodayRow::ON_REQUEST,
        TodayActivityRow::FIELDS,
    ]
    .concat();
    for (i, f) in fields.iter().enumerate() {
        if fields[..i].contains(f) {
            return Err(Error::usage(format!(
                "field '{f}' is named twice in --fields; name each field once"
            )));
        }
        if !known.contains(&f.as_str()) {
            let mut valid = known.clone();
            let mut seen = std::collections::HashSet::new();
            valid.retain(|v| seen.insert(*v));
            return Err(Error::usage(format!(
                "unknown field '{f}' for --fields; valid fields: {}",
                valid.join(", ")
            )));
        }
    }
    Ok(())
}
