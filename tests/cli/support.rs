//! A hermetic rex: its own temp directory, database, clock and time zone.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub const T0: &str = "2026-03-02T09:00:00Z";

pub struct Rex {
    pub dir: TempDir,
    /// The SQLite file, when the suite runs on SQLite.
    pub db: PathBuf,
    /// The database's URL, when the suite runs on PostgreSQL (see [`crate::server`]).
    pub url: Option<String>,
    now: RefCell<String>,
}

impl Rex {
    /// A rex with an empty database of its own: a file in a temp directory, or a new
    /// database on the test server when the suite runs on PostgreSQL. The file exists, as
    /// a named database must (only commands that add data create one: see paths.rs).
    pub fn new() -> Rex {
        let mut rex = Rex::without_database();
        rex.url = crate::server::new_database();
        if rex.url.is_none() {
            rex.create_file();
        }
        rex
    }

    /// A rex whose `REX_DB` names a SQLite file that does not exist yet, whichever backend
    /// the suite runs on (for tests of creating one, or of building an old one by hand).
    pub fn without_database() -> Rex {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("rex.db");
        Rex {
            dir,
            db,
            url: None,
            now: RefCell::new(T0.to_string()),
        }
    }

    /// Creates the SQLite file as rex does, empty, at today's schema.
    fn create_file(&self) {
        let location = rex::store::Location::File(self.db.clone());
        let timeout = std::time::Duration::from_secs(5);
        rex::store::Store::open(&location, timeout, rex::store::Access::Write)
            .expect("create the test database");
    }

    /// Writes `text` to the file `name` in this rex's directory; its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// A rex on an empty SQLite file, whichever backend the suite runs on.
    pub fn sqlite() -> Rex {
        let rex = Rex::without_database();
        rex.create_file();
        rex
    }

    /// What `REX_DB` is for this rex: the file's path or the server database's URL.
    pub fn database(&self) -> std::ffi::OsString {
        match &self.url {
            Some(url) => url.into(),
            None => self.db.clone().into_os_string(),
        }
    }

    /// A fingerprint of everything in the database, to prove nothing changed: the file
    /// and its log on SQLite, everything `rex export` writes on PostgreSQL.
    pub fn snapshot(&self) -> (usize, u64) {
        if self.url.is_none() {
            return snapshot(&self.db);
        }
        let out = self.run(&["export"]);
        succeeded_for(&out, "export failed: ");
        fingerprint(&out.stdout)
    }

    /// Sets the clock (REX_NOW) for the commands that follow.
    pub fn at(&self, now: &str) -> &Rex {
        *self.now.borrow_mut() = now.to_string();
        self
    }

    /// The clock the commands that follow run at.
    pub fn now(&self) -> String {
        self.now.borrow().clone()
    }

    /// A rex command with a clean environment: its own database, clock, zone and home.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same, as a plain `std::process::Command` (for custom stdio).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_rex"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("REX_DB", self.database())
            .env("REX_NOW", self.now.borrow().as_str())
            .env("TZ", "UTC");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run rex")
    }

    /// Runs a command that must succeed, and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "rex {args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs a command with `-o json` and parses what it printed. The flag goes first: after
    /// the words of `deal note`, it would be a word of the note.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["-o", "json"];
        all.extend(args);
        let text = self.ok(&all);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("rex {args:?} printed no JSON ({e}): {text}"))
    }

    /// Runs a command with `-o id` and returns the one id it printed.
    pub fn id(&self, args: &[&str]) -> String {
        let mut all = vec!["-o", "id"];
        all.extend(args);
        let text = self.ok(&all);
        let id = text.trim().to_string();
        assert!(
            !id.is_empty() && !id.contains('\n'),
            "expected one id, got {text:?}"
        );
        id
    }

    /// Runs a command that must fail with `code`, leave the database byte-identical, and
    /// print exactly one `rex: ` line on stderr (and nothing on stdout). Returns that line.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let before = self.snapshot();
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(code),
            "rex {args:?}: stderr {stderr}"
        );
        assert_eq!(self.snapshot(), before, "rex {args:?} changed the database");
        assert!(
            out.stdout.is_empty(),
            "rex {args:?} printed {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        let line = stderr.strip_suffix('\n').unwrap_or(&stderr);
        assert!(
            line.starts_with("rex: ") && !line.contains('\n'),
            "not one rex: line: {stderr:?}"
        );
        line.to_string()
    }

    /// Runs rex as the unprivileged user `nobody` on this database (root ignores file
    /// modes); None where the machine cannot (not root, or no setpriv), after saying so.
    pub fn as_nobody(&self, test: &str, args: &[&str]) -> Option<Output> {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout == b"0\n")
            .unwrap_or(false);
        if !root
            || std::process::Command::new("setpriv")
                .arg("--version")
                .output()
                .is_err()
        {
            skipped(&format!(
                "{test} needs root and setpriv to run rex as another user"
            ));
            return None;
        }
        let out = std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                env!("CARGO_BIN_EXE_rex"),
            ])
            .args(args)
            .env_clear()
            .env("REX_DB", &self.db)
            .output()
            .expect("run rex as nobody");
        Some(out)
    }

    /// Runs a command whose standard output is a full disk (`/dev/full`).
    pub fn to_full_disk(&self, args: &[&str]) -> Output {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        self.std_cmd()
            .args(args)
            .stdout(full)
            .output()
            .expect("run rex")
    }

    /// A pipeline with the default stages; returns its JSON.
    pub fn sales(&self) -> Value {
        self.json(&["pipeline", "create", "Sales"])
    }
}

/// Runs `rex import ARGS` with `input` on its standard input.
pub fn import(rex: &Rex, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let (child, mut stdin) = start_import(rex, args);
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Starts `rex import ARGS` reading from a pipe the test holds (the `ChildStdin`), its
/// output piped.
pub fn start_import(rex: &Rex, args: &[&str]) -> (Child, ChildStdin) {
    let mut child = rex
        .std_cmd()
        .arg("import")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

/// A deal named Plain, worth 1, whose metadata `k` is `text`; its id.
pub fn plain_deal_with_meta(rex: &Rex, text: &str) -> String {
    rex.id(&[
        "deal",
        "create",
        "Plain",
        "--value",
        "1",
        "--meta",
        &format!("k={text}"),
    ])
}

/// Every deal (`deal list`), each as `view` shows it given the deal and its stage's
/// `pipeline/stage` name, in the order of their names.
pub fn deals_by_name(rex: &Rex, view: impl Fn(&Value, &str) -> Value) -> Vec<Value> {
    let mut stage_names = std::collections::HashMap::new();
    for p in rex.json(&["pipeline", "list"]).as_array().unwrap() {
        let shown = rex.json(&["pipeline", "show", &s(&p["id"])]);
        for st in shown["stages"].as_array().unwrap() {
            stage_names.insert(
                s(&st["id"]),
                format!("{}/{}", s(&p["name"]), s(&st["name"])),
            );
        }
    }
    let mut out: Vec<Value> = rex
        .json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| view(d, &stage_names[&s(&d["stage_id"])]))
        .collect();
    out.sort_by_key(|d| s(&d["name"]));
    out
}

/// Imports one note on the deal `id` whose text is `text` (from a JSON Lines file).
pub fn import_note(rex: &Rex, id: &str, text: &str) {
    let file = rex.dir.path().join("ev.jsonl");
    std::fs::write(
        &file,
        format!(
            "{}\n",
            serde_json::json!({"deal_id": id, "at": "2026-03-02T10:00:00Z", "kind": "note", "text": text})
        ),
    )
    .unwrap();
    rex.ok(&["import", file.to_str().unwrap()]);
}

/// What a finished rex printed on stderr, without the newline at its end.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim_end().to_string()
}

/// Asserts that a finished command succeeded, with its stderr as the message.
pub fn succeeded(out: &Output) {
    succeeded_for(out, "");
}

/// The same, the message naming what ran (`what` stands before the stderr).
pub fn succeeded_for(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Says in one line that a test was skipped and why, past the test harness's capture of
/// `eprintln!`, so that a passing `cargo test` still shows it.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

impl Drop for Rex {
    fn drop(&mut self) {
        if let Some(url) = &self.url {
            crate::server::drop_database(url);
        }
    }
}

/// A checksum of the database file and its write-ahead log, to prove nothing changed.
pub fn snapshot(db: &Path) -> (usize, u64) {
    let mut bytes = std::fs::read(db).unwrap_or_default();
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(PathBuf::from(wal)).unwrap_or_default());
    fingerprint(&bytes)
}

fn fingerprint(bytes: &[u8]) -> (usize, u64) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len(), h.finish())
}

/// The id of the stage named `name` in a pipeline's JSON.
pub fn stage_id(pipeline: &Value, name: &str) -> String {
    pipeline["stages"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == name))
        .and_then(|s| s["id"].as_str())
        .unwrap_or_else(|| panic!("no stage {name} in {pipeline}"))
        .to_string()
}

pub fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

/// One number from the database, read directly (for what no command shows: hidden rows).
pub fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The names in a directory, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A small file system of its own (tmpfs), unmounted when dropped; None where this machine
/// does not let the tests mount one (not root, or in a container without the right).
pub struct SmallDisk(PathBuf);

impl SmallDisk {
    /// A small disk at `disk` in the test's directory, or None (said as the test `test`
    /// skipped) where tmpfs cannot be mounted (not root).
    pub fn for_test(rex: &Rex, test: &str) -> Option<SmallDisk> {
        let disk = SmallDisk::mount(&rex.dir.path().join("disk"));
        if disk.is_none() {
            skipped(&format!("{test} needs to mount a tmpfs (root)"));
        }
        disk
    }

    /// Where the disk is mounted.
    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn mount(at: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then(|| SmallDisk(at.to_path_buf()))
    }

    /// Fills the disk to the last byte with a file named `fill`.
    pub fn fill(&self) {
        let mut fill = std::fs::File::create(self.0.join("fill")).unwrap();
        let block = vec![0u8; 4096];
        while std::io::Write::write_all(&mut fill, &block).is_ok() {}
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A pseudo-terminal of `rows` x `cols`: its master side to read what a program wrote, and
/// its slave side to hand to the program as its terminal.
pub fn pty(rows: u16, cols: u16) -> (std::fs::File, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes the two descriptors it opens; the name buffer is null.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here alone.
    unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    }
}

/// Who rex records history events as on SQLite when `REX_OWNER` is not set: the system
/// user it runs as (the tests run rex as themselves), found as rex finds it.
pub fn system_user() -> String {
    // SAFETY: the name is copied out at once.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        assert!(!pw.is_null(), "the test runs as a user with a name");
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_string_lossy()
            .into_owned()
    }
}

/// Who a rex records history events as when the test sets no `REX_OWNER`: on SQLite the
/// system user, on PostgreSQL the login of the test database's URL, as the server says.
pub fn actor(rex: &Rex) -> String {
    match &rex.url {
        Some(url) => {
            let mut client = postgres::Client::connect(url, postgres::NoTls)
                .unwrap_or_else(|e| panic!("cannot reach the test database {url}: {e}"));
            client
                .query_one("SELECT session_user::text", &[])
                .expect("session_user")
                .get(0)
        }
        None => system_user(),
    }
}

/// What a terminal of `rows` x `cols` shows when `rex ARGS` runs on it (stdout and stderr
/// both there, as at a prompt; `env` added), with `\n` line ends, and the exit code.
pub fn on_terminal(
    rex: &Rex,
    rows: u16,
    cols: u16,
    env: &[(&str, &str)],
    args: &[&str],
) -> (String, i32) {
    at_terminal(rex, rows, cols, env, args, None)
}

/// As [`on_terminal`], with standard input on the terminal too, where `reply` is typed (the
/// answer to a question); the screen shows it as the terminal echoes it.
pub fn on_terminal_replying(
    rex: &Rex,
    rows: u16,
    cols: u16,
    args: &[&str],
    reply: &[u8],
) -> (String, i32) {
    at_terminal(rex, rows, cols, &[("NO_COLOR", "1")], args, Some(reply))
}

fn at_terminal(
    rex: &Rex,
    rows: u16,
    cols: u16,
    env: &[(&str, &str)],
    args: &[&str],
    reply: Option<&[u8]>,
) -> (String, i32) {
    use std::io::{Read, Write};
    let (mut master, slave) = pty(rows, cols);
    let mut cmd = rex.std_cmd();
    let stdin = match reply {
        Some(_) => Stdio::from(slave.try_clone().expect("a third descriptor")),
        None => Stdio::null(),
    };
    cmd.envs(env.iter().copied())
        .args(args)
        .stdin(stdin)
        .stdout(slave.try_clone().expect("a second descriptor"))
        .stderr(slave);
    let mut child = cmd.spawn().expect("run rex");
    // Only the child holds the terminal now: reading ends (EIO) when it exits.
    drop(cmd);
    if let Some(reply) = reply {
        master.write_all(reply).expect("type the reply");
    }
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = master.read(&mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    let status = child.wait().expect("wait for rex");
    let text = String::from_utf8(out)
        .expect("utf-8 output")
        .replace("\r\n", "\n");
    (text, status.code().unwrap_or(-1))
}

/// A line without its colour escapes.
pub fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The columns a line takes on screen, colour escapes left out.
pub fn width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(plain(line).as_str())
}

/// Every line of `text` fits `columns` on screen.
pub fn assert_fits(text: &str, columns: usize, what: &str) {
    for line in text.lines() {
        assert!(
            width(line) <= columns,
            "{what}: a line of {} columns at {columns}:\n{line}\n{text}",
            width(line)
        );
    }
}
