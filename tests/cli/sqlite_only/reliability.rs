//! SQLite's write lock and rex killed part-way: a writer waits for the lock, a busy database
//! exits 5 having changed nothing, the first commands on a new database all succeed at
//! once, and a kill -9 leaves all of a write or none.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::reliability::rex_cmd;
use crate::stalled::{scan, DAY30};
use crate::support::{count, stderr, Rex, T0};

#[test]
fn a_writer_waits_for_a_long_transaction_then_succeeds() {
    let rex = Rex::new();
    rex.sales();
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = rex
        .std_cmd()
        .args(["deal", "create", "Waited", "--value", "1", "-o", "id"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    conn.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap();
    assert_eq!(rex.json(&["deal", "show", id.trim()])["name"], "Waited");
}

#[test]
fn mark_exits_5_unchanged_while_a_person_holds_the_database() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "A", "--value", "1"]);
    rex.at(DAY30);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let before = rex.snapshot();
    let out = rex
        .cmd()
        .env("REX_BUSY_TIMEOUT", "200")
        .args(["deal", "stalled", "--mark", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: the database is busy (another rex is writing); nothing was changed, try again\n"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(rex.snapshot(), before);
    conn.execute_batch("ROLLBACK").unwrap();
    // The next run simply retries.
    assert_eq!(scan(&rex, &["--mark", "-q", "-o", "id"]).0, 0);
    assert_eq!(
        rex.json(&["deal", "list", "--status", "stalled"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Was: of sixteen rex started at once on a new database, some exited 5 within milliseconds:
/// creating the database did not wait like any other write.
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
        // A reader that comes before the first creator finds no database (only commands
        // that add data create one); none ever sees a half-made one.
        let none = format!(
            "rex: no database at {} (check --db/REX_DB; rex pipeline create NAME creates one)",
            db.display()
        );
        for (i, child) in children.into_iter().enumerate() {
            let out = child.wait_with_output().unwrap();
            if i % 4 != 0 && out.status.code() == Some(6) {
                assert_eq!(stderr(&out), none, "round {round}");
                continue;
            }
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

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let (f, t) = (
            PathBuf::from(format!("{}{suffix}", from.display())),
            PathBuf::from(format!("{}{suffix}", to.display())),
        );
        let _ = std::fs::remove_file(&t);
        if f.exists() {
            std::fs::copy(&f, &t).unwrap();
        }
    }
}

/// Starts `args` on `db`, kills it with SIGKILL after `delay`; true when it finished first.
fn kill_after(db: &Path, now: &str, args: &[&str], stdin: Option<&Path>, delay: Duration) -> bool {
    let mut cmd = rex_cmd(db, now, args);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(f) = stdin {
        cmd.stdin(std::fs::File::open(f).unwrap());
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    while start.elapsed() < delay {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    status.success()
}

#[test]
fn kill_9_leaves_all_of_an_import_or_none() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Before", "--value", "1"]);
    let pristine = rex.dir.path().join("pristine.db");
    copy_db(&rex.db, &pristine);
    let n = 3000;
    let file = rex.dir.path().join("big.jsonl");
    let lines: Vec<String> = (0..n)
        .map(|i| format!("{{\"name\":\"Imported {i}\",\"value\":{i},\"metadata\":{{\"i\":{i}}}}}"))
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let start = Instant::now();
    assert!(kill_after(
        &rex.db,
        T0,
        &["import", "-q"],
        Some(&file),
        Duration::from_secs(60)
    ));
    let full = start.elapsed();
    assert_eq!(count(&rex.db, "SELECT count(*) FROM deals"), 1 + n);
    let (mut points, mut none, mut all, mut hidden) = (0, 0, 0, 0);
    for k in 0..24u32 {
        copy_db(&pristine, &rex.db);
        let delay = full * k / 20;
        let finished = kill_after(&rex.db, T0, &["import", "-q"], Some(&file), delay);
        points += 1;
        assert_eq!(integrity(&rex.db), "ok", "after a kill at {delay:?}");
        // The database holds a deal, so the import loads hidden chunks: a kill part-way
        // leaves some rows that no command shows.
        if count(&rex.db, "SELECT count(*) FROM deal_rows")
            > count(&rex.db, "SELECT count(*) FROM deals")
        {
            hidden += 1;
        }
        let deals = count(&rex.db, "SELECT count(*) FROM deals");
        let events = count(&rex.db, "SELECT count(*) FROM deal_events");
        match deals {
            1 => none += 1,
            d if d == 1 + n => all += 1,
            d => panic!("a kill at {delay:?} left {d} deals: half an import"),
        }
        assert_eq!(
            events, deals,
            "history matches deals after a kill at {delay:?} (finished: {finished})"
        );
        rex.ok(&["info"]);
    }
    assert!(none > 0, "no kill landed before the commit");
    eprintln!(
        "import kill points: {points} tried, {none} left nothing visible ({hidden} of them hidden chunks), {all} left everything (full import {full:?})"
    );
    // Chunks commit every 200 ms: an import of 500 ms or more has kill points between them.
    if full >= Duration::from_millis(500) {
        assert!(hidden > 0, "no kill landed between two committed chunks");
    }
}

#[test]
fn kill_9_leaves_all_of_a_stalled_mark_or_none() {
    let rex = Rex::new();
    rex.sales();
    let n = 2000;
    let file = rex.dir.path().join("open.jsonl");
    let lines: Vec<String> = (0..n)
        .map(|i| format!("{{\"name\":\"Open {i}\",\"value\":1}}"))
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    rex.ok(&["import", file.to_str().unwrap(), "-q"]);
    let pristine = rex.dir.path().join("pristine.db");
    copy_db(&rex.db, &pristine);
    let later = "2026-06-01T00:00:00Z";
    let start = Instant::now();
    assert!(kill_after(
        &rex.db,
        later,
        &["deal", "stalled", "--mark", "-q"],
        None,
        Duration::from_secs(60)
    ));
    let full = start.elapsed();
    assert_eq!(
        count(
            &rex.db,
            "SELECT count(*) FROM deals WHERE status = 'stalled'"
        ),
        n
    );
    let (mut points, mut none) = (0, 0);
    for k in 0..20u32 {
        copy_db(&pristine, &rex.db);
        let delay = full * k / 16;
        kill_after(
            &rex.db,
            later,
            &["deal", "stalled", "--mark", "-q"],
            None,
            delay,
        );
        points += 1;
        assert_eq!(integrity(&rex.db), "ok");
        let stalled = count(
            &rex.db,
            "SELECT count(*) FROM deals WHERE status = 'stalled'",
        );
        let events = count(
            &rex.db,
            "SELECT count(*) FROM deal_events WHERE kind = 'stalled'",
        );
        assert!(
            stalled == 0 || stalled == n,
            "a kill at {delay:?} marked {stalled} of {n}"
        );
        assert_eq!(stalled, events);
        none += usize::from(stalled == 0);
    }
    assert!(none > 0, "no kill landed before the commit");
    eprintln!("stalled --mark kill points: {points} tried, {none} left nothing");
}

/// Every schema object of the database (indexes and triggers included) with its SQL, and
/// the trigram indexes' own settings.
fn schema_objects(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema
             UNION ALL SELECT 'names ' || k || ' = ' || v FROM deal_names_config
             UNION ALL SELECT 'contacts ' || k || ' = ' || v FROM deal_contacts_config
             ORDER BY 1",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

/// An import into a database without deals is one transaction that drops the deals'
/// indexes and triggers, loads, and builds them again with the trigram indexes and the
/// counters: failing on its last record, or killed at any point, it leaves the database as
/// it was (every index and trigger there, nothing counted, nothing found by a search), and
/// loaded whole it is found and counted like deals made one by one.
#[test]
fn an_import_into_a_database_without_deals_failing_or_killed_part_way_leaves_it_as_it_was() {
    let rex = Rex::new();
    rex.sales();
    let before = schema_objects(&rex.db);
    assert!(
        before.iter().any(|o| o.starts_with("index deals_created:"))
            && before
                .iter()
                .any(|o| o.starts_with("trigger deal_names_insert:")),
        "{before:#?}"
    );
    let pipelines = rex.ok(&["pipeline", "list", "-o", "json"]);
    let pristine = rex.dir.path().join("pristine.db");
    copy_db(&rex.db, &pristine);
    let n = 3000;
    let mut lines: Vec<String> = (0..n)
        .map(|i| {
            format!("{{\"name\":\"Imported {i}\",\"value\":{i},\"contact_id\":\"c{i}@acme.test\"}}")
        })
        .collect();
    let bad = rex.dir.path().join("bad.jsonl");
    lines.push("{\"name\":\"Last\",\"value\":-5}".into());
    std::fs::write(&bad, lines.join("\n")).unwrap();
    lines.pop();
    let line = rex.fails(&["import", "-q", bad.to_str().unwrap()], 2);
    assert!(line.contains(&format!("line {}", n + 1)), "{line}");
    assert_eq!(schema_objects(&rex.db), before);
    assert_eq!(count(&rex.db, "SELECT count(*) FROM deal_rows"), 0);
    let file = rex.dir.path().join("all.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let start = Instant::now();
    assert!(kill_after(
        &rex.db,
        T0,
        &["import", "-q"],
        Some(&file),
        Duration::from_secs(60)
    ));
    let full = start.elapsed();
    let (mut none, mut all) = (0, 0);
    for k in 0..12u32 {
        copy_db(&pristine, &rex.db);
        let delay = full * k / 10;
        kill_after(&rex.db, T0, &["import", "-q"], Some(&file), delay);
        assert_eq!(integrity(&rex.db), "ok", "after a kill at {delay:?}");
        match count(&rex.db, "SELECT count(*) FROM deal_rows") {
            0 => {
                none += 1;
                assert_eq!(schema_objects(&rex.db), before, "after a kill at {delay:?}");
                assert_eq!(rex.ok(&["pipeline", "list", "-o", "json"]), pipelines);
                assert_eq!(
                    rex.ok(&["deal", "list", "--search", "imported", "-o", "id"]),
                    ""
                );
            }
            d if d == n => all += 1,
            d => panic!("a kill at {delay:?} left {d} deals: half an import"),
        }
    }
    // A kill may land after the commit (all of it) or none may, as the machine's load goes.
    assert!(none > 0, "{none} kills left nothing, {all} everything");
    copy_db(&pristine, &rex.db);
    assert!(kill_after(
        &rex.db,
        T0,
        &["import", "-q"],
        Some(&file),
        Duration::from_secs(60)
    ));
    // Loaded whole: the same objects, the trigram indexes merging their segments as SQLite
    // does by default (set again after their rebuild, which merged them once), and found by
    // name and by contact, and counted.
    let mut loaded = before.clone();
    loaded.extend([
        "contacts automerge = 4".to_string(),
        "names automerge = 4".into(),
    ]);
    loaded.sort();
    assert_eq!(schema_objects(&rex.db), loaded);
    let found = rex.ok(&["deal", "list", "--search", "imported 299", "-o", "id"]);
    assert_eq!(found.lines().count(), 11, "{found}");
    let found = rex.ok(&["deal", "list", "--search", "c2999@acme", "-o", "id"]);
    assert_eq!(found.lines().count(), 1, "{found}");
    let sales = rex.json(&["pipeline", "show", "Sales", "-o", "json"]);
    let open: i64 = sales["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["open_count"].as_i64().unwrap())
        .sum();
    assert_eq!(open, n);
}

/// A write is copied into `rex.db` and synced as soon as it commits (a checkpoint that
/// makes it durable: see `SqliteStore::settle`), not only when the last connection to the
/// database closes: while another connection holds the database open, so that rex's own
/// close copies nothing, `rex.db` read alone, without its log, holds a deal just created.
#[test]
fn a_write_is_in_the_database_file_itself_as_soon_as_it_commits() {
    let rex = Rex::new();
    rex.sales();
    let other = rusqlite::Connection::open(&rex.db).unwrap();
    let deals: i64 = other
        .query_row("SELECT count(*) FROM deal_rows", [], |r| r.get(0))
        .unwrap();
    assert_eq!(deals, 0);
    let id = rex.id(&["deal", "create", "Copied", "--value", "1"]);
    let log = PathBuf::from(format!("{}-wal", rex.db.display()));
    assert!(
        log.metadata().is_ok_and(|m| m.len() > 0),
        "the log stays while another connection holds the database"
    );
    let alone = rex.dir.path().join("alone.db");
    std::fs::copy(&rex.db, &alone).unwrap();
    let read = rusqlite::Connection::open_with_flags(
        format!("file:{}?immutable=1", alone.display()),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap();
    let name: String = read
        .query_row("SELECT name FROM deal_rows WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Copied");
    drop(other);
}
