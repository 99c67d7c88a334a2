//! Deals and their history, in SQLite.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, ToSql};

use super::staged::HIDDEN;
use super::{bound, SqliteTx, SQL};
use crate::error::{Error, Result};
use crate::id::{DealId, StageId};
use crate::record::{Deal, Event, Status};
use crate::store::cells::{self, DEAL_COLUMNS, DEAL_ROW_COLUMNS};
use crate::store::query::{status_list, EVENTS_BY_DEAL_SQL, EVENTS_SQL};
use crate::store::{
    wide_total, ClosedBy, ClosedDays, ClosedSum, DealFilter, DealSort, Deals, RawEvent, Totals,
};

/// Active deals by expected close (all, or of pipeline `?1`), from `forecast_totals`.
pub(crate) const FORECAST_TOTALS_SQL: &str = "SELECT nullif(f.expected_close, ''), sum(f.deals),
        sum(f.value_high), sum(f.value_low), sum(f.weighted_high), sum(f.weighted_low)
     FROM forecast_totals f JOIN stage_rows s ON s.id = f.stage_id
     WHERE f.deals > 0 AND (?1 IS NULL OR s.pipeline_id = ?1)
     GROUP BY f.expected_close";

/// Deals whose id ends in given characters: a range of `deals_tail` (the id's end, reversed).
const TAIL_SQL: &str = "SELECT {DEAL_COLUMNS} FROM deals d \
     WHERE d.tail >= ?1 AND d.tail < ?1 || '~' ORDER BY d.tail LIMIT ?2";

/// How many entries of `deals_created` are read and checked in the time one deal is read and
/// sorted: at 1M deals, 1M entries took 88 ms and sorting an owner's 20,000 deals 60-85 ms
/// (about 40); taken lower, so that the order is chosen only where it clearly wins.
const ENTRIES_PER_SORTED_DEAL: i128 = 16;

impl SqliteTx<'_> {
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
    /// `deals_created` carries; `n` is counted no further than that share, and `total` is
    /// estimated by the greatest rowid (deleted deals leave gaps), read in one step. The
    /// list is the same either way: only its speed depends on the answer.
    fn is_large_share(&self, filter: &DealFilter, limit: u64) -> Result<bool> {
        if *filter == DealFilter::default() || !filter.is_by_status_pipeline_and_owner_only() {
            return Ok(false); // nothing to check, or checks deals_created cannot answer
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
    fn write_deal(&self, d: &Deal, on_conflict: &str) -> Result<usize> {
        let row = cells::deal_row(d)?;
        let mut params = bound(&row);
        params.push(&self.batch);
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO deal_rows ({}, batch) VALUES ({}){on_conflict}",
                DEAL_ROW_COLUMNS.join(", "),
                SQL.marks(params.len())
            ))?
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

    fn deal_exists(&self, id: DealId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM deals WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn insert_deal(&self, d: &Deal) -> Result<()> {
        self.write_deal(d, "").map(|_| ())
    }

    fn insert_deal_if_new(&self, d: &Deal) -> Result<bool> {
        Ok(self.write_deal(d, " ON CONFLICT (id) DO NOTHING")? == 1)
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
        limit: Option<u64>,
        each: &mut dyn FnMut(Deal) -> Result<()>,
    ) -> Result<()> {
        let (sql, args) = match limit {
            Some(limit) if sort == DealSort::Created && self.is_large_share(filter, limit)? => {
                SQL.deal_list_in_created_order(filter, desc, limit)
            }
            _ => SQL.deal_list(filter, sort, desc, limit),
        };
        self.each_row(&sql, &bound(&args), |r| each(cells::deal(r)?))
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
        let (sql, args) = SQL.totals_by_expected_close(filter);
        self.rows(&sql, &bound(&args), cells::totals)
    }

    fn count_deals(&self, filter: &DealFilter) -> Result<i64> {
        if let Some(n) = self.counted(filter)? {
            return Ok(n);
        }
        let (sql, args) = SQL.count(filter);
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
        let (sql, args) = SQL.closed_sums(filter, by);
        self.rows(&sql, &bound(&args), cells::closed_sum)
    }

    fn closed_sums_on_days(&self, days: ClosedDays) -> Result<Vec<ClosedSum>> {
        let (sql, args) = SQL.closed_sums_on_days(&days);
        self.rows(&sql, &bound(&args), cells::closed_sum)
    }

    fn deals_ending_in(&self, end: &str, limit: usize) -> Result<Vec<Deal>> {
        let reversed: String = end.chars().rev().take(16).collect();
        self.deals(
            &TAIL_SQL.replace("{DEAL_COLUMNS}", DEAL_COLUMNS),
            params![reversed, limit as i64],
        )
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

    /// From the id's two neighbours in `deals_tail`, of the row table: hidden rows count too.
    fn id_end_shared(&self, id: DealId) -> Result<usize> {
        let tail = cells::tail(id);
        let mut found = [None, None];
        for (i, sql) in [
            "SELECT tail FROM deal_rows WHERE tail < ?1 ORDER BY tail DESC LIMIT 1",
            "SELECT tail FROM deal_rows WHERE tail > ?1 ORDER BY tail LIMIT 1",
        ]
        .into_iter()
        .enumerate()
        {
            found[i] = self
                .conn
                .prepare_cached(sql)?
                .query_row([&tail], |r| r.get(0))
                .optional()?;
        }
        Ok(cells::shared_end(&tail, found))
    }

    fn idle_deals(
        &self,
        stage: StageId,
        status: Status,
        idle_since: &str,
        active_after: Option<&str>,
        owner: Option<&str>,
    ) -> Result<Vec<Deal>> {
        let (sql, args) = SQL.idle_deals(
            self.deal_source()?,
            stage,
            status,
            idle_since,
            active_after,
            owner,
        );
        self.deals(&sql, &bound(&args))
    }

    fn stage_active(
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
mod tests {
    use super::*;
    use crate::id::PipelineId;
    use crate::store::sqlite::pipelines::ACTIVE_TOTALS_SQL;

    /// The plan SQLite picks for `sql`, one step a line, without the steps that read the
    /// hidden set of imports (a few rows, read once per query): those must appear exactly
    /// when the query reads the view of visible deals.
    fn plan(conn: &rusqlite::Connection, sql: &str, args: &[&dyn ToSql]) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map(args, |r| r.get::<_, String>(3)).unwrap();
        let steps: Vec<String> = rows.map(|r| r.unwrap()).collect();
        let hidden_set = |l: &String| {
            l.starts_with("LIST SUBQUERY")
                || l == "SEARCH imports USING COVERING INDEX imports_hidden (state=?)"
                || l == "CREATE BLOOM FILTER"
        };
        assert_eq!(
            steps.iter().any(|l| l.contains("imports_hidden")),
            sql.contains("FROM deals "),
            "the view of deals and only it filters out hidden rows:\n{}",
            steps.join("\n")
        );
        steps
            .into_iter()
            .filter(|l| !hidden_set(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Filtered queries must search an index range; none may sort in a temporary B-tree.
    fn assert_indexed(conn: &rusqlite::Connection, what: &str, sql: &str, args: &[&dyn ToSql]) {
        let p = plan(conn, sql, args);
        assert!(
            p.lines().all(|l| l.starts_with("SEARCH")),
            "{what} does not search an index range:\n{p}"
        );
        assert!(
            !p.contains("TEMP B-TREE"),
            "{what} sorts in a temporary B-tree:\n{p}"
        );
    }

    #[test]
    fn list_board_and_stalled_scan_use_indexes_without_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::sqlite::SqliteStore::open(
            &dir.path().join("plan.db"),
            std::time::Duration::from_secs(1),
            crate::store::Access::Write,
        )
        .unwrap();
        let conn = &store.conn;
        let stage = StageId::new();
        let pipeline = PipelineId::new();
        for desc in [false, true] {
            for statuses in [vec![Status::Open], vec![Status::Won]] {
                let by_stage = DealFilter {
                    stages: vec![stage],
                    statuses: statuses.clone(),
                    ..Default::default()
                };
                let (sql, args) = SQL.deal_list(&by_stage, DealSort::Value, desc, Some(51));
                let args = bound(&args);
                assert_indexed(conn, "deal list --stage --status --sort value", &sql, &args);
                let by_status = DealFilter {
                    statuses,
                    ..Default::default()
                };
                let (sql, args) = SQL.deal_list(&by_status, DealSort::Value, desc, Some(51));
                let args = bound(&args);
                assert_indexed(conn, "deal list --status --sort value", &sql, &args);
            }
            let by_pipeline = DealFilter {
                pipeline: Some(pipeline),
                statuses: vec![Status::Open],
                ..Default::default()
            };
            let (sql, args) = SQL.deal_list(&by_pipeline, DealSort::Value, desc, Some(51));
            let args = bound(&args);
            assert_indexed(
                conn,
                "deal list --pipeline --status --sort value",
                &sql,
                &args,
            );
            // A filter that selects a large share, in the default order: the deals are read
            // in deals_created's order and checked, with no sort.
            let (sql, args) = SQL.deal_list_in_created_order(&by_pipeline, desc, 51);
            assert_eq!(
                plan(conn, &sql, &bound(&args)),
                "SCAN deal_rows USING INDEX deals_created",
                "deal list --pipeline --status in the order of creation"
            );
            // Whether a filter selects a large share is counted in an index that holds what
            // it checks, reading no deal.
            for filter in [
                by_pipeline.clone(),
                DealFilter {
                    statuses: vec![Status::Stalled],
                    ..Default::default()
                },
                DealFilter {
                    owner: Some("ana".into()),
                    ..Default::default()
                },
                DealFilter {
                    owner: Some("ana".into()),
                    statuses: vec![Status::Open, Status::Stalled],
                    ..Default::default()
                },
                DealFilter {
                    owner: Some("ana".into()),
                    pipeline: Some(pipeline),
                    ..Default::default()
                },
            ] {
                let (sql, args) = SQL.count_up_to(&filter, 1768);
                let p = plan(conn, &sql, &bound(&args));
                assert!(
                    p.lines()
                        .any(|l| l.starts_with("SEARCH deal_rows USING COVERING INDEX"))
                        && !p.contains("SCAN deal_rows"),
                    "{filter:?} is not counted in an index that holds it:\n{p}"
                );
            }
            // Over several statuses, one ordered range per status, merged (`--owner` alone).
            for (what, filter) in [
                (
                    "deal list --owner --sort value",
                    DealFilter {
                        owner: Some("ana".into()),
                        ..Default::default()
                    },
                ),
                (
                    "deal list --pipeline --sort value",
                    DealFilter {
                        pipeline: Some(pipeline),
                        ..Default::default()
                    },
                ),
                (
                    "deal list --stage --status open,won --sort value",
                    DealFilter {
                        stages: vec![stage],
                        statuses: vec![Status::Won, Status::Open, Status::Won],
                        ..Default::default()
                    },
                ),
            ] {
                let (sql, args) = SQL.deal_list(&filter, DealSort::Value, desc, Some(51));
                let p = plan(conn, &sql, &bound(&args));
                assert!(
                    p.lines()
                        .all(|l| l.starts_with("SEARCH deal_rows USING INDEX")
                            || ["MERGE (UNION ALL)", "LEFT", "RIGHT"].contains(&l)),
                    "{what} does not merge index ranges:\n{p}"
                );
                let arms = if filter.statuses.is_empty() { 4 } else { 2 };
                assert_eq!(p.matches("SEARCH").count(), arms, "{what}:\n{p}");
            }
            // Unfiltered, the newest or oldest 51 are an ordered walk of an index that stops early.
            let (sql, args) =
                SQL.deal_list(&DealFilter::default(), DealSort::Created, desc, Some(51));
            let args = bound(&args);
            assert_eq!(
                plan(conn, &sql, &args),
                "SCAN deal_rows USING INDEX deals_created"
            );
        }
        // A name is one range of deals_name; a part of a name is looked up by its trigrams.
        for exact in [true, false] {
            let (sql, args) = SQL.deals_by_name("acme 12", exact, 11);
            let p = plan(conn, &sql, &bound(&args));
            assert!(
                !p.contains("SCAN deal_rows"),
                "a name lookup reads every deal:\n{p}"
            );
            if exact {
                assert!(p.contains("USING INDEX deals_name (name_key=?)"), "{p}");
            } else {
                assert!(p.contains("SCAN f VIRTUAL TABLE INDEX"), "{p}");
            }
        }
        let search = DealFilter {
            search: Some("Acme 12".into()),
            ..Default::default()
        };
        let (sql, args) = SQL.deal_list(&search, DealSort::Created, true, Some(51));
        let p = plan(conn, &sql, &bound(&args));
        assert!(
            p.contains("SCAN f VIRTUAL TABLE INDEX"),
            "deal list --search:\n{p}"
        );
        // A short reference is one range of the reversed ends of ids, never a scan.
        let tail_sql = TAIL_SQL.replace("{DEAL_COLUMNS}", DEAL_COLUMNS);
        assert_indexed(conn, "deal show REF", &tail_sql, &[&"x2m9", &11]);
        assert!(plan(conn, &tail_sql, &[&"x2m9", &11]).contains("USING INDEX deals_tail"));
        // The closed deals of a report's window: whole UTC days are a range of the
        // counters' key, the hours at its ends one range of deals_status_closed per status.
        let window = DealFilter {
            statuses: vec![Status::Won, Status::Lost],
            closed_from: Some("2026-03-01T05:00:00Z".into()),
            closed_before: Some("2026-03-02T00:00:00Z".into()),
            ..Default::default()
        };
        for by in [
            ClosedBy::default(),
            ClosedBy {
                owner: false,
                reason: true,
            },
        ] {
            let (sql, args) = SQL.closed_sums(&window, by);
            let p = plan(conn, &sql, &bound(&args));
            assert_eq!(
                p.lines().next(),
                Some("SEARCH deal_rows USING INDEX deals_status_closed (status=? AND closed_at>? AND closed_at<?)"),
                "{p}"
            );
            let (counted, args) = SQL.closed_sums_on_days(&ClosedDays {
                first: "2025-03-01".parse().unwrap(),
                end: "2026-03-01".parse().unwrap(),
                statuses: &[Status::Won, Status::Lost],
                pipeline: None,
                by_reason: by.reason,
            });
            let p = plan(conn, &counted, &bound(&args));
            assert!(
                p.starts_with("SEARCH closed_totals USING PRIMARY KEY (day>? AND day<?)"),
                "{p}"
            );
        }
        // The board and pipeline show count from the counters, whatever is loading.
        assert_eq!(
            plan(conn, ACTIVE_TOTALS_SQL, &[&stage]),
            "SEARCH deal_totals USING PRIMARY KEY (stage_id=? AND status=?)",
            "a stage's counts are a few rows of deal_totals"
        );
        // While an import is in progress (the view) and otherwise (the row table).
        for source in ["deals", "deal_rows"] {
            let own = SQL.own_chance_adjustment(source);
            assert_eq!(
                plan(conn, &own, &[&stage, &50]),
                "SEARCH deal_rows USING COVERING INDEX deals_own_probability (stage_id=? AND status=?)",
                "deals with their own chance are found in their own small index"
            );
            let since = "2026-01-01T00:00:00Z";
            for (what, owner, index) in [
                ("deal stalled", None, "deals_stage_status_activity"),
                (
                    "deal stalled --owner",
                    Some("ana"),
                    "deals_owner_stage_activity",
                ),
            ] {
                for after in [None, Some("2025-12-01T00:00:00Z")] {
                    let (sql, args) =
                        SQL.idle_deals(source, stage, Status::Open, since, after, owner);
                    assert_indexed(conn, what, &sql, &bound(&args));
                    let p = plan(conn, &sql, &bound(&args));
                    assert!(p.contains(index), "{what} does not use {index}:\n{p}");
                }
            }
        }
    }
}
