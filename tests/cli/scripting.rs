use std::process::Stdio;

use clap::CommandFactory;
use serde_json::{json, Value};

use crate::support::{import, s, stage_id, stderr, succeeded, succeeded_for, Rex};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Compares a committed generated file with what the clap tree generates now;
/// `REX_UPDATE_GENERATED=1 cargo test generated` rewrites them.
fn check_generated(relative: &str, expected: &[u8]) -> Option<String> {
    let path = std::path::Path::new(ROOT).join(relative);
    if std::env::var_os("REX_UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, expected).unwrap();
        return None;
    }
    match std::fs::read(&path) {
        Ok(actual) if actual == expected => None,
        Ok(_) => Some(format!("{relative} is stale")),
        Err(_) => Some(format!("{relative} is missing")),
    }
}

#[test]
fn generated_completions_are_fresh() {
    let stale: Vec<String> = rex::docs::SHELLS
        .iter()
        .filter_map(|sh| {
            check_generated(
                &format!("completions/{}", rex::docs::completion_file(*sh)),
                &rex::docs::completion(*sh),
            )
        })
        .collect();
    assert!(
        stale.is_empty(),
        "{stale:?}: run REX_UPDATE_GENERATED=1 cargo test generated"
    );
}

#[test]
fn generated_man_pages_are_fresh() {
    let pages = rex::docs::man_pages().unwrap();
    let stale: Vec<String> = pages
        .iter()
        .filter_map(|(name, page)| check_generated(&format!("man/{name}"), page))
        .collect();
    assert!(
        stale.is_empty(),
        "{stale:?}: run REX_UPDATE_GENERATED=1 cargo test generated"
    );
    let mut committed: Vec<String> = std::fs::read_dir(std::path::Path::new(ROOT).join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    committed.sort();
    let names: Vec<String> = pages.iter().map(|p| p.0.clone()).collect();
    assert_eq!(committed, names, "man/ holds pages no subcommand has");
    assert!(
        names.contains(&"rex.1".to_string()) && names.contains(&"rex-deal-create.1".to_string())
    );
}

#[test]
fn the_root_man_page_renders_with_exit_codes_and_environment() {
    let page = String::from_utf8(
        rex::docs::man_pages()
            .unwrap()
            .into_iter()
            .find(|p| p.0 == "rex.1")
            .unwrap()
            .1,
    )
    .unwrap();
    assert!(
        page.contains("database busy after the timeout"),
        "exit codes missing"
    );
    assert!(page.contains("REX_BUSY_TIMEOUT"), "environment missing");
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok()
    {
        let out = std::process::Command::new("man")
            .args(["-l", &format!("{ROOT}/man/rex.1")])
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        succeeded(&out);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("REX_NOW"), "{text}");
    }
}

#[test]
fn completion_scripts_print_and_parse() {
    let rex = Rex::new();
    assert!(rex
        .ok(&["completions", "zsh"])
        .starts_with("#compdef rex\n"));
    assert_eq!(
        rex.ok(&["completions", "bash"]).into_bytes(),
        rex::docs::completion(clap_complete::Shell::Bash)
    );
    // `rex completions zsh | head -1`: the reader goes away early.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = rex
        .std_cmd()
        .args(["completions", "zsh"])
        .stdout(Stdio::from(writer))
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string()
        ),
        (Some(0), String::new())
    );
    if let Ok(out) = std::process::Command::new("bash")
        .args(["-n", &format!("{ROOT}/completions/rex.bash")])
        .output()
    {
        succeeded_for(&out, "bash -n: ");
    }
}

#[test]
fn every_subcommand_help_has_an_example() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let mut c = cmd.clone();
        let help = c.render_long_help().to_string();
        if !help.contains("Examples:") {
            missing.push(path.to_string());
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut cmd = rex::cli::Cli::command();
    cmd.build();
    let mut missing = Vec::new();
    walk(&cmd, "rex", &mut missing);
    assert!(missing.is_empty(), "no example in: {missing:?}");
}

fn fixture(rex: &Rex) -> (String, String) {
    rex.sales();
    rex.ok(&[
        "pipeline",
        "create",
        "Partners",
        "--stage",
        "Intro:#112233",
        "--stage",
        "Pilot",
        "--stall-days",
        "45",
    ]);
    rex.ok(&[
        "pipeline",
        "update",
        "Partners",
        "--stage-stall-days",
        "Pilot=none",
        "--stage-stall-days",
        "Intro=10",
    ]);
    let a = rex.id(&[
        "deal",
        "create",
        "Acme \"quoted\" 100%",
        "--value",
        "5000.50",
        "--owner",
        "ana",
        "--contact",
        "cfo@acme.test",
        "--expected-close",
        "2026-04-30",
        "--meta",
        "tier=gold",
        "--meta",
        "nested:={\"b\":[1,2,{\"z\":null}],\"a\":true}",
        "--pipeline",
        "Sales",
    ]);
    let b = rex.id(&[
        "deal",
        "create",
        "Beta, \"the\" deal",
        "--value",
        "1",
        "--pipeline",
        "Partners",
    ]);
    rex.at("2026-03-03T09:00:00Z");
    rex.ok(&["deal", "move", &a, "Proposal"]);
    rex.ok(&["deal", "note", &a, "line one\nline two\twith tab"]);
    rex.ok(&[
        "deal",
        "update",
        &a,
        "--value",
        "7000",
        "--unset-meta",
        "tier",
    ]);
    rex.ok(&["deal", "close", &a, "--lost", "--reason", "budget"]);
    rex.ok(&["deal", "reopen", &a]);
    rex.ok(&["deal", "close", &a, "--won"]);
    rex.at("2026-04-20T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    rex.ok(&["deal", "note", &b, "back again"]);
    (a, b)
}

#[test]
fn export_import_export_is_byte_identical() {
    let rex = Rex::new();
    let (a, _) = fixture(&rex);
    for format in ["jsonl", "json"] {
        let first = rex.ok(&["export", "-o", format]);
        let copy = rex.dir.path().join(format!("copy-{format}.db"));
        let file = rex.dir.path().join(format!("export.{format}"));
        std::fs::write(&file, &first).unwrap();
        let report = rex.json(&[
            "import",
            file.to_str().unwrap(),
            "--db",
            copy.to_str().unwrap(),
        ]);
        assert_eq!(
            report,
            json!({"pipelines": 2, "deals": 2, "events": 12, "dry_run": false, "activities": 0})
        );
        let second = rex.ok(&["export", "-o", format, "--db", copy.to_str().unwrap()]);
        assert_eq!(first, second, "{format}");
    }
    let lines: Vec<Value> = rex
        .ok(&["export"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2 + 2 + 12);
    // A deal as printed, without the names worked out for printing it.
    let mut shown = rex.json(&["deal", "show", &a]);
    for name in ["stage_name", "pipeline_name", "next_activity"] {
        shown.as_object_mut().unwrap().shift_remove(name);
    }
    assert_eq!(lines[2], shown);
    // Deals and pipelines alone, and CSV.
    assert_eq!(rex.ok(&["export", "--pipelines"]).lines().count(), 2);
    assert_eq!(rex.ok(&["export", "--deals"]).lines().count(), 2);
    let csv = rex.ok(&["export", "--deals", "-o", "csv"]);
    assert!(csv.starts_with("id,name,value,status,contact_id,pipeline_id,stage_id,expected_close,owner_id,metadata,created_at,updated_at,last_activity_at,stage_entered_at,closed_at,close_reason,probability,origin\n"), "{csv}");
    assert_eq!(
        rex.fails(&["export", "-o", "csv"], 2),
        "rex: CSV holds one kind of record: export --deals or --pipelines as CSV, or everything as -o jsonl"
    );
    assert_eq!(
        rex.fails(&["export", "-o", "table"], 2),
        "rex: export writes -o jsonl (the default), json or csv"
    );
}

#[test]
fn export_lists_deals_in_id_order_whatever_order_they_were_imported_in() {
    let rex = Rex::new();
    let (a, b) = fixture(&rex);
    assert!(
        a < b,
        "{a} was created first, so its time-ordered id sorts first"
    );
    let first = rex.ok(&["export"]);
    // The same records with the two deals swapped: stored B first, exported A first.
    let mut lines: Vec<&str> = first.lines().collect();
    let at = |id: &str| {
        lines
            .iter()
            .position(|l| l.contains(&format!("\"id\":\"{id}\"")))
            .unwrap()
    };
    let (ia, ib) = (at(&a), at(&b));
    assert_eq!(ib, ia + 1, "{first}");
    lines.swap(ia, ib);
    let file = rex.dir.path().join("swapped.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let copy = rex.dir.path().join("copy.db");
    let copy = copy.to_str().unwrap();
    rex.ok(&["import", file.to_str().unwrap(), "--db", copy]);
    assert_eq!(rex.ok(&["export", "--db", copy]), first);
}

#[test]
fn csv_export_imports_back() {
    let rex = Rex::new();
    fixture(&rex);
    let csv = rex.ok(&["export", "--deals", "-o", "csv"]);
    let pipelines = rex.ok(&["export", "--pipelines"]);
    let copy = rex.dir.path().join("copy.db");
    let db = copy.to_str().unwrap();
    let pfile = rex.dir.path().join("p.jsonl");
    std::fs::write(&pfile, &pipelines).unwrap();
    rex.ok(&["import", pfile.to_str().unwrap(), "--db", db]);
    let dfile = rex.dir.path().join("d.csv");
    std::fs::write(&dfile, &csv).unwrap();
    rex.ok(&["import", dfile.to_str().unwrap(), "--db", db]);
    assert_eq!(rex.ok(&["export", "--deals", "-o", "csv", "--db", db]), csv);
}

#[test]
fn csv_import_takes_dollars_and_new_ids() {
    let rex = Rex::new();
    let p = rex.sales();
    let file = rex.dir.path().join("deals.csv");
    std::fs::write(&file, "name,value_dollars,owner_id,stage_id,metadata\nAcme,\"$5,000.50\",ana,proposal,\"{\"\"x\"\":1}\"\nBeta,12,,,\n").unwrap();
    let report = rex.json(&["import", file.to_str().unwrap()]);
    assert_eq!(
        report,
        json!({"pipelines": 0, "deals": 2, "events": 0, "dry_run": false, "activities": 0})
    );
    let deals = rex.json(&[
        "deal",
        "list",
        "--sort",
        "name",
        "--fields",
        "name,value,owner_id,stage_id,metadata",
    ]);
    assert_eq!(
        deals,
        json!([
            {"name": "Acme", "value": 500050, "owner_id": "ana", "stage_id": stage_id(&p, "Proposal"), "metadata": {"x": 1}},
            {"name": "Beta", "value": 1200, "owner_id": null, "stage_id": stage_id(&p, "Discovery"), "metadata": {}},
        ])
    );
    let acme = s(&rex.json(&["deal", "list", "--search", "acme"])[0]["id"]);
    assert_eq!(rex.json(&["deal", "history", &acme])[0]["kind"], "created");
}

#[test]
fn a_bad_record_in_the_middle_imports_nothing_and_names_its_line() {
    let rex = Rex::new();
    let p = rex.sales();
    rex.ok(&["deal", "create", "Existing", "--value", "1"]);
    let existing = s(&rex.json(&["deal", "list"])[0]["id"]);
    let good = |n: u32| format!("{{\"name\":\"Deal {n}\",\"value\":{n}}}");
    let cases: Vec<(String, i32, String)> = vec![
        (r#"{"name":"Bad","value":"lots"}"#.into(), 2, "rex: line 3: field 'value': expected whole cents like 500000, got \"lots\"; nothing was imported".into()),
        (r#"{"name":"Bad","value":1"#.into(), 2, "rex: line 3: not valid JSON (EOF while parsing an object at line 1 column 23); nothing was imported".into()),
        (r#"{"name":"Bad","value":1,"valeu":2}"#.into(), 2, "rex: line 3: unknown field 'valeu'; nothing was imported".into()),
        (r#"{"name":"Bad","value":1,"stage_id":"Nowhere"}"#.into(), 3, "rex: line 3: field 'stage_id': no stage named 'Nowhere' in pipeline 'Sales'; stages: 'Discovery', 'Qualification', 'Proposal', 'Negotiation', 'Closed'; nothing was imported".into()),
        (format!(r#"{{"id":"{existing}","name":"Dup","value":1}}"#), 4, format!("rex: line 3: deal {existing} already exists; use --upsert to replace it; nothing was imported")),
        (r#"{"name":"Bad","value":-1}"#.into(), 2, "rex: line 3: field 'value': value -1 is negative; amounts are 0 or more cents; nothing was imported".into()),
        (r#"{"deal_id":"deal_01jdqz7w3ef8ns6c0e5ywzm2ka","at":"2026-03-01T09:00:00Z","kind":"note","text":"x"}"#.into(), 3, "rex: line 3: field 'deal_id': no deal deal_01jdqz7w3ef8ns6c0e5ywzm2ka (deals must come before their history); nothing was imported".into()),
    ];
    for (bad, code, message) in cases {
        let file = rex.dir.path().join("in.jsonl");
        std::fs::write(
            &file,
            format!("{}\n{}\n{bad}\n{}\n", good(1), good(2), good(4)),
        )
        .unwrap();
        assert_eq!(
            rex.fails(&["import", file.to_str().unwrap()], code),
            message
        );
    }
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 1);
    let _ = p;
}

#[test]
fn dry_run_writes_nothing_and_upsert_replaces() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "A", "--value", "1"]);
    let mut deal = rex.json(&["deal", "show", &id]);
    deal["value"] = json!(999);
    let file = rex.dir.path().join("up.jsonl");
    std::fs::write(&file, format!("{deal}\n{{\"name\":\"New\",\"value\":5}}\n")).unwrap();
    let before = rex.snapshot();
    let report = rex.json(&["import", file.to_str().unwrap(), "--dry-run", "--upsert"]);
    assert_eq!(
        report,
        json!({"pipelines": 0, "deals": 2, "events": 0, "dry_run": true, "activities": 0})
    );
    assert_eq!(rex.snapshot(), before);
    rex.ok(&["import", file.to_str().unwrap(), "--upsert"]);
    assert_eq!(rex.json(&["deal", "show", &id]), deal);
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn import_reads_stdin_and_export_writes_files() {
    let rex = Rex::new();
    fixture(&rex);
    let out = rex.dir.path().join("backup.jsonl");
    let before = rex.ok(&["export"]);
    rex.ok(&["export", "--file", out.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), before);
    assert!(!rex.dir.path().join("backup.jsonl.rex-partial").exists());
    let copy = rex.dir.path().join("copy.db");
    let imported = rex
        .cmd()
        .args(["import", "-", "--db", copy.to_str().unwrap(), "-o", "json"])
        .write_stdin(before.clone())
        .output()
        .unwrap();
    succeeded(&imported);
    assert_eq!(rex.ok(&["export", "--db", copy.to_str().unwrap()]), before);
}

#[test]
fn fields_narrow_every_mode() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&[
        "deal", "create", "Acme", "--value", "5000", "--owner", "ana",
    ]);
    assert_eq!(
        rex.ok(&["deal", "list", "--fields", "name,value,id"]),
        format!("Acme\t500000\t{id}\n")
    );
    assert_eq!(
        rex.json(&["deal", "list", "--fields", "value,name"]),
        json!([{"value": 500000, "name": "Acme"}])
    );
    assert_eq!(
        rex.ok(&["deal", "show", &id, "-o", "jsonl", "--fields", "owner_id"]),
        "{\"owner_id\":\"ana\"}\n"
    );
    assert_eq!(
        rex.ok(&["deal", "list", "-o", "csv", "--fields", "name,value"]),
        "name,value\nAcme,500000\n"
    );
    let table = rex.ok(&[
        "deal",
        "list",
        "-o",
        "table",
        "--fields",
        "value,name",
        "--color",
        "never",
    ]);
    let header = table
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>();
    assert_eq!(header, ["Value", "Name"]);
    assert_eq!(
        rex.json(&["pipeline", "list", "--fields", "name,open_value"]),
        json!([{"name": "Sales", "open_value": 500000}])
    );
    assert_eq!(
        rex.ok(&["deal", "history", &id, "--fields", "kind,name"]),
        "created\tAcme\n"
    );
    let err = rex.fails(
        &[
            "deal",
            "create",
            "B",
            "--value",
            "1",
            "--fields",
            "name,bogus",
        ],
        2,
    );
    assert_eq!(
        err,
        "rex: unknown field 'bogus' for --fields; valid fields: id, name, value, status, contact_id, pipeline_id, stage_id, expected_close, owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at, closed_at, close_reason, probability, origin, stage_name, pipeline_name, next_activity, value_dollars"
    );
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 1);
}

/// Was: `--fields id,name,id` printed an empty second id column, duplicate JSON keys and CSV
/// headers were accepted silently (the last one won), JSON Lines with a byte order mark was
/// refused while CSV with one was accepted, and `REX_DB=""` blamed a `--db` never given.
#[test]
fn names_given_twice_are_refused_and_a_byte_order_mark_is_accepted_everywhere() {
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

#[test]
fn jsonl_prints_one_object_per_line() {
    let rex = Rex::new();
    rex.sales();
    for n in 0..5 {
        rex.ok(&["deal", "create", &format!("D{n}"), "--value", "1"]);
    }
    let text = rex.ok(&["deal", "list", "-o", "jsonl"]);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        rex.json(&["deal", "list"]).as_array().unwrap().clone()
    );
}
