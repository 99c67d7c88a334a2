//! `rex activity …`: the next steps on deals. The operations are [`crate::ops::activity`]'s;
//! this turns arguments into their input (who "me" is, dates resolved against the clock),
//! and what they return into views, confirmation lines and calendars.

use super::{confirm, deal_named, me, print_saved, Ctx};
use crate::cli::{ActivityCommand, ActivityListArgs, AddArgs, DueRange, Named, UpdateArgs};
use crate::error::{Error, Result};
use crate::id::ActivityId;
use crate::ops::activity::{
    self, activity_refs, ActivityChanges, ActivityQuery, ActivityRef, Listed, Marked, NewActivity,
    OfDeal, Owners,
};
use crate::output::{due_text, ActivityView, Confirmation, Format};
use crate::record::{Activity, ActivityType};
use crate::store::Tx;

pub fn run(ctx: &mut Ctx, cmd: ActivityCommand) -> Result<()> {
    match cmd {
        ActivityCommand::Add(args) => add(ctx, args),
        ActivityCommand::List(args) => list(ctx, &args),
        ActivityCommand::Show { named } => show(ctx, &named),
        ActivityCommand::Update(args) => update(ctx, args),
        ActivityCommand::Delete { named, yes } => delete(ctx, &named, yes),
        ActivityCommand::Done { named, note } => {
            let refs = refs_of(&named.activities, named.deal.as_deref(), false);
            let clock = ctx.clock;
            mark(ctx, "done", "was already done", move |tx| {
                activity::done(tx, &clock, &refs, note.as_deref())
            })
        }
        ActivityCommand::Undo { named } => {
            let refs = refs_of(&named.activities, named.deal.as_deref(), true);
            let clock = ctx.clock;
            mark(ctx, "not done", "was not done", move |tx| {
                activity::undo(tx, &clock, &refs)
            })
        }
    }
}

/// The activities named, for a command that changes those that are `done` (or not).
fn refs_of(texts: &[String], deal: Option<&str>, done: bool) -> Vec<ActivityRef> {
    texts
        .iter()
        .map(|t| ActivityRef::new(t, deal).changing(done))
        .collect()
}

/// `call "Call CFO" for Acme Corp (3kq9v2x)`: an activity as a confirmation names it, its
/// subject and its deal's name being what gives way on a narrow terminal.
fn label(tx: &dyn Tx, a: &Activity) -> Result<Confirmation> {
    Ok(Confirmation::new(&format!("{} \"", a.kind))
        .name(&a.subject)
        .text("\" for ")
        .then(deal_named(tx, a.deal_id)?))
}

/// Views of activities with their deals' names; with short references for a person.
fn views(tx: &dyn Tx, found: Vec<(Activity, String)>, human: bool) -> Result<Vec<ActivityView>> {
    let mut refs = if human {
        let ids: Vec<ActivityId> = found.iter().map(|(a, _)| a.id).collect();
        activity_refs(tx, &ids)?
    } else {
        Default::default()
    };
    Ok(found
        .into_iter()
        .map(|(activity, deal_name)| ActivityView {
            short_ref: refs.remove(&activity.id),
            activity,
            deal_name,
        })
        .collect())
}

fn view(tx: &dyn Tx, of: OfDeal, human: bool) -> Result<ActivityView> {
    let mut v = views(tx, vec![(of.activity, of.deal.name)], human)?;
    Ok(v.remove(0))
}

fn add(ctx: &mut Ctx, args: AddArgs) -> Result<()> {
    let clock = ctx.clock;
    let due_date = match args.fields.due {
        Some(d) => d.resolve(&clock)?,
        None => clock.today(),
    };
    let new = NewActivity {
        deal: args.deal,
        subject: args.subject,
        kind: args.fields.kind.unwrap_or(ActivityType::Task),
        due_date,
        due_time: args.at,
        duration_minutes: args.duration,
        owner: args.fields.owner,
        me: me()?,
        note: args.fields.note,
    };
    let human = ctx.out.is_human();
    let (view, line) = ctx.store.write(|tx| {
        let made = activity::add(tx, &clock, &new)?;
        let line = Confirmation::new("scheduled ")
            .then(label(tx, &made.activity)?)
            .separator(" on ")
            .text(&due_text(&made.activity));
        Ok((view(tx, made, human)?, line))
    })?;
    let id = view.activity.id;
    print_saved(ctx.out.change(&view, &line), || {
        format!("new activity {id}")
    })
}

/// Whose activities a list shows: `--owner`'s; everyone's with `--all` or `--deal`; else
/// REX_OWNER's, or everyone's when it is not set.
fn owners(args: &ActivityListArgs, mine: Option<String>) -> Owners {
    match (&args.owner, args.all || args.deal.is_some(), mine) {
        (Some(o), _, _) => Owners::Of(o.clone()),
        (None, true, _) | (None, false, None) => Owners::All,
        (None, false, Some(m)) => Owners::Of(m),
    }
}

fn list(ctx: &mut Ctx, args: &ActivityListArgs) -> Result<()> {
    let clock = ctx.clock;
    let ics = ctx.out.chosen_format() == Some(Format::Ics);
    if ics && ctx.out.has_fields() {
        return Err(Error::usage(
            "--fields does not apply to -o ics (a calendar has its own fields); leave it out",
        ));
    }
    let (due_from, due_to) = match args.due {
        None => (None, None),
        Some(DueRange::Day(d)) => {
            let d = d.resolve(&clock)?;
            (Some(d), Some(d))
        }
        Some(DueRange::Between(from, to)) => (
            from.map(|d| d.resolve(&clock)).transpose()?,
            to.map(|d| d.resolve(&clock)).transpose()?,
        ),
    };
    let mine = me()?;
    let owners = owners(args, mine.clone());
    let query = ActivityQuery {
        owners: owners.clone(),
        deal: args.deal.clone(),
        kind: args.kind,
        overdue: args.overdue,
        due_from,
        due_to,
        done: args.done,
        limit: None,
    };
    let human = ctx.out.is_human();
    let rows = ctx.store.read(|tx| {
        let found = activity::list(tx, &clock, &query)?;
        let pairs = found
            .into_iter()
            .map(
                |Listed {
                     activity,
                     deal_name,
                 }| (activity, deal_name),
            )
            .collect();
        views(tx, pairs, human)
    })?;
    if ics {
        return ctx.out.document(&crate::output::calendar(&rows));
    }
    if human && rows.is_empty() {
        let what = if args.done { "done" } else { "pending" };
        ctx.out.note(&match (&owners, &mine) {
            (Owners::Of(o), Some(m)) if args.owner.is_none() && o == m => format!(
                "no {what} activities of {m} (REX_OWNER) match; rex activity list --all lists everyone's"
            ),
            _ => format!("no {what} activities match"),
        });
    }
    ctx.out.list(rows)
}

fn show(ctx: &mut Ctx, n: &Named) -> Result<()> {
    let named = ActivityRef::new(&n.activity, n.deal.as_deref());
    let human = ctx.out.is_human();
    let view = ctx
        .store
        .read(|tx| view(tx, activity::show(tx, &named)?, human))?;
    ctx.out.one(&view)
}

fn update(ctx: &mut Ctx, args: UpdateArgs) -> Result<()> {
    let clock = ctx.clock;
    let named = ActivityRef::new(&args.named.activity, args.named.deal.as_deref());
    let changes = ActivityChanges {
        subject: args.subject,
        kind: args.fields.kind,
        due_date: args.fields.due.map(|d| d.resolve(&clock)).transpose()?,
        due_time: args.at.map(|t| t.into_option()),
        duration_minutes: args.duration.map(|d| d.into_option().map(|m| m.0)),
        owner: args.fields.owner.map(Some),
        note: match (args.fields.note, args.no_note) {
            (Some(n), _) => Some(Some(n)),
            (None, true) => Some(None),
            (None, false) => None,
        },
    };
    let human = ctx.out.is_human();
    let (view, line) = ctx.store.write(|tx| {
        let before = activity::find_activity(tx, &named)?;
        let (after, changed) = activity::update(tx, &clock, &named, &changes)?;
        let what = label(tx, &after.activity)?;
        let line = if !changed {
            Confirmation::new("nothing to change on ").then(what)
        } else if (before.due_date, before.due_time)
            != (after.activity.due_date, after.activity.due_time)
        {
            // At a narrow terminal the dates go whole onto a line of their own.
            Confirmation::new("rescheduled ")
                .then(what)
                .separator(" ")
                .text(&format!("from {}", due_text(&before)))
                .separator(" ")
                .text(&format!("to {}", due_text(&after.activity)))
        } else {
            Confirmation::new("updated ")
                .then(what)
                .separator(", ")
                .text(&format!("due {}", due_text(&after.activity)))
        };
        Ok((view(tx, after, human)?, line))
    })?;
    let id = view.activity.id;
    print_saved(ctx.out.change(&view, &line), || {
        format!("the update of activity {id}")
    })
}

fn delete(ctx: &mut Ctx, n: &Named, yes: bool) -> Result<()> {
    let clock = ctx.clock;
    let named_as = ActivityRef::new(&n.activity, n.deal.as_deref());
    let (id, what) = ctx.store.read(|tx| {
        let a = activity::find_activity(tx, &named_as)?;
        Ok((a.id, label(tx, &a)?.separator(", due ").text(&due_text(&a))))
    })?;
    confirm(
        yes,
        &Confirmation::new("Delete ").then(what.clone()),
        "refusing to delete the activity",
    )?;
    let by_id = ActivityRef::new(&id.to_string(), None);
    ctx.store
        .write(|tx| activity::delete(tx, &clock, &by_id).map(|_| ()))?;
    ctx.out.done(&Confirmation::new("deleted ").then(what));
    Ok(())
}

/// `done` and `undo`: `marking` marks them in one transaction. At a table a line per
/// activity marked, in every other format the activities marked (an array in JSON, also
/// when empty); those left as they were are said on stderr.
fn mark(
    ctx: &mut Ctx,
    now: &str,
    already: &str,
    marking: impl Fn(&dyn Tx) -> Result<Marked>,
) -> Result<()> {
    let human = ctx.out.is_human();
    let (changed, lines, unchanged) = ctx.store.write(|tx| {
        let marked = marking(tx)?;
        let mut lines = Vec::new();
        for m in &marked.changed {
            lines.push(
                Confirmation::new("marked ")
                    .then(label(tx, &m.activity)?)
                    .separator(" ")
                    .text(&format!("as {now}")),
            );
        }
        let mut unchanged = Vec::new();
        for m in &marked.unchanged {
            unchanged.push(format!(
                "{} {already}; left as it is",
                label(tx, &m.activity)?
            ));
        }
        let pairs = marked
            .changed
            .into_iter()
            .map(|m| (m.activity, m.deal.name))
            .collect();
        Ok((views(tx, pairs, human)?, lines, unchanged))
    })?;
    for note in &unchanged {
        ctx.out.note(note);
    }
    let n = changed.len();
    let printed = if human {
        changed
            .iter()
            .zip(&lines)
            .try_for_each(|(v, line)| ctx.out.change(v, line))
    } else {
        ctx.out.list(changed)
    };
    print_saved(printed, || format!("marking {n} activities {now}"))
}
