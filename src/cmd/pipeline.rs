//! `rex pipeline …`: pipelines, their ordered stages, and the board.

use super::{confirm, find_pipeline, find_stage, print_saved, Ctx};
use crate::cli::{PipelineCommand, PipelineUpdate};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::PipelineId;
use crate::output::{BoardStage, PipelineView};
use crate::record::{
    clean_name, name_key, Color, Deal, Event, Pipeline, Place, Probability, Stage, StageStall,
    DEFAULT_STAGES,
};
use crate::store::Tx;

pub fn run(ctx: &mut Ctx, cmd: PipelineCommand) -> Result<()> {
    let clock = ctx.clock;
    match cmd {
        PipelineCommand::Create {
            name,
            stages,
            stall_days,
            stage_probability,
        } => {
            let view = ctx
                .store
                .write(|tx| create(tx, &clock, &name, &stages, stall_days, &stage_probability))?;
            print_saved(ctx.out.one(&view), || format!("new pipeline {}", view.id))
        }
        PipelineCommand::List => {
            let rows = ctx
                .store
                .read(|tx| crate::ops::totals::pipeline_summaries(tx))?;
            ctx.out.list(rows)
        }
        PipelineCommand::Show { pipeline } => {
            let view = ctx
                .store
                .read(|tx| board(tx, find_pipeline(tx, &pipeline)?))?;
            ctx.out.one(&view)
        }
        PipelineCommand::Update(changes) => {
            let view = ctx.store.write(|tx| update(tx, &clock, &changes))?;
            print_saved(ctx.out.one(&view), || {
                format!("the update of pipeline {}", view.id)
            })
        }
        PipelineCommand::Delete { pipeline, yes } => {
            let found = ctx.store.read(|tx| {
                let found = find_pipeline(tx, &pipeline)?;
                refuse_if_holding(tx, &found)?;
                Ok(found)
            })?;
            confirm(
                yes,
                &format!(
                    "Delete pipeline '{}' and its {} stages?",
                    found.name,
                    found.stages.len()
                ),
                &format!("refusing to delete pipeline '{}'", found.name),
            )?;
            ctx.store.write(|tx| delete(tx, found.id))?;
            ctx.out.note(&format!("deleted pipeline '{}'", found.name));
            Ok(())
        }
    }
}

/// The pipeline with the open and stalled deals of each stage.
pub fn board(tx: &dyn Tx, p: Pipeline) -> Result<PipelineView> {
    let counts = crate::ops::totals::board(tx, &p)?;
    let stages = p
        .stages
        .iter()
        .zip(counts)
        .map(|(s, counts)| BoardStage {
            effective_stall_days: p.effective_stall_days(s),
            stage: s.clone(),
            counts,
        })
        .collect();
    Ok(PipelineView {
        id: p.id,
        name: p.name,
        stall_days: p.stall_days,
        created_at: p.created_at,
        updated_at: p.updated_at,
        stages,
    })
}

/// Applies `--stage-probability STAGE=N` settings.
fn set_probabilities(tx: &dyn Tx, p: &mut Pipeline, settings: &[String]) -> Result<()> {
    for s in settings {
        let (stage, n) = pair("--stage-probability", s, "STAGE=N")?;
        let probability = n
            .parse::<Probability>()
            .map_err(|e| Error::usage(format!("--stage-probability '{s}': {e}")))?;
        let i = index_of(tx, p, stage)?;
        p.stages[i].probability = probability;
    }
    Ok(())
}

/// Parses `NAME` or `NAME:#RRGGBB`. What follows the last `:` is a colour when it starts with
/// `#` or is one word (so `A:red` is refused rather than named "A:red"); `Phase: Demo` is a name.
fn stage_spec(text: &str) -> Result<(String, Option<Color>)> {
    match text.rsplit_once(':') {
        Some((name, color))
            if color.trim_start().starts_with('#')
                || !(color.is_empty() || color.contains(char::is_whitespace)) =>
        {
            let color = color.trim().parse::<Color>().map_err(Error::Usage)?;
            Ok((
                clean_name("a stage name", name).map_err(Error::Usage)?,
                Some(color),
            ))
        }
        _ => Ok((
            clean_name("a stage name", text).map_err(Error::Usage)?,
            None,
        )),
    }
}

fn create(
    tx: &dyn Tx,
    clock: &Clock,
    name: &str,
    specs: &[String],
    stall_days: u32,
    probabilities: &[String],
) -> Result<PipelineView> {
    let name = clean_name("the pipeline name", name).map_err(Error::Usage)?;
    // The default stages come with their chances of winning; stages named here get 100.
    let defaults = specs.is_empty();
    let specs: Vec<(String, Option<Color>)> = if defaults {
        DEFAULT_STAGES
            .iter()
            .map(|s| (s.to_string(), None))
            .collect()
    } else {
        specs.iter().map(|s| stage_spec(s)).collect::<Result<_>>()?
    };
    let stages: Vec<Stage> = specs
        .into_iter()
        .enumerate()
        .map(|(i, (name, color))| {
            let chance = if defaults {
                Probability::default_for(&name)
            } else {
                Probability::CERTAIN
            };
            let stage = Stage::new(name, i, chance);
            Stage {
                color: color.unwrap_or(stage.color),
                ..stage
            }
        })
        .collect();
    let mut p = Pipeline::new(name, stall_days, stages, &clock.timestamp());
    check_stage_names(&p).map_err(|e| Error::Usage(e.to_string()))?;
    set_probabilities(tx, &mut p, probabilities)?;
    if let Some(existing) = tx.pipeline_named(&p.name)? {
        return Err(Error::conflict(format!(
            "a pipeline named '{}' already exists ({})",
            existing.name, existing.id
        )));
    }
    tx.insert_pipeline(&p)?;
    board(tx, p)
}

/// Two stages of one pipeline may not share a name (ignoring case).
fn check_stage_names(p: &Pipeline) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for s in &p.stages {
        if !seen.insert(name_key(&s.name)) {
            return Err(Error::conflict(format!(
                "pipeline '{}' would have two stages named '{}'",
                p.name, s.name
            )));
        }
    }
    Ok(())
}

/// Splits `STAGE=VALUE` for the flag named `flag`.
fn pair<'a>(flag: &str, text: &'a str, example: &str) -> Result<(&'a str, &'a str)> {
    text.rsplit_once('=')
        .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
        .map(|(k, v)| (k.trim(), v.trim()))
        .ok_or_else(|| Error::usage(format!("{flag} '{text}' is not of the form {example}")))
}

fn index_of(tx: &dyn Tx, p: &Pipeline, text: &str) -> Result<usize> {
    let id = find_stage(tx, p, text)?.id;
    Ok(p.stages.iter().position(|s| s.id == id).unwrap_or_default())
}

fn position(flag: &str, text: &str, max: usize) -> Result<usize> {
    match text.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(Error::usage(format!(
            "{flag} position '{text}' is not valid; use a number from 0 to {max}"
        ))),
    }
}

/// Applies all changes of one `pipeline update` in the documented order, in one transaction.
fn update(tx: &dyn Tx, clock: &Clock, c: &PipelineUpdate) -> Result<PipelineView> {
    let before = find_pipeline(tx, &c.pipeline)?;
    let mut p = before.clone();
    if let Some(name) = &c.name {
        p.name = clean_name("the pipeline name", name).map_err(Error::Usage)?;
        if let Some(other) = tx.pipeline_named(&p.name)?.filter(|o| o.id != p.id) {
            return Err(Error::conflict(format!(
                "a pipeline named '{}' already exists ({})",
                other.name, other.id
            )));
        }
    }
    if let Some(days) = c.stall_days {
        p.stall_days = days;
    }
    for r in &c.rename_stage {
        let (old, new) = pair("--rename-stage", r, "OLD=NEW")?;
        let i = index_of(tx, &p, old)?;
        p.stages[i].name = clean_name("a stage name", new).map_err(Error::Usage)?;
    }
    for r in &c.recolor_stage {
        let (stage, color) = pair("--recolor-stage", r, "STAGE=#RRGGBB")?;
        let color = color.parse::<Color>().map_err(Error::Usage)?;
        let i = index_of(tx, &p, stage)?;
        p.stages[i].color = color;
    }
    let at = match c.at {
        Some(n) => position("--at", &n.to_string(), p.stages.len())?,
        None => p.stages.len(),
    };
    for (i, a) in c.add_stage.iter().enumerate() {
        let (name, color) = stage_spec(a)?;
        let stage = Stage::new(name, p.stages.len(), Probability::CERTAIN);
        let stage = Stage {
            color: color.unwrap_or(stage.color),
            ..stage
        };
        p.stages.insert(at + i, stage);
    }
    p.renumber();
    for m in &c.move_stage {
        let (stage, pos) = pair("--move-stage", m, "STAGE=POSITION")?;
        let i = index_of(tx, &p, stage)?;
        let to = position("--move-stage", pos, p.stages.len() - 1)?;
        let s = p.stages.remove(i);
        p.stages.insert(to, s);
        p.renumber();
    }
    let mut removed: Vec<Stage> = Vec::new();
    for r in &c.remove_stage {
        let i = index_of(tx, &p, r)?;
        removed.push(p.stages.remove(i));
    }
    if p.stages.is_empty() {
        return Err(Error::conflict(format!(
            "pipeline '{}' must keep at least one stage",
            p.name
        )));
    }
    p.renumber();
    for s in &c.stage_stall_days {
        let (stage, days) = pair(
            "--stage-stall-days",
            s,
            "STAGE=N, STAGE=none or STAGE=default",
        )?;
        let setting = match days.to_ascii_lowercase().as_str() {
            "none" => StageStall::Off,
            "default" => StageStall::Pipeline,
            n => match n.parse::<u32>() {
                Ok(n) if (1..=36500).contains(&n) => StageStall::Days(n),
                _ => {
                    return Err(Error::usage(format!(
                        "--stage-stall-days '{s}': use a number of days from 1 to 36500, none (never stalls) or default (the pipeline's period)"
                    )))
                }
            },
        };
        let i = index_of(tx, &p, stage)?;
        p.stages[i].stall_days = setting;
    }
    set_probabilities(tx, &mut p, &c.stage_probability)?;
    check_stage_names(&p)?;

    let target = match &c.move_deals_to {
        Some(t)
            if removed
                .iter()
                .any(|r| r.id.to_string() == *t || name_key(&r.name) == name_key(t)) =>
        {
            return Err(Error::usage(format!(
                "--move-deals-to '{t}' is a stage being removed; name a stage that stays"
            )))
        }
        Some(t) => Some(find_stage(tx, &p, t)?.clone()),
        None => None,
    };
    if p == before {
        return board(tx, p);
    }
    p.updated_at = clock.timestamp();

    // Write the new stages while the removed ones still exist, move their deals, then drop them.
    let mut staging = p.clone();
    staging.stages.extend(removed.iter().cloned());
    tx.update_pipeline(&staging)?;
    for r in &removed {
        let held = tx.count_deals(&crate::store::DealFilter {
            stages: vec![r.id],
            ..Default::default()
        })?;
        if held == 0 {
            continue;
        }
        let Some(to) = &target else {
            return Err(Error::conflict(format!(
                "stage '{}' holds {held} deal{}; move them with --move-deals-to STAGE",
                r.name,
                if held == 1 { "" } else { "s" }
            )));
        };
        for mut deal in tx.deals_of_stage(r.id)? {
            move_for_removal(tx, clock, &mut deal, &p, r, to)?;
        }
    }
    tx.update_pipeline(&p)?;
    board(tx, p)
}

fn move_for_removal(
    tx: &dyn Tx,
    clock: &Clock,
    deal: &mut Deal,
    p: &Pipeline,
    from: &Stage,
    to: &Stage,
) -> Result<()> {
    let now = clock.timestamp();
    deal.stage_id = to.id;
    deal.stage_entered_at = now.clone();
    deal.updated_at = now.clone();
    tx.update_deal(deal)?;
    // The removed stage is no longer in `p`: name both places from the stages themselves.
    let (from, to) = (Place::of(p, from), Place::of(p, to));
    tx.add_event(&Event::moved(
        deal.id,
        &now,
        &from,
        &to,
        Some("stage removed"),
    ))
}

fn delete(tx: &dyn Tx, id: PipelineId) -> Result<()> {
    let p = tx
        .pipeline(id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {id}")))?;
    refuse_if_holding(tx, &p)?;
    tx.delete_pipeline(id)
}

fn refuse_if_holding(tx: &dyn Tx, p: &Pipeline) -> Result<()> {
    let held = tx.count_deals(&crate::store::DealFilter {
        pipeline: Some(p.id),
        ..Default::default()
    })?;
    if held > 0 {
        return Err(Error::conflict(format!(
            "pipeline '{}' holds {held} deal{}; delete them or move them to another pipeline first",
            p.name,
            if held == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}
