//! Stage probability, the forecast and the reports, from a known history built with REX_NOW.

use serde_json::{json, Value};

use crate::support::{s, stage_id, Rex};

/// A quarter of selling, in UTC, ending on 2026-03-10 at noon (today):
/// - A (ana, $1,000) moves Discovery → Qualification → Proposal → Qualification → Proposal, won
/// - B (bo, $2,000) Discovery → Qualification, lost (" Budget ")
/// - J (ana, $100) won, reopened, moved to Proposal: active again, no expected close
/// - I (ana, $800) lost from Discovery ("BUDGET")
/// - C (ana, $0.01 at its own 50%) and D (bo, $0.01 at its own 33%): the rounding cases
/// - E (ana, $5,000) in Negotiation, F (bo, $300) overdue, G (ana, $700) in September
/// - H (bo, $400) won this month
pub fn quarter(rex: &Rex) -> Value {
    rex.at("2026-01-05T09:00:00Z");
    let p = rex.sales();
    let create = |args: &[&str]| {
        let mut all = vec!["deal", "create"];
        all.extend_from_slice(args);
        rex.id(&all)
    };
    let a = create(&["A", "--value", "1000", "--owner", "ana"]);
    let b = create(&["B", "--value", "2000", "--owner", "bo"]);
    let j = create(&["J", "--value", "100", "--owner", "ana"]);
    let i = create(&["I", "--value", "800", "--owner", "ana"]);
    let step = |at: &str, args: &[&str]| {
        rex.at(at);
        rex.ok(args);
    };
    step(
        "2026-01-10T09:00:00Z",
        &["deal", "move", &a, "Qualification"],
    );
    step("2026-01-15T09:00:00Z", &["deal", "move", &a, "Proposal"]);
    step(
        "2026-01-20T09:00:00Z",
        &["deal", "move", &a, "Qualification"],
    );
    step("2026-01-20T09:00:00Z", &["deal", "close", &j, "--won"]);
    step("2026-01-22T09:00:00Z", &["deal", "reopen", &j]);
    step("2026-01-23T09:00:00Z", &["deal", "move", &j, "Proposal"]);
    step("2026-01-25T09:00:00Z", &["deal", "move", &a, "Proposal"]);
    step("2026-02-01T09:00:00Z", &["deal", "close", &a, "--won"]);
    step(
        "2026-02-03T09:00:00Z",
        &["deal", "move", &b, "Qualification"],
    );
    step(
        "2026-02-10T09:00:00Z",
        &["deal", "close", &b, "--lost", "--reason", " Budget "],
    );
    rex.at("2026-02-15T09:00:00Z");
    create(&[
        "C",
        "--value",
        "0.01",
        "--owner",
        "ana",
        "--stage",
        "Proposal",
        "--probability",
        "50",
        "--expected-close",
        "2026-03-12",
    ]);
    create(&[
        "D",
        "--value",
        "0.01",
        "--owner",
        "bo",
        "--probability",
        "33",
        "--expected-close",
        "2026-04-02",
    ]);
    rex.at("2026-03-01T09:00:00Z");
    create(&[
        "E",
        "--value",
        "5000",
        "--owner",
        "ana",
        "--stage",
        "Negotiation",
        "--expected-close",
        "2026-03-20",
    ]);
    let h = create(&["H", "--value", "400", "--owner", "bo"]);
    rex.at("2026-03-02T09:00:00Z");
    create(&[
        "F",
        "--value",
        "300",
        "--owner",
        "bo",
        "--expected-close",
        "2026-02-28",
    ]);
    create(&[
        "G",
        "--value",
        "700",
        "--owner",
        "ana",
        "--stage",
        "Qualification",
        "--expected-close",
        "2026-09-15",
    ]);
    step(
        "2026-03-03T09:00:00Z",
        &["deal", "close", &i, "--lost", "--reason", "BUDGET"],
    );
    step("2026-03-04T09:00:00Z", &["deal", "close", &h, "--won"]);
    rex.at("2026-03-10T12:00:00Z");
    p
}

fn row(period: &str, start: Value, end: Value, n: [i64; 5]) -> Value {
    json!({
        "period": period, "start": start, "end": end, "count": n[0], "value": n[1],
        "weighted_value": n[2], "won_count": n[3], "won_value": n[4],
    })
}

#[test]
fn the_forecast_by_month_and_by_quarter_is_exact() {
    let rex = Rex::new();
    quarter(&rex);
    let month = |m: u32| {
        let end = [31, 30, 31, 30, 31, 31][(m - 3) as usize];
        (
            format!("2026-{m:02}"),
            json!(format!("2026-{m:02}-01")),
            json!(format!("2026-{m:02}-{end}")),
        )
    };
    let mut expected = vec![row(
        "overdue",
        json!(null),
        json!("2026-03-09"),
        [1, 30000, 3000, 0, 0],
    )];
    for (m, n) in [
        // C: 1 cent at 50% weighs 1 (half up); E: $5,000 at 75%. H was won this month.
        (3, [2, 500001, 375001, 1, 40000]),
        // D: 1 cent at 33% weighs nothing.
        (4, [1, 1, 0, 0, 0]),
        (5, [0; 5]),
        (6, [0; 5]),
        (7, [0; 5]),
        (8, [0; 5]),
    ] {
        let (p, start, end) = month(m);
        expected.push(row(&p, start, end, n));
    }
    expected.push(row(
        "later",
        json!("2026-09-01"),
        json!(null),
        [1, 70000, 17500, 0, 0],
    ));
    // J follows Proposal's 50%.
    expected.push(row(
        "none",
        json!(null),
        json!(null),
        [1, 10000, 5000, 0, 0],
    ));
    assert_eq!(rex.json(&["forecast"]), json!(expected));
    assert_eq!(
        rex.json(&["forecast", "--by", "quarter", "--periods", "2"]),
        json!([
            row(
                "overdue",
                json!(null),
                json!("2026-03-09"),
                [1, 30000, 3000, 0, 0]
            ),
            // A (February) and H (March) were won this quarter; J's win was reopened.
            row(
                "2026-Q1",
                json!("2026-01-01"),
                json!("2026-03-31"),
                [2, 500001, 375001, 2, 140000]
            ),
            row(
                "2026-Q2",
                json!("2026-04-01"),
                json!("2026-06-30"),
                [1, 1, 0, 0, 0]
            ),
            row(
                "later",
                json!("2026-07-01"),
                json!(null),
                [1, 70000, 17500, 0, 0]
            ),
            row("none", json!(null), json!(null), [1, 10000, 5000, 0, 0]),
        ])
    );
    let bo = rex.json(&["forecast", "--owner", "bo", "--periods", "1"]);
    assert_eq!(bo[0]["count"], 1);
    assert_eq!(bo[1]["won_value"], 40000);
    assert_eq!(bo[1]["count"], 0);
    // Every mode, and --fields.
    let tsv = rex.ok(&[
        "forecast",
        "--periods",
        "1",
        "--fields",
        "period,weighted_value",
        "-o",
        "tsv",
    ]);
    assert_eq!(
        tsv,
        "overdue\t3000\n2026-03\t375001\nlater\t17500\nnone\t5000\n"
    );
    let table = rex.ok(&["forecast", "-o", "table", "--color", "never"]);
    assert!(
        table.contains("Total: 6 deals, $6,100.02, weighted $4,005.01; won 1, $400.00"),
        "{table}"
    );
}

#[test]
fn reports_of_wins_stages_and_lost_reasons_are_exact() {
    let rex = Rex::new();
    let p = quarter(&rex);
    assert_eq!(
        rex.json(&["report", "wins"]),
        json!([{
            "key": "all", "won_count": 2, "won_value": 140000, "lost_count": 2, "lost_value": 280000,
            "win_rate": 0.5, "value_win_rate": 0.3333, "average_won_value": 70000,
            // A: 27 days, H: 3 days. Velocity: 6 active deals x $700 x 0.5 / 15 days.
            "average_cycle_days": 15.0, "velocity_per_day": 14000,
        }])
    );
    assert_eq!(
        rex.json(&["report", "wins", "--by", "owner"]),
        json!([
            {"key": "ana", "won_count": 1, "won_value": 100000, "lost_count": 1, "lost_value": 80000,
             "win_rate": 0.5, "value_win_rate": 0.5556, "average_won_value": 100000,
             "average_cycle_days": 27.0, "velocity_per_day": 7407},
            {"key": "bo", "won_count": 1, "won_value": 40000, "lost_count": 1, "lost_value": 200000,
             "win_rate": 0.5, "value_win_rate": 0.1667, "average_won_value": 40000,
             "average_cycle_days": 3.0, "velocity_per_day": 13333},
        ])
    );
    let months = rex.json(&[
        "report",
        "wins",
        "--by",
        "month",
        "--fields",
        "key,won_count,lost_count,velocity_per_day",
    ]);
    assert_eq!(
        months,
        json!([
            {"key": "2026-02", "won_count": 1, "lost_count": 1, "velocity_per_day": null},
            {"key": "2026-03", "won_count": 1, "lost_count": 1, "velocity_per_day": null},
        ])
    );
    let pipelines = rex.json(&[
        "report",
        "wins",
        "--by",
        "pipeline",
        "--since",
        "2026-03-01",
    ]);
    assert_eq!(pipelines[0]["key"], "Sales");
    assert_eq!(pipelines[0]["won_count"], 1);
    assert_eq!(pipelines[0]["lost_count"], 1);
    let stage = |n: &str| stage_id(&p, n);
    let funnel = |name: &str,
                  position: u32,
                  n: [i64; 5],
                  conversion: Value,
                  days: [Value; 2],
                  active: i64| {
        json!({
            "stage_id": stage(name), "name": name, "position": position, "entered": n[0],
            "advanced": n[1], "conversion": conversion, "won": n[2], "lost": n[3],
            "average_days": days[0], "median_days": days[1], "active_count": active,
        })
    };
    assert_eq!(
        rex.json(&["report", "stages"]),
        json!([
            // Stays in Discovery: 5, 29, 15, 1 (after J's reopening), 57 and 3 days.
            funnel(
                "Discovery",
                0,
                [7, 4, 2, 2, 0],
                json!(0.5714),
                [json!(18.3), json!(10.0)],
                2
            ),
            // A twice (5 and 5 days), B once (7): entered once each.
            funnel(
                "Qualification",
                1,
                [3, 1, 1, 1, 0],
                json!(0.3333),
                [json!(5.7), json!(5.0)],
                1
            ),
            funnel(
                "Proposal",
                2,
                [3, 1, 1, 0, 0],
                json!(0.3333),
                [json!(6.0), json!(6.0)],
                2
            ),
            funnel(
                "Negotiation",
                3,
                [1, 0, 0, 0, 0],
                json!(0.0),
                [json!(null), json!(null)],
                1
            ),
            funnel(
                "Closed",
                4,
                [0, 0, 0, 0, 0],
                json!(null),
                [json!(null), json!(null)],
                0
            ),
        ])
    );
    let since = rex.json(&["report", "stages", "Sales", "--since", "2026-02-01"]);
    let entered: Vec<i64> = since
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entered"].as_i64().unwrap())
        .collect();
    assert_eq!(entered, [3, 2, 1, 1, 0]);
    assert_eq!(
        rex.json(&["report", "lost-reasons"]),
        json!([{"reason": "BUDGET", "count": 2, "value": 280000, "share": 1.0}])
    );
    // An empty window is an empty list: exit 0, or 1 with -e.
    for report in ["wins", "lost-reasons"] {
        assert_eq!(
            rex.json(&[
                "report",
                report,
                "--since",
                "2027-01-01",
                "--until",
                "2027-02-01"
            ]),
            json!([])
        );
        let out = rex.run(&[
            "report",
            report,
            "--since",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "-e",
        ]);
        assert_eq!(out.status.code(), Some(1));
    }
    assert_eq!(
        rex.fails(&["report", "wins", "--since", "2026-05-01", "--until", "2026-02-01"], 2),
        "rex: --since 2026-05-01 is after --until 2026-02-01; give a window that starts before it ends"
    );
}

#[test]
fn lost_reasons_group_alike_spellings_and_rank_by_count() {
    let rex = Rex::new();
    rex.sales();
    for (value, reason) in [
        ("10", Some("Price")),
        ("20", Some(" price ")),
        ("30", Some("PRICE")),
        ("40", Some("Timing")),
        ("50", None),
        ("60", Some("timing")),
        ("70", Some("Went dark")),
    ] {
        let id = rex.id(&["deal", "create", "X", "--value", value]);
        let mut args = vec!["deal", "close", id.as_str(), "--lost"];
        if let Some(r) = reason {
            args.extend(["--reason", r]);
        }
        rex.ok(&args);
    }
    assert_eq!(
        rex.json(&["report", "lost-reasons"]),
        json!([
            {"reason": "PRICE", "count": 3, "value": 6000, "share": 0.4286},
            {"reason": "Timing", "count": 2, "value": 10000, "share": 0.2857},
            {"reason": "Went dark", "count": 1, "value": 7000, "share": 0.1429},
            {"reason": null, "count": 1, "value": 5000, "share": 0.1429},
        ])
    );
}

#[test]
fn stages_and_deals_carry_probabilities_through_every_path() {
    let rex = Rex::new();
    let p = rex.sales();
    let chances: Vec<i64> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["probability"].as_i64().unwrap())
        .collect();
    assert_eq!(chances, [10, 25, 50, 75, 90]);
    // Named by hand: 100 unless said.
    let partners = rex.json(&[
        "pipeline",
        "create",
        "Partners",
        "--stage",
        "Intro",
        "--stage",
        "Pilot",
        "--stage-probability",
        "Pilot=60",
    ]);
    assert_eq!(partners["stages"][0]["probability"], 100);
    assert_eq!(partners["stages"][1]["probability"], 60);
    let updated = rex.json(&[
        "pipeline",
        "update",
        "Partners",
        "--add-stage",
        "Signed",
        "--stage-probability",
        "Intro=5",
    ]);
    let chances: Vec<i64> = updated["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["probability"].as_i64().unwrap())
        .collect();
    assert_eq!(chances, [5, 60, 100]);
    for bad in ["Pilot=101", "Pilot=-1", "Pilot=half", "Pilot"] {
        let line = rex.fails(
            &["pipeline", "update", "Partners", "--stage-probability", bad],
            2,
        );
        assert!(line.contains("--stage-probability"), "{line}");
    }
    for bad in ["101", "-5", "0.5", "many"] {
        let line = rex.fails(
            &[
                "deal",
                "create",
                "X",
                "--value",
                "1",
                "--pipeline",
                "Sales",
                "--probability",
                bad,
            ],
            2,
        );
        assert!(line.contains("whole percent from 0 to 100"), "{line}");
    }
    // A deal follows its stage (null) until it has its own.
    let d = rex.json(&[
        "deal",
        "create",
        "Acme",
        "--value",
        "1000",
        "--pipeline",
        "Sales",
        "--stage",
        "Proposal",
    ]);
    assert_eq!(d["probability"], json!(null));
    let id = s(&d["id"]);
    let own = rex.json(&["deal", "update", &id, "--probability", "80"]);
    assert_eq!(own["probability"], 80);
    let history = rex.json(&["deal", "history", &id]);
    assert_eq!(
        history[1],
        json!({"deal_id": id, "at": "2026-03-02T09:00:00Z", "kind": "updated",
               "field": "probability", "old": null, "new": 80,
               "actor": crate::support::actor(&rex)})
    );
    let show = rex.json(&["pipeline", "show", "Sales"]);
    assert_eq!(show["stages"][2]["weighted_value"], 80000);
    assert_eq!(
        rex.json(&["deal", "update", &id, "--probability", "default"])["probability"],
        json!(null)
    );
    let show = rex.json(&["pipeline", "show", "Sales"]);
    assert_eq!(show["stages"][2]["weighted_value"], 50000);
    rex.ok(&["deal", "update", &id, "--probability", "0"]);
    // Export, import, export: the same bytes, probabilities included.
    let export = rex.ok(&["export"]);
    assert!(export.contains("\"probability\":0"), "{export}");
    let copy = Rex::new();
    let file = copy.dir.path().join("all.jsonl");
    std::fs::write(&file, &export).unwrap();
    copy.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(copy.ok(&["export"]), export);
    // An export from before probabilities still imports: default stages by name, else 100.
    let old = Rex::new();
    let file = old.dir.path().join("old.jsonl");
    std::fs::write(
        &file,
        "{\"name\":\"Old\",\"stages\":[{\"name\":\"Discovery\"},{\"name\":\"Demo\"},{\"name\":\"negotiation\"}]}\n\
         {\"name\":\"Old deal\",\"value\":5,\"stage_id\":\"Demo\"}\n",
    )
    .unwrap();
    old.ok(&["import", file.to_str().unwrap()]);
    let p = old.json(&["pipeline", "show", "Old"]);
    let chances: Vec<i64> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["probability"].as_i64().unwrap())
        .collect();
    assert_eq!(chances, [10, 100, 75]);
    assert_eq!(old.json(&["deal", "list"])[0]["probability"], json!(null));
}
