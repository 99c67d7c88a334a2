//! An import that runs as one transaction under the write lock (`--dry-run`, `--upsert`, a
//! restore into a database without deals) reads its input to the end before it takes the
//! lock: a producer that is slow to write never makes other writers wait or exit 5.

use std::io::Write;
use std::process::{Child, ChildStdin};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{self, Rex};

/// `rex import - -o json ARGS` reading from a pipe the test holds open.
fn start_import(rex: &Rex, args: &[&str]) -> (Child, ChildStdin) {
    support::start_import(rex, &[&["-", "-o", "json"], args].concat())
}

/// While the import waits for its first record, another writer (`rex WRITE`) with a short
/// busy timeout succeeds; then the import gets its input and reports what it did.
fn others_write_while_it_waits(rex: &Rex, args: &[&str], write: &[&str], input: &str) -> Value {
    let (import, mut pipe) = start_import(rex, args);
    // Time for the import to open the database and wait for its input.
    std::thread::sleep(Duration::from_millis(1500));
    let out = rex
        .cmd()
        .args(write)
        .env("REX_BUSY_TIMEOUT", "300")
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(0), ""),
        "rex {write:?} during rex import {args:?} waiting for its input"
    );
    pipe.write_all(input.as_bytes()).unwrap();
    drop(pipe);
    let out = import.wait_with_output().unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (Some(0), ""),
        "rex import {args:?}"
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const MEANWHILE: &[&str] = &["deal", "create", "Meanwhile", "--value", "5", "-q"];

fn names(rex: &Rex) -> Vec<(String, i64)> {
    let mut all: Vec<_> = rex
        .json(&["deal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["value"].as_i64().unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_dry_run_waiting_for_its_input_holds_no_lock() {
    let rex = Rex::new();
    rex.sales();
    rex.id(&["deal", "create", "Before", "--value", "100"]);
    let report = others_write_while_it_waits(
        &rex,
        &["--dry-run"],
        MEANWHILE,
        "{\"name\":\"Imported\",\"value\":700}\n",
    );
    assert_eq!(
        report,
        json!({"pipelines": 0, "deals": 1, "events": 0, "dry_run": true, "activities": 0})
    );
    assert_eq!(
        names(&rex),
        [("Before".into(), 10000), ("Meanwhile".into(), 500)]
    );
}

#[test]
fn an_upsert_waiting_for_its_input_holds_no_lock() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Before", "--value", "100"]);
    let mut before = rex.json(&["deal", "show", &id]);
    before["value"] = json!(25000);
    let line = format!("{}\n", serde_json::to_string(&before).unwrap());
    let report = others_write_while_it_waits(&rex, &["--upsert"], MEANWHILE, &line);
    assert_eq!(
        report,
        json!({"pipelines": 0, "deals": 1, "events": 0, "dry_run": false, "activities": 0})
    );
    assert_eq!(
        names(&rex),
        [("Before".into(), 25000), ("Meanwhile".into(), 500)]
    );
}

#[test]
fn a_restore_into_an_empty_database_waiting_for_its_input_holds_no_lock() {
    let rex = Rex::new();
    let report = others_write_while_it_waits(
        &rex,
        &[],
        &["pipeline", "create", "Meanwhile", "-q"],
        "{\"name\":\"Restored\",\"stages\":[{\"name\":\"Lead\"}]}\n",
    );
    assert_eq!(
        report,
        json!({"pipelines": 1, "deals": 0, "events": 0, "dry_run": false, "activities": 0})
    );
    let pipelines: Vec<_> = rex
        .json(&["pipeline", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(pipelines, ["Meanwhile", "Restored"]);
}
