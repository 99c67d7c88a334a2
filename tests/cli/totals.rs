//! What `pipeline list`, `pipeline show`, the board and the forecast count (kept as counters
//! on SQLite) always equals what the deals themselves add up to: through every kind of
//! write, stage chances changed, staged and bulk imports, a failed import and a deletion.

use serde_json::Value;

use crate::support::{s, succeeded_for, Rex};

fn int(v: &Value) -> i128 {
    v.as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from))
        .unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// A deal's value weighted by `percent`, to the nearest cent, halves up.
fn weigh(value: i128, percent: i128) -> i128 {
    (value * percent + 50) / 100
}

/// Every row of a forecast added up: each active deal falls in exactly one row.
fn forecast_sums(rex: &Rex, args: &[&str]) -> [i128; 3] {
    let mut sums = [0; 3];
    for row in rex
        .json(&[&["forecast"], args].concat())
        .as_array()
        .unwrap()
    {
        for (sum, field) in sums.iter_mut().zip(["count", "value", "weighted_value"]) {
            *sum += int(&row[field]);
        }
    }
    sums
}

/// Compares every pipeline's figures, and the forecast's, with the sums of the deals,
/// recomputed here.
pub(crate) fn assert_counted(rex: &Rex, when: &str) {
    let deals = rex.json(&["deal", "list", "--limit", "100000"]);
    let deals = deals.as_array().unwrap();
    let mut everywhere = [0; 3];
    for listed in rex.json(&["pipeline", "list"]).as_array().unwrap() {
        let show = rex.json(&["pipeline", "show", &s(&listed["id"])]);
        let (mut open, mut open_value, mut stalled) = (0, 0, 0);
        let (mut active_value, mut active_weighted) = (0, 0);
        for stage in show["stages"].as_array().unwrap() {
            let mine: Vec<&Value> = deals
                .iter()
                .filter(|d| d["stage_id"] == stage["id"])
                .collect();
            let of = |status: &str| -> (i128, i128) {
                let these: Vec<&&Value> = mine.iter().filter(|d| d["status"] == status).collect();
                (
                    these.len() as i128,
                    these.iter().map(|d| int(&d["value"])).sum(),
                )
            };
            let ((n_open, v_open), (n_stalled, v_stalled)) = (of("open"), of("stalled"));
            let weighted: i128 = mine
                .iter()
                .filter(|d| d["status"] == "open" || d["status"] == "stalled")
                .map(|d| {
                    let percent = match &d["probability"] {
                        Value::Null => int(&stage["probability"]),
                        p => int(p),
                    };
                    weigh(int(&d["value"]), percent)
                })
                .sum();
            assert_eq!(
                [
                    int(&stage["open_count"]),
                    int(&stage["open_value"]),
                    int(&stage["stalled_count"]),
                    int(&stage["stalled_value"]),
                    int(&stage["weighted_value"]),
                ],
                [n_open, v_open, n_stalled, v_stalled, weighted],
                "{when}: stage {} of {}",
                stage["name"],
                listed["name"]
            );
            (open, open_value, stalled) = (open + n_open, open_value + v_open, stalled + n_stalled);
            active_value += v_open + v_stalled;
            active_weighted += weighted;
        }
        let pipeline = s(&listed["id"]);
        // The board's columns count the same deals.
        let board = rex.json(&["board", &pipeline]);
        for (column, stage) in board["stages"]
            .as_array()
            .unwrap()
            .iter()
            .zip(show["stages"].as_array().unwrap())
        {
            assert_eq!(
                [int(&column["count"]), int(&column["value"])],
                [
                    int(&stage["open_count"]) + int(&stage["stalled_count"]),
                    int(&stage["open_value"]) + int(&stage["stalled_value"])
                ],
                "{when}: board of {}, stage {}",
                listed["name"],
                stage["name"]
            );
        }
        assert_eq!(
            forecast_sums(rex, &["--pipeline", &pipeline]),
            [open + stalled, active_value, active_weighted],
            "{when}: forecast --pipeline {}",
            listed["name"]
        );
        everywhere[0] += open + stalled;
        everywhere[1] += active_value;
        everywhere[2] += active_weighted;
        assert_eq!(
            [
                int(&listed["open_count"]),
                int(&listed["open_value"]),
                int(&listed["stalled_count"]),
                int(&listed["active_count"]),
                int(&listed["active_value"]),
            ],
            [open, open_value, stalled, open + stalled, active_value],
            "{when}: pipeline list, {}",
            listed["name"]
        );
    }
    assert_eq!(forecast_sums(rex, &[]), everywhere, "{when}: forecast");
}

#[test]
fn pipeline_figures_equal_the_sums_of_their_deals_through_every_change() {
    let rex = Rex::new();
    rex.at("2026-03-01T09:00:00Z");
    rex.ok(&["pipeline", "create", "Sales"]);
    rex.ok(&["pipeline", "create", "Partners"]);
    assert_counted(&rex, "empty");
    // Values whose cents round each way at every chance, and the largest amount.
    let mut ids = Vec::new();
    for (i, value) in [
        "0.49",
        "0.50",
        "0.51",
        "99.99",
        "1",
        "10000000000000",
        "12.34",
    ]
    .iter()
    .enumerate()
    {
        let stage = ["Discovery", "Qualification", "Proposal"][i % 3];
        let close = ["2026-03-20", "2026-05-02", "2025-12-31"][i % 3];
        ids.push(rex.id(&[
            "deal",
            "create",
            &format!("D{i}"),
            "--value",
            value,
            "--pipeline",
            "Sales",
            "--stage",
            stage,
            "--expected-close",
            close,
        ]));
    }
    ids.push(rex.id(&[
        "deal",
        "create",
        "Own",
        "--value",
        "777.77",
        "--probability",
        "33",
        "--pipeline",
        "Sales",
        "--stage",
        "Proposal",
    ]));
    ids.push(rex.id(&[
        "deal",
        "create",
        "P",
        "--value",
        "5",
        "--pipeline",
        "Partners",
    ]));
    assert_counted(&rex, "created");
    rex.ok(&["deal", "move", &ids[0], "Proposal"]);
    rex.ok(&["deal", "update", &ids[1], "--value", "3.07"]);
    rex.ok(&["deal", "update", &ids[2], "--name", "Renamed"]);
    rex.ok(&["deal", "update", &ids[7], "--probability", "default"]);
    rex.ok(&["deal", "update", &ids[6], "--probability", "90"]);
    rex.ok(&["deal", "update", &ids[0], "--expected-close", "2026-09-01"]);
    rex.ok(&["deal", "update", &ids[2], "--expected-close", "none"]);
    assert_counted(&rex, "moved and updated");
    rex.ok(&[
        "pipeline",
        "update",
        "Sales",
        "--stage-probability",
        "Proposal=70",
    ]);
    rex.ok(&[
        "pipeline",
        "update",
        "Sales",
        "--stage-probability",
        "Discovery=0",
    ]);
    assert_counted(&rex, "stage chances changed");
    rex.ok(&["deal", "close", &ids[3], "--won"]);
    rex.ok(&["deal", "close", &ids[4], "--lost"]);
    rex.ok(&["deal", "reopen", &ids[4]]);
    assert_counted(&rex, "closed and reopened");
    rex.at("2026-06-01T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    assert_counted(&rex, "marked stalled");
    rex.ok(&["deal", "note", &ids[5], "back"]);
    rex.ok(&["deal", "delete", &ids[8], "--yes"]);
    rex.ok(&[
        "pipeline",
        "update",
        "Sales",
        "--remove-stage",
        "Negotiation",
    ]);
    assert_counted(&rex, "unstalled, deleted, stage removed");

    // An import into a database with deals (staged on SQLite), then one that fails part-way
    // and leaves everything as it was.
    let lines: String = (0..300)
        .map(|i| {
            format!(
                "{{\"name\":\"Imp {i}\",\"value\":{},\"pipeline_id\":\"Sales\",\"stage_id\":\"{}\",\"status\":\"{}\",\"expected_close\":\"2026-0{}-1{}\"}}\n",
                i * 1_000_003 % 100_000,
                ["Discovery", "Proposal", "Closed"][i % 3],
                ["open", "stalled", "won", "lost"][i % 4],
                1 + i % 9,
                i % 10
            )
        })
        .collect();
    rex.cmd()
        .args(["import", "-q"])
        .write_stdin(lines.clone())
        .assert()
        .success();
    assert_counted(&rex, "imported");
    let before = rex.json(&["pipeline", "list"]);
    let broken = format!("{lines}{{\"name\":\"Bad\",\"value\":-1,\"pipeline_id\":\"Sales\"}}\n");
    let out = rex
        .cmd()
        .args(["import", "-q"])
        .write_stdin(broken)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rex.json(&["pipeline", "list"]), before);
    assert_counted(&rex, "after a failed import");

    // The whole database exported and loaded into an empty one (one bulk load on SQLite).
    let export = rex.ok(&["export"]);
    let copy = Rex::new();
    copy.cmd()
        .args(["import", "-q"])
        .write_stdin(export)
        .assert()
        .success();
    assert_eq!(
        copy.json(&["pipeline", "list"]),
        rex.json(&["pipeline", "list"])
    );
    assert_counted(&copy, "copied");
}

/// Zones the reports are checked in: POSIX `TZ` values and their offsets east of UTC.
const ZONES: [(&str, i64); 3] = [("UTC", 0), ("XYZ-5:30", 19_800), ("XYZ+8", -28_800)];

/// A report's JSON, run in time zone `tz`.
fn report_in(rex: &Rex, tz: &str, args: &[&str]) -> Value {
    let out = rex
        .cmd()
        .env("TZ", tz)
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    succeeded_for(&out, &format!("rex {args:?} in {tz}: "));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A closed deal as the reports count it, its close on a local day of one zone.
struct Closed {
    won: bool,
    value: i128,
    pipeline: String,
    owner: String,
    reason: Option<String>,
    day: chrono::NaiveDate,
    cycle_seconds: i128,
}

/// Every closed deal, its local day in the zone `offset` seconds east of UTC.
fn closed_deals(rex: &Rex, offset: i64) -> Vec<Closed> {
    use chrono::DateTime;
    let names: std::collections::HashMap<String, String> = rex
        .json(&["pipeline", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (s(&p["id"]), s(&p["name"])))
        .collect();
    let at = |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    rex.json(&["deal", "list", "--limit", "100000"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "won" || d["status"] == "lost")
        .map(|d| {
            let (created, closed) = (at(&d["created_at"]), at(&d["closed_at"]));
            Closed {
                won: d["status"] == "won",
                value: int(&d["value"]),
                pipeline: names[&s(&d["pipeline_id"])].clone(),
                owner: d["owner_id"].as_str().unwrap_or_default().to_string(),
                reason: d["close_reason"]
                    .as_str()
                    .map(|r| r.trim().to_lowercase())
                    .filter(|r| !r.is_empty()),
                day: (closed + chrono::Duration::seconds(offset)).date_naive(),
                cycle_seconds: i128::from((closed - created).num_seconds().max(0)),
            }
        })
        .collect()
}

/// Compares `report wins` (whole, and by pipeline, month and owner) and `report
/// lost-reasons` with the closed deals recomputed here, in each of [`ZONES`], over the
/// default window and over one of two days across the end of a month.
pub(crate) fn assert_reported(rex: &Rex, when: &str) {
    use std::collections::BTreeMap;
    let now = chrono::DateTime::parse_from_rfc3339(&rex.now()).unwrap();
    for (tz, offset) in ZONES {
        let deals = closed_deals(rex, offset);
        let today = (now + chrono::Duration::seconds(offset)).date_naive();
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        for (window, since, until) in [
            (vec![], today - chrono::Duration::days(365), today),
            (
                vec!["--since", "2026-01-31", "--until", "2026-02-01"],
                day("2026-01-31"),
                day("2026-02-01"),
            ),
        ] {
            let inside: Vec<&Closed> = deals
                .iter()
                .filter(|d| d.day >= since && d.day <= until)
                .collect();
            for by in [None, Some("pipeline"), Some("month"), Some("owner")] {
                // Per row: won count and value, lost count and value, cycle seconds.
                let mut expected: BTreeMap<String, [i128; 5]> = BTreeMap::new();
                for d in &inside {
                    let key = match by {
                        None => "all".to_string(),
                        Some("pipeline") => d.pipeline.clone(),
                        Some("month") => d.day.format("%Y-%m").to_string(),
                        _ => d.owner.clone(),
                    };
                    let row = expected.entry(key).or_default();
                    if d.won {
                        row[0] += 1;
                        row[1] += d.value;
                        row[4] += d.cycle_seconds;
                    } else {
                        row[2] += 1;
                        row[3] += d.value;
                    }
                }
                let mut args = vec!["report", "wins"];
                args.extend(&window);
                if let Some(by) = by {
                    args.extend(["--by", by]);
                }
                let got: BTreeMap<String, [i128; 5]> = report_in(rex, tz, &args)
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let won = int(&r["won_count"]);
                        // The average cycle in days to 1 decimal, back to seconds for the
                        // comparison below.
                        let days = r["average_cycle_days"].as_f64();
                        (
                            s(&r["key"]),
                            [
                                won,
                                int(&r["won_value"]),
                                int(&r["lost_count"]),
                                int(&r["lost_value"]),
                                days.map_or(0, |d| (d * 10.0).round() as i128),
                            ],
                        )
                    })
                    .collect();
                let expected: BTreeMap<String, [i128; 5]> = expected
                    .into_iter()
                    .map(|(k, mut row)| {
                        // Seconds as tenths of a day, halves up, as the report rounds them.
                        row[4] = if row[0] > 0 {
                            (2 * row[4] * 10 + row[0] * 86_400) / (2 * row[0] * 86_400)
                        } else {
                            0
                        };
                        (k, row)
                    })
                    .collect();
                assert_eq!(got, expected, "{when}: {args:?} in {tz}");
            }
            let mut reasons: BTreeMap<Option<String>, [i128; 2]> = BTreeMap::new();
            for d in inside.iter().filter(|d| !d.won) {
                let row = reasons.entry(d.reason.clone()).or_default();
                row[0] += 1;
                row[1] += d.value;
            }
            let mut args = vec!["report", "lost-reasons"];
            args.extend(&window);
            let got: BTreeMap<Option<String>, [i128; 2]> = report_in(rex, tz, &args)
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["reason"].as_str().map(str::to_lowercase),
                        [int(&r["count"]), int(&r["value"])],
                    )
                })
                .collect();
            assert_eq!(got, reasons, "{when}: {args:?} in {tz}");
        }
    }
}

#[test]
fn reports_equal_the_sums_of_their_closed_deals_in_any_zone() {
    let rex = Rex::new();
    rex.at("2025-01-10T12:00:00Z");
    rex.ok(&["pipeline", "create", "Sales"]);
    rex.ok(&["pipeline", "create", "Partners"]);
    // Closes at local midnights of each zone, either side of the default window's first
    // day, of a month's end and of "today", with reasons spelt apart.
    let closes = [
        ("2025-02-28T18:29:59Z", "won", None),
        ("2025-02-28T18:30:00Z", "lost", Some("Price")),
        ("2025-03-01T00:00:00Z", "lost", Some(" price ")),
        ("2025-03-01T07:59:59Z", "won", None),
        ("2025-03-01T08:00:00Z", "lost", Some("Timing")),
        ("2026-01-31T18:30:00Z", "won", None),
        ("2026-01-31T23:59:59Z", "lost", Some("PRICE")),
        ("2026-02-01T00:00:00Z", "won", None),
        ("2026-02-01T07:59:59Z", "lost", None),
        ("2026-02-01T08:00:00Z", "won", None),
        ("2026-02-02T12:00:00Z", "lost", Some("Budget")),
        ("2026-03-01T18:29:59Z", "won", None),
        ("2026-03-01T18:30:00Z", "lost", Some("Timing")),
        ("2026-03-02T07:59:59Z", "won", None),
        ("2026-03-02T08:00:00Z", "won", None),
    ];
    let mut ids = Vec::new();
    for (i, (at, status, reason)) in closes.iter().enumerate() {
        rex.at(&format!(
            "2025-0{}-1{}T0{}:17:05Z",
            1 + i % 2,
            i % 10,
            i % 10
        ));
        let owner = ["ana", "bo", ""][i % 3];
        let mut args = vec![
            "deal",
            "create",
            "D",
            "--value",
            ["10.01", "0.50", "99999.99", "7"][i % 4],
            "--pipeline",
            ["Sales", "Partners"][i % 2],
        ];
        if !owner.is_empty() {
            args.extend(["--owner", owner]);
        }
        let id = rex.id(&args);
        rex.at(at);
        let mut args = vec!["deal", "close", &id];
        args.push(if *status == "won" { "--won" } else { "--lost" });
        if let Some(r) = reason {
            args.extend(["--reason", r]);
        }
        rex.ok(&args);
        ids.push(id);
    }
    rex.at("2026-03-02T03:00:00Z");
    assert_reported(&rex, "closed");
    // Reopened and closed again the other way, another's reason changed by a new close,
    // one deleted, one reopened into the other pipeline and won there, one's value changed.
    rex.ok(&["deal", "reopen", &ids[7]]);
    assert_reported(&rex, "reopened");
    rex.at("2026-02-01T07:00:00Z");
    rex.ok(&["deal", "close", &ids[7], "--lost", "--reason", "Budget"]);
    rex.ok(&["deal", "reopen", &ids[6]]);
    rex.ok(&["deal", "close", &ids[6], "--lost", "--reason", "timing "]);
    rex.at("2026-03-02T03:00:00Z");
    rex.ok(&["deal", "delete", &ids[9], "--yes"]);
    rex.ok(&["deal", "reopen", &ids[5]]);
    rex.ok(&["deal", "update", &ids[5], "--pipeline", "Sales"]);
    rex.ok(&["deal", "close", &ids[5], "--won"]);
    rex.ok(&["deal", "update", &ids[3], "--value", "1234.56"]);
    assert_reported(&rex, "closed again, deleted, moved");
    // A staged import of closed deals, and the whole database loaded into an empty one.
    let lines: String = (0..40)
        .map(|i| {
            format!(
                "{{\"name\":\"Imp {i}\",\"value\":{},\"pipeline_id\":\"{}\",\"status\":\"{}\",\"owner_id\":\"ana\",\"created_at\":\"2025-06-01T00:00:00Z\",\"closed_at\":\"2026-01-31T{:02}:30:00Z\",\"close_reason\":\"{}\"}}\n",
                i * 1_000_003 % 100_000,
                ["Sales", "Partners"][i % 2],
                ["won", "lost"][i % 2],
                i % 24,
                ["Price", "Timing", "Other"][i % 3]
            )
        })
        .collect();
    rex.cmd()
        .args(["import", "-q"])
        .write_stdin(lines)
        .assert()
        .success();
    assert_reported(&rex, "imported");
    let copy = Rex::new();
    copy.at("2026-03-02T03:00:00Z");
    copy.cmd()
        .args(["import", "-q"])
        .write_stdin(rex.ok(&["export"]))
        .assert()
        .success();
    assert_reported(&copy, "copied");
}
