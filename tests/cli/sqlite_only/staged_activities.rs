//! Activities in a staged import: loaded in hidden chunks with their deals, seen by no
//! command until the import is published, and gone with it when it fails or is killed.
//! Each test drives the import through a pipe it controls, as `staged.rs` does.

use std::io::Write;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{count, start_import, Rex};

/// `n` deals of pipeline Sales with fixed ids, each followed by an activity, and one more
/// activity on the deal `before` (a visible deal), due before anything it had.
fn deals_with_activities(n: usize, before: &str) -> String {
    let mut out = String::new();
    for i in 0..n {
        let deal = format!("deal_01kjt8c{i:019}");
        out.push_str(&format!(
            "{}\n{}\n",
            json!({"id": deal, "name": format!("Imported {i}"), "value": i, "pipeline_id": "Sales"}),
            json!({"id": format!("activity_01kjt8d{i:019}"), "deal_id": deal, "type": "call",
                   "subject": format!("Call {i}"), "due_date": "2026-03-03"}),
        ));
    }
    out.push_str(&format!(
        "{}\n",
        json!({"id": "activity_01kjt8e0000000000000000001", "deal_id": before,
               "subject": "Hidden", "due_date": "2026-03-01"})
    ));
    out
}

/// Waits until `n` activities of the import are committed (hidden) in the database.
fn wait_for_hidden_activities(import: &mut Child, db: &Path, n: i64) {
    let start = Instant::now();
    loop {
        if let Some(status) = import.try_wait().unwrap() {
            panic!("the import ended early ({status})");
        }
        let hidden = count(
            db,
            "SELECT count(*) FROM activity_rows
             WHERE batch IN (SELECT id FROM imports WHERE state = 'loading')",
        );
        if hidden == n {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the import committed {hidden} of {n} activities"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A database with deal Before and its one activity, and an import that has committed 300
/// deals and 301 activities, hidden, and waits for more: the export before it, the deal's
/// id, the import and its input.
fn half_way(rex: &Rex) -> (String, String, Child, std::process::ChildStdin) {
    rex.sales();
    let before = rex.id(&["deal", "create", "Before", "--value", "100"]);
    let visible = rex.file(
        "visible.jsonl",
        &format!(
            "{}\n",
            json!({"id": "activity_01kjt8e0000000000000000000", "deal_id": before,
                   "subject": "Visible", "due_date": "2026-03-10"})
        ),
    );
    rex.ok(&["import", &visible]);
    let export_before = rex.ok(&["export"]);
    let (mut import, mut pipe) = start_import(rex, &["-q"]);
    pipe.write_all(deals_with_activities(300, &before).as_bytes())
        .unwrap();
    pipe.flush().unwrap();
    wait_for_hidden_activities(&mut import, &rex.db, 301);
    (export_before, before, import, pipe)
}

/// The subject of a deal's next step as `deal show` prints it.
fn next_step(rex: &Rex, deal: &str) -> Value {
    rex.json(&["deal", "show", deal])["next_activity"]["subject"].clone()
}

#[test]
fn activities_of_an_import_under_way_are_seen_by_nobody_until_it_is_published() {
    let rex = Rex::new();
    let (export_before, before, import, pipe) = half_way(&rex);
    assert_eq!(rex.ok(&["export"]), export_before);
    assert_eq!(next_step(&rex, &before), "Visible");
    drop(pipe);
    let out = import.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(next_step(&rex, &before), "Hidden");
    let exported = rex.ok(&["export"]);
    let activities = exported
        .lines()
        .filter(|l| l.starts_with("{\"id\":\"activity_"))
        .count();
    assert_eq!(activities, 302);
}

#[test]
fn an_import_killed_part_way_leaves_no_visible_activity_and_the_next_import_clears_it() {
    let rex = Rex::new();
    let (export_before, before, mut import, _pipe) = half_way(&rex);
    import.kill().unwrap();
    import.wait().unwrap();
    assert_eq!(rex.ok(&["export"]), export_before);
    assert_eq!(next_step(&rex, &before), "Visible");
    // Two minutes later (the heartbeat is wall-clock time, so the test ages it), the next
    // import clears the dead one's rows, its activities with the rest.
    rusqlite::Connection::open(&rex.db)
        .unwrap()
        .execute("UPDATE imports SET heartbeat = heartbeat - 121", [])
        .unwrap();
    let one = rex.file(
        "one.jsonl",
        "{\"name\":\"After\",\"value\":1,\"pipeline_id\":\"Sales\"}\n",
    );
    rex.ok(&["import", &one]);
    assert_eq!(count(&rex.db, "SELECT count(*) FROM activity_rows"), 1);
    assert_eq!(count(&rex.db, "SELECT count(*) FROM deal_rows"), 2);
    assert_eq!(
        count(
            &rex.db,
            "SELECT count(*) FROM imports WHERE state != 'published'"
        ),
        0
    );
    assert_eq!(next_step(&rex, &before), "Visible");
}

#[test]
fn a_failing_import_discards_the_activities_it_had_committed() {
    let rex = Rex::new();
    let (export_before, before, import, mut pipe) = half_way(&rex);
    pipe.write_all(
        format!(
            "{}\n",
            json!({"deal_id": before, "subject": "Bad", "due_date": "2026-03-04",
                   "duration_minutes": -5})
        )
        .as_bytes(),
    )
    .unwrap();
    drop(pipe);
    let out = import.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: line 602: field 'duration_minutes': -5 is not from 1 to 10080 (a week); nothing was imported\n"
    );
    assert_eq!(rex.ok(&["export"]), export_before);
    assert_eq!(count(&rex.db, "SELECT count(*) FROM activity_rows"), 1);
    assert_eq!(count(&rex.db, "SELECT count(*) FROM deal_rows"), 1);
    // Not even the import's own record is left (the one before it was published).
    assert_eq!(
        count(
            &rex.db,
            "SELECT count(*) FROM imports WHERE state != 'published'"
        ),
        0
    );
    assert_eq!(next_step(&rex, &before), "Visible");
}

/// How many deals' next steps, kept on their rows (schema 19), differ from the one their
/// activities give now.
fn stale_next_steps(db: &Path) -> i64 {
    count(
        db,
        "SELECT count(*) FROM deal_rows d
         WHERE d.next_step IS NOT (
             SELECT json_array(a.id, a.type, a.subject, a.due_date, a.due_time)
             FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL
             ORDER BY a.due_date, a.due_time NULLS FIRST, a.created_at, a.id LIMIT 1)",
    )
}

/// The next step kept on a deal's row follows every change of its activities, whichever
/// command makes it: scheduling, rescheduling, done, undone, deleted, the deal deleted, a
/// staged import published, a bulk load into a new database (which works them out once), and
/// a row written by another program.
#[test]
fn the_next_step_kept_on_each_deal_follows_every_change_of_its_activities() {
    let rex = Rex::new();
    rex.at("2026-03-01T09:00:00Z");
    rex.sales();
    let acme = rex.id(&["deal", "create", "Acme", "--value", "100"]);
    let globex = rex.id(&["deal", "create", "Globex", "--value", "200"]);
    let steps = |rex: &Rex| -> Vec<Value> {
        assert_eq!(stale_next_steps(&rex.db), 0, "a kept next step is stale");
        rex.json(&["deal", "list", "--sort", "name"])
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["next_activity"]["subject"].clone())
            .collect()
    };
    assert_eq!(steps(&rex), [Value::Null, Value::Null]);
    rex.ok(&[
        "activity",
        "add",
        &acme,
        "Timed",
        "--due",
        "2026-03-05",
        "--at",
        "14:00",
    ]);
    assert_eq!(steps(&rex), [json!("Timed"), Value::Null]);
    // All day comes before a time on the same day.
    rex.ok(&["activity", "add", &acme, "All day", "--due", "2026-03-05"]);
    assert_eq!(steps(&rex), [json!("All day"), Value::Null]);
    rex.ok(&[
        "activity",
        "update",
        "all day",
        "--deal",
        &acme,
        "--due",
        "2026-03-09",
    ]);
    assert_eq!(steps(&rex), [json!("Timed"), Value::Null]);
    rex.ok(&["activity", "done", "timed", "--deal", &acme]);
    assert_eq!(steps(&rex), [json!("All day"), Value::Null]);
    rex.ok(&["activity", "undo", "timed", "--deal", &acme]);
    assert_eq!(steps(&rex), [json!("Timed"), Value::Null]);
    rex.ok(&["activity", "delete", "timed", "--deal", &acme, "--yes"]);
    assert_eq!(steps(&rex), [json!("All day"), Value::Null]);
    rex.ok(&["activity", "done", "all day", "--deal", &acme]);
    assert_eq!(steps(&rex), [Value::Null, Value::Null]);
    // An import into a database holding deals is staged, hidden until it is published.
    let later = rex.file(
        "later.jsonl",
        &format!(
            "{}\n{}\n",
            json!({"deal_id": globex, "subject": "Second", "due_date": "2026-03-20"}),
            json!({"deal_id": globex, "subject": "First", "due_date": "2026-03-10"}),
        ),
    );
    rex.ok(&["import", "-q", &later]);
    assert_eq!(steps(&rex), [Value::Null, json!("First")]);
    rex.ok(&["activity", "add", &acme, "Again", "--due", "2026-04-01"]);
    let export = rex.ok(&["export", "--all"]);
    // Loaded into a new database at once: the steps are worked out once for every deal.
    let copy = Rex::new();
    copy.at("2026-03-01T09:00:00Z");
    let file = copy.file("all.jsonl", &export);
    copy.ok(&["import", "-q", &file]);
    assert_eq!(steps(&copy), [json!("Again"), json!("First")]);
    rex.ok(&["deal", "delete", &acme, "--yes"]);
    assert_eq!(steps(&rex), [json!("First")]);
    // Written behind rex's back (the sqlite3 shell), too.
    rusqlite::Connection::open(&rex.db)
        .unwrap()
        .execute(
            "INSERT INTO activity_rows (id, deal_id, type, subject, due_date, created_at, updated_at)
             VALUES ('activity_01kjt8f0000000000000000000', ?1, 'call', 'By hand', '2026-03-02',
                     '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z')",
            [&globex],
        )
        .unwrap();
    assert_eq!(steps(&rex), [json!("By hand")]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    // Was: a REPLACE deletes the row it replaces without the delete trigger, and the insert
    // trigger passed over a row done: the deal kept "By hand" as its next step.
    conn.execute(
        "INSERT OR REPLACE INTO activity_rows
             (id, deal_id, type, subject, due_date, done_at, created_at, updated_at)
         VALUES ('activity_01kjt8f0000000000000000000', ?1, 'call', 'By hand', '2026-03-02',
                 '2026-03-01T10:00:00Z', '2026-03-01T09:00:00Z', '2026-03-01T10:00:00Z')",
        [&globex],
    )
    .unwrap();
    assert_eq!(steps(&rex), [json!("First")]);
    // Was: a new id was not among the columns whose update works the step out again.
    conn.execute(
        "UPDATE activity_rows SET id = 'activity_01kjt8f0000000000000000001' WHERE subject = 'First'",
        [],
    )
    .unwrap();
    assert_eq!(steps(&rex), [json!("First")]);
    // Was: only rex's own publish worked out the steps of an import's deals, so an import
    // by a rex from before schema 19, running while a newer rex upgraded the file, left them
    // stale when it published. Now the publish itself (the import's state) does it.
    conn.execute_batch(
        "INSERT INTO imports (id, state, started_at, heartbeat)
             VALUES (9000, 'loading', '2026-03-01T09:00:00Z', unixepoch());",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO activity_rows (id, deal_id, type, subject, due_date, created_at, updated_at, batch)
         VALUES ('activity_01kjt8f0000000000000000002', ?1, 'task', 'Imported', '2026-03-03',
                 '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z', 9000)",
        [&globex],
    )
    .unwrap();
    assert_eq!(steps(&rex), [json!("First")]);
    conn.execute_batch("UPDATE imports SET state = 'published' WHERE id = 9000")
        .unwrap();
    assert_eq!(steps(&rex), [json!("Imported")]);
    // Was: anything else that hid or showed an activity by hand left the step as it was:
    // an import set back to loading, an activity moved into a hidden import, an import's
    // record deleted (its rows shown).
    conn.execute_batch("UPDATE imports SET state = 'loading' WHERE id = 9000")
        .unwrap();
    assert_eq!(steps(&rex), [json!("First")]);
    conn.execute_batch("UPDATE activity_rows SET batch = 9000 WHERE subject = 'First'")
        .unwrap();
    assert_eq!(steps(&rex), [json!("Second")]);
    conn.execute_batch("DELETE FROM imports WHERE id = 9000")
        .unwrap();
    assert_eq!(steps(&rex), [json!("Imported")]);
    // Was: an import's record renumbered showed (or hid) its rows without a trigger.
    conn.execute_batch(
        "INSERT INTO imports (id, state, started_at, heartbeat)
             VALUES (9001, 'loading', '2026-03-01T09:00:00Z', unixepoch());
         UPDATE activity_rows SET batch = 9001 WHERE subject = 'Imported';",
    )
    .unwrap();
    assert_eq!(steps(&rex), [json!("First")]);
    conn.execute_batch("UPDATE imports SET id = 9002 WHERE id = 9001")
        .unwrap();
    assert_eq!(steps(&rex), [json!("Imported")]);
    // Was: a deal inserted after its activity (foreign keys deferred) had no next step.
    conn.execute("PRAGMA defer_foreign_keys = ON", []).unwrap();
    conn.execute_batch(&format!(
        "BEGIN;
         INSERT INTO activity_rows (id, deal_id, type, subject, due_date, created_at, updated_at)
             VALUES ('activity_01kjt8f0000000000000000003', 'deal_01kjt8f0000000000000000009',
                     'call', 'Before its deal', '2026-03-04',
                     '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z');
         INSERT INTO deal_rows ({0}) SELECT 'deal_01kjt8f0000000000000000009', 'Later', 'later',
             {1} FROM deal_rows WHERE id = '{globex}';
         COMMIT;",
        DEAL_COPY_COLUMNS.0, DEAL_COPY_COLUMNS.1
    ))
    .unwrap();
    assert_eq!(steps(&rex), [json!("Imported"), json!("Before its deal")]);
    // Was: a deal's id changed after its activities' kept no step; a row copied by hand
    // with another deal's step kept it.
    conn.execute_batch(
        "BEGIN;
         PRAGMA defer_foreign_keys = ON;
         UPDATE activity_rows SET deal_id = 'deal_01kjt8f000000000000000000a'
             WHERE deal_id = 'deal_01kjt8f0000000000000000009';
         UPDATE deal_rows SET id = 'deal_01kjt8f000000000000000000a'
             WHERE id = 'deal_01kjt8f0000000000000000009';
         COMMIT;",
    )
    .unwrap();
    assert_eq!(steps(&rex), [json!("Imported"), json!("Before its deal")]);
    conn.execute_batch(&format!(
        "INSERT INTO deal_rows ({0}, next_step) SELECT 'deal_01kjt8f000000000000000000b', 'Copy',
             'copy', {1}, next_step FROM deal_rows WHERE id = '{globex}';",
        DEAL_COPY_COLUMNS.0, DEAL_COPY_COLUMNS.1
    ))
    .unwrap();
    assert_eq!(
        steps(&rex),
        [Value::Null, json!("Imported"), json!("Before its deal")]
    );
}

/// The columns of a deal's row copied from another's by hand (all but id, name and
/// name_key, which the copy sets), as the INSERT names them and as the SELECT reads them.
const DEAL_COPY_COLUMNS: (&str, &str) = (
    "id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close, \
     owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at, closed_at, \
     close_reason, batch, probability, origin",
    "value, status, contact_id, pipeline_id, stage_id, expected_close, owner_id, metadata, \
     created_at, updated_at, last_activity_at, stage_entered_at, closed_at, close_reason, batch, \
     probability, origin",
);
