//! The deal's fields as every list of them shows them: `rex help formatting`, the JSON of
//! `deal show`, the export's CSV header and what `--fields` takes are the same names in the
//! same order (they once drifted: the help left out `probability`).

use serde_json::Value;

use crate::support::Rex;

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

#[test]
fn help_formatting_lists_exactly_the_fields_deal_show_prints() {
    let rex = Rex::new();
    let listed = help_fields(&rex);
    assert!(listed.contains(&"probability".to_string()), "{listed:?}");
    assert_eq!(keys(&full_deal(&rex)), listed);
    // A deal not imported from another CRM has no origin, and every other field.
    let shown = rex.json(&["deal", "show", "Acme"]);
    let without_origin: Vec<String> = listed.iter().filter(|f| *f != "origin").cloned().collect();
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
    assert_eq!(header, listed);
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
