//! What every request shares: the database (a pool of open stores, used on blocking
//! threads), the clock, and how the server was asked to run.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{Access, Location, Missing, Store, Tx};

/// The server's shared state.
pub struct App {
    pool: Pool,
    /// How many requests use a store at once. A request keeps its permit until its work on
    /// the blocking thread ends, even when its client has gone, so that work cannot pile up
    /// beyond the bound.
    stores: Arc<Semaphore>,
    /// The number of those turns.
    turns: usize,
    /// Turns of their own for exports, which stream for as long as their client reads: a
    /// client that stops reading keeps its export's turn until `--read-timeout`, so exports
    /// wait for each other and never for, or in the way of, other requests.
    exports: Arc<Semaphore>,
    /// On a SQLite file, one write at a time in this process: the others wait here asleep
    /// instead of each polling SQLite's lock every millisecond (bench/http.py: 64 writers
    /// polling kept both cores busy and the lock mostly free).
    writing: Option<Mutex<()>>,
    /// REX_NOW when it was set: every request then runs at that time, as every command does.
    fixed_now: Option<Clock>,
    /// `--open`: no tokens, every caller an admin.
    pub open: bool,
    /// How long a client may take to send a request's body.
    pub read_timeout: Duration,
    /// The largest body accepted.
    pub max_body: usize,
}

pub type Shared = Arc<App>;

impl App {
    /// On a SQLite file at most two stores per core are used at once, as reads use the CPU
    /// and not the network, and every open store keeps its own page cache (64 of them held
    /// over 200 MB); on a server, `max_concurrent`, so that writes share its commits.
    pub fn new(
        location: Location,
        busy_timeout: Duration,
        fixed_now: Option<Clock>,
        open: bool,
        read_timeout: Duration,
        max_body: usize,
        max_concurrent: usize,
    ) -> App {
        let file = matches!(location, Location::File(_));
        let stores = match file {
            true => std::thread::available_parallelism()
                .map_or(4, |n| 2 * n.get())
                .clamp(1, max_concurrent),
            false => max_concurrent,
        };
        App {
            stores: Arc::new(Semaphore::new(stores)),
            exports: Arc::new(Semaphore::new(EXPORTS)),
            turns: stores,
            writing: file.then(|| Mutex::new(())),
            pool: Pool {
                location,
                busy_timeout,
                idle: Mutex::new(Vec::new()),
            },
            fixed_now,
            open,
            read_timeout,
            max_body,
        }
    }

    /// The time a request runs at.
    pub fn clock(&self) -> Clock {
        self.fixed_now
            .unwrap_or_else(|| Clock::at(chrono::Utc::now()))
    }

    /// Opens one store, to check at start-up that the database can be served (on a team's
    /// database, by an admin's login: see [`crate::ops::team::may_serve`]).
    pub fn check(&self) -> Result<()> {
        let mut store = self.pool.take()?;
        let may = store.read(|tx| crate::ops::team::may_serve(tx));
        self.pool.give(store);
        may
    }

    /// Runs `f` in a read transaction on a blocking thread.
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnMut(&dyn Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.run(None, f).await
    }

    /// Runs `f` in a write transaction on a blocking thread, its history recorded as
    /// `actor` (on a SQLite file; a server records its own login).
    pub async fn write<T: Send + 'static>(
        self: &Arc<Self>,
        actor: &str,
        f: impl FnMut(&dyn Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.run(Some(actor.to_string()), f).await
    }

    /// Takes a store for an export, for as long as `f` needs it, on a blocking thread (the
    /// store is synchronous; the `postgres` crate must not be called on a runtime thread).
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = Arc::clone(&self.exports)
            .acquire_owned()
            .await
            .map_err(|_| Error::Failed("the server is stopping".into()))?;
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut store = app.pool.take()?;
            let out = f(&mut store);
            app.pool.settle(store, &out);
            out
        })
        .await
        .map_err(|_| Error::Failed("a request's worker stopped".into()))?
    }

    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        actor: Option<String>,
        mut f: impl FnMut(&dyn Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self.permit().await?;
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _writing = match (&actor, &app.writing) {
                (Some(_), Some(one)) => Some(one.lock().unwrap_or_else(PoisonError::into_inner)),
                _ => None,
            };
            // A pooled connection may have died with the server it spoke to (a restart, a
            // session ended by the server): such a failure is tried once more on a fresh
            // one (the lost connection's transaction was not committed).
            let (mut store, pooled) = app.pool.take_marked()?;
            let mut out = once(&mut store, actor.as_deref(), &mut f);
            let lost =
                store.is_closed() || matches!(out, Err(Error::Unusable(_) | Error::Storage(_)));
            if pooled && out.is_err() && lost {
                drop(store);
                store = app.pool.open()?;
                out = once(&mut store, actor.as_deref(), &mut f);
            }
            app.pool.settle(store, &out);
            out
        })
        .await
        .map_err(|_| Error::Failed("a request's worker stopped".into()))?
    }

    /// How many requests use a store at once: the blocking threads the server needs
    /// (exports included).
    pub fn turns(&self) -> usize {
        self.turns + EXPORTS
    }

    /// A turn to use a store (see [`App::stores`]).
    async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.stores)
            .acquire_owned()
            .await
            .map_err(|_| Error::Failed("the server is stopping".into()))
    }
}

fn once<T>(
    store: &mut Store,
    actor: Option<&str>,
    f: &mut dyn FnMut(&dyn Tx) -> Result<T>,
) -> Result<T> {
    match actor {
        Some(actor) => {
            store.record_actor(actor.to_string());
            store.write(|tx| f(tx))
        }
        None => store.read(|tx| f(tx)),
    }
}

/// Open stores kept between requests: opening one costs a schema check (and for a server,
/// a connection), so a request borrows one and gives it back.
struct Pool {
    location: Location,
    busy_timeout: Duration,
    idle: Mutex<Vec<Store>>,
}

/// How many exports stream at once.
const EXPORTS: usize = 2;

/// The most stores kept idle; more are opened under load and closed after.
const IDLE_MAX: usize = 64;

impl Pool {
    fn open(&self) -> Result<Store> {
        Store::open_for(
            &self.location,
            self.busy_timeout,
            Access::Write,
            Missing::Refuse,
        )
    }

    fn take(&self) -> Result<Store> {
        self.take_marked().map(|(s, _)| s)
    }

    /// A store, and whether it came from the pool (rather than being opened now).
    fn take_marked(&self) -> Result<(Store, bool)> {
        // A connection the server has closed meanwhile goes (it is noticed on its next use).
        let pooled = self
            .idle
            .lock()
            .ok()
            .and_then(|mut idle| std::iter::from_fn(|| idle.pop()).find(|s| !s.is_closed()));
        match pooled {
            Some(store) => Ok((store, true)),
            None => Ok((self.open()?, false)),
        }
    }

    fn give(&self, store: Store) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < IDLE_MAX {
                idle.push(store);
            }
        }
    }

    /// Gives a store back after use, unless it is closed or what it answered says it may
    /// be broken.
    fn settle<T>(&self, store: Store, out: &Result<T>) {
        if !store.is_closed()
            && !matches!(
                out,
                Err(Error::Unusable(_) | Error::Storage(_) | Error::Failed(_))
            )
        {
            self.give(store);
        }
    }
}
