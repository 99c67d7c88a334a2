//! What `pipeline list`, `pipeline show`, the board and the forecast count (kept as counters
//! on SQLite) always equals what the deals themselves add up to: through every kind of
//! write, stage chances changed, staged and bulk imports, a failed import and a deletion.

use serde_json::Value;

use crate::support::{s, Rex};

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
fn assert_counted(rex: &Rex, when: &str) {
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
