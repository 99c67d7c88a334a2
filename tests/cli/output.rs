use std::process::Stdio;

use serde_json::json;

use crate::support::{import, plain_deal_with_meta, s, stderr, Rex};

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
    let id = plain_deal_with_meta(&rex, "a\tb\nc\u{1b}[31m");
    let line = rex.ok(&["deal", "list", "-o", "tsv"]);
    assert_eq!(line.lines().count(), 1);
    let fields: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
    // The deal's fields (its origin left out, as in JSON), then its stage and pipeline, and
    // its next step (none: empty).
    assert_eq!(fields.len(), 20);
    assert_eq!(fields[19], "");
    assert_eq!(fields[0], id);
    assert_eq!(fields[9], r#"{"k":"a\\tb\\nc\\u001b[31m"}"#);
    // JSON keeps the exact text.
    assert_eq!(
        rex.json(&["deal", "show", &id])["metadata"],
        json!({"k": "a\tb\nc\u{1b}[31m"})
    );
}

/// Was: CSV output wrote cells such as `=cmd|' /C calc'!A0`, `@SUM(A1)` and `+contact` as
/// they were, for a spreadsheet to run as formulas, and raw ESC and BEL bytes.
#[test]
fn csv_cells_a_spreadsheet_would_run_are_neutralised_and_import_undoes_it() {
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

/// Was: `deal create … > /dev/full` exited 1 with a bare "i/o error" though the deal was
/// saved, so a retry made a duplicate.
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

/// Was: errors echoed the user's text raw: a newline in a stage name printed a forged second
/// `rex:` line, and an escape sequence in a pipeline name or an imported key reached the
/// terminal as it was.
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
        "rex: invalid value 'xml' for '--output <FORMAT>' [possible values: table, wide, tsv, json, jsonl, csv, id, ics]"
    );
}

#[test]
fn help_documents_exit_codes_environment_and_topics() {
    let rex = Rex::new();
    // `rex --help` fits a screen (tests/cli/help.rs); the reference is in the topics.
    let help = rex.ok(&["help", "exit-codes"]);
    assert!(
        help.contains(
            "5  database busy after the timeout, another import still running, or the\n     PostgreSQL server went away mid-command or is starting up; nothing was\n     changed, safe to retry"
        ),
        "{help}"
    );
    assert!(rex.ok(&["help", "environment"]).contains("REX_NOW"));
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
        "rex: no help topic or subcommand 'nothing'; topics: options, exit-codes, environment, dates, formatting"
    );
    assert_eq!(
        rex.ok(&["--version"]),
        format!("rex {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// A table printed in a pipe `COLUMNS` wide (`-o table`), each line's trailing padding
/// trimmed and the short references redacted.
fn piped_table(rex: &Rex, columns: &str, args: &[&str]) -> String {
    let out = rex
        .cmd()
        .env("COLUMNS", columns)
        .args(args)
        .args(["-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let trimmed: Vec<&str> = text.lines().map(str::trim_end).collect();
    redact_refs(rex, &trimmed.join("\n"))
}

/// Issue 27, item 3, in a pipe at COLUMNS=80: the Status column, `open` on every row, is left
/// out first, so Owner stays and every name is whole; with room for all, it stays.
#[test]
fn a_column_that_says_the_same_on_every_row_is_left_out_first() {
    let rex = Rex::new();
    crate::terminal::three_owners(&rex);
    let rule = |c: char, n: usize| c.to_string().repeat(n);
    assert_eq!(
        piped_table(&rex, "80", &["deal", "list", "--status", "active"]),
        [
            rule('─', 80).as_str(),
            " Ref       Name                  Value        Stage         Owner    Close",
            rule('═', 80).as_str(),
            " xxxxxxx   Umbrella Safety Kit   $22,000.00   Discovery     ana      2026-05-20",
            " xxxxxxx   Tyrell Leasing        $48,000.00   Proposal      bo       2026-06-30",
            " xxxxxxx   Initech TPS Suite      $1,234.50   Negotiation   carlos   2026-07-15",
            rule('─', 80).as_str(),
            "3 deals, total $71,234.50",
        ]
        .join("\n")
    );
    let wide = piped_table(&rex, "120", &["deal", "list", "--status", "active"]);
    assert_eq!(
        wide.lines().nth(1).unwrap(),
        " Ref       Name                  Value        Status   Stage         Owner    Close"
    );
}

/// Issue 27, item 4, in a pipe at COLUMNS=80: a note is wrapped whole under its column, its
/// own line break kept; the amounts in it and in the creation are never cut.
#[test]
fn a_note_in_deal_history_wraps_whole_under_its_column() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&[
        "deal",
        "create",
        "Tyrell Leasing",
        "--value",
        "48000",
        "--stage",
        "Proposal",
    ]);
    rex.at("2026-03-03T10:00:00Z");
    rex.ok(&[
        "deal",
        "note",
        "Tyrell",
        "Sent the revised quote: 48 seats at $1,000.00 each, with a 99.9% SLA in the \
         contract and the onboarding fee waived.\nNext: call Rachel on Friday.",
    ]);
    let rule = |c: char| c.to_string().repeat(80);
    let history = [
        rule('─').as_str(),
        " When               Event     Details",
        rule('═').as_str(),
        " 2026-03-02 09:00   created   Tyrell Leasing in Sales / Proposal, $48,000.00",
        " 2026-03-03 10:00   note      Sent the revised quote: 48 seats at $1,000.00",
        "                              each, with a 99.9% SLA in the contract and the",
        "                              onboarding fee waived.",
        "                              Next: call Rachel on Friday.",
        rule('─').as_str(),
    ]
    .join("\n");
    assert_eq!(
        piped_table(&rex, "80", &["deal", "history", "Tyrell"]),
        history
    );
    // deal show ends with the same history.
    let show = piped_table(&rex, "80", &["deal", "show", "Tyrell"]);
    assert!(show.ends_with(&history), "{show}");
}

/// Issue 27, item 5, in a pipe: a confirmation is whole whatever COLUMNS says (a log keeps
/// the name); only a terminal shortens it (see the terminal tests).
#[test]
fn a_confirmation_in_a_pipe_is_whole() {
    let rex = Rex::new();
    rex.sales();
    let name = "Umbrella Corp Safety Equipment Renewal and Extended Maint";
    let created = piped_table(&rex, "80", &["deal", "create", name, "--value", "22000"]);
    assert_eq!(
        created,
        format!("created {name} (xxxxxxx) in Sales / Discovery, $22,000.00")
    );
    assert_eq!(
        piped_table(&rex, "80", &["deal", "close", "Umbrella", "--won"]),
        format!("closed {name} (xxxxxxx) as won, $22,000.00")
    );
}
