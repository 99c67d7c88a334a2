//! Pipelines and their ordered stages: create, update (rename, stall periods, add, rename,
//! recolour, move and remove stages, chances of winning), set the whole ordered list of
//! stages at once (as an API sends it), delete, list and show. Each takes the stages by what
//! a user calls them (id or name) and refuses what would break a pipeline: two stages of one
//! name, no stage at all, a removed stage that still holds deals.

use serde::Serialize;

use super::lookup::{find_pipeline, find_stage};
use super::totals::{self, StageCounts};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::{PipelineId, StageId};
use crate::record::{
    clean_name, name_key, Color, Deal, Event, Pipeline, Place, Probability, Stage, StageStall,
    DEFAULT_STAGES,
};
use crate::store::{DealFilter, PipelineSummary, Tx};

/// A pipeline with the open and stalled deals of each stage: what `pipeline show` shows
/// and what creating or changing a pipeline returns.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineOverview {
    pub id: PipelineId,
    pub name: String,
    pub stall_days: u32,
    pub created_at: String,
    pub updated_at: String,
    pub stages: Vec<StageOverview>,
}

/// One stage of a [`PipelineOverview`].
#[derive(Debug, Clone, Serialize)]
pub struct StageOverview {
    #[serde(flatten)]
    pub stage: Stage,
    /// The period that applies to this stage's deals; null when they never stall.
    pub effective_stall_days: Option<u32>,
    #[serde(flatten)]
    pub counts: StageCounts,
}

/// A stage to create: its name as given, and whatever else is chosen (the palette's colour,
/// a certain chance of winning and the pipeline's stall period otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewStage {
    pub name: String,
    pub color: Option<Color>,
    pub probability: Option<Probability>,
    pub stall_days: Option<StageStall>,
    /// Its id, chosen ahead when later changes of the same update must name it (a new
    /// stage's name may be one a stage being removed still has); a new one otherwise.
    pub id: Option<StageId>,
}

/// A stage as [`set_stages`] wants it: one of the pipeline's, by its id, with whatever of
/// its settings is given changed; or, without an id, a new stage (which needs a name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageSpec {
    /// The id as sent (only an id: names change, ids do not).
    pub id: Option<String>,
    pub name: Option<String>,
    pub color: Option<Color>,
    pub probability: Option<Probability>,
    /// `Some(StageStall::Pipeline)` makes it follow the pipeline again.
    pub stall_days: Option<StageStall>,
}

/// The most days of a stall period.
pub const MAX_STALL_DAYS: u32 = 36500;

/// A pipeline to create.
#[derive(Debug, Clone)]
pub struct NewPipeline {
    pub name: String,
    /// Its stages in order; none gives the default stages, with their chances of winning.
    pub stages: Vec<NewStage>,
    pub stall_days: u32,
    /// Chances of winning of stages named by id or name (the others keep theirs).
    pub probabilities: Vec<(String, Probability)>,
}

/// Every change of one `pipeline update`. Stages are named by id or name as they are at the
/// step that names them; the changes apply in the order of the fields, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct PipelineChanges {
    pub name: Option<String>,
    pub stall_days: Option<u32>,
    /// A stage and its new name.
    pub rename_stages: Vec<(String, String)>,
    /// A stage and its new colour.
    pub recolor_stages: Vec<(String, Color)>,
    /// Where the added stages go (0 is first); at the end when not given.
    pub at: Option<u32>,
    pub add_stages: Vec<NewStage>,
    /// A stage and the position it moves to (0 is first), as the user wrote it: a position
    /// the pipeline does not have is refused quoting it, with the positions it has.
    pub move_stages: Vec<(String, String)>,
    pub remove_stages: Vec<String>,
    /// The stage that takes the deals of removed stages.
    pub move_deals_to: Option<String>,
    /// A stage and its own stall period.
    pub stage_stall_days: Vec<(String, StageStall)>,
    /// A stage and its chance of winning.
    pub probabilities: Vec<(String, Probability)>,
}

/// Every pipeline with its stage count and active deals (`pipeline list`).
pub fn list(tx: &dyn Tx) -> Result<Vec<PipelineSummary>> {
    totals::pipeline_summaries(tx)
}

/// The pipeline a user named, with the deals of each stage (`pipeline show`).
pub fn show(tx: &dyn Tx, pipeline: &str) -> Result<PipelineOverview> {
    overview(tx, find_pipeline(tx, pipeline)?)
}

/// The pipeline with the open and stalled deals of each stage.
pub fn overview(tx: &dyn Tx, p: Pipeline) -> Result<PipelineOverview> {
    let counts = totals::board(tx, &p)?;
    let stages = p
        .stages
        .iter()
        .zip(counts)
        .map(|(s, counts)| StageOverview {
            effective_stall_days: p.effective_stall_days(s),
            stage: s.clone(),
            counts,
        })
        .collect();
    Ok(PipelineOverview {
        id: p.id,
        name: p.name,
        stall_days: p.stall_days,
        created_at: p.created_at,
        updated_at: p.updated_at,
        stages,
    })
}

/// Applies chances of winning to the stages they name.
fn set_probabilities(
    tx: &dyn Tx,
    p: &mut Pipeline,
    settings: &[(String, Probability)],
) -> Result<()> {
    for (stage, probability) in settings {
        let i = index_of(tx, p, stage)?;
        p.stages[i].probability = *probability;
    }
    Ok(())
}

/// A stage built from what the user gave, at the end of `position` stages.
fn stage_of(new: &NewStage, position: usize, chance: Probability) -> Result<Stage> {
    let name = clean_name("a stage name", &new.name).map_err(Error::Usage)?;
    let stage = Stage::new(name, position, new.probability.unwrap_or(chance));
    Ok(Stage {
        id: new.id.unwrap_or(stage.id),
        color: new.color.clone().unwrap_or(stage.color),
        stall_days: new.stall_days.unwrap_or(stage.stall_days),
        ..stage
    })
}

/// A pipeline's stall period: 1 to [`MAX_STALL_DAYS`] days (a stage may have none).
pub fn stall_days(days: i64) -> Result<u32> {
    u32::try_from(days)
        .ok()
        .filter(|d| (1..=MAX_STALL_DAYS).contains(d))
        .ok_or_else(|| {
            Error::usage(format!(
                "stall_days {days} is not a number of days from 1 to {MAX_STALL_DAYS}"
            ))
        })
}

/// A stage's own stall period as JSON writes it: null follows the pipeline's, 0 never
/// stalls, else 1 to [`MAX_STALL_DAYS`] days.
pub fn stage_stall(days: Option<i64>) -> Result<StageStall> {
    match days {
        None => Ok(StageStall::Pipeline),
        Some(0) => Ok(StageStall::Off),
        Some(n) => stall_days(n).map(StageStall::Days).map_err(|_| {
            Error::usage(format!(
                "stall_days {n} is not null (the pipeline's), 0 (never) or a number of days from 1 to {MAX_STALL_DAYS}"
            ))
        }),
    }
}

/// Creates a pipeline; its name must be new (ignoring case).
pub fn create(tx: &dyn Tx, clock: &Clock, new: &NewPipeline) -> Result<PipelineOverview> {
    crate::ops::team::may_change_pipelines(tx)?;
    let name = clean_name("the pipeline name", &new.name).map_err(Error::Usage)?;
    // The default stages come with their chances of winning; stages named here get 100.
    let stages: Vec<Stage> = if new.stages.is_empty() {
        DEFAULT_STAGES
            .iter()
            .enumerate()
            .map(|(i, name)| Stage::new(name.to_string(), i, Probability::default_for(name)))
            .collect()
    } else {
        new.stages
            .iter()
            .enumerate()
            .map(|(i, s)| stage_of(s, i, Probability::CERTAIN))
            .collect::<Result<_>>()?
    };
    let days = stall_days(new.stall_days.into())?;
    let mut p = Pipeline::new(name, days, stages, &clock.timestamp());
    check_stage_names(&p).map_err(|e| Error::Usage(e.to_string()))?;
    set_probabilities(tx, &mut p, &new.probabilities)?;
    if let Some(existing) = tx.pipeline_named(&p.name)? {
        return Err(Error::conflict(format!(
            "a pipeline named '{}' already exists ({})",
            existing.name, existing.id
        )));
    }
    tx.insert_pipeline(&p)?;
    overview(tx, p)
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
pub fn update(
    tx: &dyn Tx,
    clock: &Clock,
    pipeline: &str,
    c: &PipelineChanges,
) -> Result<PipelineOverview> {
    update_with(tx, clock, pipeline, c, "--move-deals-to")
}

/// Makes the pipeline's stages the ordered list `wanted` (what an API sends): a stage with
/// an id is kept and whatever of it is given changes, one without is added, one left out is
/// removed, refused while it holds deals unless `base.move_deals_to` names a stage that stays.
/// The list becomes the changes of one [`update`] (renames, recolours, added stages, moves,
/// removals, stall periods, chances), applied with `base`'s name, stall period and
/// `move_deals_to` (its other fields are not read), so that every rule of an update holds;
/// one transaction.
pub fn set_stages(
    tx: &dyn Tx,
    clock: &Clock,
    pipeline: &str,
    wanted: &[StageSpec],
    base: PipelineChanges,
) -> Result<PipelineOverview> {
    crate::ops::team::may_change_pipelines(tx)?;
    let p = find_pipeline(tx, pipeline)?;
    let mut c = PipelineChanges {
        name: base.name,
        stall_days: base.stall_days,
        move_deals_to: base.move_deals_to,
        ..Default::default()
    };
    let mut order: Vec<StageId> = Vec::with_capacity(wanted.len());
    for w in wanted {
        let id = match &w.id {
            Some(text) => {
                if text.parse::<StageId>().is_err() {
                    return Err(Error::usage(format!(
                        "'{text}' is not a stage id (like stage_01h…); a new stage has no id"
                    )));
                }
                let id = find_stage(tx, &p, text)?.id;
                if order.contains(&id) {
                    return Err(Error::usage(format!("stage {id} is listed twice")));
                }
                let named = id.to_string();
                if let Some(name) = &w.name {
                    c.rename_stages.push((named.clone(), name.clone()));
                }
                if let Some(color) = &w.color {
                    c.recolor_stages.push((named.clone(), color.clone()));
                }
                if let Some(stall) = w.stall_days {
                    c.stage_stall_days.push((named.clone(), stall));
                }
                if let Some(chance) = w.probability {
                    c.probabilities.push((named, chance));
                }
                id
            }
            None => {
                let name = w
                    .name
                    .clone()
                    .ok_or_else(|| Error::usage("a new stage (one without an id) needs a name"))?;
                let id = StageId::new();
                c.add_stages.push(NewStage {
                    name,
                    color: w.color.clone(),
                    probability: w.probability,
                    stall_days: w.stall_days,
                    id: Some(id),
                });
                id
            }
        };
        order.push(id);
    }
    // Each wanted stage moves to its place in turn; the stages left out then follow them
    // and are removed.
    c.move_stages = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.to_string(), i.to_string()))
        .collect();
    c.remove_stages = p
        .stages
        .iter()
        .filter(|s| !order.contains(&s.id))
        .map(|s| s.id.to_string())
        .collect();
    update_with(tx, clock, &p.id.to_string(), &c, "move_deals_to")
}

/// [`update`], naming the setting that moves the deals of removed stages as the front end
/// calls it (`--move-deals-to`, `move_deals_to`).
fn update_with(
    tx: &dyn Tx,
    clock: &Clock,
    pipeline: &str,
    c: &PipelineChanges,
    move_deals_to: &str,
) -> Result<PipelineOverview> {
    crate::ops::team::may_change_pipelines(tx)?;
    let before = find_pipeline(tx, pipeline)?;
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
        p.stall_days = stall_days(days.into())?;
    }
    for (old, new) in &c.rename_stages {
        let i = index_of(tx, &p, old)?;
        p.stages[i].name = clean_name("a stage name", new).map_err(Error::Usage)?;
    }
    for (stage, color) in &c.recolor_stages {
        let i = index_of(tx, &p, stage)?;
        p.stages[i].color = color.clone();
    }
    let at = match c.at {
        Some(n) => position("--at", &n.to_string(), p.stages.len())?,
        None => p.stages.len(),
    };
    for (i, a) in c.add_stages.iter().enumerate() {
        let stage = stage_of(a, p.stages.len(), Probability::CERTAIN)?;
        p.stages.insert(at + i, stage);
    }
    p.renumber();
    for (stage, pos) in &c.move_stages {
        let i = index_of(tx, &p, stage)?;
        let to = position("--move-stage", pos, p.stages.len() - 1)?;
        let s = p.stages.remove(i);
        p.stages.insert(to, s);
        p.renumber();
    }
    let mut removed: Vec<Stage> = Vec::new();
    for r in &c.remove_stages {
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
    for (stage, setting) in &c.stage_stall_days {
        let i = index_of(tx, &p, stage)?;
        p.stages[i].stall_days = *setting;
    }
    set_probabilities(tx, &mut p, &c.probabilities)?;
    check_stage_names(&p)?;

    let target = match &c.move_deals_to {
        Some(t)
            if removed
                .iter()
                .any(|r| r.id.to_string() == *t || name_key(&r.name) == name_key(t)) =>
        {
            return Err(Error::usage(format!(
                "{move_deals_to} '{t}' is a stage being removed; name a stage that stays"
            )))
        }
        Some(t) => Some(find_stage(tx, &p, t)?.clone()),
        None => None,
    };
    if p == before {
        return overview(tx, p);
    }
    p.updated_at = clock.timestamp();

    // Write the new stages while the removed ones still exist, move their deals, then drop
    // them. Meanwhile a removed stage goes by its id, as an added one may take its name.
    let mut staging = p.clone();
    staging.stages.extend(removed.iter().map(|r| Stage {
        name: format!("#{}", r.id),
        ..r.clone()
    }));
    tx.update_pipeline(&staging)?;
    for r in &removed {
        let held = tx.count_deals(&DealFilter {
            stages: vec![r.id],
            ..Default::default()
        })?;
        if held == 0 {
            continue;
        }
        let Some(to) = &target else {
            return Err(Error::conflict(format!(
                "stage '{}' holds {held} deal{}; move them with {move_deals_to} STAGE",
                r.name,
                if held == 1 { "" } else { "s" }
            )));
        };
        for mut deal in tx.deals_of_stage(r.id)? {
            move_for_removal(tx, clock, &mut deal, &p, r, to)?;
        }
    }
    tx.update_pipeline(&p)?;
    overview(tx, p)
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

/// The pipeline a user named, when it may be deleted: it holds no deals. (A front door
/// asks for confirmation between this and [`delete`].)
pub fn deletable(tx: &dyn Tx, pipeline: &str) -> Result<Pipeline> {
    crate::ops::team::may_change_pipelines(tx)?;
    let found = find_pipeline(tx, pipeline)?;
    refuse_if_holding(tx, &found)?;
    Ok(found)
}

/// Deletes a pipeline and its stages, unless it holds deals (again: they may have come
/// since it was found).
pub fn delete(tx: &dyn Tx, id: PipelineId) -> Result<()> {
    crate::ops::team::may_change_pipelines(tx)?;
    let p = tx
        .pipeline(id)?
        .ok_or_else(|| Error::not_found(format!("no pipeline with id {id}")))?;
    refuse_if_holding(tx, &p)?;
    tx.delete_pipeline(id)
}

fn refuse_if_holding(tx: &dyn Tx, p: &Pipeline) -> Result<()> {
    let held = tx.count_deals(&DealFilter {
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

#[cfg(test)]
mod tests;
