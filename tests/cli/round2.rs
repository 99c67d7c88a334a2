//! Reliability round 2: each case an adversarial run found, and its siblings. Every test here
//! failed before its fix.

use std::process::Stdio;

use serde_json::{json, Value};

use crate::support::{entries, s, stage_id, Rex, SmallDisk};

/// A deal's state rebuilt from nothing but its history, for the fields history records.
fn replayed(history: &[Value]) -> Value {
    let first = &history[0];
    assert_eq!(first["kind"], "created", "{history:?}");
    let mut state = json!({
        "name": first["name"], "value": first["value"], "status": "open",
        "pipeline_id": first["pipeline_id"], "stage_id": first["stage_id"],
        "metadata": {},
    });
    for e in &history[1..] {
        match e["kind"].as_str().unwrap() {
            "updated" => {
                let field = s(&e["field"]);
                match field.strip_prefix("metadata.") {
                    Some(key) if e["new"].is_null() => {
                        state["metadata"].as_object_mut().unwrap().remove(key);
                    }
                    Some(key) => state["metadata"][key] = e["new"].clone(),
                    None => {
                        assert_eq!(state.get(&field).unwrap_or(&Value::Null), &e["old"]);
                        state[field.as_str()] = e["new"].clone();
                    }
                }
            }
            "moved" => {
                assert_eq!(state["stage_id"], e["from_stage_id"], "{history:?}");
                let st = s(&state["status"]);
                assert!(st == "open" || st == "stalled", "moved while {st}");
                state["pipeline_id"] = e["to_pipeline_id"].clone();
                state["stage_id"] = e["to_stage_id"].clone();
            }
            "closed" => {
                let st = s(&state["status"]);
                assert!(st == "open" || st == "stalled", "closed while {st}");
                state["status"] = e["status"].clone();
                state["close_reason"] = e["reason"].clone();
            }
            "reopened" => {
                let st = s(&state["status"]);
                assert!(st == "won" || st == "lost", "reopened while {st}");
                state["status"] = json!("open");
                state["close_reason"] = Value::Null;
            }
            "stalled" => {
                assert_eq!(state["status"], "open", "{history:?}");
                state["status"] = json!("stalled");
            }
            "unstalled" => {
                assert_eq!(state["status"], "stalled", "{history:?}");
                state["status"] = json!("open");
            }
            "note" => {}
            other => panic!("unexpected event {other}"),
        }
    }
    state
}

/// Checks that a deal's history replays to what `deal show` says it is.
pub(crate) fn assert_history_replays(rex: &Rex, id: &str) {
    let deal = rex.json(&["deal", "show", id]);
    let history = rex.json(&["deal", "history", id]);
    let state = replayed(history.as_array().unwrap());
    for field in [
        "name",
        "value",
        "status",
        "pipeline_id",
        "stage_id",
        "metadata",
    ] {
        assert_eq!(
            state[field], deal[field],
            "{field} of {deal} from {history}"
        );
    }
    if deal["status"] == "won" || deal["status"] == "lost" {
        assert_eq!(state["close_reason"], deal["close_reason"]);
    }
}

fn import(rex: &Rex, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = rex
        .std_cmd()
        .arg("import")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim_end().to_string()
}

// 1. Data that rex accepts and then cannot read.

#[test]
fn nesting_is_limited_at_every_entry_point_and_what_is_accepted_reads_back() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Kept", "--value", "1"]);
    // 31 levels of value inside the metadata object: exactly the limit.
    let deepest = format!("{}{}", "[".repeat(31), "]".repeat(31));
    let ok = rex.id(&[
        "deal",
        "create",
        "Deep",
        "--value",
        "1",
        "--meta",
        &format!("k:={deepest}"),
    ]);
    let deal = rex.json(&["deal", "show", &ok]);
    assert_eq!(
        deal["metadata"]["k"],
        serde_json::from_str::<Value>(&deepest).unwrap()
    );
    let line = rex.fails(
        &[
            "deal",
            "create",
            "X",
            "--value",
            "1",
            "--meta",
            &format!("k:={}{}", "[".repeat(127), "]".repeat(127)),
        ],
        2,
    );
    assert_eq!(
        line,
        "rex: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON"
    );
    rex.fails(
        &["deal", "update", &id, "--meta", &format!("k:=[{deepest}]")],
        2,
    );
    // Through every import format: the record's metadata, and a history entry's details.
    let too_deep = format!("{}1{}", "[".repeat(32), "]".repeat(32));
    let jsonl = format!("{{\"name\":\"I\",\"value\":1,\"metadata\":{{\"k\":{too_deep}}}}}\n");
    let out = import(&rex, &[], &jsonl);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rex: line 1: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON; nothing was imported"
    );
    let json_doc = format!("[{}]", jsonl.trim());
    let out = import(&rex, &["--format", "json"], &json_doc);
    assert_eq!(
        stderr(&out),
        "rex: record 1: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON; nothing was imported"
    );
    let csv = format!("name,value,metadata\nI,1,\"{{\"\"k\"\":{too_deep}}}\"\n");
    let out = import(&rex, &["--format", "csv"], &csv);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("rex: line 2: field 'metadata.k' nests deeper"),
        "{}",
        stderr(&out)
    );
    let event = format!(
        "{{\"deal_id\":\"{id}\",\"at\":\"2026-03-02T09:00:00Z\",\"kind\":\"note\",\"text\":{too_deep}}}\n"
    );
    let out = import(&rex, &[], &event);
    assert_eq!(
        stderr(&out),
        "rex: line 1: field 'text' nests deeper than 32 levels, the limit for stored JSON; nothing was imported"
    );
    // The whole database still reads.
    for args in [
        vec!["deal", "list"],
        vec!["export"],
        vec!["deal", "stalled"],
        vec!["deal", "history", &ok],
    ] {
        rex.ok(&args);
    }
}

// 2. Totals never overflow.

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

// 4. A saved change whose printing fails says so.

#[test]
fn a_change_saved_but_not_printed_says_so_and_names_it() {
    let rex = Rex::new();
    rex.sales();
    let out = rex.to_full_disk(&["deal", "create", "x", "--value", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let ids = rex.ok(&["deal", "list", "-o", "id"]);
    let id = ids.trim();
    assert_eq!(
        stderr(&out),
        format!("rex: new deal {id} is saved, but printing it failed (i/o error: No space left on device (os error 28)); do not repeat the command")
    );
    let out = rex.to_full_disk(&["deal", "move", id, "Proposal"]);
    assert!(stderr(&out).starts_with(&format!(
        "rex: the move of deal {id} is saved, but printing it failed"
    )));
    assert_eq!(
        rex.json(&["deal", "show", id])["stage_id"],
        rex.json(&["pipeline", "show", "Sales"])["stages"][2]["id"]
    );
}

// 5. A deal named twice.

#[test]
fn deleting_a_deal_named_twice_deletes_it_once() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "x", "--value", "1"]);
    let out = rex.run(&["deal", "delete", &id, &id, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "rex: deleted 1 deal");
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
}

// 6. Every change to a deal is in its history.

#[test]
fn an_upsert_records_what_it_changed_and_history_replays() {
    let rex = Rex::new();
    let p = rex.sales();
    let id = rex.id(&[
        "deal",
        "create",
        "Acme",
        "--value",
        "100",
        "--meta",
        "tier=gold",
    ]);
    let won = rex.id(&["deal", "create", "Won", "--value", "5"]);
    rex.ok(&["deal", "close", &won, "--won", "--reason", "signed"]);
    let mut deal = rex.json(&["deal", "show", &id]);
    deal["value"] = json!(250);
    deal["name"] = json!("Acme Corp");
    deal["stage_id"] = json!(stage_id(&p, "Proposal"));
    deal["status"] = json!("lost");
    deal["closed_at"] = json!("2026-03-02T09:00:00Z");
    deal["close_reason"] = json!("budget");
    deal["metadata"] = json!({"seats": 5});
    let mut reopened = rex.json(&["deal", "show", &won]);
    reopened["status"] = json!("stalled");
    reopened["closed_at"] = Value::Null;
    reopened["close_reason"] = Value::Null;
    reopened["stage_id"] = json!(stage_id(&p, "Negotiation"));
    let input = format!("{deal}\n{reopened}\n");
    let out = import(&rex, &["--upsert"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let kinds = |id: &str| -> Vec<String> {
        rex.json(&["deal", "history", id])
            .as_array()
            .unwrap()
            .iter()
            .map(|e| s(&e["kind"]))
            .collect()
    };
    assert_eq!(
        kinds(&id),
        ["created", "updated", "updated", "updated", "updated", "moved", "closed"]
    );
    assert_eq!(
        kinds(&won),
        ["created", "closed", "reopened", "moved", "stalled"]
    );
    assert_history_replays(&rex, &id);
    assert_history_replays(&rex, &won);
    // And deal update, which shares the same change list.
    rex.ok(&["deal", "reopen", &id]);
    rex.ok(&[
        "deal",
        "update",
        &id,
        "--value",
        "7",
        "--unset-meta",
        "seats",
        "--pipeline",
        "Sales",
        "--stage",
        "Discovery",
    ]);
    assert_history_replays(&rex, &id);
}

// 12. Errors are one line with user text escaped.

#[test]
fn errors_never_echo_raw_control_characters() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "x", "--value", "1"]);
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["deal", "move", &id, "Nope\nrex: fake second line"],
            3,
            "rex: no stage named 'Nope\\u{a}rex: fake second line' in pipeline 'Sales'",
        ),
        (
            vec!["deal", "list", "--pipeline", "\u{1b}]0;pwned\u{7}"],
            3,
            "rex: no pipeline named '\\u{1b}]0;pwned\\u{7}'; pipelines: 'Sales'",
        ),
        (
            vec!["deal", "update", &id, "--meta", "\u{1b}[2J=v"],
            2,
            "rex: a metadata key contains the control character U+001B",
        ),
        (
            vec!["deal", "list", "--fields", "id,\u{1b}[31m"],
            2,
            "rex: unknown field '\\u{1b}[31m' for --fields",
        ),
        (
            vec!["deal", "show", "deal_\nrex: forged"],
            2,
            "rex: invalid deal id 'deal_\\u{a}rex: forged'",
        ),
        (
            vec![
                "pipeline",
                "update",
                "Sales",
                "--rename-stage",
                "Nope\u{7}=X",
            ],
            3,
            "rex: no stage named 'Nope\\u{7}'",
        ),
    ];
    for (args, code, start) in cases {
        let line = rex.fails(&args, code);
        assert!(line.starts_with(start), "{args:?}: {line}");
    }
    for (var, value, start) in [
        (
            "REX_NOW",
            "2026\n\u{1b}[31m",
            "rex: REX_NOW='2026\\u{a}\\u{1b}[31m'",
        ),
        (
            "REX_BUSY_TIMEOUT",
            "9\u{7}",
            "rex: REX_BUSY_TIMEOUT='9\\u{7}'",
        ),
    ] {
        let out = rex
            .cmd()
            .env(var, value)
            .args(["deal", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.starts_with(start) && !err.contains('\n'), "{err:?}");
    }
    let out = import(
        &rex,
        &[],
        "{\"name\":\"x\",\"value\":1,\"\\u001b]0;OWNED\\u0007\":1}\n",
    );
    assert_eq!(
        stderr(&out),
        "rex: line 1: unknown field '\\u{1b}]0;OWNED\\u{7}'; nothing was imported"
    );
    let out = import(
        &rex,
        &[],
        "{\"name\":\"x\",\"value\":1,\"pipeline_id\":\"a\\nrex: b\"}\n",
    );
    assert!(!stderr(&out).contains('\n'), "{:?}", stderr(&out));
}

// 13. A damaged stored value is exit 6, named and escaped.

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

// 15 and 16. Fields named twice; byte order marks; duplicate keys; an empty REX_DB.

#[test]
fn names_given_twice_are_refused_everywhere() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "x", "--value", "1"]);
    for format in ["csv", "json", "tsv", "table", "jsonl"] {
        let line = rex.fails(&["deal", "list", "--fields", "id,name,id", "-o", format], 2);
        assert_eq!(
            line,
            "rex: field 'id' is named twice in --fields; name each field once"
        );
    }
    let before = rex.ok(&["export"]);
    for (args, input, message) in [
        (
            vec![],
            "{\"name\":\"a\",\"value\":1,\"name\":\"b\"}\n",
            "rex: line 1: field 'name' is given twice; give each key once; nothing was imported",
        ),
        (
            vec![],
            "{\"name\":\"a\",\"value\":1,\"metadata\":{\"k\":1,\"k\":2}}\n",
            "rex: line 1: field 'metadata.k' is given twice; give each key once; nothing was imported",
        ),
        (
            vec!["--format", "json"],
            "[{\"name\":\"a\",\"value\":1},{\"name\":\"b\",\"value\":1,\"value\":2}]",
            "rex: record 2: field 'value' is given twice; give each key once; nothing was imported",
        ),
        (
            vec!["--format", "csv"],
            "name,value,name\na,1,b\n",
            "rex: line 1: field 'name': the CSV header names it twice; name each column once; nothing was imported",
        ),
    ] {
        let out = import(&rex, &args, input);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr(&out), message);
    }
    assert_eq!(rex.ok(&["export"]), before);
    // A byte order mark is accepted in every format.
    for (args, input) in [
        (vec![], "\u{feff}{\"name\":\"bom-jsonl\",\"value\":1}\n"),
        (
            vec!["--format", "json"],
            "\u{feff}[{\"name\":\"bom-json\",\"value\":1}]",
        ),
        (vec!["--format", "csv"], "\u{feff}name,value\nbom-csv,1\n"),
    ] {
        let out = import(&rex, &args, input);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let names: Vec<String> = rex
        .json(&["deal", "list", "--search", "bom"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["name"]))
        .collect();
    assert_eq!(names, ["bom-jsonl", "bom-json", "bom-csv"]);
    let out = rex
        .cmd()
        .env("REX_DB", "")
        .args(["deal", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rex: REX_DB is set but empty; set it to a database file path or a postgres:// URL, or unset it"
    );
}

// 9. Creating a database waits like any write; readers never fail.

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

// 14. Each unusable path names its real cause and leaves nothing behind.

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

// 10. Files rex writes: private, whole, only over regular files, nothing left behind.

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
fn a_killed_or_failed_export_leaves_nothing_behind() {
    let rex = Rex::new();
    rex.sales();
    let lines: String = (0..30_000)
        .map(|i| format!("{{\"name\":\"d{i}\",\"value\":{i}}}\n"))
        .collect();
    let out = import(&rex, &[], &lines);
    assert!(out.status.success());
    let out_dir = rex.dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("all.jsonl");
    std::fs::write(&target, "old").unwrap();
    for delay_ms in [5, 20, 60] {
        let mut child = rex
            .std_cmd()
            .args(["export", "--file", target.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        let content = std::fs::read_to_string(&target).unwrap();
        assert!(content == "old" || content == rex.ok(&["export"]));
        assert_eq!(
            entries(&out_dir),
            ["all.jsonl"],
            "after a kill at {delay_ms} ms"
        );
    }
    // A failure part-way (the disk is full) leaves the old file and nothing else.
    let at = rex.dir.path().join("disk");
    if let Some(_disk) = SmallDisk::mount(&at) {
        let small = at.join("all.jsonl");
        std::fs::write(&small, "old").unwrap();
        let out = rex.run(&["export", "--file", small.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            stderr(&out).trim_end(),
            format!("rex: cannot write '{}': the disk is full; the database is as it was: free some space or choose another path", small.display())
        );
        assert_eq!(std::fs::read_to_string(&small).unwrap(), "old");
        assert_eq!(entries(&at), ["all.jsonl"]);
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

// 11. CSV cells a spreadsheet would run are neutralised, and import undoes exactly that.

#[test]
fn csv_output_neutralises_formulas_and_round_trips() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&[
        "deal",
        "create",
        "=cmd|' /C calc'!A0",
        "--value",
        "1",
        "--owner",
        "@SUM(A1)",
        "--contact",
        "+contact",
        "--meta",
        "note=-2",
    ]);
    rex.ok(&["deal", "create", "'=already quoted", "--value", "2"]);
    rex.ok(&[
        "deal",
        "create",
        "'Tis plain",
        "--value",
        "3",
        "--meta",
        "esc=\u{1b}[31mred\u{7}",
    ]);
    rex.ok(&["deal", "note", &id, "call\tback"]);
    let csv = rex.ok(&["export", "--deals", "-o", "csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[1].contains(",'=cmd|' /C calc'!A0,"), "{}", rows[1]);
    assert!(rows[1].contains(",'+contact,"), "{}", rows[1]);
    assert!(rows[1].contains(",'@SUM(A1),"), "{}", rows[1]);
    assert!(rows[2].contains(",''=already quoted,"), "{}", rows[2]);
    assert!(rows[3].contains(",'Tis plain,"), "{}", rows[3]);
    assert!(!csv.contains('\u{1b}') && !csv.contains('\u{7}'));
    let history = rex.ok(&["deal", "history", &id, "-o", "csv", "--fields", "kind,text"]);
    assert!(history.contains("note,call\\u{9}back"), "{history}");
    // JSON keeps the exact text.
    let deal = rex.json(&["deal", "show", &id]);
    assert_eq!(deal["name"], "=cmd|' /C calc'!A0");
    // Export, import, export: the same bytes.
    let copy = Rex::new();
    let pipelines = rex.ok(&["export", "--pipelines"]);
    assert!(import(&copy, &[], &pipelines).status.success());
    let out = import(&copy, &["--format", "csv"], &csv);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(copy.ok(&["export", "--deals", "-o", "csv"]), csv);
    assert_eq!(
        copy.json(&["deal", "show", &id])["name"],
        "=cmd|' /C calc'!A0"
    );
}
