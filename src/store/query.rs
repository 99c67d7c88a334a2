//! Queries whose shape depends on what the user asked (`deal list` filters and sorts, the
//! reports' totals), written once for both backends: a [`Dialect`] says how each backend
//! spells the few things that differ, and the bound values travel as neutral [`Arg`]s.
//!
//! This SQL, with the column lists of [`super::cells`] and the statements below, reads the
//! tables (or views) and columns of [`SHARED_SCHEMA`] by name, on either backend: that is
//! the contract each backend's schema keeps, and a test checks both `schema.sql` files
//! against it. On SQLite `deals`, `stages`, `pipelines` and `deal_events` are views that
//! leave out the rows of an import in progress (over `deal_rows`, `stage_rows`,
//! `pipeline_rows`, `event_rows`); on PostgreSQL they are the tables. Beyond it, each
//! dialect reads a little of its own: SQLite's search by part of a name reads the FTS5
//! table `deal_names` and `deal_rows.rowid`, and the queries that take a `source` read the
//! deals from where the backend says (`deals`, or SQLite's `deal_rows` when no import is in
//! progress), with the same columns.
//!
//! The migrations are numbered per backend and the numbers of one change differ (SQLite's
//! schema 10 is PostgreSQL's 7): each backend counts its own schema versions, which the
//! databases in use have recorded, so they are never renumbered.

use super::cells::Arg;
use super::cells::{DEAL_COLUMNS, DEAL_ROW_COLUMNS};
use super::{weighted, After, ClosedBy, ClosedDays, DealFilter, DealSort};
use crate::record::{name_key, Status};

mod activity;
mod keyset;
mod search;

/// The tables (or views) the SQL written once for both backends reads, each with the
/// columns it reads by name: written down for people, checked by the test below.
#[cfg_attr(not(test), allow(dead_code))]
#[rustfmt::skip]
pub(crate) const SHARED_SCHEMA: [(&str, &[&str]); 5] = [
    ("deals", &DEAL_ROW_COLUMNS),
    ("stages", &["id", "pipeline_id", "name", "name_key", "color", "position", "stall_days",
        "probability"]),
    ("pipelines", &["id", "name", "name_key", "stall_days", "created_at", "updated_at"]),
    ("deal_events", &["seq", "deal_id", "at", "kind", "details", "actor"]),
    ("closed_totals", &["day", "status", "pipeline_id", "reason", "deals", "value_high",
        "value_low", "cycle_high", "cycle_low"]),
];

/// How a backend spells what SQL does not standardise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// Values bound so far, and the placeholders that name them.
pub(crate) struct Binds {
    dialect: Dialect,
    pub(crate) args: Vec<Arg>,
}

impl Binds {
    fn new(dialect: Dialect) -> Binds {
        Binds {
            dialect,
            args: Vec::new(),
        }
    }

    /// Binds `v` and returns its placeholder.
    fn bind(&mut self, v: Arg) -> String {
        self.args.push(v);
        self.dialect.mark(self.args.len())
    }
}

impl Dialect {
    /// The placeholder of the `n`th bound value (from 1).
    pub(crate) fn mark(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// What a deal list reads of each deal `d`: its [`DEAL_COLUMNS`] and, on SQLite, the
    /// next step kept on its row (schema 19), read with it. PostgreSQL's lists read the next
    /// steps a batch of deals at a time ([`super::Activities::next_steps`]).
    pub(crate) fn listed_columns(self) -> String {
        match self {
            Dialect::Sqlite => format!("{DEAL_COLUMNS}, d.next_step"),
            Dialect::Postgres => DEAL_COLUMNS.to_string(),
        }
    }

    /// The next step's key of deal `d` ([`super::OrderKey::next_key`]): its first pending
    /// activity's due date, and `T` and its time when it has one; NULL without one. SQLite
    /// reads it from the next step kept on the deal's row (schema 19); PostgreSQL from the
    /// deal's first pending activity, one step of activities_deal.
    fn next_key(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "(d.next_step ->> '$[3]') || coalesce('T' || (d.next_step ->> '$[4]'), '')"
            }
            Dialect::Postgres => {
                "(SELECT a.due_date || coalesce('T' || a.due_time, '') FROM activities a \
                 WHERE a.deal_id = d.id AND a.done_at IS NULL \
                 ORDER BY a.due_date, a.due_time NULLS FIRST LIMIT 1)"
            }
        }
    }

    /// Whether deal `d` has no pending activity: SQLite keeps none on its row (schema 19);
    /// on PostgreSQL, one step of activities_deal finds none.
    fn without_next_step(self) -> &'static str {
        match self {
            Dialect::Sqlite => "d.next_step IS NULL",
            Dialect::Postgres => {
                "NOT EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL)"
            }
        }
    }

    /// The placeholders of the first `n` bound values, comma-separated.
    pub(crate) fn marks(self, n: usize) -> String {
        (1..=n).map(|i| self.mark(i)).collect::<Vec<_>>().join(", ")
    }

    /// What makes an aggregate of integers an integer again: PostgreSQL sums and
    /// coalesces them as numeric.
    fn bigint(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => "::bigint",
        }
    }

    /// Whether deal `d`'s metadata has key `k` whose value, a string or a scalar's JSON
    /// text, equals `v`.
    fn meta_equals(self, k: &str, v: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "EXISTS (SELECT 1 FROM json_each(d.metadata) j WHERE j.key = {k} AND \
                 (CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' \
                  ELSE CAST(j.value AS TEXT) END) = {v})"
            ),
            Dialect::Postgres => format!(
                "EXISTS (SELECT 1 FROM jsonb_each(d.metadata::jsonb) j WHERE j.key = {k} AND \
                 (CASE jsonb_typeof(j.value) WHEN 'string' THEN j.value #>> '{{}}' \
                  ELSE j.value::text END) = {v})"
            ),
        }
    }

    /// The sum of `expr` as two 64-bit columns that cannot overflow (see
    /// [`super::wide_total`]): PostgreSQL sums integers as numeric, cast back here.
    pub(crate) fn wide_sum(self, expr: &str) -> String {
        let cast = self.bigint();
        format!(
            "coalesce(sum(({expr}) >> 32), 0){cast}, coalesce(sum(({expr}) & 4294967295), 0){cast}"
        )
    }

    /// `select` (reading deals `d`) narrowed to what `filter` selects, then `tail`.
    pub(crate) fn filtered(
        self,
        select: &str,
        filter: &DealFilter,
        tail: &str,
    ) -> (String, Vec<Arg>) {
        self.filtered_by(select, filter, tail, false, None)
    }

    /// [`Dialect::filtered`]; `checked` makes each condition one that no index can answer
    /// (SQLite's unary `+`), so that the deals are read in the order's index and each is
    /// checked instead. `after` (and whether the order is descending) keeps only the deals
    /// after it, a condition left for the order's index to answer.
    fn filtered_by(
        self,
        select: &str,
        filter: &DealFilter,
        tail: &str,
        checked: bool,
        after: Option<(&After, bool)>,
    ) -> (String, Vec<Arg>) {
        let (mut conds, args) = self.conditions(filter);
        if checked {
            conds = conds.into_iter().map(|c| format!("+({c})")).collect();
        }
        let mut binds = Binds {
            dialect: self,
            args,
        };
        if let Some((after, desc)) = after {
            conds.push(self.after(after, desc, &mut binds));
        }
        let args = binds.args;
        let mut sql = select.to_string();
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(tail);
        (sql, args)
    }

    /// The conditions of `filter` on deals `d`, with their bound values.
    fn conditions(self, filter: &DealFilter) -> (Vec<String>, Vec<Arg>) {
        let mut conds: Vec<String> = Vec::new();
        let mut binds = Binds::new(self);
        let text = |t: &str| Arg::Text(t.to_string());
        let day = |d: chrono::NaiveDate| Arg::Text(crate::clock::format_date(d));
        if !filter.statuses.is_empty() {
            conds.push(format!("d.status IN ({})", status_list(&filter.statuses)));
        }
        if let Some(p) = filter.pipeline {
            conds.push(format!(
                "d.pipeline_id = {}",
                binds.bind(Arg::Text(p.to_string()))
            ));
        }
        if !filter.stages.is_empty() {
            let marks: Vec<String> = filter
                .stages
                .iter()
                .map(|s| binds.bind(Arg::Text(s.to_string())))
                .collect();
            conds.push(format!("d.stage_id IN ({})", marks.join(", ")));
        }
        match (&filter.owner, filter.owner_ids.as_slice()) {
            (_, [one]) | (Some(one), []) => {
                conds.push(format!("d.owner_id = {}", binds.bind(text(one))));
            }
            (_, []) => {}
            (_, several) => {
                let marks: Vec<String> = several.iter().map(|o| binds.bind(text(o))).collect();
                conds.push(format!("d.owner_id IN ({})", marks.join(", ")));
            }
        }
        if let Some(c) = &filter.contact {
            // lower() folds ASCII letters alike on both backends (PostgreSQL's "C" collation).
            conds.push(format!(
                "lower(d.contact_id) = {}",
                binds.bind(text(&c.to_ascii_lowercase()))
            ));
        }
        if let Some(v) = filter.min_value {
            conds.push(format!("d.value >= {}", binds.bind(Arg::Int(v.get()))));
        }
        if let Some(v) = filter.max_value {
            conds.push(format!("d.value <= {}", binds.bind(Arg::Int(v.get()))));
        }
        if let Some(d) = filter.closing_before {
            conds.push(format!("d.expected_close < {}", binds.bind(day(d))));
        }
        if let Some(d) = filter.closing_after {
            conds.push(format!("d.expected_close > {}", binds.bind(day(d))));
        }
        if let Some(d) = filter.overdue_on {
            conds.push(format!(
                "d.status IN ('open', 'stalled') AND d.expected_close < {}",
                binds.bind(day(d))
            ));
        }
        for (key, value) in &filter.meta {
            let k = binds.bind(text(key));
            let v = binds.bind(text(value));
            conds.push(self.meta_equals(&k, &v));
        }
        if let Some(t) = &filter.search {
            let key = name_key(t);
            let name = self.name_matches(&key, false, &mut binds);
            let contact = self.contact_matches(&key, &mut binds);
            conds.push(format!("(({name}) OR ({contact}))"));
        }
        if let Some(t) = &filter.closed_from {
            conds.push(format!("d.closed_at >= {}", binds.bind(text(t))));
        }
        if let Some(t) = &filter.closed_before {
            conds.push(format!("d.closed_at < {}", binds.bind(text(t))));
        }
        if filter.no_expected_close {
            conds.push("d.expected_close IS NULL".to_string());
        }
        if let Some(t) = &filter.updated_from {
            conds.push(format!("d.updated_at >= {}", binds.bind(text(t))));
        }
        if filter.no_next_step {
            conds.push(format!(
                "d.status IN ('open', 'stalled') AND {}",
                self.without_next_step()
            ));
        }
        (conds, binds.args)
    }

    /// The SQL and its bound values for a `deal list` (from `after` on, when given).
    pub(crate) fn deal_list(
        self,
        filter: &DealFilter,
        sort: DealSort,
        desc: bool,
        after: Option<&After>,
        limit: Option<u64>,
    ) -> (String, Vec<Arg>) {
        self.deal_list_by(filter, sort, desc, after, limit, false)
    }

    /// A `deal list` by creation that reads the deals in `deals_created`'s order and checks
    /// the filter on each, stopping at `limit`: cheaper than sorting every deal the filter
    /// selects when it selects a large share of them (SQLite's planner takes the filter's
    /// index and sorts whatever the share).
    pub(crate) fn deal_list_in_created_order(
        self,
        filter: &DealFilter,
        desc: bool,
        after: Option<&After>,
        limit: u64,
    ) -> (String, Vec<Arg>) {
        self.deal_list_by(filter, DealSort::Created, desc, after, Some(limit), true)
    }

    fn deal_list_by(
        self,
        filter: &DealFilter,
        sort: DealSort,
        desc: bool,
        after: Option<&After>,
        limit: Option<u64>,
        checked: bool,
    ) -> (String, Vec<Arg>) {
        if sort == DealSort::Value && filter.statuses.len() != 1 {
            return self.by_value_per_status(filter, desc, after, limit);
        }
        if sort == DealSort::NextActivity {
            return self.by_next_activity(filter, desc, after, limit);
        }
        let joins = match sort {
            DealSort::Stage => {
                " JOIN stages s ON s.id = d.stage_id JOIN pipelines p ON p.id = d.pipeline_id"
            }
            _ => "",
        };
        let (mut sql, mut args) = self.filtered_by(
            &format!("SELECT {} FROM deals d{joins}", self.listed_columns()),
            filter,
            "",
            checked,
            after.map(|a| (a, desc)),
        );
        let dir = if desc { "DESC" } else { "ASC" };
        let order = match sort {
            DealSort::Value => format!("d.value {dir}"),
            DealSort::ExpectedClose => format!("d.expected_close IS NULL, d.expected_close {dir}"),
            DealSort::Created => format!("d.created_at {dir}"),
            DealSort::Updated => format!("d.updated_at {dir}"),
            DealSort::Name => format!("d.name_key {dir}"),
            DealSort::Stage => format!("p.name_key {dir}, s.position {dir}"),
            DealSort::NextActivity => unreachable!("listed by by_next_activity"),
        };
        sql.push_str(&format!(" ORDER BY {order}, d.id {dir}"));
        if let Some(limit) = limit {
            args.push(Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT {}", self.mark(args.len())));
        }
        (sql, args)
    }

    /// What [`super::Pipelines::own_chance_adjustment`] reads: stage `$1`, its chance `$2`.
    pub(crate) fn own_chance_adjustment(self, source: &str) -> String {
        let cast = self.bigint();
        let own = weighted("value", "probability");
        let stage = weighted("value", &format!("{}{cast}", self.mark(2)));
        format!(
            "SELECT coalesce(sum({own} - {stage}), 0){cast} FROM {source} \
             WHERE stage_id = {} AND status IN ('open', 'stalled') AND probability IS NOT NULL",
            self.mark(1)
        )
    }

    /// A `deal list` by value over several statuses: one arm per status, each a range of an
    /// index that leads with the filtered column and the status and then holds the value
    /// (`deals_owner_status`, `deals_pipeline_status_value`, `deals_stage_status_value`,
    /// `deals_status_value`), merged in order. One range over all statuses would have to
    /// be sorted whole before its first row.
    fn by_value_per_status(
        self,
        filter: &DealFilter,
        desc: bool,
        after: Option<&After>,
        limit: Option<u64>,
    ) -> (String, Vec<Arg>) {
        let statuses: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| filter.statuses.is_empty() || filter.statuses.contains(s))
            .collect();
        let (mut conds, args) = self.conditions(&DealFilter {
            statuses: Vec::new(),
            ..filter.clone()
        });
        let mut binds = Binds {
            dialect: self,
            args,
        };
        // Each arm starts after the same deal: its range of the index starts there.
        if let Some(after) = after {
            conds.push(self.after(after, desc, &mut binds));
        }
        let mut args = binds.args;
        let dir = if desc { "DESC" } else { "ASC" };
        let limit = limit.map(|n| {
            args.push(Arg::Int(i64::try_from(n).unwrap_or(i64::MAX)));
            format!(" LIMIT {}", self.mark(args.len()))
        });
        let arms: Vec<String> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut all = vec![format!("d.status = '{}'", s.as_str())];
                all.extend(conds.iter().cloned());
                let arm = format!(
                    "SELECT {} FROM deals d WHERE {}",
                    self.listed_columns(),
                    all.join(" AND ")
                );
                match (self, &limit) {
                    // PostgreSQL sorts a UNION ALL whole rather than merging its ordered arms;
                    // limited one by one, each arm stops early.
                    (Dialect::Postgres, Some(limit)) => format!(
                        "SELECT * FROM ({arm} ORDER BY d.value {dir}, d.id {dir}{limit}) arm{i}"
                    ),
                    _ => arm,
                }
            })
            .collect();
        let sql = format!(
            "{} ORDER BY value {dir}, id {dir}{}",
            arms.join(" UNION ALL "),
            limit.unwrap_or_default()
        );
        (sql, args)
    }

    /// A `deal list` by next step: each deal the filter selects with its next step's key
    /// ([`super::OrderKey::next_key`], worked out from its first pending activity in
    /// `activities_deal`, one index step a deal), then sorted by it, deals without one last
    /// in either direction. No index holds this order: every deal the filter selects is
    /// read and sorted, on every page (a page deep in the list costs what the first does).
    fn by_next_activity(
        self,
        filter: &DealFilter,
        desc: bool,
        after: Option<&After>,
        limit: Option<u64>,
    ) -> (String, Vec<Arg>) {
        let (conds, args) = self.conditions(filter);
        let mut binds = Binds {
            dialect: self,
            args,
        };
        let inner = match conds.is_empty() {
            true => String::new(),
            false => format!(" WHERE {}", conds.join(" AND ")),
        };
        let outer = match after {
            Some(after) => format!(" WHERE {}", self.after(after, desc, &mut binds)),
            None => String::new(),
        };
        let dir = if desc { "DESC" } else { "ASC" };
        let mut sql = format!(
            "SELECT {} FROM (SELECT d.*, {} AS next_key FROM deals d{inner}) d\
             {outer} ORDER BY d.next_key IS NULL, d.next_key {dir}, d.id {dir}",
            self.listed_columns(),
            self.next_key()
        );
        if let Some(limit) = limit {
            binds
                .args
                .push(Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT {}", self.mark(binds.args.len())));
        }
        (sql, binds.args)
    }

    /// Totals of the deals `filter` selects per expected close date (the date, count, two
    /// value columns, two weighted columns).
    pub(crate) fn totals_by_expected_close(self, filter: &DealFilter) -> (String, Vec<Arg>) {
        let weighted = weighted("d.value", "coalesce(d.probability, s.probability)");
        self.filtered(
            &format!(
                "SELECT d.expected_close, count(*), {}, {} \
                 FROM deals d JOIN stages s ON s.id = d.stage_id",
                self.wide_sum("d.value"),
                self.wide_sum(&weighted)
            ),
            filter,
            " GROUP BY d.expected_close",
        )
    }

    /// How many deals `filter` selects.
    pub(crate) fn count(self, filter: &DealFilter) -> (String, Vec<Arg>) {
        self.filtered(
            &format!("SELECT count(*){} FROM deals d", self.bigint()),
            filter,
            "",
        )
    }

    /// How many deals `filter` selects, counting no further than the last bound value.
    pub(crate) fn count_up_to(self, filter: &DealFilter, most: i64) -> (String, Vec<Arg>) {
        let (sql, mut args) = self.filtered("SELECT 1 FROM deals d", filter, "");
        args.push(Arg::Int(most));
        let most = self.mark(args.len());
        (
            format!(
                "SELECT count(*){} FROM ({sql} LIMIT {most}) t",
                self.bigint()
            ),
            args,
        )
    }

    /// Seconds from a deal's creation to its close, at least 0 (NULL when unreadable).
    pub(crate) fn cycle_seconds(self, created: &str, closed: &str) -> String {
        match self {
            Dialect::Sqlite => format!("max(0, unixepoch({closed}) - unixepoch({created}))"),
            // Both are stored in UTC ("...Z"): read without the zone, their difference is
            // the same and cheaper to take.
            Dialect::Postgres => format!(
                "greatest(0, extract(epoch FROM {closed}::timestamp - {created}::timestamp))::bigint"
            ),
        }
    }

    /// The closed deals `filter` selects summed per pipeline and status, and per owner and
    /// close reason as `by` says, each group with one of its deals' ids first, read by
    /// [`super::cells::closed_sum`].
    pub(crate) fn closed_sums(self, filter: &DealFilter, by: ClosedBy) -> (String, Vec<Arg>) {
        let owner = if by.owner { "d.owner_id" } else { "NULL" };
        let reason = if by.reason { "d.close_reason" } else { "NULL" };
        let mut group = vec!["d.pipeline_id", "d.status"];
        group.extend(by.owner.then_some("d.owner_id"));
        group.extend(by.reason.then_some("d.close_reason"));
        self.filtered(
            &format!(
                "SELECT min(d.id), d.pipeline_id, d.status, {owner}, {reason}, count(*), {}, {} \
                 FROM deals d",
                self.wide_sum("d.value"),
                self.wide_sum(&format!(
                    "CASE d.status WHEN 'won' THEN {} END",
                    self.cycle_seconds("d.created_at", "d.closed_at")
                ))
            ),
            filter,
            &format!(" GROUP BY {}", group.join(", ")),
        )
    }

    /// The closed-deal counters of whole UTC days (`closed_totals`, kept by triggers on both
    /// backends), in the columns of [`super::cells::closed_sum`] (a day where that reads a
    /// deal's id).
    pub(crate) fn closed_sums_on_days(self, days: &ClosedDays) -> (String, Vec<Arg>) {
        let mut b = Binds::new(self);
        let day = |d| Arg::Text(crate::clock::format_date(d));
        let (first, end) = (b.bind(day(days.first)), b.bind(day(days.end)));
        let mut sql = format!(
            "SELECT min(day), pipeline_id, status, NULL, {reason}, sum(deals){cast}, \
             sum(value_high){cast}, sum(value_low){cast}, sum(cycle_high){cast}, sum(cycle_low){cast} \
             FROM closed_totals WHERE day >= {first} AND day < {end} AND status IN ({})",
            status_list(days.statuses),
            reason = if days.by_reason { "nullif(reason, '')" } else { "NULL" },
            cast = self.bigint(),
        );
        if let Some(p) = days.pipeline {
            sql.push_str(&format!(
                " AND pipeline_id = {}",
                b.bind(Arg::Text(p.to_string()))
            ));
        }
        sql.push_str(" GROUP BY pipeline_id, status");
        if days.by_reason {
            sql.push_str(", reason");
        }
        sql.push_str(" HAVING sum(deals) > 0");
        (sql, b.args)
    }

    /// Whether a deal's history holds an event of this time, kind and details already.
    pub(crate) fn event_recorded(self) -> String {
        format!(
            "SELECT count(*) FROM deal_events WHERE deal_id = {} AND at = {} AND kind = {} AND details = {}",
            self.mark(1),
            self.mark(2),
            self.mark(3),
            self.mark(4)
        )
    }

    /// One deal's history, oldest first.
    pub(crate) fn events_of_deal(self) -> String {
        format!(
            "SELECT deal_id, at, kind, details, actor FROM deal_events WHERE deal_id = {} ORDER BY seq",
            self.mark(1)
        )
    }

    /// The pipelines (without their stages) that `which` selects, in its order.
    pub(crate) fn pipeline_heads(self, which: super::Which) -> (String, Vec<Arg>) {
        use super::Which;
        let one = self.mark(1);
        let (clause, args) = match which {
            Which::Id(id) => (format!("WHERE id = {one}"), vec![Arg::Text(id.to_string())]),
            Which::Named(name) => (
                format!("WHERE name_key = {one}"),
                vec![Arg::Text(name_key(name))],
            ),
            Which::OfStage(stage) => (
                format!("WHERE id = (SELECT pipeline_id FROM stages WHERE id = {one})"),
                vec![Arg::Text(stage.to_string())],
            ),
            Which::ByName => ("ORDER BY name_key".to_string(), Vec::new()),
            Which::ByAge => ("ORDER BY created_at, id".to_string(), Vec::new()),
        };
        (
            format!(
                "SELECT {} FROM pipelines {clause}",
                super::cells::PIPELINE_COLUMNS
            ),
            args,
        )
    }

    /// Deals of one stage and status idle since `idle_since` (and active after
    /// `active_after`), optionally of one owner, longest idle first, read from `source`: one
    /// range of `deals_stage_status_activity`, or of `deals_owner_stage_activity` for an owner.
    pub(crate) fn idle_deals(
        self,
        source: &str,
        stage: crate::id::StageId,
        status: crate::record::Status,
        idle_since: &str,
        active_after: Option<&str>,
        owner: Option<&str>,
    ) -> (String, Vec<Arg>) {
        let mut b = Binds::new(self);
        let mut sql = format!(
            "SELECT {DEAL_COLUMNS} FROM {source} d WHERE d.stage_id = {} AND d.status = {} \
             AND d.last_activity_at <= {}",
            b.bind(Arg::Text(stage.to_string())),
            b.bind(Arg::Text(status.as_str().to_string())),
            b.bind(Arg::Text(idle_since.to_string())),
        );
        if let Some(owner) = owner {
            sql.push_str(&format!(
                " AND d.owner_id = {}",
                b.bind(Arg::Text(owner.to_string()))
            ));
        }
        if let Some(after) = active_after {
            sql.push_str(&format!(
                " AND d.last_activity_at > {}",
                b.bind(Arg::Text(after.to_string()))
            ));
        }
        sql.push_str(" ORDER BY d.last_activity_at, d.id");
        (sql, b.args)
    }
}

/// Statuses as SQL literals for `IN (...)`: they are rex's own words, never the user's text.
pub(crate) fn status_list(statuses: &[Status]) -> String {
    statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every pipeline as `pipeline list` shows it before its deals are counted, read by
/// [`super::cells::summary`]: the same SQL on both backends.
pub(crate) const SUMMARY_SQL: &str = "SELECT p.id, p.name, p.stall_days,
        (SELECT count(*) FROM stages s WHERE s.pipeline_id = p.id), p.created_at, p.updated_at
     FROM pipelines p ORDER BY p.name_key";

/// Every history event in the order it was recorded (read by [`super::cells::event`] or
/// [`super::cells::raw_event`]).
pub(crate) const EVENTS_SQL: &str =
    "SELECT deal_id, at, kind, details FROM deal_events ORDER BY seq";

/// Every history event in deal order, each deal's oldest first.
pub(crate) const EVENTS_BY_DEAL_SQL: &str =
    "SELECT deal_id, at, kind, details FROM deal_events ORDER BY deal_id, seq";

#[cfg(test)]
mod tests {
    use super::SHARED_SCHEMA;

    /// The columns of `table` in a `schema.sql` PostgreSQL's catalog query wrote: one a line
    /// of its `CREATE TABLE`, before its constraints.
    fn postgres_columns(schema: &str, table: &str) -> Vec<String> {
        let Some((_, body)) = schema.split_once(&format!("CREATE TABLE {table} (\n")) else {
            return Vec::new();
        };
        body.lines()
            .take_while(|l| !l.starts_with(')'))
            .map(|l| l.trim().trim_end_matches(','))
            .filter(|l| !l.starts_with("CONSTRAINT "))
            .filter_map(|l| l.split_whitespace().next())
            .map(|c| c.trim_matches('"').to_string())
            .collect()
    }

    #[test]
    fn both_schemas_have_what_the_shared_sql_reads() {
        let sqlite = rusqlite::Connection::open_in_memory().unwrap();
        sqlite
            .execute_batch(include_str!("sqlite/schema.sql"))
            .unwrap();
        let postgres = include_str!("postgres/schema.sql");
        for (table, columns) in SHARED_SCHEMA {
            let mut stmt = sqlite
                .prepare("SELECT name FROM pragma_table_info(?1)")
                .unwrap();
            let on_sqlite: Vec<String> = stmt
                .query_map([table], |r| r.get(0))
                .unwrap()
                .map(|c| c.unwrap())
                .collect();
            let on_postgres = postgres_columns(postgres, table);
            for column in columns {
                for (backend, has) in [("SQLite", &on_sqlite), ("PostgreSQL", &on_postgres)] {
                    assert!(
                        has.iter().any(|c| c == column),
                        "{backend}'s {table} has no column {column}: {has:?}"
                    );
                }
            }
        }
    }
}
