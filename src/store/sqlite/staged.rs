//! Staged imports: a long import commits its rows in short chunks, hidden from every query,
//! and one small write publishes them all at once. Other rex processes keep reading and
//! writing between the chunks; a failed or killed import is discarded without ever having
//! been visible.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{SqliteStore, SqliteTx};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{Feed, Load};

/// The imports whose rows are hidden: loading, or being discarded. The views of schema 2
/// filter on the same set; queries that read the row tables directly use this.
pub(crate) const HIDDEN: &str = "(SELECT id FROM imports WHERE state IN ('loading', 'discarding'))";

/// A staged import commits a chunk at least this often, so another writer never waits
/// longer than about this for the lock.
const CHUNK_TIME: std::time::Duration = std::time::Duration::from_millis(200);

/// An import whose last chunk is older than this is taken as abandoned (its process died)
/// and discarded by the next import.
pub const ABANDONED_AFTER_SECS: i64 = 120;

/// What ends the wait for an import that will never finish, for messages that make one wait.
pub const CLEARED: &str =
    " (an import whose process died is cleared by the next write once silent for 2 minutes)";

/// Rows deleted per transaction when an import is discarded.
const DISCARD_CHUNK: i64 = 5000;

/// A staged import in progress: its rows stay hidden until [`SqliteStore::publish_import`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ImportBatch(i64);

/// Wall-clock seconds for heartbeats; `REX_NOW` fixes "today", not how long a process ran.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl SqliteStore {
    /// Loads an import. Into a database that holds deals, it loads in short hidden chunks
    /// and is published at the end, so people and cron jobs keep working while it runs.
    /// Dry runs and upserts (which change visible deals) run as one transaction, as does a
    /// load into a database without deals, which builds its indexes once at the end
    /// instead of row by row; these read their whole input before taking the lock.
    pub(crate) fn import(&mut self, load: Load, clock: Clock, feed: &mut dyn Feed) -> Result<()> {
        self.use_bulk_cache()?;
        if load != Load::DryRun {
            self.discard_abandoned_imports()?;
        }
        if load == Load::Insert && self.read(|tx| tx.has_deals())? {
            return self.import_staged(clock, feed);
        }
        // One transaction under the write lock: the input is read before it is taken.
        feed.read_to_end()?;
        let run = |tx: &SqliteTx| -> Result<()> {
            if load != Load::DryRun {
                tx.refuse_during_import()?;
            }
            let mut all = || -> Result<()> {
                while feed.record_next(tx, None)? {}
                Ok(())
            };
            if tx.has_deals()? {
                all()
            } else {
                tx.with_indexes_rebuilt_after(all)
            }
        };
        if load == Load::DryRun {
            self.run(rusqlite::TransactionBehavior::Immediate, false, run)
        } else {
            self.write_as_is(run)
        }
    }

    /// Loads records in chunks of about [`CHUNK_TIME`], each one short committed
    /// transaction of hidden rows, then publishes them in one small write. On any error the
    /// chunks written so far are discarded; nothing was ever visible.
    fn import_staged(&mut self, clock: Clock, feed: &mut dyn Feed) -> Result<()> {
        let started_at = clock.timestamp();
        let mut batch = None;
        let mut outcome = Ok(());
        // Wait for input outside any transaction: a slow producer never holds the lock.
        while feed.wait() {
            let chunk = self.write_chunk(&mut batch, &started_at, |tx| {
                let deadline = std::time::Instant::now() + CHUNK_TIME;
                let mut within = None;
                while feed.record_next(tx, within)? {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    within = Some(left);
                }
                Ok(())
            });
            if let Err(e) = chunk {
                outcome = Err(e);
                break;
            }
        }
        match (outcome, batch) {
            (Ok(()), Some(b)) => self.publish_import(b, &clock.timestamp()).inspect_err(|_| {
                // Refused at the end (a newer rex upgraded the file meanwhile): as any failure.
                let _ = self.discard_import(b);
            }),
            (Ok(()), None) => Ok(()),
            (Err(e), Some(b)) => {
                // Should the clean-up itself fail (say, the database is busy), the rows stay
                // hidden and the next import discards them; the error to report is the first.
                let _ = self.discard_import(b);
                Err(e)
            }
            (Err(e), None) => Err(e),
        }
    }

    /// Discards the hidden rows of imports whose process stopped without finishing them
    /// (silent for [`ABANDONED_AFTER_SECS`]). Every write calls this first; finding none
    /// costs one look at the tiny `imports` table.
    pub fn discard_abandoned_imports(&mut self) -> Result<usize> {
        let cutoff = unix_now() - ABANDONED_AFTER_SECS;
        let abandoned: Vec<i64> = self.read(|tx| {
            let mut stmt = tx.conn.prepare_cached(
                "SELECT id FROM imports WHERE state IN ('loading', 'discarding') AND heartbeat < ?1",
            )?;
            let ids = stmt.query_map([cutoff], |r| r.get(0))?;
            Ok(ids.collect::<rusqlite::Result<_>>()?)
        })?;
        for id in &abandoned {
            self.discard_import(ImportBatch(*id))?;
        }
        Ok(abandoned.len())
    }

    /// A write of the discarding of an import's own hidden rows: allowed also into a file a
    /// newer rex upgraded meanwhile (it would discard them the same way, abandoned).
    fn discarding<T>(&mut self, f: impl FnOnce(&SqliteTx) -> Result<T>) -> Result<T> {
        self.run_as(TransactionBehavior::Immediate, true, false, f)
    }

    /// Runs `f` in one write transaction whose rows belong to the staged import `batch`.
    /// The first chunk starts the import, so one that fails in its first chunk leaves no
    /// trace at all. Refused (busy) while another import is loading.
    fn write_chunk<T>(
        &mut self,
        batch: &mut Option<ImportBatch>,
        started_at: &str,
        f: impl FnOnce(&SqliteTx) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        super::still_our_schema(&tx, &self.path)?;
        let id = match *batch {
            Some(b) => b.0,
            None => {
                SqliteTx::visible(&tx, None).refuse_during_import()?;
                tx.execute(
                    "INSERT INTO imports (state, started_at, heartbeat) VALUES ('loading', ?1, ?2)",
                    params![started_at, unix_now()],
                )?;
                tx.last_insert_rowid()
            }
        };
        let out = f(&SqliteTx {
            conn: &tx,
            batch: id,
            actor: self.actor.as_deref(),
        })?;
        let alive = tx.execute(
            "UPDATE imports SET heartbeat = ?2 WHERE id = ?1 AND state = 'loading'",
            params![id, unix_now()],
        )?;
        if alive == 0 {
            return Err(Error::Failed(format!(
                "another rex took this import for abandoned (no records for over {ABANDONED_AFTER_SECS} s) and discarded it; nothing was imported"
            )));
        }
        tx.commit()?;
        *batch = Some(ImportBatch(id));
        Ok(out)
    }

    /// Makes every row of `batch` visible at once: one small write.
    fn publish_import(&mut self, batch: ImportBatch, finished_at: &str) -> Result<()> {
        self.write_as_is(|tx| {
            let n = tx.conn.execute(
                "UPDATE imports SET state = 'published', finished_at = ?2 WHERE id = ?1 AND state = 'loading'",
                params![batch.0, finished_at],
            )?;
            if n == 0 {
                return Err(Error::Failed(format!(
                    "another rex took this import for abandoned (no records for over {ABANDONED_AFTER_SECS} s) and discarded it; nothing was imported"
                )));
            }
            // Stages it added to a visible pipeline move the others only now.
            tx.conn.execute(
                "UPDATE stage_rows SET position = s.position FROM staged_positions s
                 WHERE s.batch = ?1 AND stage_rows.id = s.stage_id",
                [batch.0],
            )?;
            tx.conn
                .execute("DELETE FROM staged_positions WHERE batch = ?1", [batch.0])?;
            // Its deals were not counted while hidden. (Its activities' deals were given
            // their next steps by the trigger next_steps_shown_or_hidden, schema 19.)
            tx.conn
                .execute_batch(&add_totals_sql(&format!("= {}", batch.0), false))?;
            Ok(())
        })
    }

    /// Deletes the hidden rows of `batch`, a chunk per transaction so that other writers
    /// keep going, and at last the import's own record: the database is as it was before the
    /// import began (the freed pages are reused by later writes). Safe to run again after
    /// being interrupted.
    fn discard_import(&mut self, batch: ImportBatch) -> Result<()> {
        let id = batch.0;
        self.discarding(|tx| {
            tx.conn.execute(
                "UPDATE imports SET state = 'discarding', heartbeat = ?2 WHERE id = ?1",
                params![id, unix_now()],
            )?;
            Ok(())
        })?;
        // Activities and history first, then deals; each table walked once in key order.
        for (table, key) in [
            ("activity_rows", "rowid"),
            ("event_rows", "seq"),
            ("deal_rows", "rowid"),
        ] {
            let mut after = i64::MIN;
            loop {
                let upto: Option<i64> = self.discarding(|tx| {
                    let upto: Option<i64> = tx.conn.query_row(
                        &format!(
                            "SELECT max({key}) FROM (SELECT {key} FROM {table}
                             WHERE {key} > ?1 AND batch = ?2 ORDER BY {key} LIMIT {DISCARD_CHUNK})"
                        ),
                        params![after, id],
                        |r| r.get(0),
                    )?;
                    if let Some(upto) = upto {
                        tx.conn.execute(
                            &format!(
                                "DELETE FROM {table} WHERE {key} > ?1 AND {key} <= ?3 AND batch = ?2"
                            ),
                            params![after, id, upto],
                        )?;
                        tx.conn.execute(
                            "UPDATE imports SET heartbeat = ?2 WHERE id = ?1",
                            params![id, unix_now()],
                        )?;
                    }
                    Ok(upto)
                })?;
                match upto {
                    Some(last) => after = last,
                    None => break,
                }
            }
        }
        self.discarding(|tx| {
            // Rows of a batch outlive its record only if hidden, so none may be left behind.
            for table in [
                "activity_rows",
                "event_rows",
                "deal_rows",
                "stage_rows",
                "pipeline_rows",
                "staged_positions",
            ] {
                tx.conn
                    .execute(&format!("DELETE FROM {table} WHERE batch = ?1"), [id])?;
            }
            tx.conn.execute("DELETE FROM imports WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}

impl SqliteTx<'_> {
    /// Whether any deal is visible: an import into a database without deals loads in one
    /// transaction and builds its indexes once at the end.
    fn has_deals(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM deals)", [], |r| r.get(0))?)
    }

    /// Refuses (busy) while another import is loading or being discarded: one at a time.
    fn refuse_during_import(&self) -> Result<()> {
        let other: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, started_at FROM imports
                 WHERE state IN ('loading', 'discarding') ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match other {
            None => Ok(()),
            Some((other, since)) => Err(Error::Busy(format!(
                "another import (number {other}, started {since}) is still running; nothing was imported, try again when it finishes{CLEARED}"
            ))),
        }
    }

    /// Where queries that read many deals (the board, the stalled scan) read them from: the
    /// view of visible rows while an import is loading or being discarded, else the row
    /// table itself, where every row is visible, saving the check on each one. Both are
    /// read in the same transaction, so the answer holds for the query.
    pub(crate) fn deal_source(&self) -> Result<&'static str> {
        Ok(if self.import_in_progress()? {
            "deals"
        } else {
            "deal_rows"
        })
    }

    /// Whether an import is loading or being discarded right now.
    pub fn import_in_progress(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM imports WHERE state IN ('loading', 'discarding'))",
            [],
            |r| r.get(0),
        )?)
    }
}

/// Adds to the counters (`deal_totals`, schema 6; `forecast_totals`, schema 7;
/// `closed_totals`, schema 8) the deals
/// whose batch is `batch` (a condition such as `= ?1`): what their triggers would have added.
/// The stage counters read the covering `deals_stage_status_value`. When the batch is every
/// deal (`whole`: a load into a database without deals), the forecast and closed counters
/// read the table in order (`NOT INDEXED`): through `deals_status_value` and
/// `deals_status_closed` SQLite would read a quarter and three quarters of all deals one
/// random row at a time, 1.4 s and 3.9 s at 1M deals against 0.8 s and 1.6 s in order. A
/// staged import's batch is found in those indexes (they hold `batch`), reading only its own
/// rows, and not every deal of the database.
pub(crate) fn add_totals_sql(batch: &str, whole: bool) -> String {
    let scan = if whole { " NOT INDEXED" } else { "" };
    let w = crate::store::weighted("d.value", "coalesce(d.probability, s.probability)");
    let cycle = crate::store::query::Dialect::Sqlite.cycle_seconds("created_at", "closed_at");
    format!(
        "INSERT INTO deal_totals
         SELECT stage_id, status, value % 100, count(*), sum(value >> 32), sum(value & 4294967295)
         FROM deal_rows WHERE batch {batch} GROUP BY stage_id, status, value % 100
         ON CONFLICT DO UPDATE SET deals = deals + excluded.deals,
            value_high = value_high + excluded.value_high, value_low = value_low + excluded.value_low;
         INSERT INTO forecast_totals
         SELECT coalesce(expected_close, ''), stage_id, count(*), sum(value >> 32),
            sum(value & 4294967295), sum(w >> 32), sum(w & 4294967295)
         FROM (SELECT d.expected_close, d.stage_id, d.value, {w} AS w
               FROM deal_rows d{scan} JOIN stage_rows s ON s.id = d.stage_id
               WHERE d.status IN ('open', 'stalled') AND d.batch {batch})
         WHERE true GROUP BY coalesce(expected_close, ''), stage_id
         ON CONFLICT DO UPDATE SET deals = deals + excluded.deals,
            value_high = value_high + excluded.value_high, value_low = value_low + excluded.value_low,
            weighted_high = weighted_high + excluded.weighted_high,
            weighted_low = weighted_low + excluded.weighted_low;
         INSERT INTO closed_totals
         SELECT substr(closed_at, 1, 10), status, pipeline_id, coalesce(close_reason, ''), count(*),
            sum(value >> 32), sum(value & 4294967295), sum(c >> 32), sum(c & 4294967295)
         FROM (SELECT closed_at, status, pipeline_id, close_reason, value,
                 CASE status WHEN 'won' THEN coalesce({cycle}, 0) ELSE 0 END AS c
               FROM deal_rows{scan} WHERE status IN ('won', 'lost') AND closed_at IS NOT NULL
                 AND batch {batch})
         WHERE true GROUP BY 1, 2, 3, 4
         ON CONFLICT DO UPDATE SET deals = deals + excluded.deals,
            value_high = value_high + excluded.value_high, value_low = value_low + excluded.value_low,
            cycle_high = cycle_high + excluded.cycle_high, cycle_low = cycle_low + excluded.cycle_low;"
    )
}
