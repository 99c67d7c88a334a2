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
    /// Well-formed, but the caller may not do it (a member changing another's deal);
    /// nothing was changed.
    #[error("{0}")]
    Forbidden(String),
    /// The record is no longer as the caller last saw it (an HTTP `If-Match` that does not
    /// match); nothing was changed.
    #[error("{0}")]
    Precondition(String),
    /// The database stayed locked past the busy timeout; nothing was changed.
    #[error("{0}")]
    Busy(String),
    /// The database cannot be used: newer schema, not a rex database, corrupt, unwritable.
    #[error("{0}")]
    Unusable(String),
    /// The storage itself refused (a file that cannot be opened, a read-only file, a full
    /// disk, an i/o error, a server's full disk): unusable as it stands, and for a file worth
    /// asking the file system why (the SQLite backend does).
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
            Error::Conflict(_) | Error::Forbidden(_) | Error::Precondition(_) => code::CONFLICT,
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

/// An i/o error already worded for the user (a file rex writes that could not be written),
/// carried inside an `io::Error` through writers that know nothing of rex.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WriteFailed(pub String);

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        if let Some(w) = e.get_ref().and_then(|i| i.downcast_ref::<WriteFailed>()) {
            Error::Failed(w.0.clone())
        } else if e.kind() == io::ErrorKind::BrokenPipe {
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
