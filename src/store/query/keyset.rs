//! Where the next page of a deal list starts: the condition that keeps only the deals after
//! the last one a page gave ([`After`]), written once for both backends as a row-value
//! comparison over the same columns the list is ordered by, ties broken by the id. Each
//! compares like its ORDER BY: on an index that holds the order, it is the start of a range,
//! so a page deep in the list costs what the first one does (but by next step, which no
//! index holds: every page of that list is sorted whole).

use super::{Arg, Binds, Dialect};
use crate::store::{After, OrderKey};

impl Dialect {
    /// The condition on deals `d` (with `p` and `s`, their pipeline and stage, when the
    /// list is by stage) that holds for the deals strictly after `after` in its order,
    /// ascending or `desc`. The bound values have the columns' types on both backends:
    /// PostgreSQL's `value` and `position` are bigint, the rest text in the "C" collation,
    /// which compares as SQLite's BINARY does.
    pub(super) fn after(self, after: &After, desc: bool, binds: &mut Binds) -> String {
        let cmp = if desc { "<" } else { ">" };
        let id = Arg::Text(after.id.to_string());
        let text = |t: &str| Arg::Text(t.to_string());
        match &after.key {
            OrderKey::Value(v) => {
                let (v, id) = (binds.bind(Arg::Int(v.get())), binds.bind(id));
                format!("(d.value, d.id) {cmp} ({v}, {id})")
            }
            OrderKey::Created(t) => {
                let (t, id) = (binds.bind(text(t)), binds.bind(id));
                format!("(d.created_at, d.id) {cmp} ({t}, {id})")
            }
            OrderKey::Updated(t) => {
                let (t, id) = (binds.bind(text(t)), binds.bind(id));
                format!("(d.updated_at, d.id) {cmp} ({t}, {id})")
            }
            OrderKey::Name(k) => {
                let (k, id) = (binds.bind(text(k)), binds.bind(id));
                format!("(d.name_key, d.id) {cmp} ({k}, {id})")
            }
            OrderKey::Stage { pipeline, position } => {
                let p = binds.bind(text(pipeline));
                let s = binds.bind(Arg::Int((*position).into()));
                let id = binds.bind(id);
                format!("(p.name_key, s.position, d.id) {cmp} ({p}, {s}, {id})")
            }
            // Deals without a date come last in either direction, among themselves by id.
            OrderKey::ExpectedClose(Some(day)) => {
                let day = binds.bind(Arg::Text(crate::clock::format_date(*day)));
                let id = binds.bind(id);
                format!(
                    "(d.expected_close IS NULL OR (d.expected_close, d.id) {cmp} ({day}, {id}))"
                )
            }
            OrderKey::ExpectedClose(None) => {
                format!(
                    "(d.expected_close IS NULL AND d.id {cmp} {})",
                    binds.bind(id)
                )
            }
            // As by expected close: deals without a next step come last, by id.
            OrderKey::NextActivity(Some(key)) => {
                let (key, id) = (binds.bind(text(key)), binds.bind(id));
                format!("(d.next_key IS NULL OR (d.next_key, d.id) {cmp} ({key}, {id}))")
            }
            OrderKey::NextActivity(None) => {
                format!("(d.next_key IS NULL AND d.id {cmp} {})", binds.bind(id))
            }
        }
    }
}
