//! Deals and their history, in SQLite.

use std::sync::OnceLock;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, ToSql};

use super::staged::HIDDEN;
use super::{bound, SqliteTx, SQL};
use crate::error::{Error, Result};
use crate::id::{DealId, StageId};
use crate::record::{Deal, Event, NextActivity, Status, DEAL_FIELDS};
use crate::store::activities;
use crate::store::cells::{self, Reader, DEAL_COLUMNS, DEAL_ROW_COLUMNS};
use crate::store::query::{status_list, EVENTS_BY_DEAL_SQL, EVENTS_SQL};
use crate::store::{
    owner_runs, wide_total, After, ClosedBy, ClosedDays, ClosedSum, DealFilter, DealSort, Deals,
    RawEvent, Totals,
};

/// Active deals by expected close (all, or of pipeline `?1`), from `forecast_totals`.
pub(crate) const FORECAST_TOTALS_SQL: &str = "SELECT nullif(f.expected_close, ''), sum(f.deals),
        sum(f.value_high), sum(f.value_low), sum(f.weighted_high), sum(f.weighted_low)
     FROM forecast_totals f JOIN stage_rows s ON s.id = f.stage_id
     WHERE f.deals > 0 AND (?1 IS NULL OR s.pipeline_id = ?1)
     GROUP BY f.expected_close";

/// Deals whose id ends in `?3` (`?2` characters, 6 or more): one step of `deals_ref` (an
/// id's last seven characters) per key in the JSON array `?1`, the last seven characters
/// that such an id may have (one key for an end of seven or more, 32 for an end of six).
/// The few found are ordered by their end reversed, as tables list them.
const ENDING_SQL: &str = "SELECT {DEAL_COLUMNS} FROM deals d \
     WHERE substr(d.id, -7) IN (SELECT value FROM json_each(?1)) AND substr(d.id, -?2) = ?3 \
     ORDER BY d.tail LIMIT ?4";

/// The ids of other deals, hidden ones too, whose last seven characters are `?1`'s.
const SAME_REF_KEY_SQL: &str =
    "SELECT id FROM deal_rows WHERE substr(id, -7) = substr(?1, -7) AND id <> ?1";

/// How many entries of `deals_created` are read and checked in the time one deal is read and
/// sorted: at 1M deals, 1M entries took 88 ms and sorting an owner's 20,000 deals 60-85 ms
/// (about 40); taken lower, so that the order is chosen only where it clearly wins.
const ENTRIES_PER_SORTED_DEAL: i128 = 16;

impl SqliteTx<'_> {
    /// [`Deals::stage_active`] for one owner id as stored, or everyone.
    fn stage_active_of(
        &self,
        stage: StageId,
        owner: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(i64, i128, Vec<Deal>)> {
        // Everyone's deals are counted already (schema 6); one owner's are counted here.
        let totals = |r: &rusqlite::Row| Ok((r.get(0)?, wide_total(r.get(1)?, r.get(2)?)));
        let (count, value) = match owner {
            None => self
                .conn
                .prepare_cached(
                    "SELECT coalesce(sum(deals), 0), coalesce(sum(value_high), 0),
                            coalesce(sum(value_low), 0)
                     FROM deal_totals WHERE stage_id = ?1 AND status IN ('open', 'stalled')",
                )?
                .query_row(params![stage], totals)?,
            Some(owner) => self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*), {} FROM deals WHERE stage_id = ?1 \
                     AND status IN ('open', 'stalled') AND owner_id = ?2",
                    SQL.wide_sum("value")
                ))?
                .query_row(params![stage, owner], totals)?,
        };
        // The largest of each status: a backward walk of deals_stage_status_value each, no
        // sort; then the two merged.
        let sql_limit = limit.map_or(-1, |n| n as i64);
        let sql = format!(
            "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.stage_id = ?1 AND d.status = ?2
             AND (?3 IS NULL OR d.owner_id = ?3) ORDER BY d.value DESC, d.id DESC LIMIT ?4"
        );
        let mut deals: Vec<Deal> = Vec::new();
        for status in [Status::Open, Status::Stalled] {
            deals.extend(self.deals(&sql, params![stage, status.as_str(), owner, sql_limit])?);
        }
        deals.sort_by_key(|d| std::cmp::Reverse((d.value, d.id)));
        if let Some(n) = limit {
            deals.truncate(n);
        }
        Ok((count, value, deals))
    }

    /// How many visible deals `filter` selects, from the stage counters of schema 6, when it
    /// selects by status and pipeline only.
    fn counted(&self, filter: &DealFilter) -> Result<Option<i64>> {
        if !filter.is_by_status_and_pipeline_only() {
            return Ok(None);
        }
        let statuses = if filter.statuses.is_empty() {
            String::new()
        } else {
            format!("t.status IN ({}) AND ", status_list(&filter.statuses))
        };
        self.count(
            &format!(
                "SELECT coalesce(sum(t.deals), 0) FROM deal_totals t
                 JOIN stage_rows s ON s.id = t.stage_id
                 WHERE {statuses}(?1 IS NULL OR s.pipeline_id = ?1)"
            ),
            &[&filter.pipeline.map(|p| p.to_string())],
        )
        .map(Some)
    }

    /// Whether reading the deals in order and checking `filter` on each finds `limit` of
    /// them sooner than sorting all it selects. When it selects `n` of `total` deals, about
    /// `limit * total / n` entries of `deals_created` are read and checked in order, against
    /// `n` deals read and sorted; an entry costs about [`ENTRIES_PER_SORTED_DEAL`]-th of a
    /// deal, so the order wins when `n * n * ENTRIES_PER_SORTED_DEAL` exceeds
    /// `limit * total`. Asked for filters by status, pipeline and owner, which
    /// `deals_created` carries, but not for one owner's deals (one spelling): those are read
    /// in order in `deals_owner_created`, with the status and pipeline; `n` is counted no further than that share, and `total` is
    /// estimated by the greatest rowid (deleted deals leave gaps), read in one step. The
    /// list is the same either way: only its speed depends on the answer.
    fn is_large_share(&self, filter: &DealFilter, limit: u64) -> Result<bool> {
        if *filter == DealFilter::default() || !filter.is_by_status_pipeline_and_owner_only() {
            return Ok(false); // nothing to check, or checks deals_created cannot answer
        }
        if filter.owner.is_some() && filter.owner_ids.len() <= 1 {
            return Ok(false); // one owner's deals are read in order in deals_owner_created
        }
        let total = self.count("SELECT coalesce(max(rowid), 0) FROM deal_rows", &[])?;
        let share = i128::from(limit) * i128::from(total) / ENTRIES_PER_SORTED_DEAL;
        let most = i64::try_from(share.isqrt() + 1).unwrap_or(i64::MAX);
        let (sql, args) = SQL.count_up_to(filter, most);
        let n = self.count(&sql, &bound(&args))?;
        Ok(i128::from(n) * i128::from(n) > share)
    }

    /// Inserts a deal, with `on_conflict` appended; returns the rows written. A deal whose
    /// origin another deal has (one an import in progress may still hide) is a conflict.
    /// Inserts `d`; `if_new`: unless a deal of its id exists (None written then).
    fn write_deal(&self, d: &Deal, if_new: bool) -> Result<usize> {
        let row = cells::deal_row(d)?;
        let mut params = bound(&row);
        params.push(&self.batch);
        // The statement's text is made once: an import writes a row for every deal.
        static INSERTS: [OnceLock<String>; 2] = [const { OnceLock::new() }; 2];
        let sql = INSERTS[usize::from(if_new)].get_or_init(|| {
            format!(
                "INSERT INTO deal_rows ({}, batch) VALUES ({}){}",
                DEAL_ROW_COLUMNS.join(", "),
                SQL.marks(params.len()),
                if if_new {
                    " ON CONFLICT (id) DO NOTHING"
                } else {
                    ""
                }
            )
        });
        self.conn
            .prepare_cached(sql)?
            .execute(params.as_slice())
            .map_err(|e| origin_taken(d, e))
    }

    fn deals(&self, sql: &str, params: &[&dyn ToSql]) -> Result<Vec<Deal>> {
        self.rows(sql, params, cells::deal)
    }

    fn count(&self, sql: &str, params: &[&dyn ToSql]) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row(params, |r| r.get(0))?)
    }
}

/// A write of deal `d` refused because another deal (maybe one an import in progress still
/// hides) has its origin: a conflict. The only unique key of `deal_rows` besides its id (a
/// primary key, another code) is the origin.
fn origin_taken(d: &Deal, e: rusqlite::Error) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Error::Conflict(format!(
                "another deal already comes from {}",
                d.origin.as_deref().unwrap_or("the same origin")
            ))
        }
        _ => e.into(),
    }
}

impl Deals for SqliteTx<'_> {
    fn deal(&self, id: DealId) -> Result<Option<Deal>> {
        Ok(self
            .deals(
                &format!("SELECT {DEAL_COLUMNS} FROM deals d WHERE d.id = ?1"),
                &[&id],
            )?
            .pop())
    }

    /// A staged import's own deals count: hidden from everyone else, not from the import
    /// (whose activities need their deal).
    fn deal_exists(&self, id: DealId) -> Result<bool> {
        // Made once: an import asks it for every activity.
        static EXISTS: OnceLock<String> = OnceLock::new();
        let sql = EXISTS.get_or_init(|| {
            format!(
                "SELECT 1 FROM deal_rows WHERE id = ?1 AND (batch = ?2 OR batch NOT IN {HIDDEN})"
            )
        });
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row(params![id, self.batch], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn insert_deal(&self, d: &Deal) -> Result<()> {
        self.write_deal(d, false).map(|_| ())
    }

    fn insert_deal_if_new(&self, d: &Deal) -> Result<bool> {
        Ok(self.write_deal(d, true)? == 1)
    }

    /// Writes only the columns whose values changed: SQLite rewrites every index that holds
    /// a column named in the SET list, even for the same value, and each is a page to log
    /// and to copy back (a move wrote 24 pages with every column set, 10 with its own).
    fn update_deal(&self, d: &Deal) -> Result<()> {
        use rusqlite::types::Value;
        let row = cells::deal_row(d)?;
        let params = bound(&row);
        let stored: Option<Vec<Value>> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM deal_rows WHERE id = ?1",
                DEAL_ROW_COLUMNS[1..].join(", ")
            ))?
            .query_row([&d.id], |r| {
                (1..DEAL_ROW_COLUMNS.len())
                    .map(|i| r.get::<_, Value>(i - 1))
                    .collect()
            })
            .optional()?;
        let Some(stored) = stored else {
            return Ok(());
        };
        let mut set = Vec::new();
        let mut values: Vec<&dyn ToSql> = vec![params[0]];
        for (i, old) in stored.iter().enumerate() {
            let new = params[i + 1].to_sql()?;
            let same = match &new {
                rusqlite::types::ToSqlOutput::Borrowed(v) => Value::from(*v) == *old,
                rusqlite::types::ToSqlOutput::Owned(v) => v == old,
                _ => false,
            };
            if !same {
                values.push(params[i + 1]);
                set.push(format!("{} = ?{}", DEAL_ROW_COLUMNS[i + 1], values.len()));
            }
        }
        if set.is_empty() {
            return Ok(());
        }
        self.conn
            .prepare_cached(&format!(
                "UPDATE deal_rows SET {} WHERE id = ?1",
                set.join(", ")
            ))?
            .execute(values.as_slice())
            .map_err(|e| origin_taken(d, e))?;
        Ok(())
    }

    fn delete_deal(&self, id: DealId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM deal_rows WHERE id = ?1")?
            .execute([id])?
            > 0)
    }

    fn deals_of_stage(&self, stage: StageId) -> Result<Vec<Deal>> {
        self.deals(
            &format!(
                "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.stage_id = ?1 ORDER BY d.created_at, d.id"
            ),
            &[&stage],
        )
    }

    fn for_each_deal(
        &self,
        filter: &DealFilter,
        sort: DealSort,
        desc: bool,
        after: Option<&After>,
        limit: Option<u64>,
        each: &mut dyn FnMut(Deal, Option<NextActivity>) -> Result<()>,
    ) -> Result<()> {
        let filter = &filter.with_owner_ids(self)?;
        let (sql, args) = match limit {
            Some(limit) if sort == DealSort::Created && self.is_large_share(filter, limit)? => {
                SQL.deal_list_in_created_order(filter, desc, after, limit)
            }
            _ => SQL.deal_list(filter, sort, desc, after, limit),
        };
        // The next step is the cell after the deal's own (Dialect::listed_columns).
        self.each_row(&sql, &bound(&args), |r| {
            let deal = cells::deal(r)?;
            let next = match Reader::new("deal", r).opt_text(DEAL_FIELDS.len())? {
                Some(kept) => Some(activities::kept_next_step(|| r.key(), &kept)?),
                None => None,
            };
            each(deal, next)
        })
    }

    fn for_each_deal_stored(&self, each: &mut dyn FnMut(Deal) -> Result<()>) -> Result<()> {
        self.each_row(
            &format!(
                "SELECT {DEAL_COLUMNS} FROM deal_rows d WHERE d.batch NOT IN {HIDDEN} ORDER BY d.id"
            ),
            &[],
            |r| each(cells::deal(r)?),
        )
    }

    fn totals_by_expected_close(
        &self,
        filter: &DealFilter,
    ) -> Result<Vec<(Option<NaiveDate>, Totals)>> {
        // The forecast's question is answered by the counters of schema 7.
        if filter.is_active_deals_only() {
            return self.rows(
                FORECAST_TOTALS_SQL,
                &[&filter.pipeline.map(|p| p.to_string())],
                cells::totals,
            );
        }
        let (sql, args) = SQL.totals_by_expected_close(&filter.with_owner_ids(self)?);
        self.rows(&sql, &bound(&args), cells::totals)
    }

    fn count_deals(&self, filter: &DealFilter) -> Result<i64> {
        if let Some(n) = self.counted(filter)? {
            return Ok(n);
        }
        let (sql, args) = SQL.count(&filter.with_owner_ids(self)?);
        self.count(&sql, &bound(&args))
    }

    fn deal_origins(&self) -> Result<Vec<(String, DealId)>> {
        self.rows(
            "SELECT d.id, d.origin FROM deals d WHERE d.origin IS NOT NULL",
            &[],
            cells::origin,
        )
    }

    fn closed_sums(&self, filter: &DealFilter, by: ClosedBy) -> Result<Vec<ClosedSum>> {
        let (sql, args) = SQL.closed_sums(&filter.with_owner_ids(self)?, by);
        self.rows(&sql, &bound(&args), cells::closed_sum)
    }

    fn closed_sums_on_days(&self, days: ClosedDays) -> Result<Vec<ClosedSum>> {
        let (sql, args) = SQL.closed_sums_on_days(&days);
        self.rows(&sql, &bound(&args), cells::closed_sum)
    }

    fn deals_ending_in(&self, end: &str, limit: usize) -> Result<Vec<Deal>> {
        let keys: Vec<String> = match end.len() {
            n if n >= 7 => vec![end[n - 7..].to_string()],
            6 => crate::id::BASE32
                .chars()
                .map(|c| format!("{c}{end}"))
                .collect(),
            n => {
                return Err(Error::Failed(format!(
                    "an id's end of {n} characters is not looked up (6 at least)"
                )))
            }
        };
        self.deals(
            &ENDING_SQL.replace("{DEAL_COLUMNS}", DEAL_COLUMNS),
            params![
                serde_json::to_string(&keys)?,
                end.len() as i64,
                end,
                limit as i64
            ],
        )
    }

    fn deals_by_reference_start(&self, start: &str, len: usize, limit: usize) -> Result<Vec<Deal>> {
        let (sql, args) = SQL.deals_by_reference_start(start, len, limit);
        self.deals(&sql, &bound(&args))
    }

    fn owner_ids(&self, owner: &str) -> Result<Vec<String>> {
        // deal_rows, hidden rows too: the view would hide the index's order behind its filter.
        let sql = SQL.owner_ids_between("deal_rows");
        crate::store::owner_ids_by(owner, |lo, hi| {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let ids = stmt
                .query_map(params![lo, hi], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(ids)
        })
    }

    fn recent_active_deals(&self, limit: usize) -> Result<Vec<Deal>> {
        self.deals(
            &format!(
                "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.status IN ('open', 'stalled')
                 ORDER BY d.created_at DESC, d.id DESC LIMIT ?1"
            ),
            &[&(limit as i64)],
        )
    }

    fn deals_by_name(&self, key: &str, exact: bool, limit: usize) -> Result<Vec<Deal>> {
        let (sql, args) = SQL.deals_by_name(key, exact, limit);
        self.deals(&sql, &bound(&args))
    }

    fn count_by_name(&self, key: &str, exact: bool) -> Result<i64> {
        let (sql, args) = SQL.count_by_name(key, exact);
        self.count(&sql, &bound(&args))
    }

    /// From the other ids that end in the same seven characters (`deals_ref`), of the row
    /// table: hidden rows count too. An end shared by no other id is shorter than seven
    /// characters, and is told as 0 (a reference has seven at least).
    fn id_end_shared(&self, id: DealId) -> Result<usize> {
        let me = id.to_string();
        let mut stmt = self.conn.prepare_cached(SAME_REF_KEY_SQL)?;
        let others = stmt.query_map([&me], |r| r.get::<_, String>(0))?;
        let mut shared = 0;
        for other in others {
            shared = shared.max(cells::common_end(&me, &other?));
        }
        Ok(shared)
    }

    fn idle_deals(
        &self,
        stage: StageId,
        status: Status,
        idle_since: &str,
        active_after: Option<&str>,
        owner: Option<&str>,
    ) -> Result<Vec<Deal>> {
        let mut deals = Vec::new();
        for owner in owner_runs(self, owner)? {
            let (sql, args) = SQL.idle_deals(
                self.deal_source()?,
                stage,
                status,
                idle_since,
                active_after,
                owner.as_deref(),
            );
            deals.extend(self.deals(&sql, &bound(&args))?);
        }
        deals.sort_by(|a, b| (&a.last_activity_at, a.id).cmp(&(&b.last_activity_at, b.id)));
        Ok(deals)
    }

    fn stage_active(
        &self,
        stage: StageId,
        owner: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(i64, i128, Vec<Deal>)> {
        let (mut count, mut value, mut deals) = (0, 0, Vec::new());
        for owner in owner_runs(self, owner)? {
            let (n, total, found) = self.stage_active_of(stage, owner.as_deref(), limit)?;
            (count, value) = (count + n, value + total);
            deals.extend(found);
        }
        deals.sort_by_key(|d| std::cmp::Reverse((d.value, d.id)));
        if let Some(n) = limit {
            deals.truncate(n);
        }
        Ok((count, value, deals))
    }

    fn add_event(&self, e: &Event) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO event_rows (deal_id, at, kind, details, batch, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                e.deal_id,
                e.at,
                e.kind,
                serde_json::to_string(&e.details)?,
                self.batch,
                self.actor
            ])?;
        Ok(())
    }

    fn add_event_if_deal_exists(&self, e: &Event) -> Result<bool> {
        match self.add_event(e) {
            Ok(()) => Ok(true),
            Err(_) if !self.deal_exists(e.deal_id)? => Ok(false),
            Err(other) => Err(other),
        }
    }

    fn event_recorded(&self, e: &Event) -> Result<bool> {
        let found: i64 = self.conn.prepare_cached(&SQL.event_recorded())?.query_row(
            params![e.deal_id, e.at, e.kind, serde_json::to_string(&e.details)?],
            |r| r.get(0),
        )?;
        Ok(found > 0)
    }

    fn events(&self, deal: DealId) -> Result<Vec<Event>> {
        self.rows(&SQL.events_of_deal(), &[&deal], cells::event)
    }

    fn for_each_event_raw(&self, each: &mut dyn FnMut(RawEvent) -> Result<()>) -> Result<()> {
        self.each_row(EVENTS_SQL, &[], |r| each(cells::raw_event(r)?))
    }

    fn for_each_history(&self, each: &mut dyn FnMut(Vec<RawEvent>) -> Result<()>) -> Result<()> {
        let mut history = cells::Histories::new(each);
        self.each_row(EVENTS_BY_DEAL_SQL, &[], |r| {
            history.push(cells::raw_event(r)?)
        })?;
        history.finish()
    }
}

#[cfg(test)]
mod tests;
