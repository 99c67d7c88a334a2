//! Reliability round 2: each case an adversarial run found, and its siblings. Every test here
//! failed before its fix.

use std::process::Stdio;

use serde_json::{json, Value};

use crate::support::{entries, import, stderr, Rex, SmallDisk};

#[test]
fn amounts_are_bounded_and_totals_never_overflow() {
    let rex = Rex::new();
    rex.sales();
    let line = rex.fails(
        &["deal", "create", "x", "--value", "92233720368547758.07"],
        2,
    );
    assert!(
        line.contains("more than $10,000,000,000,000.00, the largest amount rex keeps"),
        "{line}"
    );
    rex.fails(&["deal", "create", "x", "--value", "10000000000000.01"], 2);
    let out = import(&rex, &[], "{\"name\":\"x\",\"value\":1000000000000001}\n");
    assert_eq!(
        stderr(&out),
        "rex: line 1: field 'value': value 1000000000000001 is more than 1000000000000000 cents ($10,000,000,000,000.00), the largest amount rex keeps; nothing was imported"
    );
    for _ in 0..3 {
        rex.ok(&["deal", "create", "max", "--value", "$10,000,000,000,000.00"]);
    }
    let list = rex.json(&["pipeline", "list"]);
    assert_eq!(list[0]["open_value"], json!(3_000_000_000_000_000i64));
    // A database from before the bound may hold more: two deals of i64::MAX cents each.
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute("UPDATE deal_rows SET value = 9223372036854775807", [])
        .unwrap();
    drop(conn);
    let text = rex.ok(&["pipeline", "list", "-o", "json"]);
    assert!(
        text.contains("\"open_value\": 27670116110564327421,"),
        "{text}"
    );
    let board = rex.ok(&["pipeline", "show", "Sales", "-o", "json"]);
    assert!(
        board.contains("\"open_value\": 27670116110564327421,"),
        "{board}"
    );
    let table = rex.ok(&["pipeline", "show", "Sales", "-o", "table"]);
    assert!(table.contains("$276,701,161,105,643,274.21"), "{table}");
    rex.ok(&["pipeline", "list", "-o", "csv"]);
    rex.ok(&["deal", "list", "-o", "table"]);
}

#[test]
fn a_damaged_stored_id_is_exit_6_naming_the_deal() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "x", "--value", "1"]);
    let damaged = format!("{}\u{18}{}", &id[..8], &id[9..]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("UPDATE deal_rows SET id = ?1", [&damaged])
        .unwrap();
    drop(conn);
    for args in [vec!["export"], vec!["deal", "list"]] {
        // An export streams: what it wrote before the damage may be on stdout already.
        let out = rex.run(&args);
        assert_eq!(out.status.code(), Some(6), "{args:?}");
        let line = stderr(&out);
        assert!(
            line.starts_with(&format!(
                "rex: the database is damaged at deal '{}\\u{{18}}{}' (",
                &id[..8],
                &id[9..]
            )) && line.ends_with("); restore a backup"),
            "{line}"
        );
    }
    // Damaged metadata too: its deal is named, and it can still be deleted.
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute("UPDATE deal_rows SET id = ?1, metadata = '{'", [&id])
        .unwrap();
    drop(conn);
    let line = rex.fails(&["deal", "show", &id], 6);
    assert!(
        line.starts_with(&format!("rex: the database is damaged at deal '{id}'")),
        "{line}"
    );
    rex.ok(&["deal", "delete", &id, "--yes"]);
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
    // A report names the damaged deal too, not the value that happened to come first.
    let won = rex.id(&["deal", "create", "y", "--value", "1"]);
    rex.ok(&["deal", "close", &won, "--won"]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("UPDATE deal_rows SET pipeline_id = 'pipeline_x'", [])
        .unwrap();
    drop(conn);
    let line = rex.fails(&["report", "wins"], 6);
    assert!(
        line.starts_with(&format!("rex: the database is damaged at deal '{won}' (")),
        "{line}"
    );
}

#[test]
fn many_rex_at_once_on_a_new_database_all_succeed() {
    let rex = Rex::new();
    for round in 0..12 {
        let db = rex.dir.path().join(format!("new-{round}.db"));
        let children: Vec<_> = (0..16)
            .map(|i| {
                let mut c = rex.std_cmd();
                c.env("REX_DB", &db).env("REX_BUSY_TIMEOUT", "20000");
                if i % 4 == 0 {
                    c.args(["pipeline", "create", &format!("P{i}"), "-o", "id"]);
                } else {
                    c.args(["deal", "list", "-o", "json"]);
                }
                c.stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: {}",
                stderr(&out)
            );
        }
        let listed = rex
            .cmd()
            .env("REX_DB", &db)
            .args(["pipeline", "list", "-o", "id"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 4);
        // Nothing but the database is left beside it.
        let mut names: Vec<String> = std::fs::read_dir(rex.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("new-{round}")) || n.starts_with(".rex-new"))
            .collect();
        names.sort();
        assert_eq!(names, [format!("new-{round}.db")]);
    }
}

#[test]
fn paths_that_cannot_hold_a_database_are_named_and_left_alone() {
    let rex = Rex::new();
    let run_on = |db: &std::path::Path| {
        let out = rex
            .cmd()
            .env("REX_DB", db)
            .args(["deal", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
        stderr(&out)
    };
    assert_eq!(
        run_on(std::path::Path::new("/dev/null")),
        "rex: '/dev/null' is a character device, not a database file; pass the path of a regular file with --db"
    );
    assert!(!std::path::Path::new("/dev/null-journal").exists());
    let fifo = rex.dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    assert_eq!(
        run_on(&fifo),
        format!("rex: '{}' is a named pipe (FIFO), not a database file; pass the path of a regular file with --db", fifo.display())
    );
    let top = rex.dir.path().join("a".repeat(200));
    let long = top
        .join("b".repeat(200))
        .join(format!("{}.db", "c".repeat(120)));
    let line = run_on(&long);
    assert!(
        line.contains(
            "bytes long as an absolute path; SQLite allows at most 504: use a shorter path"
        ),
        "{line}"
    );
    assert!(
        !top.exists(),
        "a directory was made for a path that cannot work"
    );
    let names: Vec<String> = std::fs::read_dir(rex.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["fifo"]);
}

#[test]
fn a_full_disk_is_named_and_reads_still_work() {
    let rex = Rex::new();
    let at = rex.dir.path().join("disk");
    let Some(disk) = SmallDisk::mount(&at) else {
        eprintln!(
            "skipped: a_full_disk_is_named_and_reads_still_work needs to mount a tmpfs (root)"
        );
        return;
    };
    let db = at.join("rex.db");
    let on_disk = |args: &[&str]| rex.cmd().env("REX_DB", &db).args(args).output().unwrap();
    assert!(on_disk(&["pipeline", "create", "Sales"]).status.success());
    assert!(on_disk(&["deal", "create", "Kept", "--value", "5"])
        .status
        .success());
    // Fill the disk to the last byte.
    disk.fill();
    let out = on_disk(&["deal", "list", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let deals: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(deals[0]["name"], "Kept");
    let out = on_disk(&["deal", "create", "Lost", "--value", "5"]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        stderr(&out),
        format!("rex: the disk holding database '{}' is full; nothing was changed: free some space and try again", db.display())
    );
    std::fs::remove_file(at.join("fill")).unwrap();
    let out = on_disk(&["deal", "list", "-o", "json"]);
    let deals: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(deals.as_array().unwrap().len(), 1);
}

#[test]
fn a_read_only_directory_is_named_as_the_cause() {
    use std::os::unix::fs::PermissionsExt;
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Kept", "--value", "5"]);
    std::fs::set_permissions(rex.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&rex.db, std::fs::Permissions::from_mode(0o666)).unwrap();
    let test = "a_read_only_directory_is_named_as_the_cause";
    let Some(out) = rex.as_nobody(test, &["deal", "list", "-o", "id"]) else {
        return;
    };
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let out = rex
        .as_nobody(test, &["deal", "create", "X", "--value", "1"])
        .expect("ran above");
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        stderr(&out),
        format!(
            "rex: database '{}' cannot be used: its directory '{}' is not writable, and SQLite keeps its log files beside the database; make the directory writable or move the database",
            rex.db.display(),
            rex.dir.path().display()
        )
    );
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn export_and_backup_files_are_private_whole_and_replace_only_regular_files() {
    use std::os::unix::fs::PermissionsExt;
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "x", "--value", "1"]);
    let out_dir = rex.dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let export = out_dir.join("deals.jsonl");
    let backup = out_dir.join("copy.db");
    for (args, path) in [
        (vec!["export", "--file"], &export),
        (vec!["backup"], &backup),
    ] {
        // New: 0600 even under umask 000.
        let mut cmd = rex.std_cmd();
        let status = unsafe_umask_000(&mut cmd)
            .args(&args)
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(path), 0o600, "{args:?}");
        // Existing: keeps its mode.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut all = args.clone();
        all.push(path.to_str().unwrap());
        rex.ok(&all);
        assert_eq!(mode(path), 0o640, "{args:?}");
    }
    assert_eq!(
        std::fs::read_to_string(&export).unwrap(),
        rex.ok(&["export"])
    );
    let copy = rex
        .cmd()
        .env("REX_DB", &backup)
        .args(["export"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(copy.stdout).unwrap(), rex.ok(&["export"]));
    // A planted link at a name rex might use is never followed; a link at the target is
    // refused, as are directories, FIFOs and devices.
    let victim = rex.dir.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, out_dir.join("deals.jsonl.rex-partial")).unwrap();
    std::os::unix::fs::symlink(&victim, out_dir.join("link.jsonl")).unwrap();
    let fifo = out_dir.join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    rex.ok(&["export", "--file", export.to_str().unwrap()]);
    for (target, message) in [
        (out_dir.join("link.jsonl"), "is a symbolic link; rex replaces only regular files: give the path it points to"),
        (out_dir.clone(), "is a directory; give the path of a file to write"),
        (fifo.clone(), "is a named pipe (FIFO); rex replaces only regular files (to write into it, use standard output: >"),
        (std::path::PathBuf::from("/dev/full"), "is a character device; rex replaces only regular files"),
    ] {
        for command in ["export --file", "backup"] {
            let mut args: Vec<&str> = command.split(' ').collect();
            args.push(target.to_str().unwrap());
            let line = rex.fails(&args, 2);
            assert!(line.contains(message), "{args:?}: {line}");
        }
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo_like());
    assert_eq!(
        entries(&out_dir),
        [
            "copy.db",
            "deals.jsonl",
            "deals.jsonl.rex-partial",
            "fifo",
            "link.jsonl"
        ]
    );
}

/// Runs the command under umask 000, the loosest a user can set.
fn unsafe_umask_000(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: umask is async-signal-safe and only changes the child's file mode mask.
    unsafe {
        cmd.pre_exec(|| {
            libc_umask(0);
            Ok(())
        })
    }
}

extern "C" {
    #[link_name = "umask"]
    fn libc_umask(mask: u32) -> u32;
}

trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

#[test]
fn a_backup_taken_while_others_write_is_whole_and_consistent() {
    let rex = Rex::new();
    rex.sales();
    let writer = {
        let db = rex.db.clone();
        std::thread::spawn(move || {
            for i in 0..60 {
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_rex"))
                    .env_clear()
                    .env("REX_DB", &db)
                    .env("REX_BUSY_TIMEOUT", "20000")
                    .args([
                        "deal",
                        "create",
                        &format!("w{i}"),
                        "--value",
                        "1",
                        "-o",
                        "id",
                    ])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let mut copies = Vec::new();
    for i in 0..10 {
        let path = rex.dir.path().join(format!("b{i}.db"));
        rex.ok(&["backup", path.to_str().unwrap()]);
        copies.push(path);
    }
    writer.join().unwrap();
    let mut last = 0;
    for path in copies {
        let check: String = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let out = rex
            .cmd()
            .env("REX_DB", &path)
            .args(["info", "-o", "json"])
            .output()
            .unwrap();
        let info: Value = serde_json::from_slice(&out.stdout).unwrap();
        // Each copy is one moment: every deal with its created event, never fewer deals
        // than an earlier copy.
        let deals = info["deals"].as_i64().unwrap();
        assert_eq!(info["events"].as_i64().unwrap(), deals);
        assert!(deals >= last);
        last = deals;
    }
}
