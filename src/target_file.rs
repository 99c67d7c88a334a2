//! A file rex writes for the user (`export --file`, `backup`): written aside, then put in
//! place whole in one rename, so the path always holds the old file or the complete new one.
//!
//! The rules: the target is never one of the database's own files (the database, its log,
//! its journal), however its path is spelled and through whichever link; the file is as private as the database (0600), unless it replaces a regular
//! file, whose mode it keeps; only a regular file (or nothing) is replaced, never a
//! directory, a device, a FIFO or a symbolic link; the file being written has an
//! unpredictable name in the target's directory, is created exclusively (a link planted there
//! is never followed) and is removed on every error. Where the system allows it (Linux
//! `O_TMPFILE`), the file being written has no name at all until it is complete, so that even
//! a killed rex leaves nothing behind.

use std::fs::{self, File, Permissions};
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result, WriteFailed};
use crate::store::file::{io_reason, special_kind, target_failed, COMPANIONS};

pub struct TargetFile {
    target: PathBuf,
    dir: PathBuf,
    mode: u32,
    being_written: BeingWritten,
}

enum BeingWritten {
    /// No name yet (`O_TMPFILE`).
    Anonymous(File),
    /// A hidden, unpredictable name beside the target, removed when dropped.
    Named(tempfile::NamedTempFile),
}

impl TargetFile {
    /// Checks `target` and opens the file that will replace it. `anonymous` allows a file
    /// without a name (not for SQLite, which needs a path to write to). `database` lists
    /// the files the database lives in ([`crate::store::Store::files`]), which are refused.
    pub fn create(target: &Path, anonymous: bool, database: &[PathBuf]) -> Result<TargetFile> {
        refuse_database_files(target, database)?;
        let shown = target.display();
        let mode = match fs::symlink_metadata(target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0o600,
            Err(e) => {
                return Err(Error::Failed(format!(
                    "cannot write '{shown}': {}",
                    io_reason(&e)
                )))
            }
            Ok(m) if m.file_type().is_file() => m.permissions().mode() & 0o7777,
            Ok(m) if m.file_type().is_dir() => {
                return Err(Error::usage(format!(
                    "'{shown}' is a directory; give the path of a file to write"
                )))
            }
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::usage(format!(
                    "'{shown}' is a symbolic link; rex replaces only regular files: give the path it points to"
                )))
            }
            Ok(m) => {
                return Err(Error::usage(format!(
                    "'{shown}' is {}; rex replaces only regular files (to write into it, use standard output: > '{shown}')",
                    special_kind(&m.file_type())
                )))
            }
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let cannot = |e: io::Error| write_failed(target, &e);
        let being_written = match anonymous.then(|| open_anonymous(&dir)).flatten() {
            Some(file) => BeingWritten::Anonymous(file),
            None => BeingWritten::Named(hidden_temp(target, &dir).map_err(cannot)?),
        };
        Ok(TargetFile {
            target: target.to_path_buf(),
            dir,
            mode,
            being_written,
        })
    }

    pub fn file(&self) -> &File {
        match &self.being_written {
            BeingWritten::Anonymous(f) => f,
            BeingWritten::Named(t) => t.as_file(),
        }
    }

    /// A writer into the file being written whose errors name the target (a full disk says
    /// so, and that the database is as it was), however far up they travel.
    pub fn writer(&self) -> io::Result<TargetWriter> {
        Ok(TargetWriter {
            file: self.file().try_clone()?,
            target: self.target.clone(),
        })
    }

    /// The path of the file being written, when it has one.
    pub fn path(&self) -> Option<&Path> {
        match &self.being_written {
            BeingWritten::Anonymous(_) => None,
            BeingWritten::Named(t) => Some(t.path()),
        }
    }

    /// Makes the written file durable and puts it in place of the target.
    pub fn commit(self) -> Result<()> {
        let cannot = |e: io::Error| write_failed(&self.target, &e);
        let file = self.file();
        file.set_permissions(Permissions::from_mode(self.mode))
            .map_err(cannot)?;
        file.sync_all().map_err(cannot)?;
        match self.being_written {
            BeingWritten::Named(t) => {
                t.persist(&self.target).map_err(|e| cannot(e.error))?;
            }
            BeingWritten::Anonymous(f) => {
                let named = link_anonymous(&f, &self.target).map_err(cannot)?;
                if let Err(e) = fs::rename(&named, &self.target) {
                    let _ = fs::remove_file(&named);
                    return Err(cannot(e));
                }
            }
        }
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// See [`TargetFile::writer`].
pub struct TargetWriter {
    file: File,
    target: PathBuf,
}

impl io::Write for TargetWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush().map_err(|e| self.named(e))
    }
}

impl TargetWriter {
    fn named(&self, e: io::Error) -> io::Error {
        let message = write_failed(&self.target, &e).to_string();
        io::Error::new(e.kind(), WriteFailed(message))
    }
}

/// A file rex writes for the user that could not be written: a failure (exit 1) naming it;
/// the database is as it was.
pub fn write_failed(target: &Path, e: &io::Error) -> Error {
    let full = e.kind() == io::ErrorKind::StorageFull;
    let why = match full {
        true => "the disk is full".to_string(),
        false => io_reason(e),
    };
    target_failed(target, &why, full)
}

/// Refuses a target that is one of the database's files: the same name in the same
/// directory (with `.`, `..` and symbolic links of the directories resolved), which covers a
/// file not made yet, or the same file by device and inode (a hard or symbolic link to it);
/// and a log or journal (`NAME-wal`, `-shm`, `-journal`) of any name by which the database
/// can be reached, since SQLite names them after the path a process opened it by (a rex
/// working on a hard link to the database keeps its log beside that link).
/// Replacing the database under the rex processes using it would destroy it.
fn refuse_database_files(target: &Path, database: &[PathBuf]) -> Result<()> {
    let shown = target.display();
    if let Some(file) = database.iter().find(|f| same_file(target, f)) {
        let file = file.display();
        return Err(Error::usage(if shown.to_string() == file.to_string() {
            format!("'{shown}' is one of the database's own files; writing it would destroy the database: give another path")
        } else {
            format!("'{shown}' is the database's own file '{file}'; writing it would destroy the database: give another path")
        }));
    }
    let base = companion_of(target);
    if let Some(file) = base
        .as_deref()
        .and_then(|b| database.iter().find(|f| same_file(b, f)))
    {
        let file = file.display();
        return Err(Error::usage(format!(
            "'{shown}' is where the database '{file}' keeps its log or journal when opened by that name; writing it would destroy the database: give another path"
        )));
    }
    Ok(())
}

/// Whether two paths name one file: the same entry once directories are resolved, or the
/// same device and inode.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let identity = |p: &Path| fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let entry = resolved_entry(a);
    let id = identity(a);
    (entry.is_some() && resolved_entry(b) == entry) || (id.is_some() && identity(b) == id)
}

/// The file whose log or journal `path` would be (`x.db` for `x.db-wal`), if its name says so.
fn companion_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let base = COMPANIONS
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .filter(|b| !b.is_empty())?;
    Some(path.with_file_name(base))
}

/// The entry `path` names: its directory resolved to a canonical path, and its own name as
/// it is (the entry itself may not exist, or be a link); None if the directory cannot be
/// resolved (then nothing can be written there either).
fn resolved_entry(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(dir).ok()?.join(name))
}

/// A maker of hidden, unpredictable names beside `target`: `.NAME.<random>.rex-partial`.
fn hidden_names(prefix: &std::ffi::OsStr) -> tempfile::Builder<'_, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".rex-partial").rand_bytes(10);
    b
}

/// What a hidden name for `target` starts with: `.NAME.`.
fn hidden_prefix(target: &Path) -> std::ffi::OsString {
    let mut name = std::ffi::OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(".");
    name
}

/// A new file with a hidden, unpredictable name beside `target`, created exclusively.
fn hidden_temp(target: &Path, dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    hidden_names(&hidden_prefix(target)).tempfile_in(dir)
}

/// An unnamed file in `dir` (Linux `O_TMPFILE`), where the system and `/proc` allow naming
/// it later.
fn open_anonymous(dir: &Path) -> Option<File> {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    if !Path::new("/proc/self/fd").is_dir() {
        return None;
    }
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `c` is a valid path; the returned descriptor is owned by the File made from it.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC,
            0o600 as libc::c_uint,
        )
    };
    // SAFETY: a non-negative descriptor from open() is ours alone.
    (fd >= 0).then(|| unsafe { File::from_raw_fd(fd) })
}

/// Gives the unnamed file a hidden name beside `target` (created exclusively), to be renamed.
fn link_anonymous(f: &File, target: &Path) -> io::Result<PathBuf> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let from = std::ffi::CString::new(format!("/proc/self/fd/{}", f.as_raw_fd()))?;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // tempfile tries fresh unpredictable names while one is taken; linkat never replaces.
    let linked = hidden_names(&hidden_prefix(target)).make_in(dir, |name| {
        let to = std::ffi::CString::new(name.as_os_str().as_bytes())?;
        // SAFETY: both are valid NUL-terminated paths.
        let rc = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    })?;
    Ok(linked.into_temp_path().keep()?)
}
