//! An import of new records loaded in batches: the deals, history entries and activities
//! the importer writes are kept as rows in COPY's text format and sent with one `COPY …
//! FROM STDIN` per table and batch, instead of one statement each. What writing a record
//! would have checked on the spot (a deal's id or origin taken, a history entry's or an
//! activity's deal missing or coming later, an activity's id taken) is checked for the whole
//! batch before it is sent, in a few statements, and the first record refused is named as
//! the importer names it ([`Refusal`]). Any other statement of the transaction sends the
//! batch first, so that it reads what was written before it.
//!
//! On a team's database row-level security judges every row a login writes, and the
//! server refuses COPY into such a table: an admin loads as the owner role, which the
//! policies do not judge; a member keeps writing row by row (see `start_bulk`).
//!
//! Into a database without deals, the secondary indexes of deals, history and activities
//! are built after a large load (see `take_indexes_down`): those tables are then the
//! import's alone until it commits.

use std::collections::HashSet;
use std::io::Write;

use postgres::Transaction;

use super::PgTx;
use crate::error::{Error, Result};
use crate::id::{ActivityId, DealId, StageId};
use crate::record::{Activity, Deal, Event};
use crate::store::activities::{activity_row, ACTIVITY_ROW_COLUMNS};
use crate::store::cells::{deal_row, Arg, DEAL_ROW_COLUMNS};
use crate::store::Refusal;

/// A batch is sent once its rows take this many bytes (about 10,000 deals).
const BATCH_BYTES: usize = 4 << 20;

/// The columns of a history entry a batch writes (its actor is the server's).
const EVENT_COLUMNS: &str = "deal_id, at, kind, details";

/// What one row of a batch must be checked for, in the order the rows were written.
enum Check {
    /// A deal: its id, its origin and its stage (which someone may remove meanwhile).
    Deal {
        record: u64,
        id: DealId,
        origin: Option<String>,
        stage: StageId,
    },
    /// A deal that must exist before the record: a history entry's or an activity's.
    Exists {
        record: u64,
        deal: DealId,
        why: Refusal,
    },
    /// An activity whose id the record gave.
    Activity { record: u64, id: ActivityId },
}

/// The rows of the batch being gathered, and where the import stands.
pub(in crate::store::postgres) struct Bulk {
    deals: Vec<u8>,
    events: Vec<u8>,
    activities: Vec<u8>,
    checks: Vec<Check>,
    /// The deals of this batch so far (a history entry may name one of them).
    batch_deals: HashSet<DealId>,
    /// The record being written: its number in the import, from 1.
    record: u64,
    /// Where each record of the batch is in the input, by number, from `first`.
    places: Vec<String>,
    first: u64,
    /// The first record refused when a batch was checked, and why.
    refused: Option<(u64, Refusal)>,
    /// The secondary indexes of deals, history and activities, taken down for a load into a
    /// database without deals, to build again once it is done: how to create each. None
    /// until the first batch goes.
    indexes: Option<Vec<String>>,
}

impl Bulk {
    pub(in crate::store::postgres) fn new() -> Bulk {
        Bulk {
            deals: Vec::new(),
            events: Vec::new(),
            activities: Vec::new(),
            checks: Vec::new(),
            batch_deals: HashSet::new(),
            record: 1,
            places: Vec::new(),
            first: 1,
            refused: None,
            indexes: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.deals.is_empty() && self.events.is_empty() && self.activities.is_empty()
    }

    fn is_full(&self) -> bool {
        self.deals.len() + self.events.len() + self.activities.len() >= BATCH_BYTES
    }
}

/// Appends one row in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
fn copy_row(out: &mut Vec<u8>, values: &[Arg]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match v {
            Arg::Null => out.extend_from_slice(b"\\N"),
            Arg::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Arg::Text(t) => copy_text(out, t),
        }
    }
    out.push(b'\n');
}

fn copy_text(out: &mut Vec<u8>, text: &str) {
    for &b in text.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

impl PgTx<'_, '_> {
    /// Loads this transaction's new deals, history and activities in batches from now on,
    /// if it may: true when it does. On a team's database (`team`) a login that may take on
    /// the owner role (an admin's) loads as the owner, whom row-level security does not judge
    /// (an admin's policies let every row through anyway; the history still records the
    /// login, `session_user`); another keeps writing row by row, each judged by the policies.
    pub(in crate::store::postgres) fn start_bulk(&self, team: bool) -> Result<bool> {
        if team {
            let owner = self.count(
                "SELECT count(*) WHERE pg_has_role(session_user, 'rex_owner', 'MEMBER')",
                &[],
            )? == 1;
            if !owner {
                return Ok(false);
            }
            self.batch("SET LOCAL ROLE rex_owner")?;
        }
        *self.bulk.borrow_mut() = Some(Bulk::new());
        Ok(true)
    }

    /// Into a database without deals, the secondary indexes of deals, their history and
    /// their activities are dropped for the load and built once at its end, as a bulk load into PostgreSQL is best done: their
    /// definitions, to create them again. Only for a load whose first batch is full (a large
    /// one), when that batch is sent: until then, and for a small load, nothing is locked.
    /// That takes the three tables for this transaction alone (DROP INDEX holds an ACCESS
    /// EXCLUSIVE lock until the commit): others' reads and writes of them wait for the
    /// import, up to their busy timeout. When another transaction is using the table, or the
    /// role may not drop its indexes, they stay and the load goes on beside the others.
    fn take_indexes_down(&self) -> Result<Vec<String>> {
        let empty = self.count("SELECT count(*) FROM (SELECT 1 FROM deals LIMIT 1) d", &[])? == 0;
        if !empty {
            return Ok(Vec::new());
        }
        let indexes = self.rows(
            "SELECT c.relname::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid IN ('deals'::regclass, 'deal_events'::regclass,
                 'activities'::regclass) AND NOT i.indisunique
             ORDER BY c.relname",
            &[],
            |r| {
                let r = crate::store::cells::Reader::new("index", r);
                Ok((r.text(0)?, r.text(1)?))
            },
        )?;
        let drops: String = indexes
            .iter()
            .map(|(name, _)| format!("DROP INDEX \"{}\";", name.replace('"', "\"\"")))
            .collect();
        let mut tx = self.conn()?;
        let taken = tx
            .batch_execute(&format!(
                "SAVEPOINT rex_indexes;
                 LOCK TABLE deals, deal_events, activities IN ACCESS EXCLUSIVE MODE NOWAIT; {drops}
                 RELEASE SAVEPOINT rex_indexes"
            ))
            .is_ok();
        if !taken {
            tx.batch_execute("ROLLBACK TO SAVEPOINT rex_indexes; RELEASE SAVEPOINT rex_indexes")
                .map_err(|e| self.fail(e))?;
            return Ok(Vec::new());
        }
        Ok(indexes.into_iter().map(|(_, create)| create).collect())
    }

    /// Sends the last batch, and builds the indexes taken down for the load.
    pub(in crate::store::postgres) fn finish_bulk(&self) -> Result<()> {
        self.send_bulk()?;
        let indexes = match self.bulk.borrow_mut().as_mut() {
            Some(bulk) => bulk.indexes.take().unwrap_or_default(),
            None => return Ok(()),
        };
        if !indexes.is_empty() {
            // A rex killed while the indexes are built must not leave its session building
            // them, holding the tables, long after it is gone: the server checks for a lost
            // client every second while a statement runs (PostgreSQL 14 and later), and each
            // index is a statement of its own, so that it stops at the latest after one.
            self.batch(
                "SET LOCAL maintenance_work_mem = '256MB';
                 SELECT set_config('client_connection_check_interval', '1s', true)
                 WHERE current_setting('server_version_num')::int >= 140000",
            )?;
            for index in &indexes {
                self.batch(index)?;
            }
        }
        Ok(())
    }

    /// The record numbered so far is written, and was found at `at` in the input.
    pub(in crate::store::postgres) fn record_written(&self, at: &str) {
        if let Some(bulk) = self.bulk.borrow_mut().as_mut() {
            bulk.places.push(at.to_string());
            bulk.record += 1;
        }
    }

    /// The first record refused when a batch was checked: where it is (`at` of the record
    /// being written when it is that one) and why.
    pub(in crate::store::postgres) fn refused(&self, current: &str) -> Option<(String, Refusal)> {
        let bulk = self.bulk.borrow();
        let bulk = bulk.as_ref()?;
        let (record, why) = bulk.refused.clone()?;
        let place = record
            .checked_sub(bulk.first)
            .and_then(|i| bulk.places.get(i as usize))
            .map_or(current, String::as_str);
        Some((place.to_string(), why))
    }

    /// Keeps a new deal for the batch; false when the import does not load in batches.
    pub(super) fn bulk_deal(&self, d: &Deal) -> Result<bool> {
        if !self.is_bulk() {
            return Ok(false);
        }
        let row = deal_row(d)?;
        let full = {
            let mut guard = self.bulk.borrow_mut();
            let Some(bulk) = guard.as_mut() else {
                return Ok(false);
            };
            copy_row(&mut bulk.deals, &row);
            bulk.checks.push(Check::Deal {
                record: bulk.record,
                id: d.id,
                origin: d.origin.clone(),
                stage: d.stage_id,
            });
            bulk.batch_deals.insert(d.id);
            bulk.is_full()
        };
        if full {
            self.send_bulk()?;
        }
        Ok(true)
    }

    /// Keeps a history entry for the batch (`checked`: its deal must exist before its
    /// record); false when the import does not load in batches.
    pub(super) fn bulk_event(&self, e: &Event, checked: bool) -> Result<bool> {
        if !self.is_bulk() {
            return Ok(false);
        }
        let details = serde_json::to_string(&e.details)?;
        let full = {
            let mut guard = self.bulk.borrow_mut();
            let Some(bulk) = guard.as_mut() else {
                return Ok(false);
            };
            if checked {
                bulk.checks.push(Check::Exists {
                    record: bulk.record,
                    deal: e.deal_id,
                    why: Refusal::NoDealForEvent(e.deal_id),
                });
            }
            copy_row(
                &mut bulk.events,
                &[
                    Arg::Text(e.deal_id.to_string()),
                    Arg::Text(e.at.clone()),
                    Arg::Text(e.kind.clone()),
                    Arg::Text(details),
                ],
            );
            bulk.is_full()
        };
        if full {
            self.send_bulk()?;
        }
        Ok(true)
    }

    /// Keeps an activity for the batch: its deal must exist before its record, and its id
    /// be new. False when the import does not load in batches.
    pub(super) fn bulk_activity(&self, a: &Activity) -> Result<bool> {
        let full = {
            let mut guard = self.bulk.borrow_mut();
            let Some(bulk) = guard.as_mut() else {
                return Ok(false);
            };
            let record = bulk.record;
            bulk.checks.push(Check::Exists {
                record,
                deal: a.deal_id,
                why: Refusal::NoDealForActivity(a.deal_id),
            });
            bulk.checks.push(Check::Activity { record, id: a.id });
            copy_row(&mut bulk.activities, &activity_row(a));
            bulk.is_full()
        };
        if full {
            self.send_bulk()?;
        }
        Ok(true)
    }

    /// Whether the import loads in batches: a row is made for the batch only then.
    fn is_bulk(&self) -> bool {
        self.bulk.try_borrow().is_ok_and(|b| b.is_some())
    }

    /// Checks the batch gathered so far and sends it. A record refused is kept (see
    /// [`PgTx::refused`]) and the load fails.
    pub(in crate::store::postgres) fn send_bulk(&self) -> Result<()> {
        let Some(mut bulk) = self.bulk.borrow_mut().take() else {
            return Ok(());
        };
        let sent = self.send(&mut bulk);
        *self.bulk.borrow_mut() = Some(bulk);
        sent
    }

    fn send(&self, bulk: &mut Bulk) -> Result<()> {
        if bulk.refused.is_some() {
            return Err(refused_error());
        }
        if bulk.is_empty() {
            bulk.checks.clear();
            return Ok(());
        }
        if let Some(refused) = self.check(bulk)? {
            bulk.refused = Some(refused);
            return Err(refused_error());
        }
        if bulk.indexes.is_none() {
            // Only a large load (its first batch full) takes the indexes down.
            bulk.indexes = Some(if bulk.is_full() {
                self.take_indexes_down()?
            } else {
                Vec::new()
            });
        }
        // A batch that a writer beside the import beat to an id or an origin (or whose deal
        // it deleted) is rolled back and checked again, to name the record as ever.
        let sent = {
            let mut tx = self.conn()?;
            let sent = tx
                .batch_execute("SAVEPOINT rex_batch")
                .and_then(|()| copy_batch(&mut tx, bulk))
                .and_then(|()| tx.batch_execute("RELEASE SAVEPOINT rex_batch"));
            match sent {
                Err(e) if raced(&e) => {
                    let _ = tx.batch_execute("ROLLBACK TO SAVEPOINT rex_batch");
                    Err(e)
                }
                other => other,
            }
        };
        if let Err(e) = sent {
            if raced(&e) {
                if let Some(refused) = self.check(bulk)? {
                    bulk.refused = Some(refused);
                    return Err(refused_error());
                }
            }
            return Err(self.fail(e));
        }
        bulk.deals.clear();
        bulk.events.clear();
        bulk.activities.clear();
        bulk.checks.clear();
        bulk.batch_deals.clear();
        bulk.places.clear();
        bulk.first = bulk.record;
        Ok(())
    }

    /// The first record of the batch that writing it one by one would have refused: ids and
    /// origins looked for in the database in one statement each, the rest in order here.
    fn check(&self, bulk: &Bulk) -> Result<Option<(u64, Refusal)>> {
        let (mut deal_ids, mut origins, mut activity_ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut stage_ids = HashSet::new();
        for c in &bulk.checks {
            match c {
                Check::Deal {
                    id, origin, stage, ..
                } => {
                    stage_ids.insert(stage.to_string());
                    deal_ids.push(id.to_string());
                    if let Some(o) = origin {
                        origins.push(o.clone());
                    }
                }
                Check::Exists { deal, .. } if !bulk.batch_deals.contains(deal) => {
                    deal_ids.push(deal.to_string())
                }
                Check::Exists { .. } => {}
                Check::Activity { id, .. } => activity_ids.push(id.to_string()),
            }
        }
        let found = |sql: &str, keys: Vec<String>| -> Result<HashSet<String>> {
            if keys.is_empty() {
                return Ok(HashSet::new());
            }
            let rows = self.rows(sql, &[&keys], |r| {
                crate::store::cells::Reader::new("key", r).text(0)
            })?;
            Ok(rows.into_iter().collect())
        };
        let stored_deals = found("SELECT id FROM deals WHERE id = ANY($1)", deal_ids)?;
        let stored_origins = found("SELECT origin FROM deals WHERE origin = ANY($1)", origins)?;
        let stored_activities =
            found("SELECT id FROM activities WHERE id = ANY($1)", activity_ids)?;
        let stored_stages = found(
            "SELECT id FROM stages WHERE id = ANY($1)",
            stage_ids.into_iter().collect(),
        )?;
        let (mut deals, mut taken, mut activities) =
            (HashSet::new(), HashSet::new(), HashSet::new());
        for c in &bulk.checks {
            match c {
                Check::Deal {
                    record,
                    id,
                    origin,
                    stage,
                } => {
                    if deals.contains(id) || stored_deals.contains(&id.to_string()) {
                        return Ok(Some((*record, Refusal::DealExists(*id))));
                    }
                    if !stored_stages.contains(&stage.to_string()) {
                        return Ok(Some((*record, Refusal::StageGone(*stage))));
                    }
                    deals.insert(*id);
                    if let Some(o) = origin {
                        if !taken.insert(o.clone()) || stored_origins.contains(o) {
                            return Ok(Some((*record, Refusal::OriginTaken(o.clone()))));
                        }
                    }
                }
                Check::Exists { record, deal, why } => {
                    if !deals.contains(deal) && !stored_deals.contains(&deal.to_string()) {
                        return Ok(Some((*record, why.clone())));
                    }
                }
                Check::Activity { record, id } => {
                    let text = id.to_string();
                    if !activities.insert(*id) || stored_activities.contains(&text) {
                        return Ok(Some((*record, Refusal::ActivityExists(*id))));
                    }
                }
            }
        }
        Ok(None)
    }
}

/// Sends a batch's rows, by COPY into their tables.
fn copy_batch(tx: &mut Transaction, bulk: &Bulk) -> std::result::Result<(), postgres::Error> {
    let deal_columns = DEAL_ROW_COLUMNS.join(", ");
    let copies = [
        ("deals", deal_columns.as_str(), &bulk.deals),
        ("deal_events", EVENT_COLUMNS, &bulk.events),
        ("activities", ACTIVITY_ROW_COLUMNS, &bulk.activities),
    ];
    for (table, columns, rows) in copies {
        if rows.is_empty() {
            continue;
        }
        let mut writer = tx.copy_in(&format!("COPY {table} ({columns}) FROM STDIN"))?;
        // An error writing is the server's, and finishing reports it.
        let _ = writer.write_all(rows);
        writer.finish()?;
    }
    Ok(())
}

/// Whether a batch failed because a writer beside the import got there first: an id or an
/// origin it took (unique), or a deal it deleted (foreign key).
fn raced(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|d| matches!(d.code().code(), "23505" | "23503"))
}

/// The error a refused batch fails with: the import names the record instead (see
/// [`PgTx::refused`]).
fn refused_error() -> Error {
    Error::Failed("a record of the import was refused; nothing was imported".into())
}
