use serde_json::{json, Value};

use crate::support::{s, stage_id, Rex, T0};

fn stage_names(p: &Value) -> Vec<String> {
    p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

fn positions(p: &Value) -> Vec<i64> {
    p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["position"].as_i64().unwrap())
        .collect()
}

#[test]
fn create_with_default_stages_prints_the_exact_pipeline() {
    let rex = Rex::new();
    let p = rex.sales();
    let id = s(&p["id"]);
    assert!(id.starts_with("pipeline_") && id.len() == 35, "{id}");
    let colors = ["#4f9dde", "#8e6bd8", "#e0a23b", "#e06a3b", "#3bb273"];
    let chances = [10, 25, 50, 75, 90];
    let names = [
        "Discovery",
        "Qualification",
        "Proposal",
        "Negotiation",
        "Closed",
    ];
    let stages: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "id": stage_id(&p, n), "name": n, "color": colors[i],
                "probability": chances[i], "position": i,
                "stall_days": null, "effective_stall_days": 30,
                "open_count": 0, "open_value": 0, "stalled_count": 0, "stalled_value": 0,
                "weighted_value": 0,
            })
        })
        .collect();
    assert_eq!(
        p,
        json!({"id": id, "name": "Sales", "stall_days": 30, "created_at": T0, "updated_at": T0, "stages": stages})
    );
    for name in names {
        assert!(stage_id(&p, name).starts_with("stage_"));
    }
}

#[test]
fn create_with_named_stages_and_colours() {
    let rex = Rex::new();
    let p = rex.json(&[
        "pipeline",
        "create",
        "Partners",
        "--stage",
        "Intro:#FF8800",
        "--stage",
        "Pilot",
        "--stall-days",
        "45",
    ]);
    assert_eq!(stage_names(&p), ["Intro", "Pilot"]);
    assert_eq!(p["stages"][0]["color"], "#ff8800");
    assert_eq!(p["stages"][1]["color"], "#8e6bd8");
    assert_eq!(p["stall_days"], 45);
}

#[test]
fn duplicate_names_conflict_and_change_nothing() {
    let rex = Rex::new();
    let p = rex.sales();
    let err = rex.fails(&["pipeline", "create", "sALES"], 4);
    assert_eq!(
        err,
        format!(
            "rex: a pipeline named 'Sales' already exists ({})",
            s(&p["id"])
        )
    );
    let err = rex.fails(
        &[
            "pipeline", "create", "Other", "--stage", "A", "--stage", "a",
        ],
        2,
    );
    assert_eq!(err, "rex: pipeline 'Other' would have two stages named 'a'");
}

#[test]
fn bad_colours_are_usage_errors() {
    let rex = Rex::new();
    rex.sales();
    for bad in ["A:#12345", "A:#ggggggg", "A:#12345g", "A:#"] {
        let err = rex.fails(&["pipeline", "create", "P", "--stage", bad], 2);
        assert!(err.starts_with("rex: invalid colour '#"), "{err}");
        assert!(
            err.ends_with("use # and six hex digits, like #4f9dde"),
            "{err}"
        );
    }
    let err = rex.fails(
        &[
            "pipeline",
            "update",
            "Sales",
            "--recolor-stage",
            "Proposal=red",
        ],
        2,
    );
    assert_eq!(
        err,
        "rex: invalid colour 'red': use # and six hex digits, like #4f9dde"
    );
}

#[test]
fn list_is_always_an_array_with_open_counts() {
    let rex = Rex::new();
    assert_eq!(rex.json(&["pipeline", "list"]), json!([]));
    let p = rex.sales();
    rex.ok(&["deal", "create", "A", "--value", "100"]);
    rex.ok(&["deal", "create", "B", "--value", "50.50"]);
    let lost = rex.id(&["deal", "create", "C", "--value", "7"]);
    rex.ok(&["deal", "close", &lost, "--lost"]);
    assert_eq!(
        rex.json(&["pipeline", "list"]),
        json!([{
            "id": p["id"], "name": "Sales", "stall_days": 30, "stage_count": 5,
            "open_count": 2, "open_value": 15050, "created_at": T0, "updated_at": T0,
            "active_count": 2, "active_value": 15050, "stalled_count": 0,
        }])
    );
    assert_eq!(
        rex.ok(&["pipeline", "list", "-o", "id"]),
        format!("{}\n", s(&p["id"]))
    );
}

#[test]
fn show_is_the_board_by_name_or_id() {
    let rex = Rex::new();
    let p = rex.sales();
    rex.ok(&[
        "deal", "create", "A", "--value", "100", "--stage", "proposal",
    ]);
    rex.ok(&[
        "deal", "create", "B", "--value", "200", "--stage", "Proposal",
    ]);
    rex.ok(&["deal", "create", "C", "--value", "5"]);
    let by_name = rex.json(&["pipeline", "show", "sales"]);
    let by_id = rex.json(&["pipeline", "show", p["id"].as_str().unwrap()]);
    assert_eq!(by_name, by_id);
    let counts: Vec<(i64, i64)> = by_name["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["open_count"].as_i64().unwrap(),
                s["open_value"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, [(1, 500), (0, 0), (2, 30000), (0, 0), (0, 0)]);
}

#[test]
fn unknown_pipeline_lists_the_candidates() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    assert_eq!(
        rex.fails(&["pipeline", "show", "Nope"], 3),
        "rex: no pipeline named 'Nope'; there are none yet: rex pipeline create \"Nope\""
    );
    rex.sales();
    rex.ok(&["pipeline", "create", "Partners"]);
    assert_eq!(
        rex.fails(&["pipeline", "show", "Nope"], 3),
        "rex: no pipeline named 'Nope'; pipelines: 'Partners', 'Sales'"
    );
    let deal_like = "deal_01jdqz7w3ef8ns6c0e5ywzm2ka";
    assert_eq!(
        rex.fails(&["pipeline", "show", deal_like], 2),
        format!("rex: expected a pipeline id or name, got a deal id '{deal_like}'")
    );
    assert_eq!(
        rex.fails(
            &["pipeline", "show", "pipeline_01jdqz7w3ef8ns6c0e5ywzm2ka"],
            3
        ),
        "rex: no pipeline with id pipeline_01jdqz7w3ef8ns6c0e5ywzm2ka"
    );
}

#[test]
fn update_applies_every_change_in_the_documented_order() {
    let rex = Rex::new();
    rex.sales();
    rex.at("2026-03-03T10:00:00Z");
    let p = rex.json(&[
        "pipeline",
        "update",
        "Sales",
        "--name",
        "Sales EU",
        "--stall-days",
        "20",
        "--rename-stage",
        "Qualification=Qualify",
        "--recolor-stage",
        "qualify=#000000",
        "--add-stage",
        "Demo:#123456",
        "--add-stage",
        "Trial",
        "--at",
        "2",
        "--move-stage",
        "Closed=0",
        "--remove-stage",
        "Negotiation",
    ]);
    assert_eq!(p["name"], "Sales EU");
    assert_eq!(p["stall_days"], 20);
    assert_eq!(p["updated_at"], "2026-03-03T10:00:00Z");
    assert_eq!(
        stage_names(&p),
        [
            "Closed",
            "Discovery",
            "Qualify",
            "Demo",
            "Trial",
            "Proposal"
        ]
    );
    assert_eq!(positions(&p), [0, 1, 2, 3, 4, 5]);
    assert_eq!(p["stages"][2]["color"], "#000000");
    assert_eq!(p["stages"][3]["color"], "#123456");
    // What was printed is what was stored.
    assert_eq!(rex.json(&["pipeline", "show", "sales eu"]), p);
}

#[test]
fn update_that_fails_changes_nothing() {
    let rex = Rex::new();
    let p = rex.sales();
    // The rename is valid, the move is not: neither lands.
    let err = rex.fails(
        &[
            "pipeline",
            "update",
            "Sales",
            "--name",
            "X",
            "--move-stage",
            "Closed=9",
        ],
        2,
    );
    assert_eq!(
        err,
        "rex: --move-stage position '9' is not valid; use a number from 0 to 4"
    );
    assert_eq!(
        rex.fails(
            &[
                "pipeline",
                "update",
                "Sales",
                "--rename-stage",
                "Proposal=discovery"
            ],
            4
        ),
        "rex: pipeline 'Sales' would have two stages named 'discovery'"
    );
    assert_eq!(
        rex.fails(&["pipeline", "update", "Sales", "--remove-stage", "Nope"], 3),
        "rex: no stage named 'Nope' in pipeline 'Sales'; stages: 'Discovery', 'Qualification', 'Proposal', 'Negotiation', 'Closed'"
    );
    let all = [
        "Discovery",
        "Qualification",
        "Proposal",
        "Negotiation",
        "Closed",
    ];
    let mut args = vec!["pipeline", "update", "Sales"];
    for st in all {
        args.extend(["--remove-stage", st]);
    }
    assert_eq!(
        rex.fails(&args, 4),
        "rex: pipeline 'Sales' must keep at least one stage"
    );
    assert_eq!(
        rex.fails(
            &["pipeline", "update", "Sales", "--rename-stage", "Proposal"],
            2
        ),
        "rex: --rename-stage 'Proposal' is not of the form OLD=NEW"
    );
    assert_eq!(rex.json(&["pipeline", "show", "Sales"]), p);
}

#[test]
fn removing_a_stage_with_deals_needs_a_destination() {
    let rex = Rex::new();
    let p = rex.sales();
    let deal = rex.id(&[
        "deal",
        "create",
        "A",
        "--value",
        "1",
        "--stage",
        "Negotiation",
    ]);
    let won = rex.id(&[
        "deal",
        "create",
        "B",
        "--value",
        "2",
        "--stage",
        "Negotiation",
    ]);
    rex.ok(&["deal", "close", &won, "--won"]);
    assert_eq!(
        rex.fails(
            &[
                "pipeline",
                "update",
                "Sales",
                "--remove-stage",
                "Negotiation"
            ],
            4
        ),
        "rex: stage 'Negotiation' holds 2 deals; move them with --move-deals-to STAGE"
    );
    assert_eq!(
        rex.fails(
            &[
                "pipeline",
                "update",
                "Sales",
                "--remove-stage",
                "Negotiation",
                "--move-deals-to",
                "negotiation"
            ],
            2
        ),
        "rex: --move-deals-to 'negotiation' is a stage being removed; name a stage that stays"
    );
    rex.at("2026-03-04T09:00:00Z");
    let after = rex.json(&[
        "pipeline",
        "update",
        "Sales",
        "--remove-stage",
        "Negotiation",
        "--move-deals-to",
        "Proposal",
    ]);
    assert_eq!(
        stage_names(&after),
        ["Discovery", "Qualification", "Proposal", "Closed"]
    );
    let proposal = stage_id(&p, "Proposal");
    for id in [&deal, &won] {
        let d = rex.json(&["deal", "show", id]);
        assert_eq!(d["stage_id"], proposal.as_str());
        let history = rex.json(&["deal", "history", id]);
        let moved = history
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "moved")
            .expect("moved event");
        assert_eq!(
            moved,
            &json!({
                "deal_id": id, "at": "2026-03-04T09:00:00Z", "kind": "moved",
                "from_pipeline_id": p["id"], "from_pipeline": "Sales",
                "from_stage_id": stage_id(&p, "Negotiation"), "from_stage": "Negotiation",
                "to_pipeline_id": p["id"], "to_pipeline": "Sales",
                "to_stage_id": proposal, "to_stage": "Proposal", "reason": "stage removed",
                "actor": crate::support::actor(&rex),
            })
        );
    }
    // The won deal stays won.
    assert_eq!(rex.json(&["deal", "show", &won])["status"], "won");
}

#[test]
fn update_that_changes_nothing_keeps_updated_at() {
    let rex = Rex::new();
    let p = rex.sales();
    rex.at("2026-04-01T00:00:00Z");
    assert_eq!(
        rex.json(&["pipeline", "update", "Sales", "--name", "Sales"]),
        p
    );
}

#[test]
fn delete_is_refused_while_deals_remain_and_needs_yes_without_a_terminal() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["pipeline", "create", "Empty"]);
    let deal = rex.id(&["deal", "create", "A", "--value", "1", "--pipeline", "Sales"]);
    assert_eq!(
        rex.fails(&["pipeline", "delete", "Sales", "--yes"], 4),
        "rex: pipeline 'Sales' holds 1 deal; delete them or move them to another pipeline first"
    );
    assert_eq!(
        rex.fails(&["pipeline", "delete", "Empty"], 2),
        "rex: refusing to delete pipeline 'Empty' without confirmation; pass --yes to confirm"
    );
    let out = rex.run(&["pipeline", "delete", "Empty", "--yes"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: deleted pipeline 'Empty'\n"
    );
    let names: Vec<Value> = rex
        .json(&["pipeline", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, [json!("Sales")]);
    rex.ok(&["deal", "delete", &deal, "--yes"]);
    rex.ok(&["pipeline", "delete", "Sales", "--yes", "-q"]);
    assert_eq!(rex.json(&["pipeline", "list"]), json!([]));
}

/// Was: `board` and `report stages` refused `--pipeline`, which their own error message
/// ("choose one with --pipeline NAME") tells a user to pass.
#[test]
fn board_and_report_stages_take_pipeline_as_their_error_says() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["pipeline", "create", "Other"]);
    rex.ok(&["deal", "create", "A", "--value", "1", "--pipeline", "Sales"]);
    assert_eq!(
        rex.fails(&["board"], 2),
        "rex: several pipelines exist ('Other', 'Sales'); choose one with --pipeline NAME"
    );
    for args in [["board", "Sales"], ["report", "stages"]] {
        let mut positional: Vec<&str> = args.to_vec();
        let mut named: Vec<&str> = args.to_vec();
        if args[0] == "report" {
            positional.push("Sales");
        } else {
            named.truncate(1);
        }
        named.extend(["--pipeline", "Sales"]);
        assert_eq!(rex.json(&positional), rex.json(&named), "{named:?}");
    }
    assert_eq!(
        rex.json(&["board", "--pipeline", "Sales"])["pipeline"]["name"],
        "Sales"
    );
    assert_eq!(
        rex.fails(&["board", "Sales", "--pipeline", "Other"], 2),
        "rex: the argument '[PIPELINE]' cannot be used with '--pipeline <PIPELINE>' (see 'rex board --help')"
    );
}
