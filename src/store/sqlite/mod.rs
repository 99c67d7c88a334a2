//! The SQLite backend: one file per user, the zero-setup default.
//!
//! Each transaction is one SQLite transaction; writes take the write lock up front
//! (`BEGIN IMMEDIATE`), wait up to the busy timeout, and either commit everything or
//! nothing. Imports into a database that holds deals load in hidden chunks ([`staged`]).

mod activities;
mod busy;
mod deals;
pub(crate) mod file;
mod pipelines;
mod staged;
mod tokens;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::cells::Arg;
use super::cells::Cells;
use super::query::Dialect;
use super::{Access, Counts, Kind, Missing, Tx};
use crate::error::{Error, Result};
use crate::id::{DealId, PipelineId, StageId};
use busy::Waiting;

/// `PRAGMA application_id` of a rex database: "REX1".
const APPLICATION_ID: i64 = 0x5245_5831;

/// The numbered migrations; schema version N is the first N applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_staged_imports.sql"),
    include_str!("migrations/003_short_references.sql"),
    include_str!("migrations/004_probabilities.sql"),
    include_str!("migrations/005_name_search.sql"),
    include_str!("migrations/006_stage_totals.sql"),
    include_str!("migrations/007_forecast_totals.sql"),
    include_str!("migrations/008_closed_totals.sql"),
    include_str!("migrations/009_created_order_checks.sql"),
    include_str!("migrations/010_deal_origin.sql"),
    include_str!("migrations/011_staged_stage_positions.sql"),
    include_str!("migrations/012_event_actor.sql"),
    include_str!("migrations/013_reference_starts.sql"),
    include_str!("migrations/014_api_tokens.sql"),
    include_str!("migrations/015_owner_created.sql"),
    include_str!("migrations/016_activities.sql"),
    include_str!("migrations/017_pending_activities.sql"),
    include_str!("migrations/018_lighter_indexes.sql"),
    include_str!("migrations/019_next_step_on_the_deal.sql"),
];

/// The schema version this rex writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct SqliteStore {
    // Dropped in this order: the connection before the state its busy handler reads.
    conn: Connection,
    waiting: std::pin::Pin<Box<Waiting>>,
    path: PathBuf,
    /// Who the history events written through it are recorded as (see [`Self::set_actor`]).
    actor: Option<String>,
    /// An empty database in memory standing in for a file not created yet.
    stand_in: bool,
    /// What this process made when it created the file (see [`SqliteStore::discard_if_unused`]).
    made: Option<file::Made>,
}

/// One open SQLite transaction; every query goes through it.
pub struct SqliteTx<'a> {
    conn: &'a Connection,
    /// The import whose hidden rows this transaction writes; 0 for visible rows.
    batch: i64,
    /// Who its history events are recorded as; None records no one (NULL).
    actor: Option<&'a str>,
}

impl SqliteStore {
    /// Opens (creating on first use) the database at `path`; see [`SqliteStore::open_for`].
    pub fn open(path: &Path, busy_timeout: Duration, access: Access) -> Result<SqliteStore> {
        SqliteStore::open_for(path, busy_timeout, access, Missing::Create)
    }

    /// Opens the database at `path` and brings its schema up to date; when there is no file
    /// yet, `missing` says whether to create it, refuse, or stand in an empty database in
    /// memory. A newer schema or a file that is not a rex database is refused and left
    /// untouched. A new database appears whole or not at all (see [`file::create`]).
    pub fn open_for(
        path: &Path,
        busy_timeout: Duration,
        access: Access,
        missing: Missing,
    ) -> Result<SqliteStore> {
        file::check_stdout(path)?;
        file::check_path(path)?;
        // An empty file is not a database anyone made with rex (rex makes one whole): most
        // likely something wrote over it, as a `>` redirect does. Only what creates a
        // database may make one of it; anything else says so rather than read it as empty.
        if missing != Missing::Create && path.metadata().is_ok_and(|m| m.len() == 0) {
            return Err(Error::Unusable(format!(
                "database {} is an empty file (0 bytes), not a rex database: if it held your data, something wrote over it (a > redirect onto it?); restore it from a backup, or start it with rex pipeline create or rex import",
                path.display()
            )));
        }
        let mut made = None;
        if !path.exists() {
            match missing {
                Missing::Create => {}
                Missing::Refuse => {
                    return Err(Error::Unusable(format!(
                        "no database at {}",
                        path.display()
                    )))
                }
                Missing::Empty => return SqliteStore::stand_in(path),
            }
            made = file::create(path, |temp| {
                SqliteStore::open_file(temp, busy_timeout)?.check_schema()?;
                Ok(())
            })
            .map_err(|e| at_path(explained(e, path), path))?;
        }
        let opened = SqliteStore::open_file(path, busy_timeout).and_then(|mut s| {
            s.check_schema()?;
            s.made = made;
            Ok(s)
        });
        match opened {
            Ok(s) => Ok(s),
            // A full disk leaves no room for SQLite's shared-memory index, but a database
            // whose log is empty can still be read as it is.
            Err(Error::Storage(_)) if access == Access::Read && !has_log(path) => {
                SqliteStore::open_as_is(path).map_err(|e| at_path(explained(e, path), path))
            }
            Err(e) => Err(at_path(explained(e, path), path)),
        }
    }

    /// The database at `path` opened to read as it stands, if it exists at today's schema:
    /// nothing is created or upgraded (for shell completion).
    pub fn peek(path: &Path) -> Option<SqliteStore> {
        if !path.is_file() {
            return None;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).ok()?;
        let (app, version) = versions(&conn).ok()?;
        (app == APPLICATION_ID && version == SCHEMA_VERSION)
            .then(|| SqliteStore::with(conn, path, Duration::ZERO))
    }

    /// An empty database at today's schema, in memory, standing in for the file `path` that
    /// does not exist yet: reads see what they would see in a new database, and writes
    /// vanish with it. Nothing is created on disk.
    fn stand_in(path: &Path) -> Result<SqliteStore> {
        let mut store = SqliteStore::with(Connection::open_in_memory()?, path, Duration::ZERO);
        store.stand_in = true;
        store.conn.pragma_update(None, "foreign_keys", true)?;
        store.migrate()?;
        Ok(store)
    }

    /// Whether this is the empty stand-in for a file not created yet (see
    /// [`SqliteStore::stand_in`]).
    pub fn is_stand_in(&self) -> bool {
        self.stand_in
    }

    fn with(conn: Connection, path: &Path, busy_timeout: Duration) -> SqliteStore {
        SqliteStore {
            conn,
            waiting: Box::pin(Waiting::new(busy_timeout)),
            path: path.to_path_buf(),
            actor: None,
            stand_in: false,
            made: None,
        }
    }

    /// Records the history events written from now on as made by `actor`. A file has no
    /// logins of its own: the front door says who is at work (`REX_OWNER`, else the
    /// system user).
    pub fn set_actor(&mut self, actor: String) {
        self.actor = Some(actor);
    }

    fn open_file(path: &Path, busy_timeout: Duration) -> Result<SqliteStore> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let store = SqliteStore::with(
            Connection::open_with_flags(path, flags)?,
            path,
            busy_timeout,
        );
        store.waiting.install(&store.conn)?;
        store.conn.pragma_update(None, "foreign_keys", true)?;
        // A commit is made durable by the checkpoint that follows it (see
        // [`SqliteStore::settle`]), not by a sync of the log of its own.
        store.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(store)
    }

    /// The database read without locks or a log (SQLite's `immutable`): for reading when
    /// the disk is full and nobody can be writing. Only a database at today's schema.
    fn open_as_is(path: &Path) -> Result<SqliteStore> {
        use std::os::unix::ffi::OsStrExt;
        let mut uri = String::from("file:");
        for &b in std::path::absolute(path)?.as_os_str().as_bytes() {
            match b {
                b'?' | b'#' | b'%' => uri.push_str(&format!("%{b:02X}")),
                b if b.is_ascii() => uri.push(b as char),
                b => uri.push_str(&format!("%{b:02X}")),
            }
        }
        uri.push_str("?immutable=1");
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&uri, flags)?;
        let (app, version) = versions(&conn)?;
        if app != APPLICATION_ID || version != SCHEMA_VERSION {
            return Err(Error::Storage(
                "the database cannot be opened to be upgraded (the disk is full)".into(),
            ));
        }
        Ok(SqliteStore::with(conn, path, Duration::ZERO))
    }

    /// Gives bulk writes (imports) a 16 MiB page cache, so that pages are not spilled to the
    /// log and read back for every row, and lets index builds sort on a second thread.
    /// SQLite sizes each sorter from the cache, so a 1M-deal import peaks near 80 MB
    /// (bench/run.py). Other commands keep SQLite's 2 MiB and sort on one thread.
    pub fn use_bulk_cache(&self) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -16384)?;
        self.conn.pragma_update(None, "threads", 2)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The files the database lives in (see [`file::database_files`]).
    pub fn files(&self) -> Vec<PathBuf> {
        file::database_files(&self.path)
    }

    /// Writes a consistent copy of the whole database into `empty`, an empty file, while
    /// other rex processes keep reading and writing: SQLite's `VACUUM INTO` reads one
    /// snapshot (and leaves out free pages). The copy is a rex database in WAL mode, ready
    /// to be used as it is. A copy that cannot be written (a full disk) is a failure named
    /// by `target`, the path the copy is for: the database is as it was.
    pub fn backup_into(&mut self, empty: &Path, target: &Path) -> Result<()> {
        let into = empty.to_str().ok_or_else(|| {
            Error::usage(format!(
                "the backup path '{}' is not valid UTF-8; choose another",
                empty.display()
            ))
        })?;
        let path = self.path.clone();
        self.conn.execute("VACUUM INTO ?1", [into]).map_err(|e| {
            if writing_failed(&e) {
                copy_failed(&e, target)
            } else {
                at_path(explained(e.into(), &path), &path)
            }
        })?;
        let in_wal_mode = || {
            let copy = Connection::open_with_flags(empty, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
            copy.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
            copy.close().map_err(|(_, e)| e)
        };
        in_wal_mode().map_err(|e| copy_failed(&e, target))
    }

    /// Runs `f` in one transaction of `kind`.
    ///
    /// A write first clears any import whose process died part-way (see
    /// [`SqliteStore::discard_abandoned_imports`]): its hidden rows could otherwise hold a
    /// name or a stage that the write needs, and keep it busy for good.
    pub(crate) fn transaction(
        &mut self,
        kind: Kind,
        f: &mut dyn FnMut(&dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let (behavior, commit) = match kind {
            Kind::Read => (TransactionBehavior::Deferred, true),
            Kind::Write => {
                self.discard_abandoned_imports()?;
                (TransactionBehavior::Immediate, true)
            }
            Kind::Rehearse => (TransactionBehavior::Immediate, false),
        };
        self.run(behavior, commit, |tx| f(tx))
    }

    /// A read transaction on the concrete backend (for its own use).
    fn read<T>(&mut self, f: impl FnOnce(&SqliteTx) -> Result<T>) -> Result<T> {
        self.run(TransactionBehavior::Deferred, true, f)
    }

    /// A write without the look for abandoned imports (the import code's own writes).
    fn write_as_is<T>(&mut self, f: impl FnOnce(&SqliteTx) -> Result<T>) -> Result<T> {
        self.run(TransactionBehavior::Immediate, true, f)
    }

    /// Runs `f` on visible rows in one transaction, then commits it or rolls it back.
    fn run<T>(
        &mut self,
        behavior: TransactionBehavior,
        commit: bool,
        f: impl FnOnce(&SqliteTx) -> Result<T>,
    ) -> Result<T> {
        self.run_as(behavior, commit, true, f)
    }

    /// [`Self::run`], and whether a write first checks that no newer rex upgraded the file
    /// meanwhile (all but the discarding of an import's own hidden rows, which a newer rex
    /// does the same way for an import it finds abandoned).
    fn run_as<T>(
        &mut self,
        behavior: TransactionBehavior,
        commit: bool,
        check: bool,
        f: impl FnOnce(&SqliteTx) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        let actor = self.actor.clone();
        let run = || {
            let tx = self.conn.transaction_with_behavior(behavior)?;
            if check && !matches!(behavior, TransactionBehavior::Deferred) {
                still_our_schema(&tx, &path)?;
            }
            let out = f(&SqliteTx::visible(&tx, actor.as_deref()))?;
            if commit {
                tx.commit()?;
                if !matches!(behavior, TransactionBehavior::Deferred) {
                    self.settle()?;
                }
            } else {
                tx.rollback()?;
            }
            Ok(out)
        };
        run().map_err(|e| match explained(e, &path) {
            e @ Error::Storage(_) => at_path(e, &path),
            other => other,
        })
    }

    /// Makes a write that has just committed durable, and copies it into `rex.db`: a
    /// passive checkpoint syncs the log, copies its pages into the database file and syncs
    /// that. The connection runs with `synchronous = NORMAL`, so the commit itself synced
    /// nothing: a write costs the log's header and directory entry (SQLite's, for a new log),
    /// the log and the database file, four syncs instead of five (SQLite's own commit sync
    /// and then the same checkpoint when the last connection closes). The checkpoint is the
    /// one the connection's close would run: closing then finds nothing left to copy, and
    /// `rex.db` alone is the whole database as before. When another process's reads or
    /// checkpoint keep part of the log from being copied now, the log is synced here
    /// instead, so a write is durable before rex says it is done either way.
    fn settle(&self) -> Result<()> {
        // The file SQLite opened (a symbolic link resolved), whose log is beside it.
        let Some(file) = self.conn.path().filter(|p| !self.stand_in && !p.is_empty()) else {
            return Ok(());
        };
        let (busy, logged, copied): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        if busy == 0 && copied == logged {
            return Ok(());
        }
        let synced = fs::File::open(format!("{file}-wal")).and_then(|f| f.sync_data());
        synced.map_err(|e| Error::Storage(format!("cannot sync the log of the database ({e})")))
    }

    /// Brings the schema up to date, waiting (like any write) while another rex does it.
    fn check_schema(&mut self) -> Result<()> {
        let deadline = Instant::now() + self.waiting.limit;
        loop {
            match self.migrate() {
                Err(Error::Busy(_)) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                done => return done,
            }
        }
    }

    fn migrate(&mut self) -> Result<()> {
        let (app, version) = versions(&self.conn)?;
        if version == SCHEMA_VERSION && app == APPLICATION_ID {
            return Ok(());
        }
        refuse_foreign(&self.conn, app, version)?;
        if version == 0 {
            // WAL is a property of the file; it cannot be switched inside a transaction.
            self.conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another rex may have migrated while we waited for the lock.
        let (app, version) = versions(&tx)?;
        refuse_foreign(&tx, app, version)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)
                .map_err(|e| Error::Failed(format!("migration {} failed: {e}", i + 1)))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }
}

fn versions(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT a.application_id, v.user_version FROM pragma_application_id a, pragma_user_version v",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Refuses a write into a file that a newer rex upgraded after this one opened it (a long
/// import reading its input, `rex serve`): its tables may have changed under this rex,
/// and what a newer schema keeps beside its rows this rex would not keep. The check is the
/// write's own, under its lock: the version cannot change until it commits.
fn still_our_schema(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(at_path(
            Error::Unusable(format!(
                "was upgraded by a newer rex (schema {version}; this rex knows up to {SCHEMA_VERSION}) while this one ran; nothing was written: run the command again with the newer rex"
            )),
            path,
        ));
    }
    Ok(())
}

/// Refuses a database from a newer rex, or one that another program made.
fn refuse_foreign(conn: &Connection, app: i64, version: i64) -> Result<()> {
    if app == 0 && version == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables == 0 {
            return Ok(()); // empty: ours to set up
        }
    }
    if app != APPLICATION_ID {
        return Err(Error::Unusable(
            "is an SQLite database of another program, not a rex database; pass another path with --db".into(),
        ));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Unusable(format!(
            "was written by a newer rex (schema {version}; this rex knows up to {SCHEMA_VERSION}); upgrade rex to use it"
        )));
    }
    Ok(())
}

/// Names the file a database error is about.
fn at_path(e: Error, path: &Path) -> Error {
    let shown = path.display().to_string();
    let name = |m: String| {
        if m.contains(&format!("'{shown}'")) {
            m
        } else if let Some(rest) = m.strip_prefix("the file ") {
            format!("'{shown}' {rest}")
        } else if let Some(rest) = m.strip_prefix("the database ") {
            format!("database '{shown}' {rest}")
        } else {
            format!("database '{shown}' {m}")
        }
    };
    match e {
        Error::Unusable(m) => Error::Unusable(name(m)),
        Error::Storage(m) => Error::Storage(name(m)),
        other => other,
    }
}

/// An operating-system failure on the database, named by its real cause when the file
/// system can tell (a full disk, a directory without write permission).
fn explained(e: Error, path: &Path) -> Error {
    match e {
        Error::Storage(m) => file::explain(path).unwrap_or(Error::Storage(m)),
        other => other,
    }
}

/// Whether a failure of `VACUUM INTO`, which only reads the database, lies with the file
/// it writes: that file cannot be created, opened, written or synced, or its disk is full.
fn writing_failed(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    let rusqlite::Error::SqliteFailure(f, _) = e else {
        return false;
    };
    matches!(
        f.code,
        rusqlite::ErrorCode::DiskFull
            | rusqlite::ErrorCode::CannotOpen
            | rusqlite::ErrorCode::ReadOnly
    ) || matches!(
        f.extended_code,
        ffi::SQLITE_IOERR_WRITE
            | ffi::SQLITE_IOERR_FSYNC
            | ffi::SQLITE_IOERR_DIR_FSYNC
            | ffi::SQLITE_IOERR_TRUNCATE
    )
}

/// A backup that could not be written, named by `target`, the path it is for: a failure
/// (exit 1), since the database itself is as it was.
fn copy_failed(e: &rusqlite::Error, target: &Path) -> Error {
    let full = e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull);
    let why = match e {
        _ if full => "the disk is full".to_string(),
        rusqlite::Error::SqliteFailure(f, _) => f.to_string(),
        other => other.to_string(),
    };
    file::target_failed(target, &why, full)
}

/// Whether a write-ahead log with content lies beside the database.
fn has_log(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0)
}

impl<'a> SqliteTx<'a> {
    /// A transaction that writes visible rows (batch 0), as every command but an import
    /// does, recording its history events as made by `actor`.
    fn visible(conn: &'a Connection, actor: Option<&'a str>) -> SqliteTx<'a> {
        SqliteTx {
            conn,
            batch: 0,
            actor,
        }
    }

    /// Every row of a query, each made by `make` (a [`super::cells`] reader).
    fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        make: impl Fn(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each_row(sql, params, |r| {
            out.push(make(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `each` with every row of a query, as it is read.
    fn each_row(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        mut each: impl FnMut(&dyn Cells) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            each(&Row(r))?;
        }
        Ok(())
    }

    /// Runs `f` with the secondary indexes of deals, their activities and their history
    /// dropped, then builds them again: one sort per index instead of a random insert per row.
    /// For bulk loads into an empty database; the transaction keeps it all-or-nothing.
    /// The triggers of the name index and of the counters go too; both are rebuilt from the
    /// rows at the end.
    fn with_indexes_rebuilt_after<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let dropped: Vec<(String, String, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT type, name, sql FROM sqlite_schema
                 WHERE type IN ('index', 'trigger') AND tbl_name IN ('deal_rows', 'activity_rows', 'event_rows')
                   AND sql IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (kind, name, _) in &dropped {
            let kind = if kind == "index" { "INDEX" } else { "TRIGGER" };
            self.conn
                .execute_batch(&format!("DROP {kind} \"{name}\""))?;
        }
        let out = f()?;
        for (_, _, sql) in &dropped {
            self.conn.execute_batch(sql)?;
        }
        // Rebuilt, the name index is a dozen or more segments, and a search looks each
        // trigram up in every one: merged into one (1.4 s at 1M), a search for "acme 1234"
        // at 1M reads 204 pages instead of 294. The rebuild writes its segments without
        // merging them on the way (automerge 0: they are merged once, just after), then
        // FTS5's default (4) is set again for the writes that follow.
        for fts in ["deal_names", "deal_contacts"] {
            self.conn.execute_batch(&format!(
                "INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 0);
                 INSERT INTO {fts} ({fts}) VALUES ('rebuild');
                 INSERT INTO {fts} ({fts}) VALUES ('optimize');
                 INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 4);"
            ))?;
        }
        self.conn.execute_batch(&format!(
            "DELETE FROM deal_totals; DELETE FROM forecast_totals; DELETE FROM closed_totals; {} {}",
            staged::add_totals_sql(&format!("NOT IN {}", staged::HIDDEN), true),
            activities::work_out_next_steps("SELECT deal_id FROM activities WHERE done_at IS NULL")
        ))?;
        Ok(out)
    }
}

impl Tx for SqliteTx<'_> {
    fn counts(&self) -> Result<Counts> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM pipelines), (SELECT count(*) FROM stages),
                    (SELECT count(*) FROM deals), (SELECT count(*) FROM deal_events)",
            [],
            |r| {
                Ok(Counts {
                    pipelines: r.get(0)?,
                    stages: r.get(1)?,
                    deals: r.get(2)?,
                    events: r.get(3)?,
                })
            },
        )?)
    }

    fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// The dialect of this backend's shared queries.
const SQL: Dialect = Dialect::Sqlite;

/// A row read through [`Cells`].
struct Row<'a, 'r>(&'a rusqlite::Row<'r>);

impl Cells for Row<'_, '_> {
    fn text(&self, i: usize) -> Result<Option<String>, String> {
        self.0.get(i).map_err(|e| e.to_string())
    }
    fn int(&self, i: usize) -> Result<Option<i64>, String> {
        self.0.get(i).map_err(|e| e.to_string())
    }
    fn key(&self) -> String {
        match self.0.get_ref(0) {
            Ok(ValueRef::Text(t)) | Ok(ValueRef::Blob(t)) => {
                String::from_utf8_lossy(t).into_owned()
            }
            Ok(other) => format!("{other:?}"),
            Err(_) => String::new(),
        }
    }
}

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Text(t) => ToSqlOutput::from(t.as_str()),
            Arg::Int(n) => ToSqlOutput::from(*n),
            Arg::Null => ToSqlOutput::from(rusqlite::types::Null),
        })
    }
}

/// Bound values as rusqlite takes them.
fn bound(args: &[Arg]) -> Vec<&dyn ToSql> {
    args.iter().map(|a| a as &dyn ToSql).collect()
}

/// SQLite's outcomes as rex's: busy, unusable, or a storage failure worth explaining.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::Error as E;
        use rusqlite::ErrorCode as C;
        match &e {
            E::FromSqlConversionFailure(..)
            | E::InvalidColumnType(..)
            | E::IntegralValueOutOfRange(..)
            | E::Utf8Error(..) => {
                return Error::Unusable(format!(
                    "the database is damaged (a stored value cannot be read: {e}); restore a backup"
                ))
            }
            _ => {}
        }
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => Error::Busy(
                "the database is busy (another rex is writing); nothing was changed, try again"
                    .into(),
            ),
            Some(C::NotADatabase) => Error::Unusable(
                "the file is not a rex database (not an SQLite file); pass another path with --db"
                    .into(),
            ),
            Some(C::DatabaseCorrupt) => {
                Error::Unusable("the database file is corrupt; restore it from a backup".into())
            }
            Some(C::ReadOnly) => Error::Storage(
                "the database is read-only; check the file's permissions or pass another --db"
                    .into(),
            ),
            Some(C::CannotOpen) => Error::Storage(
                "the database cannot be opened; check the path and its permissions".into(),
            ),
            Some(C::DiskFull) => Error::Storage("the disk is full; nothing was changed".into()),
            Some(C::SystemIoFailure) => Error::Storage(format!("database i/o failure: {e}")),
            _ => Error::Failed(format!("database error: {e}")),
        }
    }
}

macro_rules! sql_id {
    ($t:ty) => {
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                v.as_str()?
                    .parse()
                    .map_err(|e: String| FromSqlError::Other(e.into()))
            }
        }
    };
}
sql_id!(DealId);
sql_id!(PipelineId);
sql_id!(StageId);

/// A new database of rex's schema in `dir`, for the tests that read SQLite's query plans.
#[cfg(test)]
pub(crate) fn plan_store(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(
        &dir.path().join("plan.db"),
        Duration::from_secs(1),
        crate::store::Access::Write,
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every schema object as SQLite records it, in a stable order.
    fn objects(conn: &Connection) -> Vec<(String, String, Option<String>)> {
        let mut stmt = conn
            .prepare(
                "SELECT type, name, sql FROM sqlite_schema
                 WHERE NOT (type = 'table' AND (name GLOB 'deal_names_*' OR name GLOB 'deal_contacts_*'))
                 ORDER BY type, name",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
        rows.unwrap().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn schema_file_is_what_the_migrations_build() {
        let migrated = Connection::open_in_memory().unwrap();
        for sql in MIGRATIONS {
            migrated.execute_batch(sql).unwrap();
        }
        let written = Connection::open_in_memory().unwrap();
        written.execute_batch(include_str!("schema.sql")).unwrap();
        let (migrated, written) = (objects(&migrated), objects(&written));
        assert!(migrated.len() > 10, "{migrated:?}");
        assert_eq!(
            written, migrated,
            "src/store/sqlite/schema.sql is out of date: regenerate it as its header says"
        );
    }
}
