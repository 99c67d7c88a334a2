//! One error type for rex. Every variant knows its exit code; the message is
//! one line, lower-case, naming what was wrong and what would be right.

use std::io;

/// The documented exit codes (see `rex help exit-codes`).
pub mod code {
    pub const OK: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NOT_FOUND: u8 = 3;
    pub const CONFLICT: u8 = 4;
    pub const BUSY: u8 = 5;
    pub const UNUSABLE: u8 = 6;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed input: a bad flag, value, date, id or colour.
    #[error("{0}")]
    Usage(String),
    /// No deal, pipeline or stage with that id or name.
    #[error("{0}")]
    NotFound(String),
    /// Well-formed, but the data forbids it; nothing was changed.
    #[error("{0}")]
    Conflict(String),
    /// The database stayed locked past the busy timeout; nothing was changed.
    #[error("{0}")]
    Busy(String),
    /// The database cannot be used: newer schema, not a rex database, corrupt, unwritable.
    #[error("{0}")]
    Unusable(String),
    /// The operating system refused SQLite (cannot open, read-only, disk full, i/o error):
    /// unusable as it stands, and worth asking the file system why ([`crate::store`] does).
    #[error("{0}")]
    Storage(String),
    /// Anything else.
    #[error("{0}")]
    Failed(String),
    /// stdout was closed by the reader (`rex … | head`): exit quietly.
    #[error("broken pipe")]
    BrokenPipe,
    /// Exit with a code and print nothing (for `--exit-status`).
    #[error("")]
    Silent(u8),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => code::USAGE,
            Error::NotFound(_) => code::NOT_FOUND,
            Error::Conflict(_) => code::CONFLICT,
            Error::Busy(_) => code::BUSY,
            Error::Unusable(_) | Error::Storage(_) => code::UNUSABLE,
            Error::Failed(_) => code::FAILURE,
            Error::BrokenPipe => code::OK,
            Error::Silent(c) => *c,
        }
    }

    /// Whether anything should be printed for this error.
    pub fn is_quiet(&self) -> bool {
        matches!(self, Error::BrokenPipe | Error::Silent(_))
    }

    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Error::NotFound(msg.into())
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Error::Conflict(msg.into())
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Failed(format!("i/o error: {e}"))
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if e.io_error_kind() == Some(io::ErrorKind::BrokenPipe) {
            Error::BrokenPipe
        } else {
            Error::Failed(format!("json error: {e}"))
        }
    }
}

/// A stored value rex cannot read: the file's content was damaged (or written by something
/// other than rex). Carried inside rusqlite's conversion error from the row readers.
#[derive(Debug)]
pub struct Damaged(pub String);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Damaged {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::Error as E;
        use rusqlite::ErrorCode as C;
        match &e {
            E::FromSqlConversionFailure(_, _, inner) => {
                return Error::Unusable(match inner.downcast_ref::<Damaged>() {
                    Some(d) => d.0.clone(),
                    None => format!("the database is damaged (a stored value cannot be read: {inner}); restore a backup"),
                })
            }
            E::InvalidColumnType(..) | E::IntegralValueOutOfRange(..) | E::Utf8Error(..) => {
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
