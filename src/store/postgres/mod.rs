//! The PostgreSQL backend: one database shared by a team (team mode).
//!
//! Connecting happens only when the database is a URL. Reads run in a read-only snapshot
//! (`REPEATABLE READ`); writes take one transaction-scoped advisory lock, so that people
//! and cron jobs change the data one after the other exactly as they do on a SQLite file,
//! waiting up to the busy timeout (`lock_timeout`). An import of new records runs in one
//! transaction without that lock, loaded in batches by COPY (`tx/bulk.rs`): others keep
//! writing meanwhile and see none of it until it commits (except that a large one into a
//! database without deals has those tables to itself, its indexes built at the end).
//! Serialization failures and deadlocks are retried a few times before "busy".

/// The statement that reads the schema's version (a literal, so that the write lock's
/// statement can carry it too).
macro_rules! schema_version_sql {
    () => {
        "SELECT version::bigint FROM rex_schema WHERE id = 1"
    };
}

mod tls;
mod tx;
mod url;

use std::cell::Cell;
use std::time::Duration;

use postgres::{Client, IsolationLevel, NoTls};

pub use url::ServerUrl;

use super::{Feed, Kind, Load, Seat, TeamRole, Tx};
use crate::error::{Error, Result};
use tx::PgTx;

/// The numbered migrations; schema version N is the first N applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_name_search.sql"),
    include_str!("migrations/003_closed_at.sql"),
    include_str!("migrations/004_own_probability.sql"),
    include_str!("migrations/005_closed_totals.sql"),
    include_str!("migrations/006_forecast_totals.sql"),
    include_str!("migrations/007_deal_origin.sql"),
    include_str!("migrations/008_event_actor.sql"),
    include_str!("migrations/009_reference_starts.sql"),
    include_str!("migrations/010_api_tokens.sql"),
    include_str!("migrations/011_owner_created.sql"),
    include_str!("migrations/012_activities.sql"),
    include_str!("migrations/013_inserted_totals.sql"),
];

/// The schema version this rex writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock every write holds ("REX1"): writers take turns.
const WRITE_LOCK: i64 = 0x5245_5831;

/// The advisory lock a schema change holds ("REXM"): one rex sets a database up.
const MIGRATE_LOCK: i64 = 0x5245_584d;

/// How long an import waits for its next record before sending the rows it holds.
const INPUT_PAUSE: Duration = Duration::from_millis(20);

/// After an import of at least this many records, the tables' statistics are refreshed.
const FRESHEN_AFTER: u64 = 1000;

/// How many times a write that lost a serialization race or a deadlock is run, in all.
const ATTEMPTS: u32 = 5;

pub struct PgStore {
    client: Client,
    url: ServerUrl,
    /// Who the login is on a team database, read once when connecting (None: no team).
    seat: Option<Seat>,
}

impl PgStore {
    /// Whether the connection to the server is gone (the server restarted, or ended the
    /// session): such a store can only be closed.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Connects and brings the schema up to date; a database that is not rex's, or one of
    /// a newer rex, is refused and left as it is.
    pub(crate) fn open(url: &ServerUrl, busy_timeout: Duration) -> Result<PgStore> {
        let mut store = PgStore::connect(url, busy_timeout)?;
        store.migrate()?;
        store.seat = seat_of(&mut store.client, url)?;
        Ok(store)
    }

    /// The database as it stands, if it is at today's schema (for shell completion): a
    /// short connect, nothing created.
    pub(crate) fn peek(url: &ServerUrl) -> Option<PgStore> {
        let mut url = url.clone();
        url.config.connect_timeout(Duration::from_secs(1));
        let mut store = PgStore::connect(&url, Duration::from_secs(1)).ok()?;
        (store.version().ok()? == Some(SCHEMA_VERSION)).then_some(store)
    }

    fn connect(url: &ServerUrl, busy_timeout: Duration) -> Result<PgStore> {
        let config = url.config();
        let connected = if url.ssl == url::SslMode::Disable {
            config
                .clone()
                .ssl_mode(postgres::config::SslMode::Disable)
                .connect(NoTls)
        } else {
            let mode = match url.ssl {
                url::SslMode::Prefer => postgres::config::SslMode::Prefer,
                _ => postgres::config::SslMode::Require,
            };
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls::client_config(
                url.ssl,
                url.root_cert.as_deref(),
            )?);
            config.clone().ssl_mode(mode).connect(tls)
        };
        let mut client = connected.map_err(|e| cannot_connect(&e, url, &config))?;
        client
            .batch_execute(&format!(
                "SET lock_timeout = {}; SET client_min_messages = warning",
                busy_timeout.as_millis().max(1)
            ))
            .map_err(|e| mapped(&e))?;
        Ok(PgStore {
            client,
            url: url.clone(),
            seat: None,
        })
    }

    pub(crate) fn url(&self) -> &ServerUrl {
        &self.url
    }

    /// The schema version recorded in the database; None for a database rex has not set
    /// up. A database with tables of another program is refused.
    fn version(&mut self) -> Result<Option<i64>> {
        version_in(&mut self.client)
    }

    fn migrate(&mut self) -> Result<()> {
        if self.version()? == Some(SCHEMA_VERSION) {
            return Ok(());
        }
        // One rex sets a database up; the others wait for it. The lock is the session's,
        // so that the transaction below starts after it is held and sees the catalog as
        // the rex before left it.
        self.client
            .execute("SELECT pg_advisory_lock($1::bigint)", &[&MIGRATE_LOCK])
            .map_err(|e| mapped(&e))?;
        let migrated = self.migrate_locked();
        let unlocked = self
            .client
            .execute("SELECT pg_advisory_unlock($1::bigint)", &[&MIGRATE_LOCK])
            .map_err(|e| mapped(&e));
        migrated.and(unlocked.map(|_| ()))
    }

    fn migrate_locked(&mut self) -> Result<()> {
        let mut tx = self.client.transaction().map_err(|e| mapped(&e))?;
        let version = version_in(&mut tx)?;
        if version == Some(SCHEMA_VERSION) {
            return Ok(());
        }
        if version.is_none() {
            let tables: i64 = tx
                .query_one(
                    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
                    &[],
                )
                .and_then(|r| r.try_get(0))
                .map_err(|e| mapped(&e))?;
            if tables > 0 {
                return Err(Error::Unusable(format!(
                    "database {} holds tables of another program and is not a rex database; give the URL of an empty database or of rex's",
                    self.url.shown()
                )));
            }
        }
        // A team's database (`rex team init`) is upgraded as its owner role, which an
        // admin's login may take on and nobody else's.
        let team: bool = tx
            .query_one("SELECT to_regclass('team_members') IS NOT NULL", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| mapped(&e))?;
        if team {
            let may: bool = tx
                .query_one(
                    "SELECT pg_has_role(session_user, 'rex_owner', 'MEMBER')",
                    &[],
                )
                .and_then(|r| r.try_get(0))
                .map_err(|e| mapped(&e))?;
            if !may {
                return Err(Error::Unusable(
                    "the team database needs an upgrade: ask an admin to run any rex command"
                        .into(),
                ));
            }
            tx.batch_execute("SET LOCAL ROLE rex_owner")
                .map_err(|e| mapped(&e))?;
        }
        // The tables belong to the database's owner when rex runs as one of its members (a
        // team's roles): then every member can use what the first one set up.
        let owner: Option<String> = if team {
            None
        } else {
            tx.query_opt(
                "SELECT r.rolname::text FROM pg_catalog.pg_database d
                 JOIN pg_catalog.pg_roles r ON r.oid = d.datdba
                 WHERE d.datname = current_database() AND r.rolname <> current_user
                   AND pg_has_role(current_user, r.oid, 'MEMBER')",
                &[],
            )
            .and_then(|r| r.map(|r| r.try_get(0)).transpose())
            .map_err(|e| mapped(&e))?
        };
        if let Some(owner) = owner {
            tx.batch_execute(&format!(
                "SET LOCAL ROLE \"{}\"",
                owner.replace('"', "\"\"")
            ))
            .map_err(|e| mapped(&e))?;
        }
        let from = version.unwrap_or(0);
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            tx.batch_execute(sql)
                .map_err(|e| migration_failed(&e, i + 1, version, &self.url))?;
        }
        tx.execute(
            "INSERT INTO rex_schema (id, application, version) VALUES (1, 'rex', $1)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            &[&SCHEMA_VERSION],
        )
        .map_err(|e| mapped(&e))?;
        if team {
            // A migration may have replaced a function or added a table: the team's grants,
            // policies and triggers are made again over it (then RESET ROLE).
            tx::apply_team_sql(&mut tx)
                .map_err(|e| migration_failed(&e, SCHEMA_VERSION as usize, version, &self.url))?;
        }
        tx.commit().map_err(|e| mapped(&e))
    }

    /// Runs `f` in one transaction of `kind`, again after a serialization failure or a
    /// deadlock (a few times, with a short random pause), then gives up as busy.
    pub(crate) fn transaction(
        &mut self,
        kind: Kind,
        f: &mut dyn FnMut(&dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let mut attempt = 1;
        loop {
            let retry = Cell::new(false);
            match self.once(kind, &retry, f) {
                Err(_) if retry.get() && attempt < ATTEMPTS => {
                    std::thread::sleep(pause(attempt));
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    fn once(
        &mut self,
        kind: Kind,
        retry: &Cell<bool>,
        f: &mut dyn FnMut(&dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let lock = kind != Kind::Read;
        let tx = begin(&mut self.client, kind, lock, retry)?;
        let tx = PgTx::new(tx, retry, self.seat.clone());
        f(&tx)?;
        finish(tx, kind != Kind::Rehearse)
    }

    /// Folds the counter rows an import added into the others, under the write lock, in a
    /// transaction of its own.
    fn fold_counters(&mut self) -> Result<()> {
        let retry = Cell::new(false);
        let tx = begin(&mut self.client, Kind::Write, true, &retry)?;
        let tx = PgTx::new(tx, &retry, self.seat.clone());
        tx.fold_counters()?;
        finish(tx, true)
    }

    /// An import in one transaction. New records only: without the write lock, so people
    /// keep writing meanwhile; updates (upserts) and dry runs take their turn like any write,
    /// once their whole input has been read.
    pub(crate) fn import(&mut self, load: Load, feed: &mut dyn Feed) -> Result<()> {
        let retry = Cell::new(false);
        let kind = match load {
            Load::DryRun => Kind::Rehearse,
            Load::Upsert | Load::Insert => Kind::Write,
        };
        let lock = load != Load::Insert;
        if lock {
            // The input is read before the lock is taken.
            feed.read_to_end()?;
        }
        let tx = begin(&mut self.client, kind, lock, &retry)?;
        let tx = PgTx::new(tx, &retry, self.seat.clone());
        // New records load in batches by COPY (tx/bulk.rs), except a team member's: row-level
        // security judges its every row, and it keeps the one-by-one path it always had.
        if load == Load::Insert {
            tx.start_bulk(self.seat.is_some())?;
        }
        let mut records = 0u64;
        // A record refused when its batch was checked comes before any later error (the
        // rows not yet sent are checked first).
        let refused_first = |tx: &PgTx, feed: &dyn Feed, e: Error| {
            let _ = tx.send_bulk();
            match tx.refused(feed.at()) {
                Some((at, why)) => feed.refused(&at, why),
                None => e,
            }
        };
        loop {
            match feed.record_next(&tx, Some(INPUT_PAUSE)) {
                Ok(true) => {
                    records += 1;
                    tx.record_written(feed.at());
                    continue;
                }
                Ok(false) => {}
                Err(e) => return Err(refused_first(&tx, feed, e)),
            }
            // The input paused or ended: the rows so far are sent meanwhile.
            let sent = tx.send_bulk();
            if sent.is_ok() && feed.wait() {
                continue;
            }
            match sent.and_then(|()| tx.finish_bulk()) {
                Ok(()) => break,
                Err(e) => return Err(refused_first(&tx, feed, e)),
            }
        }
        if load == Load::Insert {
            // Begun without the write lock, it may have loaded while a newer rex upgraded
            // the database (a migration that left its tables alone): asked again at the end.
            let version = tx.schema_version()?;
            if version > SCHEMA_VERSION {
                return Err(upgraded_meanwhile(version));
            }
        }
        finish(tx, load != Load::DryRun)?;
        if load == Load::Insert {
            // The counter rows it added without the write lock are folded into the others
            // under it (schemas 5 and 6). Upkeep too: when that is busy, the next import
            // folds them, and until then readers add them up as they are.
            let _ = self.fold_counters();
        }
        if load != Load::DryRun && records >= FRESHEN_AFTER {
            // A large load leaves the planner without statistics and the new pages not yet
            // known to be all-visible until autovacuum comes by: without this, a name lookup
            // right after it walks the whole table. Upkeep only: its failure (say, a role
            // that does not own the tables) leaves the import as it is.
            let _ = self.client.batch_execute(
                "VACUUM (ANALYZE) deals, deal_events, activities, stages, pipelines, closed_totals, forecast_totals",
            );
        }
        Ok(())
    }
}

/// Who the connection's login is on a team database (None: the database has no team). A
/// login that is not on the team and does not hold the owner role's rights is refused: the
/// server would refuse it everything.
fn seat_of(client: &mut Client, url: &ServerUrl) -> Result<Option<Seat>> {
    let team: bool = client
        .query_one("SELECT to_regclass('team_members') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| mapped(&e))?;
    if !team {
        return Ok(None);
    }
    let row = client
        .query_one(
            "SELECT session_user::text, rex_team_role(), rex_team_owner(),
                pg_has_role(session_user, 'rex_owner', 'USAGE')",
            &[],
        )
        .map_err(|e| mapped(&e))?;
    let read = || -> std::result::Result<_, postgres::Error> {
        Ok((
            row.try_get::<_, String>(0)?,
            row.try_get::<_, Option<String>>(1)?,
            row.try_get::<_, Option<String>>(2)?,
            row.try_get::<_, bool>(3)?,
        ))
    };
    let (login, role, owner_id, owns) = read().map_err(|e| mapped(&e))?;
    let role = role.as_deref().and_then(TeamRole::stored);
    if role.is_none() && !owns {
        return Err(Error::Unusable(format!(
            "login '{login}' is not on the team of database {}; ask an admin to add it (rex team add {login} --role member)",
            url.shown()
        )));
    }
    Ok(Some(Seat {
        login,
        role,
        owner_id,
    }))
}

/// The schema version recorded through `client`, refusing a foreign or newer database.
fn version_in(client: &mut impl postgres::GenericClient) -> Result<Option<i64>> {
    let exists: bool = client
        .query_one("SELECT to_regclass('rex_schema') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| mapped(&e))?;
    if !exists {
        return Ok(None);
    }
    let row = client
        .query_opt(
            "SELECT application, version::bigint FROM rex_schema WHERE id = 1",
            &[],
        )
        .map_err(|e| mapped(&e))?;
    let Some(row) = row else { return Ok(None) };
    let (app, version): (String, i64) = (
        row.try_get(0).map_err(|e| mapped(&e))?,
        row.try_get(1).map_err(|e| mapped(&e))?,
    );
    if app != "rex" {
        return Err(Error::Unusable(format!(
            "the database belongs to '{app}', not rex; give the URL of another database"
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Unusable(format!(
            "the database was written by a newer rex (schema {version}; this rex knows up to {SCHEMA_VERSION}); upgrade rex to use it"
        )));
    }
    Ok(Some(version))
}

/// Why migration `step` failed. A role without the right to create rex's tables is told so
/// (exit 6: the database is unusable to it as it stands); busy, a full disk and the like keep
/// their kind, and any other error names the migration.
fn migration_failed(e: &postgres::Error, step: usize, from: Option<i64>, url: &ServerUrl) -> Error {
    match e.as_db_error() {
        Some(db) if db.code().code() == "42501" => {
            let (state, verb) = match from {
                None => ("is not set up for rex yet".to_string(), "set it up"),
                Some(v) => (
                    format!("is at rex schema {v}, older than this rex's {SCHEMA_VERSION}"),
                    "upgrade it",
                ),
            };
            let config = url.config();
            Error::Unusable(format!(
                "database {} {state}, and role '{}' may not {verb} ({}); run rex once as the database's owner or a member of its owner's role (see the README's Team mode)",
                url.shown(),
                config.get_user().unwrap_or("?"),
                db.message()
            ))
        }
        Some(db) if db.code().code() == "3F000" => Error::Unusable(format!(
            "database {} has no schema rex can create its tables in ({}); leave search_path out of the URL's options, or create the schema it names",
            url.shown(),
            db.message()
        )),
        _ => match mapped(e) {
            Error::Failed(m) => Error::Failed(format!("migration {step} failed: {m}")),
            other => other,
        },
    }
}

/// Starts a transaction of `kind`, with the write lock when `lock`.
fn begin<'a>(
    client: &'a mut Client,
    kind: Kind,
    lock: bool,
    retry: &Cell<bool>,
) -> Result<postgres::Transaction<'a>> {
    let fail = |e: postgres::Error| {
        retry.set(retryable(&e));
        mapped(&e)
    };
    let mut tx = match kind {
        Kind::Read => client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start(),
        Kind::Write | Kind::Rehearse => client.transaction(),
    }
    .map_err(fail)?;
    // A write of a rex that connected before a newer rex upgraded the database (`rex
    // serve`, a long import) is refused: the schema's version is read with the write lock
    // (in the statement that takes it) or, for a write without it (an import's batches),
    // on its own.
    let version: Option<i64> = match (kind, lock) {
        (Kind::Read, _) => None,
        // Holding the lock, the closed-deal counters are changed in place (schema 5).
        (_, true) => tx
            .query_one(
                concat!(
                    "SELECT pg_advisory_xact_lock($1::bigint), set_config('rex.in_place', 'on', true), (",
                    schema_version_sql!(),
                    ")"
                ),
                &[&WRITE_LOCK],
            )
            .and_then(|r| r.try_get(2))
            .map_err(fail)?,
        (_, false) => tx
            .query_opt(schema_version_sql!(), &[])
            .and_then(|r| r.map(|r| r.try_get(0)).transpose())
            .map_err(fail)?,
    };
    if let Some(version) = version.filter(|v| *v > SCHEMA_VERSION) {
        return Err(upgraded_meanwhile(version));
    }
    Ok(tx)
}

/// The refusal of a write into a database a newer rex upgraded (to `version`) while this
/// rex ran.
fn upgraded_meanwhile(version: i64) -> Error {
    Error::Unusable(format!(
        "the database was upgraded by a newer rex (schema {version}; this rex knows up to {SCHEMA_VERSION}) while this one ran; nothing was written: run the command again with the newer rex"
    ))
}

/// Commits (or rolls back) a transaction. A connection lost while committing leaves the
/// outcome unknown, and the message says so.
fn finish(tx: PgTx, commit: bool) -> Result<()> {
    let (tx, retry) = tx.into_parts();
    if !commit {
        return tx.rollback().map_err(|e| mapped(&e));
    }
    tx.commit().map_err(|e| {
        if connection_lost(&e) {
            Error::Failed(
                "the connection to the server was lost while committing: the change may or may not be saved; check before repeating it".into(),
            )
        } else {
            retry.set(retryable(&e));
            mapped(&e)
        }
    })
}

/// A pause before another attempt: longer each time, and random, so that two writers who
/// collided do not collide again.
fn pause(attempt: u32) -> Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() % 10_000);
    Duration::from_micros(u64::from(attempt) * 10_000 + u64::from(jitter))
}

/// Whether the connection to the server broke (closed, or an i/o error on it).
fn connection_lost(e: &postgres::Error) -> bool {
    e.as_db_error().is_none()
        && (e.is_closed() || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()))
}

/// Whether running the transaction again may succeed: a serialization failure or deadlock.
fn retryable(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|d| matches!(d.code().code(), "40001" | "40P01"))
}

/// The server's outcome as rex's: busy (retry), conflict, unusable, or a failure.
fn mapped(e: &postgres::Error) -> Error {
    let Some(db) = e.as_db_error() else {
        return if connection_lost(e) {
            Error::Busy(
                "the connection to the PostgreSQL server was lost; nothing was changed, try again"
                    .into(),
            )
        } else {
            let why = std::error::Error::source(e).map_or(String::new(), |s| format!(": {s}"));
            Error::Failed(format!("database error: {e}{why}"))
        };
    };
    let code = db.code().code();
    match code {
        "40001" | "40P01" => Error::Busy(
            "another rex changed the same records at the same moment; nothing was changed, try again"
                .into(),
        ),
        "55P03" => Error::Busy(
            "the database is busy (another rex is writing); nothing was changed, try again".into(),
        ),
        "57P01" | "57P02" | "08006" | "08003" => Error::Busy(format!(
            "the PostgreSQL server went away ({}); nothing was changed, try again",
            db.message()
        )),
        // cannot_connect_now: starting up, shutting down, or in recovery.
        "57P03" => Error::Busy(format!(
            "the PostgreSQL server cannot take connections now ({}); nothing was changed, try again in a moment",
            db.message()
        )),
        "23505" if db.constraint() == Some("deals_origin") => Error::Conflict(
            "another deal already comes from the same origin".into(),
        ),
        "23505" if db.constraint() == Some("pipelines_name_key_key") => Error::Conflict(
            "a pipeline of that name was created meanwhile by someone else; nothing was changed"
                .into(),
        ),
        "23505" => Error::Conflict(format!(
            "a record of that id or name was written meanwhile by someone else ({}); nothing was changed",
            db.message()
        )),
        "23503" => Error::Conflict(format!(
            "a pipeline, stage or deal this change refers to was changed meanwhile by someone else ({}); nothing was changed",
            db.message()
        )),
        "53100" => Error::Storage("the server's disk is full; nothing was changed".into()),
        "25006" => Error::Unusable(
            "the server or this role only allows reading (a standby, or a role with default_transaction_read_only); give the URL of the primary, or a role that may write".into(),
        ),
        "42501" => Error::Unusable(format!(
            "the database role may not do this ({}); ask for the privileges rex needs (see the README's Team mode)",
            db.message()
        )),
        _ => Error::Failed(format!("database error: {} ({code})", db.message())),
    }
}

/// The first line of the server's message (its DETAIL and HINT lines are left out).
fn first_line(e: &postgres::Error) -> &str {
    e.as_db_error()
        .and_then(|d| d.message().lines().next())
        .unwrap_or_default()
}

/// Why a connection could not be made, in one line that names the server.
fn cannot_connect(e: &postgres::Error, url: &ServerUrl, config: &postgres::Config) -> Error {
    let shown = url.shown();
    let user = config.get_user().unwrap_or("?");
    // What is transient once connected (a server starting up) is transient here too.
    if let (Some(db), Error::Busy(_)) = (e.as_db_error(), mapped(e)) {
        return Error::Busy(format!(
            "cannot connect to {shown} now ({}); nothing was changed, try again in a moment",
            db.message()
        ));
    }
    match e.as_db_error().map(|d| d.code().code()) {
        Some("28P01" | "28000") => Error::Unusable(format!(
            "cannot log in to {shown} as '{user}' ({}); give the password in the URL, PGPASSWORD or ~/.pgpass",
            e.as_db_error().map_or("", |d| d.message())
        )),
        // The client library says so only in words: the server asked for a password and
        // none was given.
        None if config.get_password().is_none()
            && std::error::Error::source(e).is_some_and(|s| s.to_string() == "password missing") =>
        {
            Error::Unusable(format!(
                "cannot log in to {shown} as '{user}' (the server asks for a password); give the password in the URL, PGPASSWORD or ~/.pgpass"
            ))
        }
        Some("3D000") => Error::Unusable(format!(
            "database {shown} does not exist; create it first (createdb, or CREATE DATABASE as the README's Team mode shows)"
        )),
        // No CONNECT on the database: on a team's, a login not (or no longer) on the team.
        Some("42501") => Error::Unusable(format!(
            "cannot connect to {shown} as '{user}' ({}); ask an admin to add this login to the team (rex team add)",
            first_line(e)
        )),
        // The server answered, and refused: its own first line says why.
        Some(_) => Error::Unusable(format!(
            "cannot connect to {shown} as '{user}': {}",
            first_line(e)
        )),
        None => {
            let why = std::error::Error::source(e).map_or(e.to_string(), |s| s.to_string());
            Error::Unusable(format!(
                "cannot connect to {shown}: {why}; check the host, the port and that the server is running"
            ))
        }
    }
}
