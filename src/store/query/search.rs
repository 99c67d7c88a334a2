//! The SQL that finds deals by what a user typed, written once for both backends: a name or
//! part of one, a contact's part, the start of a reference, an owner's spellings. Each goes
//! through an index (the trigram indexes of names and contacts, `deals_ref`, an owner index).

use super::{Arg, Binds, Dialect, DEAL_COLUMNS};

impl Dialect {
    /// The condition on deals `d` whose name key is `key` (`exact`) or contains it, through
    /// an index either way: `deals_name`, or the name's trigrams (SQLite's FTS5 table
    /// `deal_names`, narrowed then checked with instr(); PostgreSQL's pg_trgm index through
    /// LIKE). A text shorter than a trigram is looked for in every name.
    pub(super) fn name_matches(self, key: &str, exact: bool, binds: &mut Binds) -> String {
        if exact {
            return format!("d.name_key = {}", binds.bind(Arg::Text(key.to_string())));
        }
        match self {
            Dialect::Sqlite => {
                let found = format!(
                    "instr(d.name_key, {}) > 0",
                    binds.bind(Arg::Text(key.to_string()))
                );
                if key.chars().count() < 3 {
                    return found;
                }
                let trigrams = binds.bind(Arg::Text(fts_trigrams(key)));
                format!(
                    "d.id IN (SELECT r.id FROM deal_names f JOIN deal_rows r ON r.rowid = f.rowid \
                     WHERE deal_names MATCH {}) AND {found}",
                    RAREST_TRIGRAMS_SQL.replace("?T", &trigrams)
                )
            }
            Dialect::Postgres => format!(
                "d.name_key LIKE {}",
                binds.bind(Arg::Text(format!("%{}%", like_escaped(key))))
            ),
        }
    }

    /// The condition on deals `d` whose contact contains `key` (lower-cased; the contact's
    /// ASCII letters are folded), through the contact's trigrams as [`Dialect::name_matches`]
    /// finds names: SQLite's FTS5 table `deal_contacts`, PostgreSQL's `deals_contact_trigrams`.
    pub(super) fn contact_matches(self, key: &str, binds: &mut Binds) -> String {
        match self {
            Dialect::Sqlite => {
                let found = format!(
                    "instr(lower(d.contact_id), {}) > 0",
                    binds.bind(Arg::Text(key.to_string()))
                );
                if key.chars().count() < 3 {
                    return found;
                }
                let trigrams = binds.bind(Arg::Text(fts_trigrams(key)));
                format!(
                    "d.id IN (SELECT r.id FROM deal_contacts f JOIN deal_rows r ON r.rowid = f.rowid \
                     WHERE deal_contacts MATCH {}) AND {found}",
                    RAREST_TRIGRAMS_SQL
                        .replace("deal_names", "deal_contacts")
                        .replace("?T", &trigrams)
                )
            }
            Dialect::Postgres => format!(
                "lower(d.contact_id) LIKE {}",
                binds.bind(Arg::Text(format!("%{}%", like_escaped(key))))
            ),
        }
    }

    /// At most `limit` deals whose name key is `key` or contains it, oldest first.
    pub(crate) fn deals_by_name(self, key: &str, exact: bool, limit: usize) -> (String, Vec<Arg>) {
        let mut binds = Binds::new(self);
        let cond = self.name_matches(key, exact, &mut binds);
        let limit = binds.bind(Arg::Int(limit as i64));
        (
            format!("SELECT {DEAL_COLUMNS} FROM deals d WHERE {cond} ORDER BY d.created_at, d.id LIMIT {limit}"),
            binds.args,
        )
    }

    /// How many deals [`Dialect::deals_by_name`] finds without a limit.
    pub(crate) fn count_by_name(self, key: &str, exact: bool) -> (String, Vec<Arg>) {
        let mut binds = Binds::new(self);
        let cond = self.name_matches(key, exact, &mut binds);
        (
            format!("SELECT count(*) FROM deals d WHERE {cond}"),
            binds.args,
        )
    }

    /// The expression of the index `deals_ref`: a deal's id's last seven characters, the
    /// reference tables show for all but the few deals whose ids share those.
    fn ref_key(self) -> &'static str {
        match self {
            Dialect::Sqlite => "substr(d.id, -7)",
            Dialect::Postgres => "right(d.id, 7)",
        }
    }

    /// At most `limit` deals whose id's last `len` characters start with `start`: the part of
    /// `start` within the last seven is one range of `deals_ref`; the characters before it
    /// (of a reference longer than seven) are checked on each deal of the range.
    pub(crate) fn deals_by_reference_start(
        self,
        start: &str,
        len: usize,
        limit: usize,
    ) -> (String, Vec<Arg>) {
        let before = len.saturating_sub(7).min(start.len());
        let (outside, inside) = start.split_at(before);
        let mut binds = Binds::new(self);
        let key = self.ref_key();
        let mut sql = format!(
            "SELECT {DEAL_COLUMNS} FROM deals d WHERE {key} >= {} AND {key} < {}",
            binds.bind(Arg::Text(inside.to_string())),
            // '~' sorts after every base32 character.
            binds.bind(Arg::Text(format!("{inside}~"))),
        );
        if !outside.is_empty() {
            let head = match self {
                Dialect::Sqlite => format!("substr(d.id, -{len}, {before})"),
                Dialect::Postgres => format!("left(right(d.id, {len}), {before})"),
            };
            sql.push_str(&format!(
                " AND {head} = {}",
                binds.bind(Arg::Text(outside.to_string()))
            ));
        }
        let limit = binds.bind(Arg::Int(limit as i64));
        sql.push_str(&format!(" ORDER BY {key} LIMIT {limit}"));
        (sql, binds.args)
    }

    /// The distinct owner ids from `?1` up to (not including) `?2`, in order, read from
    /// `source` one index step each (a loose index scan: the next owner after the last one
    /// found), never deal by deal.
    pub(crate) fn owner_ids_between(self, source: &str) -> String {
        let (lo, hi) = (self.mark(1), self.mark(2));
        format!(
            "WITH RECURSIVE o(v) AS (\
                 SELECT (SELECT min(owner_id) FROM {source} WHERE owner_id >= {lo} AND owner_id < {hi}) \
                 UNION ALL \
                 SELECT (SELECT min(owner_id) FROM {source} WHERE owner_id > o.v AND owner_id < {hi}) \
                 FROM o WHERE o.v IS NOT NULL) \
             SELECT v FROM o WHERE v IS NOT NULL"
        )
    }
}

/// `text` for a LIKE pattern: its `\\`, `%` and `_` taken literally.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// An FTS5 query for the names in `deal_names` holding all of the three rarest of the
/// trigrams in `?T` (a JSON array of FTS5 strings, from [`fts_trigrams`]). FTS5 reads every
/// entry of each trigram it is asked for, and in 1M names `acm` has 200,000 of them; so each
/// trigram's frequency is first estimated from where its 200th entry lies in rowid order
/// (exact below 200), which reads at most 200 entries. The names found hold those three
/// trigrams; the caller checks them for the whole text.
const RAREST_TRIGRAMS_SQL: &str = "(SELECT group_concat(t, ' AND ') FROM (\
     SELECT j.value AS t FROM json_each(?T) j ORDER BY (\
         SELECT CASE WHEN count(*) < 200 THEN count(*) \
             ELSE 200.0 * (SELECT max(rowid) FROM deal_rows) / max(n) END \
         FROM (SELECT rowid AS n FROM deal_names WHERE deal_names MATCH j.value \
             ORDER BY rowid LIMIT 200)) \
     LIMIT 3))";

/// The distinct three-character pieces of `key`, each an FTS5 string, as a JSON array.
fn fts_trigrams(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let mut pieces: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let piece: String = w.iter().collect();
        let quoted = format!("\"{}\"", piece.replace('"', "\"\""));
        if !pieces.contains(&quoted) {
            pieces.push(quoted);
        }
    }
    serde_json::Value::from(pieces).to_string()
}
