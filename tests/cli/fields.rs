//! The deal's fields as every list of them shows them: `rex help formatting`, the JSON of
//! `deal show`, the export's CSV header and what `--fields` takes are the same names in the
//! same order (they once drifted: the help left out `probability`). A printed deal ends
//! with its stage's and pipeline's names, which an export leaves out, and gives its value in
//! dollars (`value_dollars`) when `--fields` names it.

use serde_json::{json, Value};

use crate::support::{s, Rex};

/// The deal fields `rex help formatting` lists, in order.
fn help_fields(rex: &Rex) -> Vec<String> {
    let help = rex.ok(&["help", "formatting"]);
    let block = help
        .split("\nDeal fields")
        .nth(1)
        .expect("rex help formatting has a Deal fields section");
    block
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A field's line starts two spaces in; its text, continued, further in.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

/// The keys of a JSON object, in order.
fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect()
}

/// A rex holding one deal with every field set, `origin` too (which only a deal imported
/// from another CRM has): its `deal show -o json`.
fn full_deal(rex: &Rex) -> Value {
    rex.sales();
    rex.ok(&[
        "deal",
        "create",
        "Acme",
        "--value",
        "5000",
        "--contact",
        "ana@acme.test",
        "--owner",
        "bo",
        "--expected-close",
        "2026-04-30",
        "--probability",
        "35",
        "--meta",
        "size=large",
    ]);
    rex.ok(&["deal", "close", "Acme", "--lost", "--reason", "price"]);
    // The same deal again, imported as from another CRM.
    let export = rex.ok(&["export"]);
    let with_origin: Vec<String> = export
        .lines()
        .map(|line| {
            let mut record: Value = serde_json::from_str(line).unwrap();
            if record.get("stage_id").is_some() {
                record["origin"] = Value::from("hubspot:123");
            }
            record.to_string()
        })
        .collect();
    let other = Rex::new();
    let file = other.file("export.jsonl", &(with_origin.join("\n") + "\n"));
    other.ok(&["import", &file]);
    let shown = other.json(&["deal", "show", "Acme"]);
    assert_eq!(shown["origin"], "hubspot:123", "{shown}");
    shown
}

/// The fields listed before `last` (the stored ones end with origin).
fn up_to(listed: &[String], last: &str) -> Vec<String> {
    let end = listed.iter().position(|f| f == last).expect("listed") + 1;
    listed[..end].to_vec()
}

#[test]
fn help_formatting_lists_exactly_the_fields_deal_show_prints() {
    let rex = Rex::new();
    let listed = help_fields(&rex);
    assert!(listed.contains(&"probability".to_string()), "{listed:?}");
    // Every field but value_dollars, which only --fields asks for, and which comes last.
    assert_eq!(listed.last().map(String::as_str), Some("value_dollars"));
    let printed = listed[..listed.len() - 1].to_vec();
    assert_eq!(keys(&full_deal(&rex)), printed);
    // A deal not imported from another CRM has no origin, and every other field.
    let shown = rex.json(&["deal", "show", "Acme"]);
    let without_origin: Vec<String> = printed.iter().filter(|f| *f != "origin").cloned().collect();
    assert_eq!(keys(&shown), without_origin);
}

#[test]
fn the_export_header_and_fields_are_the_listed_fields() {
    let rex = Rex::new();
    let listed = help_fields(&rex);
    rex.sales();
    rex.ok(&["deal", "create", "Acme", "--value", "5000"]);
    let csv = rex.ok(&["export", "--deals", "-o", "csv"]);
    let header: Vec<String> = csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    // The stored fields: what import reads back.
    assert_eq!(header, up_to(&listed, "origin"));
    // `--fields` takes each of them, and names them all, in order, for one it does not.
    for field in &listed {
        rex.ok(&["deal", "list", "--fields", field, "-o", "tsv"]);
    }
    let refused = rex.fails(&["deal", "list", "--fields", "nope"], 2);
    let valid = refused
        .split("valid fields: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{refused}"));
    let valid: Vec<String> = valid.split(", ").map(String::from).collect();
    assert_eq!(valid, listed);
}

/// Three deals of 48,000.00, 0 and 0.05 dollars in "Sales" (Proposal, Discovery, Proposal).
fn three_deals(rex: &Rex) {
    rex.sales();
    for (name, value, stage) in [
        ("Acme", "48000", "Proposal"),
        ("Free", "0", "Discovery"),
        ("Nickel", "0.05", "Proposal"),
    ] {
        rex.ok(&["deal", "create", name, "--value", value, "--stage", stage]);
    }
}

#[test]
fn value_dollars_is_two_decimals_without_separators_in_every_format() {
    let rex = Rex::new();
    three_deals(&rex);
    let list = |format: &str| {
        rex.ok(&[
            "deal",
            "list",
            "--sort",
            "name",
            "--fields",
            "name,value_dollars,stage_name,pipeline_name",
            "-o",
            format,
        ])
    };
    assert_eq!(
        rex.json(&[
            "deal",
            "list",
            "--sort",
            "name",
            "--fields",
            "name,value_dollars"
        ]),
        json!([
            {"name": "Acme", "value_dollars": "48000.00"},
            {"name": "Free", "value_dollars": "0.00"},
            {"name": "Nickel", "value_dollars": "0.05"},
        ])
    );
    assert_eq!(
        list("csv"),
        "name,value_dollars,stage_name,pipeline_name\n\
         Acme,48000.00,Proposal,Sales\n\
         Free,0.00,Discovery,Sales\n\
         Nickel,0.05,Proposal,Sales\n"
    );
    assert_eq!(
        list("tsv"),
        "Acme\t48000.00\tProposal\tSales\n\
         Free\t0.00\tDiscovery\tSales\n\
         Nickel\t0.05\tProposal\tSales\n"
    );
    assert_eq!(
        rex.ok(&[
            "deal",
            "show",
            "Nickel",
            "--fields",
            "value_dollars",
            "-o",
            "jsonl"
        ]),
        "{\"value_dollars\":\"0.05\"}\n"
    );
    // Not in the default JSON: money there is integer cents, one field for one amount.
    let shown = rex.json(&["deal", "show", "Acme"]);
    assert_eq!(shown.get("value_dollars"), None);
    assert_eq!(shown["value"], 4800000);
    // A stalled deal takes it too.
    rex.at("2026-12-31T09:00:00Z");
    let stalled = rex.json(&["deal", "stalled", "--fields", "name,value_dollars"]);
    let acme = stalled
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Acme");
    assert_eq!(
        acme,
        Some(&json!({"name": "Acme", "value_dollars": "48000.00"}))
    );
}

/// Every deal object in JSON and JSON Lines ends with the names of its stage and pipeline
/// and its next step, after every field it had: show, create, list, stalled (after
/// idle_days and stall_days), today and board.
#[test]
fn every_printed_deal_ends_with_its_stage_and_pipeline_names() {
    let rex = Rex::new();
    three_deals(&rex);
    let ends_with_names = |deal: &Value, stage: &str| {
        let k = keys(deal);
        assert_eq!(
            k[k.len() - 3..],
            ["stage_name", "pipeline_name", "next_activity"],
            "{deal}"
        );
        assert_eq!(
            (&deal["stage_name"], &deal["pipeline_name"]),
            (&json!(stage), &json!("Sales")),
            "{deal}"
        );
    };
    let created = rex.json(&[
        "deal", "create", "Globex", "--value", "1", "--stage", "Proposal",
    ]);
    ends_with_names(&created, "Proposal");
    let moved = rex.json(&["deal", "move", "Globex", "Negotiation"]);
    ends_with_names(&moved, "Negotiation");
    ends_with_names(&rex.json(&["deal", "show", "Free"]), "Discovery");
    for d in rex
        .json(&["deal", "list", "--stage", "Proposal"])
        .as_array()
        .unwrap()
    {
        ends_with_names(d, "Proposal");
    }
    let jsonl = rex.ok(&["deal", "list", "--stage", "Discovery", "-o", "jsonl"]);
    ends_with_names(&serde_json::from_str(&jsonl).unwrap(), "Discovery");
    let board = rex.json(&["board"]);
    let first = &board["stages"][0]["deals"][0];
    ends_with_names(first, "Discovery");
    rex.at("2026-12-31T09:00:00Z");
    let stalled = &rex.json(&["deal", "stalled"])[0];
    let k = keys(stalled);
    assert_eq!(
        k[k.len() - 5..],
        [
            "idle_days",
            "stall_days",
            "stage_name",
            "pipeline_name",
            "next_activity"
        ],
        "{stalled}"
    );
    let marked = &rex.json(&["deal", "stalled", "--mark"])[0];
    assert_eq!(keys(marked), k);
    let today = rex.json(&["today", "--all"]);
    let stalled_today = &today["stalled"][0];
    let stage = s(&stalled_today["stage_name"]);
    ends_with_names(stalled_today, &stage);
}

/// A CSV of `deal list` imports whatever fields `--fields` asked for: the names place a
/// deal that has no ids, value_dollars is its amount, and both notations of one amount
/// are taken when they agree (and refused when they do not, as guessing would be).
#[test]
fn a_deal_list_csv_with_the_printed_fields_imports() {
    let rex = Rex::new();
    three_deals(&rex);
    let fields = "name,value,value_dollars,stage_name,pipeline_name";
    let csv = rex.ok(&[
        "deal", "list", "--sort", "name", "--fields", fields, "-o", "csv",
    ]);
    let other = Rex::new();
    other.sales();
    let file = other.file("deals.csv", &csv);
    other.ok(&["import", &file]);
    assert_eq!(
        other.ok(&["deal", "list", "--sort", "name", "--fields", fields, "-o", "csv"]),
        csv
    );
    // The default CSV of deal list (ids and names) imports into a copy of its database.
    let whole = rex.ok(&["deal", "list", "-o", "csv"]);
    let replaced = rex.file("whole.csv", &whole);
    rex.ok(&["import", &replaced, "--upsert"]);
    assert_eq!(rex.ok(&["deal", "list", "-o", "csv"]), whole);
    let wrong = other.file("wrong.csv", "name,value,value_dollars\nOdd,100,2.00\n");
    assert_eq!(
        other.fails(&["import", &wrong], 2),
        "rex: line 2: field 'value_dollars': '2.00' is not the same amount as value; give value or value_dollars, not both, or both alike; nothing was imported"
    );
}
