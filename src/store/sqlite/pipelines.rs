//! Pipelines and their stages, in SQLite.

use std::collections::HashMap;

use rusqlite::params;

use super::{SqliteTx, SQL};
use crate::error::Result;
use crate::id::{PipelineId, StageId};
use crate::record::{name_key, Pipeline, Stage};
use crate::store::cells::{self, PIPELINE_COLUMNS, STAGE_COLUMNS};
use crate::store::{weighted, wide_total, PipelineSummary, Pipelines, StageCounts};

/// Open and stalled deals of one stage, from `source` (see [`SqliteTx::deal_source`]): two ranges
/// of the covering index `deals_stage_status_value`.
pub(crate) fn board_sql(source: &str) -> String {
    format!(
        "SELECT status, count(*), {}, {} \
         FROM {source} WHERE stage_id = ?1 AND status IN ('open', 'stalled') GROUP BY status",
        SQL.wide_sum("value"),
        SQL.wide_sum(&weighted("value", "?2"))
    )
}

/// What the deals of a stage with their own chance add to (or take from) its weighted total
/// at the stage's chance (`?2`): a range of the small `deals_own_probability`.
pub(crate) fn own_probability_sql(source: &str) -> String {
    let own = weighted("value", "probability");
    let stage = weighted("value", "?2");
    format!(
        "SELECT coalesce(sum({own} - {stage}), 0) FROM {source} \
         WHERE stage_id = ?1 AND status IN ('open', 'stalled') AND probability IS NOT NULL"
    )
}

impl SqliteTx<'_> {
    fn stages_of(&self, pipeline: PipelineId) -> Result<Vec<Stage>> {
        self.rows(
            &format!("SELECT {STAGE_COLUMNS} FROM stages WHERE pipeline_id = ?1 ORDER BY position"),
            &[&pipeline],
            |r| cells::stage(r, 0),
        )
    }

    fn pipeline_where(&self, clause: &str, arg: &dyn rusqlite::ToSql) -> Result<Option<Pipeline>> {
        let found = self.rows(
            &format!("SELECT {PIPELINE_COLUMNS} FROM pipelines WHERE {clause}"),
            &[arg],
            cells::pipeline,
        )?;
        match found.into_iter().next() {
            None => Ok(None),
            Some(mut p) => {
                p.stages = self.stages_of(p.id)?;
                Ok(Some(p))
            }
        }
    }

    fn pipelines_ordered(&self, order: &str) -> Result<Vec<Pipeline>> {
        let ids: Vec<PipelineId> = self.rows(
            &format!("SELECT id FROM pipelines ORDER BY {order}"),
            &[],
            |r| cells::Reader::new("pipeline", r).parsed(0),
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.pipeline(id)?);
        }
        Ok(out)
    }

    fn write_stages(&self, p: &Pipeline) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO stage_rows (id, pipeline_id, name, name_key, color, position, stall_days, batch, probability)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                color = excluded.color, position = excluded.position, stall_days = excluded.stall_days,
                probability = excluded.probability",
        )?;
        for s in &p.stages {
            stmt.execute(params![
                s.id,
                p.id,
                s.name,
                name_key(&s.name),
                s.color.as_str(),
                s.position,
                cells::stall_days(s.stall_days),
                self.batch,
                s.probability.get()
            ])?;
        }
        Ok(())
    }

    /// A stage the user sees empty may still hold the hidden deals of an import in
    /// progress, and a name the user sees free may belong to a pipeline it is loading;
    /// such a write waits for that import, like any busy write.
    fn held_by_import(&self, e: rusqlite::Error) -> crate::error::Error {
        use rusqlite::ffi::{SQLITE_CONSTRAINT_FOREIGNKEY, SQLITE_CONSTRAINT_UNIQUE};
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => f.extended_code,
            _ => return e.into(),
        };
        if self.batch != 0 || !self.import_in_progress().unwrap_or(false) {
            return e.into();
        }
        // On these tables the only unique key a write can collide with is the name.
        let what = match code {
            SQLITE_CONSTRAINT_FOREIGNKEY => "an import in progress holds deals there",
            SQLITE_CONSTRAINT_UNIQUE => "an import in progress is loading a pipeline of that name",
            _ => return e.into(),
        };
        crate::error::Error::Busy(format!(
            "{what}; nothing was changed, try again when it finishes{}",
            super::staged::CLEARED
        ))
    }
}

impl Pipelines for SqliteTx<'_> {
    fn pipeline(&self, id: PipelineId) -> Result<Option<Pipeline>> {
        self.pipeline_where("id = ?1", &id)
    }

    /// The pipeline whose name matches ignoring case.
    fn pipeline_named(&self, name: &str) -> Result<Option<Pipeline>> {
        self.pipeline_where("name_key = ?1", &name_key(name))
    }

    /// The pipeline a stage belongs to.
    fn pipeline_of_stage(&self, stage: StageId) -> Result<Option<Pipeline>> {
        self.pipeline_where(
            "id = (SELECT pipeline_id FROM stages WHERE id = ?1)",
            &stage,
        )
    }

    /// Every pipeline's name, in name order (for "did you mean" lists).
    fn pipeline_names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM pipelines ORDER BY name_key")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every stage with this name (ignoring case) in any pipeline, with its pipeline's name.
    fn stages_named(&self, name: &str) -> Result<Vec<(Stage, PipelineId, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.name, s.color, s.position, s.stall_days, s.probability, p.id, p.name
             FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
             WHERE s.name_key = ?1 ORDER BY p.name_key",
        )?;
        let mut rows = stmt.query([name_key(name)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push((cells::stage(&super::Row(r), 0)?, r.get(6)?, r.get(7)?));
        }
        Ok(out)
    }

    /// Every stage's name and its pipeline's name, for showing deals.
    fn stage_labels(&self) -> Result<HashMap<StageId, (String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.name, p.name FROM stages s JOIN pipelines p ON p.id = s.pipeline_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All pipelines with their stages, oldest first (the order an export writes them).
    fn pipelines_by_age(&self) -> Result<Vec<Pipeline>> {
        self.pipelines_ordered("created_at, id")
    }

    /// All pipelines with their stages, in name order.
    fn pipelines(&self) -> Result<Vec<Pipeline>> {
        self.pipelines_ordered("name_key")
    }

    fn pipeline_summaries(&self) -> Result<Vec<PipelineSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.stall_days,
                    (SELECT count(*) FROM stages s WHERE s.pipeline_id = p.id),
                    p.created_at, p.updated_at
             FROM pipelines p ORDER BY p.name_key",
        )?;
        let heads = stmt.query_map([], |r| {
            Ok(PipelineSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                stall_days: r.get(2)?,
                stage_count: r.get(3)?,
                created_at: r.get(4)?,
                updated_at: r.get(5)?,
                open_count: 0,
                open_value: 0,
                active_count: 0,
                active_value: 0,
                stalled_count: 0,
            })
        })?;
        let mut out: Vec<PipelineSummary> = heads.collect::<rusqlite::Result<_>>()?;
        // One range of deals_pipeline_status_value per status, counted and summed at once.
        let mut totals = self.conn.prepare_cached(&format!(
            "SELECT count(*), {} FROM deals WHERE pipeline_id = ?1 AND status = ?2",
            SQL.wide_sum("value")
        ))?;
        for p in &mut out {
            let mut total = |status: &str| {
                totals.query_row(params![p.id, status], |r| {
                    Ok((r.get(0)?, wide_total(r.get(1)?, r.get(2)?)))
                })
            };
            let (open_count, open_value): (i64, i128) = total("open")?;
            let (stalled_count, stalled_value): (i64, i128) = total("stalled")?;
            p.open_count = open_count;
            p.open_value = open_value;
            p.stalled_count = stalled_count;
            p.active_count = open_count + stalled_count;
            p.active_value = open_value + stalled_value;
        }
        Ok(out)
    }

    /// Open and stalled deals per stage of a pipeline, in stage order.
    fn board(&self, pipeline: &Pipeline) -> Result<Vec<StageCounts>> {
        let source = self.deal_source()?;
        let mut stmt = self.conn.prepare_cached(&board_sql(source))?;
        let mut own = self.conn.prepare_cached(&own_probability_sql(source))?;
        let mut out = Vec::with_capacity(pipeline.stages.len());
        for stage in &pipeline.stages {
            let mut counts = StageCounts::default();
            let percent = stage.probability.get();
            counts.weighted_value = own
                .query_row(params![stage.id, percent], |r| r.get::<_, i64>(0))?
                .into();
            let mut rows = stmt.query(params![stage.id, percent])?;
            while let Some(r) = rows.next()? {
                let status: String = r.get(0)?;
                let (n, v): (i64, i128) = (r.get(1)?, wide_total(r.get(2)?, r.get(3)?));
                counts.weighted_value += wide_total(r.get(4)?, r.get(5)?);
                if status == "open" {
                    (counts.open_count, counts.open_value) = (n, v);
                } else {
                    (counts.stalled_count, counts.stalled_value) = (n, v);
                }
            }
            out.push(counts);
        }
        Ok(out)
    }

    /// How many deals (of any status) a stage holds.
    fn deals_in_stage(&self, stage: StageId) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM deals WHERE stage_id = ?1",
            [stage],
            |r| r.get(0),
        )?)
    }

    /// How many deals (of any status) a pipeline holds.
    fn deals_in_pipeline(&self, pipeline: PipelineId) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM deals WHERE pipeline_id = ?1",
            [pipeline],
            |r| r.get(0),
        )?)
    }

    fn insert_pipeline(&self, p: &Pipeline) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO pipeline_rows (id, name, name_key, stall_days, created_at, updated_at, batch)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                p.id,
                p.name,
                name_key(&p.name),
                p.stall_days,
                p.created_at,
                p.updated_at,
                self.batch
            ])
            .map_err(|e| self.held_by_import(e))?;
        self.write_stages(p)
    }

    /// Writes a changed pipeline: its own fields and its stages as given
    /// (new ones inserted, changed ones updated, missing ones deleted).
    fn update_pipeline(&self, p: &Pipeline) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE pipeline_rows SET name = ?2, name_key = ?3, stall_days = ?4, updated_at = ?5 WHERE id = ?1",
            )?
            .execute(params![p.id, p.name, name_key(&p.name), p.stall_days, p.updated_at])
            .map_err(|e| self.held_by_import(e))?;
        let keep: Vec<String> = p.stages.iter().map(|s| s.id.to_string()).collect();
        let keep = serde_json::to_string(&keep)?;
        self.conn
            .prepare_cached(
                "DELETE FROM stage_rows WHERE pipeline_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2))",
            )?
            .execute(params![p.id, keep])
            .map_err(|e| self.held_by_import(e))?;
        // Names are unique per pipeline: clear them first so renames and swaps cannot collide.
        self.conn
            .prepare_cached("UPDATE stage_rows SET name_key = '#' || id WHERE pipeline_id = ?1")?
            .execute([p.id])?;
        self.write_stages(p)
    }

    fn delete_pipeline(&self, id: PipelineId) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM pipeline_rows WHERE id = ?1")?
            .execute([id])
            .map_err(|e| self.held_by_import(e))?;
        Ok(())
    }
}
