//! What the whole of a file says, learnt before its first row becomes a record: which
//! column of ids is whose, whether `--won-stage` and `--lost-stage` name values the file
//! has, which rows hold deals, the stages of each pipeline in the CRM's order, and how each
//! row is known when the file has no id column.

use std::collections::HashMap;

use super::columns::one_field;
use super::{
    default_rank, folded, one_line, outcome, Crm, PlannedPipeline, Surveyed, Target, Translator,
};
use crate::error::{Error, Result};

impl Translator {
    /// Learns what the whole file says before any of its rows is read as a record (`rows`:
    /// each row with where it is, `line 7`).
    pub fn survey(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        self.settle_date_orders(rows)?;
        self.settle_ids(rows)?;
        self.check_outcomes(rows)?;
        self.plan_stages(rows);
        self.identify_rows(rows)?;
        Ok(())
    }

    /// What the survey found, for the importer to act on before the first deal.
    pub fn surveyed(&self) -> Surveyed {
        self.surveyed.clone()
    }

    /// What a column named `id` holds in a file without a profile: rex's own deal ids
    /// (`deal_…`, a file rex exported), or another system's (`__export__.crm_lead_522`,
    /// `84257000004163092`), which are each row's origin (`csv:VALUE`) as with
    /// `--map origin=id`. A column that holds both is refused naming a line of each: which
    /// rows update rex's deals would be a guess.
    fn settle_ids(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        let Some(i) = self.columns.iter().position(|t| *t == Target::Field("id")) else {
            return Ok(());
        };
        let (mut own, mut foreign) = (None, None);
        for (k, (at, row)) in rows.iter().enumerate() {
            let text = row.get(i).map_or("", str::trim);
            if text.is_empty() {
                continue;
            }
            // `deal_` says it is meant as rex's (a mistyped one is refused as it is).
            let slot = if text.starts_with("deal_") {
                &mut own
            } else {
                &mut foreign
            };
            slot.get_or_insert((k, at, text));
        }
        match (own, foreign) {
            (Some((k, a, x)), Some((l, b, y))) => {
                let header = self.headers[i].trim();
                let (first, second) = if k < l { (a, b) } else { (b, a) };
                Err(Error::usage(format!(
                    "{first} and {second}: column '{header}' holds rex's deal ids ('{x}') and another system's ('{y}'); import them as two files, or keep them all as origins with --map origin='{header}'; nothing was imported"
                )))
            }
            (None, Some(_)) => {
                if let Some(j) = self.columns.iter().position(|t| *t == Target::Source) {
                    return Err(one_field(
                        &self.headers[i.min(j)],
                        &self.headers[i.max(j)],
                        &Target::Source,
                    ));
                }
                self.columns[i] = Target::Source;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Every `--won-stage` and `--lost-stage` value is one the stage column holds: a
    /// misspelt one (`Wonn`) would quietly leave every won deal open.
    fn check_outcomes(&self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        let Some(at) = self
            .columns
            .iter()
            .position(|t| *t == Target::Field("stage_id"))
        else {
            return Ok(());
        };
        // The column's values in the order they first come, each once (ignoring case).
        let (mut held, mut keys) = (Vec::new(), std::collections::HashSet::new());
        for (_, row) in rows {
            let cell = row.get(at).unwrap_or("").trim();
            if !cell.is_empty() && keys.insert(cell.to_lowercase()) {
                held.push(cell);
            }
        }
        for (flag, values) in [("--won-stage", &self.won), ("--lost-stage", &self.lost)] {
            if let Some(v) = values.iter().find(|v| !keys.contains(*v)) {
                let holds = match held.is_empty() {
                    true => "nothing".to_string(),
                    false => crate::ops::lookup::quoted(&held, 8),
                };
                return Err(Error::usage(format!(
                    "{flag} '{v}': no row of column '{}' says it (it holds {holds}); nothing was imported",
                    self.headers[at].trim(),
                )));
            }
        }
        Ok(())
    }

    /// The status a value of the stage column stands for: won or lost by `--won-stage`
    /// and `--lost-stage` (ignoring case and surrounding spaces), else by the profile.
    pub(super) fn outcome(&self, stage: &str) -> Option<&'static str> {
        let s = stage.trim().to_lowercase();
        if self.won.contains(&s) {
            Some("won")
        } else if self.lost.contains(&s) {
            Some("lost")
        } else {
            outcome(self.profile, stage)
        }
    }

    /// Whether a row of the file holds a deal (not blank, named; in a Salesforce report, not
    /// its totals or footer), as far as the whole-file survey needs to know.
    pub(super) fn holds_deal(&self, cells: &[&str]) -> bool {
        let name = Target::Field("name");
        let named = self
            .columns
            .iter()
            .zip(cells)
            .any(|(t, c)| *t == name && !c.trim().is_empty());
        let report_row = self.profile != Some(Crm::Salesforce)
            || (cells.len() >= self.headers.len() && !self.is_totals(cells));
        named && report_row
    }

    /// The stages the file names, per pipeline, in the CRM's order: Salesforce's
    /// StageSortOrder where the file has it, else the profile's default order, then the
    /// order in which the file first names them. Outcomes (Closed Won) are not stages.
    fn plan_stages(&mut self, rows: &[(String, csv::StringRecord)]) {
        let column = |t: &Target| self.columns.iter().position(|c| c == t);
        let (stage_at, pipeline_at, order_at) = (
            column(&Target::Field("stage_id")),
            column(&Target::Field("pipeline_id")),
            column(&Target::StageOrder),
        );
        let key = |n: &str| n.to_lowercase();
        // Per pipeline: each stage's name, sort order (the smallest given) and first row.
        type Seen = Vec<(String, Option<i64>, usize)>;
        let mut plans: Vec<(Option<String>, Seen)> = Vec::new();
        // Where each pipeline is in `plans`, and each of its stages in its plan, by key.
        let mut at_plan: HashMap<Option<String>, usize> = HashMap::new();
        let mut at_stage: HashMap<(usize, String), usize> = HashMap::new();
        for (i, (_, row)) in rows.iter().enumerate() {
            let cells: Vec<&str> = row.iter().collect();
            if !self.holds_deal(&cells) {
                continue;
            }
            let cell = |at: Option<usize>| {
                at.and_then(|c| cells.get(c))
                    .map(|c| one_line(c))
                    .filter(|c| !c.is_empty())
            };
            let pipeline = cell(pipeline_at);
            let p = *at_plan
                .entry(pipeline.as_deref().map(key))
                .or_insert_with(|| {
                    plans.push((pipeline, Vec::new()));
                    plans.len() - 1
                });
            let plan = &mut plans[p].1;
            let Some(stage) = cell(stage_at) else {
                continue;
            };
            if self.outcome(&stage).is_some() || crate::id::kind_of(&stage).is_some() {
                continue;
            }
            let order = cell(order_at).and_then(|o| o.parse::<i64>().ok());
            match at_stage.get(&(p, key(&stage))) {
                Some(&k) => {
                    let known = &mut plan[k].1;
                    *known = match (*known, order) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    }
                }
                None => {
                    at_stage.insert((p, key(&stage)), plan.len());
                    plan.push((stage, order, i));
                }
            }
        }
        self.surveyed.pipelines = plans
            .into_iter()
            .map(|(pipeline, mut seen)| {
                let sorted_by_file = seen.iter().any(|(_, o, _)| o.is_some());
                let rank = |name: &str, order: Option<i64>| {
                    if sorted_by_file {
                        order
                    } else {
                        default_rank(self.profile, name).map(|r| r as i64)
                    }
                };
                // Ranked stages first, by rank; then the others as the file names them.
                seen.sort_by_key(|(name, order, first)| match rank(name, *order) {
                    Some(r) => (0, r, *first),
                    None => (1, 0, *first),
                });
                let stages = seen.into_iter().map(|(name, _, _)| name).collect();
                PlannedPipeline { pipeline, stages }
            })
            .collect();
    }

    /// Gives each row an origin when the file has no id column, so that importing it again
    /// is recognised: the CRM's external id where the file has one (Salesforce's
    /// `External_Id__c`), else a key made of the row's identifying columns (its name, its
    /// account or contact, its creation time; never an amount, a stage or a date that moves).
    /// Rows with the same key are told apart by their order in the file. Rex's own files,
    /// and those read with --keep-unknown alone, are not given one.
    fn identify_rows(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        let own_id = self
            .columns
            .iter()
            .any(|t| matches!(t, Target::Source | Target::Field("id")));
        if own_id || (self.profile.is_none() && !self.mapped) {
            return Ok(());
        }
        if self
            .columns
            .iter()
            .any(|t| matches!(t, Target::ExternalId(_)))
        {
            return Ok(());
        }
        let identifying = |h: &str, t: &Target| match t {
            Target::Field("name" | "contact_id" | "created_at") => true,
            Target::Meta(_) => matches!(
                folded(h).as_str(),
                "account"
                    | "accountname"
                    | "accountid"
                    | "accountexternalidc"
                    | "company"
                    | "companyname"
                    | "companyid"
                    | "associatedcompany"
                    | "associatedcontact"
                    | "organization"
                    | "organizationname"
            ),
            _ => false,
        };
        let key_columns: Vec<usize> = (0..self.columns.len())
            .filter(|&i| identifying(&self.headers[i], &self.columns[i]))
            .collect();
        if !key_columns
            .iter()
            .any(|&i| self.columns[i] == Target::Field("name"))
        {
            return Ok(());
        }
        let names: Vec<&str> = key_columns
            .iter()
            .map(|&i| self.headers[i].trim())
            .collect();
        let names = names.join(" + ");
        let profile = self.profile.map_or("csv", Crm::name);
        let mut count: HashMap<String, usize> = HashMap::new();
        let mut twins = 0u64;
        for (at, row) in rows {
            let cells: Vec<&str> = row.iter().collect();
            if !self.holds_deal(&cells) {
                continue;
            }
            let values: Vec<String> = key_columns
                .iter()
                .map(|&i| cells.get(i).map_or(String::new(), |c| one_line(c)))
                .collect();
            let key = serde_json::to_string(&values).unwrap_or_default();
            let n = count.entry(key.clone()).or_insert(0);
            *n += 1;
            let origin = match *n {
                1 => format!("{profile}/key:{key}"),
                n => {
                    twins += 1;
                    format!("{profile}/key:{key}#{n}")
                }
            };
            // An origin is at most 500 characters (as any import's).
            let long = origin.chars().count();
            if long > 500 {
                return Err(Error::usage(format!(
                    "{at}: the deal is known by {names}, {long} characters together, over the 500 an origin may have; name an id column with --map origin=COLUMN; nothing was imported"
                )));
            }
            self.keys.insert(at.clone(), origin);
        }
        self.surveyed.notes.push(format!(
            "the file has no id column: deals are known by {names} (--map origin=COLUMN names one)"
        ));
        if twins > 0 {
            let rows = if twins == 1 { "row has" } else { "rows have" };
            self.surveyed.notes.push(format!(
                "{} {rows} the same {names} as an earlier row: each is a deal of its own, told apart by its order in the file",
                crate::money::grouped(twins.into())
            ));
        }
        Ok(())
    }
}
