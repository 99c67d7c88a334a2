use std::process::Stdio;

use serde_json::json;

use crate::support::{s, Rex};

/// Replaces every TypeID's suffix with x's of the same length, so tables keep their shape.
fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for prefix in ["deal_", "pipeline_", "stage_"] {
        let mut from = 0;
        while let Some(i) = out[from..].find(prefix).map(|i| i + from) {
            let start = i + prefix.len();
            let end = start + 26;
            if end <= out.len() && out[start..end].bytes().all(|b| b.is_ascii_alphanumeric()) {
                out.replace_range(start..end, &"x".repeat(26));
            }
            from = start;
        }
    }
    out
}

/// Replaces each deal's short reference (the last 7 characters of its id) with x's.
fn redact_refs(rex: &Rex, text: &str) -> String {
    let mut out = text.to_string();
    for id in rex.ok(&["deal", "list", "-o", "id"]).lines() {
        out = out.replace(&id[id.len() - 7..], "xxxxxxx");
    }
    out
}

fn week(rex: &Rex) -> String {
    rex.sales();
    let a = rex.id(&[
        "deal",
        "create",
        "Acme Corp - Enterprise Plan",
        "--value",
        "5000",
        "--owner",
        "ana",
        "--expected-close",
        "2026-03-31",
    ]);
    rex.ok(&[
        "deal",
        "create",
        "Globex",
        "--value",
        "$1,000,000.00",
        "--owner",
        "bo",
        "--stage",
        "Proposal",
    ]);
    rex.ok(&[
        "deal",
        "create",
        "Initech",
        "--value",
        "99.50",
        "--meta",
        "source=web",
    ]);
    a
}

#[test]
fn tables_show_dollars_names_and_a_total() {
    let rex = Rex::new();
    week(&rex);
    let table = rex.ok(&["deal", "list", "-o", "table", "--color", "never"]);
    insta::assert_snapshot!("deal_list_table", redact_refs(&rex, &redact(&table)));
    let board = rex.ok(&["pipeline", "show", "Sales", "-o", "table"]);
    insta::assert_snapshot!("pipeline_show_table", redact(&board));
}

#[test]
fn deal_show_on_a_terminal_has_recent_history() {
    let rex = Rex::new();
    let a = week(&rex);
    rex.at("2026-03-03T10:00:00Z");
    rex.ok(&["deal", "move", &a, "Qualification"]);
    rex.ok(&["deal", "note", &a, "Call with the CFO"]);
    insta::assert_snapshot!(
        "deal_show_table",
        redact_refs(&rex, &redact(&rex.ok(&["deal", "show", &a, "-o", "table"])))
    );
}

#[test]
fn piped_output_defaults_to_tsv_without_header_or_colour() {
    let rex = Rex::new();
    let p = rex.sales();
    let tsv = rex.ok(&["pipeline", "list"]);
    assert_eq!(
        tsv,
        format!(
            "{}\tSales\t30\t5\t0\t0\t2026-03-02T09:00:00Z\t2026-03-02T09:00:00Z\t0\t0\t0\n",
            s(&p["id"])
        )
    );
}

#[test]
fn tsv_escapes_tabs_newlines_and_control_characters() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&[
        "deal",
        "create",
        "Plain",
        "--value",
        "1",
        "--meta",
        "k=a\tb\nc\u{1b}[31m",
    ]);
    let line = rex.ok(&["deal", "list", "-o", "tsv"]);
    assert_eq!(line.lines().count(), 1);
    let fields: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
    assert_eq!(fields.len(), 17);
    assert_eq!(fields[0], id);
    assert_eq!(fields[9], r#"{"k":"a\\tb\\nc\\u001b[31m"}"#);
    // JSON keeps the exact text.
    assert_eq!(
        rex.json(&["deal", "show", &id])["metadata"],
        json!({"k": "a\tb\nc\u{1b}[31m"})
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let rex = Rex::new();
    week(&rex);
    let always = rex.ok(&["deal", "list", "-o", "table", "--color", "always"]);
    assert!(always.contains('\u{1b}'), "{always}");
    let never = rex.ok(&["deal", "list", "-o", "table", "--color", "never"]);
    assert!(!never.contains('\u{1b}'));
    let out = rex
        .cmd()
        .env("NO_COLOR", "1")
        .args(["deal", "list", "-o", "table"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    assert!(
        !rex.ok(&["deal", "list", "--color", "always"])
            .contains('\u{1b}'),
        "tsv is never coloured"
    );
}

#[test]
fn json_flag_is_output_json_and_lists_are_arrays() {
    let rex = Rex::new();
    rex.sales();
    assert_eq!(rex.ok(&["deal", "list", "--json"]), "[]\n");
    rex.ok(&["deal", "create", "A", "--value", "1"]);
    let one = rex.json(&["deal", "list"]);
    assert_eq!(one.as_array().map(Vec::len), Some(1));
    let jsonl = rex.ok(&["deal", "list", "-o", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(jsonl.trim()).unwrap(),
        one[0]
    );
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let rex = Rex::new();
    rex.sales();
    for i in 0..3 {
        rex.ok(&["deal", "create", &format!("Deal {i}"), "--value", "1"]);
    }
    for args in [
        &["deal", "list"][..],
        &["pipeline", "show", "Sales", "-o", "json"],
        &["help"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader); // like `| head` that has already exited
        let out = rex
            .std_cmd()
            .args(args)
            .stdout(Stdio::from(writer))
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn user_errors_are_one_line_even_with_rust_backtrace() {
    let rex = Rex::new();
    rex.sales();
    let out = rex
        .cmd()
        .env("RUST_BACKTRACE", "full")
        .args(["deal", "create", "A", "--value", "5.001"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: invalid value '5.001' for '--value <MONEY>': invalid amount '5.001': more than two decimals (cents) is not allowed; write it like 5000, 5000.50 or $5,000.50\n"
    );
}

#[test]
fn clap_usage_errors_exit_2_in_one_line() {
    let rex = Rex::new();
    assert_eq!(
        rex.fails(&["deal", "list", "--bogus"], 2),
        "rex: unexpected argument '--bogus' found (see 'rex deal list --help')"
    );
    assert_eq!(
        rex.fails(&["deal", "create", "A"], 2),
        "rex: the following required arguments were not provided: --value <MONEY> (see 'rex deal create --help')"
    );
    assert_eq!(
        rex.fails(&["deal", "list", "-o", "xml"], 2),
        "rex: invalid value 'xml' for '--output <FORMAT>' [possible values: table, wide, tsv, json, jsonl, csv, id]"
    );
}

#[test]
fn help_documents_exit_codes_environment_and_topics() {
    let rex = Rex::new();
    let help = rex.ok(&["--help"]);
    assert!(
        help.contains(
            "5  database busy after the timeout, another import still running, or the\n     PostgreSQL server went away mid-command or is starting up; nothing was\n     changed, safe to retry"
        ),
        "{help}"
    );
    assert!(help.contains("REX_NOW"), "{help}");
    let topics = rex.ok(&["help"]);
    assert!(
        topics.contains("exit-codes") && topics.contains("formatting"),
        "{topics}"
    );
    assert!(rex
        .ok(&["help", "exit-codes"])
        .starts_with("Exit codes:\n  0  success"));
    let environment = rex.ok(&["help", "environment"]);
    assert!(environment.contains("REX_BUSY_TIMEOUT"), "{environment}");
    assert!(
        environment.contains("PGPASSWORD        the server's password when the URL has none"),
        "{environment}"
    );
    assert!(rex.ok(&["help", "dates"]).contains("eoq"));
    assert!(rex
        .ok(&["help", "deal", "create"])
        .contains("--expected-close <DATE>"));
    assert_eq!(
        rex.fails(&["help", "nothing"], 2),
        "rex: no help topic or subcommand 'nothing'; topics: exit-codes, environment, dates, formatting"
    );
    assert_eq!(
        rex.ok(&["--version"]),
        format!("rex {}\n", env!("CARGO_PKG_VERSION"))
    );
}
