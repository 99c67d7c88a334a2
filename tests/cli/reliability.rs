//! Concurrent writers on either backend, and replaying history against final state. SQLite's
//! lock and kill -9 at many points are in `sqlite_only::reliability`.

use std::collections::HashMap;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::support::{s, Rex, T0};

/// A rex process on `db` at clock `now` (thread-safe: no shared state).
pub(crate) fn rex_cmd(db: impl AsRef<std::ffi::OsStr>, now: &str, args: &[&str]) -> Command {
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
