//! Pipelines and their stages, in SQLite.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::{bound, SqliteTx, SQL};
use crate::error::Result;
use crate::id::{PipelineId, StageId};
use crate::record::Status;
use crate::record::{name_key, Pipeline, Stage};
use crate::store::cells::{self, STAGE_COLUMNS};
use crate::store::query::SUMMARY_SQL;
use crate::store::{wide_total, CentsTotal, PipelineSummary, Pipelines, Which};

/// A stage's open and stalled deals per status and cents, from the counters that
/// schema 6's triggers keep (only visible deals are counted there).
pub(crate) const ACTIVE_TOTALS_SQL: &str =
    "SELECT status, cents, deals, value_high, value_low FROM deal_totals \
     WHERE stage_id = ?1 AND status IN ('open', 'stalled') AND deals > 0";

impl SqliteTx<'_> {
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

impl SqliteTx<'_> {
    /// Whether pipeline `id` was inserted by this transaction's staged import.
    fn is_own_pipeline(&self, id: PipelineId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT batch = ?2 FROM pipeline_rows WHERE id = ?1")?
            .query_row(params![id, self.batch], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false))
    }

    /// A staged import's change to a pipeline people can see, which may only add stages
    /// (`--create-stages`): the new stages are inserted hidden like the import's other rows,
    /// and the visible stages' new positions wait in `staged_positions` until the import
    /// is published ([`super::staged`]); a failed or killed import leaves them as they were.
    fn stage_hidden(&self, p: &Pipeline) -> Result<()> {
        let stored = self.stages_of(p.id)?;
        if let Some(gone) = stored.iter().find(|s| p.stage(s.id).is_none()) {
            return Err(crate::error::Error::Failed(format!(
                "an import cannot remove stage '{}' of pipeline '{}'",
                gone.name, p.name
            )));
        }
        let new: Vec<Stage> = p
            .stages
            .iter()
            .filter(|s| !stored.iter().any(|o| o.id == s.id))
            .cloned()
            .collect();
        self.write_stages(&Pipeline {
            stages: new,
            ..p.clone()
        })?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO staged_positions (batch, stage_id, position) VALUES (?1, ?2, ?3)
             ON CONFLICT (batch, stage_id) DO UPDATE SET position = excluded.position",
        )?;
        for s in p
            .stages
            .iter()
            .filter(|s| stored.iter().any(|o| o.id == s.id))
        {
            stmt.execute(params![self.batch, s.id, s.position])?;
        }
        Ok(())
    }
}

impl Pipelines for SqliteTx<'_> {
    fn pipeline_heads(&self, which: Which) -> Result<Vec<Pipeline>> {
        let (sql, args) = SQL.pipeline_heads(which);
        self.rows(&sql, &bound(&args), cells::pipeline)
    }

    fn stages_of(&self, pipeline: PipelineId) -> Result<Vec<Stage>> {
        self.rows(
            &format!("SELECT {STAGE_COLUMNS} FROM stages WHERE pipeline_id = ?1 ORDER BY position"),
            &[&pipeline],
            |r| cells::stage(r, 0),
        )
    }

    fn summary_heads(&self) -> Result<Vec<PipelineSummary>> {
        self.rows(SUMMARY_SQL, &[], cells::summary)
    }

    /// The counters of the pipeline's stages (a few rows each).
    fn status_totals(&self, pipeline: PipelineId, status: Status) -> Result<(i64, i128)> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(t.deals), 0), coalesce(sum(t.value_high), 0),
                        coalesce(sum(t.value_low), 0)
                 FROM stage_rows s JOIN deal_totals t ON t.stage_id = s.id AND t.status = ?2
                 WHERE s.pipeline_id = ?1",
            )?
            .query_row(params![pipeline, status.as_str()], |r| {
                Ok((r.get(0)?, wide_total(r.get(1)?, r.get(2)?)))
            })?)
    }

    fn active_by_cents(&self, stage: StageId) -> Result<Vec<CentsTotal>> {
        self.rows(ACTIVE_TOTALS_SQL, &[&stage], cells::cents_total)
    }

    fn own_chance_adjustment(&self, stage: StageId, percent: u8) -> Result<i128> {
        let sql = SQL.own_chance_adjustment(self.deal_source()?);
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![stage, percent], |r| r.get::<_, i64>(0))?
            .into())
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
    /// (new ones inserted, changed ones updated, missing ones deleted). A staged import
    /// changes no row people can see: see [`SqliteTx::stage_hidden`].
    fn update_pipeline(&self, p: &Pipeline) -> Result<()> {
        if self.batch != 0 && !self.is_own_pipeline(p.id)? {
            return self.stage_hidden(p);
        }
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
