use std::os::unix::fs::PermissionsExt;

use serde_json::{json, Value};

use crate::imports::by_name;
use crate::support::{entries, snapshot, stderr, succeeded, Rex, SmallDisk};

/// The SQLite schema version this rex writes (the number of its migrations).
const SCHEMA: i64 = 19;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn default_location_is_the_per_user_data_directory_created_private() {
    let rex = Rex::new();
    let home = rex.dir.path().join("home");
    // The first command that adds data creates it.
    let created = rex
        .cmd()
        .env_remove("REX_DB")
        .args(["pipeline", "create", "Sales", "-q"])
        .output()
        .unwrap();
    succeeded(&created);
    let out = rex
        .cmd()
        .env_remove("REX_DB")
        .args(["info", "-o", "json"])
        .output()
        .unwrap();
    succeeded(&out);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let db = home.join(".local/share/rex/rex.db");
    assert_eq!(info["database"], db.to_str().unwrap());
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

#[test]
fn db_flag_beats_rex_db() {
    let rex = Rex::without_database();
    let other = rex.dir.path().join("nested/dir/other.db");
    rex.ok(&[
        "pipeline",
        "create",
        "Sales",
        "-q",
        "--db",
        other.to_str().unwrap(),
    ]);
    let info = rex.json(&["info", "--db", other.to_str().unwrap()]);
    assert_eq!(info["database"], other.to_str().unwrap());
    assert!(other.exists() && !rex.db.exists());
    assert_eq!(mode(&other), 0o600);
    assert_eq!(mode(other.parent().unwrap()), 0o700);
}

#[test]
fn existing_permissions_are_not_loosened() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    std::fs::set_permissions(&rex.db, std::fs::Permissions::from_mode(0o400)).unwrap();
    rex.ok(&["info"]);
    assert_eq!(mode(&rex.db), 0o400);
}

#[test]
fn info_reports_version_path_schema_and_counts() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "A", "--value", "1"]);
    rex.ok(&["deal", "note", &id, "hello"]);
    assert_eq!(
        rex.json(&["info"]),
        json!({
            "version": env!("CARGO_PKG_VERSION"), "database": rex.db.to_str().unwrap(), "schema_version": SCHEMA,
            "backend": "sqlite",
            "pipelines": 1, "stages": 5, "deals": 1, "events": 2, "exists": true, "activities": 0,
        })
    );
}

#[test]
fn the_schema_is_versioned_wal_and_marked_as_rex() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        (version, app, journal.as_str()),
        (SCHEMA, 0x5245_5831, "wal")
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let rex = Rex::new();
    rex.sales();
    {
        let conn = rusqlite::Connection::open(&rex.db).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let shown = rex.db.display();
    for args in [
        &["info"][..],
        &["deal", "create", "A", "--value", "1"],
        &["pipeline", "list"],
    ] {
        assert_eq!(
            rex.fails(args, 6),
            format!("rex: database '{shown}' was written by a newer rex (schema 99; this rex knows up to {SCHEMA}); upgrade rex to use it")
        );
    }
}

#[test]
fn files_that_are_not_rex_databases_are_refused_and_left_untouched() {
    let rex = Rex::new();
    let text = rex.dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "this is not a database, it is a shopping list\n".repeat(20),
    )
    .unwrap();
    let before = snapshot(&text);
    let out = rex.run(&["info", "--db", text.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "rex: '{}' is not a rex database (not an SQLite file); pass another path with --db\n",
            text.display()
        )
    );
    assert_eq!(snapshot(&text), before);

    let other = rex.dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = snapshot(&other);
    let out = rex.run(&["pipeline", "create", "X", "--db", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "rex: database '{}' is an SQLite database of another program, not a rex database; pass another path with --db\n",
            other.display()
        )
    );
    assert_eq!(snapshot(&other), before);

    let out = rex.run(&["info", "--db", rex.dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "rex: '{}' is a directory, not a rex database; pass a file path with --db\n",
            rex.dir.path().display()
        )
    );
}

#[test]
fn unusable_databases_are_refused_and_untouched() {
    let rex = Rex::new();
    rex.sales();
    let text = rex.dir.path().join("notes.txt");
    std::fs::write(&text, "not a database\n".repeat(100)).unwrap();
    let newer = rex.dir.path().join("newer.db");
    std::fs::copy(&rex.db, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let dir = rex.dir.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    for (path, names) in [
        (&text, "not a rex database"),
        (&newer, "newer rex"),
        (&dir, "is a directory"),
    ] {
        let before = snapshot(path);
        for args in [
            &["info"][..],
            &["deal", "create", "X", "--value", "1"],
            &["deal", "stalled", "--mark"],
            &["import", "-"],
        ] {
            let mut all = args.to_vec();
            all.extend(["--db", path.to_str().unwrap()]);
            let out = rex.cmd().args(&all).write_stdin("").output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(6), "{all:?}: {err}");
            assert!(err.contains(names) && err.lines().count() == 1, "{err}");
        }
        assert_eq!(snapshot(path), before);
    }
}

#[test]
fn a_read_only_database_is_refused_and_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let rex = Rex::new();
    rex.sales();
    std::fs::set_permissions(rex.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&rex.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = rex.snapshot();
    let test = "a_read_only_database_is_refused_and_untouched";
    let as_nobody = |args: &[&str]| rex.as_nobody(test, args);
    let Some(out) = as_nobody(&["deal", "list", "-o", "json"]) else {
        return;
    };
    // Reading needs no writes: it is served as the file stands.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[]\n");
    for args in [
        &["deal", "create", "X", "--value", "1"][..],
        &["pipeline", "create", "Y"],
    ] {
        let out = as_nobody(args).expect("ran above");
        assert_eq!(out.status.code(), Some(6), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("rex: database '{}' is read-only; check the file's permissions or pass another --db\n", rex.db.display())
        );
    }
    assert_eq!(rex.snapshot(), before);
}

/// Was: `REX_DB=/dev/null` and a FIFO said "disk I/O error" (and `/dev/null-journal` was
/// created), and a path of 505 bytes or more said "cannot be opened" after creating its
/// directories and an empty file.
#[test]
fn paths_that_cannot_hold_a_database_are_named_and_left_alone() {
    let rex = Rex::without_database();
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

/// Was: on a full filesystem every command, reads included, failed with "disk I/O error".
#[test]
fn a_full_disk_under_the_database_is_named_and_reads_still_work() {
    let rex = Rex::new();
    let Some(disk) = SmallDisk::for_test(
        &rex,
        "a_full_disk_under_the_database_is_named_and_reads_still_work",
    ) else {
        return;
    };
    let at = disk.path().to_path_buf();
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

/// Was: a writable database in a read-only directory failed with an error that blamed the
/// file, not the directory where SQLite keeps its log files.
#[test]
fn a_read_only_directory_is_named_as_the_cause_of_a_failed_write() {
    use std::os::unix::fs::PermissionsExt;
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Kept", "--value", "5"]);
    std::fs::set_permissions(rex.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&rex.db, std::fs::Permissions::from_mode(0o666)).unwrap();
    let test = "a_read_only_directory_is_named_as_the_cause_of_a_failed_write";
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

#[test]
fn a_busy_database_exits_5_having_changed_nothing() {
    let rex = Rex::new();
    rex.sales();
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let before = snapshot(&rex.db);
    let out = rex
        .cmd()
        .env("REX_BUSY_TIMEOUT", "100")
        .args(["deal", "create", "A", "--value", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: the database is busy (another rex is writing); nothing was changed, try again\n"
    );
    assert_eq!(snapshot(&rex.db), before);
    // Reads still work while someone writes.
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
    conn.execute_batch("ROLLBACK").unwrap();
    rex.ok(&["deal", "create", "A", "--value", "1"]);
}

#[test]
fn a_bad_clock_or_timeout_is_a_usage_error() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    rex.at("next tuesday");
    assert_eq!(
        rex.fails(&["info"], 2),
        "rex: REX_NOW='next tuesday' is not an RFC 3339 time; set it like 2026-03-01T09:00:00Z"
    );
    rex.at("2026-03-01T09:00:00Z");
    let out = rex
        .cmd()
        .env("REX_BUSY_TIMEOUT", "soon")
        .arg("info")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: REX_BUSY_TIMEOUT='soon' is not a number of milliseconds; set it like 5000\n"
    );
}

/// A database written by the first rex (schema 1) is upgraded in place on first use:
/// every record and its history stay, references still hold, and writes work.
#[test]
fn a_schema_1_database_is_upgraded_with_its_records() {
    let rex = Rex::without_database();
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch(include_str!(
        "../../../src/store/sqlite/migrations/001_init.sql"
    ))
    .unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA application_id = 1380276273;
         PRAGMA user_version = 1;
         INSERT INTO pipelines VALUES ('pipeline_01h455vb4pex5vsknk084sn02q', 'Sales', 'sales', 30,
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO stages VALUES ('stage_01h455vb4pex5vsknk084sn02q', 'pipeline_01h455vb4pex5vsknk084sn02q',
             'Discovery', 'discovery', '#4f9dde', 0, NULL);
         INSERT INTO deals (id, name, name_key, value, status, pipeline_id, stage_id, created_at,
             updated_at, last_activity_at, stage_entered_at)
             VALUES ('deal_01h455vb4pex5vsknk084sn02q', 'Acme', 'acme', 500000, 'open',
             'pipeline_01h455vb4pex5vsknk084sn02q', 'stage_01h455vb4pex5vsknk084sn02q',
             '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z');
         INSERT INTO deal_events (deal_id, at, kind, details)
             VALUES ('deal_01h455vb4pex5vsknk084sn02q', '2026-01-02T00:00:00Z', 'note', '{\"text\":\"hello\"}');",
    )
    .unwrap();
    drop(conn);

    assert_eq!(rex.json(&["info"])["schema_version"], SCHEMA);
    // Schema 5 indexed the names already there.
    assert_eq!(
        rex.json(&["deal", "list", "--search", "acm"])[0]["id"],
        "deal_01h455vb4pex5vsknk084sn02q"
    );
    // Schema 6 counted the deals already there.
    let listed = &rex.json(&["pipeline", "list"])[0];
    assert_eq!(
        (&listed["open_count"], &listed["open_value"]),
        (&json!(1), &json!(500000))
    );
    let deal = rex.json(&["deal", "show", "deal_01h455vb4pex5vsknk084sn02q"]);
    assert_eq!(
        (&deal["name"], &deal["value"], &deal["stage_id"]),
        (
            &json!("Acme"),
            &json!(500000),
            &json!("stage_01h455vb4pex5vsknk084sn02q")
        )
    );
    let history = rex.json(&["deal", "history", "deal_01h455vb4pex5vsknk084sn02q"]);
    assert_eq!(history[0]["kind"], "note");
    assert_eq!(history[0]["text"], "hello");
    // Schema 12: who made an event recorded before is not known.
    assert_eq!(history[0]["actor"], Value::Null);
    rex.ok(&["deal", "note", "deal_01h455vb4pex5vsknk084sn02q", "called"]);
    rex.ok(&["deal", "create", "Beta", "--value", "10"]);
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 2);

    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    let orphans: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!((check.as_str(), orphans), ("ok", 0));
}

/// A deal imported by a rex before schema 10 is known by its `metadata.source`; after the
/// upgrade, by its origin (the oldest deal of each such source), and its metadata is kept.
#[test]
fn deals_imported_before_keep_their_source_as_origin() {
    let rex = Rex::without_database();
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    for sql in [
        include_str!("../../../src/store/sqlite/migrations/001_init.sql"),
        include_str!("../../../src/store/sqlite/migrations/002_staged_imports.sql"),
        include_str!("../../../src/store/sqlite/migrations/003_short_references.sql"),
        include_str!("../../../src/store/sqlite/migrations/004_probabilities.sql"),
        include_str!("../../../src/store/sqlite/migrations/005_name_search.sql"),
        include_str!("../../../src/store/sqlite/migrations/006_stage_totals.sql"),
        include_str!("../../../src/store/sqlite/migrations/007_forecast_totals.sql"),
        include_str!("../../../src/store/sqlite/migrations/008_closed_totals.sql"),
        include_str!("../../../src/store/sqlite/migrations/009_created_order_checks.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    let deal = |id: &str, name: &str, meta: &str| {
        format!(
            "INSERT INTO deal_rows (id, name, name_key, value, status, pipeline_id, stage_id, metadata,
                 created_at, updated_at, last_activity_at, stage_entered_at)
             VALUES ('deal_01h455vb4pex5vsknk084sn0{id}', '{name}', lower('{name}'), 100, 'open',
                 'pipeline_01h455vb4pex5vsknk084sn02q', 'stage_01h455vb4pex5vsknk084sn02q', '{meta}',
                 '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z',
                 '2026-01-02T00:00:00Z');"
        )
    };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA application_id = 1380276273;
         PRAGMA user_version = 9;
         INSERT INTO pipeline_rows (id, name, name_key, stall_days, created_at, updated_at)
             VALUES ('pipeline_01h455vb4pex5vsknk084sn02q', 'Sales', 'sales', 30,
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO stage_rows (id, pipeline_id, name, name_key, color, position)
             VALUES ('stage_01h455vb4pex5vsknk084sn02q', 'pipeline_01h455vb4pex5vsknk084sn02q',
             'Discovery', 'discovery', '#4f9dde', 0);
         {}{}{}{}",
        deal("1a", "Acme", r#"{"source":"hubspot:7","tier":"gold"}"#),
        deal("1b", "Acme twice", r#"{"source":"hubspot:7"}"#),
        deal("1c", "Lead", r#"{"source":"Referral"}"#),
        deal("1d", "Plain", "{}"),
    ))
    .unwrap();
    drop(conn);
    assert_eq!(
        by_name(&rex),
        [
            (
                "Acme".into(),
                json!(100),
                json!({"source": "hubspot:7", "tier": "gold"}),
                json!("hubspot:7")
            ),
            (
                "Acme twice".into(),
                json!(100),
                json!({"source": "hubspot:7"}),
                Value::Null
            ),
            (
                "Lead".into(),
                json!(100),
                json!({"source": "Referral"}),
                Value::Null
            ),
            ("Plain".into(), json!(100), json!({}), Value::Null),
        ]
    );
    let again = rex.file("hubspot.csv", "Record ID,Deal Name,Amount\n7,Acme,1\n");
    assert_eq!(
        rex.fails(&["import", &again, "--from", "hubspot"], 4),
        "rex: line 2: the deal from hubspot:7 was imported before (deal_01h455vb4pex5vsknk084sn01a); use --upsert to update it; nothing was imported"
    );
}

#[test]
fn a_url_of_an_unreachable_server_is_named_without_its_password_and_creates_nothing() {
    let rex = Rex::new();
    let before = entries(rex.dir.path());
    let run = |flag: Option<&str>, env: Option<&str>| {
        let mut cmd = rex.cmd();
        cmd.current_dir(rex.dir.path()).args(["deal", "list"]);
        if let Some(url) = flag {
            cmd.args(["--db", url]);
        }
        if let Some(url) = env {
            cmd.env("REX_DB", url);
        }
        let out = cmd.output().unwrap();
        assert!(out.stdout.is_empty());
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    // Port 1 on this machine refuses connections at once.
    let refused = "Connection refused (os error 111); check the host, the port and that the server is running\n";
    assert_eq!(
        run(
            Some("postgres://ana:s3cret@127.0.0.1:1/crm?sslmode=require&password=x"),
            None
        ),
        (
            Some(6),
            format!(
                "rex: cannot connect to postgres://ana@127.0.0.1:1/crm?sslmode=require: {refused}"
            )
        )
    );
    assert_eq!(
        run(None, Some("postgresql://ana:s3cret@localhost:1/crm")),
        (
            Some(6),
            format!("rex: cannot connect to postgresql://ana@localhost:1/crm: {refused}")
        )
    );
    assert_eq!(
        run(Some("postgres://ana:s3cret@localhost/crm?sslmode=sometimes"), None),
        (Some(2), "rex: --db postgres://ana@localhost/crm?sslmode=sometimes is not a PostgreSQL URL rex can use (sslmode=sometimes; use disable, prefer, require, verify-ca or verify-full); give one like postgres://user@host:5432/dbname?sslmode=require\n".to_string())
    );
    assert_eq!(
        run(Some("file:///tmp/rex.db"), None),
        (Some(2), "rex: --db file:///tmp/rex.db is a URL rex cannot use; give a database file path (like --db ~/work/rex.db) or a postgres:// URL\n".to_string())
    );
    assert_eq!(entries(rex.dir.path()), before);
    // A path that only contains "://" further on is still a path.
    let odd = rex.dir.path().join("a://b.db");
    rex.ok(&[
        "pipeline",
        "create",
        "Sales",
        "-q",
        "--db",
        odd.to_str().unwrap(),
    ]);
    assert!(odd.exists());
}

/// A `>` redirect onto the database: rex never writes its output into the database or its
/// log (exit 2, the file as it was), and an empty file where the database was is refused by
/// everything but what creates a database (exit 6), instead of being read as a new one.
#[test]
fn a_redirect_onto_the_database_is_refused_and_named() {
    use std::fs::{File, OpenOptions};
    let rex = Rex::new();
    rex.sales();
    let db = rex.db.display().to_string();
    let into = |file: File, args: &[&str]| {
        rex.std_cmd()
            .args(args)
            .stdout(std::process::Stdio::from(file))
            .output()
            .unwrap()
    };
    // Into the database itself (opened to append, as `>>` does, so nothing is lost yet).
    let before = snapshot(&rex.db);
    let out = into(
        OpenOptions::new().append(true).open(&rex.db).unwrap(),
        &["deal", "list"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("rex: standard output goes into the database's own file '{db}' (a > redirect onto it?); rex wrote nothing: send the output to another file")
    );
    assert_eq!(snapshot(&rex.db), before);
    // Into its log, a file the redirect makes.
    let wal = format!("{db}-wal");
    let out = into(File::create(&wal).unwrap(), &["activity", "list", "--all"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("rex: standard output goes into the database's own file '{wal}' (a > redirect onto it?); rex wrote nothing: send the output to another file")
    );
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    std::fs::remove_file(&wal).unwrap();
    assert_eq!(snapshot(&rex.db), before);
    // An empty file where the database was (what `rex export > rex.db` leaves).
    File::create(&rex.db).unwrap();
    for args in [
        &["deal", "list"][..],
        &["export"],
        &["activity", "list", "--all"],
        &["deal", "create", "X", "--value", "1"],
    ] {
        let out = rex.run(args);
        assert_eq!(out.status.code(), Some(6), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!("rex: database {db} is an empty file (0 bytes), not a rex database: if it held your data, something wrote over it (a > redirect onto it?); restore it from a backup, or start it with rex pipeline create or rex import"),
            "{args:?}"
        );
        assert_eq!(std::fs::metadata(&rex.db).unwrap().len(), 0, "{args:?}");
    }
    // What creates a database may start one there.
    rex.ok(&["pipeline", "create", "Sales"]);
    assert_eq!(rex.json(&["pipeline", "list"]).as_array().unwrap().len(), 1);
}

/// A database from before next steps were kept on deals' rows (schema 18) is upgraded on
/// first use, each deal's next step worked out from the activities it already holds.
#[test]
fn an_upgrade_to_schema_19_works_out_the_next_step_of_every_deal() {
    let rex = Rex::new();
    rex.sales();
    let acme = rex.id(&["deal", "create", "Acme", "--value", "100"]);
    rex.id(&["deal", "create", "Globex", "--value", "200"]);
    rex.ok(&["activity", "add", &acme, "Later", "--due", "2030-01-02"]);
    rex.ok(&[
        "activity",
        "add",
        &acme,
        "Sooner",
        "--due",
        "2030-01-01",
        "--at",
        "09:30",
    ]);
    rusqlite::Connection::open(&rex.db)
        .unwrap()
        .execute_batch(&format!(
            "{}
             CREATE INDEX activities_pending ON activity_rows
                 (deal_id, done_at, due_date, due_time, created_at, id, type, subject, batch)
                 WHERE done_at IS NULL;
             PRAGMA user_version = 18;",
            crate::schema::BEFORE_SQLITE_19
        ))
        .unwrap();
    let listed = rex.json(&["deal", "list", "--sort", "name"]);
    let steps: Vec<Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["next_activity"].clone())
        .collect();
    let sooner = &rex.json(&["activity", "list", "--deal", &acme])[0];
    assert_eq!(sooner["subject"], "Sooner");
    assert_eq!(
        steps,
        [
            json!({"id": sooner["id"], "type": "task", "subject": "Sooner",
                   "due_date": "2030-01-01", "due_time": "09:30"}),
            Value::Null
        ]
    );
    assert_eq!(rex.json(&["info"])["schema_version"], SCHEMA);
}
