//! The person at the terminal: deal references, tables that fit, the board, `today`,
//! one-line confirmations and completion from the database.

use std::process::Stdio;

use serde_json::{json, Value};

use crate::support::{assert_fits, on_terminal, plain, s, stage_id, succeeded_for, width, Rex};

/// Runs a command as a table `columns` wide (in a pipe: `-o table` and `COLUMNS`).
fn table(rex: &Rex, columns: usize, args: &[&str]) -> String {
    let out = rex
        .cmd()
        .env("COLUMNS", columns.to_string())
        .args(["-o", "table"])
        .args(args)
        .output()
        .unwrap();
    succeeded_for(&out, &format!("{args:?}: "));
    String::from_utf8(out.stdout).unwrap()
}

/// Thirty deals with long names, owners and contacts across the stages of one pipeline.
fn thirty(rex: &Rex) -> Value {
    let p = rex.sales();
    let stages = [
        "Discovery",
        "Qualification",
        "Proposal",
        "Negotiation",
        "Closed",
    ];
    for i in 0..30 {
        rex.ok(&[
            "deal",
            "create",
            &format!("Consolidated Intergalactic Widget Manufacturing Holdings {i}"),
            "--value",
            &format!("{}.89", 1_234_567 + i * 1000),
            "--owner",
            "anastasia.konstantinopoulou@sales.example.com",
            "--contact",
            "procurement-department@consolidated-intergalactic.example.com",
            "--stage",
            stages[i % 5],
            "--expected-close",
            "2026-04-30",
        ]);
    }
    p
}

#[test]
fn a_long_list_is_one_line_per_deal_within_80_columns() {
    let rex = Rex::new();
    thirty(&rex);
    let text = table(&rex, 80, &["deal", "list"]);
    assert_fits(&text, 80, "deal list");
    // A rule, the header, a rule, 30 deals, a rule and the total: one line per deal.
    assert_eq!(text.lines().count(), 30 + 5, "{text}");
    let deals = rex.json(&["deal", "list"]);
    for d in deals.as_array().unwrap() {
        let id = s(&d["id"]);
        let line = text
            .lines()
            .find(|l| l.contains(&id[id.len() - 7..]))
            .unwrap_or_else(|| panic!("no line for {id}:\n{text}"));
        // Money, references and dates are never cut.
        let cents = d["value"].as_i64().unwrap();
        let dollars = format!(
            "${},{:03},{:03}.89",
            cents / 100_000_000,
            cents / 100_000 % 1000,
            cents / 100 % 1000
        );
        assert!(line.contains(&dollars), "{dollars} in {line}");
        // (Every deal closes on the same day, so that column is the first to go.)
        assert!(
            line.contains("2026-04-30") || !text.lines().nth(1).unwrap().contains("Close"),
            "{line}"
        );
        assert!(line.contains("Consolidated"), "{line}");
    }
    // Every deal is in one pipeline: no Pipeline column says so thirty times.
    assert!(!text.contains("Pipeline"), "{text}");
    // Free text is cut with an ellipsis, never wrapped onto a second line.
    assert!(text.contains('…'));
    // Wide: every column at full width, for less -S.
    let wide = rex.ok(&["deal", "list", "-o", "wide"]);
    assert!(wide.contains("procurement-department@consolidated-intergalactic.example.com"));
    assert!(wide.contains(&s(&deals[0]["id"])));
    assert_eq!(wide.lines().count(), 30 + 5);
    // 40 columns: still one line per deal, with what must stay.
    let narrow = table(&rex, 40, &["deal", "list"]);
    assert_fits(&narrow, 40, "deal list at 40");
    assert_eq!(narrow.lines().count(), 35);
}

#[test]
fn every_table_fits_80_columns_with_money_intact() {
    let rex = Rex::new();
    thirty(&rex);
    let id = s(&rex.json(&["deal", "list", "--limit", "1"])[0]["id"]);
    rex.ok(&[
        "deal",
        "note",
        &id,
        &"A very long note about the call. ".repeat(6),
    ]);
    rex.ok(&["pipeline", "create", "Partnerships and Strategic Alliances"]);
    rex.at("2026-06-01T09:00:00Z");
    for args in [
        vec!["pipeline", "show", "Sales"],
        vec!["pipeline", "list"],
        vec!["board", "Sales"],
        vec!["deal", "show", &id],
        vec!["deal", "history", &id],
        vec!["deal", "stalled"],
        vec!["deal", "list", "--status", "active"],
        vec!["info"],
        vec!["today"],
    ] {
        let text = table(&rex, 80, &args);
        assert_fits(&text, 80, &format!("{args:?}"));
    }
    let show = table(&rex, 80, &["pipeline", "show", "Sales"]);
    // Six deals per stage of $1,2xx,xxx.89: each total whole.
    assert!(show.contains("$7,482,407.34"), "{show}");
    assert!(show.contains("$37,472,036.70"), "{show}");
    let board = table(&rex, 80, &["board", "Sales"]);
    assert!(board.contains("$1,263,567.89"), "{board}");
    assert!(board.contains("6 deals, $7,482,407.34"), "{board}");
    // deal show fits one 80x24 screen with its recent history; a long note is shown whole
    // (wrapped), so a deal with one may take more.
    let other = s(&rex.json(&["deal", "list", "--limit", "2"])[1]["id"]);
    assert!(table(&rex, 80, &["deal", "show", &other]).lines().count() <= 24);
    let shown = table(&rex, 80, &["deal", "show", &id]);
    let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        words.matches("A very long note about the call.").count(),
        6,
        "{shown}"
    );
    // Help fits 80 columns too.
    for args in [
        vec!["--help"],
        vec!["deal", "list", "--help"],
        vec!["board", "--help"],
        vec!["help", "formatting"],
        vec!["help", "exit-codes"],
    ] {
        let help = rex.ok(&args);
        assert_fits(&help, 80, &format!("{args:?}"));
    }
}

#[test]
fn every_deal_command_takes_an_id_a_short_reference_or_a_name() {
    let rex = Rex::new();
    let p = rex.sales();
    let make = |name: &str| rex.id(&["deal", "create", name, "--value", "100"]);
    let forms = |id: &str, name: &str| -> Vec<String> {
        vec![
            id.to_string(),
            id[id.len() - 7..].to_string(),
            id[id.len() - 6..].to_uppercase(),
            name.to_lowercase(),
            name[1..name.len() - 1].to_string(),
        ]
    };
    let mut n = 0;
    for form in 0..5 {
        n += 1;
        let name = format!("Pied Piper {n}x");
        let id = make(&name);
        let r = &forms(&id, &name)[form];
        let shown = rex.json(&["deal", "show", r]);
        assert_eq!(s(&shown["id"]), id, "show {r}");
        assert_eq!(s(&rex.json(&["deal", "history", r])[0]["deal_id"]), id);
        rex.ok(&["deal", "update", r, "--value", "200"]);
        rex.ok(&["deal", "move", r, "Proposal"]);
        rex.ok(&["deal", "note", r, "called"]);
        rex.ok(&["deal", "close", r, "--won"]);
        rex.ok(&["deal", "reopen", r]);
        let d = rex.json(&["deal", "show", &id]);
        assert_eq!(d["value"], 20000);
        assert_eq!(s(&d["stage_id"]), stage_id(&p, "Proposal"));
        assert_eq!(d["status"], "open");
        rex.ok(&["deal", "delete", r, "--yes"]);
        rex.fails(&["deal", "show", &id], 3);
    }
}

#[test]
fn ambiguous_and_unknown_references_change_nothing() {
    let rex = Rex::new();
    rex.sales();
    // Two ids that end alike: typing their common end names neither.
    let a = "deal_01jdqz7w3ef8ns6c0e5ywzm2ka";
    let b = "deal_01jdqz7w3ef8ns6c0e6ywzm2ka";
    let file = rex.dir.path().join("two.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"id\":\"{a}\",\"name\":\"Acme East\",\"value\":100,\"created_at\":\"2026-03-01T09:00:00Z\"}}\n\
             {{\"id\":\"{b}\",\"name\":\"Acme West\",\"value\":250000,\"created_at\":\"2026-03-01T10:00:00Z\"}}\n"
        ),
    )
    .unwrap();
    rex.ok(&["import", file.to_str().unwrap()]);
    let by_ref = "rex: 'ywzm2ka' matches 2 deals: 5ywzm2ka Acme East (Discovery, $1.00), 6ywzm2ka Acme West (Discovery, $2,500.00); give more of the reference, or the full id";
    let by_name = "rex: 'acme' matches 2 deals: 5ywzm2ka Acme East (Discovery, $1.00), 6ywzm2ka Acme West (Discovery, $2,500.00); give more of the reference, or the full id";
    for cmd in [
        vec!["deal", "show"],
        vec!["deal", "history"],
        vec!["deal", "move", "_", "Proposal"],
        vec!["deal", "update", "_", "--value", "5"],
        vec!["deal", "close", "_", "--won"],
        vec!["deal", "note", "_", "hi"],
        vec!["deal", "delete", "_", "--yes"],
    ] {
        for (reference, message) in [("ywzm2ka", by_ref), ("acme", by_name)] {
            let mut args: Vec<&str> = cmd.clone();
            match args.iter().position(|a| *a == "_") {
                Some(i) => args[i] = reference,
                None => args.push(reference),
            }
            assert_eq!(rex.fails(&args, 2), message, "{args:?}");
        }
        let mut args = cmd.clone();
        match args.iter().position(|a| *a == "_") {
            Some(i) => args[i] = "Hooli",
            None => args.push("Hooli"),
        }
        assert_eq!(
            rex.fails(&args, 3),
            "rex: no deal has the id, reference or name 'Hooli' (give a full id deal_…, a reference as tables show it (or enough of its start, 4 characters or more), or the deal's name)",
            "{args:?}"
        );
    }
    // One more character decides; an exact name wins over names that contain it.
    assert_eq!(s(&rex.json(&["deal", "show", "6ywzm2ka"])["id"]), b);
    assert_eq!(s(&rex.json(&["deal", "show", "acme east"])["id"]), a);
    rex.ok(&["deal", "create", "Acme", "--value", "1"]);
    assert_eq!(rex.json(&["deal", "show", "ACME"])["name"], "Acme");
    // Tables show the shortest unique end, at least 7 characters.
    let list = table(&rex, 100, &["deal", "list", "--search", "acme "]);
    assert!(
        list.contains(" 5ywzm2ka ") && list.contains(" 6ywzm2ka "),
        "{list}"
    );
    // Many matches: ten named, then how many more.
    for i in 0..12 {
        rex.ok(&["deal", "create", &format!("Globex {i}"), "--value", "1"]);
    }
    let line = rex.fails(&["deal", "show", "globex"], 2);
    assert!(
        line.starts_with("rex: 'globex' matches 12 deals: "),
        "{line}"
    );
    assert!(
        line.ends_with(", and 2 more; give more of the reference, or the full id"),
        "{line}"
    );
    assert_eq!(line.matches("Globex").count(), 10);
}

#[test]
fn a_change_at_a_table_is_confirmed_in_one_line() {
    let rex = Rex::new();
    rex.sales();
    let run = |args: &[&str]| table(&rex, 80, args);
    let created = run(&["deal", "create", "Acme Corp", "--value", "5000"]);
    let id = s(&rex.json(&["deal", "show", "Acme Corp"])["id"]);
    let r = &id[id.len() - 7..];
    assert_eq!(
        created,
        format!("created Acme Corp ({r}) in Sales / Discovery, $5,000.00\n")
    );
    assert_eq!(
        run(&["deal", "move", r, "Proposal"]),
        format!("moved Acme Corp ({r}) Discovery → Proposal\n")
    );
    assert_eq!(
        run(&["deal", "note", r, "called"]),
        format!("noted Acme Corp ({r})\n")
    );
    assert_eq!(
        run(&["deal", "update", r, "--value", "7500"]),
        format!("updated Acme Corp ({r}): value $5,000.00 → $7,500.00\n")
    );
    assert_eq!(
        run(&["deal", "update", r, "--value", "7500"]),
        format!("nothing to change on Acme Corp ({r})\n")
    );
    // Into the last stage while open: a hint says how to close it.
    let out = rex
        .cmd()
        .args(["deal", "move", r, "Closed", "-o", "table"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("moved Acme Corp ({r}) Proposal → Closed\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("rex: Closed is the last stage and the deal is still open; to close it: rex deal close {r} --won (or --lost)\n")
    );
    assert_eq!(
        run(&["deal", "close", r, "--won"]),
        format!("closed Acme Corp ({r}) as won, $7,500.00\n")
    );
    assert_eq!(
        run(&["deal", "reopen", r]),
        format!("reopened Acme Corp ({r})\n")
    );
    // Any other format prints what it always printed: the deal.
    let json = rex.json(&["deal", "note", r, "again"]);
    assert_eq!(s(&json["id"]), id);
}

#[test]
fn the_board_lists_each_stages_active_deals_largest_first() {
    let rex = Rex::new();
    let p = rex.sales();
    let mut ids = Vec::new();
    for (name, value, stage, owner) in [
        ("Small", "10", "Discovery", "ana"),
        ("Big", "1000", "Discovery", "bo"),
        ("Middle", "100", "Discovery", "ana"),
        ("Pitched", "50", "Proposal", "ana"),
        ("Won", "999", "Proposal", "ana"),
    ] {
        ids.push(rex.id(&[
            "deal", "create", name, "--value", value, "--stage", stage, "--owner", owner,
        ]));
    }
    rex.ok(&["deal", "close", &ids[4], "--won"]);
    let board = rex.json(&["board"]);
    assert_eq!(board["pipeline"], json!({"id": p["id"], "name": "Sales"}));
    let stages = board["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 5);
    let summary: Vec<Value> = stages
        .iter()
        .map(|st| {
            json!([
                st["name"],
                st["position"],
                st["count"],
                st["value"],
                st["deals"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["name"].clone())
                    .collect::<Vec<_>>()
            ])
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            json!(["Discovery", 0, 3, 111000, ["Big", "Middle", "Small"]]),
            json!(["Qualification", 1, 0, 0, []]),
            json!(["Proposal", 2, 1, 5000, ["Pitched"]]),
            json!(["Negotiation", 3, 0, 0, []]),
            json!(["Closed", 4, 0, 0, []]),
        ]
    );
    assert_eq!(stages[0]["id"], p["stages"][0]["id"]);
    assert_eq!(stages[0]["color"], "#4f9dde");
    assert_eq!(stages[0]["deals"][0], rex.json(&["deal", "show", &ids[1]]));
    // --limit keeps the largest; count and value still cover them all. --owner narrows.
    let limited = rex.json(&["board", "Sales", "--limit", "1"]);
    assert_eq!(limited["stages"][0]["count"], 3);
    assert_eq!(limited["stages"][0]["deals"].as_array().unwrap().len(), 1);
    let ana = rex.json(&["board", "--owner", "ana"]);
    assert_eq!(ana["stages"][0]["count"], 2);
    assert_eq!(ana["stages"][0]["value"], 11000);
    // As a table: the largest first, and what was left out counted.
    let text = table(&rex, 80, &["board", "--limit", "2", "--color", "never"]);
    assert_fits(&text, 80, "board");
    let big = text.find("Big").unwrap();
    let middle = text.find("Middle").unwrap();
    assert!(
        big < middle && !text.contains("Small") && text.contains("+1 more"),
        "{text}"
    );
    assert!(text.contains("3 deals, $1,110.00"), "{text}");
    // Several pipelines: the board needs to be told which.
    rex.ok(&["pipeline", "create", "Partners"]);
    let line = rex.fails(&["board"], 2);
    assert!(line.contains("choose one with --pipeline"), "{line}");
}

/// At 80x24 the board shows as many deals per stage as fit the rows of stages it has
/// (five stages are three rows of two), never `+N more` while the screen has room.
#[test]
fn the_board_at_80x24_shows_the_deals_that_fit_and_counts_the_rest() {
    use crate::today::{assert_fits_80x24, on_screen};
    let rex = Rex::new();
    rex.sales();
    let stages = ["Discovery", "Qualification", "Proposal"];
    for stage in stages {
        for i in 1..=3 {
            rex.ok(&[
                "deal",
                "create",
                &format!("{stage} {i}"),
                "--value",
                &format!("{i}000"),
                "--stage",
                stage,
            ]);
        }
    }
    let screen = on_screen(&rex, &[], &["board"]);
    assert_fits_80x24(&screen);
    let text = screen.join("\n");
    for stage in stages {
        for i in 1..=3 {
            assert!(text.contains(&format!("{stage} {i} ")), "{text}");
        }
    }
    assert!(!text.contains("more"), "{text}");
    // Six deals in each of five stages: two of each and the legend (none has a next step)
    // fit 23 lines; three would take 25.
    let full = Rex::new();
    thirty(&full);
    let screen = on_screen(&full, &[], &["board"]);
    assert_fits_80x24(&screen);
    assert_eq!(screen.len(), 22, "{screen:#?}");
    assert_eq!(screen.last().map(String::as_str), Some("? no next step"));
    assert_eq!(screen.iter().filter(|l| l.contains("+4 more")).count(), 3);
    assert_eq!(
        screen.iter().filter(|l| l.contains("Consolidated")).count(),
        3 * 2,
        "{screen:#?}"
    );
    // --limit still wins, screen or not.
    let limited = on_screen(&full, &[], &["board", "--limit", "5"]);
    assert_eq!(
        limited.iter().filter(|l| l.contains("+1 more")).count(),
        3,
        "{limited:#?}"
    );
}

#[test]
fn stage_colours_on_the_board_follow_the_terminal() {
    let rex = Rex::new();
    rex.sales();
    let colored = |colorterm: Option<&str>, color: &str| {
        let mut c = rex.cmd();
        c.env("COLUMNS", "80");
        if let Some(v) = colorterm {
            c.env("COLORTERM", v);
        }
        let out = c
            .args(["board", "-o", "table", "--color", color])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // Discovery is #4f9dde: 24-bit where the terminal says so, else the nearest of 256.
    assert!(colored(Some("truecolor"), "always").contains("\u{1b}[1;38;2;79;157;222m■ Discovery"));
    assert!(colored(None, "always").contains("\u{1b}[1;38;5;74m■ Discovery"));
    assert!(!colored(Some("truecolor"), "never").contains('\u{1b}'));
}

#[test]
fn today_sorts_each_deal_into_the_first_section_that_applies() {
    let rex = Rex::new();
    rex.sales();
    // Today is Monday 2026-03-16; deals created on 2026-02-20 are 24 days idle (30-day
    // periods), so only an expected close puts them on today's screen.
    rex.at("2026-02-20T09:00:00Z");
    let create = |name: &str, close: Option<&str>, owner: &str| {
        let mut args = vec!["deal", "create", name, "--value", "10", "--owner", owner];
        if let Some(c) = close {
            args.extend(["--expected-close", c]);
        }
        rex.id(&args)
    };
    create("Late", Some("2026-03-15"), "ana");
    create("Late and idle", Some("2026-03-01"), "bo");
    create("Due today", Some("2026-03-16"), "ana");
    create("Due in six days", Some("2026-03-22"), "ana");
    create("Due in seven days", Some("2026-03-23"), "ana");
    create("No date", None, "ana");
    let won = create("Won late", Some("2026-03-01"), "ana");
    rex.ok(&["deal", "close", &won, "--won"]);
    // Stalled: idle past 30 days and marked.
    rex.at("2026-01-01T09:00:00Z");
    create("Stalled one", Some("2026-03-20"), "ana");
    create("Stalled later", None, "ana");
    rex.at("2026-02-10T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    // Idle 28 days on 2026-03-16: stalls on 2026-03-18, within 3 days.
    rex.at("2026-02-16T09:00:00Z");
    create("Goes stale soon", None, "ana");
    create("Goes stale, due tomorrow", Some("2026-03-17"), "ana");
    rex.at("2026-03-16T09:00:00Z");
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| s(&d["name"]))
            .collect()
    };
    let today = rex.json(&["today"]);
    assert_eq!(
        json!({
            "overdue": names(&today["overdue"]),
            "closing_soon": names(&today["closing_soon"]),
            "stalled": names(&today["stalled"]),
            "going_stale": names(&today["going_stale"]),
        }),
        json!({
            "overdue": ["Late and idle", "Late"],
            "closing_soon": ["Due today", "Goes stale, due tomorrow", "Stalled one", "Due in six days"],
            "stalled": ["Stalled later"],
            "going_stale": ["Goes stale soon"],
        })
    );
    assert_eq!(today["overdue"][1], rex.json(&["deal", "show", "Late"]));
    // REX_OWNER is "me", unless --owner or --all says otherwise.
    let mine = |args: &[&str]| {
        let out = rex
            .cmd()
            .env("REX_OWNER", "bo")
            .args(args)
            .args(["-o", "json"])
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    assert_eq!(names(&mine(&["today"])["overdue"]), ["Late and idle"]);
    assert_eq!(
        names(&mine(&["today"])["closing_soon"]),
        Vec::<String>::new()
    );
    assert_eq!(
        names(&mine(&["today", "--owner", "ana"])["overdue"]),
        ["Late"]
    );
    assert_eq!(names(&mine(&["today", "--all"])["overdue"]).len(), 2);
    let created = mine(&["deal", "create", "Mine", "--value", "1"]);
    assert_eq!(created["owner_id"], "bo");
    // Active is open and stalled together.
    let active = rex.json(&["deal", "list", "--status", "active"]);
    assert_eq!(active.as_array().unwrap().len(), 11);
    let statuses: Vec<String> = active
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["status"]))
        .collect();
    assert!(statuses.contains(&"stalled".to_string()) && statuses.contains(&"open".to_string()));
}

#[test]
fn completion_offers_references_pipelines_and_stages_from_the_database() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Pied Piper", "--value", "1"]);
    let complete = |words: &[&str]| {
        let out = rex
            .std_cmd()
            .env("COMPLETE", "fish")
            .arg("--")
            .args(words)
            .stderr(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let before = rex.snapshot();
    let deals = complete(&["rex", "deal", "move", ""]);
    assert!(
        deals.contains(&format!("{}\tPied Piper", &id[id.len() - 7..])),
        "{deals}"
    );
    assert!(deals.lines().any(|l| l == "Pied Piper"), "{deals}");
    let stages = complete(&["rex", "deal", "move", "Pied", ""]);
    assert!(stages.lines().any(|l| l == "Proposal"), "{stages}");
    let pipelines = complete(&["rex", "pipeline", "show", ""]);
    assert!(pipelines.lines().any(|l| l == "Sales"), "{pipelines}");
    // Completing never creates a database.
    let missing = rex.dir.path().join("none.db");
    let out = rex
        .cmd()
        .env("COMPLETE", "fish")
        .env("REX_DB", &missing)
        .args(["--", "rex", "deal", "show", ""])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!missing.exists());
    // Nor changes the one it reads.
    assert_eq!(rex.snapshot(), before);
}

#[test]
fn on_a_terminal_delete_names_the_deals_it_asks_about() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        crate::support::skipped(
            "on_a_terminal_delete_names_the_deals_it_asks_about needs script(1)",
        );
        return;
    }
    let rex = Rex::new();
    rex.sales();
    let a = rex.id(&["deal", "create", "Pied Piper", "--value", "1"]);
    let b = rex.id(&["deal", "create", "Globex", "--value", "1"]);
    let mut cmd = rex.std_cmd();
    cmd.args([
        "-qec",
        &format!("{} deal delete piper globex", env!("CARGO_BIN_EXE_rex")),
        "/dev/null",
    ]);
    let mut script = std::process::Command::new("script");
    script.envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
    script.env_remove("RUST_BACKTRACE");
    let mut child = script
        .args(cmd.get_args())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(
        text.contains(&format!(
            "Delete Pied Piper ({}) and Globex ({}) and their history? [y/N]",
            &a[a.len() - 7..],
            &b[b.len() - 7..]
        )),
        "{text}"
    );
    assert!(
        text.contains("rex: cancelled; nothing was changed"),
        "{text}"
    );
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 2);
}

/// Was: deal delete asked with every name whole, 145 columns and more at an 80-column
/// terminal, and the questions filled the last column, where the answer wrapped.
#[test]
fn delete_questions_fit_the_terminal_with_a_column_for_the_answer() {
    use crate::support::{assert_fits, on_terminal_replying};
    let rex = Rex::new();
    rex.sales();
    let long = "Longname ".repeat(16);
    let wide = "界".repeat(50);
    let a = rex.id(&["deal", "create", long.trim(), "--value", "1"]);
    let b = rex.id(&["deal", "create", &wide, "--value", "1"]);
    for cols in [80u16, 60] {
        let (screen, code) =
            on_terminal_replying(&rex, 24, cols, &["deal", "delete", &a, &b], b"n\n");
        assert_eq!(code, 1, "{screen}");
        let asked = screen.find("Delete").expect("the question");
        let end = screen.find("[y/N]").expect("the question's end") + "[y/N]".len();
        let question = &screen[asked..end];
        assert_fits(question, usize::from(cols) - 2, "deal delete's question");
        for id in [&a, &b] {
            assert!(
                question.contains(&format!("({})", &id[id.len() - 7..])),
                "{screen}"
            );
        }
        assert!(question.ends_with("and their history? [y/N]"), "{screen}");
    }
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 2);
}

/// A table's total line wraps between words at the table's width: large sums never push
/// it past 80 columns, and no amount is broken.
#[test]
fn a_forecast_of_large_sums_fits_80_columns_with_its_total_whole() {
    let rex = Rex::new();
    rex.sales();
    for close in ["2026-02-01", "2026-03-15", "2026-04-20", "2026-09-01"] {
        for _ in 0..3 {
            rex.ok(&[
                "deal",
                "create",
                "Big",
                "--value",
                "10000000000000",
                "--expected-close",
                close,
            ]);
        }
    }
    let text = table(&rex, 80, &["forecast"]);
    assert_fits(&text, 80, "forecast");
    let total: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Total: "))
        .collect();
    assert!(total.len() > 1, "the total did not need wrapping:\n{text}");
    assert_eq!(
        total.join(" "),
        "Total: 12 deals, $120,000,000,000,000.00, weighted $12,000,000,000,000.00; won 0, $0.00"
    );
}

/// rex's messages on a terminal of 80 columns: wrapped at words to its width and continued
/// under their text, so nothing is cut at the edge; in a pipe each is one line (see the
/// import tests), for scripts and logs.
#[test]
fn notes_and_errors_on_a_narrow_terminal_wrap_at_words_within_its_width() {
    use std::io::Read;
    let rex = Rex::new();
    rex.ok(&["info"]);
    let report = rex.file(
        "report.csv",
        "Opportunity Name,Account Name,Stage,Amount\nDeal 1,Acme,Qualification,5\n",
    );
    // stderr alone is an 80x24 terminal.
    let on_terminal = |args: &[&str]| -> String {
        let (mut master, slave) = crate::support::pty(24, 80);
        let mut cmd = rex.std_cmd();
        cmd.args(args)
            .stdout(std::process::Stdio::null())
            .stderr(slave);
        let status = cmd.status().expect("run rex");
        drop(cmd);
        assert!(status.code().is_some());
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // Ends with EIO once nothing holds the terminal open.
        while let Ok(n @ 1..) = master.read(&mut buf) {
            out.extend_from_slice(&buf[..n]);
        }
        // (An import clears its progress line first.)
        String::from_utf8(out)
            .unwrap()
            .replace("\r\n", "\n")
            .replace("\r\u{1b}[K", "")
    };
    let dry = on_terminal(&[
        "import",
        &report,
        "--from",
        "salesforce",
        "--create-stages",
        "--dry-run",
    ]);
    assert!(
        dry.contains(
            "rex: the file has no id column: deals are known by Opportunity Name + Account\n     \
             Name (--map origin=COLUMN names one)\n"
        ),
        "{dry}"
    );
    let wide = rex.file(
        "wide.csv",
        &format!("Name,Stage\n{},Open\n", "x".repeat(10)),
    );
    let err = on_terminal(&[
        "import",
        &wide,
        "--map",
        "stage_id=Stage",
        "--won-stage",
        "Closed Won Deals",
    ]);
    assert_eq!(
        err,
        "rex: --won-stage 'closed won deals': no row of column 'Stage' says it (it holds\n     \
         'Open'); nothing was imported\n"
    );
    // Two spaces in a name are the name's, not a column to continue under; clap's own
    // errors wrap too.
    let spaced = on_terminal(&[
        "pipeline",
        "show",
        "Two  spaces  in  a  name  that  is  long",
    ]);
    assert_eq!(
        spaced,
        "rex: no pipeline named 'Two  spaces  in  a  name  that  is  long'; there are\n     \
         none yet: rex pipeline create \"Two  spaces  in  a  name  that  is  long\"\n"
    );
    let usage = on_terminal(&["deal", "create", "X", "--value", "abc"]);
    for line in dry
        .lines()
        .chain(err.lines())
        .chain(spaced.lines())
        .chain(usage.lines())
    {
        assert!(width(line) <= 80, "{line}");
    }
    assert!(
        usage.lines().count() > 1 && usage.lines().skip(1).all(|l| l.starts_with("     ")),
        "{usage}"
    );
}

/// What a person sees of `args` at a terminal of 80x24: stdout and stderr both on it (no
/// colour, so that the text can be compared), every line of it checked to fit 80 columns.
fn at_80x24(rex: &Rex, args: &[&str]) -> String {
    let (text, code) = on_terminal(rex, 24, 80, &[("NO_COLOR", "1")], args);
    assert_eq!(code, 0, "{args:?} failed:\n{text}");
    assert_fits(&text, 80, &format!("{args:?} at 80x24"));
    text
}

/// Three open deals of three owners, each with an expected close: the deals `deal list
/// --status active` shows.
pub fn three_owners(rex: &Rex) {
    rex.sales();
    for (name, value, stage, owner, close) in [
        (
            "Umbrella Safety Kit",
            "22000",
            "Discovery",
            "ana",
            "2026-05-20",
        ),
        ("Tyrell Leasing", "48000", "Proposal", "bo", "2026-06-30"),
        (
            "Initech TPS Suite",
            "1234.50",
            "Negotiation",
            "carlos",
            "2026-07-15",
        ),
    ] {
        rex.ok(&[
            "deal",
            "create",
            name,
            "--value",
            value,
            "--stage",
            stage,
            "--owner",
            owner,
            "--expected-close",
            close,
        ]);
    }
}

/// Issue 27, item 3: a Status column that says `open` on every row is left out before the
/// Owner column, which tells the deals apart, and the names get the room: whole when they fit.
#[test]
fn at_80x24_a_column_that_says_the_same_on_every_row_goes_before_the_owner() {
    let rex = Rex::new();
    three_owners(&rex);
    let screen = at_80x24(&rex, &["deal", "list", "--status", "active"]);
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["Ref", "Name", "Value", "Stage", "Owner", "Close"],
        "{screen}"
    );
    for (name, value, owner, close) in [
        ("Umbrella Safety Kit", "$22,000.00", "ana", "2026-05-20"),
        ("Tyrell Leasing", "$48,000.00", "bo", "2026-06-30"),
        ("Initech TPS Suite", "$1,234.50", "carlos", "2026-07-15"),
    ] {
        let line = lines
            .iter()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} is not whole:\n{screen}"));
        for part in [value, owner, close] {
            assert!(line.contains(part), "{part} in {line}");
        }
    }
    assert!(!screen.contains('…'), "{screen}");
    assert!(!screen.contains("open"), "{screen}");
    assert_eq!(lines.len(), 3 + 3 + 2, "{screen}");
    assert_eq!(lines[7], "3 deals, total $71,234.50");
}

/// A note of 300 characters and one of three lines, as `deal show` and `deal history`
/// print them at 80x24.
fn long_notes(rex: &Rex) -> String {
    rex.sales();
    rex.ok(&["deal", "create", "Acme Corp", "--value", "5000"]);
    let mut note = String::new();
    let mut n = 0;
    while note.len() < 300 {
        n += 1;
        note.push_str(&format!(
            "point{n} of the call: they want a 99.9% SLA in the contract. "
        ));
    }
    let note = note[..300].trim_end().to_string();
    rex.ok(&["deal", "note", "Acme", &note]);
    rex.ok(&[
        "deal",
        "note",
        "Acme",
        "Agenda:\n  1. pricing\tand seats\n  2. the SLA",
    ]);
    note
}

/// The screen's words from the line holding `first` on, after the column `at`.
fn column_words(screen: &str, first: &str, at: usize) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains(first))
        .unwrap_or_else(|| panic!("no {first}:\n{screen}"));
    let mut words = Vec::new();
    for (k, line) in lines[start..].iter().enumerate() {
        // The note's own lines, then its continuations, indented under it.
        if k > 0 && !line.get(..at).is_some_and(|l| l.trim().is_empty()) {
            break;
        }
        words.extend(
            line.get(at..)
                .unwrap_or("")
                .split_whitespace()
                .map(String::from),
        );
    }
    words
}

/// Issue 27, item 4: notes wrap, never cut, in `deal show` and `deal history`: every word is
/// there, each continuation line under the note's column, none wider than 80; a note's own
/// lines stay lines, and a control character in it shows as an escape, as everywhere.
#[test]
fn at_80x24_notes_wrap_whole_in_deal_show_and_deal_history() {
    let rex = Rex::new();
    let note = long_notes(&rex);
    for args in [["deal", "show", "Acme"], ["deal", "history", "Acme"]] {
        // 40 lines: at 24, deal show's card keeps to the screen by leaving the older
        // entries out (a_card_without_next_steps_keeps_its_top_on_the_screen_too).
        let (screen, code) = on_terminal(&rex, 40, 80, &[("NO_COLOR", "1")], &args);
        assert_eq!(code, 0, "{args:?} failed:\n{screen}");
        assert_fits(&screen, 80, &format!("{args:?} at 80x40"));
        assert!(!screen.contains('…'), "{args:?} cut something:\n{screen}");
        let at = screen
            .lines()
            .find_map(|l| l.find("Details"))
            .unwrap_or_else(|| panic!("{screen}"));
        let words = column_words(&screen, "point1 ", at);
        assert_eq!(
            words,
            note.split_whitespace().collect::<Vec<_>>(),
            "{args:?}:\n{screen}"
        );
        let agenda: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("Agenda:"))
            .take(3)
            .map(|l| l[at..].trim_end())
            .collect();
        assert_eq!(
            agenda,
            ["Agenda:", "  1. pricing\\u{9}and seats", "  2. the SLA"],
            "{args:?}:\n{screen}"
        );
        // The deal's creation (its amount included) is whole too.
        assert!(
            screen.contains("Acme Corp in Sales / Discovery, $5,000.00"),
            "{screen}"
        );
    }
}

/// Issue 27, item 5: a confirmation is one line at 80 columns: the deal's name is shortened
/// with `…`, the amount, the reference and the stages stay whole. In a pipe (`-o table`) the
/// line is whole, as a log wants it.
#[test]
fn at_80x24_a_confirmation_is_one_line_with_its_amount_whole() {
    let rex = Rex::new();
    rex.sales();
    let name = "Umbrella Corp Safety Equipment Renewal and Extended Maintenance";
    let name = &name[..60];
    let created = at_80x24(&rex, &["deal", "create", name, "--value", "22000"]);
    let id = s(&rex.json(&["deal", "show", "Umbrella"])["id"]);
    let r = &id[id.len() - 7..];
    let one_line = |screen: &str, ends: &str| {
        assert_eq!(screen.lines().count(), 1, "{screen}");
        let line = screen.trim_end_matches('\n');
        assert!(line.ends_with(ends), "{line}");
        assert!(line.contains('…'), "{line}");
        assert!(line.contains(&name[..10]), "{line}");
    };
    one_line(
        &created,
        &format!("… ({r}) in Sales / Discovery, $22,000.00"),
    );
    let moved = at_80x24(&rex, &["deal", "move", r, "Negotiation"]);
    one_line(&moved, &format!("… ({r}) Discovery → Negotiation"));
    let closed = at_80x24(&rex, &["deal", "close", name, "--won"]);
    one_line(&closed, &format!("… ({r}) as won, $22,000.00"));
    assert!(
        closed.starts_with("closed Umbrella Corp Safety"),
        "{closed}"
    );
    assert_eq!(closed.trim_end().chars().count(), 80, "{closed}");
    let reopened = at_80x24(&rex, &["deal", "reopen", r]);
    assert_eq!(reopened, format!("reopened {name} ({r})\n"));
    // In a pipe the line is whole, whatever COLUMNS says.
    assert_eq!(
        table(&rex, 80, &["deal", "close", r, "--lost"]),
        format!("closed {name} ({r}) as lost, $22,000.00\n")
    );
    // A deleted pipeline's name gives way the same on stderr.
    let long = "A pipeline whose name goes on and on past the end of the terminal line";
    rex.ok(&["pipeline", "create", long]);
    let deleted = at_80x24(&rex, &["pipeline", "delete", long, "--yes"]);
    assert_eq!(deleted.lines().count(), 1, "{deleted}");
    assert!(
        deleted.starts_with("rex: deleted pipeline 'A pipeline whose") && deleted.ends_with("…'\n"),
        "{deleted}"
    );
}

/// A confirmation of several changes too wide for 80 columns even with its names shortened
/// breaks between the changes onto lines indented two spaces, each change whole.
/// Was: at 40 columns a confirmation whose names were as short as they go was still wider
/// than the terminal, which wrapped it wherever its edge fell: `in Sales / Disc` + `overy`.
#[test]
fn on_a_40_column_terminal_a_confirmation_breaks_at_spaces_with_its_figures_whole() {
    let rex = Rex::new();
    rex.sales();
    let narrow = |args: &[&str]| {
        let (text, code) = on_terminal(&rex, 24, 40, &[("NO_COLOR", "1")], args);
        assert_eq!(code, 0, "{args:?} failed:\n{text}");
        assert_fits(&text, 40, &format!("{args:?} at 40 columns"));
        text.lines().map(plain).collect::<Vec<String>>()
    };
    let created = narrow(&[
        "deal",
        "create",
        "Globex Enterprise Renewal",
        "--value",
        "1234567.89",
    ]);
    let id = s(&rex.json(&["deal", "show", "Globex"])["id"]);
    let r = &id[id.len() - 7..];
    assert_eq!(
        created,
        [
            format!("created Globe… ({r}) in Sales /"),
            "  Discovery, $1,234,567.89".to_string(),
        ]
    );
    let scheduled = narrow(&[
        "activity",
        "add",
        r,
        "Call the CFO about the procurement",
        "--type",
        "call",
        "--due",
        "2026-03-06",
        "--at",
        "14:00",
    ]);
    assert_eq!(
        scheduled,
        [
            "scheduled call \"Call …\" for Globe…".to_string(),
            format!("  ({r}) on Fri 2026-03-06 14:00"),
        ]
    );
    let closed = narrow(&["deal", "close", r, "--won"]);
    assert_eq!(
        closed,
        [
            format!("closed Globe… ({r}) as won,"),
            "  $1,234,567.89".to_string(),
            // A note wraps at words under its text, as every note does.
            "rex: 1 activity of Globex Enterprise".to_string(),
            format!("     Renewal ({r}) remains pending;"),
            "     to list them: rex activity list".to_string(),
            format!("     --deal {r}"),
        ]
    );
}

#[test]
fn at_80x24_a_confirmation_of_many_changes_breaks_between_them() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Old Name", "--value", "5"]);
    let r = &id[id.len() - 7..];
    let screen = at_80x24(
        &rex,
        &[
            "deal",
            "update",
            r,
            "--owner",
            "someone",
            "--contact",
            "a-long-contact@example.com",
            "--name",
            "New Name",
            "--value",
            "7",
            "--expected-close",
            "2027-01-01",
        ],
    );
    assert_eq!(
        screen,
        format!(
            "updated New Name ({r}): name Old Name → New Name; value $5.00 → $7.00;\n  \
             contact none → a-long-contact@example.com; owner none → someone;\n  \
             expected close none → 2027-01-01\n"
        )
    );
    assert!(screen.contains("$7.00"), "{screen}");
    // In a pipe it is one line, whole.
    let piped = table(
        &rex,
        80,
        &["deal", "update", r, "--value", "8", "--owner", "ben"],
    );
    assert_eq!(
        piped,
        format!("updated New Name ({r}): value $7.00 → $8.00; owner someone → ben\n")
    );
}

/// Issue 27, item 1 (round 2): a pipeline of many stages still fits 80x24, its first stages
/// on screen: when not even a deal of each fits, the stages' counts and values; when even
/// they are too many, one line a stage, then a line for the stages left out.
#[test]
fn the_board_of_many_stages_at_80x24_shows_the_first_stages_and_their_counts() {
    use crate::today::{assert_fits_80x24, on_screen};
    let rex = Rex::new();
    let letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];
    let mut args = vec!["pipeline", "create", "Big"];
    for l in &letters {
        args.extend(["--stage", l]);
    }
    rex.ok(&args);
    for l in &letters {
        for i in 1..=3 {
            rex.ok(&[
                "deal",
                "create",
                &format!("{l} deal {i}"),
                "--value",
                &format!("{i}00"),
                "--stage",
                l,
            ]);
        }
    }
    let screen = on_screen(&rex, &[("NO_COLOR", "1")], &["board"]);
    assert_fits_80x24(&screen);
    let mut expected = Vec::new();
    for pair in letters.chunks(2) {
        if !expected.is_empty() {
            expected.push(String::new());
        }
        expected.push(format!("■ {}{}■ {}", pair[0], " ".repeat(38), pair[1]));
        expected.push(format!(
            "3 deals, $600.00{}3 deals, $600.00",
            " ".repeat(25)
        ));
    }
    assert_eq!(screen, expected);
    // Sixty stages: one line a stage, two side by side, then how to see them all.
    let rex = Rex::new();
    let names: Vec<String> = (1..=60).map(|i| format!("S{i}")).collect();
    let mut args = vec!["pipeline", "create", "Sixty"];
    for n in &names {
        args.extend(["--stage", n.as_str()]);
    }
    rex.ok(&args);
    rex.ok(&[
        "deal",
        "create",
        "Huge",
        "--value",
        "123456789",
        "--stage",
        "S2",
    ]);
    let screen = on_screen(&rex, &[("NO_COLOR", "1")], &["board"]);
    assert_fits_80x24(&screen);
    assert_eq!(screen.len(), 23, "{screen:#?}");
    assert_eq!(
        screen[0],
        format!(
            "■ S1{}0 deals, $0.00  ■ S2{}1 deal, $123,456,789.00",
            " ".repeat(21),
            " ".repeat(12)
        )
    );
    assert!(screen[21].starts_with("■ S43 ") && screen[21].contains("■ S44 "));
    assert_eq!(screen[22], "+16 stages: rex board Sixty -o wide | less -S");
}

/// Was: `--meta po_number=77` was confirmed as `metadata.po number none → 77`, a key that
/// was not set.
#[test]
fn a_metadata_change_is_confirmed_with_its_key_as_typed() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Acme", "--value", "5"]);
    let r = &id[id.len() - 7..];
    assert_eq!(
        table(
            &rex,
            80,
            &[
                "deal",
                "update",
                r,
                "--meta",
                "po_number=77",
                "--meta",
                "crm_id=42"
            ]
        ),
        format!("updated Acme ({r}): metadata.crm_id none → 42; metadata.po_number none → 77\n")
    );
}
