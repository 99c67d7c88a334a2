//! How a SQLite connection waits for another writer: its own busy handler, which tries
//! again every millisecond up to the busy timeout.

use std::cell::Cell;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The busy handler's state for one connection: how long to wait for another writer, and
/// when the current wait began.
pub(super) struct Waiting {
    pub(super) limit: Duration,
    started: Cell<Option<Instant>>,
}

impl Waiting {
    pub(super) fn new(limit: Duration) -> Waiting {
        Waiting {
            limit,
            started: Cell::new(None),
        }
    }

    /// Makes `conn` wait for the write lock by polling every millisecond, up to `self.limit`.
    ///
    /// SQLite's own busy handler backs off to 100 ms between tries, so a writer that frees
    /// the lock for a moment between two short transactions (a staged import between its
    /// chunks) would almost never be caught free. Polling this often costs nothing
    /// measurable. rusqlite's `busy_handler` takes a plain function, so the handler is set
    /// through SQLite's own call, whose argument carries this state.
    pub(super) fn install(self: &std::pin::Pin<Box<Waiting>>, conn: &Connection) -> Result<()> {
        let state = &**self as *const Waiting as *mut std::ffi::c_void;
        // SAFETY: the handle is this open connection's; `state` points into a pinned box
        // that the store owns and drops after the connection (see `SqliteStore`'s fields).
        let rc = unsafe {
            rusqlite::ffi::sqlite3_busy_handler(conn.handle(), Some(keep_waiting), state)
        };
        if rc == rusqlite::ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(Error::Failed(format!(
                "cannot set the busy handler (SQLite code {rc})"
            )))
        }
    }
}

/// SQLite's busy handler: true (non-zero) to try again after a millisecond.
unsafe extern "C" fn keep_waiting(
    state: *mut std::ffi::c_void,
    attempt: std::ffi::c_int,
) -> std::ffi::c_int {
    // SAFETY: `state` is the `Waiting` given to `sqlite3_busy_handler`, alive as long as
    // the connection that calls this.
    let waiting = unsafe { &*(state as *const Waiting) };
    let now = Instant::now();
    let started = match waiting.started.get() {
        Some(t) if attempt > 0 => t,
        _ => {
            waiting.started.set(Some(now));
            now
        }
    };
    if now.duration_since(started) >= waiting.limit {
        return 0;
    }
    std::thread::sleep(Duration::from_millis(1));
    1
}
