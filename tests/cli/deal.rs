use serde_json::{json, Value};

use crate::support::{import, s, stage_id, stderr, succeeded, Rex};

const MON: &str = "2026-03-02T09:00:00Z";
const TUE: &str = "2026-03-03T10:30:00Z";
const WED: &str = "2026-03-04T14:00:00Z";
const THU: &str = "2026-03-05T16:15:00Z";

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|d| s(&d["id"])).collect()
}

/// The exact list a script would get: the `show` object of each id, in order.
fn shown(rex: &Rex, ids: &[&String]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| rex.json(&["deal", "show", id]))
            .collect(),
    )
}

#[test]
fn a_salespersons_week() {
    let rex = Rex::new();
    rex.at(MON);
    let p = rex.sales();
    let partners = rex.json(&[
        "pipeline", "create", "Partners", "--stage", "Intro", "--stage", "Signed",
    ]);
    let sales = s(&p["id"]);
    let st = |n: &str| stage_id(&p, n);

    // Monday: a dozen deals.
    let create = |name: &str, value: &str, extra: &[&str]| {
        let mut args = vec![
            "deal",
            "create",
            name,
            "--value",
            value,
            "--pipeline",
            "Sales",
        ];
        args.extend(extra);
        rex.id(&args)
    };
    let acme = create(
        "Acme Corp - Enterprise Plan",
        "$5,000.00",
        &[
            "--owner",
            "ana",
            "--contact",
            "cfo@acme.test",
            "--expected-close",
            "eom",
            "--meta",
            "tier=gold",
            "--meta",
            "seats:=25",
        ],
    );
    let globex = create(
        "Globex",
        "12500",
        &[
            "--owner",
            "bo",
            "--stage",
            "Proposal",
            "--expected-close",
            "+1w",
        ],
    );
    let initech = create(
        "Initech 100% renewal",
        "990.50",
        &["--owner", "ana", "--expected-close", "2026-03-01"],
    );
    let umbrella = create(
        "Umbrella_Corp",
        "250000",
        &["--owner", "cy", "--stage", "Negotiation"],
    );
    let hooli = create("Hooli", "0.99", &["--owner", "bo", "--meta", "source=web"]);
    let stark = create(
        "Stark 'Industries'",
        "75,000",
        &[
            "--owner",
            "ana",
            "--stage",
            "Qualification",
            "--expected-close",
            "eoq",
        ],
    );
    let wayne = create(
        "Wayne Enterprises",
        "1,000,000",
        &[
            "--owner",
            "cy",
            "--stage",
            "Proposal",
            "--expected-close",
            "+2m",
        ],
    );
    let soylent = create("Soylent", "300", &["--owner", "bo"]);
    let tyrell = create(
        "Tyrell",
        "45000",
        &[
            "--owner",
            "ana",
            "--stage",
            "Negotiation",
            "--expected-close",
            "tomorrow",
        ],
    );
    let cyberdyne = create(
        "Cyberdyne",
        "8000",
        &["--owner", "cy", "--meta", "source=event"],
    );
    let wonka = create("Wonka", "60", &["--owner", "bo", "--expected-close", "eoy"]);
    let partner = rex.id(&[
        "deal",
        "create",
        "Oscorp alliance",
        "--value",
        "20000",
        "--pipeline",
        "Partners",
        "--owner",
        "ana",
    ]);

    let created = rex.json(&["deal", "show", &acme]);
    assert_eq!(
        created,
        json!({
            "id": acme, "name": "Acme Corp - Enterprise Plan", "value": 500000, "status": "open",
            "contact_id": "cfo@acme.test", "pipeline_id": sales, "stage_id": st("Discovery"),
            "expected_close": "2026-03-31", "owner_id": "ana", "metadata": {"seats": 25, "tier": "gold"},
            "created_at": MON, "updated_at": MON, "last_activity_at": MON, "stage_entered_at": MON,
            "closed_at": null, "close_reason": null, "probability": null,
            "stage_name": "Discovery", "pipeline_name": "Sales", "next_activity": null,
        })
    );

    // Tuesday: moves and notes.
    rex.at(TUE);
    rex.ok(&["deal", "move", &acme, "qualification"]);
    rex.ok(&["deal", "move", &acme, &st("Proposal")]);
    rex.ok(&["deal", "note", &acme, "Demo went well; CFO wants a quote"]);
    rex.ok(&["deal", "move", &globex, "Negotiation"]);

    // Wednesday: wins and losses.
    rex.at(WED);
    rex.ok(&["deal", "close", &globex, "--won"]);
    rex.ok(&[
        "deal",
        "close",
        &soylent,
        "--lost",
        "--reason",
        "went with a competitor",
    ]);
    rex.ok(&["deal", "close", &acme, "--lost", "--reason", "budget cut"]);

    // Thursday: Acme comes back; the value and terms change.
    rex.at(THU);
    rex.ok(&["deal", "reopen", &acme]);
    let updated = rex.json(&[
        "deal",
        "update",
        &acme,
        "--value",
        "7500",
        "--meta",
        "tier=platinum",
        "--unset-meta",
        "seats",
        "--expected-close",
        "none",
        "--contact",
        "ceo@acme.test",
    ]);
    assert_eq!(
        updated,
        json!({
            "id": acme, "name": "Acme Corp - Enterprise Plan", "value": 750000, "status": "open",
            "contact_id": "ceo@acme.test", "pipeline_id": sales, "stage_id": st("Proposal"),
            "expected_close": null, "owner_id": "ana", "metadata": {"tier": "platinum"},
            "created_at": MON, "updated_at": THU, "last_activity_at": THU, "stage_entered_at": TUE,
            "closed_at": null, "close_reason": null, "probability": null,
            "stage_name": "Proposal", "pipeline_name": "Sales", "next_activity": null,
        })
    );
    assert_eq!(rex.json(&["deal", "show", &acme]), updated);

    // The whole story of Acme, in order.
    let history = rex.json(&["deal", "history", &acme]);
    // Each event last says who recorded it: the test sets no REX_OWNER.
    let actor = crate::support::actor(&rex);
    let ev = |at: &str, kind: &str, details: Value| {
        let mut e = json!({"deal_id": acme, "at": at, "kind": kind});
        e.as_object_mut()
            .unwrap()
            .extend(details.as_object().unwrap().clone());
        e["actor"] = json!(actor);
        e
    };
    let mv = |from: &str, to: &str| {
        json!({
            "from_pipeline_id": sales, "from_pipeline": "Sales", "from_stage_id": st(from), "from_stage": from,
            "to_pipeline_id": sales, "to_pipeline": "Sales", "to_stage_id": st(to), "to_stage": to,
        })
    };
    assert_eq!(
        history,
        json!([
            ev(
                MON,
                "created",
                json!({"name": "Acme Corp - Enterprise Plan", "value": 500000, "pipeline_id": sales,
                "pipeline": "Sales", "stage_id": st("Discovery"), "stage": "Discovery"})
            ),
            ev(TUE, "moved", mv("Discovery", "Qualification")),
            ev(TUE, "moved", mv("Qualification", "Proposal")),
            ev(
                TUE,
                "note",
                json!({"text": "Demo went well; CFO wants a quote"})
            ),
            ev(
                WED,
                "closed",
                json!({"status": "lost", "reason": "budget cut", "stage_id": st("Proposal"), "stage": "Proposal"})
            ),
            ev(
                THU,
                "reopened",
                json!({"was": "lost", "closed_at": WED, "close_reason": "budget cut"})
            ),
            ev(
                THU,
                "updated",
                json!({"field": "value", "old": 500000, "new": 750000})
            ),
            ev(
                THU,
                "updated",
                json!({"field": "contact_id", "old": "cfo@acme.test", "new": "ceo@acme.test"})
            ),
            ev(
                THU,
                "updated",
                json!({"field": "expected_close", "old": "2026-03-31", "new": null})
            ),
            ev(
                THU,
                "updated",
                json!({"field": "metadata.seats", "old": 25, "new": null})
            ),
            ev(
                THU,
                "updated",
                json!({"field": "metadata.tier", "old": "gold", "new": "platinum"})
            ),
        ])
    );

    // A won deal keeps the stage it closed in.
    let g = rex.json(&["deal", "show", &globex]);
    assert_eq!(
        (
            g["status"].clone(),
            g["stage_id"].clone(),
            g["closed_at"].clone()
        ),
        (json!("won"), json!(st("Negotiation")), json!(WED))
    );

    // Friday: filters and sorts, exact JSON.
    let all = rex.json(&["deal", "list"]);
    assert_eq!(
        ids(&all),
        [
            &acme, &globex, &initech, &umbrella, &hooli, &stark, &wayne, &soylent, &tyrell,
            &cyberdyne, &wonka, &partner
        ]
        .map(|x| x.to_string())
    );
    assert_eq!(
        all,
        shown(
            &rex,
            &[
                &acme, &globex, &initech, &umbrella, &hooli, &stark, &wayne, &soylent, &tyrell,
                &cyberdyne, &wonka, &partner
            ]
        )
    );

    let open_ana = rex.json(&[
        "deal", "list", "--status", "open", "--owner", "ana", "--sort", "value", "--desc",
    ]);
    assert_eq!(
        open_ana,
        shown(&rex, &[&stark, &tyrell, &partner, &acme, &initech])
    );

    let won_or_lost = rex.json(&[
        "deal", "list", "--status", "won", "--status", "lost", "--sort", "name",
    ]);
    assert_eq!(won_or_lost, shown(&rex, &[&globex, &soylent]));

    let board = rex.json(&[
        "deal",
        "list",
        "--pipeline",
        "sales",
        "--stage",
        "negotiation",
        "--sort",
        "value",
    ]);
    assert_eq!(board, shown(&rex, &[&globex, &tyrell, &umbrella]));

    let range = rex.json(&[
        "deal",
        "list",
        "--min-value",
        "300",
        "--max-value",
        "$12,500",
        "--sort",
        "value",
    ]);
    assert_eq!(
        range,
        shown(&rex, &[&soylent, &initech, &acme, &cyberdyne, &globex])
    );

    let closing = rex.json(&[
        "deal",
        "list",
        "--closing-before",
        "2026-04-01",
        "--closing-after",
        "2026-03-02",
        "--sort",
        "expected-close",
    ]);
    assert_eq!(closing, shown(&rex, &[&tyrell, &globex, &stark]));

    let overdue = rex.json(&["deal", "list", "--overdue"]);
    assert_eq!(overdue, shown(&rex, &[&initech, &tyrell]));

    let web = rex.json(&["deal", "list", "--meta", "source=web"]);
    assert_eq!(web, shown(&rex, &[&hooli]));
    let platinum = rex.json(&[
        "deal",
        "list",
        "--meta",
        "tier=platinum",
        "--status",
        "open",
    ]);
    assert_eq!(platinum, shown(&rex, &[&acme]));

    assert_eq!(
        rex.json(&["deal", "list", "--search", "CORP"]),
        shown(&rex, &[&acme, &umbrella, &partner])
    );
    assert_eq!(
        rex.json(&["deal", "list", "--search", "100%"]),
        shown(&rex, &[&initech])
    );
    assert_eq!(
        rex.json(&["deal", "list", "--search", "%"]),
        shown(&rex, &[&initech])
    );
    assert_eq!(
        rex.json(&["deal", "list", "--search", "_"]),
        shown(&rex, &[&umbrella])
    );
    assert_eq!(
        rex.json(&["deal", "list", "--search", "'industries'"]),
        shown(&rex, &[&stark])
    );

    let by_stage = rex.json(&[
        "deal",
        "list",
        "--pipeline",
        "Sales",
        "--status",
        "open",
        "--sort",
        "stage",
        "--limit",
        "3",
    ]);
    assert_eq!(by_stage, shown(&rex, &[&initech, &hooli, &cyberdyne]));
    let latest = rex.json(&[
        "deal", "list", "--sort", "updated", "--desc", "--limit", "1",
    ]);
    assert_eq!(latest, shown(&rex, &[&acme]));
    assert_eq!(
        rex.json(&["deal", "list", "--sort", "created", "--desc", "--limit", "1"]),
        shown(&rex, &[&partner])
    );

    let _ = partners;
}

#[test]
fn create_resolves_pipeline_and_stage() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    assert_eq!(
        rex.fails(&["deal", "create", "A", "--value", "1"], 3),
        "rex: there is no pipeline yet; create one first: rex pipeline create \"Sales Pipeline\""
    );
    let sales = rex.sales();
    let d = rex.json(&["deal", "create", "A", "--value", "1"]);
    assert_eq!(d["stage_id"], stage_id(&sales, "Discovery").as_str());
    let partners = rex.json(&[
        "pipeline", "create", "Partners", "--stage", "Intro", "--stage", "Signed",
    ]);
    assert_eq!(
        rex.fails(&["deal", "create", "B", "--value", "1"], 2),
        "rex: several pipelines exist ('Partners', 'Sales'); choose one with --pipeline NAME"
    );
    let signed = stage_id(&partners, "Signed");
    assert_eq!(
        rex.fails(
            &[
                "deal",
                "create",
                "B",
                "--value",
                "1",
                "--pipeline",
                "Sales",
                "--stage",
                &signed
            ],
            4
        ),
        format!("rex: stage {signed} belongs to pipeline 'Partners', not 'Sales'")
    );
    assert_eq!(
        rex.fails(
            &[
                "deal",
                "create",
                "B",
                "--value",
                "1",
                "--pipeline",
                "Partners",
                "--stage",
                "Proposal"
            ],
            3
        ),
        "rex: no stage named 'Proposal' in pipeline 'Partners'; stages: 'Intro', 'Signed'"
    );
    let b = rex.json(&[
        "deal",
        "create",
        "B",
        "--value",
        "1",
        "--pipeline",
        &s(&partners["id"]),
        "--stage",
        "signed",
    ]);
    assert_eq!(b["stage_id"], signed.as_str());
}

#[test]
fn create_rejects_malformed_values_and_changes_nothing() {
    let rex = Rex::new();
    rex.sales();
    let cases: &[(&[&str], &str)] = &[
        (&["--value", "1,00"], "rex: invalid value '1,00' for '--value <MONEY>': invalid amount '1,00': a comma may only separate thousands (groups of three digits); write it like 5000, 5000.50 or $5,000.50"),
        (&["--value", "-5"], "rex: invalid value '-5' for '--value <MONEY>': invalid amount '-5': amounts cannot be negative; write it like 5000, 5000.50 or $5,000.50"),
        (&["--value", "1", "--expected-close", "2026-02-30"], "rex: invalid value '2026-02-30' for '--expected-close <DATE>': invalid date '2026-02-30': use YYYY-MM-DD, or today, tomorrow, yesterday, +Nd, +Nw, +Nm (days, weeks, months from today), eom, eoq, eoy (end of month, quarter, year)"),
        (&["--value", "1", "--meta", "novalue"], "rex: metadata 'novalue' has no '='; use KEY=VALUE or KEY:=JSON"),
        (&["--value", "1", "--meta", "=v"], "rex: metadata '=v' has no key; use KEY=VALUE"),
        (&["--value", "1", "--meta", "k:=notjson"], "rex: metadata 'k' is not valid JSON (expected ident at line 1 column 2); use KEY:=JSON like seats:=25 or KEY=VALUE for text"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["deal", "create", "A"];
        args.extend(*extra);
        assert_eq!(rex.fails(&args, 2), *message);
    }
    assert_eq!(
        rex.fails(&["deal", "create", "  ", "--value", "1"], 2),
        "rex: the deal name is empty; give some text"
    );
    assert_eq!(
        rex.fails(&["deal", "create", "a\u{1b}[2Jb", "--value", "1"], 2),
        "rex: the deal name contains the control character U+001B; use printable text on one line"
    );
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
}

#[test]
fn meta_json_values_keep_their_type() {
    let rex = Rex::new();
    rex.sales();
    let d = rex.json(&[
        "deal",
        "create",
        "A",
        "--value",
        "1",
        "--meta",
        "n:=5",
        "--meta",
        "b:=true",
        "--meta",
        "o:={\"z\":1,\"a\":[1,\"x\"]}",
        "--meta",
        "s=5",
    ]);
    assert_eq!(
        d["metadata"],
        json!({"b": true, "n": 5, "o": {"a": [1, "x"], "z": 1}, "s": "5"})
    );
    assert_eq!(
        rex.json(&["deal", "list", "--meta", "n=5"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        rex.json(&["deal", "list", "--meta", "b=true"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(rex.json(&["deal", "list", "--meta", "n=6"]), json!([]));
}

/// Was: a deal created with `--meta` nested 127 levels deep was accepted, and from then on
/// `deal list`, `show`, `export`, `history` and `deal stalled` failed for the whole database
/// ("recursion limit exceeded"), with no way to remove the deal with rex.
#[test]
fn json_nested_past_the_limit_is_refused_at_every_entry_point_and_the_rest_reads_back() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Kept", "--value", "1"]);
    // 31 levels of value inside the metadata object: exactly the limit.
    let deepest = format!("{}{}", "[".repeat(31), "]".repeat(31));
    let ok = rex.id(&[
        "deal",
        "create",
        "Deep",
        "--value",
        "1",
        "--meta",
        &format!("k:={deepest}"),
    ]);
    let deal = rex.json(&["deal", "show", &ok]);
    assert_eq!(
        deal["metadata"]["k"],
        serde_json::from_str::<Value>(&deepest).unwrap()
    );
    let line = rex.fails(
        &[
            "deal",
            "create",
            "X",
            "--value",
            "1",
            "--meta",
            &format!("k:={}{}", "[".repeat(127), "]".repeat(127)),
        ],
        2,
    );
    assert_eq!(
        line,
        "rex: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON"
    );
    rex.fails(
        &["deal", "update", &id, "--meta", &format!("k:=[{deepest}]")],
        2,
    );
    // Through every import format: the record's metadata, and a history entry's details.
    let too_deep = format!("{}1{}", "[".repeat(32), "]".repeat(32));
    let jsonl = format!("{{\"name\":\"I\",\"value\":1,\"metadata\":{{\"k\":{too_deep}}}}}\n");
    let out = import(&rex, &[], &jsonl);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rex: line 1: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON; nothing was imported"
    );
    let json_doc = format!("[{}]", jsonl.trim());
    let out = import(&rex, &["--format", "json"], &json_doc);
    assert_eq!(
        stderr(&out),
        "rex: record 1: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON; nothing was imported"
    );
    let csv = format!("name,value,metadata\nI,1,\"{{\"\"k\"\":{too_deep}}}\"\n");
    let out = import(&rex, &["--format", "csv"], &csv);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("rex: line 2: field 'metadata.k' nests deeper"),
        "{}",
        stderr(&out)
    );
    let event = format!(
        "{{\"deal_id\":\"{id}\",\"at\":\"2026-03-02T09:00:00Z\",\"kind\":\"note\",\"text\":{too_deep}}}\n"
    );
    let out = import(&rex, &[], &event);
    assert_eq!(
        stderr(&out),
        "rex: line 1: field 'text' nests deeper than 32 levels, the limit for stored JSON; nothing was imported"
    );
    // The whole database still reads.
    for args in [
        vec!["deal", "list"],
        vec!["export"],
        vec!["deal", "stalled"],
        vec!["deal", "history", &ok],
    ] {
        rex.ok(&args);
    }
}

#[test]
fn dates_words_follow_the_clock() {
    let rex = Rex::new();
    rex.at("2026-11-25T12:00:00Z");
    rex.sales();
    for (word, date) in [
        ("today", "2026-11-25"),
        ("tomorrow", "2026-11-26"),
        ("+3d", "2026-11-28"),
        ("+2w", "2026-12-09"),
        ("+3m", "2027-02-25"),
        ("eom", "2026-11-30"),
        ("eoq", "2026-12-31"),
        ("eoy", "2026-12-31"),
    ] {
        let d = rex.json(&[
            "deal",
            "create",
            word,
            "--value",
            "1",
            "--expected-close",
            word,
        ]);
        assert_eq!(d["expected_close"], date, "{word}");
        // Every date rex prints parses back.
        let again = rex.json(&["deal", "update", &s(&d["id"]), "--expected-close", date]);
        assert_eq!(again["expected_close"], date);
        assert_eq!(again["updated_at"], d["updated_at"], "no change, no update");
    }
}

#[test]
fn show_history_and_ids_of_the_wrong_kind() {
    let rex = Rex::new();
    let p = rex.sales();
    let pid = s(&p["id"]);
    let missing = "deal_01jdqz7w3ef8ns6c0e5ywzm2ka";
    for cmd in ["show", "history", "reopen"] {
        assert_eq!(
            rex.fails(&["deal", cmd, missing], 3),
            format!("rex: no deal with id {missing}")
        );
        assert_eq!(
            rex.fails(&["deal", cmd, &pid], 2),
            format!("rex: expected a deal, got a pipeline id '{pid}'")
        );
    }
    assert_eq!(
        rex.fails(&["deal", "show", "deal_123"], 2),
        "rex: invalid deal id 'deal_123': expected 'deal_' and 26 lower-case base32 characters, like deal_01jdqz7w3ef8ns6c0e5ywzm2ka"
    );
}

#[test]
fn move_rules() {
    let rex = Rex::new();
    rex.sales();
    let partners = rex.json(&[
        "pipeline", "create", "Partners", "--stage", "Intro", "--stage", "Signed",
    ]);
    let d = rex.id(&["deal", "create", "A", "--value", "1", "--pipeline", "Sales"]);
    let intro = stage_id(&partners, "Intro");
    assert_eq!(
        rex.fails(&["deal", "move", &d, &intro], 4),
        format!("rex: stage {intro} belongs to pipeline 'Partners', not 'Sales'")
    );
    assert_eq!(
        rex.fails(&["deal", "move", &d, "Intro"], 3),
        "rex: no stage named 'Intro' in pipeline 'Sales'; stages: 'Discovery', 'Qualification', 'Proposal', 'Negotiation', 'Closed'"
    );
    // Moving to the stage it is in records nothing.
    rex.at("2026-03-09T09:00:00Z");
    let same = rex.json(&["deal", "move", &d, "Discovery"]);
    assert_eq!(same["updated_at"], "2026-03-02T09:00:00Z");
    assert_eq!(
        rex.json(&["deal", "history", &d]).as_array().unwrap().len(),
        1
    );
    rex.ok(&["deal", "close", &d, "--won"]);
    // Errors name the deal as tables do: its name and reference.
    let r = &d[d.len() - 7..];
    assert_eq!(
        rex.fails(&["deal", "move", &d, "Closed"], 4),
        format!("rex: A ({r}) is won; reopen it before moving it with rex deal reopen {r}")
    );
    assert_eq!(
        rex.fails(&["deal", "update", &d, "--pipeline", "Partners"], 4),
        format!("rex: A ({r}) is won; reopen it before moving it with rex deal reopen {r}")
    );
}

#[test]
fn update_across_pipelines_lands_in_the_first_stage_unless_told() {
    let rex = Rex::new();
    let sales = rex.sales();
    let partners = rex.json(&[
        "pipeline", "create", "Partners", "--stage", "Intro", "--stage", "Signed",
    ]);
    let d = rex.id(&[
        "deal",
        "create",
        "A",
        "--value",
        "1",
        "--pipeline",
        "Sales",
        "--stage",
        "Proposal",
    ]);
    rex.at("2026-03-03T09:00:00Z");
    let moved = rex.json(&["deal", "update", &d, "--pipeline", "partners"]);
    assert_eq!(
        (moved["pipeline_id"].clone(), moved["stage_id"].clone()),
        (partners["id"].clone(), json!(stage_id(&partners, "Intro")))
    );
    assert_eq!(moved["stage_entered_at"], "2026-03-03T09:00:00Z");
    let back = rex.json(&[
        "deal",
        "update",
        &d,
        "--pipeline",
        "Sales",
        "--stage",
        "Negotiation",
    ]);
    assert_eq!(back["stage_id"], stage_id(&sales, "Negotiation").as_str());
    let h = rex.json(&["deal", "history", &d]);
    let last = &h.as_array().unwrap()[2];
    assert_eq!(last["kind"], "moved");
    assert_eq!(
        (
            last["from_pipeline"].clone(),
            last["from_stage"].clone(),
            last["to_pipeline"].clone(),
            last["to_stage"].clone()
        ),
        (
            json!("Partners"),
            json!("Intro"),
            json!("Sales"),
            json!("Negotiation")
        )
    );
    assert_eq!(
        rex.fails(&["deal", "update", &d, "--stage", "Proposal"], 2),
        format!("rex: the following required arguments were not provided: --pipeline <PIPELINE> (see 'rex deal update --help')")
    );
}

#[test]
fn update_that_changes_nothing_records_nothing() {
    let rex = Rex::new();
    rex.sales();
    let d = rex.json(&[
        "deal", "create", "A", "--value", "5", "--owner", "ana", "--meta", "k=v",
    ]);
    rex.at("2026-04-01T00:00:00Z");
    let same = rex.json(&[
        "deal",
        "update",
        &s(&d["id"]),
        "--value",
        "5.00",
        "--owner",
        "ana",
        "--meta",
        "k=v",
        "--unset-meta",
        "nope",
        "--pipeline",
        "Sales",
    ]);
    assert_eq!(same, d);
    assert_eq!(
        rex.json(&["deal", "history", &s(&d["id"])])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn close_and_reopen_rules() {
    let rex = Rex::new();
    rex.sales();
    let d = rex.id(&["deal", "create", "Acme Corp", "--value", "1"]);
    let r = &d[d.len() - 7..];
    assert_eq!(
        rex.fails(&["deal", "close", &d], 2),
        "rex: the following required arguments were not provided: <--won|--lost> (see 'rex deal close --help')"
    );
    assert_eq!(
        rex.fails(&["deal", "close", &d, "--won", "--lost"], 2),
        "rex: the argument '--won' cannot be used with '--lost' (see 'rex deal close --help')"
    );
    assert_eq!(
        rex.fails(&["deal", "reopen", &d], 4),
        format!("rex: Acme Corp ({r}) is open; only won or lost deals can be reopened")
    );
    rex.at("2026-03-03T09:00:00Z");
    let closed = rex.json(&["deal", "close", &d, "--lost", "--reason", "no budget"]);
    assert_eq!(
        (
            closed["status"].clone(),
            closed["closed_at"].clone(),
            closed["close_reason"].clone()
        ),
        (
            json!("lost"),
            json!("2026-03-03T09:00:00Z"),
            json!("no budget")
        )
    );
    assert_eq!(
        rex.fails(&["deal", "close", &d, "--won"], 4),
        format!("rex: Acme Corp ({r}) is already lost; reopen it first with rex deal reopen {r}")
    );
    rex.at("2026-03-04T09:00:00Z");
    let open = rex.json(&["deal", "reopen", &d]);
    assert_eq!(
        (
            open["status"].clone(),
            open["closed_at"].clone(),
            open["close_reason"].clone(),
            open["last_activity_at"].clone()
        ),
        (
            json!("open"),
            json!(null),
            json!(null),
            json!("2026-03-04T09:00:00Z")
        )
    );
}

#[test]
fn delete_is_all_or_nothing_and_needs_yes_without_a_terminal() {
    let rex = Rex::new();
    rex.sales();
    let a = rex.id(&["deal", "create", "A", "--value", "1"]);
    let b = rex.id(&["deal", "create", "B", "--value", "1"]);
    assert_eq!(
        rex.fails(&["deal", "delete", &a], 2),
        "rex: refusing to delete 1 deal without confirmation; pass --yes to confirm"
    );
    let missing = "deal_01jdqz7w3ef8ns6c0e5ywzm2ka";
    assert_eq!(
        rex.fails(&["deal", "delete", &a, missing, "--yes"], 3),
        format!("rex: no deal with id {missing}")
    );
    let out = rex.run(&["deal", "delete", &a, &b, "--yes"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: deleted 2 deals\n"
    );
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
    assert_eq!(rex.json(&["info"])["events"], 0);
}

/// Was: `deal delete ID ID --yes` exited 3, "no deal with id …; nothing was deleted", though
/// the deal existed.
#[test]
fn deleting_a_deal_named_twice_deletes_it_once() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "x", "--value", "1"]);
    let out = rex.run(&["deal", "delete", &id, &id, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "rex: deleted 1 deal");
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
}

#[test]
fn list_stage_names_must_be_unambiguous() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["pipeline", "create", "Partners"]);
    assert_eq!(
        rex.fails(&["deal", "list", "--stage", "proposal"], 2),
        "rex: stage name 'proposal' is ambiguous: 'Proposal (Partners)', 'Proposal (Sales)'; add --pipeline or use a stage id"
    );
    assert_eq!(
        rex.fails(&["deal", "list", "--stage", "Nope"], 3),
        "rex: no stage named 'Nope' in any pipeline"
    );
    assert_eq!(
        rex.json(&["deal", "list", "--stage", "proposal", "--pipeline", "Sales"]),
        json!([])
    );
}

#[test]
fn a_limit_that_cuts_the_list_is_said_on_a_table() {
    let rex = Rex::new();
    rex.sales();
    for n in ["A", "B", "C"] {
        rex.ok(&["deal", "create", n, "--value", "10"]);
    }
    let out = rex.run(&[
        "deal", "list", "--limit", "2", "-o", "table", "--color", "never",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: showing the first 2 deals; more match (raise --limit to see them)\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("2 deals, total $20.00\n"));
    let quiet = rex.run(&["deal", "list", "--limit", "2", "-o", "table", "-q"]);
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    let exact = rex.run(&["deal", "list", "--limit", "3", "-o", "table"]);
    assert_eq!(String::from_utf8_lossy(&exact.stderr), "");
    assert_eq!(rex.ok(&["deal", "list", "--limit", "2"]).lines().count(), 2);
}

#[test]
fn exit_status_on_list_is_like_grep() {
    let rex = Rex::new();
    rex.sales();
    assert_eq!(rex.run(&["deal", "list", "-e"]).status.code(), Some(1));
    rex.ok(&["deal", "create", "A", "--value", "1"]);
    assert_eq!(rex.run(&["deal", "list", "-e"]).status.code(), Some(0));
    assert_eq!(
        rex.run(&["deal", "list", "--status", "won", "--exit-status"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn search_finds_any_part_of_a_name_whatever_it_holds() {
    let rex = Rex::new();
    rex.sales();
    let names = [
        "Say \"hi\" \\ co",
        "Naïve Café",
        "ab",
        "Acme 12 Corp",
        "100% _done_",
    ];
    let ids: Vec<String> = names
        .iter()
        .map(|n| rex.id(&["deal", "create", n, "--value", "1"]))
        .collect();
    let found = |text: &str| -> Vec<String> {
        rex.json(&["deal", "list", "--search", text])
            .as_array()
            .unwrap()
            .iter()
            .map(|d| s(&d["id"]))
            .collect()
    };
    for (text, expected) in [
        ("\"hi\" \\", vec![0]),
        ("CAFÉ", vec![1]),
        ("ab", vec![2]),
        ("e 1", vec![3]),
        ("12 c", vec![3]),
        ("0% _", vec![4]),
        ("_done_", vec![4]),
        ("a", vec![0, 1, 2, 3]),
        ("acme 13", vec![]),
    ] {
        let want: Vec<String> = expected.iter().map(|&i| ids[i].clone()).collect();
        assert_eq!(found(text), want, "--search {text:?}");
    }
    // A reference by part of a name finds the one deal through the same index.
    assert_eq!(
        rex.json(&["deal", "show", "12 corp"])["id"],
        ids[3].as_str()
    );
}

/// `--sort value` over every status (one ordered range per status, merged) gives the same
/// order as sorting all the deals: by value, then id, either way, with `--limit` cutting it.
#[test]
fn sorting_by_value_across_statuses_merges_them_in_order() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let mut ids = Vec::new();
    for (i, value) in [5, 7, 5, 9, 1, 7, 5].iter().enumerate() {
        let id = rex.id(&[
            "deal",
            "create",
            &format!("D{i}"),
            "--value",
            &value.to_string(),
            "--owner",
            "ana",
        ]);
        match i % 3 {
            1 => rex.ok(&["deal", "close", &id, "--won"]),
            2 => rex.ok(&["deal", "close", &id, "--lost"]),
            _ => String::new(),
        };
        ids.push(id);
    }
    rex.ok(&["deal", "create", "Other", "--value", "8", "--owner", "bo"]);
    let all = rex.json(&["deal", "list", "--owner", "ana"]);
    let mut expected: Vec<(i64, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["value"].as_i64().unwrap(), s(&d["id"])))
        .collect();
    expected.sort();
    for desc in [false, true] {
        if desc {
            expected.reverse();
        }
        let mut args = vec![
            "deal", "list", "--owner", "ana", "--sort", "value", "--limit", "5", "-o", "id",
        ];
        if desc {
            args.push("--desc");
        }
        let got: Vec<String> = rex.ok(&args).lines().map(str::to_string).collect();
        let want: Vec<String> = expected.iter().take(5).map(|(_, id)| id.clone()).collect();
        assert_eq!(got, want, "desc: {desc}");
    }
}

#[test]
fn a_list_in_the_order_of_creation_is_the_same_however_it_is_read() {
    // 90 deals, 80 of them in Sales, 72 active and 60 of ana's: with --limit 50, a filter
    // (by status, pipeline and owner) selecting more than 17 of them is answered by reading
    // the deals in the order of creation and checking each; with a limit far larger, by the
    // filter's index and a sort. Both give the first deals of the whole list that match.
    let rex = Rex::new();
    let lines: String = (0..90)
        .map(|i| {
            format!(
                "{{\"name\":\"D{i}\",\"value\":{i},\"pipeline_id\":\"{}\",\"status\":\"{}\",\"owner_id\":\"{}\",\"created_at\":\"2026-01-{:02}T09:00:00Z\"}}\n",
                if i % 9 == 4 { "Other" } else { "Sales" },
                ["open", "won", "open", "stalled", "open"][i % 5],
                if i % 3 == 0 { "bo" } else { "ana" },
                1 + (i * 7) % 28
            )
        })
        .collect();
    rex.ok(&["pipeline", "create", "Sales"]);
    rex.ok(&["pipeline", "create", "Other"]);
    rex.cmd()
        .args(["import", "-q"])
        .write_stdin(lines)
        .assert()
        .success();
    let all = rex.json(&["deal", "list", "--limit", "100000"]);
    let pipelines = rex.json(&["pipeline", "list"]);
    let sales = pipelines
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Sales")
        .unwrap()["id"]
        .clone();
    for (filter, keep) in [
        (
            vec!["--pipeline", "Sales"],
            Box::new(|d: &Value| d["pipeline_id"] == sales) as Box<dyn Fn(&Value) -> bool>,
        ),
        (
            vec!["--status", "active"],
            Box::new(|d: &Value| d["status"] == "open" || d["status"] == "stalled"),
        ),
        (
            vec!["--owner", "ana"],
            Box::new(|d: &Value| d["owner_id"] == "ana"),
        ),
        (
            vec!["--owner", "ana", "--status", "open"],
            Box::new(|d: &Value| d["owner_id"] == "ana" && d["status"] == "open"),
        ),
        (
            vec!["--owner", "bo", "--pipeline", "Sales"],
            Box::new(|d: &Value| d["owner_id"] == "bo" && d["pipeline_id"] == sales),
        ),
    ] {
        for desc in [false, true] {
            let mut want: Vec<String> = ids(&all)
                .into_iter()
                .zip(all.as_array().unwrap())
                .filter(|(_, d)| keep(d))
                .map(|(id, _)| id)
                .collect();
            if desc {
                want.reverse();
            }
            want.truncate(50);
            let mut args = vec!["deal", "list", "--limit", "50"];
            args.extend(&filter);
            if desc {
                args.push("--desc");
            }
            assert_eq!(ids(&rex.json(&args)), want, "{args:?}");
            args[3] = "100000";
            let mut wide = ids(&rex.json(&args));
            wide.truncate(50);
            assert_eq!(wide, want, "{args:?}");
        }
    }
}

/// Runs rex as `REX_OWNER` says someone else is at work.
fn as_owner(rex: &Rex, owner: &str, args: &[&str]) -> String {
    let out = rex
        .cmd()
        .env("REX_OWNER", owner)
        .args(args)
        .output()
        .expect("run rex");
    succeeded(&out);
    String::from_utf8(out.stdout).unwrap()
}

/// Every history event says who recorded it (`actor`, last): on SQLite `REX_OWNER`, else
/// the system user rex runs as; on PostgreSQL the database login, whatever `REX_OWNER`
/// says. Every command that writes an event records it: create, move, note, update,
/// close, an import, and `deal stalled --mark` from cron.
#[test]
fn history_events_record_who_made_them() {
    let rex = Rex::new();
    rex.sales();
    let login = crate::support::actor(&rex);
    // On a server the login is recorded, never what the client says.
    let ana = if rex.url.is_some() {
        login.clone()
    } else {
        "ana".to_string()
    };
    let id = s(&serde_json::from_str::<Value>(&as_owner(
        &rex,
        "ana",
        &["deal", "create", "Acme", "--value", "5000", "-o", "json"],
    ))
    .unwrap()["id"]);
    as_owner(&rex, "ana", &["deal", "move", &id, "Proposal"]);
    rex.ok(&["deal", "note", &id, "called"]);
    as_owner(&rex, " bo ", &["deal", "update", &id, "--value", "6000"]);
    let bo = if rex.url.is_some() {
        login.clone()
    } else {
        "bo".to_string()
    };
    import(
        &rex,
        &["-", "-o", "json"],
        "{\"name\":\"Globex\",\"value\":1}\n",
    );
    rex.at("2026-12-31T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    let actors = |id: &str| -> Vec<(String, Value)> {
        rex.json(&["deal", "history", id])
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
                assert_eq!(keys.last().map(|k| k.as_str()), Some("actor"), "{e}");
                (s(&e["kind"]), e["actor"].clone())
            })
            .collect()
    };
    assert_eq!(
        actors(&id),
        [
            ("created".to_string(), json!(ana)),
            ("moved".to_string(), json!(ana)),
            ("note".to_string(), json!(login)),
            ("updated".to_string(), json!(bo)),
            ("stalled".to_string(), json!(login)),
        ]
    );
    let globex = s(&rex.json(&["deal", "show", "Globex"])["id"]);
    assert_eq!(
        actors(&globex),
        [
            ("created".to_string(), json!(login)),
            ("stalled".to_string(), json!(login)),
        ]
    );
    // The table says it in a column of its own.
    let table = rex.ok(&["deal", "history", &id, "-o", "wide"]);
    let header = table.lines().nth(1).unwrap_or_default();
    assert!(header.contains(" By "), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains(" note ") && l.contains(&format!(" {login} "))),
        "{table}"
    );
    // TSV: the actor after the details.
    let tsv = rex.ok(&["deal", "history", &id, "-o", "tsv"]);
    let note = tsv.lines().find(|l| l.contains("\tnote\t")).unwrap();
    assert_eq!(
        note.split('\t').skip(2).collect::<Vec<_>>(),
        ["note", r#"{"text":"called"}"#, login.as_str()]
    );
}

/// The texts of a deal's notes, oldest first.
fn notes(rex: &Rex, deal: &str) -> Vec<String> {
    rex.json(&["deal", "history", deal])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| s(&e["text"]))
        .collect()
}

/// Runs `rex ARGS` with `input` on its standard input.
fn with_stdin(rex: &Rex, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = rex
        .std_cmd()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Was: `rex deal note p4bc9hj Sent quote v1` said "unexpected argument 'quote'", and
/// `rex deal note p4bc9hj -` saved the note "-".
#[test]
fn a_note_is_the_rest_of_the_line_or_standard_input() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Acme", "--value", "1"]);
    rex.ok(&["deal", "note", "Acme", "Sent", "quote", "v1"]);
    // Options go before the words (after them they are words of the note, see
    // words_that_look_like_flags_are_part_of_the_note); one quoted argument keeps its own
    // spacing.
    let json = rex.ok(&["deal", "note", "Acme", "-o", "id", "Call", "with", "CFO"]);
    assert_eq!(json, format!("{id}\n"));
    rex.ok(&["deal", "note", "Acme", "two  spaces\nand a line"]);
    let out = with_stdin(
        &rex,
        &["deal", "note", "Acme", "-q", "-"],
        b"from\n  stdin\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // `-` among other words is a word.
    rex.ok(&["deal", "note", "Acme", "-", "call", "back"]);
    assert_eq!(
        notes(&rex, &id),
        [
            "Sent quote v1",
            "Call with CFO",
            "two  spaces\nand a line",
            "from\n  stdin",
            "- call back"
        ]
    );
    // No text at all names both forms; an empty note from stdin is refused as before.
    assert_eq!(
        rex.fails(&["deal", "note", "Acme"], 2),
        "rex: deal note needs the note: rex deal note DEAL TEXT..., or rex deal note DEAL - to read it from standard input"
    );
    let before = rex.snapshot();
    for (input, line) in [
        (&b"\n"[..], "rex: the note is empty; give some text"),
        (b"", "rex: the note is empty; give some text"),
        (
            b"caf\xe9\n",
            "rex: the note on standard input is not UTF-8 text; convert it (iconv -t UTF-8)",
        ),
    ] {
        let out = with_stdin(&rex, &["deal", "note", "Acme", "-"], input);
        assert_eq!((out.status.code(), stderr(&out)), (Some(2), line.into()));
        assert!(out.stdout.is_empty());
    }
    let huge = vec![b'x'; (1 << 20) + 1];
    let out = with_stdin(&rex, &["deal", "note", "Acme", "-"], &huge);
    assert_eq!(
        (out.status.code(), stderr(&out)),
        (
            Some(2),
            "rex: the note on standard input is over 1 MiB; a note holds at most 10000 characters"
                .into()
        )
    );
    assert_eq!(rex.snapshot(), before);
}

/// Was: `rex deal create Soylent Catering --value 5000` said only "unexpected argument
/// 'Catering' found".
#[test]
fn a_name_of_several_words_without_quotes_is_answered_with_the_line_to_paste() {
    let rex = Rex::new();
    rex.sales();
    let hint = "a name of several words needs quotes: rex";
    for (args, line) in [
        (
            &["deal", "create", "Soylent", "Catering", "--value", "5000"][..],
            format!("rex: unexpected argument 'Catering'; {hint} deal create \"Soylent Catering\" --value 5000"),
        ),
        (
            &["deal", "create", "Soylent", "Catering", "Co", "--value", "$5,000"],
            format!("rex: unexpected argument 'Catering'; {hint} deal create \"Soylent Catering Co\" --value '$5,000'"),
        ),
        (
            &["pipeline", "create", "Enterprise", "Sales", "--stall-days", "20"],
            format!("rex: unexpected argument 'Sales'; {hint} pipeline create \"Enterprise Sales\" --stall-days 20"),
        ),
        (
            &["deal", "update", "Soylent", "Catering", "--value", "6000"],
            format!("rex: unexpected argument 'Catering'; {hint} deal update \"Soylent Catering\" --value 6000"),
        ),
        (
            &["deal", "history", "Soylent", "Catering"],
            format!("rex: unexpected argument 'Catering'; {hint} deal history \"Soylent Catering\""),
        ),
        // Where the words cannot be told apart (a deal and a stage), clap's own message.
        (
            &["deal", "move", "Soylent", "Catering", "Proposal"],
            "rex: unexpected argument 'Proposal' found (see 'rex deal move --help')".into(),
        ),
        (
            &["deal", "create", "Acme", "--valeu", "5"],
            "rex: unexpected argument '--valeu' found tip: a similar argument exists: '--value' (see 'rex deal create --help')".into(),
        ),
    ] {
        assert_eq!(rex.fails(args, 2), line, "{args:?}");
    }
}

/// The names of the deals a JSON list holds, in its order.
fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["name"]))
        .collect()
}

/// Owners and contacts are matched ignoring case, as stages and pipelines are, by every
/// command that takes them; statuses come as a comma list or repeated (issue 27, item 12).
#[test]
fn owners_and_contacts_ignore_case_and_statuses_take_comma_lists() {
    let rex = Rex::new();
    rex.at("2026-03-02T09:00:00Z");
    rex.sales();
    let create = |name: &str, extra: &[&str]| {
        let mut args = vec!["deal", "create", name, "--value", "100"];
        args.extend(extra);
        rex.ok(&args);
    };
    create(
        "Acme",
        &[
            "--owner",
            "ben",
            "--contact",
            "cfo@acme.test",
            "--expected-close",
            "2026-03-01",
        ],
    );
    create(
        "Globex",
        &["--owner", "BEN", "--contact", "Buyer@Globex.test"],
    );
    create("Hooli", &["--owner", "ana"]);
    create("Initech", &["--owner", "Bea"]);
    rex.ok(&["deal", "close", "Globex", "--lost", "--reason", "price"]);
    rex.ok(&["deal", "close", "Hooli", "--won"]);

    let list = |args: &[&str]| {
        let mut all = vec!["deal", "list", "--sort", "name"];
        all.extend(args);
        names(&rex.json(&all))
    };
    for ben in ["Ben", "ben", "BEN", "bEn"] {
        assert_eq!(list(&["--owner", ben]), ["Acme", "Globex"], "{ben}");
        assert_eq!(
            list(&["--owner", ben, "--status", "open"]),
            ["Acme"],
            "{ben}"
        );
        let by_value = [
            "deal",
            "list",
            "--owner",
            ben,
            "--sort",
            "value",
            "--status",
            "open,lost",
        ];
        assert_eq!(names(&rex.json(&by_value)), ["Acme", "Globex"], "{ben}");
    }
    assert_eq!(list(&["--owner", "be"]), Vec::<String>::new());
    assert_eq!(list(&["--owner", "Nobody"]), Vec::<String>::new());
    assert_eq!(list(&["--contact", "CFO@ACME.TEST"]), ["Acme"]);
    assert_eq!(list(&["--contact", "buyer@globex.test"]), ["Globex"]);
    // A search finds names and contacts, ignoring case, each deal once.
    assert_eq!(list(&["--search", "BUYER"]), ["Globex"]);
    assert_eq!(list(&["--search", "acme"]), ["Acme"]);
    assert_eq!(list(&["--search", ".test"]), ["Acme", "Globex"]);
    // Shorter than a trigram: every name and contact is read.
    assert_eq!(list(&["--search", "o"]), ["Acme", "Globex", "Hooli"]);
    rex.ok(&["deal", "update", "Initech", "--contact", "ops@acme.test"]);
    assert_eq!(list(&["--search", "acme.test"]), ["Acme", "Initech"]);
    rex.ok(&["deal", "update", "Initech", "--contact", "ops@initech.test"]);
    assert_eq!(list(&["--search", "acme.test"]), ["Acme"]);
    // Comma lists and repeats alike; `active` in a list too.
    assert_eq!(
        list(&["--status", "open,won"]),
        ["Acme", "Hooli", "Initech"]
    );
    assert_eq!(
        list(&["--status", "open", "--status", "won"]),
        ["Acme", "Hooli", "Initech"]
    );
    assert_eq!(
        list(&["--status", "active,lost"]),
        ["Acme", "Globex", "Initech"]
    );
    // Statuses ignore case, as stages and owners do.
    assert_eq!(
        list(&["--status", "Open,WON"]),
        ["Acme", "Hooli", "Initech"]
    );
    assert_eq!(
        rex.fails(&["deal", "list", "--status", "open,wonn"], 2),
        "rex: invalid value 'wonn' for '--status <STATUS>' [possible values: open, won, lost, stalled, active] tip: a similar value exists: 'won'"
    );

    // Every other command that takes --owner.
    let today = rex.json(&["today", "--owner", "BEN"]);
    assert_eq!(names(&today["overdue"]), ["Acme"]);
    let board = rex.json(&["board", "--owner", "Ben"]);
    let discovery = &board["stages"][0];
    assert_eq!(
        (discovery["count"].clone(), discovery["value"].clone()),
        (json!(1), json!(10000))
    );
    assert_eq!(names(&discovery["deals"]), ["Acme"]);
    let forecast = rex.json(&["forecast", "--owner", "Ben"]);
    assert_eq!(
        (forecast[0]["period"].clone(), forecast[0]["count"].clone()),
        (json!("overdue"), json!(1))
    );
    let wins = rex.json(&["report", "wins", "--owner", "BEN"]);
    assert_eq!(
        (wins[0]["lost_count"].clone(), wins[0]["won_count"].clone()),
        (json!(1), json!(0))
    );
    let reasons = rex.json(&["report", "lost-reasons", "--owner", "ben"]);
    assert_eq!(
        reasons,
        json!([{"reason": "price", "count": 1, "value": 10000, "share": 1.0}])
    );
    rex.at("2026-05-02T09:00:00Z");
    assert_eq!(
        names(&rex.json(&["deal", "stalled", "--owner", "BEN"])),
        ["Acme"]
    );
    assert_eq!(
        names(&rex.json(&["deal", "stalled", "--owner", "Nobody"])),
        Vec::<String>::new()
    );
    assert_eq!(
        names(&rex.json(&["deal", "stalled", "--mark", "--owner", "Ben"])),
        ["Acme"]
    );
    assert_eq!(list(&["--status", "stalled"]), ["Acme"]);
}

/// Was: `rex deal note Globex will call -q back tomorrow` saved "will call back tomorrow"
/// (and went quiet), `price --json agreed` printed JSON, `ask about --db migration` opened a
/// database named migration, and `discount -5% agreed` failed. From the first word of the
/// note on, every word is the note; rex's own flags go before the deal or before the note.
#[test]
fn words_that_look_like_flags_are_part_of_the_note() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Globex", "--value", "1"]);
    let table = rex.ok(&[
        "deal", "note", "Globex", "will", "call", "-q", "back", "tomorrow",
    ]);
    assert!(table.contains("Globex"), "{table}");
    let table = rex.ok(&["deal", "note", "Globex", "price", "--json", "agreed"]);
    assert!(!table.starts_with('{'), "{table}");
    rex.ok(&[
        "deal",
        "note",
        "Globex",
        "ask",
        "about",
        "--db",
        "migration",
    ]);
    rex.ok(&["deal", "note", "Globex", "-5%", "agreed"]);
    rex.ok(&["deal", "note", "Globex", "--no-such-flag", "x"]);
    rex.ok(&["deal", "note", "Globex", "see", "--help"]);
    // Flags before the note are rex's: -q prints nothing, -o json the deal.
    assert_eq!(
        rex.ok(&["deal", "note", "Globex", "-q", "-o", "id", "quiet"]),
        format!("{id}\n")
    );
    let json = rex.ok(&["deal", "note", "Globex", "-o", "json", "json", "one"]);
    assert_eq!(
        serde_json::from_str::<Value>(&json).unwrap()["id"],
        id.as_str()
    );
    assert_eq!(
        notes(&rex, &id),
        [
            "will call -q back tomorrow",
            "price --json agreed",
            "ask about --db migration",
            "-5% agreed",
            "--no-such-flag x",
            "see --help",
            "quiet",
            "json one",
        ]
    );
    assert!(!rex.dir.path().join("migration").exists());
    // --help before any word of the note is help, and saves nothing.
    let before = rex.snapshot();
    let help = rex.ok(&["deal", "note", "Globex", "--help"]);
    assert!(
        help.starts_with("Record an activity note on a deal\n"),
        "{help}"
    );
    assert!(
        help.contains("Usage: rex deal note [OPTIONS] <DEAL> [TEXT|-]..."),
        "{help}"
    );
    assert_eq!(rex.snapshot(), before);
    // `-` alone still reads standard input, with flags before it.
    let out = with_stdin(
        &rex,
        &["deal", "note", "Globex", "-q", "-"],
        b"-q from stdin\n",
    );
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    assert_eq!(notes(&rex, &id).last().unwrap(), "-q from stdin");
    // After `-`, a word is a word of the note: "- -q" is the note, not standard input.
    rex.ok(&["deal", "note", "Globex", "-", "-q"]);
    assert_eq!(notes(&rex, &id).last().unwrap(), "- -q");
}

/// Was: a note from a file saved on Windows was refused ("control character U+000D"). A
/// CRLF becomes a newline, on standard input and in an argument; a lone CR is refused.
#[test]
fn windows_line_endings_in_a_note_become_newlines() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Acme", "--value", "1"]);
    let out = with_stdin(&rex, &["deal", "note", "Acme", "-"], b"windows\r\nline\r\n");
    assert!(out.status.success(), "{}", stderr(&out));
    rex.ok(&["deal", "note", "Acme", "a\r\nb"]);
    assert_eq!(notes(&rex, &id), ["windows\nline", "a\nb"]);
    let before = rex.snapshot();
    let out = with_stdin(&rex, &["deal", "note", "Acme", "-"], b"old\rmac\n");
    assert_eq!(
        (out.status.code(), stderr(&out)),
        (
            Some(2),
            "rex: the note contains the control character U+000D; use printable text".into()
        )
    );
    assert_eq!(
        rex.fails(&["deal", "note", "Acme", "a\rb"], 2),
        "rex: the note contains the control character U+000D; use printable text"
    );
    assert_eq!(rex.snapshot(), before);
}

/// Was: `REX_OWNER=$'bad\e[31m' rex deal note X hi` stored the escape as the actor (and
/// 500 characters whole), while `deal create` refused the same value. REX_OWNER is checked
/// by the owner's rules wherever rex uses it: every write (its actor, on either backend),
/// `deal create`'s owner, `rex today`'s "me". A read that does not use it still works.
#[test]
fn a_bad_rex_owner_is_refused_wherever_it_is_used() {
    let rex = Rex::new();
    rex.sales();
    rex.id(&["deal", "create", "Acme", "--value", "1"]);
    let long = "x".repeat(500);
    for (owner, line) in [
        (
            "bad\u{1b}[31m",
            "rex: REX_OWNER contains the control character U+001B; use printable text on one line",
        ),
        (
            long.as_str(),
            "rex: REX_OWNER is 500 characters long; the limit is 200",
        ),
        (
            "ana\nbo",
            "rex: REX_OWNER contains the control character U+000A; use printable text on one line",
        ),
    ] {
        for args in [
            &["deal", "note", "Acme", "hi"][..],
            &["deal", "create", "Globex", "--value", "1"],
            &["deal", "create", "Globex", "--value", "1", "--owner", "bo"],
            &["deal", "move", "Acme", "Proposal"],
            &["deal", "stalled", "--mark"],
            &["pipeline", "create", "Partners"],
            &["today"],
            &["today", "--all"],
        ] {
            let before = rex.snapshot();
            let out = rex
                .cmd()
                .env("REX_OWNER", owner)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(
                (out.status.code(), stderr(&out), out.stdout.is_empty()),
                (Some(2), line.to_string(), true),
                "{args:?}"
            );
            assert_eq!(rex.snapshot(), before, "{args:?}");
        }
        let out = rex
            .cmd()
            .env("REX_OWNER", owner)
            .args(["deal", "list", "-o", "id"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // An empty one is as good as none.
    as_owner(&rex, "  ", &["deal", "note", "Acme", "hi"]);
}

/// On PostgreSQL the server sets the actor of every event, also for a member who writes to
/// the table with psql: an INSERT naming someone else records the login, and an UPDATE of
/// the actor keeps the one recorded.
#[test]
fn on_postgresql_the_server_sets_the_actor_even_for_psql() {
    let rex = Rex::new();
    let Some(url) = rex.url.clone() else {
        return;
    };
    rex.sales();
    let id = rex.id(&["deal", "create", "Acme", "--value", "1"]);
    let login = crate::support::actor(&rex);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "INSERT INTO deal_events (deal_id, at, kind, details, actor)
                 VALUES ('{id}', '2026-01-01T00:00:00Z', 'note', '{{\"text\":\"forged\"}}', 'ana');
             UPDATE deal_events SET actor = 'ana';
             UPDATE deal_events SET actor = NULL;"
        ))
        .unwrap();
    let actors: Vec<Option<String>> = client
        .query("SELECT actor FROM deal_events ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(actors, [Some(login.clone()), Some(login)]);
}

/// `deal list --updated-since`: the deals updated at or after a time (RFC 3339, any offset;
/// a fraction of a second counts from the next whole one, as times are stored) or from the
/// start of a date in the local zone.
#[test]
fn list_updated_since_a_time_or_the_start_of_a_day() {
    let rex = Rex::new();
    rex.at(MON);
    rex.sales();
    let acme = rex.id(&["deal", "create", "Acme", "--value", "100"]);
    rex.at(TUE);
    rex.ok(&["deal", "create", "Globex", "--value", "200"]);
    rex.at(WED);
    rex.ok(&["deal", "note", &acme, "called"]);
    rex.at(THU);
    let list = |since: &str| {
        rex.ok(&[
            "deal",
            "list",
            "--updated-since",
            since,
            "--sort",
            "updated",
            "--fields",
            "name,updated_at",
            "-o",
            "tsv",
        ])
    };
    let both = "Globex\t2026-03-03T10:30:00Z\nAcme\t2026-03-04T14:00:00Z\n";
    let acme_only = "Acme\t2026-03-04T14:00:00Z\n";
    assert_eq!(list(TUE), both);
    assert_eq!(list("2026-03-03T11:30:00+01:00"), both);
    assert_eq!(list("2026-03-03T10:30:01Z"), acme_only);
    assert_eq!(list("2026-03-03T10:30:00.250Z"), acme_only);
    assert_eq!(list("2026-03-03"), both);
    assert_eq!(list("yesterday"), acme_only);
    assert_eq!(list(THU), "");
    // A date starts at midnight where rex runs: in Berlin, 2026-03-04 began at 23:00 UTC
    // the day before.
    let berlin = rex
        .cmd()
        .env("TZ", "Europe/Berlin")
        .args(["deal", "list", "--updated-since", "2026-03-04", "-o", "id"])
        .output()
        .unwrap();
    succeeded(&berlin);
    assert_eq!(
        String::from_utf8(berlin.stdout).unwrap(),
        format!("{acme}\n")
    );
    assert_eq!(
        rex.json(&["deal", "list", "--updated-since", WED, "--status", "active"])
            .as_array()
            .unwrap()
            .iter()
            .map(|d| s(&d["name"]))
            .collect::<Vec<_>>(),
        ["Acme"]
    );
    assert_eq!(
        rex.fails(&["deal", "list", "--updated-since", "2026-03-04 14:00"], 2),
        "rex: invalid value '2026-03-04 14:00' for '--updated-since <TIME>': invalid time '2026-03-04 14:00': use an RFC 3339 time like 2026-03-01T09:00:00Z, or a date: YYYY-MM-DD, or today, tomorrow, yesterday, +Nd, +Nw, +Nm (days, weeks, months from today), eom, eoq, eoy (end of month, quarter, year)"
    );
}
