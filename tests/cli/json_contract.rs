//! The JSON every existing command prints, snapshotted: what scripts rely on. Changes for
//! people at a terminal must leave these exactly as they are (new fields may be added).

use serde_json::Value;

use crate::support::{s, Rex};

/// Ids replaced by their kind and order of first appearance, so snapshots are stable.
fn stable(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap();
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = ["deal_", "pipeline_", "stage_", "activity_"]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
        .min()
    {
        let (at, n) = i;
        let end = at + n + 26;
        if end <= rest.len() && rest[at + n..end].bytes().all(|b| b.is_ascii_alphanumeric()) {
            let id = &rest[at..end];
            let k = match seen.iter().position(|x| x == id) {
                Some(k) => k,
                None => {
                    seen.push(id.to_string());
                    seen.len() - 1
                }
            };
            out.push_str(&rest[..at]);
            out.push_str(&format!("{}#{k}", &rest[at..at + n]));
            rest = &rest[end..];
        } else {
            out.push_str(&rest[..at + n]);
            rest = &rest[at + n..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_command_prints_the_same_json() {
    let rex = Rex::new();
    let mut all = serde_json::Map::new();
    let mut record = |name: &str, v: Value| {
        all.insert(name.to_string(), v);
    };
    record(
        "pipeline create",
        rex.json(&["pipeline", "create", "Sales"]),
    );
    record(
        "pipeline create stages",
        rex.json(&[
            "pipeline",
            "create",
            "Partners",
            "--stage",
            "Intro:#4f9dde",
            "--stage",
            "Pilot",
            "--stall-days",
            "45",
        ]),
    );
    let a = rex.json(&[
        "deal",
        "create",
        "Acme Corp",
        "--value",
        "5000",
        "--owner",
        "ana",
        "--contact",
        "cfo@acme.test",
        "--pipeline",
        "Sales",
        "--expected-close",
        "2026-03-31",
        "--meta",
        "seats:=25",
    ]);
    let id = s(&a["id"]);
    record("deal create", a);
    let b = rex.id(&[
        "deal",
        "create",
        "Globex",
        "--value",
        "100",
        "--pipeline",
        "Sales",
        "--stage",
        "Proposal",
    ]);
    record(
        "deal update",
        rex.json(&[
            "deal",
            "update",
            &id,
            "--value",
            "7500",
            "--meta",
            "tier=gold",
        ]),
    );
    record("deal move", rex.json(&["deal", "move", &id, "Proposal"]));
    record("deal note", rex.json(&["deal", "note", &id, "called"]));
    record(
        "deal close",
        rex.json(&["deal", "close", &b, "--won", "--reason", "signed"]),
    );
    record("deal reopen", rex.json(&["deal", "reopen", &b]));
    record("deal show", rex.json(&["deal", "show", &id]));
    // Who recorded each event is whoever runs the suite (or the server's login): shown so.
    let mut history = rex.json(&["deal", "history", &id]);
    for e in history.as_array_mut().unwrap() {
        assert_eq!(e["actor"], Value::from(crate::support::actor(&rex)), "{e}");
        e["actor"] = Value::from("<actor>");
    }
    record("deal history", history);
    record("deal list", rex.json(&["deal", "list"]));
    record(
        "deal list fields",
        rex.json(&["deal", "list", "--fields", "id,name,value"]),
    );
    rex.at("2026-05-01T09:00:00Z");
    record("deal stalled", rex.json(&["deal", "stalled"]));
    record(
        "deal stalled mark",
        rex.json(&["deal", "stalled", "--mark"]),
    );
    record("pipeline list", rex.json(&["pipeline", "list"]));
    record("pipeline show", rex.json(&["pipeline", "show", "Sales"]));
    record(
        "pipeline update",
        rex.json(&[
            "pipeline",
            "update",
            "Partners",
            "--add-stage",
            "Signed",
            "--stall-days",
            "20",
        ]),
    );
    let mut info = rex.json(&["info"]);
    info["database"] = Value::from("<db>");
    info["version"] = Value::from("<version>");
    info["schema_version"] = Value::from("<schema>");
    info["backend"] = Value::from("<backend>");
    record("info", info);
    let file = rex.dir.path().join("in.jsonl");
    std::fs::write(
        &file,
        "{\"name\":\"Imported\",\"value\":1,\"pipeline_id\":\"Sales\"}\n",
    )
    .unwrap();
    record("import", rex.json(&["import", file.to_str().unwrap()]));
    let export: Vec<Value> = rex
        .ok(&["export"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    record("export", Value::Array(export));
    // Activities last, so that every deal above keeps the JSON it had (no next step).
    rex.at("2026-05-02T09:00:00Z");
    let call = rex.json(&[
        "activity",
        "add",
        &id,
        "Call CFO",
        "--type",
        "call",
        "--due",
        "2026-05-05",
        "--at",
        "14:00",
        "--duration",
        "30m",
        "--note",
        "agenda",
    ]);
    let activity = s(&call["id"]);
    record("activity add", call);
    rex.json(&["activity", "add", &b, "Send contract"]);
    record("activity list", rex.json(&["activity", "list", "--all"]));
    record("activity show", rex.json(&["activity", "show", &activity]));
    rex.at("2026-05-03T09:00:00Z");
    record(
        "activity update",
        rex.json(&[
            "activity",
            "update",
            &activity,
            "--due",
            "2026-05-06",
            "--at",
            "none",
        ]),
    );
    record(
        "activity done",
        rex.json(&["activity", "done", &activity, "--note", "agreed"]),
    );
    record("activity undo", rex.json(&["activity", "undo", &activity]));
    // Where they show up (issue 29): today's activity sections, and the deals without one.
    rex.json(&[
        "activity",
        "add",
        &b,
        "Demo",
        "--type",
        "meeting",
        "--due",
        "2026-05-03",
        "--at",
        "10:00",
    ]);
    record("today", rex.json(&["today", "--all"]));
    record(
        "deal list --no-next-step",
        rex.json(&["deal", "list", "--no-next-step"]),
    );
    insta::assert_snapshot!("every_command_json", stable(&Value::Object(all)));
}
