//! Concurrent writers, kill -9 at many points, and replaying history against final state.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{count, s, Rex, T0};

/// A rex process on `db` at clock `now` (thread-safe: no shared state).
fn rex_cmd(db: impl AsRef<std::ffi::OsStr>, now: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rex"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("REX_DB", db)
        .env("REX_NOW", now)
        .env("TZ", "UTC")
        .env("REX_BUSY_TIMEOUT", "20000")
        .args(args);
    c
}

fn rex_at(db: impl AsRef<std::ffi::OsStr>, now: &str, args: &[&str]) -> Output {
    rex_cmd(db, now, args).output().expect("run rex")
}

/// Replays a deal's history and checks each step is allowed from the state before it;
/// returns the (status, stage) the history leads to.
fn replay(history: &[Value]) -> (String, String) {
    let first = &history[0];
    assert_eq!(first["kind"], "created", "{history:?}");
    let (mut status, mut stage) = ("open".to_string(), s(&first["stage_id"]));
    for e in &history[1..] {
        match e["kind"].as_str().unwrap() {
            "moved" => {
                assert_eq!(
                    s(&e["from_stage_id"]),
                    stage,
                    "move from the wrong stage: {history:?}"
                );
                assert!(
                    status == "open" || status == "stalled",
                    "moved while {status}"
                );
                stage = s(&e["to_stage_id"]);
            }
            "stalled" => {
                assert_eq!(status, "open", "stalled while {status}: {history:?}");
                status = "stalled".into();
            }
            "unstalled" => {
                assert_eq!(status, "stalled", "unstalled while {status}: {history:?}");
                status = "open".into();
            }
            "closed" => {
                assert!(
                    status == "open" || status == "stalled",
                    "closed while {status}"
                );
                status = s(&e["status"]);
            }
            "reopened" => {
                assert!(status == "won" || status == "lost");
                status = "open".into();
            }
            "note" | "updated" => {}
            other => panic!("unexpected event {other}"),
        }
    }
    (status, stage)
}

#[test]
fn eight_writers_a_marker_and_a_reader_lose_nothing() {
    let rex = Rex::new();
    let p = rex.sales();
    let db = rex.database();
    let stages: Vec<String> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| s(&st["id"]))
        .collect();
    let done = Arc::new(AtomicBool::new(false));
    const WRITERS: usize = 8;
    const DEALS: usize = 30;

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let db = db.clone();
            let stages = stages.clone();
            std::thread::spawn(move || {
                // (deal id, successful moves, notes, closed)
                let mut mine: Vec<(String, usize, usize, bool)> = Vec::new();
                let mut attempted = 0;
                let mut failures = Vec::new();
                for i in 0..DEALS {
                    attempted += 1;
                    let out = rex_at(
                        &db,
                        T0,
                        &[
                            "deal",
                            "create",
                            &format!("w{w}-{i}"),
                            "--value",
                            "10",
                            "-o",
                            "id",
                        ],
                    );
                    if out.status.success() {
                        mine.push((
                            String::from_utf8(out.stdout).unwrap().trim().to_string(),
                            0,
                            0,
                            false,
                        ));
                    } else {
                        failures.push(String::from_utf8_lossy(&out.stderr).to_string());
                    }
                }
                for (i, deal) in mine.iter_mut().enumerate() {
                    for (what, args) in [
                        ("move", vec!["deal", "move", &deal.0, &stages[1 + i % 3]]),
                        ("note", vec!["deal", "note", &deal.0, "called"]),
                    ] {
                        attempted += 1;
                        let out = rex_at(&db, T0, &args);
                        match (out.status.success(), what) {
                            (true, "move") => deal.1 += 1,
                            (true, _) => deal.2 += 1,
                            (false, _) => {
                                failures.push(String::from_utf8_lossy(&out.stderr).to_string())
                            }
                        }
                    }
                    if i % 3 == 0 {
                        attempted += 1;
                        let out = rex_at(&db, T0, &["deal", "close", &deal.0, "--won"]);
                        if out.status.success() {
                            deal.3 = true;
                        } else {
                            failures.push(String::from_utf8_lossy(&out.stderr).to_string());
                        }
                    }
                }
                (mine, attempted, failures)
            })
        })
        .collect();

    let marker = {
        let (db, done) = (db.clone(), done.clone());
        std::thread::spawn(move || {
            let (mut runs, mut failures) = (0, Vec::new());
            while !done.load(Ordering::Relaxed) {
                let out = rex_at(
                    &db,
                    "2026-04-20T00:00:00Z",
                    &["deal", "stalled", "--mark", "-q"],
                );
                runs += 1;
                if !out.status.success() {
                    failures.push(String::from_utf8_lossy(&out.stderr).to_string());
                }
            }
            (runs, failures)
        })
    };
    let reader = {
        let (db, done) = (db.clone(), done.clone());
        std::thread::spawn(move || {
            let (mut runs, mut failures) = (0, Vec::new());
            while !done.load(Ordering::Relaxed) {
                for args in [
                    &["deal", "list", "-o", "json"][..],
                    &["pipeline", "show", "Sales", "-o", "json"],
                ] {
                    let out = rex_at(&db, T0, args);
                    runs += 1;
                    if !out.status.success()
                        || serde_json::from_slice::<Value>(&out.stdout).is_err()
                    {
                        failures.push(String::from_utf8_lossy(&out.stderr).to_string());
                    }
                }
            }
            (runs, failures)
        })
    };

    let mut expected: HashMap<String, (usize, usize, bool)> = HashMap::new();
    let (mut attempted, mut landed) = (0, 0);
    for w in writers {
        let (mine, tried, failures) = w.join().unwrap();
        assert!(failures.is_empty(), "writer failures: {failures:?}");
        attempted += tried;
        landed += mine.len()
            + mine
                .iter()
                .map(|d| d.1 + d.2 + usize::from(d.3))
                .sum::<usize>();
        for (id, moves, notes, closed) in mine {
            assert!(
                expected.insert(id, (moves, notes, closed)).is_none(),
                "an id was handed out twice"
            );
        }
    }
    done.store(true, Ordering::Relaxed);
    let (marks, mark_failures) = marker.join().unwrap();
    let (reads, read_failures) = reader.join().unwrap();
    assert!(mark_failures.is_empty(), "{mark_failures:?}");
    assert!(read_failures.is_empty(), "{read_failures:?}");
    assert!(marks > 0 && reads > 0);
    assert_eq!(attempted, landed, "every write that was attempted landed");

    // Every write that exited 0 is there exactly once, and each history explains its deal.
    let all = rex.json(&["deal", "list"]);
    let ids: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["id"]))
        .collect();
    assert_eq!(ids.len(), WRITERS * DEALS);
    assert_eq!(ids.len(), expected.len());
    for deal in all.as_array().unwrap() {
        let id = s(&deal["id"]);
        let (moves, notes, closed) = expected[&id];
        let history = rex.json(&["deal", "history", &id]);
        let events = history.as_array().unwrap();
        let count = |kind: &str| events.iter().filter(|e| e["kind"] == kind).count();
        assert_eq!(
            (
                count("created"),
                count("moved"),
                count("note"),
                count("closed")
            ),
            (1, moves, notes, usize::from(closed)),
            "{id}"
        );
        let (status, stage) = replay(events);
        assert_eq!(
            (status.as_str(), stage.as_str()),
            (
                deal["status"].as_str().unwrap(),
                deal["stage_id"].as_str().unwrap()
            ),
            "{id}"
        );
    }
    eprintln!("concurrency: {attempted} writes attempted, {landed} landed, 0 lost; {marks} mark runs, {reads} reads");
}

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
