//! Deals and their history.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row, ToSql};

use super::{weighted, wide_sum, wide_sum_sql, Tx, HIDDEN};
use crate::error::{Error, Result};
use crate::id::{DealId, PipelineId, StageId};
use crate::money::Cents;
use crate::record::{name_key, Deal, Event, Metadata, Probability, Status};

/// Which deals `deal list` wants; every field narrows the set further.
#[derive(Debug, Clone, Default)]
pub struct DealFilter {
    pub statuses: Vec<Status>,
    pub pipeline: Option<PipelineId>,
    pub stages: Vec<StageId>,
    pub owner: Option<String>,
    pub contact: Option<String>,
    pub min_value: Option<Cents>,
    pub max_value: Option<Cents>,
    pub closing_before: Option<NaiveDate>,
    pub closing_after: Option<NaiveDate>,
    /// Open or stalled with an expected close before this date.
    pub overdue_on: Option<NaiveDate>,
    /// Metadata keys whose value (a string, or a scalar's JSON text) must equal the text.
    pub meta: Vec<(String, String)>,
    /// Case-insensitive substring of the name, taken literally.
    pub search: Option<String>,
    /// Closed at or after this stored time (RFC 3339 UTC).
    pub closed_from: Option<String>,
    /// Closed before this stored time.
    pub closed_before: Option<String>,
    /// Only deals without an expected close.
    pub no_expected_close: bool,
}

/// A closed deal as the reports read it.
#[derive(Debug, Clone)]
pub struct ClosedDeal {
    pub won: bool,
    pub value: i64,
    pub created_at: String,
    pub closed_at: String,
    pub owner_id: Option<String>,
    pub pipeline_id: PipelineId,
    pub close_reason: Option<String>,
}

/// How many deals, their value and their value weighted by each one's chance of winning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: i64,
    pub value: i128,
    pub weighted: i128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DealSort {
    Value,
    ExpectedClose,
    #[default]
    Created,
    Updated,
    Name,
    Stage,
}

/// A history event with its details as stored: a JSON object's text.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub deal_id: String,
    pub at: String,
    pub kind: String,
    pub details: String,
}

const DEAL_COLUMNS: &str =
    "d.id, d.name, d.value, d.status, d.contact_id, d.pipeline_id, d.stage_id, \
    d.expected_close, d.owner_id, d.metadata, d.created_at, d.updated_at, d.last_activity_at, \
    d.stage_entered_at, d.closed_at, d.close_reason, d.probability";

fn deal_from_row(r: &Row) -> rusqlite::Result<Deal> {
    read_deal(r).map_err(|e| super::damaged_row("deal", r, e))
}

fn read_deal(r: &Row) -> rusqlite::Result<Deal> {
    let bad = |i: usize, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let value: i64 = r.get(2)?;
    let status: String = r.get(3)?;
    let expected: Option<String> = r.get(7)?;
    let metadata: String = r.get(9)?;
    Ok(Deal {
        id: r.get(0)?,
        name: r.get(1)?,
        value: Cents::stored(value).map_err(|e| bad(2, e))?,
        status: status.parse().map_err(|e| bad(3, e))?,
        contact_id: r.get(4)?,
        pipeline_id: r.get(5)?,
        stage_id: r.get(6)?,
        expected_close: expected
            .map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| bad(7, e.to_string())))
            .transpose()?,
        owner_id: r.get(8)?,
        metadata: serde_json::from_str::<Metadata>(&metadata).map_err(|e| bad(9, e.to_string()))?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        last_activity_at: r.get(12)?,
        stage_entered_at: r.get(13)?,
        closed_at: r.get(14)?,
        close_reason: r.get(15)?,
        probability: r
            .get::<_, Option<i64>>(16)?
            .map(|p| Probability::new(p).map_err(|e| bad(16, e)))
            .transpose()?,
    })
}

/// A deal as the 18 bound parameters of its row, `?1` (id) to `?18` (probability).
struct DealRow<'a> {
    deal: &'a Deal,
    name_key: String,
    value: i64,
    status: &'static str,
    expected_close: Option<String>,
    metadata: String,
    probability: Option<u8>,
}

impl<'a> DealRow<'a> {
    fn of(deal: &'a Deal) -> Result<Self> {
        Ok(DealRow {
            deal,
            name_key: name_key(&deal.name),
            value: deal.value.get(),
            status: deal.status.as_str(),
            expected_close: date_text(deal.expected_close),
            metadata: serde_json::to_string(&deal.metadata)?,
            probability: deal.probability.map(|p| p.get()),
        })
    }

    fn params(&self) -> Vec<&dyn ToSql> {
        let d = self.deal;
        vec![
            &d.id,
            &d.name,
            &self.name_key,
            &self.value,
            &self.status,
            &d.contact_id,
            &d.pipeline_id,
            &d.stage_id,
            &self.expected_close,
            &d.owner_id,
            &self.metadata,
            &d.created_at,
            &d.updated_at,
            &d.last_activity_at,
            &d.stage_entered_at,
            &d.closed_at,
            &d.close_reason,
            &self.probability,
        ]
    }
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(crate::clock::format_date)
}

impl Tx<'_> {
    pub fn deal(&self, id: DealId) -> Result<Option<Deal>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.id = ?1"
            ))?
            .query_row([id], deal_from_row)
            .optional()?)
    }

    pub fn insert_deal(&self, d: &Deal) -> Result<()> {
        self.write_deal(d, "").map(|_| ())
    }

    /// Inserts a deal, with `on_conflict` appended; returns the rows written.
    fn write_deal(&self, d: &Deal, on_conflict: &str) -> Result<usize> {
        let row = DealRow::of(d)?;
        let mut params = row.params();
        params.push(&self.batch);
        Ok(self
            .conn
            .prepare_cached(&format!(
                "INSERT INTO deal_rows (id, name, name_key, value, status, contact_id, pipeline_id, stage_id,
                    expected_close, owner_id, metadata, created_at, updated_at, last_activity_at,
                    stage_entered_at, closed_at, close_reason, probability, batch)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19){on_conflict}"
            ))?
            .execute(params.as_slice())?)
    }

    /// Writes every field of an existing deal.
    pub fn update_deal(&self, d: &Deal) -> Result<()> {
        let row = DealRow::of(d)?;
        self.conn
            .prepare_cached(
                "UPDATE deal_rows SET name = ?2, name_key = ?3, value = ?4, status = ?5, contact_id = ?6,
                    pipeline_id = ?7, stage_id = ?8, expected_close = ?9, owner_id = ?10, metadata = ?11,
                    created_at = ?12, updated_at = ?13, last_activity_at = ?14, stage_entered_at = ?15,
                    closed_at = ?16, close_reason = ?17, probability = ?18
                 WHERE id = ?1",
            )?
            .execute(row.params().as_slice())?;
        Ok(())
    }

    /// Deletes a deal and its history; false when there was no such deal.
    pub fn delete_deal(&self, id: DealId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM deal_rows WHERE id = ?1")?
            .execute([id])?
            > 0)
    }

    /// Deals of one stage, any status, oldest first.
    pub fn deals_of_stage(&self, stage: StageId) -> Result<Vec<Deal>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.stage_id = ?1 ORDER BY d.created_at, d.id"
        ))?;
        let rows = stmt.query_map([stage], deal_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Calls `each` with every deal matching `filter`, sorted, at most `limit` of them,
    /// as rows are read: memory does not grow with the number of deals.
    pub fn for_each_deal(
        &self,
        filter: &DealFilter,
        sort: DealSort,
        desc: bool,
        limit: Option<u64>,
        each: &mut dyn FnMut(Deal) -> Result<()>,
    ) -> Result<()> {
        let (sql, args) = deal_query(filter, sort, desc, limit);
        let mut stmt = self.conn.prepare(&sql)?;
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut rows = stmt.query(params.as_slice())?;
        while let Some(row) = rows.next()? {
            each(deal_from_row(row)?)?;
        }
        Ok(())
    }
}

/// Deals of one stage and status idle since a time, from `source` (see [`Tx::deal_source`]):
/// one range of `deals_stage_status_activity`.
fn idle_sql(source: &str) -> String {
    format!(
        "SELECT {DEAL_COLUMNS} FROM {source} d \
         WHERE d.stage_id = ?1 AND d.status = ?2 AND d.last_activity_at <= ?3 AND (?4 IS NULL OR d.owner_id = ?4) \
         AND (?5 IS NULL OR d.last_activity_at > ?5) \
         ORDER BY d.last_activity_at, d.id"
    )
}

/// The SQL and its bound parameters for a `deal list`.
fn deal_query(
    filter: &DealFilter,
    sort: DealSort,
    desc: bool,
    limit: Option<u64>,
) -> (String, Vec<Box<dyn ToSql>>) {
    let joins = match sort {
        DealSort::Stage => {
            " JOIN stages s ON s.id = d.stage_id JOIN pipelines p ON p.id = d.pipeline_id"
        }
        _ => "",
    };
    let (mut sql, mut args) = filtered(
        &format!("SELECT {DEAL_COLUMNS} FROM deals d{joins}"),
        filter,
        "",
    );
    let dir = if desc { "DESC" } else { "ASC" };
    let order = match sort {
        DealSort::Value => format!("d.value {dir}"),
        DealSort::ExpectedClose => format!("d.expected_close IS NULL, d.expected_close {dir}"),
        DealSort::Created => format!("d.created_at {dir}"),
        DealSort::Updated => format!("d.updated_at {dir}"),
        DealSort::Name => format!("d.name_key {dir}"),
        DealSort::Stage => format!("p.name_key {dir}, s.position {dir}"),
    };
    sql.push_str(&format!(" ORDER BY {order}, d.id {dir}"));
    if let Some(limit) = limit {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        args.push(Box::new(limit));
        sql.push_str(&format!(" LIMIT ?{}", args.len()));
    }
    (sql, args)
}

/// `select` (reading deals `d`) narrowed to what `filter` selects, then `tail`.
fn filtered(select: &str, filter: &DealFilter, tail: &str) -> (String, Vec<Box<dyn ToSql>>) {
    let (conds, args) = conditions(filter);
    let mut sql = select.to_string();
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    sql.push_str(tail);
    (sql, args)
}

/// The conditions of `filter` on deals `d`, with their bound parameters (`?1`…).
fn conditions(filter: &DealFilter) -> (Vec<String>, Vec<Box<dyn ToSql>>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut arg = |v: Box<dyn ToSql>, args_len: &mut usize| {
        *args_len += 1;
        args.push(v);
        format!("?{args_len}")
    };
    let mut n = 0usize;
    if !filter.statuses.is_empty() {
        let list: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        conds.push(format!("d.status IN ({})", list.join(", ")));
    }
    if let Some(p) = filter.pipeline {
        conds.push(format!("d.pipeline_id = {}", arg(Box::new(p), &mut n)));
    }
    if !filter.stages.is_empty() {
        let marks: Vec<String> = filter
            .stages
            .iter()
            .map(|s| arg(Box::new(*s), &mut n))
            .collect();
        conds.push(format!("d.stage_id IN ({})", marks.join(", ")));
    }
    if let Some(o) = &filter.owner {
        conds.push(format!("d.owner_id = {}", arg(Box::new(o.clone()), &mut n)));
    }
    if let Some(c) = &filter.contact {
        conds.push(format!(
            "d.contact_id = {}",
            arg(Box::new(c.clone()), &mut n)
        ));
    }
    if let Some(v) = filter.min_value {
        conds.push(format!("d.value >= {}", arg(Box::new(v.get()), &mut n)));
    }
    if let Some(v) = filter.max_value {
        conds.push(format!("d.value <= {}", arg(Box::new(v.get()), &mut n)));
    }
    if let Some(d) = filter.closing_before {
        conds.push(format!(
            "d.expected_close < {}",
            arg(Box::new(date_text(Some(d))), &mut n)
        ));
    }
    if let Some(d) = filter.closing_after {
        conds.push(format!(
            "d.expected_close > {}",
            arg(Box::new(date_text(Some(d))), &mut n)
        ));
    }
    if let Some(d) = filter.overdue_on {
        conds.push(format!(
            "d.status IN ('open', 'stalled') AND d.expected_close < {}",
            arg(Box::new(date_text(Some(d))), &mut n)
        ));
    }
    for (key, value) in &filter.meta {
        let k = arg(Box::new(key.clone()), &mut n);
        let v = arg(Box::new(value.clone()), &mut n);
        conds.push(format!(
                "EXISTS (SELECT 1 FROM json_each(d.metadata) j WHERE j.key = {k} AND \
                 (CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' \
                  ELSE CAST(j.value AS TEXT) END) = {v})"
            ));
    }
    if let Some(text) = &filter.search {
        conds.push(format!(
            "instr(d.name_key, {}) > 0",
            arg(Box::new(name_key(text)), &mut n)
        ));
    }
    if let Some(t) = &filter.closed_from {
        conds.push(format!(
            "d.closed_at >= {}",
            arg(Box::new(t.clone()), &mut n)
        ));
    }
    if let Some(t) = &filter.closed_before {
        conds.push(format!(
            "d.closed_at < {}",
            arg(Box::new(t.clone()), &mut n)
        ));
    }
    if filter.no_expected_close {
        conds.push("d.expected_close IS NULL".to_string());
    }
    (conds, args)
}

impl Tx<'_> {
    /// The totals of the deals `filter` selects: one aggregate, each deal weighted by its own
    /// chance or its stage's.
    pub fn totals(&self, filter: &DealFilter) -> Result<Totals> {
        Ok(self
            .grouped_totals(filter, None)?
            .into_iter()
            .next()
            .map(|(_, t)| t)
            .unwrap_or_default())
    }

    /// The totals of the deals `filter` selects, per expected close date (None: without one):
    /// one pass over them.
    pub fn totals_by_expected_close(
        &self,
        filter: &DealFilter,
    ) -> Result<Vec<(Option<NaiveDate>, Totals)>> {
        Ok(self
            .grouped_totals(filter, Some("d.expected_close"))?
            .into_iter()
            .map(|(day, t)| {
                let day = day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
                (day, t)
            })
            .collect())
    }

    /// Totals of the deals `filter` selects, in one group or one per value of `group`.
    fn grouped_totals(
        &self,
        filter: &DealFilter,
        group: Option<&str>,
    ) -> Result<Vec<(Option<String>, Totals)>> {
        let weighted = weighted("d.value", "coalesce(d.probability, s.probability)");
        let key = group.unwrap_or("NULL");
        let (sql, args) = filtered(
            &format!(
                "SELECT {key}, count(*), {}, {} FROM deals d JOIN stages s ON s.id = d.stage_id",
                wide_sum_sql("d.value"),
                wide_sum_sql(&weighted)
            ),
            filter,
            &group.map(|g| format!(" GROUP BY {g}")).unwrap_or_default(),
        );
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params.as_slice(), |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                Totals {
                    count: r.get(1)?,
                    value: wide_sum(r, 2)?,
                    weighted: wide_sum(r, 4)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The deals imported from another CRM, by their `metadata.source` (one pass).
    pub fn deal_sources(&self) -> Result<Vec<(String, DealId)>> {
        let mut stmt = self.conn.prepare(
            "SELECT json_extract(d.metadata, '$.source'), d.id FROM deals d
             WHERE json_type(d.metadata, '$.source') = 'text'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What the reports need of each deal `filter` selects, without the rest of the row.
    pub fn closed_deals(&self, filter: &DealFilter) -> Result<Vec<ClosedDeal>> {
        let (sql, args) = filtered(
            "SELECT d.status, d.value, d.created_at, d.closed_at, d.owner_id, d.pipeline_id, \
             d.close_reason FROM deals d",
            filter,
            "",
        );
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params.as_slice(), |r| {
            let status: String = r.get(0)?;
            Ok(ClosedDeal {
                won: status == "won",
                value: r.get(1)?,
                created_at: r.get(2)?,
                closed_at: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                owner_id: r.get(4)?,
                pipeline_id: r.get(5)?,
                close_reason: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every deal's history, deal by deal (each oldest first): one walk of `deal_events_deal`.
    pub fn for_each_history(
        &self,
        each: &mut dyn FnMut(DealId, Vec<Event>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT deal_id, at, kind, details FROM deal_events ORDER BY deal_id, seq")?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(DealId, Vec<Event>)> = None;
        while let Some(r) = rows.next()? {
            let deal_id: DealId = r.get(0)?;
            let details: String = r.get(3)?;
            let e = Event {
                deal_id,
                at: r.get(1)?,
                kind: r.get(2)?,
                details: serde_json::from_str(&details).map_err(|e| {
                    Error::Unusable(format!("the database holds a malformed history entry: {e}"))
                })?,
            };
            match &mut current {
                Some((id, events)) if *id == deal_id => events.push(e),
                _ => {
                    if let Some((id, events)) = current.take() {
                        each(id, events)?;
                    }
                    current = Some((deal_id, vec![e]));
                }
            }
        }
        if let Some((id, events)) = current {
            each(id, events)?;
        }
        Ok(())
    }
}

/// Deals whose id ends in given characters: a range of `deals_tail` (the id's end, reversed).
const TAIL_SQL: &str = "SELECT {DEAL_COLUMNS} FROM deals d \
     WHERE d.tail >= ?1 AND d.tail < ?1 || '~' ORDER BY d.tail LIMIT ?2";

impl Tx<'_> {
    /// At most `limit` visible deals whose id ends in `end` (lower-case base32, 1 to 16
    /// characters; a longer end is matched on its last 16 and filtered by the caller).
    pub fn deals_ending_in(&self, end: &str, limit: usize) -> Result<Vec<Deal>> {
        let reversed: String = end.chars().rev().take(16).collect();
        let mut stmt = self
            .conn
            .prepare_cached(&TAIL_SQL.replace("{DEAL_COLUMNS}", DEAL_COLUMNS))?;
        let rows = stmt.query_map(params![reversed, limit as i64], deal_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The `limit` newest active deals (for completion): a walk of `deals_created` backwards.
    pub fn recent_active_deals(&self, limit: usize) -> Result<Vec<Deal>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.status IN ('open', 'stalled')
             ORDER BY d.created_at DESC, d.id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], deal_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// At most `limit` visible deals whose name is `name` ignoring case, and how many there
    /// are in all; failing that, the same for names that contain it.
    pub fn deals_named(&self, name: &str, limit: usize) -> Result<(Vec<Deal>, i64)> {
        let key = name_key(name);
        for condition in ["d.name_key = ?1", "instr(d.name_key, ?1) > 0"] {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {DEAL_COLUMNS} FROM deals d WHERE {condition} ORDER BY d.created_at, d.id LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![key, limit as i64], deal_from_row)?;
            let found: Vec<Deal> = rows.collect::<rusqlite::Result<_>>()?;
            if found.is_empty() {
                continue;
            }
            let total = if found.len() < limit {
                found.len() as i64
            } else {
                self.conn.query_row(
                    &format!("SELECT count(*) FROM deals d WHERE {condition}"),
                    [&key],
                    |r| r.get(0),
                )?
            };
            return Ok((found, total));
        }
        Ok((Vec::new(), 0))
    }

    /// The shortest end of each id, at least `min` characters, that no other stored deal's
    /// id ends in: two neighbours in `deals_tail` per deal. Hidden rows of an import in
    /// progress count too, so a reference stays unique once they are published.
    pub fn short_refs(&self, ids: &[DealId], min: usize) -> Result<HashMap<DealId, String>> {
        let mut before = self.conn.prepare_cached(
            "SELECT tail FROM deal_rows WHERE tail < ?1 ORDER BY tail DESC LIMIT 1",
        )?;
        let mut after = self
            .conn
            .prepare_cached("SELECT tail FROM deal_rows WHERE tail > ?1 ORDER BY tail LIMIT 1")?;
        let mut out = HashMap::with_capacity(ids.len());
        for id in ids {
            let text = id.to_string();
            let tail: String = text.chars().rev().take(16).collect();
            let shared = |other: Option<String>| {
                other.map_or(0, |o| {
                    o.chars()
                        .zip(tail.chars())
                        .take_while(|(a, b)| a == b)
                        .count()
                })
            };
            let near = shared(before.query_row([&tail], |r| r.get(0)).optional()?)
                .max(shared(after.query_row([&tail], |r| r.get(0)).optional()?));
            let n = (near + 1).max(min).min(text.len());
            out.insert(*id, text[text.len() - n..].to_string());
        }
        Ok(out)
    }

    /// Deals of one stage and status idle since before `idle_since` (and, when given, active
    /// after `active_after`), optionally of one owner; longest idle first.
    pub fn idle_deals(
        &self,
        stage: StageId,
        status: Status,
        idle_since: &str,
        active_after: Option<&str>,
        owner: Option<&str>,
    ) -> Result<Vec<Deal>> {
        let mut stmt = self.conn.prepare_cached(&idle_sql(self.deal_source()?))?;
        let rows = stmt.query_map(
            params![stage, status.as_str(), idle_since, owner, active_after],
            deal_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A stage's active (open or stalled) deals, optionally of one owner: how many, their
    /// total value, and the `limit` largest (all when None), largest first.
    pub fn stage_active(
        &self,
        stage: StageId,
        owner: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(i64, i128, Vec<Deal>)> {
        let (count, value) = self.conn.query_row(
            &format!(
                "SELECT count(*), {} FROM deals WHERE stage_id = ?1 \
                 AND status IN ('open', 'stalled') AND (?2 IS NULL OR owner_id = ?2)",
                wide_sum_sql("value")
            ),
            params![stage, owner],
            |r| Ok((r.get(0)?, wide_sum(r, 1)?)),
        )?;
        // The largest of each status: a backward walk of deals_stage_status_value each, no
        // sort; then the two merged.
        let sql_limit = limit.map_or(-1, |n| n as i64);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.stage_id = ?1 AND d.status = ?2
             AND (?3 IS NULL OR d.owner_id = ?3) ORDER BY d.value DESC, d.id DESC LIMIT ?4"
        ))?;
        let mut deals: Vec<Deal> = Vec::new();
        for status in [Status::Open, Status::Stalled] {
            let rows = stmt.query_map(
                params![stage, status.as_str(), owner, sql_limit],
                deal_from_row,
            )?;
            deals.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        deals.sort_by_key(|d| std::cmp::Reverse((d.value, d.id)));
        if let Some(n) = limit {
            deals.truncate(n);
        }
        Ok((count, value, deals))
    }

    pub fn add_event(&self, e: &Event) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO event_rows (deal_id, at, kind, details, batch) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                e.deal_id,
                e.at,
                e.kind,
                serde_json::to_string(&e.details)?,
                self.batch
            ])?;
        Ok(())
    }

    /// A deal's history, oldest first.
    pub fn events(&self, deal: DealId) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, kind, details FROM deal_events WHERE deal_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([deal])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let details: String = r.get(2)?;
            out.push(Event {
                deal_id: deal,
                at: r.get(0)?,
                kind: r.get(1)?,
                details: serde_json::from_str(&details).map_err(|e| {
                    Error::Unusable(format!("the database holds a malformed history entry: {e}"))
                })?,
            });
        }
        Ok(out)
    }
}

impl Tx<'_> {
    /// Every deal in id order, as rows are read. The order is the data's own, not the
    /// storage's: ids are time-ordered, so new deals come last, and an export imported
    /// anywhere exports again in the same order.
    pub fn for_each_deal_stored(&self, each: &mut dyn FnMut(Deal) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DEAL_COLUMNS} FROM deal_rows d WHERE d.batch NOT IN {HIDDEN} ORDER BY d.id"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(deal_from_row(row)?)?;
        }
        Ok(())
    }

    /// Every history event of every deal, in the order they were recorded, with its details
    /// as the stored JSON text (an export passes them through unparsed).
    pub fn for_each_event_raw(&self, each: &mut dyn FnMut(RawEvent) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT deal_id, at, kind, details FROM deal_events ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            each(RawEvent {
                deal_id: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                details: r.get(3)?,
            })?;
        }
        Ok(())
    }

    /// Inserts a deal unless one with its id exists; false when it did.
    pub fn insert_deal_if_new(&self, d: &Deal) -> Result<bool> {
        Ok(self.write_deal(d, " ON CONFLICT (id) DO NOTHING")? == 1)
    }

    pub fn deal_exists(&self, id: DealId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM deals WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Adds a history event; false when its deal does not exist.
    pub fn add_event_if_deal_exists(&self, e: &Event) -> Result<bool> {
        match self.add_event(e) {
            Ok(()) => Ok(true),
            Err(_) if !self.deal_exists(e.deal_id)? => Ok(false),
            Err(other) => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::pipelines::board_sql;

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
        let store = crate::store::Store::open(
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
                let (sql, args) = deal_query(&by_stage, DealSort::Value, desc, Some(51));
                let args: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
                assert_indexed(conn, "deal list --stage --status --sort value", &sql, &args);
                let by_status = DealFilter {
                    statuses,
                    ..Default::default()
                };
                let (sql, args) = deal_query(&by_status, DealSort::Value, desc, Some(51));
                let args: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
                assert_indexed(conn, "deal list --status --sort value", &sql, &args);
            }
            let by_pipeline = DealFilter {
                pipeline: Some(pipeline),
                statuses: vec![Status::Open],
                ..Default::default()
            };
            let (sql, args) = deal_query(&by_pipeline, DealSort::Value, desc, Some(51));
            let args: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
            assert_indexed(
                conn,
                "deal list --pipeline --status --sort value",
                &sql,
                &args,
            );
            // Unfiltered, the newest or oldest 51 are an ordered walk of an index that stops early.
            let (sql, args) = deal_query(&DealFilter::default(), DealSort::Created, desc, Some(51));
            let args: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
            assert_eq!(
                plan(conn, &sql, &args),
                "SCAN deal_rows USING INDEX deals_created"
            );
        }
        // A short reference is one range of the reversed ends of ids, never a scan.
        let tail_sql = TAIL_SQL.replace("{DEAL_COLUMNS}", DEAL_COLUMNS);
        assert_indexed(conn, "deal show REF", &tail_sql, &[&"x2m9", &11]);
        assert!(plan(conn, &tail_sql, &[&"x2m9", &11]).contains("USING INDEX deals_tail"));
        let none: Option<&str> = None;
        // While an import is in progress (the view) and otherwise (the row table).
        for source in ["deals", "deal_rows"] {
            let board = board_sql(source);
            assert_indexed(conn, "pipeline show", &board, &[&stage, &50]);
            assert_eq!(
                plan(conn, &board, &[&stage, &50]),
                "SEARCH deal_rows USING COVERING INDEX deals_stage_status_value (stage_id=? AND status=?)",
                "the board counts and weighs from the index alone"
            );
            let own = super::super::pipelines::own_probability_sql(source);
            assert_eq!(
                plan(conn, &own, &[&stage, &50]),
                "SEARCH deal_rows USING COVERING INDEX deals_own_probability (stage_id=? AND status=?)",
                "deals with their own chance are found in their own small index"
            );
            assert_indexed(
                conn,
                "deal stalled",
                &idle_sql(source),
                &[&stage, &"open", &"2026-01-01T00:00:00Z", &none, &none],
            );
            assert_indexed(
                conn,
                "deal stalled --owner",
                &idle_sql(source),
                &[&stage, &"open", &"2026-01-01T00:00:00Z", &"ana", &none],
            );
        }
    }
}
