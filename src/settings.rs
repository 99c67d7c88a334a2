//! What rex reads from its environment: where the database is (`--db`, `REX_DB`), how long
//! to wait for a busy one (`REX_BUSY_TIMEOUT`), who "me" is (`REX_OWNER`) and the clock
//! (`REX_NOW`). Only the front doors (the CLI, the server) read these; the core of operations
//! is handed what they found.

use std::time::Duration;

use crate::clock::{Clock, NOW_VAR};
use crate::error::{Error, Result};
use crate::store::Location;

pub const DB_VAR: &str = "REX_DB";

pub const BUSY_VAR: &str = "REX_BUSY_TIMEOUT";

/// Who "me" is: the default owner of new deals and of `rex today`.
pub const OWNER_VAR: &str = "REX_OWNER";

/// `REX_OWNER`, when set to something, checked by the rules of a deal's owner (it becomes
/// one, and the history's actor on a SQLite file): printable, on one line, within the
/// owner's limit. Anything else is refused naming the variable (exit 2), wherever rex would
/// use it, rather than stored raw in one place and refused in another.
pub fn me() -> Result<Option<String>> {
    let text = match std::env::var(OWNER_VAR) {
        Ok(text) => text,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Error::usage(format!(
                "{OWNER_VAR} is not valid text; set it to a name like ana@example.com"
            )))
        }
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    crate::record::clean_owner(OWNER_VAR, &text, crate::record::DealText::OWNER_MAX)
        .map(Some)
        .map_err(Error::Usage)
}

/// Who history events on a SQLite file are recorded as: `REX_OWNER` when set, else the
/// system user rex runs as (its account's login name; `USER` or `LOGNAME` when the account
/// has no name), else `unknown`; a name an owner could not have is passed over. A server
/// records its own login instead. A `REX_OWNER` that [`me`] refuses is refused here too.
pub fn actor() -> Result<String> {
    if let Some(owner) = me()? {
        return Ok(owner);
    }
    // SAFETY: getpwuid returns a pointer into static storage or null; the name is copied
    // out at once, before anything else in rex could call it again.
    let account = unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        (!pw.is_null() && !(*pw).pw_name.is_null()).then(|| {
            std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned()
        })
    };
    Ok(account
        .into_iter()
        .chain(
            ["USER", "LOGNAME"]
                .into_iter()
                .filter_map(|v| std::env::var(v).ok()),
        )
        .map(|name| name.trim().to_string())
        // A name an owner could not have (a control or invisible character) is passed over.
        .find(|name| {
            crate::record::clean_owner("the user", name, crate::record::DealText::OWNER_MAX).is_ok()
        })
        .unwrap_or_else(|| "unknown".to_string()))
}

/// Where the database is, and whether the person chose it.
pub struct Database {
    pub location: Location,
    /// Named by `--db` or `REX_DB` (a file that must exist unless the command creates
    /// it), rather than the per-user default (which reads as empty until it is created).
    pub chosen: bool,
}

/// `--db`, else `REX_DB`, else the per-user data directory: a file path or a PostgreSQL
/// URL. An empty one is refused rather than quietly falling back to the personal database
/// (a script's unset variable).
pub fn database_location(flag: Option<std::ffi::OsString>) -> Result<Location> {
    database(flag).map(|d| d.location)
}

/// The database as [`database_location`] finds it, with whether it was chosen.
pub fn database(flag: Option<std::ffi::OsString>) -> Result<Database> {
    let chosen = |location| Database {
        location,
        chosen: true,
    };
    if let Some(p) = flag {
        if p.is_empty() {
            return Err(Error::usage(
                "--db is empty; give a database file path (like --db ~/work/rex.db) or a postgres:// URL",
            ));
        }
        return Location::parse(&p, "--db").map(chosen);
    }
    if let Some(p) = std::env::var_os(DB_VAR) {
        if p.is_empty() {
            return Err(Error::usage(format!(
                "{DB_VAR} is set but empty; set it to a database file path or a postgres:// URL, or unset it"
            )));
        }
        return Location::parse(&p, DB_VAR).map(chosen);
    }
    directories::ProjectDirs::from("", "", "rex")
        .map(|d| Database {
            location: Location::File(d.data_dir().join("rex.db")),
            chosen: false,
        })
        .ok_or_else(|| {
            Error::Unusable(
                "cannot find a home directory for the database; pass --db PATH or set REX_DB"
                    .into(),
            )
        })
}

pub fn busy_timeout() -> Result<Duration> {
    match std::env::var(BUSY_VAR) {
        Err(_) => Ok(Duration::from_millis(5000)),
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| {
                Error::usage(format!(
                    "{BUSY_VAR}='{text}' is not a number of milliseconds; set it like 5000"
                ))
            }),
    }
}

/// The system clock, or `REX_NOW` when it is set.
pub fn clock() -> Result<Clock> {
    match std::env::var(NOW_VAR) {
        Ok(text) => Clock::parse(&text),
        Err(std::env::VarError::NotPresent) => Ok(Clock::at(chrono::Utc::now())),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::usage(format!(
            "{NOW_VAR} is not valid text; set it like 2026-03-01T09:00:00Z"
        ))),
    }
}
