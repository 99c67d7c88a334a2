//! Where an import's new pipelines and stages go: the stages another CRM's file names,
//! planned before its first deal, and a pipeline or stage made for one deal
//! (`--create-stages`).

use super::Importer;
use crate::error::{Error, Result};
use crate::id::{PipelineId, StageId};
use crate::record::{
    clean_name, name_key, Pipeline, Probability, Stage, DEFAULT_STAGES, DEFAULT_STALL_DAYS,
};
use crate::store::Tx;
use crate::transfer::crm::{default_rank, default_stages, Surveyed};
use crate::transfer::fields::Fields;

/// Where a new stage `name` goes among a pipeline's `stages`, by an order that may know
/// where two stages stand (`before(a, b)`: whether `a` comes before `b`): after the last
/// stage it knows comes before it, else before the first it knows comes after it, else at
/// the end. A pipeline's first stage, where new deals start, stays first unless the order
/// says otherwise.
fn place(stages: &[Stage], name: &str, before: impl Fn(&str, &str) -> Option<bool>) -> usize {
    let earlier = stages
        .iter()
        .rposition(|st| before(&st.name, name) == Some(true));
    let later = || {
        stages
            .iter()
            .position(|st| before(name, &st.name) == Some(true))
    };
    match (earlier, later()) {
        (Some(i), _) => i + 1,
        (None, Some(i)) => i,
        (None, None) => stages.len(),
    }
}

/// A pipeline's stages by name, in order: `Prospecting, Qualification`.
fn stage_names(p: &Pipeline) -> String {
    p.stages
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Importer {
    /// The pipeline a deal goes in, created (with the stage it names) when `--create-stages`
    /// allows and it does not exist.
    pub(super) fn pipeline_for(
        &mut self,
        tx: &dyn Tx,
        f: &Fields,
        named: Option<String>,
        stage: Option<&str>,
    ) -> Result<PipelineId> {
        let missing = match self.deal_pipeline(f, named.clone()) {
            Ok(p) => return Ok(p.id),
            Err(Error::NotFound(m)) if self.options.create_stages => m,
            Err(e) => return Err(e),
        };
        let name = match named {
            Some(n) => clean_name("the pipeline name", &n).map_err(|e| f.bad("pipeline_id", e))?,
            None if self.pipelines.is_empty() => "Sales Pipeline".to_string(),
            None => return Err(Error::not_found(missing)),
        };
        let first = stage
            .map(str::to_string)
            .or_else(|| {
                self.options
                    .crm
                    .and_then(|c| default_stages(c).first())
                    .map(|s| s.to_string())
            })
            .unwrap_or_else(|| DEFAULT_STAGES[0].to_string());
        let first = clean_name("a stage name", &first).map_err(|e| f.bad("stage_id", e))?;
        let p = Pipeline::new(
            name,
            DEFAULT_STALL_DAYS,
            vec![Stage::new(first, 0, Probability::CERTAIN)],
            &self.now.clone(),
        );
        tx.insert_pipeline(&p)?;
        let id = p.id;
        self.pipelines.insert(id, p);
        self.report.pipelines += 1;
        Ok(id)
    }

    /// Adds stage `name` to pipeline `id`: where the CRM's default order puts it, else last.
    pub(super) fn add_stage(
        &mut self,
        tx: &dyn Tx,
        f: &Fields,
        id: PipelineId,
        name: &str,
    ) -> Result<StageId> {
        let crm = self.options.crm;
        let rank = |n: &str| default_rank(crm, n);
        let Some(p) = self.pipelines.get_mut(&id) else {
            return Err(Error::not_found(format!("no pipeline with id {id}")));
        };
        let at = place(&p.stages, name, |a, b| Some(rank(a)? < rank(b)?));
        let stage = Stage::new(
            clean_name("a stage name", name).map_err(|e| f.bad("stage_id", e))?,
            p.stages.len(),
            Probability::CERTAIN,
        );
        let sid = stage.id;
        p.stages.insert(at, stage);
        p.renumber();
        tx.update_pipeline(p)?;
        Ok(sid)
    }

    /// Acts on what the whole of another CRM's file says, before its first deal: with
    /// `--create-stages`, every pipeline gets the stages the file names, in the CRM's order
    /// (a new pipeline whose rows name no open stage gets the profile's default stages, or
    /// rex's without a profile), so that a closed deal without a stage of its own ends in the
    /// last stage whatever the order of the rows. Existing stages are not reordered: new ones
    /// go after the stage that precedes them in the CRM's order.
    pub(in crate::transfer) fn plan(&mut self, tx: &dyn Tx, surveyed: Surveyed) -> Result<()> {
        self.notes.extend(surveyed.notes);
        if !self.options.create_stages {
            return Ok(());
        }
        let defaults = self.options.crm.map(default_stages).unwrap_or(&[]);
        let default_rank = |n: &str| default_rank(self.options.crm, n);
        for planned in surveyed.pipelines {
            let named = planned
                .pipeline
                .clone()
                .or_else(|| self.options.pipeline.clone());
            let found = match &named {
                Some(text) => Some(self.named_pipeline(text).map(|p| p.id)),
                None if self.pipelines.len() <= 1 => {
                    Some(self.pipelines.values().next().map(|p| p.id))
                }
                // Several pipelines and none named: each deal is refused as it comes.
                None => None,
            };
            let Some(found) = found else { continue };
            let Some(id) = found else {
                // A pipeline to create, unless its name is refused (by its first deal).
                let name = match &named {
                    Some(n) if n.parse::<PipelineId>().is_ok() => continue,
                    Some(n) => match clean_name("the pipeline name", n) {
                        Ok(n) => n,
                        Err(_) => continue,
                    },
                    None => "Sales Pipeline".to_string(),
                };
                let named_none = planned.stages.is_empty();
                let stages: Vec<(String, Probability)> = if !named_none {
                    planned
                        .stages
                        .iter()
                        .map(|s| (s.clone(), Probability::CERTAIN))
                        .collect()
                } else if !defaults.is_empty() {
                    defaults
                        .iter()
                        .map(|s| (s.to_string(), Probability::CERTAIN))
                        .collect()
                } else {
                    DEFAULT_STAGES
                        .iter()
                        .map(|s| (s.to_string(), Probability::default_for(s)))
                        .collect()
                };
                let made: Vec<Stage> = stages
                    .into_iter()
                    .filter_map(|(stage, chance)| {
                        clean_name("a stage name", &stage).ok().map(|n| (n, chance))
                    })
                    .enumerate()
                    .map(|(i, (stage, chance))| Stage::new(stage, i, chance))
                    .collect();
                if made.is_empty() {
                    continue;
                }
                let p = Pipeline::new(name, DEFAULT_STALL_DAYS, made, &self.now.clone());
                if self.options.describe {
                    let why = if named_none {
                        " (the file names no open stage: the default stages)"
                    } else {
                        ""
                    };
                    self.notes.push(format!(
                        "new pipeline '{}' would get stages: {}{why}",
                        p.name,
                        stage_names(&p)
                    ));
                }
                tx.insert_pipeline(&p)?;
                self.report.pipelines += 1;
                self.pipelines.insert(p.id, p);
                continue;
            };
            let Some(p) = self.pipelines.get_mut(&id) else {
                continue;
            };
            let plan_rank = |n: &str| {
                planned
                    .stages
                    .iter()
                    .position(|s| name_key(s) == name_key(n))
            };
            // Whether stage `a` comes before stage `b` in the CRM's order, if it says.
            let before = |a: &str, b: &str| match (plan_rank(a), plan_rank(b)) {
                (Some(x), Some(y)) => Some(x < y),
                _ => match (default_rank(a), default_rank(b)) {
                    (Some(x), Some(y)) => Some(x < y),
                    _ => None,
                },
            };
            let mut new = Vec::new();
            for s in &planned.stages {
                let known = p
                    .stages
                    .iter()
                    .any(|st| name_key(&st.name) == name_key(s) || st.id.to_string() == *s);
                let Ok(name) = clean_name("a stage name", s) else {
                    continue;
                };
                if known {
                    continue;
                }
                let at = place(&p.stages, &name, before);
                p.stages.insert(
                    at,
                    Stage::new(name.clone(), p.stages.len(), Probability::CERTAIN),
                );
                new.push(name);
            }
            if self.options.describe {
                let line = if new.is_empty() {
                    format!(
                        "pipeline '{}' has every stage the file names: {}",
                        p.name,
                        stage_names(p)
                    )
                } else {
                    format!(
                        "pipeline '{}' would get stages: {} (new: {})",
                        p.name,
                        stage_names(p),
                        new.join(", ")
                    )
                };
                self.notes.push(line);
            }
            if !new.is_empty() {
                p.renumber();
                tx.update_pipeline(p)?;
            }
        }
        Ok(())
    }
}
