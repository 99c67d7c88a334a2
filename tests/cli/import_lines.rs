//! A JSON Lines record is read without a map of owned keys (its text borrowed from the
//! line): it must refuse what the strict parser refuses, with the same one-line message
//! naming the line and the field, and keep what it accepts exactly as that parser reads it
//! (escaped text, numbers past 64 bits, nested objects, the order of a history entry's
//! details).

use serde_json::{json, Value};

use crate::support::Rex;

const DEAL: &str = "deal_01kjt8a0000000000000000001";

/// Imports `lines` into a database with pipeline Sales; the refusal it prints.
fn refused(lines: &str) -> String {
    let rex = Rex::new();
    rex.sales();
    let file = rex.file("in.jsonl", &format!("{lines}\n"));
    rex.fails(&["import", &file], 2)
}

#[test]
fn a_line_is_refused_as_the_strict_parser_refuses_it() {
    let deal = format!(r#"{{"id":"{DEAL}","name":"A","value":1}}"#);
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    let cases = [
        // A key given twice, at the top (even once null, or spelled with an escape) or deeper.
        (
            r#"{"name":"A","value":1,"name":"B"}"#.to_string(),
            "line 1: field 'name' is given twice; give each key once",
        ),
        (
            r#"{"name":"A","value":1,"contact_id":null,"contact_id":"x"}"#.into(),
            "line 1: field 'contact_id' is given twice; give each key once",
        ),
        (
            r#"{"name":"A","value":1,"n\u0061me":"B"}"#.into(),
            "line 1: field 'name' is given twice; give each key once",
        ),
        (
            r#"{"name":"A","value":1,"metadata":{"k":1,"k":2}}"#.into(),
            "line 1: field 'metadata.k' is given twice; give each key once",
        ),
        (
            format!(
                "{deal}\n{}",
                json!({"deal_id": DEAL, "at": "2026-01-01T00:00:00Z", "kind": "note", "text": "a"})
                    .to_string()
                    .replace(r#""text":"a""#, r#""text":"a","text":"b""#)
            ),
            "line 2: field 'text' is given twice; give each key once",
        ),
        // Numbers as text, text as numbers, and numbers that are not whole cents.
        (
            r#"{"name":"A","value":"100"}"#.into(),
            r#"line 1: field 'value': expected whole cents like 500000, got "100""#,
        ),
        (
            r#"{"name":"A","value":1,"probability":"50"}"#.into(),
            r#"line 1: field 'probability': expected a whole number, got "50""#,
        ),
        (
            r#"{"name":5,"value":1}"#.into(),
            "line 1: field 'name': expected text, got 5",
        ),
        (
            r#"{"name":{"a":[1,2]},"value":1}"#.into(),
            r#"line 1: field 'name': expected text, got {"a":[1,2]}"#,
        ),
        (
            r#"{"name":"A","value":1,"status":true}"#.into(),
            "line 1: field 'status': expected text, got true",
        ),
        (
            r#"{"name":"A","value":1.0}"#.into(),
            "line 1: field 'value': expected whole cents like 500000, got 1.0",
        ),
        (
            r#"{"name":"A","value":18446744073709551615}"#.into(),
            "line 1: field 'value': expected whole cents like 500000, got 18446744073709551615",
        ),
        (
            format!(
                "{deal}\n{}",
                json!({"deal_id": DEAL, "subject": "Call", "due_date": "2026-03-02", "done": "yes"})
            ),
            r#"line 2: field 'done': expected true or false, got "yes""#,
        ),
        // Not an object, not JSON, too deep, unknown.
        ("[1,2]".into(), "line 1: expected a JSON object"),
        (r#""x""#.into(), "line 1: expected a JSON object"),
        (
            r#"{"name": "A", "value": 1,"#.into(),
            "line 1: not valid JSON (EOF while parsing a value at line 1 column 25)",
        ),
        (
            r#"{"name":"A","value":1} x"#.into(),
            "line 1: not valid JSON (trailing characters at line 1 column 24)",
        ),
        (
            r#"{"name":"A","value":1,"metadata":{"x":1e400}}"#.into(),
            "line 1: not valid JSON (number out of range at line 1 column 43)",
        ),
        (
            format!(r#"{{"name":"A","value":1,"metadata":{{"k":{deep}}}}}"#),
            "line 1: field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON",
        ),
        (
            format!(r#"{{"name":"A","value":1,"x":{deep}}}"#),
            "line 1: field 'x' nests deeper than 32 levels, the limit for stored JSON",
        ),
        (
            r#"{"zeta":1,"name":"A","alpha":2,"value":1}"#.into(),
            "line 1: unknown field 'zeta'",
        ),
        ("{}".into(), "line 1: field 'name': it is missing"),
    ];
    for (lines, message) in cases {
        assert_eq!(
            refused(&lines),
            format!("rex: {message}; nothing was imported"),
            "{lines}"
        );
    }
}

/// The records `rex export` prints, by kind: deals, then history entries.
fn exported(rex: &Rex) -> (Vec<Value>, Vec<Value>) {
    let lines: Vec<Value> = rex
        .ok(&["export"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let deals = lines
        .iter()
        .filter(|v| v["id"].as_str().is_some_and(|id| id.starts_with("deal_")))
        .cloned()
        .collect();
    // Who recorded an entry is the database's to say (not compared here).
    let events = lines
        .iter()
        .filter(|v| v.get("kind").is_some())
        .map(|v| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().shift_remove("actor");
            v
        })
        .collect();
    (deals, events)
}

#[test]
fn escaped_text_big_numbers_and_nested_metadata_are_kept_as_given() {
    let rex = Rex::new();
    rex.sales();
    let lines = [
        format!(
            r#"{{"id":"{DEAL}","na\u006de":"Caf\u00e9 \"x\" \\ \/","value":1,"owner_id":"a\/b\u0020c","contact_id":"\ud83d\ude00","status":null,"closed_at":null,"metadata":{{"z":18446744073709551615,"big":123456789012345678901234567890,"neg":-9223372036854775808,"f":0.1,"e":1.5e3,"nested":{{"b":[1,{{"y":2,"x":1}}],"a":null}},"s":"t\u00e9"}}}}"#
        ),
        format!(
            r#"{{"deal_id":"{DEAL}","at":"2026-01-01T10:00:00+02:00","kind":"note","zz":"\u00e9","text":"hi \"there\"","aa":{{"y":1,"x":[2]}},"actor":"someone"}}"#
        ),
    ];
    let file = rex.file("in.jsonl", &(lines.join("\n") + "\n"));
    rex.ok(&["import", &file]);
    let (deals, events) = exported(&rex);
    assert_eq!(deals.len(), 1);
    let d = &deals[0];
    assert_eq!(
        (&d["name"], &d["owner_id"], &d["contact_id"], &d["status"]),
        (
            &json!("Café \"x\" \\ /"),
            &json!("a/b c"),
            &json!("\u{1F600}"),
            &json!("open")
        )
    );
    assert_eq!(
        d["metadata"],
        json!({
            "big": 1.2345678901234568e29,
            "e": 1500.0,
            "f": 0.1,
            "neg": i64::MIN,
            "nested": {"a": null, "b": [1, {"x": 1, "y": 2}]},
            "s": "té",
            "z": u64::MAX,
        })
    );
    // Metadata keys are stored sorted, at every level.
    let keys: Vec<&String> = d["metadata"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["big", "e", "f", "neg", "nested", "s", "z"]);
    assert_eq!(
        events,
        [json!({
            "deal_id": DEAL, "at": "2026-01-01T08:00:00Z", "kind": "note",
            "zz": "é", "text": "hi \"there\"", "aa": {"y": 1, "x": [2]},
        })]
    );
}

/// A line of 200,000 keys is refused for its first unknown one, as before, and a key given
/// twice among many is still found (the strict way reads a line of more keys than a record
/// has: comparing each key with those before it took minutes).
#[test]
fn a_line_of_many_keys_is_refused_for_what_is_wrong_with_it() {
    let keys = |n: usize| -> String { (0..n).map(|i| format!(r#","k{i}":1"#)).collect() };
    assert_eq!(
        refused(&format!(r#"{{"name":"A","value":1{}}}"#, keys(200_000))),
        "rex: line 1: unknown field 'k0'; nothing was imported"
    );
    assert_eq!(
        refused(&format!(
            r#"{{"name":"A","value":1{},"name":"B"}}"#,
            keys(100)
        )),
        "rex: line 1: field 'name' is given twice; give each key once; nothing was imported"
    );
}
