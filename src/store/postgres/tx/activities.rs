//! Activities on PostgreSQL (schema 12): the same rows and order as on SQLite.

use super::{bound, PgTx, SQL};
use crate::error::Result;
use crate::id::{ActivityId, DealId};
use crate::record::{Activity, NextActivity};
use crate::store::activities::{
    self, ActivityFilter, ACTIVITY_COLUMNS, ACTIVITY_ROW_COLUMNS, SOONEST_FIRST, STEP_COLUMNS,
};
use crate::store::{Activities, Deals, NewActivity};

impl PgTx<'_, '_> {
    fn write_activity(&self, a: &Activity, on_conflict: &str) -> Result<u64> {
        let row = activities::activity_row(a);
        self.execute(
            &format!(
                "INSERT INTO activities ({ACTIVITY_ROW_COLUMNS}) VALUES ({}){on_conflict}",
                SQL.marks(row.len())
            ),
            &bound(&row),
        )
    }
}

impl Activities for PgTx<'_, '_> {
    fn activity(&self, id: ActivityId) -> Result<Option<Activity>> {
        Ok(self
            .rows(
                &format!("SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1"),
                &[&id.to_string()],
                activities::activity,
            )?
            .pop())
    }

    fn insert_activity(&self, a: &Activity) -> Result<()> {
        self.write_activity(a, "").map(|_| ())
    }

    fn insert_new_activity(&self, a: &Activity) -> Result<NewActivity> {
        // In a batch, its deal and its id are checked with the batch.
        if self.bulk_activity(a)? {
            return Ok(NewActivity::Written);
        }
        Ok(if !self.deal_exists(a.deal_id)? {
            NewActivity::NoDeal
        } else if self.write_activity(a, " ON CONFLICT (id) DO NOTHING")? == 1 {
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
        let changed = self.execute(
            &format!("UPDATE activities SET {} WHERE id = $1", set.join(", ")),
            &bound(&row),
        )?;
        if changed == 0 && self.seat.is_some() && self.activity(a.id)?.is_some() {
            return Err(self.filtered(&format!("activity {}", a.id)));
        }
        Ok(())
    }

    fn delete_activity(&self, id: ActivityId) -> Result<bool> {
        let deleted = self.execute("DELETE FROM activities WHERE id = $1", &[&id.to_string()])? > 0;
        if !deleted && self.seat.is_some() && self.activity(id)?.is_some() {
            return Err(self.filtered(&format!("activity {id}")));
        }
        Ok(deleted)
    }

    fn count_all_activities(&self) -> Result<i64> {
        let n = self.rows("SELECT count(*) FROM activities", &[], |r| {
            crate::store::cells::Reader::new("activity count", r).int(0)
        })?;
        Ok(n.into_iter().next().unwrap_or(0))
    }

    fn count_activities(&self, deal: DealId) -> Result<(i64, i64)> {
        let counts = self.rows(
            "SELECT count(*) FILTER (WHERE done_at IS NULL), count(*) FROM activities WHERE deal_id = $1",
            &[&deal.to_string()],
            |r| {
                let r = crate::store::cells::Reader::new("activity counts", r);
                Ok((r.int(0)?, r.int(1)?))
            },
        )?;
        Ok(counts.into_iter().next().unwrap_or((0, 0)))
    }

    fn activities_ending_in(&self, end7: &str, limit: usize) -> Result<Vec<Activity>> {
        self.rows(
            &format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE right(a.id, 7) = $1 \
                 ORDER BY a.id LIMIT $2"
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
        self.each_row(&sql, &bound(&args), |r| each(activities::activity(r)?))
    }

    fn next_steps(&self, deals: &[DealId]) -> Result<Vec<(DealId, NextActivity)>> {
        if deals.is_empty() {
            return Ok(Vec::new());
        }
        // One statement for every deal: each one an index step through activities_deal.
        let ids: Vec<String> = deals.iter().map(|d| d.to_string()).collect();
        self.rows(
            &format!(
                "SELECT a.deal_id, {STEP_COLUMNS} FROM unnest($1::text[]) AS deal(id) \
                 CROSS JOIN LATERAL (SELECT * FROM activities a WHERE a.deal_id = deal.id \
                 AND a.done_at IS NULL ORDER BY {SOONEST_FIRST} LIMIT 1) a"
            ),
            &[&ids],
            activities::next_step,
        )
    }

    fn deal_names(&self, deals: &[DealId]) -> Result<Vec<(DealId, String)>> {
        if deals.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = deals.iter().map(|d| d.to_string()).collect();
        self.rows(
            "SELECT d.id, d.name FROM deals d WHERE d.id = ANY($1::text[])",
            &[&ids],
            activities::deal_name,
        )
    }

    fn activity_owner_ids(&self, owner: &str) -> Result<Vec<String>> {
        let sql = SQL.owner_ids_between("activities");
        crate::store::owner_ids_by(owner, |lo, hi| {
            self.rows(&sql, &[&lo, &hi], |r| {
                crate::store::cells::Reader::new("owner", r).text(0)
            })
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
