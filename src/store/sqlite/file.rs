//! The database file itself: which paths can hold one, how a new one comes into being (whole,
//! or not at all), and what an operating-system failure really means for the user.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// SQLite's longest path name (its unix VFS), less the longest suffix it adds (`-journal`).
const MAX_PATH_BYTES: usize = 512 - "-journal".len();

/// The files SQLite keeps beside a database, by the suffix of their names: its write-ahead
/// log, the log's shared-memory index and its rollback journal.
pub const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Every file of the database at `path`, whether it exists yet or not: the file and its
/// companions, named after the path given and after the file it resolves to (SQLite names
/// the companions of a database reached through a symbolic link after the file linked to).
pub fn database_files(path: &Path) -> Vec<PathBuf> {
    let mut bases = vec![path.to_path_buf()];
    bases.extend(fs::canonicalize(path).ok().filter(|p| p != path));
    let mut files = Vec::new();
    for base in bases {
        files.push(base.clone());
        for suffix in COMPANIONS {
            let mut name = base.clone().into_os_string();
            name.push(suffix);
            files.push(PathBuf::from(name));
        }
    }
    files
}

/// Refuses to run with standard output going into one of the database's own files (a `>`
/// redirect onto the database, its log or its journal, by any name or link): what rex
/// printed would be written into the database. Checked before the database is opened.
pub fn check_stdout(path: &Path) -> Result<()> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
        return Ok(());
    };
    let Ok(out) = fs::File::from(fd).metadata() else {
        return Ok(());
    };
    if !out.is_file() {
        return Ok(());
    }
    let same =
        |f: &PathBuf| fs::metadata(f).is_ok_and(|m| (m.dev(), m.ino()) == (out.dev(), out.ino()));
    match database_files(path).iter().find(|f| same(f)) {
        Some(f) => Err(Error::usage(format!(
            "standard output goes into the database's own file '{}' (a > redirect onto it?); rex wrote nothing: send the output to another file",
            f.display()
        ))),
        None => Ok(()),
    }
}

/// Refuses, before anything is created, a path that cannot hold a rex database: one too long
/// for SQLite, a directory, or anything that exists and is not a regular file (SQLite would
/// try to create `/dev/null-journal` beside a device).
pub fn check_path(path: &Path) -> Result<()> {
    let shown = path.display();
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let n = absolute.as_os_str().len();
    if n > MAX_PATH_BYTES {
        return Err(Error::Unusable(format!(
            "the database path '{shown}' is {n} bytes long as an absolute path; SQLite allows at most {MAX_PATH_BYTES}: use a shorter path"
        )));
    }
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::Unusable(format!(
                "database '{shown}' cannot be read: {}",
                io_reason(&e)
            )))
        }
    };
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Error::Unusable(format!(
            "'{shown}' is a directory, not a rex database; pass a file path with --db"
        )));
    }
    if !kind.is_file() {
        return Err(Error::Unusable(format!(
            "'{shown}' is {}, not a database file; pass the path of a regular file with --db",
            special_kind(&kind)
        )));
    }
    Ok(())
}

/// What a special file is, in words.
pub fn special_kind(kind: &fs::FileType) -> &'static str {
    if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// An I/O error's reason without Rust's "(os error N)".
/// A file rex writes for the user (a backup, an export) that could not be written, named by
/// `target`: a failure (exit 1), since the database itself is as it was.
pub fn target_failed(target: &Path, why: &str, disk_full: bool) -> Error {
    let fix = match disk_full {
        true => "free some space or choose another path",
        false => "choose another path",
    };
    Error::Failed(format!(
        "cannot write '{}': {why}; the database is as it was: {fix}",
        target.display()
    ))
}

pub fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Creates the database at `path` whole: `build` sets up a private temporary file beside it,
/// which then appears at `path` in one step (a hard link, which never replaces anything). Two
/// rex processes creating the same database at once both end up using the one that appeared
/// first; nobody ever sees a half-made database. Directories made for it are private (0700),
/// and on failure nothing made here is left behind. Returns what this process made, for
/// [`remove_new`]: None when another rex's file appeared first.
pub fn create(path: &Path, build: impl FnOnce(&Path) -> Result<()>) -> Result<Option<Made>> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dirs = make_dirs(&dir).map_err(|e| {
        Error::Unusable(format!(
            "cannot create the directory '{}' for the database: {}",
            dir.display(),
            io_reason(&e)
        ))
    })?;
    let result = create_in(&dir, path, build);
    match result {
        Ok(true) => Ok(Some(Made { dirs })),
        Ok(false) => Ok(None),
        Err(e) => {
            for d in dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
            Err(e)
        }
    }
}

/// What one rex process made for a new database file: the file itself (with the companions
/// SQLite keeps beside it) and the directories it created for it, outermost first.
#[derive(Debug)]
pub struct Made {
    dirs: Vec<PathBuf>,
}

/// Removes a database file that this process made (see [`create`]) and that must not stay,
/// with its companions and then the directories made for it, deepest first, each only if it
/// is empty. The caller holds the database's write lock and has seen it empty; the file goes
/// first, so that nobody opens it from now on.
pub fn remove_new(path: &Path, made: &Made) {
    for file in database_files(path).iter().take(1 + COMPANIONS.len()) {
        let _ = fs::remove_file(file);
    }
    for d in made.dirs.iter().rev() {
        if fs::remove_dir(d).is_err() {
            break; // not empty (someone else's files), so neither is any directory above it
        }
    }
}

/// Builds the database in a temporary file in `dir` and links it to `path`; true when this
/// process's file is the one at `path`, false when another rex's appeared there first.
fn create_in(dir: &Path, path: &Path, build: impl FnOnce(&Path) -> Result<()>) -> Result<bool> {
    let temp = tempfile::Builder::new()
        .prefix(".rex-new-")
        .suffix(".db")
        .tempfile_in(dir)
        .map_err(|e| explain_io(path, &e))?;
    build(temp.path())?;
    temp.as_file()
        .sync_all()
        .map_err(|e| explain_io(path, &e))?;
    let made = match fs::hard_link(temp.path(), path) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false, // another rex was first
        Err(_) if !path.exists() => {
            // A file system without hard links: a rename, which only a race could make replace.
            temp.persist_noclobber(path)
                .map_err(|e| explain_io(path, &e.error))?;
            return Ok(true);
        }
        Err(e) => return Err(explain_io(path, &e)),
    };
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(made)
}

/// Creates `dir` and its missing parents (0700); returns the ones it made, outermost first
/// (not those another process made meanwhile).
fn make_dirs(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    missing.reverse();
    let mut made = Vec::new();
    for d in missing {
        match fs::DirBuilder::new().mode(0o700).create(&d) {
            Ok(()) => made.push(d),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(made)
}

/// What an operating-system failure on the database really is, named for the user: a full
/// disk, a directory rex cannot write its log beside the file in, or the error itself.
pub fn explain_io(path: &Path, e: &io::Error) -> Error {
    explain(path).unwrap_or_else(|| {
        Error::Unusable(format!(
            "database '{}' cannot be opened: {}",
            path.display(),
            io_reason(e)
        ))
    })
}

/// The real cause of an SQLite I/O failure on `path`, when it is one rex can name.
pub fn explain(path: &Path) -> Option<Error> {
    let shown = path.display();
    // The nearest directory that exists: a new database's own may be gone again.
    let mut dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    while !dir.exists() {
        match dir.parent() {
            Some(up) if !up.as_os_str().is_empty() => dir = up.to_path_buf(),
            _ => {
                dir = PathBuf::from(".");
                break;
            }
        }
    }
    if path.exists() && !writable(path) {
        return Some(Error::Unusable(format!(
            "database '{shown}' is read-only; check the file's permissions or pass another --db"
        )));
    }
    if !writable(&dir) {
        return Some(Error::Unusable(format!(
            "database '{shown}' cannot be used: its directory '{}' is not writable, and SQLite keeps its log files beside the database; make the directory writable or move the database",
            dir.display()
        )));
    }
    if disk_full(&dir) {
        return Some(Error::Unusable(format!(
            "the disk holding database '{shown}' is full; nothing was changed: free some space and try again"
        )));
    }
    None
}

fn c_path(p: &Path) -> Option<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(p.as_os_str().as_bytes()).ok()
}

/// Whether this process may write `path` (or create files in it, a directory), by its
/// effective ids, as the kernel will judge it.
fn writable(path: &Path) -> bool {
    let Some(c) = c_path(path) else { return true };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// Whether the file system holding `dir` has no room left for this process.
fn disk_full(dir: &Path) -> bool {
    let Some(c) = c_path(dir) else { return false };
    // SAFETY: `stat` is plain data that statvfs fills in; `c` is a valid path.
    unsafe {
        let mut stat: libc::statvfs = std::mem::zeroed();
        libc::statvfs(c.as_ptr(), &mut stat) == 0
            && (stat.f_bavail as u128) * (stat.f_frsize as u128) < 64 * 1024
    }
}

impl super::SqliteStore {
    /// Removes the database file again if this process created it (see [`create`]) and it
    /// holds no pipelines, no deals and no import under way: what a command that may create
    /// a database leaves when it failed or had nothing to add, so that a mistyped path does
    /// not become an empty database that every later command "works" on. Whether it is empty
    /// is decided holding the write lock (an exclusive transaction), and the file is removed
    /// before the lock is released, so data another rex committed there is never lost.
    ///
    /// A narrow race remains: a rex that opened this file before it was removed and takes
    /// the write lock after this one lets go writes into the removed file; and a rex that
    /// creates a new database at the same path in the instant between removing the file
    /// and its companions may find an old companion (an empty log) beside it. Both need two
    /// rex processes on one brand-new path within microseconds, one of them failing.
    pub fn discard_if_unused(mut self) -> Result<()> {
        let Some(made) = self.made.take() else {
            return Ok(());
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        let unused: bool = tx.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM pipeline_rows)
                AND NOT EXISTS (SELECT 1 FROM deal_rows)
                AND NOT EXISTS (SELECT 1 FROM imports)",
            [],
            |row| row.get(0),
        )?;
        if unused {
            remove_new(&self.path, &made);
        }
        tx.rollback()?;
        Ok(())
    }
}
