//! Re-imports and what an import leaves behind: how a deal from another CRM is recognised,
//! under concurrency too; a refused import changes nothing; an upsert that changes nothing
//! changes nothing; history replays to the deal.

use std::io::Write;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{import, s, stage_id, stderr, Rex};

/// `rex import ARGS -` fed `parts` on stdin, with `pause` between them.
fn import_slowly(rex: &Rex, args: &[&str], parts: &[&str], pause: Duration) -> Output {
    let mut child = rex
        .std_cmd()
        .arg("import")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(pause);
        }
        input.write_all(part.as_bytes()).unwrap();
        input.flush().unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

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
fn assert_history_replays(rex: &Rex, id: &str) {
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

/// The deals by name: name -> (value, metadata, origin).
pub(crate) fn by_name(rex: &Rex) -> Vec<(String, Value, Value, Value)> {
    let mut out: Vec<_> = rex
        .json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                s(&d["name"]),
                d["value"].clone(),
                d["metadata"].clone(),
                d.get("origin").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

// A column named Source is the user's, not the key of a re-import.

#[test]
fn a_column_named_source_is_kept_in_metadata_and_never_matches_deals() {
    let rex = Rex::new();
    rex.sales();
    let plain = rex.file(
        "leads.csv",
        "name,value_dollars,Source\nLead A,100,Referral\nLead B,200,Referral\n",
    );
    let report = rex.json(&["import", &plain, "--keep-unknown"]);
    assert_eq!(report["deals"], 2, "{report}");
    assert_eq!(
        by_name(&rex),
        [
            (
                "Lead A".into(),
                json!(10000),
                json!({"source": "Referral"}),
                Value::Null
            ),
            (
                "Lead B".into(),
                json!(20000),
                json!({"source": "Referral"}),
                Value::Null
            ),
        ]
    );

    let rex = Rex::new();
    rex.sales();
    let hubspot = rex.file(
        "hubspot.csv",
        "Record ID,Deal Name,Amount,Source\n11,Lead A,100,Referral\n12,Lead B,200,Referral\n",
    );
    let report = rex.json(&["import", &hubspot, "--from", "hubspot"]);
    assert_eq!(report["deals"], 2, "{report}");
    let first = by_name(&rex);
    assert_eq!(
        first.iter().map(|d| (&d.2, &d.3)).collect::<Vec<_>>(),
        [
            (&json!({"source": "Referral"}), &json!("hubspot:11")),
            (&json!({"source": "Referral"}), &json!("hubspot:12")),
        ]
    );
    // The same export again: refused, naming the first deal by where it came from.
    let line = rex.fails(&["import", &hubspot, "--from", "hubspot"], 4);
    assert!(
        line.starts_with("rex: line 2: the deal from hubspot:11 was imported before (deal_"),
        "{line}"
    );
    assert!(
        line.ends_with("); use --upsert to update it; nothing was imported"),
        "{line}"
    );
    // With --upsert: each row updates its own deal, and the report counts what exists.
    let report = rex.json(&["import", &hubspot, "--from", "hubspot", "--upsert"]);
    assert_eq!(report["deals"], 2, "{report}");
    assert_eq!(by_name(&rex), first);
}

#[test]
fn a_deal_twice_in_one_file_is_refused_naming_both_lines() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "hubspot.csv",
        "Record ID,Deal Name,Amount\n11,Lead A,100\n12,Lead B,200\n11,Lead A again,300\n",
    );
    for extra in [&[][..], &["--upsert"], &["--dry-run", "--quiet"]] {
        let mut args = vec!["import", path.as_str(), "--from", "hubspot"];
        args.extend(extra);
        assert_eq!(
            rex.fails(&args, 2),
            "rex: line 4: the deal from hubspot:11 is also on line 2; give each deal once; nothing was imported"
        );
    }
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
}

#[test]
fn the_origin_of_a_deal_survives_export_and_import() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("hubspot.csv", "Record ID,Deal Name,Amount\n11,Lead A,100\n");
    rex.ok(&["import", &path, "--from", "hubspot"]);
    let deal = &rex.json(&["deal", "list"])[0];
    assert_eq!(deal["origin"], "hubspot:11");
    assert_eq!(deal["metadata"], json!({}));
    let exported = rex.ok(&["export"]);
    let copy = Rex::new();
    let backup = copy.file("backup.jsonl", &exported);
    copy.ok(&["import", &backup]);
    assert_eq!(copy.ok(&["export"]), exported);
    let again = copy.file("hubspot.csv", "Record ID,Deal Name,Amount\n11,Lead A,100\n");
    let line = copy.fails(&["import", &again, "--from", "hubspot"], 4);
    assert!(
        line.contains("the deal from hubspot:11 was imported before"),
        "{line}"
    );
}

#[test]
fn an_upsert_keeps_the_origin_and_no_two_deals_share_one() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "hubspot.csv",
        "Record ID,Deal Name,Amount\n11,Lead A,100\n12,Lead B,200\n",
    );
    rex.ok(&["import", &path, "--from", "hubspot"]);
    let deals = rex.json(&["deal", "list", "--sort", "name"]);
    // A record of rex's own without an origin: the deal keeps where it came from.
    let mut a = deals[0].clone();
    a.as_object_mut().unwrap().remove("origin");
    a["value"] = json!(15000);
    let changes = rex.file("changes.jsonl", &format!("{a}\n"));
    rex.ok(&["import", &changes, "--upsert"]);
    let shown = rex.json(&["deal", "show", &s(&a["id"])]);
    assert_eq!(
        (&shown["value"], &shown["origin"]),
        (&json!(15000), &json!("hubspot:11"))
    );
    // One that gives another deal's origin is refused.
    let mut b = deals[1].clone();
    b["origin"] = json!("hubspot:11");
    let changes = rex.file("changes.jsonl", &format!("{b}\n"));
    assert_eq!(
        rex.fails(&["import", &changes, "--upsert"], 4),
        "rex: line 1: field 'origin': another deal already comes from hubspot:11; nothing was imported"
    );
    let mut c = deals[1].clone();
    c.as_object_mut().unwrap().remove("id");
    c["name"] = json!("Lead C");
    let changes = rex.file("new.jsonl", &format!("{c}\n"));
    assert_eq!(
        rex.fails(&["import", &changes], 4),
        "rex: line 1: field 'origin': another deal already comes from hubspot:12; nothing was imported"
    );
}

// Two imports of the same export at once: one of them, never both.

/// Starts two imports of one export of `rows` deals at once; one stores them, the other is
/// refused: exit 4, or exit 5 where a SQLite file refuses a second import while one is
/// loading. Returns the codes, sorted.
fn imports_at_once(rex: &Rex, rows: usize) -> Vec<i32> {
    let mut csv = String::from("Record ID,Deal Name,Amount\n");
    for i in 0..rows {
        csv.push_str(&format!("{i},Deal {i},{}\n", 100 + i));
    }
    let path = rex.file("export.csv", &csv);
    let before = rex.json(&["info"])["deals"].as_i64().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            rex.std_cmd()
                .args(["import", &path, "--from", "hubspot"])
                .env("REX_BUSY_TIMEOUT", "120000")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let mut codes: Vec<i32> = outs.iter().map(|o| o.status.code().unwrap()).collect();
    codes.sort();
    let errors: Vec<String> = outs.iter().map(stderr).collect();
    let refused = stderr(outs.iter().find(|o| !o.status.success()).unwrap());
    match codes.as_slice() {
        [0, 4] => assert!(
            refused.starts_with("rex: line 2: the deal from hubspot:0 was imported ")
                && refused.ends_with("; use --upsert to update it; nothing was imported"),
            "{refused}"
        ),
        [0, 5] => assert!(refused.contains("is still running"), "{refused}"),
        _ => panic!("exit codes {codes:?}: {errors:?}"),
    }
    let after = rex.json(&["info"])["deals"].as_i64().unwrap();
    assert_eq!(after, before + rows as i64, "{errors:?}");
    codes
}

#[test]
fn two_imports_of_one_export_at_once_store_each_deal_once() {
    // Into a database without deals each import is one transaction: the second waits for
    // the first (PostgreSQL: for the rows it inserted), then finds its deals.
    let rex = Rex::new();
    rex.sales();
    assert_eq!(imports_at_once(&rex, 3000), [0, 4]);
    // Into one with deals (SQLite loads in hidden chunks, one import at a time).
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Already here", "--value", "1"]);
    let codes = imports_at_once(&rex, 3000);
    if rex.url.is_some() {
        assert_eq!(codes, [0, 4]);
    }
}

// A refused import changes nothing, stage positions included.

#[test]
fn a_refused_import_that_created_stages_leaves_stage_positions_alone() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Already here", "--value", "1"]);
    let before = rex.ok(&["export"]);
    let header = "Record ID,Deal Name,Deal Stage,Amount\n";
    let good = "1,Lead A,Appointment Scheduled,100\n2,Lead B,Contract Sent,200\n";
    let bad = "3,Lead C,Appointment Scheduled,lots\n";
    // The first rows are written (in a chunk of their own) before the bad one arrives.
    let out = import_slowly(
        &rex,
        &[
            "--from",
            "hubspot",
            "--create-stages",
            "--pipeline",
            "Sales",
        ],
        &[&format!("{header}{good}"), bad],
        Duration::from_millis(1500),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "rex: line 4: field 'Amount': 'lots': use only the digits 0-9, commas between thousands and one decimal point; nothing was imported"
    );
    assert_eq!(rex.ok(&["export"]), before);
    // The same rows without the bad one: HubSpot's order places its stages among
    // themselves, and, as none of the pipeline's own is HubSpot's, after them.
    let out = import_slowly(
        &rex,
        &[
            "--from",
            "hubspot",
            "--create-stages",
            "--pipeline",
            "Sales",
        ],
        &[&format!("{header}{good}")],
        Duration::ZERO,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stages: Vec<String> = rex.json(&["pipeline", "show", "Sales"])["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| s(&st["name"]))
        .collect();
    assert_eq!(
        stages,
        [
            "Discovery",
            "Qualification",
            "Proposal",
            "Negotiation",
            "Closed",
            "Appointment Scheduled",
            "Contract Sent"
        ]
    );
    // Killed (kill -9) after its first chunk: the same (SQLite's hidden rows stay hidden
    // until they are cleared; the positions never moved).
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Already here", "--value", "1"]);
    let before = rex.ok(&["export"]);
    let mut child = rex
        .std_cmd()
        .args([
            "import",
            "--from",
            "hubspot",
            "--create-stages",
            "--pipeline",
            "Sales",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(format!("{header}{good}").as_bytes())
        .unwrap();
    input.flush().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    drop(input);
    assert_eq!(rex.ok(&["export"]), before);
}

// An upsert that changes nothing changes nothing.

#[test]
fn an_upsert_of_a_crm_file_keeps_times_and_records_what_it_changed() {
    let rex = Rex::new();
    let csv = |amount: &str| {
        format!(
            "Record ID,Deal Name,Deal Stage,Amount\n1,Acme,Closed Won,1000\n2,Globex,Appointment Scheduled,{amount}\n"
        )
    };
    let path = rex.file("hubspot.csv", &csv("500"));
    rex.ok(&["import", &path, "--from", "hubspot", "--create-stages"]);
    let deals = rex.json(&["deal", "list", "--sort", "name"]);
    let history = |rex: &Rex| -> Vec<Value> {
        deals
            .as_array()
            .unwrap()
            .iter()
            .map(|d| rex.json(&["deal", "history", &s(&d["id"])]))
            .collect()
    };
    let events = history(&rex);
    let wins = rex.ok(&[
        "report",
        "wins",
        "--since",
        "2026-01-01",
        "--until",
        "2026-12-31",
    ]);
    // Months later, the same file again.
    rex.at("2026-06-01T09:00:00Z");
    let report = rex.json(&["import", &path, "--from", "hubspot", "--upsert"]);
    assert_eq!(report["deals"], 2, "{report}");
    assert_eq!(rex.json(&["deal", "list", "--sort", "name"]), deals);
    assert_eq!(history(&rex), events);
    assert_eq!(
        rex.ok(&[
            "report",
            "wins",
            "--since",
            "2026-01-01",
            "--until",
            "2026-12-31"
        ]),
        wins
    );
    // A changed amount: recorded, and only that deal's activity moves.
    let changed = rex.file("hubspot2.csv", &csv("600"));
    rex.ok(&["import", &changed, "--from", "hubspot", "--upsert"]);
    let after = rex.json(&["deal", "list", "--sort", "name"]);
    assert_eq!(after[0], deals[0]);
    let (was, now) = (&deals[1], &after[1]);
    assert_eq!(now["value"], 60000);
    for same in ["created_at", "stage_entered_at", "closed_at", "stage_id"] {
        assert_eq!(now[same], was[same], "{same}");
    }
    assert_eq!(now["updated_at"], "2026-06-01T09:00:00Z");
    assert_eq!(now["last_activity_at"], "2026-06-01T09:00:00Z");
    let globex = rex.json(&["deal", "history", &s(&was["id"])]);
    let last = globex.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last,
        json!({"deal_id": was["id"], "at": "2026-06-01T09:00:00Z", "kind": "updated",
               "field": "value", "old": 50000, "new": 60000, "actor": crate::support::actor(&rex)})
    );
    assert_history_replays(&rex, &s(&was["id"]));
    assert_history_replays(&rex, &s(&deals[0]["id"]));
}

/// Was: `import --upsert` changed a deal's stage, status and value without a history entry,
/// so its history no longer replayed to its state.
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

// Imported closed (and stalled) deals replay to what they are.

#[test]
fn imported_closed_and_stalled_deals_replay_to_their_state() {
    let rex = Rex::new();
    rex.sales();
    let plain = rex.file(
        "deals.csv",
        "name,value_dollars,status,stage_id,close_reason,closed_at\n\
         Won deal,100,won,Proposal,signed,2026-02-01T10:00:00Z\n\
         Lost deal,50,lost,,price,\n\
         Stalled deal,10,stalled,Qualification,,\n\
         Open deal,5,open,,,\n",
    );
    rex.ok(&["import", &plain]);
    let hubspot = rex.file("hubspot.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Close Date\n7,Won at HubSpot,Closed Won,1000,2026-01-15\n",
    );
    rex.ok(&["import", &hubspot, "--from", "hubspot"]);
    let deals = rex.json(&["deal", "list"]);
    assert_eq!(deals.as_array().unwrap().len(), 5);
    for d in deals.as_array().unwrap() {
        assert_history_replays(&rex, &s(&d["id"]));
    }
    let won = deals
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Won deal")
        .unwrap();
    let history = rex.json(&["deal", "history", &s(&won["id"])]);
    assert_eq!(history[1]["kind"], "closed", "{history}");
    assert_eq!(history[1]["at"], "2026-02-01T10:00:00Z", "{history}");
    assert_eq!(history[1]["status"], "won", "{history}");
    assert_eq!(history[1]["reason"], "signed", "{history}");
}

// A file whose id column the profile does not know, or any CSV, names it with
// --map origin=COLUMN, and a second import is then recognised.

#[test]
fn map_origin_names_the_id_column_and_a_second_import_is_refused() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("loader.csv",
        "External_Id__c,Name,StageName,Amount\nX-1,Acme,Prospecting,100.00\nX-2,Globex,Prospecting,200.00\n",
    );
    let args = [
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
        "--map",
        "origin=External_Id__c",
    ];
    rex.ok(&args);
    let origins: Vec<Value> = rex
        .json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["origin"].clone())
        .collect();
    assert_eq!(
        origins,
        [
            json!("salesforce-loader:X-1"),
            json!("salesforce-loader:X-2")
        ]
    );
    let line = rex.fails(&args, 4);
    assert!(
        line.starts_with(
            "rex: line 2: the deal from salesforce-loader:X-1 was imported before (deal_"
        ),
        "{line}"
    );
    // In any CSV too.
    let plain = rex.file("plain.csv", "ref,title,value_dollars\nR1,Lead,5\n");
    let args = [
        "import",
        &plain,
        "--map",
        "origin=ref",
        "--map",
        "name=title",
    ];
    rex.ok(&args);
    assert_eq!(
        rex.json(&["deal", "show", "Lead"])["origin"],
        json!("csv:R1")
    );
    rex.fails(&args, 4);
}

// The article before a status.

#[test]
fn an_open_deal_with_a_close_is_refused_in_plain_words() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "deals.jsonl",
        "{\"name\":\"A\",\"value\":1,\"status\":\"open\",\"closed_at\":\"2026-01-01T00:00:00Z\"}\n",
    );
    assert_eq!(
        rex.fails(&["import", &path], 2),
        "rex: line 1: field 'closed_at': an open deal has no closed_at; leave it null; nothing was imported"
    );
    let path = rex.file(
        "deals.jsonl",
        "{\"name\":\"A\",\"value\":1,\"status\":\"stalled\",\"close_reason\":\"x\"}\n",
    );
    assert_eq!(
        rex.fails(&["import", &path], 2),
        "rex: line 1: field 'close_reason': a stalled deal has no close_reason; leave it null; nothing was imported"
    );
}

#[test]
fn a_row_without_a_pipeline_among_several_is_refused_naming_both_ways_to_give_one() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    rex.ok(&["pipeline", "create", "Renewals"]);
    let csv = rex.file("leads.csv", "name,value\nHooli,900000\n");
    let err = rex.fails(&["import", &csv], 2);
    assert_eq!(
        err,
        "rex: line 2: field 'pipeline_id': several pipelines exist; name one in this column, or for every row with --pipeline NAME; nothing was imported"
    );
    rex.ok(&["import", &csv, "--pipeline", "Renewals"]);
    let deals = rex.json(&[
        "deal",
        "list",
        "--pipeline",
        "Renewals",
        "--fields",
        "name,value",
    ]);
    assert_eq!(
        deals,
        serde_json::json!([{"name": "Hooli", "value": 900000}])
    );
}

/// Was: importing an export again with `--upsert` added its history a second time (three
/// `created` events after two imports). The history it holds already is left as it is, so
/// the export after is the export before, byte for byte, however often it is imported.
#[test]
fn an_export_imported_again_with_upsert_adds_no_history() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Acme", "--value", "100"]);
    rex.ok(&["deal", "note", &id, "called"]);
    rex.ok(&["deal", "move", &id, "Proposal"]);
    let before = rex.ok(&["export"]);
    for _ in 0..2 {
        let out = import(&rex, &["--upsert", "-o", "json"], &before);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["events"], json!(0), "{report}");
    }
    assert_eq!(rex.ok(&["export"]), before);
    let kinds: Vec<String> = rex
        .json(&["deal", "history", &id])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| s(&e["kind"]))
        .collect();
    assert_eq!(kinds, ["created", "note", "moved"]);
}

/// Text that COPY's formats, JSON and SQL each treat specially: quotes, backslashes, the
/// `\N` of a NULL and the `\.` that ends a COPY, tabs and line breaks, control characters
/// (in metadata, the one place they may be), DEL, emoji and other characters beyond the
/// Basic Multilingual Plane, long text, nested metadata with keys in other scripts, the
/// largest amount, and fields left empty. The export of PostgreSQL is the same bytes as
/// SQLite's of the same import, and those bytes hold each text escaped as serde_json
/// escapes it.
#[test]
fn an_export_of_hostile_text_is_the_same_bytes_on_either_backend() {
    const HOSTILE: &str = "deal_01kjt8a0000000000000000001";
    const BARE: &str = "deal_01kjt8a0000000000000000002";
    let odd = "tab\there\nnl \\N \\. \"q\" \\ \u{1F600} \u{10348} é";
    let long = "ab\\\"\u{1F600}".repeat(1000);
    let lines: String = [
        json!({"id": HOSTILE, "name": "Quote \" back\\slash \\N \\. \u{1F600} € \u{10348}",
               "value": 1_000_000_000_000_000i64, "status": "won", "pipeline_id": "Sales",
               "contact_id": "c\\N\"@x.test", "owner_id": "ówner\\.",
               "close_reason": "why \\ \"so\" \\.",
               "metadata": {"ключ": {"ünï \u{1F600}": [1, -2.5, 1e300, i64::MIN, u64::MAX, null,
                                                       true, format!("{odd}\u{1}\u{7f}\u{1f}."),
                                                       {"": -0.0}]},
                            "z": -7, "a": 0.1, "long": long},
               "created_at": "2026-03-01T08:00:00Z"}),
        json!({"id": BARE, "name": "Bare", "value": 0, "pipeline_id": "Sales",
               "created_at": "2026-03-01T08:30:00Z"}),
        json!({"id": "activity_01kjt8b0000000000000000001", "deal_id": HOSTILE, "type": "call",
               "subject": "Call \\N \\. \"q\" \\ \u{1F600}", "due_date": "2026-03-05",
               "due_time": "14:00", "duration_minutes": 30, "owner_id": "ówner",
               "note": format!("{odd}{long}"), "done": false, "done_at": null,
               "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}),
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect();
    let sqlite = Rex::sqlite();
    sqlite.sales();
    sqlite.ok(&["import", &sqlite.file("hostile.jsonl", &lines)]);
    sqlite.ok(&[
        "deal",
        "note",
        HOSTILE,
        "line1\n\tline2 \\N \\. \"q\" \\ \u{1F600}",
    ]);
    let exported = sqlite.ok(&["export"]);
    for escaped in [
        "\"name\":\"Quote \\\" back\\\\slash \\\\N \\\\. \u{1F600} € \u{10348}\"",
        "\"value\":1000000000000000,",
        "\"contact_id\":\"c\\\\N\\\"@x.test\"",
        "\\\\ \u{1F600} \u{10348} é\\u0001\u{7f}\\u001f.\",{\"\":-0.0}]}}",
        "[1,-2.5,1e+300,-9223372036854775808,18446744073709551615,null,true,\"tab\\there\\nnl ",
        "\"expected_close\":null,\"owner_id\":null,\"metadata\":{},",
        "\"closed_at\":null,\"close_reason\":null,\"probability\":null}\n",
        "\"kind\":\"note\",\"text\":\"line1\\n\\tline2 \\\\N \\\\. \\\"q\\\" \\\\ \u{1F600}\"}\n",
    ] {
        assert!(exported.contains(escaped), "{escaped} is not in the export");
    }
    let rex = Rex::new();
    rex.ok(&["import", &rex.file("export.jsonl", &exported)]);
    assert_eq!(rex.ok(&["export"]), exported);
    for args in [&["export", "-o", "json"][..], &["export", "--deals"]] {
        assert_eq!(rex.ok(args), sqlite.ok(args), "{args:?}");
    }
}
