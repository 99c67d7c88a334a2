//! More than a hundred bad inputs across every entry point. Each must exit with its documented
//! code, print one `rex: ` line naming the problem, never panic, and leave the database file
//! byte-identical (checked by `Rex::fails`).

use serde_json::json;

use crate::support::{import_note, plain_deal_with_meta, s, Rex};

struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    code: i32,
    /// A piece of the message that names the problem.
    names: String,
}

fn case(args: &[&str], code: i32, names: &str) -> Case {
    Case {
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        code,
        names: names.to_string(),
    }
}

/// A populated database: a pipeline, an open deal and a won deal.
fn setup() -> (Rex, String, String, String) {
    let rex = Rex::new();
    let p = rex.sales();
    let open = rex.id(&["deal", "create", "Open deal", "--value", "100"]);
    let won = rex.id(&["deal", "create", "Won deal", "--value", "100"]);
    rex.ok(&["deal", "close", &won, "--won"]);
    (rex, s(&p["id"]), open, won)
}

fn run_cases(rex: &Rex, cases: Vec<Case>) -> usize {
    let n = cases.len();
    for c in cases {
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let line = if c.env.is_empty() {
            rex.fails(&args, c.code)
        } else {
            let before = rex.snapshot();
            let mut cmd = rex.cmd();
            for (k, v) in &c.env {
                cmd.env(k, v);
            }
            let out = cmd.args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            assert_eq!(
                out.status.code(),
                Some(c.code),
                "{args:?} {:?}: {err}",
                c.env
            );
            assert_eq!(rex.snapshot(), before, "{args:?} changed the database");
            assert!(
                err.starts_with("rex: ") && err.trim_end().lines().count() == 1,
                "{err:?}"
            );
            err.trim_end().to_string()
        };
        assert!(!line.contains("panicked"), "{args:?}: {line}");
        assert!(
            line.contains(&c.names),
            "{args:?}: {line:?} does not name {:?}",
            c.names
        );
    }
    n
}

#[test]
fn bad_values_on_the_command_line() {
    let (rex, pid, open, won) = setup();
    let mut cases = Vec::new();
    // Money, on every money flag.
    for bad in [
        "-5",
        "5.001",
        "1,00",
        "50,00",
        "$",
        "1e5",
        "NaN",
        "inf",
        "999999999999999999999999999999",
        "١٢٣",
        "１２",
        "",
        " ",
        "5..0",
        "+5",
        "0x10",
        "5 000",
        "$$5",
        "5$",
        ".50",
        "1,0000",
        "5.",
        "92233720368547758.08",
        "12,34,567",
        "€5",
        "5.5.5",
        "--5",
        "five",
    ] {
        cases.push(case(
            &["deal", "create", "X", "--value", bad],
            2,
            &format!("'{bad}'"),
        ));
    }
    for flag in ["--min-value", "--max-value"] {
        cases.push(case(&["deal", "list", flag, "1.234"], 2, "'1.234'"));
    }
    cases.push(case(
        &["deal", "update", &open, "--value", "-0.01"],
        2,
        "'-0.01'",
    ));
    // Dates.
    for bad in [
        "2026-02-30",
        "tomorrowish",
        "+5x",
        "2026-13-01",
        "26-1-1",
        "+",
        "+-3d",
        "next week",
        "",
        "2026/03/01",
        "+1y",
        "+99999999999d",
        "0000-00-00",
    ] {
        cases.push(case(
            &[
                "deal",
                "create",
                "X",
                "--value",
                "1",
                "--expected-close",
                bad,
            ],
            2,
            &format!("'{bad}'"),
        ));
    }
    cases.push(case(
        &["deal", "update", &open, "--expected-close", "never"],
        2,
        "'never'",
    ));
    cases.push(case(
        &["deal", "list", "--closing-before", "soonish"],
        2,
        "'soonish'",
    ));
    cases.push(case(
        &["deal", "list", "--closing-after", "2026-02-29"],
        2,
        "'2026-02-29'",
    ));
    // Ids: wrong kind, wrong length, bad base32, empty, upper case.
    for bad in [
        pid.as_str(),
        "deal_",
        "deal_123",
        "deal_01jdqz7w3ef8ns6c0e5ywzm2k",
        "deal_01jdqz7w3ef8ns6c0e5ywzm2kaa",
        "deal_01jdqz7w3ef8ns6c0e5ywzm2ku",
        "deal_01jdqz7w3ef8ns6c0e5ywzm2kl",
        "deal_81jdqz7w3ef8ns6c0e5ywzm2ka",
        "DEAL_01JDQZ7W3EF8NS6C0E5YWZM2KA",
        "stage_01jdqz7w3ef8ns6c0e5ywzm2ka",
    ] {
        cases.push(case(&["deal", "show", bad], 2, &format!("'{bad}'")));
    }
    cases.push(case(&["deal", "show", ""], 2, "the deal is empty"));
    cases.push(case(&["deal", "show", "  "], 2, "the deal is empty"));
    // What is not an id is a reference or a name: found nowhere, it is not-found.
    for unknown in [
        "01jdqz7w3ef8ns6c0e5ywzm2ka",
        "deal-01jdqz7w3ef8ns6c0e5ywzm2ka",
        "zzzzzzz",
        "No Such Deal",
        "%",
        "_",
    ] {
        cases.push(case(
            &["deal", "show", unknown],
            3,
            &format!("no deal has the id, reference or name '{unknown}'"),
        ));
    }
    cases.push(case(
        &["deal", "delete", &open, "deal_xyz", "--yes"],
        2,
        "'deal_xyz'",
    ));
    // Long non-ASCII prefixes once reached a panic inside the TypeID crate.
    let long_prefix = format!("{}_x", "ș".repeat(40));
    cases.push(case(
        &["deal", "show", &long_prefix],
        3,
        "no deal has the id",
    ));
    cases.push(case(
        &["pipeline", "show", &long_prefix],
        3,
        "no pipeline named",
    ));
    cases.push(case(
        &["deal", "create", "X", "--value", "1", "--pipeline", &open],
        2,
        "got a deal id",
    ));
    cases.push(case(&["deal", "move", &open, &pid], 2, "got a pipeline id"));
    // Names.
    let long = "x".repeat(100_000);
    for (bad, names) in [
        ("", "empty"),
        ("   ", "empty"),
        (long.as_str(), "100000 characters"),
        ("two\nlines", "U+000A"),
        ("tab\there", "U+0009"),
        ("bell\u{7}", "U+0007"),
        ("escape\u{1b}[2J", "U+001B"),
        ("right-to-left \u{202e}gnp.exe", "U+202E"),
        ("isolate \u{2067}x", "U+2067"),
        ("carriage\rreturn", "U+000D"),
        // Only invisible characters: a row that shows nothing.
        (
            "\u{200b}",
            "shows nothing (only invisible characters, such as U+200B)",
        ),
        (" \u{feff}\u{2060} ", "U+FEFF"),
    ] {
        cases.push(case(&["deal", "create", bad, "--value", "1"], 2, names));
        cases.push(case(&["pipeline", "create", bad], 2, names));
    }
    cases.push(case(&["deal", "update", &open, "--name", ""], 2, "empty"));
    cases.push(case(&["deal", "note", &open, "  "], 2, "empty"));
    cases.push(case(
        &["deal", "create", "X", "--value", "1", "--owner", "a\u{1b}b"],
        2,
        "U+001B",
    ));
    // An owner that looks like another: never one's own.
    for owner in ["ana\u{200b}@example.com", "\u{feff}ana", "ana\u{ad}"] {
        cases.push(case(
            &["deal", "create", "X", "--value", "1", "--owner", owner],
            2,
            "the owner contains the invisible character U+",
        ));
        cases.push(case(
            &["activity", "add", &open, "Call", "--owner", owner],
            2,
            "the owner contains the invisible character U+",
        ));
    }
    cases.push(case(
        &["activity", "add", &open, "\u{200b}"],
        2,
        "the subject shows nothing (only invisible characters, such as U+200B); give some text",
    ));
    cases.push(case(
        &["deal", "close", &open, "--lost", "--reason", "a\nb"],
        2,
        "U+000A",
    ));
    // Colours.
    for bad in [
        "#12345", "red", "#GGGGGG", "123456", "#1234567", "#", "#12 345",
    ] {
        cases.push(case(
            &["pipeline", "create", "P", "--stage", &format!("A:{bad}")],
            2,
            "invalid colour",
        ));
    }
    cases.push(case(
        &[
            "pipeline",
            "update",
            "Sales",
            "--recolor-stage",
            "Proposal=blue",
        ],
        2,
        "'blue'",
    ));
    // Metadata.
    let deep = format!("k:={}{}", "[".repeat(200), "]".repeat(200));
    // 127 levels: within serde_json's own limit, but past rex's, so never stored.
    let deep_127 = format!("k:={}{}", "[".repeat(127), "]".repeat(127));
    // The metadata object and 32 levels of value: one past the limit.
    let deep_32 = format!("k:={}{}", "[".repeat(32), "]".repeat(32));
    for (bad, names) in [
        (
            deep_127.as_str(),
            "'metadata.k' nests deeper than 32 levels",
        ),
        (deep_32.as_str(), "'metadata.k' nests deeper than 32 levels"),
        ("k:={\"a\":1,\"a\":2}", "'metadata.k.a' is given twice"),
        (
            "k:=[{\"b\":{\"c\":1,\"c\":1}}]",
            "'metadata.k[0].b.c' is given twice",
        ),
        ("key", "'key'"),
        ("=v", "no key"),
        (":=5", "no key"),
        ("k:=notjson", "not valid JSON"),
        ("k:=", "not valid JSON"),
        ("k:={\"a\":", "not valid JSON"),
        (deep.as_str(), "deeper than 32 levels"),
        ("k\u{1b}=v", "U+001B"),
    ] {
        cases.push(case(
            &["deal", "create", "X", "--value", "1", "--meta", bad],
            2,
            names,
        ));
    }
    cases.push(case(
        &["deal", "update", &open, "--meta", "nokey"],
        2,
        "'nokey'",
    ));
    cases.push(case(&["deal", "list", "--meta", "novalue"], 2, "'novalue'"));
    // Stall periods and positions.
    for bad in ["0", "-1", "36501", "abc"] {
        cases.push(case(
            &["pipeline", "update", "Sales", "--stall-days", bad],
            2,
            &format!("'{bad}'"),
        ));
    }
    for bad in [
        "Proposal=0",
        "Proposal=-3",
        "Proposal=soon",
        "Proposal",
        "=5",
    ] {
        cases.push(case(
            &["pipeline", "update", "Sales", "--stage-stall-days", bad],
            2,
            "--stage-stall-days",
        ));
    }
    cases.push(case(
        &[
            "pipeline",
            "update",
            "Sales",
            "--add-stage",
            "X",
            "--at",
            "9",
        ],
        2,
        "'9'",
    ));
    cases.push(case(
        &["pipeline", "update", "Sales", "--move-stage", "Proposal=-1"],
        2,
        "'-1'",
    ));
    // Flags and choices.
    for (args, names) in [
        (vec!["deal", "list", "--limit", "-1"], "'-1'"),
        (vec!["deal", "list", "--limit", "many"], "'many'"),
        (vec!["deal", "list", "--sort", "mood"], "'mood'"),
        (vec!["deal", "list", "--status", "pending"], "'pending'"),
        (vec!["deal", "list", "-o", "xml"], "'xml'"),
        (vec!["deal", "list", "--color", "sometimes"], "'sometimes'"),
        (vec!["deal", "list", "--fields", "name,nope"], "'nope'"),
        (vec!["pipeline", "list", "--fields", "value"], "'value'"),
        (vec!["deal", "frobnicate"], "'frobnicate'"),
        (vec!["deal", "close", &won], "--won"),
        (vec!["completions", "tcsh"], "'tcsh'"),
        (vec!["import", "--format", "xml"], "'xml'"),
        (vec!["help", "everything"], "'everything'"),
    ] {
        cases.push(case(&args, 2, names));
    }
    // Not found and conflicts.
    cases.push(case(
        &["deal", "show", "deal_01jdqz7w3ef8ns6c0e5ywzm2ka"],
        3,
        "deal_01jdqz7w3ef8ns6c0e5ywzm2ka",
    ));
    cases.push(case(&["deal", "move", &open, "Limbo"], 3, "'Limbo'"));
    cases.push(case(&["pipeline", "show", "Nope"], 3, "'Nope'"));
    cases.push(case(&["deal", "move", &won, "Proposal"], 4, "won"));
    cases.push(case(&["deal", "close", &won, "--lost"], 4, "already won"));
    cases.push(case(&["deal", "reopen", &open], 4, "open"));
    cases.push(case(&["pipeline", "create", "sales"], 4, "already exists"));
    cases.push(case(
        &["pipeline", "delete", "Sales", "--yes"],
        4,
        "holds 2 deals",
    ));
    // The clock and the busy timeout.
    for bad in [
        "garbage",
        "2026-13-01T00:00:00Z",
        "",
        "1700000000",
        "2026-03-01",
        "2026-03-01 09:00:00",
    ] {
        let mut c = case(&["deal", "list"], 2, "REX_NOW");
        c.env.push(("REX_NOW", bad.to_string()));
        cases.push(c);
    }
    let mut c = case(&["deal", "list"], 2, "REX_BUSY_TIMEOUT");
    c.env.push(("REX_BUSY_TIMEOUT", "-5".into()));
    cases.push(c);
    // Amounts past the maximum, on every money flag.
    for flag_args in [
        vec!["deal", "create", "X", "--value"],
        vec!["deal", "update", &open, "--value"],
        vec!["deal", "list", "--min-value"],
        vec!["deal", "list", "--max-value"],
    ] {
        for bad in [
            "92233720368547758.07",
            "10000000000000.01",
            "$99,999,999,999,999.99",
        ] {
            let mut args = flag_args.clone();
            args.push(bad);
            cases.push(case(&args, 2, "the largest amount rex keeps"));
        }
    }
    // Fields named twice, in every output mode and on every kind of record.
    for (args, field) in [
        (vec!["deal", "list", "--fields", "id,name,id"], "'id'"),
        (
            vec!["deal", "show", &open, "--fields", "name,name"],
            "'name'",
        ),
        (
            vec!["deal", "history", &open, "--fields", "kind,at,kind"],
            "'kind'",
        ),
        (
            vec!["deal", "stalled", "--fields", "idle_days,idle_days"],
            "'idle_days'",
        ),
        (
            vec!["pipeline", "list", "--fields", "name,name", "-o", "csv"],
            "'name'",
        ),
        (
            vec![
                "pipeline", "show", "Sales", "--fields", "id,id", "-o", "json",
            ],
            "'id'",
        ),
        (
            vec!["info", "--fields", "version,version", "-o", "tsv"],
            "'version'",
        ),
    ] {
        cases.push(case(&args, 2, &format!("field {field} is named twice")));
    }
    // User text in errors is escaped, whatever the entry point.
    for (args, code, shown) in [
        (
            vec!["deal", "move", &open, "Nope\nrex: forged"],
            3,
            "Nope\\u{a}rex: forged",
        ),
        (
            vec!["deal", "list", "--pipeline", "\u{1b}]0;pwned\u{7}"],
            3,
            "\\u{1b}]0;pwned\\u{7}",
        ),
        (vec!["deal", "list", "--stage", "S\rX"], 3, "S\\u{d}X"),
        (
            vec!["deal", "list", "--fields", "n\u{1b}[2J"],
            2,
            "n\\u{1b}[2J",
        ),
        (vec!["pipeline", "show", "\u{202e}evil"], 3, "\\u{202e}evil"),
        (
            vec!["pipeline", "update", "Sales", "--rename-stage", "A\u{7}=B"],
            3,
            "A\\u{7}",
        ),
        (vec!["deal", "show", "deal_\nx"], 2, "deal_\\u{a}x"),
        (vec!["deal", "list", "--sort", "v\nx"], 2, "v\\u{a}x"),
        (
            vec!["deal", "close", &open, "--won", "--reason", "a\u{1b}b"],
            2,
            "U+001B",
        ),
    ] {
        cases.push(case(&args, code, shown));
    }
    for (var, value, shown) in [
        ("REX_NOW", "2026\n\u{1b}[31m", "2026\\u{a}\\u{1b}[31m"),
        ("REX_BUSY_TIMEOUT", "9\u{7}", "9\\u{7}"),
        ("REX_DB", "", "REX_DB is set but empty"),
    ] {
        let mut c = case(&["deal", "list"], 2, shown);
        c.env.push((var, value.to_string()));
        cases.push(c);
    }
    let tried = run_cases(&rex, cases);
    assert!(tried >= 100, "{tried}");
    eprintln!("bad command-line inputs tried: {tried}");
}

#[test]
fn bad_import_lines() {
    let (rex, _, open, _) = setup();
    let good = r#"{"name":"Fine","value":1}"#;
    let lines: Vec<(String, i32, &str)> = vec![
        (r#"{"name":"Cut","value":1"#.into(), 2, "not valid JSON"),
        ("[1,2,3]".into(), 2, "expected a JSON object"),
        ("\"just text\"".into(), 2, "expected a JSON object"),
        (r#"{"name":5,"value":1}"#.into(), 2, "field 'name'"),
        (r#"{"name":"X","value":"5"}"#.into(), 2, "field 'value'"),
        (r#"{"name":"X","value":5.5}"#.into(), 2, "field 'value'"),
        (r#"{"name":"X","value":-1}"#.into(), 2, "negative"),
        (r#"{"name":"X"}"#.into(), 2, "missing"),
        (r#"{"value":1}"#.into(), 2, "field 'name'"),
        (r#"{"name":"X","value":1,"value_dollars":"1"}"#.into(), 2, "not both"),
        (r#"{"name":"X","value_dollars":"1,00"}"#.into(), 2, "'1,00'"),
        (r#"{"name":"X","value":1,"status":"pending"}"#.into(), 2, "'pending'"),
        (r#"{"name":"X","value":1,"expected_close":"2026-02-30"}"#.into(), 2, "'2026-02-30'"),
        (r#"{"name":"X","value":1,"created_at":"yesterday"}"#.into(), 2, "'yesterday'"),
        (r#"{"name":"X","value":1,"closed_at":"2026-03-01T09:00:00Z"}"#.into(), 2, "closed_at"),
        (r#"{"name":"X","value":1,"close_reason":"why"}"#.into(), 2, "close_reason"),
        (r#"{"name":"X","value":1,"metadata":[1]}"#.into(), 2, "field 'metadata'"),
        (r#"{"name":"X","value":1,"colour":"red"}"#.into(), 2, "unknown field 'colour'"),
        (r#"{"name":"Nul\u0000here","value":1}"#.into(), 2, "U+0000"),
        (r#"{"name":"Esc\u001b[31m","value":1}"#.into(), 2, "U+001B"),
        (r#"{"id":"deal_123","name":"X","value":1}"#.into(), 2, "'deal_123'"),
        (r#"{"id":"pipeline_01jdqz7w3ef8ns6c0e5ywzm2ka","name":"X","stall_days":0}"#.into(), 2, "stall_days"),
        (r#"{"name":"P2","stages":[]}"#.into(), 2, "stages"),
        (r#"{"name":"P2","stages":[{"name":"A"},{"name":"a"}]}"#.into(), 2, "two stages"),
        (r#"{"name":"P2","stages":[{"name":"A","color":"red"}]}"#.into(), 2, "'red'"),
        (r#"{"name":"X","value":1,"stage_id":"Nowhere"}"#.into(), 3, "'Nowhere'"),
        (r#"{"name":"X","value":1,"pipeline_id":"Ghost"}"#.into(), 3, "'Ghost'"),
        (r#"{"name":"X","value":1,"stage_id":"stage_01jdqz7w3ef8ns6c0e5ywzm2ka"}"#.into(), 3, "stage_01jdqz7w3ef8ns6c0e5ywzm2ka"),
        (r#"{"deal_id":"deal_01jdqz7w3ef8ns6c0e5ywzm2ka","at":"2026-03-01T09:00:00Z","kind":"note"}"#.into(), 3, "deal_01jdqz7w3ef8ns6c0e5ywzm2ka"),
        (r#"{"deal_id":"deal_01jdqz7w3ef8ns6c0e5ywzm2ka","at":"2026-03-01T09:00:00Z","kind":"teleported"}"#.into(), 2, "'teleported'"),
        (format!(r#"{{"id":"{open}","name":"Dup","value":1}}"#), 4, "already exists"),
        (r#"{"name":"sales","stages":[{"name":"A"}]}"#.into(), 4, "already exists"),
        // Nesting, keys given twice, amounts past the maximum, escaped keys.
        (format!(r#"{{"name":"X","value":1,"metadata":{{"k":{}{}}}}}"#, "[".repeat(127), "]".repeat(127)), 2, "field 'metadata.k' nests deeper than 32 levels"),
        (format!(r#"{{"name":"X","value":1,"metadata":{{"k":{}{}}}}}"#, "[".repeat(32), "]".repeat(32)), 2, "field 'metadata.k' nests deeper than 32 levels"),
        (format!(r#"{{"name":"X","value":1,"metadata":{{"a":{{"b":{}1{}}}}}}}"#, "[".repeat(31), "]".repeat(31)), 2, "field 'metadata.a.b' nests deeper"),
        (format!(r#"{{"deal_id":"{open}","at":"2026-03-01T09:00:00Z","kind":"note","text":{}1{}}}"#, "[".repeat(32), "]".repeat(32)), 2, "field 'text' nests deeper"),
        (r#"{"name":"X","value":1,"name":"Y"}"#.into(), 2, "field 'name' is given twice"),
        (r#"{"name":"X","value":1,"metadata":{"k":1,"k":2}}"#.into(), 2, "field 'metadata.k' is given twice"),
        (r#"{"name":"X","value":1,"metadata":{"k":[{"a":1,"a":1}]}}"#.into(), 2, "field 'metadata.k[0].a' is given twice"),
        (r#"{"name":"P3","stages":[{"name":"A","name":"B"}]}"#.into(), 2, "field 'stages[0].name' is given twice"),
        (r#"{"name":"X","value":1000000000000001}"#.into(), 2, "the largest amount rex keeps"),
        (r#"{"name":"X","value":9223372036854775807}"#.into(), 2, "the largest amount rex keeps"),
        (r#"{"name":"X","value_dollars":"92233720368547758.07"}"#.into(), 2, "the largest amount rex keeps"),
        (r#"{"name":"X","value":1,"\u001b]0;OWNED\u0007":1}"#.into(), 2, "unknown field '\\u{1b}]0;OWNED\\u{7}'"),
        (r#"{"name":"X","value":1,"pipeline_id":"a\nrex: forged"}"#.into(), 3, "'a\\u{a}rex: forged'"),
    ];
    let n = lines.len();
    for (bad, code, names) in lines {
        let file = rex.dir.path().join("bad.jsonl");
        std::fs::write(&file, format!("{good}\n{bad}\n{good}\n")).unwrap();
        let line = rex.fails(&["import", file.to_str().unwrap()], code);
        assert!(line.starts_with("rex: line 2: "), "{bad}: {line}");
        assert!(
            line.contains(names),
            "{bad}: {line:?} does not name {names:?}"
        );
    }
    // A duplicate id inside one file is refused too.
    let id = "deal_01jdqz7w3ef8ns6c0e5ywzm2ka";
    let file = rex.dir.path().join("dup.jsonl");
    std::fs::write(&file, format!("{{\"id\":\"{id}\",\"name\":\"A\",\"value\":1}}\n{{\"id\":\"{id}\",\"name\":\"B\",\"value\":1}}\n")).unwrap();
    assert_eq!(
        rex.fails(&["import", file.to_str().unwrap()], 4),
        format!("rex: line 2: deal {id} already exists; use --upsert to replace it; nothing was imported")
    );
    // Malformed CSV.
    let csv = rex.dir.path().join("bad.csv");
    std::fs::write(&csv, "name,value\nA,1\nB,lots\n").unwrap();
    assert_eq!(
        rex.fails(&["import", csv.to_str().unwrap()], 2),
        "rex: line 3: field 'value': expected a whole number, got 'lots'; nothing was imported"
    );
    std::fs::write(&csv, "name,value\nA,1,extra\n").unwrap();
    assert!(rex
        .fails(&["import", csv.to_str().unwrap()], 2)
        .contains("not valid CSV"));
    assert!(rex
        .fails(
            &[
                "import",
                rex.dir.path().join("missing.jsonl").to_str().unwrap()
            ],
            2
        )
        .contains("cannot read"));
    // CSV headers given twice; marks and duplicates in the other formats.
    std::fs::write(&csv, "name,value,Name,name\nA,1,x,y\n").unwrap();
    assert_eq!(
        rex.fails(&["import", csv.to_str().unwrap()], 2),
        "rex: line 1: field 'name': the CSV header names it twice; name each column once; nothing was imported"
    );
    let json = rex.dir.path().join("dup.json");
    std::fs::write(&json, "\u{feff}[{\"name\":\"A\",\"value\":1,\"value\":2}]").unwrap();
    assert_eq!(
        rex.fails(&["import", json.to_str().unwrap()], 2),
        "rex: record 1: field 'value' is given twice; give each key once; nothing was imported"
    );
    eprintln!("bad import lines tried: {}", n + 6);
}

#[test]
fn sql_metacharacters_are_only_data() {
    let rex = Rex::new();
    rex.sales();
    let nasty = [
        "'; DROP TABLE deals; --",
        "\" OR 1=1 --",
        "Robert'); DELETE FROM deal_events;--",
        "%_%",
        "x' UNION SELECT * FROM pipelines --",
        "\\'\\\"",
    ];
    let mut ids = Vec::new();
    for (i, text) in nasty.iter().enumerate() {
        // A key cannot hold '=' (KEY=VALUE); the value can.
        let key = text.replace('=', "");
        let id = rex.id(&[
            "deal",
            "create",
            text,
            "--value",
            "1",
            "--owner",
            text,
            "--contact",
            text,
            "--meta",
            &format!("{key}={text}"),
        ]);
        rex.ok(&["deal", "note", &id, text]);
        rex.ok(&["deal", "close", &id, "--lost", "--reason", text]);
        ids.push((i, id));
    }
    rex.ok(&[
        "pipeline",
        "create",
        nasty[0],
        "--stage",
        &format!("{}:#000000", nasty[1]),
    ]);
    for (i, id) in &ids {
        let text = nasty[*i];
        let d = rex.json(&["deal", "show", id]);
        assert_eq!(
            (
                d["name"].clone(),
                d["owner_id"].clone(),
                d["contact_id"].clone(),
                d["close_reason"].clone()
            ),
            (json!(text), json!(text), json!(text), json!(text))
        );
        let key = text.replace('=', "");
        assert_eq!(d["metadata"], json!({ key.clone(): text }));
        assert_eq!(
            rex.json(&["deal", "list", "--owner", text])
                .as_array()
                .unwrap()
                .len(),
            1,
            "{text}"
        );
        assert_eq!(
            rex.json(&["deal", "list", "--meta", &format!("{key}={text}")])
                .as_array()
                .unwrap()
                .len(),
            1,
            "{text}"
        );
        assert_eq!(
            rex.json(&["deal", "list", "--search", text])[0]["id"],
            id.as_str(),
            "{text}"
        );
    }
    assert_eq!(
        rex.json(&["deal", "list", "--search", "zzz' OR '1'='1"]),
        json!([])
    );
    let info = rex.json(&["info"]);
    assert_eq!(
        (info["deals"].clone(), info["pipelines"].clone()),
        (json!(nasty.len()), json!(2))
    );
    assert_eq!(
        rex.json(&["pipeline", "show", nasty[0]])["stages"][0]["name"],
        nasty[1]
    );
}

#[test]
fn terminal_control_sequences_are_neutralised_for_people_and_kept_for_scripts() {
    let rex = Rex::new();
    rex.sales();
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\rgone\u{202e}";
    let id = plain_deal_with_meta(&rex, evil);
    import_note(&rex, &id, evil);
    for args in [
        &["deal", "show", &id, "-o", "table", "--color", "never"][..],
        &["deal", "history", &id, "-o", "table", "--color", "never"],
        &[
            "deal",
            "list",
            "-o",
            "table",
            "--fields",
            "name,metadata",
            "--color",
            "never",
        ],
    ] {
        let out = rex.ok(args);
        assert!(
            !out.contains('\u{1b}')
                && !out.contains('\r')
                && !out.contains('\u{7}')
                && !out.contains('\u{202e}'),
            "{args:?}: {out:?}"
        );
        assert!(out.contains("]0;pwned"), "{args:?}: {out}");
    }
    for args in [
        &["deal", "list", "-o", "tsv"][..],
        &["deal", "history", &id, "-o", "tsv"],
    ] {
        let out = rex.ok(args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\r') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
    }
    assert_eq!(rex.json(&["deal", "show", &id])["metadata"]["k"], evil);
    assert_eq!(rex.json(&["deal", "history", &id])[1]["text"], evil);
}
