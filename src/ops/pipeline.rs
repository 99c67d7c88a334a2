//! Pipelines and their ordered stages: create, update (rename, stall periods, add, rename,
//! recolour, move and remove stages, chances of winning), delete, list and show. Each takes
//! the stages by what a user calls them (id or name) and refuses what would break a pipeline:
//! two stages of one name, no stage at all, a removed stage that still holds deals.

use serde::Serialize;

use super::lookup::{find_pipeline, find_stage};
use super::totals::{self, StageCounts};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::PipelineId;
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

/// A stage to create: its name as given, and its colour when one is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStage {
    pub name: String,
    pub color: Option<Color>,
}

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
    let stage = Stage::new(name, position, chance);
    Ok(Stage {
        color: new.color.clone().unwrap_or(stage.color),
        ..stage
    })
}

/// Creates a pipeline; its name must be new (ignoring case).
pub fn create(tx: &dyn Tx, clock: &Clock, new: &NewPipeline) -> Result<PipelineOverview> {
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
    let mut p = Pipeline::new(name, new.stall_days, stages, &clock.timestamp());
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
        p.stall_days = days;
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
                "--move-deals-to '{t}' is a stage being removed; name a stage that stays"
            )))
        }
        Some(t) => Some(find_stage(tx, &p, t)?.clone()),
        None => None,
    };
    if p == before {
        return overview(tx, p);
    }
    p.updated_at = clock.timestamp();

    // Write the new stages while the removed ones still exist, move their deals, then drop them.
    let mut staging = p.clone();
    staging.stages.extend(removed.iter().cloned());
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
    let found = find_pipeline(tx, pipeline)?;
    refuse_if_holding(tx, &found)?;
    Ok(found)
}

/// Deletes a pipeline and its stages, unless it holds deals (again: they may have come
/// since it was found).
pub fn delete(tx: &dyn Tx, id: PipelineId) -> Result<()> {
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
mod tests {
    use super::*;
    use crate::error::code;
    use crate::ops::testing::{clock, deal, store};

    fn named(name: &str, stages: &[&str]) -> NewPipeline {
        NewPipeline {
            name: name.into(),
            stages: stages
                .iter()
                .map(|s| NewStage {
                    name: s.to_string(),
                    color: None,
                })
                .collect(),
            stall_days: 30,
            probabilities: Vec::new(),
        }
    }

    #[test]
    fn create_gives_the_default_stages_their_chances_and_refuses_a_taken_name() {
        let (_dir, mut store) = store();
        let clock = clock();
        let mut new = named(" Sales ", &[]);
        new.probabilities = vec![("closed".into(), "95".parse().unwrap())];
        let p = store.write(|tx| create(tx, &clock, &new)).unwrap();
        assert_eq!(p.name, "Sales");
        let stages: Vec<(&str, u8)> = p
            .stages
            .iter()
            .map(|s| (s.stage.name.as_str(), s.stage.probability.get()))
            .collect();
        assert_eq!(
            stages,
            [
                ("Discovery", 10),
                ("Qualification", 25),
                ("Proposal", 50),
                ("Negotiation", 75),
                ("Closed", 95)
            ]
        );
        let err = store
            .write(|tx| create(tx, &clock, &named("SALES", &["A"])))
            .unwrap_err();
        assert_eq!(err.exit_code(), code::CONFLICT);
        assert_eq!(
            err.to_string(),
            format!("a pipeline named 'Sales' already exists ({})", p.id)
        );
        // Named stages are certain unless told otherwise, and may not share a name.
        let err = store
            .write(|tx| create(tx, &clock, &named("Partners", &["A", "a"])))
            .unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string()),
            (
                code::USAGE,
                "pipeline 'Partners' would have two stages named 'a'".to_string()
            )
        );
        let partners = store
            .write(|tx| create(tx, &clock, &named("Partners", &["Intro", "Signed"])))
            .unwrap();
        assert!(partners
            .stages
            .iter()
            .all(|s| s.stage.probability == Probability::CERTAIN));
        assert_eq!(store.read(list).unwrap().len(), 2);
    }

    #[test]
    fn update_moves_the_deals_of_a_removed_stage_and_records_why() {
        let (_dir, mut store) = store();
        let clock = clock();
        let p = store
            .write(|tx| create(tx, &clock, &named("Sales", &["Lead", "Demo", "Won"])))
            .unwrap();
        let held = store
            .write(|tx| {
                let p = find_pipeline(tx, "Sales")?;
                Ok(deal(tx, &clock, &p, "Acme", 50000))
            })
            .unwrap();
        let remove = PipelineChanges {
            remove_stages: vec!["lead".into()],
            ..Default::default()
        };
        let err = store
            .write(|tx| update(tx, &clock, "Sales", &remove))
            .unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string()),
            (
                code::CONFLICT,
                "stage 'Lead' holds 1 deal; move them with --move-deals-to STAGE".to_string()
            )
        );
        let changes = PipelineChanges {
            rename_stages: vec![("Demo".into(), "Trial".into())],
            add_stages: vec![NewStage {
                name: "Intro".into(),
                color: Some("#4f9dde".parse().unwrap()),
            }],
            at: Some(0),
            move_stages: vec![("Won".into(), "1".into())],
            move_deals_to: Some("trial".into()),
            ..remove
        };
        let after = store
            .write(|tx| update(tx, &clock, &p.id.to_string(), &changes))
            .unwrap();
        let names: Vec<(&str, u32, i64)> = after
            .stages
            .iter()
            .map(|s| (s.stage.name.as_str(), s.stage.position, s.counts.open_count))
            .collect();
        assert_eq!(names, [("Intro", 0, 0), ("Won", 1, 0), ("Trial", 2, 1)]);
        let history = store.read(|tx| tx.events(held.id)).unwrap();
        let moved = history.last().unwrap();
        assert_eq!(moved.kind, crate::record::event::MOVED);
        assert_eq!(moved.details["reason"], "stage removed");
        assert_eq!(moved.details["from_stage"], "Lead");
        // A position the pipeline does not have is refused as given.
        let err = store
            .write(|tx| {
                let to = PipelineChanges {
                    move_stages: vec![("Won".into(), "07".into())],
                    ..Default::default()
                };
                update(tx, &clock, "Sales", &to)
            })
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "--move-stage position '07' is not valid; use a number from 0 to 2"
        );
    }

    #[test]
    fn a_pipeline_that_holds_deals_is_not_deleted() {
        let (_dir, mut store) = store();
        let clock = clock();
        let p = store
            .write(|tx| create(tx, &clock, &named("Sales", &["Lead"])))
            .unwrap();
        let found = store.read(|tx| deletable(tx, "sales")).unwrap();
        assert_eq!(found.id, p.id);
        store
            .write(|tx| {
                deal(tx, &clock, &found, "Acme", 1);
                Ok(())
            })
            .unwrap();
        for err in [
            store.read(|tx| deletable(tx, "Sales")).unwrap_err(),
            store.write(|tx| delete(tx, p.id)).unwrap_err(),
        ] {
            assert_eq!(
                err.to_string(),
                "pipeline 'Sales' holds 1 deal; delete them or move them to another pipeline first"
            );
        }
        let other = store
            .write(|tx| create(tx, &clock, &named("Other", &["Lead"])))
            .unwrap();
        store.write(|tx| delete(tx, other.id)).unwrap();
        assert_eq!(
            store.read(|tx| show(tx, "Other")).unwrap_err().exit_code(),
            code::NOT_FOUND
        );
    }
}
