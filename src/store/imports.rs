//! Staged imports: a long import commits its rows in short chunks, hidden from every query,
//! and one small write publishes them all at once. Other rex processes keep reading and
//! writing between the chunks; a failed or killed import is discarded without ever having
//! been visible.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{Store, Tx};
use crate::error::{Error, Result};

/// An import whose last chunk is older than this is taken as abandoned (its process died)
/// and discarded by the next import.
pub const ABANDONED_AFTER_SECS: i64 = 120;

/// What ends the wait for an import that will never finish, for messages that make one wait.
pub const CLEARED: &str =
    " (an import whose process died is cleared by the next write once silent for 2 minutes)";

/// Rows deleted per transaction when an import is discarded.
const DISCARD_CHUNK: i64 = 5000;

/// A staged import in progress: its rows stay hidden until [`Store::publish_import`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportBatch(i64);

/// Wall-clock seconds for heartbeats; `REX_NOW` fixes "today", not how long a process ran.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Store {
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

    /// Runs `f` in one write transaction whose rows belong to the staged import `batch`.
    /// The first chunk starts the import, so one that fails in its first chunk leaves no
    /// trace at all. Refused (busy) while another import is loading.
    pub fn write_chunk<T>(
        &mut self,
        batch: &mut Option<ImportBatch>,
        started_at: &str,
        f: impl FnOnce(&Tx) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = match *batch {
            Some(b) => b.0,
            None => {
                Tx::visible(&tx).refuse_during_import()?;
                tx.execute(
                    "INSERT INTO imports (state, started_at, heartbeat) VALUES ('loading', ?1, ?2)",
                    params![started_at, unix_now()],
                )?;
                tx.last_insert_rowid()
            }
        };
        let out = f(&Tx {
            conn: &tx,
            batch: id,
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
    pub fn publish_import(&mut self, batch: ImportBatch, finished_at: &str) -> Result<()> {
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
            Ok(())
        })
    }

    /// Deletes the hidden rows of `batch`, a chunk per transaction so that other writers
    /// keep going, and at last the import's own record: the database is as it was before the
    /// import began (the freed pages are reused by later writes). Safe to run again after
    /// being interrupted.
    pub fn discard_import(&mut self, batch: ImportBatch) -> Result<()> {
        let id = batch.0;
        self.write_as_is(|tx| {
            tx.conn.execute(
                "UPDATE imports SET state = 'discarding', heartbeat = ?2 WHERE id = ?1",
                params![id, unix_now()],
            )?;
            Ok(())
        })?;
        // History first, then deals; each table walked once in key order.
        for (table, key) in [("event_rows", "seq"), ("deal_rows", "rowid")] {
            let mut after = i64::MIN;
            loop {
                let upto: Option<i64> = self.write_as_is(|tx| {
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
        self.write_as_is(|tx| {
            // Rows of a batch outlive its record only if hidden, so none may be left behind.
            for table in ["event_rows", "deal_rows", "stage_rows", "pipeline_rows"] {
                tx.conn
                    .execute(&format!("DELETE FROM {table} WHERE batch = ?1"), [id])?;
            }
            tx.conn.execute("DELETE FROM imports WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}

impl Tx<'_> {
    /// Whether any deal is visible: an import into a database without deals loads in one
    /// transaction and builds its indexes once at the end.
    pub fn has_deals(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM deals)", [], |r| r.get(0))?)
    }

    /// Refuses (busy) while another import is loading or being discarded: one at a time.
    pub fn refuse_during_import(&self) -> Result<()> {
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
