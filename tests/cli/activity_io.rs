//! Activities in exports and imports: `export` carries them as records of their own after
//! the deals, an import reads them back checked field by field (the round trip gives the
//! same bytes), a refused import leaves none behind, and `--upsert` replaces one as it
//! replaces a deal, its history saying what changed. Until `rex activity add` exists,
//! activities are made by importing them.

use serde_json::{json, Value};

use crate::support::{s, Rex};

const ACME: &str = "deal_01kjt8a0000000000000000001";
const GLOBEX: &str = "deal_01kjt8a0000000000000000002";
const CALL: &str = "activity_01kjt8b0000000000000000001";
const LUNCH: &str = "activity_01kjt8b0000000000000000002";
const QUOTE: &str = "activity_01kjt8b0000000000000000003";
const DEMO: &str = "activity_01kjt8b0000000000000000004";

/// Two deals of pipeline Sales, as records.
fn deal_lines() -> String {
    [
        json!({"id": ACME, "name": "Acme", "value": 500000, "pipeline_id": "Sales",
               "owner_id": "ann", "created_at": "2026-03-01T08:00:00Z"}),
        json!({"id": GLOBEX, "name": "Globex", "value": 120000, "pipeline_id": "Sales",
               "created_at": "2026-03-01T08:30:00Z"}),
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect()
}

/// Four activities, done and pending, with and without a time, duration, note and owner,
/// each exactly as an export writes it.
fn activities() -> Vec<Value> {
    vec![
        json!({"id": CALL, "deal_id": ACME, "type": "call", "subject": "Call the CFO",
               "due_date": "2026-03-05", "due_time": "14:00", "duration_minutes": 30,
               "owner_id": "ann", "note": "Ask about the budget\nand the timeline",
               "done": false, "done_at": null,
               "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}),
        json!({"id": LUNCH, "deal_id": ACME, "type": "lunch", "subject": "Lunch with Sam",
               "due_date": "2026-02-27", "due_time": "12:30", "duration_minutes": 90,
               "owner_id": null, "note": null,
               "done": true, "done_at": "2026-02-27T14:05:00Z",
               "created_at": "2026-02-20T10:00:00Z", "updated_at": "2026-02-27T14:05:00Z"}),
        json!({"id": QUOTE, "deal_id": GLOBEX, "type": "task", "subject": "Send the quote",
               "due_date": "2026-03-06", "due_time": null, "duration_minutes": null,
               "owner_id": null, "note": null, "done": false, "done_at": null,
               "created_at": "2026-03-02T09:10:00Z", "updated_at": "2026-03-02T09:10:00Z"}),
        json!({"id": DEMO, "deal_id": GLOBEX, "type": "meeting", "subject": "Demo",
               "due_date": "2026-03-01", "due_time": null, "duration_minutes": null,
               "owner_id": "bob", "note": "went well", "done": true,
               "done_at": "2026-03-01T16:00:00Z",
               "created_at": "2026-02-25T09:00:00Z", "updated_at": "2026-03-01T16:00:00Z"}),
    ]
}

/// JSON Lines of `records`.
fn lines(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// A database with pipeline Sales, the two deals (one with a note in its history) and the
/// four activities, imported in an order that is not the export's.
fn with_activities(rex: &Rex) {
    rex.sales();
    let mut acts = activities();
    acts.reverse();
    let file = rex.file("fixture.jsonl", &(deal_lines() + &lines(&acts)));
    let report = rex.json(&["import", &file]);
    assert_eq!(
        report,
        json!({"pipelines": 0, "deals": 2, "events": 0, "dry_run": false, "activities": 4})
    );
    rex.ok(&["deal", "note", ACME, "Spoke to the CFO's assistant"]);
}

/// The export's records of one kind: their `id`'s prefix, or history (`deal_id` and `at`).
fn records_of(export: &str, kind: &str) -> Vec<Value> {
    export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| match r["id"].as_str() {
            Some(id) => id.starts_with(&format!("{kind}_")),
            None => kind == "event",
        })
        .collect()
}

/// A deal's history as `deal history` prints it, without who recorded it (the system user
/// on SQLite, the role on PostgreSQL).
fn history(rex: &Rex, deal: &str) -> Vec<Value> {
    let mut events = rex.json(&["deal", "history", deal]);
    for e in events.as_array_mut().unwrap() {
        e.as_object_mut().unwrap().shift_remove("actor");
    }
    events.as_array().unwrap().clone()
}

#[test]
fn export_import_export_is_byte_identical_with_activities() {
    let rex = Rex::new();
    with_activities(&rex);
    let first = rex.ok(&["export"]);
    // Pipelines, deals, then the activities by id, then history.
    let kinds: Vec<String> = first
        .lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            match r["id"].as_str() {
                Some(id) => id.split('_').next().unwrap().to_string(),
                None => "event".to_string(),
            }
        })
        .collect();
    assert_eq!(
        kinds,
        ["pipeline", "deal", "deal", "activity", "activity", "activity", "activity", "event"]
    );
    assert_eq!(records_of(&first, "activity"), activities());
    for format in ["jsonl", "json"] {
        let exported = rex.ok(&["export", "-o", format]);
        let file = rex.file(&format!("export.{format}"), &exported);
        let copy = Rex::new();
        let report = copy.json(&["import", &file]);
        assert_eq!(
            report,
            json!({"pipelines": 1, "deals": 2, "events": 1, "dry_run": false, "activities": 4}),
            "{format}"
        );
        assert_eq!(copy.ok(&["export", "-o", format]), exported, "{format}");
    }
    // `--deals` is the deals alone, as before: no activities, no history.
    let deals = rex.ok(&["export", "--deals"]);
    assert_eq!(deals.lines().count(), 2);
    assert_eq!(records_of(&deals, "activity"), Vec::<Value>::new());
}

#[test]
fn an_import_whose_last_line_is_bad_leaves_no_activity_and_no_deal() {
    for holds_deals in [false, true] {
        let rex = Rex::new();
        rex.sales();
        if holds_deals {
            // A database with deals: SQLite loads in hidden chunks, published at the end.
            rex.ok(&["deal", "create", "Before", "--value", "100"]);
        }
        let before = rex.ok(&["export"]);
        let bad = json!({"deal_id": ACME, "subject": "Late", "due_date": "2026-03-09",
                         "due_time": "9pm"});
        let file = rex.file(
            "bad.jsonl",
            &(deal_lines() + &lines(&activities()) + &lines(&[bad])),
        );
        assert_eq!(
            rex.fails(&["import", &file], 2),
            "rex: line 7: field 'due_time': invalid time '9pm': use HH:MM on a 24-hour clock, like 14:00; nothing was imported",
            "holds deals: {holds_deals}"
        );
        assert_eq!(rex.ok(&["export"]), before, "holds deals: {holds_deals}");
        // The same file without its bad line: deals and their activities in one import.
        let good = rex.file("good.jsonl", &(deal_lines() + &lines(&activities())));
        assert_eq!(
            rex.json(&["import", &good]),
            json!({"pipelines": 0, "deals": 2, "events": 0, "dry_run": false, "activities": 4})
        );
        assert_eq!(
            records_of(&rex.ok(&["export"]), "activity"),
            activities(),
            "holds deals: {holds_deals}"
        );
    }
}

#[test]
fn an_activity_whose_deal_is_missing_is_refused_in_one_line() {
    let rex = Rex::new();
    with_activities(&rex);
    let missing = "deal_01kjt8a0000000000000000009";
    let orphan = json!({"deal_id": missing, "subject": "Call", "due_date": "2026-03-09"});
    let file = rex.file("orphan.jsonl", &lines(std::slice::from_ref(&orphan)));
    assert_eq!(
        rex.fails(&["import", &file], 3),
        format!("rex: line 1: field 'deal_id': no deal {missing} (deals must come before their activities); nothing was imported")
    );
    // Its deal later in the file is too late.
    let late = json!({"id": missing, "name": "Late", "value": 1});
    let file = rex.file("late.jsonl", &lines(&[orphan, late]));
    assert_eq!(
        rex.fails(&["import", &file], 3),
        format!("rex: line 1: field 'deal_id': no deal {missing} (deals must come before their activities); nothing was imported")
    );
}

#[test]
fn every_field_of_an_activity_is_checked_as_the_commands_check_it() {
    let rex = Rex::new();
    with_activities(&rex);
    let with = |extra: Value| {
        let mut r = json!({"deal_id": ACME, "subject": "Call", "due_date": "2026-03-09"});
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    let cases = [
        (json!({"id": CALL, "deal_id": ACME, "subject": "Again", "due_date": "2026-03-09"}), 4,
         format!("line 1: activity {CALL} already exists; use --upsert to replace it")),
        (json!({"id": "activity_bad", "deal_id": ACME}), 2,
         "line 1: field 'id': invalid activity id 'activity_bad': expected 'activity_' and 26 lower-case base32 characters, like activity_01jdqz7w3ef8ns6c0e5ywzm2ka".into()),
        (json!({"id": DEMO.replace("4", "5"), "subject": "Call", "due_date": "2026-03-09"}), 2,
         "line 1: field 'deal_id': it is missing".into()),
        (with(json!({"type": "visit"})), 2,
         "line 1: field 'type': unknown activity type 'visit'; use one of call, meeting, email, task, deadline, lunch".into()),
        (with(json!({"subject": "  "})), 2,
         "line 1: field 'subject': the subject is empty; give some text".into()),
        (with(json!({"subject": "two\nlines"})), 2,
         "line 1: field 'subject': the subject contains the control character U+000A; use printable text on one line".into()),
        (with(json!({"due_date": "2026-02-30"})), 2,
         "line 1: field 'due_date': '2026-02-30' is not a date like 2026-03-31".into()),
        (with(json!({"due_time": "24:00"})), 2,
         "line 1: field 'due_time': invalid time '24:00': use HH:MM on a 24-hour clock, like 14:00".into()),
        (with(json!({"duration_minutes": 0})), 2,
         "line 1: field 'duration_minutes': 0 is not from 1 to 10080 (a week)".into()),
        (with(json!({"duration_minutes": "30m"})), 2,
         "line 1: field 'duration_minutes': expected a whole number, got \"30m\"".into()),
        (with(json!({"owner_id": ""})), 2,
         "line 1: field 'owner_id': the owner is empty; give some text".into()),
        (with(json!({"note": "x".repeat(10_001)})), 2,
         "line 1: field 'note': the note is 10001 characters long; the limit is 10000".into()),
        (with(json!({"done": "yes"})), 2,
         "line 1: field 'done': expected true or false, got \"yes\"".into()),
        (with(json!({"done": false, "done_at": "2026-03-01T10:00:00Z"})), 2,
         "line 1: field 'done_at': a pending activity (done: false) has no done_at; leave it null".into()),
        (with(json!({"created_at": "yesterday"})), 2,
         "line 1: field 'created_at': 'yesterday' is not an RFC 3339 time like 2026-03-01T09:00:00Z".into()),
        (with(json!({"colour": "red"})), 2,
         "line 1: unknown field 'colour'".into()),
    ];
    for (record, code, line) in cases {
        let file = rex.file("one.jsonl", &lines(&[record]));
        assert_eq!(
            rex.fails(&["import", &file], code),
            format!("rex: {line}; nothing was imported")
        );
    }
}

#[test]
fn a_deal_list_with_next_activity_imports_and_the_field_is_ignored() {
    let rex = Rex::new();
    with_activities(&rex);
    let listed = rex.ok(&["deal", "list", "--sort", "name", "-o", "jsonl"]);
    let first: Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(
        first["next_activity"],
        json!({"id": CALL, "type": "call", "subject": "Call the CFO",
               "due_date": "2026-03-05", "due_time": "14:00"})
    );
    let copy = Rex::new();
    let pipelines = copy.file("pipelines.jsonl", &rex.ok(&["export", "--pipelines"]));
    copy.ok(&["import", &pipelines]);
    let file = copy.file("deals.jsonl", &listed);
    assert_eq!(
        copy.json(&["import", &file]),
        json!({"pipelines": 0, "deals": 2, "events": 0, "dry_run": false, "activities": 0})
    );
    assert_eq!(
        copy.ok(&["export", "--deals"]),
        rex.ok(&["export", "--deals"])
    );
    for deal in copy.json(&["deal", "list"]).as_array().unwrap() {
        assert_eq!(deal["next_activity"], Value::Null);
    }
}

#[test]
fn an_activity_without_an_id_is_scheduled_and_its_deal_name_is_a_label() {
    let rex = Rex::new();
    with_activities(&rex);
    rex.at("2026-03-03T11:00:00Z");
    let file = rex.file(
        "new.jsonl",
        &lines(&[
            json!({"deal_id": GLOBEX, "subject": " Check in ", "due_date": "2026-03-10",
                   "deal_name": "Whatever the list said"}),
            json!({"deal_id": GLOBEX, "type": "EMAIL", "subject": "Sent the deck",
                   "due_date": "2026-03-02", "done": true}),
        ]),
    );
    assert_eq!(
        rex.json(&["import", &file]),
        json!({"pipelines": 0, "deals": 0, "events": 0, "dry_run": false, "activities": 2})
    );
    let mut made = records_of(&rex.ok(&["export"]), "activity");
    made.retain(|a| !activities().iter().any(|known| known["id"] == a["id"]));
    let ids: Vec<String> = made.iter().map(|a| s(&a["id"])).collect();
    for a in &mut made {
        a["id"] = json!("…");
    }
    let now = "2026-03-03T11:00:00Z";
    let mut expected = vec![
        json!({"id": "…", "deal_id": GLOBEX, "type": "task", "subject": "Check in",
               "due_date": "2026-03-10", "due_time": null, "duration_minutes": null,
               "owner_id": null, "note": null, "done": false, "done_at": null,
               "created_at": now, "updated_at": now}),
        json!({"id": "…", "deal_id": GLOBEX, "type": "email", "subject": "Sent the deck",
               "due_date": "2026-03-02", "due_time": null, "duration_minutes": null,
               "owner_id": null, "note": null, "done": true, "done_at": now,
               "created_at": now, "updated_at": now}),
    ];
    // Ids are time-ordered and made within one millisecond: in either order.
    if made[0]["subject"] != expected[0]["subject"] {
        expected.reverse();
    }
    assert_eq!(made, expected);
    let (check_in, deck) = match made[0]["subject"] == "Check in" {
        true => (&ids[0], &ids[1]),
        false => (&ids[1], &ids[0]),
    };
    let history = history(&rex, GLOBEX);
    assert_eq!(
        history[history.len() - 3..],
        [
            json!({"deal_id": GLOBEX, "at": now, "kind": "activity_scheduled",
                   "activity_id": check_in, "type": "task", "subject": "Check in",
                   "due_date": "2026-03-10", "due_time": null}),
            json!({"deal_id": GLOBEX, "at": now, "kind": "activity_scheduled",
                   "activity_id": deck, "type": "email", "subject": "Sent the deck",
                   "due_date": "2026-03-02", "due_time": null}),
            json!({"deal_id": GLOBEX, "at": now, "kind": "activity_done",
                   "activity_id": deck, "type": "email", "subject": "Sent the deck",
                   "due_date": "2026-03-02", "due_time": null}),
        ]
    );
}

#[test]
fn an_upsert_replaces_an_activity_and_its_history_says_what_changed() {
    let rex = Rex::new();
    with_activities(&rex);
    let before = rex.ok(&["export"]);
    // The same records again change nothing, not even a time.
    let same = rex.file("same.jsonl", &lines(&activities()));
    assert_eq!(
        rex.json(&["import", "--upsert", &same]),
        json!({"pipelines": 0, "deals": 0, "events": 0, "dry_run": false, "activities": 4})
    );
    assert_eq!(rex.ok(&["export"]), before);

    rex.at("2026-03-04T08:00:00Z");
    let now = "2026-03-04T08:00:00Z";
    // The call moved to Friday at 10 and done; the lunch not done after all. Times the
    // records leave out are the activity's own, or now where it changed.
    let changed = [
        json!({"id": CALL, "deal_id": ACME, "type": "call", "subject": "Call the CFO",
               "due_date": "2026-03-06", "due_time": "10:00", "duration_minutes": 30,
               "owner_id": "ann", "note": "Ask about the budget\nand the timeline",
               "done": true}),
        json!({"id": LUNCH, "deal_id": ACME, "type": "lunch", "subject": "Lunch with Sam",
               "due_date": "2026-02-27", "due_time": "12:30", "duration_minutes": 90,
               "done": false}),
    ];
    let file = rex.file("changes.jsonl", &lines(&changed));
    assert_eq!(
        rex.json(&["import", "--upsert", &file]),
        json!({"pipelines": 0, "deals": 0, "events": 0, "dry_run": false, "activities": 2})
    );
    let acts = records_of(&rex.ok(&["export"]), "activity");
    let mut expected = activities();
    expected[0]["due_date"] = json!("2026-03-06");
    expected[0]["due_time"] = json!("10:00");
    expected[0]["done"] = json!(true);
    expected[0]["done_at"] = json!(now);
    expected[0]["updated_at"] = json!(now);
    expected[1]["done"] = json!(false);
    expected[1]["done_at"] = Value::Null;
    expected[1]["updated_at"] = json!(now);
    assert_eq!(acts, expected);
    let history = history(&rex, ACME);
    assert_eq!(
        history[history.len() - 3..],
        [
            json!({"deal_id": ACME, "at": now, "kind": "activity_rescheduled",
                   "activity_id": CALL, "type": "call", "subject": "Call the CFO",
                   "from_due_date": "2026-03-05", "from_due_time": "14:00",
                   "to_due_date": "2026-03-06", "to_due_time": "10:00"}),
            json!({"deal_id": ACME, "at": now, "kind": "activity_done",
                   "activity_id": CALL, "type": "call", "subject": "Call the CFO",
                   "due_date": "2026-03-06", "due_time": "10:00"}),
            json!({"deal_id": ACME, "at": now, "kind": "activity_undone",
                   "activity_id": LUNCH, "type": "lunch", "subject": "Lunch with Sam",
                   "due_date": "2026-02-27", "due_time": "12:30"}),
        ]
    );
    // An activity stays with its deal.
    let mut moved = activities()[2].clone();
    moved["deal_id"] = json!(ACME);
    let file = rex.file("moved.jsonl", &lines(&[moved]));
    assert_eq!(
        rex.fails(&["import", "--upsert", &file], 4),
        format!("rex: line 1: field 'deal_id': activity {QUOTE} belongs to deal {GLOBEX}; an activity stays with its deal (delete it and import a new one); nothing was imported")
    );
}
