//! `rex deal …`: the deals a salesperson works all day, their history, and the stalled scan.
//! The operations are [`crate::ops::deal`]'s; this turns arguments into their input, and what
//! they return into views and the lines people read.

use serde_json::Value;

use super::{changes_line, confirm, deal_named, fill_refs, meta_key, parse_meta, print_saved, Ctx};
use crate::cli::{DealCommand, ListArgs, MetaArgs, ProbabilityOrDefault};
use crate::clock::DateOrNone;
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::ops::activity;
use crate::ops::deal::{self, Close, DealChanges, DealQuery, Moved, NewDeal, Placed, StallScope};
use crate::output::{
    fit_card, screen_height, Confirmation, DealView, NextSteps, StalledView, CARD_NEXT_STEPS,
};

/// How many history entries `deal show` prints under a deal on a terminal.
const RECENT_EVENTS: usize = 5;

/// The most of standard input `deal note -` reads: far beyond the longest note (10,000
/// characters), so that anything longer is refused as too long rather than read whole.
const NOTE_INPUT_MAX: u64 = 1 << 20;

/// The note `deal note` was given: its words joined by one space (so `rex deal note X Sent
/// quote v1` needs no quotes, and one quoted argument keeps its own spacing), or with `-`
/// alone, standard input up to its end, without the line ending that ends it. Windows line
/// endings (CRLF) become newlines wherever the note came from, so a file saved on Windows
/// (or `"$(cat call.txt)"` of one) is taken as written; a carriage return on its own is
/// still refused by the note's rules.
fn note_text(words: Vec<String>) -> Result<String> {
    let text = match words.as_slice() {
        [] => {
            return Err(Error::usage(
                "deal note needs the note: rex deal note DEAL TEXT..., or rex deal note DEAL - to read it from standard input",
            ))
        }
        [dash] if dash == "-" => note_from_stdin()?,
        _ => words.join(" "),
    };
    Ok(text.replace("\r\n", "\n"))
}

fn note_from_stdin() -> Result<String> {
    use std::io::{IsTerminal, Read};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        crate::output::say(format_args!(
            "rex: type the note, then press Ctrl-D on a line of its own\n"
        ));
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(NOTE_INPUT_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read the note from standard input: {e}")))?;
    if bytes.len() as u64 > NOTE_INPUT_MAX {
        return Err(Error::usage(format!(
            "the note on standard input is over 1 MiB; a note holds at most {} characters",
            crate::record::DealText::NOTE_MAX
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::usage("the note on standard input is not UTF-8 text; convert it (iconv -t UTF-8)")
    })?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    Ok(text.strip_suffix('\r').unwrap_or(text).to_string())
}

pub fn run(ctx: &mut Ctx, cmd: DealCommand) -> Result<()> {
    let clock = ctx.clock;
    match cmd {
        DealCommand::Create {
            name,
            value,
            pipeline,
            stage,
            contact,
            owner,
            expected_close,
            probability,
            meta,
        } => {
            let expected_close = expected_close.map(|d| d.resolve(&clock)).transpose()?;
            let new = NewDeal {
                name,
                value,
                pipeline,
                stage,
                contact,
                owner: match owner {
                    Some(owner) => Some(owner),
                    None => super::me()?,
                },
                expected_close,
                probability,
                metadata: metadata(&meta)?,
            };
            let (view, line) = ctx.store.write(|tx| {
                let made = deal::create(tx, &clock, &new)?;
                let line = Confirmation::new("created ")
                    .then(deal_named(tx, made.deal.id)?)
                    .text(&format!(
                        " in {} / {}, {}",
                        made.pipeline, made.stage, made.deal.value
                    ));
                Ok((view_of(made), line))
            })?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || format!("new deal {id}"))
        }
        DealCommand::List(args) => list(ctx, &args),
        DealCommand::Show { deal } => {
            let human = ctx.out.is_human();
            let recent = if human { RECENT_EVENTS } else { 0 };
            let mut view = ctx.store.read(|tx| {
                let shown = deal::show(tx, &deal, recent)?;
                let mut view = view_of(shown.deal);
                fill_refs(tx, [&mut view])?;
                view.recent = shown.recent;
                if human {
                    view.next_steps = next_steps(tx, &clock, view.deal.id)?;
                    // Each line of next steps takes the place of a recent history entry,
                    // so that the card stays one screen.
                    let lines = view.next_steps.pending.min(CARD_NEXT_STEPS as i64) as usize;
                    view.recent
                        .drain(..view.recent.len().saturating_sub(RECENT_EVENTS - lines));
                }
                Ok(view)
            })?;
            // On a terminal, the card keeps to the screen: its oldest history gives way (to
            // next steps, or to long notes), so that its top stays in sight.
            if let Some(height) = screen_height() {
                fit_card(&mut view, &ctx.out.style(), height);
            }
            ctx.out.one(&view)
        }
        DealCommand::Update {
            deal,
            name,
            value,
            contact,
            owner,
            expected_close,
            probability,
            meta,
            unset_meta,
            pipeline,
            stage,
        } => {
            let expected_close = match expected_close {
                Some(DateOrNone::Date(d)) => Some(Some(d.resolve(&clock)?)),
                Some(DateOrNone::None) => Some(None),
                None => None,
            };
            let changes = DealChanges {
                name,
                value,
                contact,
                owner,
                expected_close,
                probability: probability.map(|p| match p {
                    ProbabilityOrDefault::Own(p) => Some(p),
                    ProbabilityOrDefault::Stage => None,
                }),
                metadata: metadata(&meta)?,
                unset_metadata: unset_meta
                    .iter()
                    .map(|k| meta_key(k, k))
                    .collect::<Result<_>>()?,
                pipeline,
                stage,
                ..Default::default()
            };
            let (view, line) = ctx.store.write(|tx| {
                let done = deal::update(tx, &clock, &deal, &changes)?;
                let label = deal_named(tx, done.deal.deal.id)?;
                let line = match done.history.is_empty() {
                    true => Confirmation::new("nothing to change on ").then(label),
                    false => Confirmation::new("updated ")
                        .then(label)
                        .text(": ")
                        .then(changes_line(&done.history)),
                };
                Ok((view_of(done.deal), line))
            })?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the update of deal {id}")
            })
        }
        DealCommand::Move { deal, stage } => {
            let (view, line) = ctx.store.write(|tx| {
                let (placed, line) = match deal::move_to(tx, &clock, &deal, &stage)? {
                    Moved::To { deal, from } => {
                        let line = Confirmation::new("moved ")
                            .then(deal_named(tx, deal.deal.id)?)
                            .text(&format!(" {from} → {}", deal.stage));
                        (deal, line)
                    }
                    Moved::AlreadyThere(deal) => {
                        let line = deal_named(tx, deal.deal.id)?
                            .text(&format!(" is already in {}", deal.stage));
                        (deal, line)
                    }
                };
                let mut view = view_of(placed);
                fill_refs(tx, [&mut view])?;
                Ok((view, line))
            })?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the move of deal {id}")
            })?;
            if let Some(hint) = last_stage_hint(ctx, &view)? {
                ctx.out.note(&hint);
            }
            Ok(())
        }
        DealCommand::Close {
            deal,
            won,
            lost: _,
            reason,
        } => {
            let how = Close { won, reason };
            let (view, line, pending) = ctx.store.write(|tx| {
                let closed = deal::close(tx, &clock, &deal, &how)?;
                let label = deal_named(tx, closed.deal.id)?;
                let line = Confirmation::new("closed ")
                    .then(label.clone())
                    .text(&format!(
                        " as {}, {}",
                        closed.deal.status, closed.deal.value
                    ));
                // Closing leaves its activities as they are: they stay listed until done.
                let (pending, _) = activity::counts(tx, closed.deal.id)?;
                let pending = match pending {
                    0 => None,
                    n => Some(still_pending(n, &label, &reference(tx, closed.deal.id)?)),
                };
                Ok((view_of(closed), line, pending))
            })?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the close of deal {id}")
            })?;
            if let Some(note) = pending {
                ctx.out.note(&note);
            }
            Ok(())
        }
        DealCommand::Reopen { deal } => {
            let (view, line) = ctx.store.write(|tx| {
                let reopened = deal::reopen(tx, &clock, &deal)?;
                let line = Confirmation::new("reopened ").then(deal_named(tx, reopened.deal.id)?);
                Ok((view_of(reopened), line))
            })?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the reopening of deal {id}")
            })
        }
        DealCommand::Note { deal, text } => {
            // Read before the write begins: a person may be typing it.
            let text = note_text(text)?;
            let (view, line) = ctx.store.write(|tx| {
                let noted = deal::note(tx, &clock, &deal, &text)?;
                let line = Confirmation::new("noted ").then(deal_named(tx, noted.deal.id)?);
                Ok((view_of(noted), line))
            })?;
            let id = view.deal.id;
            print_saved(ctx.out.change(&view, &line), || {
                format!("the note on deal {id}")
            })
        }
        DealCommand::History { deal } => {
            let events = ctx.store.read(|tx| deal::history(tx, &deal))?;
            ctx.out.list(events)
        }
        DealCommand::Delete { deals, yes } => {
            let named = ctx.store.read(|tx| {
                deal::named_for_delete(tx, &deals)?
                    .into_iter()
                    .map(|id| Ok((id, deal_named(tx, id)?)))
                    .collect::<Result<Vec<(DealId, Confirmation)>>>()
            })?;
            let ids: Vec<DealId> = named.iter().map(|(id, _)| *id).collect();
            let n = ids.len();
            let noun = if n == 1 { "deal" } else { "deals" };
            let labels = named.into_iter().map(|(_, l)| l).collect();
            confirm(
                yes,
                &Confirmation::new("Delete ")
                    .then(list_of(labels))
                    .text(" and their history"),
                &format!("refusing to delete {n} {noun}"),
            )?;
            let activities = ctx.store.write(|tx| deal::delete(tx, &ids))?;
            let with = match (activities, n) {
                (0, _) => String::new(),
                (1, 1) => " and its activity".to_string(),
                (a, 1) => format!(" and its {a} activities"),
                (1, _) => " and their activity".to_string(),
                (a, _) => format!(" and their {a} activities"),
            };
            ctx.out
                .done(&Confirmation::new(&format!("deleted {n} {noun}{with}")));
            Ok(())
        }
        DealCommand::Stalled {
            scope,
            mark,
            exit_status,
        } => {
            let scope = StallScope {
                pipeline: scope.pipeline,
                owner: scope.owner,
                next_steps: ctx.out.chosen_format() != Some(crate::output::Format::Id),
            };
            let found = if mark {
                ctx.store
                    .write(|tx| deal::mark_stalled(tx, &clock, &scope))?
            } else {
                ctx.store.read(|tx| deal::stalled(tx, &clock, &scope))?
            };
            let mut rows: Vec<StalledView> = found
                .into_iter()
                .map(|s| StalledView {
                    deal: view_of(s.deal),
                    idle_days: s.idle_days,
                    stall_days: s.stall_days,
                })
                .collect();
            if ctx.out.is_human() {
                ctx.store
                    .read(|tx| fill_refs(tx, rows.iter_mut().map(|r| &mut r.deal)))?;
            }
            let empty = rows.is_empty();
            // With --mark, an empty run prints nothing at all, so cron sends no mail; but
            // JSON asked for is always an array, even an empty one, for the script reading it.
            let json = ctx.out.chosen_format() == Some(crate::output::Format::Json);
            if !(mark && empty) || json {
                let n = rows.len();
                let printed = ctx.out.list(rows);
                if mark {
                    print_saved(printed, || format!("marking {n} deals stalled"))?;
                } else {
                    printed?;
                }
            }
            exit_for(exit_status, empty)
        }
    }
}

/// What `deal close` says of the activities a closed deal still has to do: how many, and
/// the command that lists them. `label` names the deal as its confirmation does.
fn still_pending(n: i64, label: &Confirmation, reference: &str) -> String {
    let (noun, verb) = if n == 1 {
        ("activity", "remains")
    } else {
        ("activities", "remain")
    };
    format!(
        "{n} {noun} of {label} {verb} pending; to list them: rex activity list --deal {reference}"
    )
}

/// The short reference a person types for a deal.
fn reference(tx: &dyn crate::store::Tx, id: DealId) -> Result<String> {
    Ok(
        crate::ops::lookup::short_refs(tx, &[id], crate::ops::lookup::REF_MIN)?
            .remove(&id)
            .unwrap_or_else(|| id.to_string()),
    )
}

/// The pending activities of deal `id` its card shows: the soonest, and how many in all.
fn next_steps(
    tx: &dyn crate::store::Tx,
    clock: &crate::clock::Clock,
    id: DealId,
) -> Result<NextSteps> {
    let query = activity::ActivityQuery {
        owners: activity::Owners::All,
        deal: Some(id.to_string()),
        kind: None,
        overdue: false,
        due_from: None,
        due_to: None,
        done: false,
        limit: Some(CARD_NEXT_STEPS as u64),
    };
    let soonest: Vec<_> = activity::list(tx, clock, &query)?
        .into_iter()
        .map(|l| l.activity)
        .collect();
    let ids: Vec<_> = soonest.iter().map(|a| a.id).collect();
    Ok(NextSteps {
        refs: activity::activity_refs(tx, &ids)?,
        most: None,
        soonest,
        pending: activity::counts(tx, id)?.0,
    })
}

/// A deal as people see it: no history or short reference yet.
fn view_of(p: Placed) -> DealView {
    DealView::new(p)
}

/// The metadata `--meta KEY=VALUE` and `KEY:=JSON` set, in the order given.
fn metadata(args: &MetaArgs) -> Result<Vec<(String, Value)>> {
    args.meta.iter().map(|m| parse_meta(m)).collect()
}

/// `--exit-status`: 0 when something was listed, 1 when nothing was.
fn exit_for(exit_status: bool, empty: bool) -> Result<()> {
    if exit_status && empty {
        Err(Error::Silent(crate::error::code::FAILURE))
    } else {
        Ok(())
    }
}

/// "A, B and C" (at most ten named, then how many more).
fn list_of(mut items: Vec<Confirmation>) -> Confirmation {
    let more = items.len().saturating_sub(10);
    items.truncate(10);
    if more > 0 {
        items.push(Confirmation::new(&format!("{more} more")));
    }
    let last = items.len().saturating_sub(1);
    let mut out = Confirmation::default();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out = out.separator(if i == last { " and " } else { ", " });
        }
        out = out.then(item);
    }
    out
}

/// After a move into a pipeline's last stage, while the deal stays open: how to close it.
fn last_stage_hint(ctx: &mut Ctx, view: &DealView) -> Result<Option<String>> {
    let ready = ctx.store.read(|tx| deal::ready_to_close(tx, &view.deal))?;
    let reference = view
        .short_ref
        .clone()
        .unwrap_or_else(|| view.deal.id.to_string());
    Ok(ready.then(|| {
        format!(
            "{} is the last stage and the deal is still open; to close it: rex deal close {reference} --won (or --lost)",
            view.stage_name
        )
    }))
}

fn list(ctx: &mut Ctx, args: &ListArgs) -> Result<()> {
    let clock = ctx.clock;
    let query = query_of(args)?;
    let Ctx { store, out, .. } = ctx;
    let human = out.is_human();
    let mut rows = out.rows::<DealView>();
    let mut cut = false;
    store.read(|tx| {
        // A table is printed whole, with each deal's short reference; scripts get a stream.
        let mut held = Vec::new();
        cut = deal::list(tx, &clock, &query, &mut |placed| {
            if human {
                held.push(view_of(placed));
                Ok(())
            } else {
                rows.push(view_of(placed))
            }
        })?;
        fill_refs(tx, &mut held)?;
        for view in held {
            rows.push(view)?;
        }
        Ok(())
    })?;
    let shown = rows.finish()?;
    if cut && (out.is_human() || std::io::IsTerminal::is_terminal(&std::io::stderr())) {
        out.note(&format!(
            "showing the first {shown} deals; more match (raise --limit to see them)"
        ));
    }
    exit_for(args.exit_status, shown == 0)
}

/// `deal list`'s flags as a query.
fn query_of(a: &ListArgs) -> Result<DealQuery> {
    let metadata = a
        .meta
        .iter()
        .map(|m| {
            let (k, v) = m
                .split_once('=')
                .ok_or_else(|| Error::usage(format!("--meta '{m}' has no '='; use KEY=VALUE")))?;
            Ok((meta_key(k, m)?, v.to_string()))
        })
        .collect::<Result<_>>()?;
    Ok(DealQuery {
        statuses: a
            .status
            .iter()
            .flat_map(|f| f.statuses())
            .copied()
            .collect(),
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        owner: a.owner.clone(),
        contact: a.contact.clone(),
        min_value: a.min_value,
        max_value: a.max_value,
        closing_before: a.closing_before,
        closing_after: a.closing_after,
        overdue: a.overdue,
        metadata,
        search: a.search.clone(),
        updated_since: a.updated_since,
        no_next_step: a.no_next_step,
        sort: a.sort.into(),
        desc: a.desc,
        after: None,
        limit: a.limit,
    })
}
