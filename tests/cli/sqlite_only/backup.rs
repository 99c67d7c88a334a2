//! `rex backup` and `export --file` beside a SQLite database: they never write over the
//! database's own files, a target that cannot be written is their failure and not the
//! database's, what they write is private and whole, and a backup is one moment.

use serde_json::Value;

use crate::support::{entries, succeeded, Rex, SmallDisk};

#[test]
fn backup_and_export_never_write_over_the_databases_own_files() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Kept", "--value", "5"]);
    let dir = rex.dir.path();
    let db = rex.db.to_str().unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::hard_link(&rex.db, dir.join("hard.db")).unwrap();
    std::os::unix::fs::symlink(&rex.db, dir.join("soft.db")).unwrap();
    std::os::unix::fs::symlink(dir, dir.join("alias")).unwrap();
    let before = entries(dir);
    let own = |shown: &str, file: &str| {
        if shown == file {
            format!("rex: '{shown}' is one of the database's own files; writing it would destroy the database: give another path")
        } else {
            format!("rex: '{shown}' is the database's own file '{file}'; writing it would destroy the database: give another path")
        }
    };
    let wal = format!("{db}-wal");
    let absolute_shm = format!("{db}-shm");
    // Relative paths are read from the database's directory; the log and the journal need
    // not exist yet.
    let cases: Vec<(String, String)> = vec![
        ("rex.db".into(), db.into()),
        ("./rex.db".into(), db.into()),
        ("sub/../rex.db".into(), db.into()),
        (db.into(), db.into()),
        ("alias/rex.db".into(), db.into()),
        ("hard.db".into(), db.into()),
        ("soft.db".into(), db.into()),
        ("rex.db-wal".into(), wal.clone()),
        ("sub/../rex.db-journal".into(), format!("{db}-journal")),
        (absolute_shm.clone(), absolute_shm),
        ("alias/rex.db-wal".into(), wal),
    ];
    // The log and journal of any name the database can be reached by (SQLite names them
    // after the path a process opened): through a hard link, a symbolic link, a linked
    // directory; whether they exist or not.
    let companion = |shown: &str| {
        format!("rex: '{shown}' is where the database '{db}' keeps its log or journal when opened by that name; writing it would destroy the database: give another path")
    };
    for target in ["hard.db-wal", "soft.db-journal", "alias/hard.db-shm"] {
        for command in [&["backup"][..], &["export", "--file"]] {
            let mut args = command.to_vec();
            args.push(target);
            let snapshot = rex.snapshot();
            let out = rex.cmd().current_dir(dir).args(&args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                (out.status.code(), stderr.trim_end()),
                (Some(2), companion(target).as_str()),
                "rex {args:?}"
            );
            assert_eq!(
                rex.snapshot(),
                snapshot,
                "rex {args:?} changed the database"
            );
            assert_eq!(entries(dir), before, "rex {args:?} left a file");
        }
    }
    for (target, file) in &cases {
        for command in [&["backup"][..], &["export", "--file"]] {
            let mut args = command.to_vec();
            args.push(target);
            let snapshot = rex.snapshot();
            let out = rex.cmd().current_dir(dir).args(&args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                (out.status.code(), stderr.trim_end()),
                (Some(2), own(target, file).as_str()),
                "rex {args:?}"
            );
            assert!(out.stdout.is_empty());
            assert_eq!(
                rex.snapshot(),
                snapshot,
                "rex {args:?} changed the database"
            );
            assert_eq!(entries(dir), before, "rex {args:?} left a file");
        }
    }
    // A file beside it with another name is written as ever.
    rex.cmd()
        .current_dir(dir)
        .args(["backup", "rex.db.bak"])
        .assert()
        .success();
    rex.cmd()
        .current_dir(dir)
        .args(["export", "--file", "rex.db-wal.jsonl"])
        .assert()
        .success();
    let names: Vec<String> = rex
        .json(&["deal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Kept"]);
}

#[test]
fn a_full_disk_at_the_backup_target_is_the_backups_failure_naming_it() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Kept", "--value", "5"]);
    let Some(disk) = SmallDisk::for_test(
        &rex,
        "a_full_disk_at_the_backup_target_is_the_backups_failure_naming_it",
    ) else {
        return;
    };
    let at = disk.path().to_path_buf();
    disk.fill();
    let target = at.join("copy.db");
    assert_eq!(
        rex.fails(&["backup", target.to_str().unwrap()], 1),
        format!(
            "rex: cannot write '{}': the disk is full; the database is as it was: free some space or choose another path",
            target.display()
        )
    );
    assert_eq!(entries(&at), ["fill"]);
    assert_eq!(rex.json(&["deal", "list"])[0]["name"], "Kept");
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Was: `export --file` wrote a world-readable file (and replaced a private one with it),
/// followed a symbolic link planted at `PATH.rex-partial`, and replaced a FIFO or
/// `/dev/full` with a regular file.
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

/// Was: rex had no backup of its own, and the README's advice (copy `rex.db` while no rex
/// runs) broke when a killed process had left a `-wal` beside the copy.
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
                succeeded(&out);
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
