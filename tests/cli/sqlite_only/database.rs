use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use crate::support::{snapshot, Rex};

/// The SQLite schema version this rex writes (the number of its migrations).
const SCHEMA: i64 = 11;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn default_location_is_the_per_user_data_directory_created_private() {
    let rex = Rex::new();
    let home = rex.dir.path().join("home");
    let out = rex
        .cmd()
        .env_remove("REX_DB")
        .args(["info", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let db = home.join(".local/share/rex/rex.db");
    assert_eq!(info["database"], db.to_str().unwrap());
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

#[test]
fn db_flag_beats_rex_db() {
    let rex = Rex::new();
    let other = rex.dir.path().join("nested/dir/other.db");
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
            "pipelines": 1, "stages": 5, "deals": 1, "events": 2,
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
    let rex = Rex::new();
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

#[test]
fn a_url_of_an_unreachable_server_is_named_without_its_password_and_creates_nothing() {
    let rex = Rex::new();
    let listing = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing(rex.dir.path());
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
    assert_eq!(listing(rex.dir.path()), before);
    // A path that only contains "://" further on is still a path.
    let odd = rex.dir.path().join("a://b.db");
    rex.ok(&["pipeline", "list", "--db", odd.to_str().unwrap()]);
    assert!(odd.exists());
}
