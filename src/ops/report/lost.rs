//! `report lost-reasons`: lost deals grouped by why they were lost.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{closed_between, filter_of, ratio4, window, Scope, Window};
use crate::clock::Clock;
use crate::error::Result;
use crate::record::Status;
use crate::store::{ClosedBy, Tx};

/// One row of `report lost-reasons`.
#[derive(Debug, Clone, Serialize)]
pub struct LostReasonRow {
    pub reason: Option<String>,
    pub count: i64,
    pub value: i128,
    pub share: f64,
}

/// Lost deals of the window by reason (alike but for case and surrounding spaces), most
/// first.
pub fn lost_reasons(
    tx: &dyn Tx,
    clock: &Clock,
    scope: &Scope,
    w: &Window,
) -> Result<Vec<LostReasonRow>> {
    let (since, until) = window(clock, w)?;
    let lost = closed_between(
        tx,
        &filter_of(tx, scope)?,
        &[Status::Lost],
        (since, until),
        ClosedBy {
            owner: false,
            reason: true,
        },
    )?;
    let total: i128 = lost.iter().map(|s| i128::from(s.count)).sum();
    // Reasons alike but for case and the spaces around them are one; each group shows the
    // spelling most of its deals used (the first in order, on a tie).
    let mut groups: BTreeMap<Option<String>, (i64, i128, BTreeMap<String, i64>)> = BTreeMap::new();
    for s in &lost {
        let said = s.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let g = groups.entry(said.map(|r| r.to_lowercase())).or_default();
        g.0 += s.count;
        g.1 += s.value;
        if let Some(r) = said {
            *g.2.entry(r.to_string()).or_default() += s.count;
        }
    }
    let mut rows: Vec<LostReasonRow> = groups
        .into_values()
        .map(|(count, value, spellings)| LostReasonRow {
            reason: spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(s, _)| s),
            count,
            value,
            share: ratio4(count.into(), total).unwrap_or(0.0),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| match (&a.reason, &b.reason) {
                (Some(x), Some(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
    });
    Ok(rows)
}
