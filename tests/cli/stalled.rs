use serde_json::{json, Value};

use crate::support::{s, stage_id, Rex, T0};

const DAY29: &str = "2026-03-31T08:59:59Z";
pub(crate) const DAY30: &str = "2026-04-01T09:00:00Z";

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["name"]))
        .collect()
}

/// Runs `deal stalled` with extra args; returns (exit code, stdout).
pub(crate) fn scan(rex: &Rex, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["deal", "stalled"];
    args.extend(extra);
    let out = rex.run(&args);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn the_pipeline_period_applies_by_default() {
    let rex = Rex::new();
    let p = rex.sales();
    let d = rex.id(&[
        "deal", "create", "Acme", "--value", "5000", "--owner", "ana",
    ]);
    rex.at(DAY29);
    assert_eq!(rex.json(&["deal", "stalled"]), json!([]));
    rex.at(DAY30);
    let mut expected = rex.json(&["deal", "show", &d]);
    expected["idle_days"] = json!(30);
    expected["stall_days"] = json!(30);
    assert_eq!(rex.json(&["deal", "stalled"]), json!([expected]));
    // The scan is read-only.
    assert_eq!(rex.json(&["deal", "show", &d])["status"], "open");
    assert_eq!(
        rex.json(&["deal", "history", &d]).as_array().unwrap().len(),
        1
    );
    assert_eq!(rex.json(&["deal", "stalled", "--owner", "bo"]), json!([]));
    assert_eq!(
        names(&rex.json(&["deal", "stalled", "--pipeline", &s(&p["id"])])),
        ["Acme"]
    );
}

#[test]
fn stage_overrides_and_stages_turned_off() {
    let rex = Rex::new();
    rex.json(&["pipeline", "create", "Sales", "--stall-days", "20"]);
    let p = rex.json(&[
        "pipeline",
        "update",
        "Sales",
        "--stage-stall-days",
        "Negotiation=5",
        "--stage-stall-days",
        "closed=none",
    ]);
    let stall: Vec<(Value, Value)> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stall_days"].clone(), s["effective_stall_days"].clone()))
        .collect();
    assert_eq!(
        stall,
        [
            (json!(null), json!(20)),
            (json!(null), json!(20)),
            (json!(null), json!(20)),
            (json!(5), json!(5)),
            (json!(0), json!(null))
        ]
    );
    rex.ok(&["deal", "create", "Early", "--value", "1"]);
    rex.ok(&[
        "deal",
        "create",
        "Hot",
        "--value",
        "1",
        "--stage",
        "Negotiation",
    ]);
    rex.ok(&[
        "deal", "create", "Parked", "--value", "1", "--stage", "Closed",
    ]);
    rex.at("2026-03-07T09:00:00Z");
    let five = rex.json(&["deal", "stalled"]);
    assert_eq!(names(&five), ["Hot"]);
    assert_eq!(
        (five[0]["idle_days"].clone(), five[0]["stall_days"].clone()),
        (json!(5), json!(5))
    );
    rex.at("2027-03-02T09:00:00Z");
    assert_eq!(names(&rex.json(&["deal", "stalled"])), ["Early", "Hot"]);
    // Back to the pipeline's period.
    let p = rex.json(&[
        "pipeline",
        "update",
        "Sales",
        "--stage-stall-days",
        "Negotiation=default",
        "--stall-days",
        "400",
    ]);
    assert_eq!(p["stages"][3]["stall_days"], json!(null));
    assert_eq!(rex.json(&["deal", "stalled"]), json!([]));
    assert_eq!(
        rex.fails(&["pipeline", "update", "Sales", "--stage-stall-days", "Negotiation=0"], 2),
        "rex: --stage-stall-days 'Negotiation=0': use a number of days from 1 to 36500, none (never stalls) or default (the pipeline's period)"
    );
    assert_eq!(
        rex.fails(&["pipeline", "create", "Other", "--stall-days", "0"], 2),
        "rex: invalid value '0' for '--stall-days <N>': 0 is not in 1..=36500"
    );
}

#[test]
fn mark_is_idempotent_and_prints_only_what_it_marked() {
    let rex = Rex::new();
    let p = rex.sales();
    let a = rex.id(&["deal", "create", "A", "--value", "100"]);
    rex.at("2026-03-10T09:00:00Z");
    let b = rex.id(&[
        "deal", "create", "B", "--value", "200", "--stage", "Proposal",
    ]);
    rex.at(DAY30);
    let (code, out) = scan(&rex, &["--mark", "-o", "json", "-e"]);
    assert_eq!(code, 0);
    let marked: Value = serde_json::from_str(&out).unwrap();
    let mut expected = rex.json(&["deal", "show", &a]);
    assert_eq!(expected["status"], "stalled");
    assert_eq!(expected["updated_at"], DAY30);
    assert_eq!(expected["last_activity_at"], T0, "marking is not activity");
    expected["idle_days"] = json!(30);
    expected["stall_days"] = json!(30);
    assert_eq!(marked, json!([expected]));
    let history = rex.json(&["deal", "history", &a]);
    assert_eq!(
        history[1],
        json!({"deal_id": a, "at": DAY30, "kind": "stalled", "idle_days": 30, "stall_days": 30,
               "actor": crate::support::actor(&rex)})
    );
    // Again at once: nothing marked; exit 1 with -e. JSON asked for is still an array (a
    // cron script parsing it broke on an empty output); a table or TSV prints nothing, so
    // cron sends no mail.
    assert_eq!(
        scan(&rex, &["--mark", "-o", "json", "-e"]),
        (1, "[]\n".to_string())
    );
    assert_eq!(scan(&rex, &["--mark", "--json"]), (0, "[]\n".to_string()));
    assert_eq!(scan(&rex, &["--mark"]), (0, String::new()));
    assert_eq!(scan(&rex, &["--mark", "-o", "tsv"]), (0, String::new()));
    // The read-only scan still lists it, now as stalled; the board counts it.
    assert_eq!(names(&rex.json(&["deal", "stalled"])), ["A"]);
    assert_eq!(
        names(&rex.json(&["deal", "list", "--status", "stalled"])),
        ["A"]
    );
    let board = rex.json(&["pipeline", "show", "Sales"]);
    assert_eq!(
        (
            board["stages"][0]["open_count"].clone(),
            board["stages"][0]["stalled_count"].clone(),
            board["stages"][0]["stalled_value"].clone()
        ),
        (json!(0), json!(1), json!(10000))
    );
    assert_eq!(board["stages"][2]["open_count"], 1);
    assert_eq!(rex.json(&["deal", "show", &b])["status"], "open");
    let _ = (p, stage_id);
}

#[test]
fn any_activity_returns_a_stalled_deal_to_open() {
    let rex = Rex::new();
    rex.sales();
    let by_update = rex.id(&["deal", "create", "U", "--value", "1"]);
    let by_move = rex.id(&["deal", "create", "M", "--value", "1"]);
    let by_note = rex.id(&["deal", "create", "N", "--value", "1"]);
    rex.at(DAY30);
    rex.ok(&["deal", "stalled", "--mark"]);
    rex.at("2026-04-02T10:00:00Z");
    rex.ok(&["deal", "update", &by_update, "--value", "2"]);
    rex.ok(&["deal", "move", &by_move, "Proposal"]);
    rex.ok(&["deal", "note", &by_note, "called them"]);
    for (id, by) in [
        (&by_update, "update"),
        (&by_move, "move"),
        (&by_note, "note"),
    ] {
        let d = rex.json(&["deal", "show", id]);
        assert_eq!(
            (d["status"].clone(), d["last_activity_at"].clone()),
            (json!("open"), json!("2026-04-02T10:00:00Z")),
            "{by}"
        );
        let h = rex.json(&["deal", "history", id]);
        let last = h.as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            last,
            json!({"deal_id": id, "at": "2026-04-02T10:00:00Z", "kind": "unstalled", "by": by,
                   "actor": crate::support::actor(&rex)})
        );
    }
    // An update that changes nothing is not activity: the deal stays stalled.
    let quiet = rex.id(&["deal", "create", "Q", "--value", "1"]);
    rex.at("2026-05-03T10:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    rex.ok(&["deal", "update", &quiet, "--value", "1"]);
    assert_eq!(rex.json(&["deal", "show", &quiet])["status"], "stalled");
    // Closing a stalled deal works as for an open one.
    let won = rex.json(&["deal", "close", &quiet, "--won"]);
    assert_eq!(won["status"], "won");
}

#[test]
fn won_and_lost_deals_never_stall() {
    let rex = Rex::new();
    rex.sales();
    let won = rex.id(&["deal", "create", "W", "--value", "1"]);
    let lost = rex.id(&["deal", "create", "L", "--value", "1"]);
    rex.ok(&["deal", "close", &won, "--won"]);
    rex.ok(&["deal", "close", &lost, "--lost"]);
    rex.at("2030-01-01T00:00:00Z");
    assert_eq!(scan(&rex, &["-e", "-o", "json"]), (1, "[]\n".to_string()));
    assert_eq!(scan(&rex, &["--mark", "-e"]), (1, String::new()));
    assert_eq!(rex.json(&["deal", "show", &won])["status"], "won");
    assert_eq!(rex.json(&["deal", "show", &lost])["status"], "lost");
}

#[test]
fn quiet_mark_prints_only_data() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "A", "--value", "1"]);
    rex.at(DAY30);
    let (code, out) = scan(&rex, &["--mark", "-q", "-o", "id"]);
    assert_eq!((code, out), (0, format!("{id}\n")));
}
