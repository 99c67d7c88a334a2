//! rex's storage API: one narrow interface in domain types, with two backends behind it.
//!
//! A [`Store`] is one open database: a SQLite file ([`sqlite`], the default) or a shared
//! PostgreSQL database ([`postgres`], team mode). Work happens inside [`Store::read`],
//! [`Store::write`] or [`Store::rehearse`], each one transaction that hands the closure a
//! [`Tx`]; several calls on it compose into one all-or-nothing change. Outcomes a command
//! must act on ("busy", "name taken", "damaged") come back as [`Error`] values that each
//! backend maps from its own error codes, never from error text.
//!
//! Each backend owns its SQL, its migrations and how it loads an import ([`Store::import`]):
//! SQLite in short hidden chunks published at once, PostgreSQL in one transaction.
//!
//! [`Tx`] answers questions in the domain's words, each in a few rows however many deals
//! there are; what is worked out from the answers (a board's weighted sums, a report's
//! window of days, short references) lives above the store, in the operations. A deal is
//! mapped to its stored row and back in one place for both backends (`cells`), and the SQL
//! written once for both (`query`) lists the tables and columns it reads.

mod activities;
mod cells;
mod filter;
mod postgres;
mod query;
mod sqlite;
mod team;
mod tokens;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use serde::Serialize;

pub(crate) use cells::damaged;
pub(crate) use sqlite::file;

use crate::error::{Error, Result};
use crate::id::{DealId, PipelineId, StageId};
use crate::money::Cents;
use crate::record::{Deal, Event, NextActivity, Pipeline, Stage, Status};
pub use activities::{Activities, ActivityAfter, ActivityFilter, NewActivity};
pub use filter::{owner_ids_by, owner_runs, After, DealFilter, DealSort, OrderKey};
pub use team::{
    AuditEvent, AuditFilter, InitStep, Joined, Left, LoginState, Seat, Team, TeamMember, TeamRole,
};
pub use tokens::{StoredReplay, StoredToken, Tokens};

/// Where the data lives: a SQLite file, or a PostgreSQL server named by a URL.
#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Server(Box<postgres::ServerUrl>),
}

impl Location {
    /// A `--db` value: a `postgres://` or `postgresql://` URL names a server; another URL is
    /// refused (it would otherwise become an odd relative file name), and so is libpq's
    /// key=value form (`host=db user=ana password=…`: a file named so would hold the
    /// password, and rex would print it); anything else is a path. `source` names where
    /// the value came from, for messages.
    pub fn parse(text: &std::ffi::OsStr, source: &str) -> Result<Location> {
        let keywords = text
            .to_str()
            .map(postgres::ServerUrl::key_value_keywords)
            .unwrap_or_default();
        if !keywords.is_empty() {
            let keys: Vec<String> = keywords.iter().map(|k| format!("{k}=")).collect();
            return Err(Error::usage(format!(
                "{source} is a key=value connection string ({}); rex takes a PostgreSQL server as a URL: postgres://USER:PASSWORD@HOST:PORT/DBNAME (a file whose name holds '=' can be given as ./NAME)",
                keys.join(", ")
            )));
        }
        if text
            .to_str()
            .is_some_and(postgres::ServerUrl::has_credentials)
        {
            return Err(Error::usage(format!(
                "{source} looks like a server address with a password (USER:PASSWORD@HOST), not a file; rex takes a PostgreSQL server as a URL: postgres://USER:PASSWORD@HOST:PORT/DBNAME (a file whose name holds ':' and '@' can be given as ./NAME)"
            )));
        }
        let Some((url, scheme)) = text
            .to_str()
            .and_then(|t| Some((t, postgres::ServerUrl::scheme_of(t)?)))
        else {
            return Ok(Location::File(PathBuf::from(text)));
        };
        if scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql") {
            return Ok(Location::Server(Box::new(postgres::ServerUrl::parse(
                url, source,
            )?)));
        }
        Err(Error::usage(format!(
            "{source} {} is a URL rex cannot use; give a database file path (like --db ~/work/rex.db) or a postgres:// URL",
            postgres::ServerUrl::hide_password(url)
        )))
    }

    /// Refuses, before anything is created, a file path that cannot hold a database (too
    /// long for SQLite, a directory, a device); a server is checked when connecting.
    pub fn check(&self) -> Result<()> {
        match self {
            Location::File(path) => file::check_path(path),
            Location::Server(_) => Ok(()),
        }
    }

    /// Whether this is a database file that does not exist yet (a server's database is
    /// never missing here: connecting says whether it exists).
    pub fn is_missing(&self) -> bool {
        match self {
            Location::File(path) => {
                std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
            }
            Location::Server(_) => false,
        }
    }

    /// The location as it may be shown: a path, or a URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Server(url) => url.shown(),
        }
    }
}

/// One open database.
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(Box<postgres::PgStore>),
}

/// One open transaction, whatever the backend: every query goes through it.
pub trait Tx: Deals + Pipelines + Tokens + Activities {
    /// Row counts for `rex info`.
    fn counts(&self) -> Result<Counts>;
    /// The schema version the database is at.
    fn schema_version(&self) -> Result<i64>;
    /// Who the connection's login is on a team database (read once when rex connected);
    /// None on a database without team roles, and on a SQLite file.
    fn seat(&self) -> Option<&Seat> {
        None
    }
    /// The team's roles and audit trail: None on a SQLite file (one person's).
    fn team(&self) -> Option<&dyn Team> {
        None
    }
}

/// Row counts for `rex info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub pipelines: i64,
    pub stages: i64,
    pub deals: i64,
    pub events: i64,
}

/// What a command will do with the database: a reader may still be served when the disk is
/// full; a writer needs it writable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// What opening a database file that does not exist yet does. Only a command that adds data
/// creates one, so that a mistyped path never quietly becomes a new, empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Create it (with its directory), as a command that adds data does.
    Create,
    /// Refuse (exit 6), creating nothing.
    Refuse,
    /// Open an empty database in memory in its place, creating nothing: what a read sees
    /// before the first write made the file.
    Empty,
}

/// How an import writes: as a rehearsal rolled back at the end, as updates of existing
/// deals, or as new records only (which a backend may load beside other people's work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Load {
    DryRun,
    Upsert,
    Insert,
}

/// The records of an import, fed to the backend one at a time by the command reading them.
pub trait Feed {
    /// Reads the whole input, outside any transaction and before the first record is
    /// taken, so that a transaction holding the write lock for the whole import never waits
    /// for a slow producer.
    fn read_to_end(&mut self) -> Result<()>;
    /// Waits, outside any transaction, until a record is ready or the input has ended;
    /// false when it has ended.
    fn wait(&mut self) -> bool;
    /// Writes the next record in `tx` if one arrives within `within` (however long it takes
    /// when None); false when none did or the input has ended.
    fn record_next(&mut self, tx: &dyn Tx, within: Option<Duration>) -> Result<bool>;
    /// Where the record last taken is in the input (`line 7`), for a backend that checks
    /// records in batches to name the one it refuses.
    fn at(&self) -> &str;
    /// The refusal of the record at `at`, found when its batch was checked after the record
    /// was written, in the words the import uses for it.
    fn refused(&self, at: &str, why: Refusal) -> Error;
}

/// Why a backend that checks an import's new records in batches (PostgreSQL) refused one:
/// what the record's writing would have been told on the spot, found later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A deal of the record's id exists already (in the database, or earlier in the input).
    DealExists(DealId),
    /// Another deal comes from the record's origin.
    OriginTaken(String),
    /// A history entry's deal does not exist, or comes later in the input.
    NoDealForEvent(DealId),
    /// An activity's deal does not exist, or comes later in the input.
    NoDealForActivity(DealId),
    /// An activity of the record's id exists already.
    ActivityExists(crate::id::ActivityId),
    /// The deal's stage was removed by someone else while the import ran.
    StageGone(crate::id::StageId),
}

impl Store {
    /// Opens (creating on first use) the database and brings its schema up to date. A newer
    /// schema or a database that is not rex's is refused (exit 6) and left untouched.
    pub fn open(location: &Location, busy_timeout: Duration, access: Access) -> Result<Store> {
        Store::open_for(location, busy_timeout, access, Missing::Create)
    }

    /// Opens the database like [`Store::open`], but a file that does not exist yet is
    /// created, refused or stood in for as `missing` says.
    pub fn open_for(
        location: &Location,
        busy_timeout: Duration,
        access: Access,
        missing: Missing,
    ) -> Result<Store> {
        Ok(match location {
            Location::File(path) => Store::Sqlite(sqlite::SqliteStore::open_for(
                path,
                busy_timeout,
                access,
                missing,
            )?),
            Location::Server(url) => {
                Store::Postgres(Box::new(postgres::PgStore::open(url, busy_timeout)?))
            }
        })
    }

    /// The database opened to read as it stands, if it exists at today's schema: nothing is
    /// created, upgraded or waited for (for shell completion).
    pub fn peek(location: &Location) -> Option<Store> {
        match location {
            Location::File(path) => sqlite::SqliteStore::peek(path).map(Store::Sqlite),
            Location::Server(url) => {
                postgres::PgStore::peek(url).map(|s| Store::Postgres(Box::new(s)))
            }
        }
    }

    /// Who the history events written from now on are recorded as, on a SQLite file (who
    /// is at work, as the front door knows it). A server records its own login of the
    /// connection instead, which no client can choose, and ignores this.
    pub fn record_actor(&mut self, actor: String) {
        match self {
            Store::Sqlite(s) => s.set_actor(actor),
            Store::Postgres(_) => {}
        }
    }

    /// Whether the store can no longer be used: a server's connection that was lost (a
    /// file stays usable).
    pub fn is_closed(&self) -> bool {
        match self {
            Store::Sqlite(_) => false,
            Store::Postgres(s) => s.is_closed(),
        }
    }

    /// Where the database is, as it may be shown (a URL without its password).
    pub fn shown(&self) -> String {
        match self {
            Store::Sqlite(s) => s.path().display().to_string(),
            Store::Postgres(s) => s.url().shown(),
        }
    }

    /// The files the database lives in, existing or not, which rex never writes over: a
    /// SQLite file and the companions SQLite keeps beside it; none for a server.
    pub fn files(&self) -> Vec<PathBuf> {
        match self {
            Store::Sqlite(s) => s.files(),
            Store::Postgres(_) => Vec::new(),
        }
    }

    /// Removes a database file this process created and left without pipelines or deals
    /// (see `SqliteStore::discard_if_unused`); a server's database is never removed.
    pub fn discard_if_unused(self) -> Result<()> {
        match self {
            Store::Sqlite(s) => s.discard_if_unused(),
            Store::Postgres(_) => Ok(()),
        }
    }

    /// Whether the database exists: false for the empty stand-in of a file not created yet
    /// (see [`Missing::Empty`]).
    pub fn exists(&self) -> bool {
        match self {
            Store::Sqlite(s) => !s.is_stand_in(),
            Store::Postgres(_) => true,
        }
    }

    /// The backend's name, as `rex info` shows it.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgresql",
        }
    }

    /// Writes a consistent copy of the whole database into `empty`, an empty file, while
    /// others keep working; a copy that cannot be written is a failure named by `target`,
    /// the path the copy is for. A SQLite database only: a server has its own tools.
    pub fn backup_into(&mut self, empty: &Path, target: &Path) -> Result<()> {
        match self {
            Store::Sqlite(s) => s.backup_into(empty, target),
            Store::Postgres(_) => Err(Error::usage(
                "rex backup copies a SQLite database file; back up a PostgreSQL database with pg_dump, or keep a copy with rex export",
            )),
        }
    }

    /// Runs `f` in a read transaction: one consistent snapshot.
    pub fn read<T>(&mut self, mut f: impl FnMut(&dyn Tx) -> Result<T>) -> Result<T> {
        self.run(Kind::Read, &mut f)
    }

    /// Runs `f` in a write transaction: all of it is committed, or none of it. A backend may
    /// run `f` again after a conflict it can retry (a PostgreSQL serialization failure), so
    /// `f` must only compute and write through its `Tx`.
    pub fn write<T>(&mut self, mut f: impl FnMut(&dyn Tx) -> Result<T>) -> Result<T> {
        self.run(Kind::Write, &mut f)
    }

    /// Runs `f` in a write transaction and then rolls it back: for dry runs.
    pub fn rehearse<T>(&mut self, mut f: impl FnMut(&dyn Tx) -> Result<T>) -> Result<T> {
        self.run(Kind::Rehearse, &mut f)
    }

    fn run<T>(&mut self, kind: Kind, f: &mut dyn FnMut(&dyn Tx) -> Result<T>) -> Result<T> {
        let mut out = None;
        let mut body = |tx: &dyn Tx| -> Result<()> {
            out = Some(f(tx)?);
            Ok(())
        };
        match self {
            Store::Sqlite(s) => s.transaction(kind, &mut body)?,
            Store::Postgres(s) => s.transaction(kind, &mut body)?,
        }
        out.ok_or_else(|| Error::Failed("a transaction ended without its result".into()))
    }

    /// Loads an import's records, all or nothing, the way the backend does it best; other
    /// people's reads and writes go on meanwhile and never see part of it.
    pub fn import(
        &mut self,
        load: Load,
        clock: crate::clock::Clock,
        feed: &mut dyn Feed,
    ) -> Result<()> {
        match self {
            Store::Sqlite(s) => s.import(load, clock, feed),
            Store::Postgres(s) => s.import(load, feed),
        }
    }
}

/// What a transaction may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Read,
    Write,
    Rehearse,
}

/// Closed deals summed by pipeline and status, and by owner and close reason when asked
/// ([`ClosedBy`]): what the reports read of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedSum {
    pub pipeline_id: PipelineId,
    pub won: bool,
    /// The owner, when summed by owner.
    pub owner_id: Option<String>,
    /// The close reason as stored, when summed by reason.
    pub reason: Option<String>,
    pub count: i64,
    pub value: i128,
    /// Of won deals, the seconds from creation to close, each at least 0, added up.
    pub cycle_seconds: i128,
}

/// Whole UTC days of closed deals, summed by pipeline and status (and reason when
/// `by_reason`): the days from `first` up to `end`, of `statuses`, of one pipeline or all.
#[derive(Debug, Clone, Copy)]
pub struct ClosedDays<'a> {
    pub first: NaiveDate,
    pub end: NaiveDate,
    pub statuses: &'a [Status],
    pub pipeline: Option<PipelineId>,
    pub by_reason: bool,
}

/// What closed deals are summed by, beyond their pipeline and status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClosedBy {
    pub owner: bool,
    pub reason: bool,
}

/// How many deals, their value and their value weighted by each one's chance of winning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: i64,
    pub value: i128,
    pub weighted: i128,
}

/// A history event with its details as stored: a JSON object's text.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub deal_id: String,
    pub at: String,
    pub kind: String,
    pub details: String,
}

/// Deals of one stage and status whose values end in the same `cents` (value % 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentsTotal {
    pub status: Status,
    pub cents: i64,
    pub deals: i64,
    pub value: i128,
}

/// A pipeline as `pipeline list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineSummary {
    pub id: PipelineId,
    pub name: String,
    pub stall_days: u32,
    pub stage_count: i64,
    pub open_count: i64,
    pub open_value: i128,
    pub created_at: String,
    pub updated_at: String,
    /// Open and stalled deals: the ones still being worked.
    pub active_count: i64,
    pub active_value: i128,
    pub stalled_count: i64,
}

/// Deals and their history.
pub trait Deals {
    fn deal(&self, id: DealId) -> Result<Option<Deal>>;
    fn deal_exists(&self, id: DealId) -> Result<bool>;
    fn insert_deal(&self, d: &Deal) -> Result<()>;
    /// Inserts a deal unless one with its id exists; false when it did.
    fn insert_deal_if_new(&self, d: &Deal) -> Result<bool>;
    /// Writes every field of an existing deal.
    fn update_deal(&self, d: &Deal) -> Result<()>;
    /// Deletes a deal and its history; false when there was no such deal.
    fn delete_deal(&self, id: DealId) -> Result<bool>;
    /// Deals of one stage, any status, oldest first.
    fn deals_of_stage(&self, stage: StageId) -> Result<Vec<Deal>>;
    /// Calls `each` with every deal matching `filter` and its next step, sorted, at most
    /// `limit` of them, as rows are read (a batch at a time at most): memory does not grow
    /// with the number of deals. With `after` (whose key is of `sort`), only the deals
    /// strictly after it in that order.
    fn for_each_deal(
        &self,
        filter: &DealFilter,
        sort: DealSort,
        desc: bool,
        after: Option<&After>,
        limit: Option<u64>,
        each: &mut dyn FnMut(Deal, Option<NextActivity>) -> Result<()>,
    ) -> Result<()>;
    /// Every deal in id order. The order is the data's own: ids are time-ordered, so new
    /// deals come last, and an export imported anywhere exports again in the same order.
    fn for_each_deal_stored(&self, each: &mut dyn FnMut(Deal) -> Result<()>) -> Result<()>;
    /// The totals of the deals `filter` selects, per expected close date (None: without one).
    fn totals_by_expected_close(
        &self,
        filter: &DealFilter,
    ) -> Result<Vec<(Option<NaiveDate>, Totals)>>;
    /// How many deals `filter` selects.
    fn count_deals(&self, filter: &DealFilter) -> Result<i64>;
    /// The deals imported from another CRM, by their origin (`hubspot:123`).
    fn deal_origins(&self) -> Result<Vec<(String, DealId)>>;
    /// The closed deals `filter` selects (statuses among won and lost, and a window of
    /// `closed_from`/`closed_before`), summed as `by` says; groups without deals are left out.
    fn closed_sums(&self, filter: &DealFilter, by: ClosedBy) -> Result<Vec<ClosedSum>>;
    /// The same for the deals closed on the whole UTC days `days` gives, of its statuses and
    /// pipeline, summed per pipeline and status (and reason when asked) over those days: a
    /// backend answers it from its counters of closed deals per day, without reading the
    /// deals, so that a report of a year reads a few rows per day. A counter rex cannot read
    /// is [`Error::Unusable`] (the deals themselves then name the damaged one).
    fn closed_sums_on_days(&self, days: ClosedDays) -> Result<Vec<ClosedSum>>;
    /// At most `limit` deals whose id ends in `end` (lower-case base32, 6 to 16 characters;
    /// a longer end is matched on its last 16 and filtered by the caller).
    fn deals_ending_in(&self, end: &str, limit: usize) -> Result<Vec<Deal>>;
    /// At most `limit` deals whose id's last `len` characters (7 to 26) start with `start`
    /// (lower-case base32, at least 3 of its characters within the id's last seven): the
    /// deals a reference of `len` characters, as tables show it, begun with `start` may name.
    fn deals_by_reference_start(&self, start: &str, len: usize, limit: usize) -> Result<Vec<Deal>>;
    /// The owner ids stored (even of deals an import in progress hides) that equal `owner`
    /// ignoring case ([`crate::record::name_key`]), each once: `Ben` finds `ben` and `BEN`.
    /// Read from an index that leads with the owner, one step per distinct owner whose first
    /// letter is `owner`'s in either case, never from the deals.
    fn owner_ids(&self, owner: &str) -> Result<Vec<String>>;
    /// The `limit` newest active deals (for completion).
    fn recent_active_deals(&self, limit: usize) -> Result<Vec<Deal>>;
    /// At most `limit` deals whose name key (see [`crate::record::name_key`]) is `key`, or
    /// contains it when not `exact`, oldest first.
    fn deals_by_name(&self, key: &str, exact: bool, limit: usize) -> Result<Vec<Deal>>;
    /// How many deals [`Deals::deals_by_name`] would find without a limit.
    fn count_by_name(&self, key: &str, exact: bool) -> Result<i64>;
    /// How many of the last characters of `id` (at most 16) the id of another deal ends in
    /// too, even of one an import in progress still hides: one more makes a reference to
    /// `id` that stays unique once they are published. Below seven (the shortest reference)
    /// a backend may answer any smaller number.
    fn id_end_shared(&self, id: DealId) -> Result<usize>;
    /// Deals of one stage and status idle since before `idle_since` (and, when given, active
    /// after `active_after`), optionally of one owner; longest idle first.
    fn idle_deals(
        &self,
        stage: StageId,
        status: Status,
        idle_since: &str,
        active_after: Option<&str>,
        owner: Option<&str>,
    ) -> Result<Vec<Deal>>;
    /// A stage's active (open or stalled) deals, optionally of one owner: how many, their
    /// total value, and the `limit` largest (all when None), largest first.
    fn stage_active(
        &self,
        stage: StageId,
        owner: Option<&str>,
        limit: Option<usize>,
    ) -> Result<(i64, i128, Vec<Deal>)>;
    /// Adds a history event, recording who made it as the backend knows it (see
    /// [`Store::record_actor`]); the event's own `actor` is not written.
    fn add_event(&self, e: &Event) -> Result<()>;
    /// Adds a history event as [`Deals::add_event`] does; false when its deal does not exist.
    fn add_event_if_deal_exists(&self, e: &Event) -> Result<bool>;
    /// Whether the deal's history holds this event already (the same time, kind and details):
    /// what an import with `--upsert` leaves out, so that importing an export again adds no
    /// history.
    fn event_recorded(&self, e: &Event) -> Result<bool>;
    /// A deal's history, oldest first, each event with who recorded it.
    fn events(&self, deal: DealId) -> Result<Vec<Event>>;
    /// Every history event of every deal, in the order they were recorded, with its details
    /// as the stored JSON text (an export passes them through unparsed).
    fn for_each_event_raw(&self, each: &mut dyn FnMut(RawEvent) -> Result<()>) -> Result<()>;
    /// Every deal's history, deal by deal in id order (each oldest first), its details as
    /// stored: a reader of every event parses only what it needs.
    fn for_each_history(&self, each: &mut dyn FnMut(Vec<RawEvent>) -> Result<()>) -> Result<()>;
}

/// Which pipelines [`Pipelines::pipeline_heads`] reads, and in what order.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    Id(PipelineId),
    /// Named so, ignoring case.
    Named(&'a str),
    /// The one a stage belongs to.
    OfStage(StageId),
    /// All, in name order.
    ByName,
    /// All, oldest first (the order an export writes them).
    ByAge,
}

/// Pipelines and their stages.
pub trait Pipelines {
    /// The pipelines `which` selects, without their stages, in its order.
    fn pipeline_heads(&self, which: Which) -> Result<Vec<Pipeline>>;
    /// A pipeline's stages, in order.
    fn stages_of(&self, pipeline: PipelineId) -> Result<Vec<Stage>>;
    /// The pipelines `which` selects, with their stages.
    fn pipelines_where(&self, which: Which) -> Result<Vec<Pipeline>> {
        let mut found = self.pipeline_heads(which)?;
        for p in &mut found {
            p.stages = self.stages_of(p.id)?;
        }
        Ok(found)
    }
    fn pipeline(&self, id: PipelineId) -> Result<Option<Pipeline>> {
        Ok(self.pipelines_where(Which::Id(id))?.pop())
    }
    /// The pipeline whose name matches ignoring case.
    fn pipeline_named(&self, name: &str) -> Result<Option<Pipeline>> {
        Ok(self.pipelines_where(Which::Named(name))?.pop())
    }
    /// The pipeline a stage belongs to.
    fn pipeline_of_stage(&self, stage: StageId) -> Result<Option<Pipeline>> {
        Ok(self.pipelines_where(Which::OfStage(stage))?.pop())
    }
    /// Every pipeline's name, in name order (for "did you mean" lists).
    fn pipeline_names(&self) -> Result<Vec<String>> {
        Ok(self
            .pipeline_heads(Which::ByName)?
            .into_iter()
            .map(|p| p.name)
            .collect())
    }
    /// All pipelines with their stages, oldest first (the order an export writes them).
    fn pipelines_by_age(&self) -> Result<Vec<Pipeline>> {
        self.pipelines_where(Which::ByAge)
    }
    /// All pipelines with their stages, in name order.
    fn pipelines(&self) -> Result<Vec<Pipeline>> {
        self.pipelines_where(Which::ByName)
    }
    /// Every stage with this name (ignoring case) in any pipeline, with its pipeline's name.
    fn stages_named(&self, name: &str) -> Result<Vec<(Stage, PipelineId, String)>>;
    /// Every stage's name and its pipeline's name, for showing deals.
    fn stage_labels(&self) -> Result<HashMap<StageId, (String, String)>>;
    /// Every pipeline as `pipeline list` shows it, its deals not yet counted, in name order.
    fn summary_heads(&self) -> Result<Vec<PipelineSummary>>;
    /// How many deals of one status a pipeline holds, and their total value.
    fn status_totals(&self, pipeline: PipelineId, status: Status) -> Result<(i64, i128)>;
    /// A stage's open and stalled deals, counted and summed per status and per the cents
    /// of their values (value % 100): what the exact sum of their values, each weighted at
    /// the stage's chance and rounded on its own, is worked out from.
    fn active_by_cents(&self, stage: StageId) -> Result<Vec<CentsTotal>>;
    /// How much the stage's open and stalled deals that carry a chance of their own add to
    /// (or take from) its weighted value, against being weighted at the stage's `percent`.
    fn own_chance_adjustment(&self, stage: StageId, percent: u8) -> Result<i128>;
    /// Inserts a pipeline and its stages; a name another transaction took meanwhile is a
    /// conflict (exit 4).
    fn insert_pipeline(&self, p: &Pipeline) -> Result<()>;
    /// Writes a changed pipeline: its own fields and its stages as given (new ones
    /// inserted, changed ones updated, missing ones deleted).
    fn update_pipeline(&self, p: &Pipeline) -> Result<()>;
    fn delete_pipeline(&self, id: PipelineId) -> Result<()>;
}

/// SQL for `value` weighted by `percent`, to the nearest cent, halves up, without the
/// product overflowing: the same as [`crate::record::Probability::weigh`]. Both backends'
/// integer division truncates, so the one formula serves both.
pub(crate) fn weighted(value: &str, percent: &str) -> String {
    format!("(({value} / 100) * {percent} + (({value} % 100) * {percent} + 50) / 100)")
}

/// The total of the two columns of a wide sum ([`query::Dialect::wide_sum`]): the sums of
/// the values' high and low 32 bits, which no number of deals can overflow.
pub(crate) fn wide_total(high: i64, low: i64) -> i128 {
    (i128::from(high) << 32) + i128::from(low)
}
