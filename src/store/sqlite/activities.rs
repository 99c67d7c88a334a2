//! Activities in SQLite (schema 16): read through the `activities` view (which hides an
//! import still loading), written to `activity_rows` with the transaction's batch.

use std::sync::OnceLock;

use rusqlite::ToSql;

use super::{bound, SqliteTx, SQL};
use crate::error::Result;
use crate::id::{ActivityId, DealId};
use crate::record::{Activity, NextActivity};
use crate::store::activities::{self, ActivityFilter, ACTIVITY_COLUMNS, ACTIVITY_ROW_COLUMNS};
use crate::store::cells::Reader;
use crate::store::{Activities, Deals, NewActivity};

/// Works out again the next steps kept on the rows of the deals that `deals` (a query of
/// deal ids) selects, as schema 19's triggers do for one deal: after a bulk load (which
/// dropped them).
pub(crate) fn work_out_next_steps(deals: &str) -> String {
    format!(
        "UPDATE deal_rows SET next_step = \
         (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id) WHERE id IN ({deals})"
    )
}

impl SqliteTx<'_> {
    /// Inserts `a`; `if_new`: unless an activity of its id exists (None written then).
    fn write_activity(&self, a: &Activity, if_new: bool) -> Result<usize> {
        let row = activities::activity_row(a);
        let mut params = bound(&row);
        params.push(&self.batch);
        // The statement's text is made once: an import writes a row for every activity.
        static INSERTS: [OnceLock<String>; 2] = [const { OnceLock::new() }; 2];
        let sql = INSERTS[usize::from(if_new)].get_or_init(|| {
            format!(
                "INSERT INTO activity_rows ({ACTIVITY_ROW_COLUMNS}, batch) VALUES ({}){}",
                SQL.marks(params.len()),
                if if_new {
                    " ON CONFLICT (id) DO NOTHING"
                } else {
                    ""
                }
            )
        });
        Ok(self.conn.prepare_cached(sql)?.execute(params.as_slice())?)
    }
}

impl Activities for SqliteTx<'_> {
    fn activity(&self, id: ActivityId) -> Result<Option<Activity>> {
        Ok(self
            .rows(
                &format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = ?1"),
                &[&id.to_string()],
                activities::activity,
            )?
            .pop())
    }

    fn insert_activity(&self, a: &Activity) -> Result<()> {
        self.write_activity(a, false).map(|_| ())
    }

    fn insert_new_activity(&self, a: &Activity) -> Result<NewActivity> {
        // A staged import's own deals count: they are in its batch, hidden from others.
        Ok(if !self.deal_exists(a.deal_id)? {
            NewActivity::NoDeal
        } else if self.write_activity(a, true)? == 1 {
            NewActivity::Written
        } else {
            NewActivity::IdTaken
        })
    }

    fn update_activity(&self, a: &Activity) -> Result<()> {
        let row = activities::activity_row(a);
        let set: Vec<String> = ACTIVITY_ROW_COLUMNS
            .split(", ")
            .enumerate()
            .skip(1)
            .map(|(i, c)| format!("{} = {}", c.trim(), SQL.mark(i + 1)))
            .collect();
        self.conn
            .prepare_cached(&format!(
                "UPDATE activity_rows SET {} WHERE id = ?1",
                set.join(", ")
            ))?
            .execute(bound(&row).as_slice())?;
        Ok(())
    }

    fn delete_activity(&self, id: ActivityId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM activity_rows WHERE id = ?1")?
            .execute([id.to_string()])?
            > 0)
    }

    fn count_all_activities(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM activities")?
            .query_row([], |r| r.get(0))?)
    }

    fn count_activities(&self, deal: DealId) -> Result<(i64, i64)> {
        Ok(self.conn.prepare_cached(
            "SELECT count(*) FILTER (WHERE done_at IS NULL), count(*) FROM activities WHERE deal_id = ?1",
        )?
        .query_row([deal.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn activities_ending_in(&self, end7: &str, limit: usize) -> Result<Vec<Activity>> {
        self.rows(
            &format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE substr(a.id, -7) = ?1 \
                 ORDER BY a.id LIMIT ?2"
            ),
            &[&end7, &(limit as i64)],
            activities::activity,
        )
    }

    fn for_each_activity(
        &self,
        filter: &ActivityFilter,
        each: &mut dyn FnMut(Activity) -> Result<()>,
    ) -> Result<()> {
        let (sql, args) = SQL.activity_list(filter);
        let params: Vec<&dyn ToSql> = bound(&args);
        self.each_row(&sql, &params, |r| each(activities::activity(r)?))
    }

    fn next_steps(&self, deals: &[DealId]) -> Result<Vec<(DealId, NextActivity)>> {
        // Kept on each deal's row (schema 19): one key step a deal.
        let mut out = Vec::with_capacity(deals.len());
        for deal in deals {
            let id = deal.to_string();
            let kept: Vec<Option<String>> = self.rows(
                "SELECT d.next_step FROM deals d WHERE d.id = ?1",
                &[&id],
                |r| Reader::new("deal", r).opt_text(0),
            )?;
            if let Some(Some(kept)) = kept.first() {
                out.push((*deal, activities::kept_next_step(|| id.clone(), kept)?));
            }
        }
        Ok(out)
    }

    fn deal_names(&self, deals: &[DealId]) -> Result<Vec<(DealId, String)>> {
        let mut out = Vec::with_capacity(deals.len());
        for deal in deals {
            out.extend(self.rows(
                "SELECT d.id, d.name FROM deals d WHERE d.id = ?1",
                &[&deal.to_string()],
                activities::deal_name,
            )?);
        }
        Ok(out)
    }

    fn activity_owner_ids(&self, owner: &str) -> Result<Vec<String>> {
        // activity_rows, hidden rows too, as deals' owners are read: the view would hide
        // the index's order behind its filter (the list itself reads the view).
        let sql = SQL.owner_ids_between("activity_rows");
        crate::store::owner_ids_by(owner, |lo, hi| {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let ids = stmt
                .query_map([lo, hi], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(ids)
        })
    }

    fn for_each_activity_stored(&self, each: &mut dyn FnMut(Activity) -> Result<()>) -> Result<()> {
        self.each_row(
            &format!("SELECT {ACTIVITY_COLUMNS} FROM activities a ORDER BY a.id"),
            &[],
            |r| each(activities::activity(r)?),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::DueTime;
    use chrono::NaiveDate;

    /// The plan SQLite picks for `sql`, one step a line, without the steps that read the
    /// hidden set of imports (the view of activities reads it once per query).
    fn plan(conn: &rusqlite::Connection, sql: &str, args: &[&dyn ToSql]) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map(args, |r| r.get::<_, String>(3)).unwrap();
        rows.map(|r| r.unwrap())
            .filter(|l| {
                !(l.starts_with("LIST SUBQUERY")
                    || l == "SEARCH imports USING COVERING INDEX imports_hidden (state=?)"
                    || l == "CREATE BLOOM FILTER")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Each list an activity command or `today` reads is one range of one activity index,
    /// read in its order: no sort, whatever the number of activities.
    #[test]
    fn activity_lists_and_next_steps_read_one_index_range_without_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::sqlite::plan_store(&dir);
        let conn = &store.conn;
        let day = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let time: DueTime = "14:00".parse().unwrap();
        let cases = [
            (
                "activity list (one owner's pending)",
                ActivityFilter {
                    owners: Some(vec!["ana".into()]),
                    ..Default::default()
                },
                "SEARCH activity_rows USING INDEX activities_owner (owner_id=? AND done_at=?)",
            ),
            (
                "activity list --overdue (one owner's)",
                ActivityFilter {
                    owners: Some(vec!["ana".into()]),
                    due_before: Some((day, time)),
                    ..Default::default()
                },
                "SEARCH activity_rows USING INDEX activities_owner (owner_id=? AND done_at=? AND due_date<?)",
            ),
            (
                "activity list --all --due today",
                ActivityFilter {
                    due_from: Some(day),
                    due_to: Some(day),
                    ..Default::default()
                },
                "SEARCH activity_rows USING INDEX activities_due (done_at=? AND due_date>? AND due_date<?)",
            ),
            (
                "a later page of one owner's pending activities (GET /activities?cursor=)",
                ActivityFilter {
                    owners: Some(vec!["ana".into()]),
                    after: Some(crate::store::ActivityAfter {
                        due_date: day,
                        due_time: Some(time),
                        created_at: "2026-03-01T09:00:00Z".into(),
                        id: crate::id::ActivityId::new(),
                    }),
                    ..Default::default()
                },
                "SEARCH activity_rows USING INDEX activities_owner (owner_id=? AND done_at=? AND due_date>?)",
            ),
            (
                "activity list --deal",
                ActivityFilter {
                    deal: Some(DealId::new()),
                    ..Default::default()
                },
                "SEARCH activity_rows USING INDEX activities_deal (deal_id=? AND done_at=?)",
            ),
        ];
        for (what, filter, expected) in cases {
            let (sql, args) = SQL.activity_list(&filter);
            assert_eq!(plan(conn, &sql, &bound(&args)), expected, "{what}");
        }
        assert_eq!(
            plan(
                conn,
                "SELECT step FROM deal_next_steps WHERE deal_id = ?1",
                &[&"deal_x"]
            ),
            "SEARCH d USING COVERING INDEX sqlite_autoindex_deal_rows_1 (id=?)\n\
             CORRELATED SCALAR SUBQUERY 3\n\
             SEARCH activity_rows USING INDEX activities_deal (deal_id=? AND done_at=?)",
            "a deal's next step, worked out again by the triggers of schema 19"
        );
    }

    /// The view the triggers of schema 19 work a deal's next step out by holds it as
    /// [`activities::kept_next_step`] reads it, in the order every list is in.
    #[test]
    fn the_kept_next_step_is_the_step_columns_soonest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::sqlite::plan_store(&dir);
        let view: String = store
            .conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'deal_next_steps'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let view = view.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            view.contains(&format!(
                "json_array({}) FROM activities a",
                activities::STEP_COLUMNS
            )),
            "{view}"
        );
        assert!(
            view.contains(&format!("ORDER BY {} LIMIT 1", activities::SOONEST_FIRST)),
            "{view}"
        );
    }

    /// An owner's spellings are read one step of activities_owner per distinct owner.
    #[test]
    fn owner_spellings_are_read_from_the_owner_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::sqlite::plan_store(&dir);
        let sql = SQL.owner_ids_between("activity_rows");
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(["B", "C"], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            plan.iter()
                .any(|l| l.contains("COVERING INDEX activities_owner"))
                && !plan.iter().any(|l| l.contains("SCAN activity_rows")),
            "{}",
            plan.join("\n")
        );
    }
}
