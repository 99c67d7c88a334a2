//! A deal's text limits come from one place, `rex::record::DealText`: `deal create` and
//! `deal update` keep a text at its limit and refuse it one character past, with the same
//! reason, exit 2 and an unchanged database. The limits are read from `DealText`, so a
//! limit changed there changes every path tested here.
//!
//! An import holds a deal's texts to the same rules: it refuses the same texts with the same
//! bare reason, after its line and field, and keeps them at the limit.

use rex::record::DealText;

use crate::support::{s, Rex};

/// What `rex` prints when `text` is `n` characters long, past its limit.
fn too_long(text: DealText, n: usize) -> String {
    format!(
        "rex: {} is {n} characters long; the limit is {}",
        text.what(),
        text.limit()
    )
}

/// The arguments of a `deal create` and of a `deal update` of `deal` that set `text` to `value`.
fn create_and_update(text: DealText, value: &str, deal: &str) -> [Vec<String>; 2] {
    let set: Vec<String> = match text {
        DealText::Name => vec!["--name".into(), value.into()],
        DealText::Contact => vec!["--contact".into(), value.into()],
        DealText::Owner => vec!["--owner".into(), value.into()],
        DealText::MetaKey => vec!["--meta".into(), format!("{value}=x")],
        other => panic!("deal create and update do not set {other:?}"),
    };
    let mut create: Vec<String> = ["deal", "create"].map(String::from).to_vec();
    match text {
        DealText::Name => create.push(value.into()),
        _ => {
            create.push("Globex".into());
            create.extend(set.clone());
        }
    }
    create.extend(["--value".into(), "1".into()]);
    let mut update: Vec<String> = vec!["deal".into(), "update".into(), deal.into()];
    update.extend(set);
    [create, update]
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn create_and_update_share_each_limit() {
    let rex = Rex::new();
    rex.sales();
    let deal = rex.id(&["deal", "create", "Acme", "--value", "1"]);
    for text in [
        DealText::Name,
        DealText::Contact,
        DealText::Owner,
        DealText::MetaKey,
    ] {
        let limit = text.limit();
        let past = "x".repeat(limit + 1);
        let [create, update] = create_and_update(text, &past, &deal);
        let refused = too_long(text, limit + 1);
        assert_eq!(rex.fails(&strs(&create), 2), refused, "{text:?}");
        assert_eq!(rex.fails(&strs(&update), 2), refused, "{text:?}");

        // At the limit (with spaces around it, which are not counted), both keep it.
        let at = "y".repeat(limit);
        let [create, update] = create_and_update(text, &format!(" {at} "), &deal);
        let made = rex.json(&strs(&create));
        let updated = rex.json(&strs(&update));
        for d in [&made, &updated] {
            let kept = match text {
                DealText::Name => s(&d["name"]),
                DealText::Contact => s(&d["contact_id"]),
                DealText::Owner => s(&d["owner_id"]),
                _ => s(&d["metadata"][&at]),
            };
            let expected = if text == DealText::MetaKey { "x" } else { &at };
            assert_eq!(kept, expected, "{text:?}");
        }
    }
}

#[test]
fn the_limits_are_the_ones_rex_has_always_printed() {
    let rex = Rex::new();
    rex.sales();
    let deal = rex.id(&["deal", "create", "Acme", "--value", "1"]);
    let name = "n".repeat(201);
    assert_eq!(
        rex.fails(&["deal", "update", &deal, "--name", &name], 2),
        "rex: the deal name is 201 characters long; the limit is 200"
    );
    let key = "k".repeat(101);
    assert_eq!(
        rex.fails(
            &[
                "deal",
                "create",
                "Globex",
                "--value",
                "1",
                "--meta",
                &format!("{key}=x")
            ],
            2
        ),
        "rex: a metadata key is 101 characters long; the limit is 100"
    );
    let reason = "r".repeat(1001);
    assert_eq!(
        rex.fails(&["deal", "close", &deal, "--lost", "--reason", &reason], 2),
        "rex: the reason is 1001 characters long; the limit is 1000"
    );
}

#[test]
fn a_removed_key_a_close_reason_and_a_note_follow_their_limits() {
    let rex = Rex::new();
    rex.sales();
    let deal = rex.id(&["deal", "create", "Acme", "--value", "1"]);

    let key = DealText::MetaKey;
    let past = "k".repeat(key.limit() + 1);
    assert_eq!(
        rex.fails(&["deal", "update", &deal, "--unset-meta", &past], 2),
        too_long(key, key.limit() + 1)
    );
    let at = "k".repeat(key.limit());
    rex.ok(&["deal", "update", &deal, "--meta", &format!("{at}=x")]);
    let updated = rex.json(&["deal", "update", &deal, "--unset-meta", &at]);
    assert_eq!(updated["metadata"], serde_json::json!({}));

    let note = DealText::Note;
    let past = "n".repeat(note.limit() + 1);
    assert_eq!(
        rex.fails(&["deal", "note", &deal, &past], 2),
        too_long(note, note.limit() + 1)
    );
    rex.ok(&["deal", "note", &deal, &"n".repeat(note.limit())]);

    let reason = DealText::CloseReason;
    let past = "r".repeat(reason.limit() + 1);
    assert_eq!(
        rex.fails(&["deal", "close", &deal, "--won", "--reason", &past], 2),
        too_long(reason, reason.limit() + 1)
    );
    let at = "r".repeat(reason.limit());
    let closed = rex.json(&["deal", "close", &deal, "--won", "--reason", &at]);
    assert_eq!(s(&closed["close_reason"]), at);
}

/// A JSON Lines record of a deal whose `text` is `value`, and the field an import names
/// when it refuses it.
fn record(text: DealText, value: &str) -> (String, &'static str) {
    let v = serde_json::Value::String(value.into());
    let (line, field) = match text {
        DealText::Name => (serde_json::json!({"name": v, "value": 1}), "name"),
        DealText::Contact => (
            serde_json::json!({"name": "I", "value": 1, "contact_id": v}),
            "contact_id",
        ),
        DealText::Owner => (
            serde_json::json!({"name": "I", "value": 1, "owner_id": v}),
            "owner_id",
        ),
        DealText::Origin => (
            serde_json::json!({"name": "I", "value": 1, "origin": v}),
            "origin",
        ),
        DealText::CloseReason => (
            serde_json::json!({"name": "I", "value": 1, "status": "lost", "close_reason": v}),
            "close_reason",
        ),
        DealText::MetaKey => (
            serde_json::json!({"name": "I", "value": 1, "metadata": {value: "x"}}),
            "metadata",
        ),
        DealText::Note => panic!("an imported deal has no note"),
    };
    (format!("{line}\n"), field)
}

#[test]
fn an_import_holds_a_deals_texts_to_the_same_limits() {
    for text in [
        DealText::Name,
        DealText::Contact,
        DealText::Owner,
        DealText::Origin,
        DealText::CloseReason,
        DealText::MetaKey,
    ] {
        let rex = Rex::new();
        rex.sales();
        let limit = text.limit();
        let (line, field) = record(text, &"x".repeat(limit + 1));
        let file = rex.file("past.jsonl", &line);
        assert_eq!(
            rex.fails(&["import", &file], 2),
            format!(
                "rex: line 1: field '{field}': {} is {} characters long; the limit is {limit}; nothing was imported",
                text.what(),
                limit + 1
            ),
            "{text:?}"
        );

        let at = "y".repeat(limit);
        let (line, _) = record(text, &format!(" {at} "));
        let file = rex.file("at.jsonl", &line);
        rex.ok(&["import", &file]);
        let d = rex.json(&["deal", "list"])[0].clone();
        let kept = match text {
            DealText::Name => s(&d["name"]),
            DealText::Contact => s(&d["contact_id"]),
            DealText::Owner => s(&d["owner_id"]),
            DealText::Origin => s(&d["origin"]),
            DealText::CloseReason => s(&d["close_reason"]),
            _ => s(&d["metadata"][&at]),
        };
        let expected = if text == DealText::MetaKey { "x" } else { &at };
        assert_eq!(kept, expected, "{text:?}");
    }
}

#[test]
fn an_import_refuses_a_metadata_key_given_twice_once_trimmed() {
    let rex = Rex::new();
    rex.sales();
    let file = rex.file(
        "twice.jsonl",
        "{\"name\":\"I\",\"value\":1,\"metadata\":{\"a\":1,\" a \":2}}\n",
    );
    assert_eq!(
        rex.fails(&["import", &file], 2),
        "rex: line 1: field 'metadata': the key 'a' is given twice (once with spaces around it); give it once; nothing was imported"
    );
}
