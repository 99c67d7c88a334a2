//! The SQL of an activity list, written once for both backends: each filter narrows one of
//! the activity indexes (by deal, by owner, or everyone's by due date), read soonest first.

use super::{Arg, Binds, Dialect};
use crate::store::activities::{ActivityFilter, ACTIVITY_COLUMNS, SOONEST_FIRST};

impl Dialect {
    /// The SQL and its bound values for the activities `filter` selects, soonest first.
    pub(crate) fn activity_list(self, filter: &ActivityFilter) -> (String, Vec<Arg>) {
        let mut binds = Binds::new(self);
        let mut conds = vec![if filter.done {
            "a.done_at IS NOT NULL".to_string()
        } else {
            "a.done_at IS NULL".to_string()
        }];
        let text = |t: String| Arg::Text(t);
        if let Some(deal) = filter.deal {
            conds.push(format!(
                "a.deal_id = {}",
                binds.bind(text(deal.to_string()))
            ));
        }
        if let Some(owners) = &filter.owners {
            if owners.is_empty() {
                conds.push("1 = 0".to_string());
            } else {
                let marks: Vec<String> =
                    owners.iter().map(|o| binds.bind(text(o.clone()))).collect();
                conds.push(format!("a.owner_id IN ({})", marks.join(", ")));
            }
        }
        if let Some(kind) = filter.kind {
            conds.push(format!(
                "a.type = {}",
                binds.bind(text(kind.as_str().into()))
            ));
        }
        let date = |d: chrono::NaiveDate| Arg::Text(crate::clock::format_date(d));
        if let Some(d) = filter.due_from {
            conds.push(format!("a.due_date >= {}", binds.bind(date(d))));
        }
        if let Some(d) = filter.due_to {
            conds.push(format!("a.due_date <= {}", binds.bind(date(d))));
        }
        if let Some((day, time)) = filter.due_before {
            let day = binds.bind(date(day));
            let time = binds.bind(text(time.to_string()));
            conds.push(format!(
                "a.due_date <= {day} AND (a.due_date < {day} OR (a.due_time IS NOT NULL AND a.due_time < {time}))"
            ));
        }
        if let Some(after) = &filter.after {
            // Strictly after `after` in SOONEST_FIRST order; the date's bound alone is an
            // index range, the rest narrows its first day.
            let day = binds.bind(date(after.due_date));
            let created = binds.bind(text(after.created_at.clone()));
            let id = binds.bind(text(after.id.to_string()));
            let later =
                format!("a.created_at > {created} OR (a.created_at = {created} AND a.id > {id})");
            let same_day = match after.due_time {
                None => format!("a.due_time IS NOT NULL OR (a.due_time IS NULL AND ({later}))"),
                Some(t) => {
                    let t = binds.bind(text(t.to_string()));
                    format!("a.due_time > {t} OR (a.due_time = {t} AND ({later}))")
                }
            };
            conds.push(format!(
                "a.due_date >= {day} AND (a.due_date > {day} OR ({same_day}))"
            ));
        }
        let limit = filter
            .limit
            .map(|n| {
                format!(
                    " LIMIT {}",
                    binds.bind(Arg::Int(n.min(i64::MAX as u64) as i64))
                )
            })
            .unwrap_or_default();
        (
            format!(
                "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE {} ORDER BY {SOONEST_FIRST}{limit}",
                conds.join(" AND ")
            ),
            binds.args,
        )
    }
}
