//! The importer: records of rex's own shape (pipelines, deals, activities, history
//! entries) written one by one in the store's transaction, each checked field by field; any
//! refusal names its record and undoes the whole import.
//! `plan.rs` acts on what another CRM's whole file says before its first deal; `deal.rs`
//! writes a deal, new or upserted; `activity.rs` an activity of a deal.

mod activity;
mod deal;
mod plan;

use std::collections::HashMap;

use serde_json::Value;

use super::crm::Crm;
use super::fields::{refused, Fields, Record};
use super::rounding::Rounding;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::{kind_of, DealId, PipelineId, StageId};
use crate::json;
use crate::output::ImportReport;
use crate::record::{
    clean_name, event, name_key, palette_color, Color, Event, Pipeline, Probability, Stage,
    StageStall, DEFAULT_STAGES, DEFAULT_STALL_DAYS,
};
use crate::store::{Refusal, Tx};

/// What an import may do beyond reading rex's own records.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub upsert: bool,
    /// The CRM the file comes from, if any (its default stage order, its outcomes).
    pub crm: Option<Crm>,
    /// Rows were translated from another CRM or mapped: closed deals without a stage go to
    /// the pipeline's last stage, and deals are matched by their origin.
    pub translated: bool,
    pub create_stages: bool,
    /// The pipeline of rows that name none.
    pub pipeline: Option<String>,
    /// Say the stages a dry run would create (a dry run at a person's request).
    pub describe: bool,
    /// `--round`: dollars past the cents (`value_dollars`) rounded half up, or refused.
    pub rounding: Rounding,
}

/// An import under way: what it knows of the database, and what it has done.
pub(super) struct Importer {
    /// The import's clock as stored (`2026-03-01T09:00:00Z`), formatted once.
    now: String,
    options: ImportOptions,
    pipelines: HashMap<PipelineId, Pipeline>,
    /// Deals imported from another CRM before (or earlier in this file), by origin.
    origins: HashMap<String, DealId>,
    /// The origins of this file's deals so far, and where each was (`line 7`).
    seen: HashMap<String, String>,
    pub(super) report: ImportReport,
    /// New deals from another CRM that had no amount (imported as $0.00).
    pub(super) no_amount: u64,
    /// What to say on stderr once the import is done.
    pub(super) notes: Vec<String>,
}

impl Importer {
    pub(super) fn new(tx: &dyn Tx, clock: Clock, options: ImportOptions) -> Result<Self> {
        let pipelines = tx.pipelines()?.into_iter().map(|p| (p.id, p)).collect();
        let origins = if options.translated {
            tx.deal_origins()?.into_iter().collect()
        } else {
            HashMap::new()
        };
        Ok(Importer {
            now: clock.timestamp(),
            options,
            pipelines,
            origins,
            seen: HashMap::new(),
            report: ImportReport::default(),
            no_amount: 0,
            notes: Vec::new(),
        })
    }

    /// Writes one record: a pipeline (it has stages, or a pipeline's id), an activity (an
    /// activity's id, or a subject, a due date and a deal), a history entry (a kind and no
    /// id), else a deal.
    pub(super) fn record(&mut self, tx: &dyn Tx, at: &str, map: Record) -> Result<()> {
        let id_kind = map.text("id").and_then(kind_of);
        if map.contains_key("stages") || id_kind == Some("pipeline") {
            self.pipeline(tx, Fields { at, map })
        } else if activity::is_activity(&map) {
            self.activity(tx, Fields { at, map })
        } else if map.contains_key("kind") && !map.contains_key("id") {
            self.event(tx, Fields { at, map })
        } else {
            self.deal(tx, Fields { at, map })
        }
    }

    fn pipeline(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        let given_id = f.parsed("id", |t| t.parse::<PipelineId>())?;
        let name =
            clean_name("the pipeline name", &f.required("name")?).map_err(|e| f.bad("name", e))?;
        let stall_days = match f.int("stall_days")? {
            None => DEFAULT_STALL_DAYS,
            Some(n) if (1..=36500).contains(&n) => n as u32,
            Some(n) => return Err(f.bad("stall_days", format!("{n} is not from 1 to 36500"))),
        };
        let now = self.now.clone();
        let created_at = f.timestamp("created_at")?.unwrap_or(now);
        let updated_at = f
            .timestamp("updated_at")?
            .unwrap_or_else(|| created_at.clone());
        let stages = match f.take("stages") {
            None => DEFAULT_STAGES
                .iter()
                .enumerate()
                .map(|(i, n)| Stage::new(n.to_string(), i, Probability::default_for(n)))
                .collect(),
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(self.stage(&f, i, item)?);
                }
                out
            }
            Some(_) => return Err(f.bad("stages", "expected a non-empty array of stages")),
        };
        let at = f.at;
        f.finish()?;
        let mut p = Pipeline {
            id: given_id.unwrap_or_else(PipelineId::new),
            name,
            stall_days,
            created_at,
            updated_at,
            stages,
        };
        p.renumber();
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = p.stages.iter().find(|s| !seen.insert(name_key(&s.name))) {
            return Err(Error::usage(format!(
                "{at}: field 'stages': two stages are named '{}'; nothing was imported",
                dup.name
            )));
        }
        // Pipelines read at the start, this import's own, and any made since by someone else.
        let taken = match self
            .pipelines
            .values()
            .find(|o| o.id != p.id && name_key(&o.name) == name_key(&p.name))
        {
            Some(o) => Some(o.clone()),
            None => tx.pipeline_named(&p.name)?.filter(|o| o.id != p.id),
        };
        if let Some(other) = taken {
            return Err(Error::conflict(format!(
                "{at}: a pipeline named '{}' already exists ({}); nothing was imported",
                other.name, other.id
            )));
        }
        for s in &p.stages {
            // Earlier records of this import first: a staged import's own rows are hidden.
            let earlier = self
                .pipelines
                .values()
                .find(|o| o.id != p.id && o.stage(s.id).is_some())
                .cloned();
            let owner = match earlier {
                Some(o) => Some(o),
                None => tx.pipeline_of_stage(s.id)?,
            };
            if let Some(owner) = owner.filter(|o| o.id != p.id) {
                return Err(Error::conflict(format!(
                    "{at}: stage {} already belongs to pipeline '{}'; nothing was imported",
                    s.id, owner.name
                )));
            }
        }
        if self.pipelines.contains_key(&p.id) && !self.options.upsert {
            return Err(Error::conflict(format!(
                "{at}: pipeline {} already exists; use --upsert to replace it; nothing was imported",
                p.id
            )));
        }
        // A pipeline as it is already (an export's line, imported again) changes nothing:
        // nothing to write, and a team's member may import it. Any other change is an admin's.
        if self.pipelines.get(&p.id) == Some(&p) {
            self.report.pipelines += 1;
            return Ok(());
        }
        crate::ops::team::may_change_pipelines(tx).map_err(|e| match e {
            Error::Forbidden(m) => Error::Forbidden(format!("{at}: {m}; nothing was imported")),
            e => e,
        })?;
        if self.pipelines.contains_key(&p.id) {
            tx.update_pipeline(&p).map_err(|e| match e {
                Error::Failed(_) => Error::conflict(format!(
                    "{at}: pipeline {} would lose a stage that holds deals; nothing was imported",
                    p.id
                )),
                other => other,
            })?;
        } else {
            tx.insert_pipeline(&p)?;
        }
        self.pipelines.insert(p.id, p);
        self.report.pipelines += 1;
        Ok(())
    }

    fn stage(&self, f: &Fields, i: usize, item: Value) -> Result<Stage> {
        let key = format!("stages[{i}]");
        let Value::Object(map) = item else {
            return Err(f.bad(&key, "expected an object with a name"));
        };
        let mut s = Fields {
            at: f.at,
            map: Record::from_map(map),
        };
        let id = s
            .parsed("id", |t| t.parse::<StageId>())?
            .unwrap_or_else(StageId::new);
        let name = clean_name("a stage name", &s.required("name")?).map_err(|e| f.bad(&key, e))?;
        let color = s
            .parsed("color", |t| t.parse::<Color>())?
            .unwrap_or_else(|| palette_color(i));
        s.int("position")?;
        // An export from before probabilities: the default stages' chances by name, else 100.
        let probability = match s.int("probability")? {
            None => Probability::default_for(&name),
            Some(n) => Probability::new(n).map_err(|e| f.bad(&format!("{key}.probability"), e))?,
        };
        let stall_days = match s.int("stall_days")? {
            None => StageStall::Pipeline,
            Some(0) => StageStall::Off,
            Some(n) if (1..=36500).contains(&n) => StageStall::Days(n as u32),
            Some(n) => {
                return Err(f.bad(
                    &key,
                    format!("stall_days {n} is not null, 0 or from 1 to 36500"),
                ))
            }
        };
        // What `pipeline show` adds for people is accepted and ignored.
        for board in [
            "effective_stall_days",
            "open_count",
            "open_value",
            "stalled_count",
            "stalled_value",
            "active_count",
            "active_value",
            "weighted_value",
        ] {
            s.take(board);
        }
        s.finish()?;
        Ok(Stage {
            id,
            name,
            color,
            probability,
            position: i as u32,
            stall_days,
        })
    }

    /// The pipeline `text` names, by id or by name (ignoring case), among those known.
    fn named_pipeline(&self, text: &str) -> Option<&Pipeline> {
        match text.parse::<PipelineId>() {
            Ok(id) => self.pipelines.get(&id),
            Err(_) => self
                .pipelines
                .values()
                .find(|p| name_key(&p.name) == name_key(text)),
        }
    }

    /// The pipeline a deal names (by id or name), or the only one.
    fn deal_pipeline(&self, f: &Fields, named: Option<String>) -> Result<&Pipeline> {
        let at = f.at;
        match named {
            Some(text) => {
                self.named_pipeline(&text).ok_or_else(|| Error::not_found(format!("{at}: field 'pipeline_id': no pipeline '{text}'; nothing was imported")))
            }
            None if self.pipelines.len() == 1 => Ok(self.pipelines.values().next().expect("one pipeline")),
            None if self.pipelines.is_empty() => Err(Error::not_found(format!(
                "{at}: field 'pipeline_id': there is no pipeline yet; import or create one first; nothing was imported"
            ))),
            None => Err(f.bad(
                "pipeline_id",
                "several pipelines exist; name one in this column, or for every row with --pipeline NAME",
            )),
        }
    }

    /// The refusal of the record at `at` that a backend found when it checked the record's
    /// batch, as the record's writing would have said it on the spot.
    pub(super) fn refusal(&self, at: &str, why: Refusal) -> Error {
        match why {
            Refusal::DealExists(id) => deal::deal_exists(at, id),
            Refusal::OriginTaken(origin) => deal::origin_taken(
                at,
                Some(&origin),
                self.options.translated,
                Error::conflict(String::new()),
            ),
            Refusal::NoDealForEvent(id) => no_deal_for_event(at, id),
            Refusal::NoDealForActivity(id) => activity::no_deal(at, id),
            Refusal::ActivityExists(id) => activity::activity_exists(at, id),
            Refusal::StageGone(id) => Error::conflict(format!(
                "{at}: field 'stage_id': stage {id} was removed by someone else while the import ran; nothing was imported"
            )),
        }
    }

    fn event(&mut self, tx: &dyn Tx, mut f: Fields) -> Result<()> {
        let deal_id = f
            .parsed("deal_id", |t| t.parse::<DealId>())?
            .ok_or_else(|| f.bad("deal_id", "it is missing"))?;
        let at = f
            .timestamp("at")?
            .ok_or_else(|| f.bad("at", "it is missing"))?;
        let kind = f.required("kind")?;
        if !event::ALL.contains(&kind.as_str()) {
            return Err(f.bad(
                "kind",
                format!("'{kind}' is not one of {}", event::ALL.join(", ")),
            ));
        }
        // Who recorded an event is the database's to say: an actor the record gives (as
        // `deal history -o jsonl` prints one) is not kept; the import's own is recorded.
        f.take("actor");
        let where_ = f.at;
        let details = f.map.into_map();
        json::check_object(&details, json::MAX_DEPTH).map_err(|r| refused(where_, "", &r))?;
        let e = Event {
            deal_id,
            at,
            kind,
            details,
            actor: None,
        };
        // Importing an export again with --upsert replaces its deals; their history is
        // already there, event for event, and is not added twice.
        if self.options.upsert && tx.event_recorded(&e)? {
            return Ok(());
        }
        if !tx.add_event_if_deal_exists(&e)? {
            return Err(no_deal_for_event(where_, deal_id));
        }
        self.report.events += 1;
        Ok(())
    }
}

/// The history entry on `at` refused because its deal does not exist (or comes later).
fn no_deal_for_event(at: &str, deal_id: DealId) -> Error {
    Error::not_found(format!(
        "{at}: field 'deal_id': no deal {deal_id} (deals must come before their history); nothing was imported"
    ))
}
