//! One PostgreSQL transaction behind the storage API: deals, history and pipelines.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use chrono::NaiveDate;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::Transaction;

use super::{mapped, retryable};
use crate::error::{Error, Result};
use crate::id::{DealId, PipelineId, StageId};
use crate::record::{name_key, Deal, Event, NextActivity, Pipeline, Stage, Status};
use crate::store::cells::Arg;
use crate::store::cells::{self, Cells, DEAL_COLUMNS, DEAL_ROW_COLUMNS, STAGE_COLUMNS};
use crate::store::query::{Dialect, EVENTS_BY_DEAL_SQL, EVENTS_SQL, SUMMARY_SQL};
use crate::store::{
    owner_runs, wide_total, Activities, After, CentsTotal, ClosedBy, ClosedDays, ClosedSum, Counts,
    DealFilter, DealSort, Deals, PipelineSummary, Pipelines, RawEvent, Seat, Team, Totals, Tx,
    Which,
};

mod activities;
mod bulk;
mod stage_active;
mod team;
mod tokens;

pub(super) use team::apply_team_sql;

/// The dialect of this backend's shared queries.
const SQL: Dialect = Dialect::Postgres;

/// How many deals of a list have their next steps read at once.
const NEXT_STEP_BATCH: usize = 256;

/// A bound parameter.
type Param<'a> = &'a (dyn ToSql + Sync);

/// Active deals by expected close (all, or of pipeline `$1`), from `forecast_totals`
/// (schema 6): its folded rows as they are, the rows an import added weighed at their stage's
/// chance now.
const FORECAST_TOTALS_SQL: &str = "SELECT nullif(f.expected_close, ''), sum(f.deals)::bigint,
        sum(f.value_high)::bigint, sum(f.value_low)::bigint,
        sum(f.weighted_high + coalesce(f.deals * (x.w >> 32), 0))::bigint,
        sum(f.weighted_low + coalesce(f.deals * (x.w & 4294967295), 0))::bigint
     FROM forecast_totals f JOIN stages s ON s.id = f.stage_id,
        LATERAL (SELECT rex_weighted(f.amount, coalesce(f.probability, s.probability)) AS w) x
     WHERE $1::text IS NULL OR s.pipeline_id = $1
     GROUP BY f.expected_close HAVING sum(f.deals) > 0";

pub(super) struct PgTx<'a, 'r> {
    tx: RefCell<Transaction<'a>>,
    /// Statements prepared in this transaction, by their SQL: an import runs the same few
    /// statements for every record, each then one round trip.
    prepared: RefCell<HashMap<String, postgres::Statement>>,
    /// Set when a statement failed in a way that running the transaction again may cure.
    retry: &'r Cell<bool>,
    /// Who the login is on a team database (None: no team roles).
    seat: Option<Seat>,
    /// An import's batch of new rows, when it loads in batches (`bulk.rs`).
    bulk: RefCell<Option<bulk::Bulk>>,
}

impl<'a, 'r> PgTx<'a, 'r> {
    pub(super) fn new(tx: Transaction<'a>, retry: &'r Cell<bool>, seat: Option<Seat>) -> Self {
        PgTx {
            tx: RefCell::new(tx),
            prepared: RefCell::new(HashMap::new()),
            retry,
            seat,
            bulk: RefCell::new(None),
        }
    }

    pub(super) fn into_parts(self) -> (Transaction<'a>, &'r Cell<bool>) {
        (self.tx.into_inner(), self.retry)
    }

    fn fail(&self, e: postgres::Error) -> Error {
        if retryable(&e) {
            self.retry.set(true);
        }
        self.team_refusal(&e).unwrap_or_else(|| mapped(&e))
    }

    /// The transaction, for one statement; a statement run while another is being read
    /// is refused rather than allowed to panic.
    /// An import's batch is sent first, for the statement to see it.
    fn conn(&self) -> Result<std::cell::RefMut<'_, Transaction<'a>>> {
        self.send_bulk()?;
        self.tx.try_borrow_mut().map_err(|_| {
            Error::Failed(
                "a query ran while another was still being read; nothing was changed".into(),
            )
        })
    }

    /// The statement for `sql`, prepared once per transaction.
    fn statement(&self, tx: &mut Transaction<'a>, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.prepared.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = tx.prepare(sql).map_err(|e| self.fail(e))?;
        self.prepared
            .borrow_mut()
            .insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// Adds the counter rows an import added (closed deals, schema 5; active deals by expected
    /// close, schema 6) into the others, one row per key. Under the write lock: writes change
    /// those rows in place.
    pub(super) fn fold_counters(&self) -> Result<()> {
        self.execute(
            "WITH added AS (DELETE FROM closed_totals WHERE NOT folded
                 RETURNING day, status, pipeline_id, reason, deals, value_high, value_low,
                     cycle_high, cycle_low)
             INSERT INTO closed_totals (day, status, pipeline_id, reason, deals, value_high,
                 value_low, cycle_high, cycle_low, folded)
             SELECT day, status, pipeline_id, reason, sum(deals), sum(value_high), sum(value_low),
                 sum(cycle_high), sum(cycle_low), true
             FROM added GROUP BY day, status, pipeline_id, reason
             ON CONFLICT (day, status, pipeline_id, reason) WHERE folded DO UPDATE SET
                 deals = closed_totals.deals + excluded.deals,
                 value_high = closed_totals.value_high + excluded.value_high,
                 value_low = closed_totals.value_low + excluded.value_low,
                 cycle_high = closed_totals.cycle_high + excluded.cycle_high,
                 cycle_low = closed_totals.cycle_low + excluded.cycle_low",
            &[],
        )?;
        // An added row is weighed at its stage's chance now, as readers weigh it.
        self.execute(
            "WITH added AS (DELETE FROM forecast_totals WHERE NOT folded
                 RETURNING expected_close, stage_id, deals, value_high, value_low, amount,
                     probability)
             INSERT INTO forecast_totals (expected_close, stage_id, deals, value_high, value_low,
                 weighted_high, weighted_low, folded)
             SELECT a.expected_close, a.stage_id, sum(a.deals), sum(a.value_high),
                 sum(a.value_low), sum(a.deals * (x.w >> 32)), sum(a.deals * (x.w & 4294967295)),
                 true
             FROM added a JOIN stages s ON s.id = a.stage_id,
                 LATERAL (SELECT rex_weighted(a.amount, coalesce(a.probability, s.probability))
                     AS w) x
             GROUP BY a.expected_close, a.stage_id
             ON CONFLICT (expected_close, stage_id) WHERE folded DO UPDATE SET
                 deals = forecast_totals.deals + excluded.deals,
                 value_high = forecast_totals.value_high + excluded.value_high,
                 value_low = forecast_totals.value_low + excluded.value_low,
                 weighted_high = forecast_totals.weighted_high + excluded.weighted_high,
                 weighted_low = forecast_totals.weighted_low + excluded.weighted_low",
            &[],
        )?;
        Ok(())
    }

    fn execute(&self, sql: &str, params: &[Param]) -> Result<u64> {
        let mut tx = self.conn()?;
        let stmt = self.statement(&mut tx, sql)?;
        tx.execute(&stmt, params).map_err(|e| self.fail(e))
    }

    fn rows<T>(
        &self,
        sql: &str,
        params: &[Param],
        make: impl Fn(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        let rows = {
            let mut tx = self.conn()?;
            let stmt = self.statement(&mut tx, sql)?;
            tx.query(&stmt, params).map_err(|e| self.fail(e))?
        };
        rows.iter().map(|r| make(&Row(r))).collect()
    }

    /// Calls `each` with every row of a query, read in batches through a portal: memory does
    /// not grow with the number of rows, and between batches the connection is free, so
    /// `each` may query too (a deal list reads each batch's next steps).
    fn each_row(
        &self,
        sql: &str,
        params: &[Param],
        mut each: impl FnMut(&dyn Cells) -> Result<()>,
    ) -> Result<()> {
        const BATCH: i32 = 1024;
        let portal = {
            let mut tx = self.conn()?;
            let stmt = self.statement(&mut tx, sql)?;
            tx.bind(&stmt, params).map_err(|e| self.fail(e))?
        };
        loop {
            let rows = {
                let mut tx = self.conn()?;
                tx.query_portal(&portal, BATCH).map_err(|e| self.fail(e))?
            };
            for r in &rows {
                each(&Row(r))?;
            }
            if rows.len() < BATCH as usize {
                return Ok(());
            }
        }
    }

    fn count(&self, sql: &str, params: &[Param]) -> Result<i64> {
        Ok(self
            .rows(sql, params, |r| cells::Reader::new("count", r).int(0))?
            .pop()
            .unwrap_or(0))
    }

    fn deals(&self, sql: &str, params: &[Param]) -> Result<Vec<Deal>> {
        self.rows(sql, params, cells::deal)
    }

    fn write_deal(&self, d: &Deal, on_conflict: &str) -> Result<u64> {
        let row = cells::deal_row(d)?;
        self.execute(
            &format!(
                "INSERT INTO deals ({}) VALUES ({}){on_conflict}",
                DEAL_ROW_COLUMNS.join(", "),
                SQL.marks(DEAL_ROW_COLUMNS.len())
            ),
            &bound(&row),
        )
    }

    fn write_stages(&self, p: &Pipeline) -> Result<()> {
        for s in &p.stages {
            self.execute(
                "INSERT INTO stages (id, pipeline_id, name, name_key, color, position, stall_days, probability)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                    color = excluded.color, position = excluded.position,
                    stall_days = excluded.stall_days, probability = excluded.probability",
                &[
                    &s.id.to_string(),
                    &p.id.to_string(),
                    &s.name,
                    &name_key(&s.name),
                    &s.color.as_str(),
                    &i64::from(s.position),
                    &cells::stall_days(s.stall_days),
                    &i64::from(s.probability.get()),
                ],
            )?;
        }
        Ok(())
    }
}

/// A row read through [`Cells`].
struct Row<'a>(&'a postgres::Row);

impl Cells for Row<'_> {
    fn text(&self, i: usize) -> Result<Option<String>, String> {
        self.0.try_get(i).map_err(|e| e.to_string())
    }
    fn int(&self, i: usize) -> Result<Option<i64>, String> {
        self.0.try_get(i).map_err(|e| e.to_string())
    }
    fn key(&self) -> String {
        self.0
            .try_get::<_, Option<String>>(0)
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}

impl ToSql for Arg {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Arg::Text(t) => t.to_sql(ty, out),
            Arg::Int(n) => n.to_sql(ty, out),
            Arg::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <String as ToSql>::accepts(ty) || <i64 as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

/// Bound values as the postgres crate takes them.
fn bound(args: &[Arg]) -> Vec<Param<'_>> {
    args.iter().map(|a| a as Param).collect()
}

impl Tx for PgTx<'_, '_> {
    fn counts(&self) -> Result<Counts> {
        let counts = self.rows(
            "SELECT (SELECT count(*) FROM pipelines), (SELECT count(*) FROM stages),
                    (SELECT count(*) FROM deals), (SELECT count(*) FROM deal_events)",
            &[],
            |r| {
                let r = cells::Reader::new("counts", r);
                Ok(Counts {
                    pipelines: r.int(0)?,
                    stages: r.int(1)?,
                    deals: r.int(2)?,
                    events: r.int(3)?,
                })
            },
        )?;
        counts
            .into_iter()
            .next()
            .ok_or_else(|| Error::Failed("the database returned no counts".into()))
    }

    fn schema_version(&self) -> Result<i64> {
        self.count(schema_version_sql!(), &[])
    }

    fn seat(&self) -> Option<&Seat> {
        self.seat.as_ref()
    }

    fn team(&self) -> Option<&dyn Team> {
        Some(self)
    }
}

impl Deals for PgTx<'_, '_> {
    fn deal(&self, id: DealId) -> Result<Option<Deal>> {
        Ok(self
            .deals(
                &format!("SELECT {DEAL_COLUMNS} FROM deals d WHERE d.id = $1"),
                &[&id.to_string()],
            )?
            .pop())
    }

    fn deal_exists(&self, id: DealId) -> Result<bool> {
        Ok(self.count(
            "SELECT count(*) FROM deals WHERE id = $1",
            &[&id.to_string()],
        )? > 0)
    }

    fn insert_deal(&self, d: &Deal) -> Result<()> {
        self.write_deal(d, "").map(|_| ())
    }

    fn insert_deal_if_new(&self, d: &Deal) -> Result<bool> {
        // In a batch, a deal of the same id is found when the batch is checked.
        if self.bulk_deal(d)? {
            return Ok(true);
        }
        Ok(self.write_deal(d, " ON CONFLICT (id) DO NOTHING")? == 1)
    }

    fn update_deal(&self, d: &Deal) -> Result<()> {
        let row = cells::deal_row(d)?;
        let set: Vec<String> = DEAL_ROW_COLUMNS
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, c)| format!("{c} = {}", SQL.mark(i + 1)))
            .collect();
        let changed = self.execute(
            &format!("UPDATE deals SET {} WHERE id = $1", set.join(", ")),
            &bound(&row),
        )?;
        if changed == 0 && self.seat.is_some() && self.deal_exists(d.id)? {
            return Err(self.filtered(&format!("deal {}", d.id)));
        }
        Ok(())
    }

    fn delete_deal(&self, id: DealId) -> Result<bool> {
        let deleted = self.execute("DELETE FROM deals WHERE id = $1", &[&id.to_string()])? > 0;
        if !deleted && self.seat.is_some() && self.deal_exists(id)? {
            return Err(self.filtered(&format!("deal {id}")));
        }
        Ok(deleted)
    }

    fn deals_of_stage(&self, stage: StageId) -> Result<Vec<Deal>> {
        self.deals(
            &format!(
                "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.stage_id = $1 ORDER BY d.created_at, d.id"
            ),
            &[&stage.to_string()],
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
        let filter = filter.with_owner_ids(self)?;
        let (sql, args) = SQL.deal_list(&filter, sort, desc, after, limit);
        // Deals are handed on in batches, each batch's next steps read by one statement
        // however many deals it holds; memory stays one batch whatever the list's length.
        let mut held: Vec<Deal> = Vec::with_capacity(NEXT_STEP_BATCH);
        let hand_on = |held: &mut Vec<Deal>,
                       each: &mut dyn FnMut(Deal, Option<NextActivity>) -> Result<()>|
         -> Result<()> {
            let ids: Vec<DealId> = held.iter().map(|d| d.id).collect();
            let mut next: HashMap<DealId, NextActivity> =
                self.next_steps(&ids)?.into_iter().collect();
            for deal in held.drain(..) {
                let step = next.remove(&deal.id);
                each(deal, step)?;
            }
            Ok(())
        };
        self.each_row(&sql, &bound(&args), |r| {
            held.push(cells::deal(r)?);
            if held.len() == NEXT_STEP_BATCH {
                hand_on(&mut held, each)?;
            }
            Ok(())
        })?;
        hand_on(&mut held, each)
    }

    fn for_each_deal_stored(&self, each: &mut dyn FnMut(Deal) -> Result<()>) -> Result<()> {
        self.each_row(
            &format!("SELECT {DEAL_COLUMNS} FROM deals d ORDER BY d.id"),
            &[],
            |r| each(cells::deal(r)?),
        )
    }

    fn totals_by_expected_close(
        &self,
        filter: &DealFilter,
    ) -> Result<Vec<(Option<NaiveDate>, Totals)>> {
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
        let reversed: String = end.chars().rev().take(16).collect();
        self.deals(
            &format!(
                "SELECT {DEAL_COLUMNS} FROM deals d
                 WHERE d.tail >= $1 AND d.tail < $1 || '~' ORDER BY d.tail LIMIT $2"
            ),
            &[&reversed, &(limit as i64)],
        )
    }

    fn deals_by_reference_start(&self, start: &str, len: usize, limit: usize) -> Result<Vec<Deal>> {
        let (sql, args) = SQL.deals_by_reference_start(start, len, limit);
        self.deals(&sql, &bound(&args))
    }

    fn owner_ids(&self, owner: &str) -> Result<Vec<String>> {
        let sql = SQL.owner_ids_between("deals");
        crate::store::owner_ids_by(owner, |lo, hi| {
            self.rows(&sql, &[&lo, &hi], |r| {
                cells::Reader::new("owner", r).text(0)
            })
        })
    }

    fn recent_active_deals(&self, limit: usize) -> Result<Vec<Deal>> {
        self.deals(
            &format!(
                "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.status IN ('open', 'stalled')
                 ORDER BY d.created_at DESC, d.id DESC LIMIT $1"
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

    fn id_end_shared(&self, id: DealId) -> Result<usize> {
        let tail = cells::tail(id);
        let text = |r: &dyn Cells| cells::Reader::new("deal", r).text(0);
        // Other deals whose tail equals this one's (ids that share their last 16 characters
        // or more) are compared whole; else the nearest tails either side tell.
        let me = id.to_string();
        let same = self.rows(
            "SELECT id FROM deals WHERE tail = $1 AND id <> $2",
            &[&tail, &me],
            text,
        )?;
        if !same.is_empty() {
            return Ok(same
                .iter()
                .map(|o| cells::common_end(&me, o))
                .max()
                .unwrap_or(0));
        }
        let before = self.rows(
            "SELECT tail FROM deals WHERE tail < $1 ORDER BY tail DESC LIMIT 1",
            &[&tail],
            text,
        )?;
        let after = self.rows(
            "SELECT tail FROM deals WHERE tail > $1 ORDER BY tail LIMIT 1",
            &[&tail],
            text,
        )?;
        Ok(cells::shared_end(
            &tail,
            [before.into_iter().next(), after.into_iter().next()],
        ))
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
                "deals",
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

    /// The actor is the column's default, `session_user`: the server's, never bound here.
    fn add_event(&self, e: &Event) -> Result<()> {
        if self.bulk_event(e, false)? {
            return Ok(());
        }
        self.execute(
            "INSERT INTO deal_events (deal_id, at, kind, details) VALUES ($1, $2, $3, $4)",
            &[
                &e.deal_id.to_string(),
                &e.at,
                &e.kind,
                &serde_json::to_string(&e.details)?,
            ],
        )?;
        Ok(())
    }

    fn add_event_if_deal_exists(&self, e: &Event) -> Result<bool> {
        if self.bulk_event(e, true)? {
            return Ok(true);
        }
        // A failed statement ends a PostgreSQL transaction, so the deal is looked for in
        // the same statement rather than found missing by a failed insert.
        Ok(self.execute(
            "INSERT INTO deal_events (deal_id, at, kind, details)
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM deals WHERE id = $1)",
            &[
                &e.deal_id.to_string(),
                &e.at,
                &e.kind,
                &serde_json::to_string(&e.details)?,
            ],
        )? == 1)
    }

    fn event_recorded(&self, e: &Event) -> Result<bool> {
        Ok(self.count(
            &SQL.event_recorded(),
            &[
                &e.deal_id.to_string(),
                &e.at,
                &e.kind,
                &serde_json::to_string(&e.details)?,
            ],
        )? > 0)
    }

    fn events(&self, deal: DealId) -> Result<Vec<Event>> {
        self.rows(&SQL.events_of_deal(), &[&deal.to_string()], cells::event)
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

impl Pipelines for PgTx<'_, '_> {
    fn pipeline_heads(&self, which: Which) -> Result<Vec<Pipeline>> {
        let (sql, args) = SQL.pipeline_heads(which);
        self.rows(&sql, &bound(&args), cells::pipeline)
    }

    fn stages_of(&self, pipeline: PipelineId) -> Result<Vec<Stage>> {
        self.rows(
            &format!("SELECT {STAGE_COLUMNS} FROM stages WHERE pipeline_id = $1 ORDER BY position"),
            &[&pipeline.to_string()],
            |r| cells::stage(r, 0),
        )
    }

    fn summary_heads(&self) -> Result<Vec<PipelineSummary>> {
        self.rows(SUMMARY_SQL, &[], cells::summary)
    }

    fn status_totals(&self, pipeline: PipelineId, status: Status) -> Result<(i64, i128)> {
        Ok(self
            .rows(
                &format!(
                    "SELECT count(*), {} FROM deals WHERE pipeline_id = $1 AND status = $2",
                    SQL.wide_sum("value")
                ),
                &[&pipeline.to_string(), &status.as_str()],
                |r| {
                    let r = cells::Reader::new("pipeline", r);
                    Ok((r.int(0)?, wide_total(r.int(1)?, r.int(2)?)))
                },
            )?
            .pop()
            .unwrap_or_default())
    }

    fn active_by_cents(&self, stage: StageId) -> Result<Vec<CentsTotal>> {
        self.rows(
            &format!(
                "SELECT status, value % 100, count(*), {} FROM deals \
                 WHERE stage_id = $1 AND status IN ('open', 'stalled') GROUP BY status, value % 100",
                SQL.wide_sum("value")
            ),
            &[&stage.to_string()],
            cells::cents_total,
        )
    }

    fn own_chance_adjustment(&self, stage: StageId, percent: u8) -> Result<i128> {
        let (id, percent) = (stage.to_string(), i64::from(percent));
        Ok(self
            .count(&SQL.own_chance_adjustment("deals"), &[&id, &percent])?
            .into())
    }

    fn stages_named(&self, name: &str) -> Result<Vec<(Stage, PipelineId, String)>> {
        self.rows(
            "SELECT s.id, s.name, s.color, s.position, s.stall_days, s.probability, p.id, p.name
             FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
             WHERE s.name_key = $1 ORDER BY p.name_key",
            &[&name_key(name)],
            |r| {
                let read = cells::Reader::new("stage", r);
                Ok((cells::stage(r, 0)?, read.parsed(6)?, read.text(7)?))
            },
        )
    }

    fn stage_labels(&self) -> Result<HashMap<StageId, (String, String)>> {
        let labels = self.rows(
            "SELECT s.id, s.name, p.name FROM stages s JOIN pipelines p ON p.id = s.pipeline_id",
            &[],
            |r| {
                let r = cells::Reader::new("stage", r);
                Ok((r.parsed(0)?, (r.text(1)?, r.text(2)?)))
            },
        )?;
        Ok(labels.into_iter().collect())
    }

    fn insert_pipeline(&self, p: &Pipeline) -> Result<()> {
        self.execute(
            "INSERT INTO pipelines (id, name, name_key, stall_days, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &p.id.to_string(),
                &p.name,
                &name_key(&p.name),
                &i64::from(p.stall_days),
                &p.created_at,
                &p.updated_at,
            ],
        )?;
        self.write_stages(p)
    }

    fn update_pipeline(&self, p: &Pipeline) -> Result<()> {
        let id = p.id.to_string();
        self.execute(
            "UPDATE pipelines SET name = $2, name_key = $3, stall_days = $4, updated_at = $5 WHERE id = $1",
            &[
                &id,
                &p.name,
                &name_key(&p.name),
                &i64::from(p.stall_days),
                &p.updated_at,
            ],
        )?;
        let keep: Vec<String> = p.stages.iter().map(|s| s.id.to_string()).collect();
        self.execute(
            "DELETE FROM stages WHERE pipeline_id = $1 AND id <> ALL($2)",
            &[&id, &keep],
        )?;
        // Names are unique per pipeline: clear them first so renames and swaps cannot collide.
        self.execute(
            "UPDATE stages SET name_key = '#' || id WHERE pipeline_id = $1",
            &[&id],
        )?;
        self.write_stages(p)
    }

    fn delete_pipeline(&self, id: PipelineId) -> Result<()> {
        self.execute("DELETE FROM pipelines WHERE id = $1", &[&id.to_string()])?;
        Ok(())
    }
}
