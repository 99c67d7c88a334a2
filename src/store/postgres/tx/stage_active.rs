//! A stage's active deals for the board, on PostgreSQL: how many, their value, the largest.

use super::{PgTx, SQL};
use crate::error::Result;
use crate::id::StageId;
use crate::record::{Deal, Status};
use crate::store::cells::{self, DEAL_COLUMNS};
use crate::store::wide_total;

impl PgTx<'_, '_> {
    /// [`Deals::stage_active`] for one owner id as stored, or everyone.
    pub(super) fn stage_active_of(
        &self,
        stage: StageId,
        owner: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(i64, i128, Vec<Deal>)> {
        let stage_id = stage.to_string();
        let (count, value) = self
            .rows(
                &format!(
                    "SELECT count(*), {} FROM deals WHERE stage_id = $1
                     AND status IN ('open', 'stalled') AND ($2::text IS NULL OR owner_id = $2)",
                    SQL.wide_sum("value")
                ),
                &[&stage_id, &owner],
                |r| {
                    let r = cells::Reader::new("stage", r);
                    Ok((r.int(0)?, wide_total(r.int(1)?, r.int(2)?)))
                },
            )?
            .pop()
            .unwrap_or_default();
        // The largest of each status: a backward walk of deals_stage_status_value each that
        // stops at the limit (one range over both statuses is sorted whole); then the two
        // merged.
        let sql_limit = limit.map(|n| n as i64);
        let sql = format!(
            "SELECT {DEAL_COLUMNS} FROM deals d WHERE d.stage_id = $1 AND d.status = $2
             AND ($3::text IS NULL OR d.owner_id = $3) ORDER BY d.value DESC, d.id DESC LIMIT $4"
        );
        let mut deals: Vec<Deal> = Vec::new();
        for status in [Status::Open, Status::Stalled] {
            deals.extend(self.deals(&sql, &[&stage_id, &status.as_str(), &owner, &sql_limit])?);
        }
        deals.sort_by_key(|d| std::cmp::Reverse((d.value, d.id)));
        if let Some(n) = limit {
            deals.truncate(n);
        }
        Ok((count, value, deals))
    }
}
