//! `rex activity`: next steps on deals, as a salesperson schedules, lists, reschedules and
//! completes them; the exact JSON of each command, the confirmation lines, the list's order
//! and filters, and the calendar (`-o ics`) read back with a parser.

use std::process::Output;

use icalendar::{CalendarDateTime, DatePerhapsTime};
use serde_json::{json, Value};

use crate::support::{s, stderr, Rex, T0};

/// Runs rex with `env` added (`TZ`, `REX_OWNER`).
fn run_with(rex: &Rex, env: &[(&str, &str)], args: &[&str]) -> Output {
    rex.std_cmd()
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run rex")
}

/// Stdout of a command that must succeed with `env` added.
fn ok_with(rex: &Rex, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = run_with(rex, env, args);
    assert!(
        out.status.success(),
        "rex {args:?} with {env:?} failed: {}",
        stderr(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON a command prints with `env` added.
fn json_with(rex: &Rex, env: &[(&str, &str)], args: &[&str]) -> Value {
    let mut all = vec!["-o", "json"];
    all.extend(args);
    serde_json::from_str(&ok_with(rex, env, &all)).unwrap()
}

/// A pipeline, and deals Acme Corp (ana's) and Globex (nobody's); their ids.
fn two_deals(rex: &Rex) -> (String, String) {
    rex.sales();
    let acme = rex.id(&[
        "deal",
        "create",
        "Acme Corp",
        "--value",
        "5000",
        "--owner",
        "ana",
    ]);
    let globex = rex.id(&["deal", "create", "Globex", "--value", "100"]);
    (acme, globex)
}

/// The reference tables show for an id: its last seven characters (ids of one test do not
/// share them).
fn short(id: &str) -> &str {
    &id[id.len() - 7..]
}

/// Schedules an activity (args after `activity add`) and returns its id.
fn add(rex: &Rex, args: &[&str]) -> String {
    let mut all = vec!["activity", "add"];
    all.extend(args);
    rex.id(&all)
}

/// The subjects of a list.
fn subjects(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| s(&a["subject"]))
        .collect()
}

fn list(rex: &Rex, args: &[&str]) -> Vec<String> {
    let mut all = vec!["activity", "list"];
    all.extend(args);
    subjects(&rex.json(&all))
}

#[test]
fn add_confirms_in_one_line_and_prints_the_activity_in_json() {
    let rex = Rex::new();
    let (acme, globex) = two_deals(&rex);
    let line = rex.ok(&[
        "-o",
        "table",
        "activity",
        "add",
        "Acme",
        "Call CFO",
        "--type",
        "call",
        "--due",
        "2026-03-05",
        "--at",
        "14:00",
    ]);
    assert_eq!(
        line,
        format!(
            "scheduled call \"Call CFO\" for Acme Corp ({}) on Thu 2026-03-05 14:00\n",
            short(&acme)
        )
    );
    let added = rex.json(&[
        "activity",
        "add",
        short(&globex),
        "Send the quote",
        "--due",
        "+2d",
        "--duration",
        "1h30m",
        "--note",
        "v2, with the discount\nand the terms",
    ]);
    let id = s(&added["id"]);
    assert!(id.starts_with("activity_"), "{id}");
    assert_eq!(
        added,
        json!({
            "id": id,
            "deal_id": globex,
            "type": "task",
            "subject": "Send the quote",
            "due_date": "2026-03-04",
            "due_time": null,
            "duration_minutes": 90,
            "owner_id": null,
            "note": "v2, with the discount\nand the terms",
            "done": false,
            "done_at": null,
            "created_at": T0,
            "updated_at": T0,
            "deal_name": "Globex"
        })
    );
    // Without --due it is due today; show prints what add printed.
    let today = rex.json(&["activity", "add", &globex, "Follow up"]);
    assert_eq!(today["due_date"], "2026-03-02");
    assert_eq!(rex.json(&["activity", "show", &id]), added);
    // Scheduling is not activity on the deal.
    let deal = rex.json(&["deal", "show", &globex]);
    assert_eq!(
        (&deal["updated_at"], &deal["last_activity_at"]),
        (&json!(T0), &json!(T0))
    );
}

#[test]
fn the_owner_is_the_one_given_else_the_deals_else_rex_owner_else_nobody() {
    let rex = Rex::new();
    let (acme, globex) = two_deals(&rex);
    let me = [("REX_OWNER", "bo")];
    let owner = |deal: &str, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["activity", "add", deal, "Call"];
        args.extend(extra);
        json_with(&rex, env, &args)["owner_id"].clone()
    };
    assert_eq!(owner(&acme, &["--owner", "carla"], &me), "carla");
    assert_eq!(owner(&acme, &[], &me), "ana");
    assert_eq!(owner(&globex, &[], &me), "bo");
    assert_eq!(owner(&globex, &[], &[]), Value::Null);
}

#[test]
fn the_list_is_soonest_first_all_day_before_timed_then_by_time_then_by_creation() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    for (subject, due, at, now) in [
        (
            "d2 10:00",
            "2026-03-10",
            Some("10:00"),
            "2026-03-02T09:00:00Z",
        ),
        ("d1 all-day", "2026-03-09", None, "2026-03-02T09:00:01Z"),
        ("d2 all-day", "2026-03-10", None, "2026-03-02T09:00:02Z"),
        (
            "d2 09:00 later",
            "2026-03-10",
            Some("09:00"),
            "2026-03-02T09:00:04Z",
        ),
        (
            "d2 09:00 first",
            "2026-03-10",
            Some("09:00"),
            "2026-03-02T09:00:03Z",
        ),
        (
            "d3 08:00",
            "2026-03-11",
            Some("08:00"),
            "2026-03-02T09:00:05Z",
        ),
    ] {
        rex.at(now);
        let mut args = vec![acme.as_str(), subject, "--due", due];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        add(&rex, &args);
    }
    assert_eq!(
        list(&rex, &["--all"]),
        [
            "d1 all-day",
            "d2 all-day",
            "d2 09:00 first",
            "d2 09:00 later",
            "d2 10:00",
            "d3 08:00"
        ]
    );
    // At a table, the same order, each with its reference.
    let table = rex.ok(&["-o", "table", "activity", "list", "--all"]);
    let ids: Vec<String> = rex
        .ok(&["-o", "id", "activity", "list", "--all"])
        .lines()
        .map(str::to_string)
        .collect();
    let rows: Vec<&str> = table.lines().filter(|l| l.contains(" d")).collect();
    assert_eq!(rows.len(), 6, "{table}");
    for (row, id) in rows.iter().zip(&ids) {
        assert!(
            row.trim_start().starts_with(short(id)),
            "{row} / {id}\n{table}"
        );
    }
    assert!(
        rows[0].contains("Mon 2026-03-09 ") && rows[2].contains("Tue 2026-03-10 09:00"),
        "{table}"
    );
}

#[test]
fn by_default_my_pending_ones_all_lifts_only_the_owner_and_deal_shows_the_deals() {
    let rex = Rex::new();
    let (acme, globex) = two_deals(&rex);
    add(
        &rex,
        &[&acme, "ana's call", "--owner", "Ana", "--type", "call"],
    );
    add(
        &rex,
        &[
            &acme,
            "bo's call on acme",
            "--owner",
            "bo",
            "--type",
            "call",
        ],
    );
    add(&rex, &[&globex, "nobody's"]);
    let done = add(&rex, &[&acme, "ana's done", "--owner", "ana"]);
    rex.ok(&["activity", "done", &done]);
    let ana = [("REX_OWNER", "ana")];
    let mine = |args: &[&str]| {
        let mut all = vec!["activity", "list"];
        all.extend(args);
        subjects(&json_with(&rex, &ana, &all))
    };
    // REX_OWNER's, ignoring case; with --all everyone's and nobody's, pending only.
    assert_eq!(mine(&[]), ["ana's call"]);
    assert_eq!(
        mine(&["--all"]),
        ["ana's call", "bo's call on acme", "nobody's"]
    );
    assert_eq!(mine(&["--owner", "BO"]), ["bo's call on acme"]);
    assert_eq!(
        mine(&["--deal", "Acme"]),
        ["ana's call", "bo's call on acme"]
    );
    assert_eq!(
        mine(&["--deal", "Acme", "--owner", "bo"]),
        ["bo's call on acme"]
    );
    assert_eq!(mine(&["--done"]), ["ana's done"]);
    assert_eq!(mine(&["--pending"]), ["ana's call"]);
    // Without REX_OWNER: everyone's.
    assert_eq!(
        list(&rex, &[]),
        ["ana's call", "bo's call on acme", "nobody's"]
    );
    assert_eq!(list(&rex, &["--type", "Task", "--all"]), ["nobody's"]);
    // An empty table says why on stderr, and how to see everyone's.
    let out = run_with(
        &rex,
        &[("REX_OWNER", "zoe")],
        &["-o", "table", "activity", "list"],
    );
    assert!(out.status.success());
    assert_eq!(out.stdout, b"");
    assert_eq!(
        stderr(&out),
        "rex: no pending activities of zoe (REX_OWNER) match; rex activity list --all lists everyone's"
    );
    assert_eq!(
        json_with(&rex, &[("REX_OWNER", "zoe")], &["activity", "list"]),
        json!([])
    );
}

#[test]
fn overdue_is_before_today_or_today_at_a_time_already_past_in_the_zone_rex_runs_in() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    for (subject, due, at) in [
        ("yesterday all-day", "2026-03-04", None),
        ("yesterday late", "2026-03-04", Some("23:30")),
        ("today all-day", "2026-03-05", None),
        ("today 09:00", "2026-03-05", Some("09:00")),
        ("today 10:00", "2026-03-05", Some("10:00")),
        ("tomorrow 08:00", "2026-03-06", Some("08:00")),
    ] {
        let mut args = vec![acme.as_str(), subject, "--due", due];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        add(&rex, &args);
    }
    let overdue = |now: &str, tz: &str| {
        rex.at(now);
        subjects(&json_with(
            &rex,
            &[("TZ", tz)],
            &["activity", "list", "--overdue"],
        ))
    };
    // 10:00 in Berlin: 09:00 is past, 10:00 is not yet.
    assert_eq!(
        overdue("2026-03-05T09:00:00Z", "Europe/Berlin"),
        ["yesterday all-day", "yesterday late", "today 09:00"]
    );
    assert_eq!(
        overdue("2026-03-05T09:01:00Z", "Europe/Berlin"),
        [
            "yesterday all-day",
            "yesterday late",
            "today 09:00",
            "today 10:00"
        ]
    );
    // The same moment is still the evening of the 4th in New York: only what is due
    // before 04:00 on the 4th... nothing due that day has a time before 04:00, and the
    // 3rd has nothing.
    assert_eq!(
        overdue("2026-03-05T09:00:00Z", "America/New_York"),
        ["yesterday all-day", "yesterday late"]
    );
    assert_eq!(
        overdue("2026-03-05T04:00:00Z", "America/New_York"),
        Vec::<String>::new()
    );
    // Done ones are never overdue.
    rex.at("2026-03-05T12:00:00Z");
    rex.ok(&["activity", "done", "yesterday late", "--deal", "Acme"]);
    assert_eq!(
        overdue("2026-03-05T12:00:00Z", "UTC"),
        ["yesterday all-day", "today 09:00", "today 10:00"]
    );
}

#[test]
fn due_takes_a_day_or_a_range_including_both_ends_with_date_words_on_each_side() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    for (subject, due) in [
        ("mon", "2026-03-02"),
        ("tue", "2026-03-03"),
        ("wed", "2026-03-04"),
        ("mon next", "2026-03-09"),
        ("past", "2026-02-27"),
    ] {
        add(&rex, &[&acme, subject, "--due", due]);
    }
    assert_eq!(list(&rex, &["--due", "today"]), ["mon"]);
    assert_eq!(list(&rex, &["--due", "tomorrow"]), ["tue"]);
    assert_eq!(list(&rex, &["--due", "2026-03-09"]), ["mon next"]);
    assert_eq!(
        list(&rex, &["--due", "today..2026-03-04"]),
        ["mon", "tue", "wed"]
    );
    assert_eq!(
        list(&rex, &["--due", "2026-03-03..+7d"]),
        ["tue", "wed", "mon next"]
    );
    assert_eq!(list(&rex, &["--due", "..yesterday"]), ["past"]);
    assert_eq!(
        list(&rex, &["--due", "tomorrow.."]),
        ["tue", "wed", "mon next"]
    );
    assert_eq!(list(&rex, &["--due", "2026-03-03..2026-03-03"]), ["tue"]);
    assert_eq!(
        rex.fails(&["activity", "list", "--due", "+7d..today"], 2),
        "rex: --due 2026-03-09..2026-03-02 ends before it starts; give FROM..TO with FROM on or before TO"
    );
    assert_eq!(
        rex.fails(&["activity", "list", "--due", ".."], 2),
        "rex: invalid value '..' for '--due <DATE|FROM..TO>': invalid range '..': give FROM..TO, FROM.. or ..TO, like today..+7d"
    );
}

/// Was: once a weekly "Follow up" was done, the next could not be marked done by its
/// subject ("matches 2 activities"), though `activity list` showed only one.
#[test]
fn done_and_undo_by_subject_name_the_activity_in_the_state_they_change() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    let first = add(&rex, &[&acme, "Follow up", "--due", "2026-03-02"]);
    let marked = |cmd: &str| {
        let out = rex.json(&["activity", cmd, "Follow up", "--deal", "Acme"]);
        s(&out[0]["id"])
    };
    assert_eq!(marked("done"), first);
    let second = add(&rex, &[&acme, "Follow up", "--due", "2026-03-09"]);
    assert_eq!(marked("done"), second);
    let third = add(&rex, &[&acme, "Follow up", "--due", "2026-03-16"]);
    assert_eq!(marked("done"), third);
    // Undo: two done ones are still two.
    let both = rex.fails(&["activity", "undo", "Follow up", "--deal", "Acme"], 2);
    assert!(
        both.starts_with("rex: 'Follow up' matches 3 activities of Acme Corp: "),
        "{both}"
    );
    assert!(
        both.contains(&format!("{} Follow up (2026-03-02, done)", short(&first))),
        "{both}"
    );
    rex.ok(&["activity", "undo", &third]);
    // Undone, it is the one pending among done ones: done names it again.
    assert_eq!(marked("done"), third);
    // A command that changes either (update, show, delete) names them all, done ones marked.
    let fourth = add(&rex, &[&acme, "Follow up", "--due", "2026-03-23"]);
    let all = rex.fails(&["activity", "show", "Follow up", "--deal", "Acme"], 2);
    assert!(
        all.starts_with("rex: 'Follow up' matches 4 activities of Acme Corp: "),
        "{all}"
    );
    assert!(
        all.contains(&format!("{} Follow up (2026-03-23)", short(&fourth))),
        "{all}"
    );
    assert!(
        all.contains(&format!("{} Follow up (2026-03-16, done)", short(&third))),
        "{all}"
    );
    // Part of a subject names no state: "follow" is still four activities (was: the
    // one pending was marked done).
    let part = rex.fails(&["activity", "done", "follow", "--deal", "Acme"], 2);
    assert!(
        part.starts_with("rex: 'follow' matches 4 activities of Acme Corp: "),
        "{part}"
    );
}

#[test]
fn an_activity_is_named_by_its_id_its_reference_or_with_deal_its_subject() {
    let rex = Rex::new();
    let (acme, globex) = two_deals(&rex);
    let call = add(&rex, &[&acme, "Call CFO", "--type", "call"]);
    add(&rex, &[&globex, "Call CFO"]);
    add(&rex, &[&acme, "Send quote"]);
    add(&rex, &[&acme, "Send contract"]);
    let shown = |args: &[&str]| {
        let mut all = vec!["activity", "show"];
        all.extend(args);
        s(&rex.json(&all)["id"])
    };
    assert_eq!(shown(&[&call]), call);
    assert_eq!(shown(&[short(&call)]), call);
    assert_eq!(shown(&[&short(&call).to_uppercase()]), call);
    assert_eq!(shown(&[&call[call.len() - 10..]]), call);
    assert_eq!(shown(&["call cfo", "--deal", "Acme"]), call);
    assert_eq!(shown(&["CFO", "--deal", short(&acme)]), call);
    // Several subjects that contain the text: named with their references.
    let several = rex.fails(&["activity", "show", "send", "--deal", "Acme"], 2);
    assert!(
        several.starts_with("rex: 'send' matches 2 activities of Acme Corp: "),
        "{several}"
    );
    assert_eq!(
        rex.fails(&["activity", "show", "Call CFO"], 3),
        "rex: no activity has the id or reference 'Call CFO' (give a full id activity_…, a reference as tables show it, or its subject with --deal DEAL)"
    );
    assert_eq!(
        rex.fails(&["activity", "show", "demo", "--deal", "Acme"], 3),
        format!(
            "rex: Acme Corp ({0}) has no activity with the subject 'demo'; see them with rex activity list --deal {0}",
            short(&acme)
        )
    );
    assert_eq!(
        rex.fails(&["activity", "show", &acme], 2),
        format!("rex: expected an activity, got a deal id '{acme}'")
    );
    // Was: with --deal, another deal's activity named by its id or reference was acted on.
    let globex_named = format!("Globex ({0})", short(&globex));
    let not_globex_s = |what: &str, text: &str| {
        format!(
            "rex: {globex_named} has no activity with the {what} '{text}'; see them with rex activity list --deal {}",
            short(&globex)
        )
    };
    let before = rex.ok(&["export", "--all"]);
    for (verb, tail) in [
        ("show", &[][..]),
        ("update", &["--due", "tomorrow"][..]),
        ("done", &[][..]),
        ("delete", &["--yes"][..]),
    ] {
        let mut args = vec!["activity", verb, &call, "--deal", &globex];
        args.extend(tail);
        assert_eq!(rex.fails(&args, 3), not_globex_s("id", &call), "{verb}");
        let mut args = vec!["activity", verb, short(&call), "--deal", &globex];
        args.extend(tail);
        assert_eq!(
            rex.fails(&args, 3),
            not_globex_s("subject or reference", short(&call)),
            "{verb}"
        );
    }
    assert_eq!(rex.ok(&["export", "--all"]), before);
    // A subject that is another activity's reference names neither: both are listed.
    let named_as_ref = add(&rex, &[&acme, short(&call)]);
    let both = rex.fails(&["activity", "show", short(&call), "--deal", &acme], 2);
    assert_eq!(
        both,
        format!(
            "rex: '{0}' is the reference of {0} Call CFO ({1}) and the subject of {2} {0} ({1}), both of Acme Corp; give a full id instead",
            short(&call),
            s(&rex.json(&["activity", "show", &call])["due_date"]),
            short(&named_as_ref)
        )
    );
    // Without --deal, a reference is a reference.
    assert_eq!(shown(&[short(&call)]), call);
    // Another deal's full id, as another's reference, may be a subject of this deal's.
    let named_as_id = add(&rex, &[&globex, &call]);
    assert_eq!(shown(&[&call, "--deal", &globex]), named_as_id);
    assert_eq!(shown(&[&call]), call);
    // Was: a subject shaped like an id (activity_plan) could not be named with --deal.
    let plan = add(&rex, &[&globex, "Activity_plan"]);
    assert_eq!(shown(&["activity_plan", "--deal", &globex]), plan);
    let refused = rex.fails(&["activity", "show", "activity_plan"], 2);
    assert!(
        refused.starts_with("rex: invalid activity id 'activity_plan': "),
        "{refused}"
    );
    assert_eq!(
        rex.fails(&["activity", "show", "activity_plan", "--deal", &acme], 2),
        refused
    );
    // A valid id no activity has, as a subject.
    let unused = "activity_01m9f0f0000000000000000001";
    let subject_id = add(&rex, &[&globex, unused]);
    assert_eq!(shown(&[unused, "--deal", &globex]), subject_id);
    assert_eq!(
        rex.fails(&["activity", "show", unused], 3),
        format!("rex: no activity with id {unused}")
    );
    assert_eq!(
        rex.fails(&["activity", "show", unused, "--deal", &acme], 3),
        format!("rex: no activity with id {unused}")
    );
}

#[test]
fn update_changes_what_is_given_and_records_a_reschedule_in_history() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    let id = add(
        &rex,
        &[
            &acme,
            "Call CFO",
            "--type",
            "call",
            "--due",
            "2026-03-05",
            "--at",
            "14:00",
            "--duration",
            "30m",
            "--note",
            "agenda",
        ],
    );
    rex.at("2026-03-03T10:00:00Z");
    let line = rex.ok(&[
        "-o",
        "table",
        "activity",
        "update",
        short(&id),
        "--due",
        "+3d",
        "--at",
        "9:30",
    ]);
    assert_eq!(
        line,
        format!(
            "rescheduled call \"Call CFO\" for Acme Corp ({}) from Thu 2026-03-05 14:00 to Fri 2026-03-06 09:30\n",
            short(&acme)
        )
    );
    let updated = rex.json(&[
        "activity",
        "update",
        &id,
        "--subject",
        "Call CFO and CTO",
        "--type",
        "meeting",
        "--owner",
        "bo",
        "--note",
        "new agenda",
    ]);
    assert_eq!(
        updated,
        json!({
            "id": id,
            "deal_id": acme,
            "type": "meeting",
            "subject": "Call CFO and CTO",
            "due_date": "2026-03-06",
            "due_time": "09:30",
            "duration_minutes": 30,
            "owner_id": "bo",
            "note": "new agenda",
            "done": false,
            "done_at": null,
            "created_at": T0,
            "updated_at": "2026-03-03T10:00:00Z",
            "deal_name": "Acme Corp"
        })
    );
    // none clears the time and the duration, --no-note the note.
    let cleared = rex.json(&[
        "activity",
        "update",
        &id,
        "--at",
        "none",
        "--duration",
        "none",
        "--no-note",
    ]);
    assert_eq!(
        (
            &cleared["due_time"],
            &cleared["duration_minutes"],
            &cleared["note"]
        ),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    // Changing nothing records nothing and says so.
    rex.at("2026-03-04T10:00:00Z");
    assert_eq!(
        rex.ok(&["-o", "table", "activity", "update", &id, "--owner", "bo"]),
        format!(
            "nothing to change on meeting \"Call CFO and CTO\" for Acme Corp ({})\n",
            short(&acme)
        )
    );
    assert_eq!(
        rex.json(&["activity", "show", &id])["updated_at"],
        "2026-03-03T10:00:00Z"
    );
    let history: Vec<Value> = rex
        .json(&["deal", "history", &acme])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] != "created")
        .map(|e| {
            let mut e = e.clone();
            let o = e.as_object_mut().unwrap();
            o.remove("deal_id");
            o.remove("actor");
            e
        })
        .collect();
    assert_eq!(
        history,
        [
            json!({"at": T0, "kind": "activity_scheduled", "activity_id": id, "type": "call",
                   "subject": "Call CFO", "due_date": "2026-03-05", "due_time": "14:00"}),
            json!({"at": "2026-03-03T10:00:00Z", "kind": "activity_rescheduled",
                   "activity_id": id, "type": "call", "subject": "Call CFO",
                   "from_due_date": "2026-03-05", "from_due_time": "14:00",
                   "to_due_date": "2026-03-06", "to_due_time": "09:30"}),
            json!({"at": "2026-03-03T10:00:00Z", "kind": "activity_rescheduled",
                   "activity_id": id, "type": "meeting", "subject": "Call CFO and CTO",
                   "from_due_date": "2026-03-06", "from_due_time": "09:30",
                   "to_due_date": "2026-03-06", "to_due_time": null}),
        ]
    );
    // A plain change (no new date or time) is confirmed with the due date it keeps.
    assert_eq!(
        rex.ok(&[
            "-o",
            "table",
            "activity",
            "update",
            &id,
            "--subject",
            "Call"
        ]),
        format!(
            "updated meeting \"Call\" for Acme Corp ({}), due Fri 2026-03-06\n",
            short(&acme)
        )
    );
}

#[test]
fn done_moves_the_deals_last_activity_opens_a_stalled_deal_and_is_in_history() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    let call = add(
        &rex,
        &[&acme, "Call CFO", "--type", "call", "--note", "agenda"],
    );
    let quote = add(&rex, &[&acme, "Send quote"]);
    rex.at("2026-04-10T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    assert_eq!(rex.json(&["deal", "show", &acme])["status"], "stalled");
    let now = "2026-04-10T10:00:00Z";
    rex.at(now);
    let done = rex.json(&["activity", "done", short(&call), "--note", "CFO agreed"]);
    assert_eq!(
        done,
        json!([{
            "id": call,
            "deal_id": acme,
            "type": "call",
            "subject": "Call CFO",
            "due_date": "2026-03-02",
            "due_time": null,
            "duration_minutes": null,
            "owner_id": "ana",
            "note": "agenda\nCFO agreed",
            "done": true,
            "done_at": now,
            "created_at": T0,
            "updated_at": now,
            "deal_name": "Acme Corp"
        }])
    );
    let deal = rex.json(&["deal", "show", &acme]);
    assert_eq!(
        (
            &deal["status"],
            &deal["last_activity_at"],
            &deal["updated_at"]
        ),
        (&json!("open"), &json!(now), &json!(now))
    );
    let kinds: Vec<String> = rex
        .json(&["deal", "history", &acme])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| s(&e["kind"]))
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "activity_scheduled",
            "activity_scheduled",
            "stalled",
            "activity_done",
            "unstalled"
        ]
    );
    // Done again: nothing changes, it says so on stderr, and JSON is an empty array.
    let again = rex.run(&["-o", "json", "activity", "done", &call, "--note", "twice"]);
    assert!(again.status.success());
    assert_eq!(String::from_utf8_lossy(&again.stdout), "[]\n");
    assert_eq!(
        stderr(&again),
        format!(
            "rex: call \"Call CFO\" for Acme Corp ({}) was already done; left as it is",
            short(&acme)
        )
    );
    // Several at once, one named twice: each marked once; at a table a line each.
    rex.at("2026-04-11T09:00:00Z");
    let out = rex.run(&[
        "-o",
        "table",
        "activity",
        "done",
        &quote,
        short(&quote),
        &call,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "marked task \"Send quote\" for Acme Corp ({}) as done\n",
            short(&acme)
        )
    );
    // Undo: not done again; the deal is left as it was.
    rex.at("2026-04-12T09:00:00Z");
    let undone = rex.json(&["activity", "undo", &call, &quote]);
    assert_eq!(
        undone
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (s(&a["id"]), a["done"].clone(), a["done_at"].clone()))
            .collect::<Vec<_>>(),
        [
            (call.clone(), json!(false), Value::Null),
            (quote.clone(), json!(false), Value::Null)
        ]
    );
    assert_eq!(
        rex.json(&["deal", "show", &acme])["last_activity_at"],
        "2026-04-11T09:00:00Z"
    );
    let out = rex.run(&[
        "-o", "table", "activity", "undo", "call cfo", "--deal", "acme",
    ]);
    assert_eq!(out.stdout, b"");
    assert_eq!(
        stderr(&out),
        format!(
            "rex: call \"Call CFO\" for Acme Corp ({}) was not done; left as it is",
            short(&acme)
        )
    );
    let last = rex
        .json(&["deal", "history", &acme])
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(
        (&last["kind"], &last["activity_id"]),
        (&json!("activity_undone"), &json!(quote))
    );
}

#[test]
fn delete_asks_and_needs_yes_without_a_terminal() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    let id = add(
        &rex,
        &[
            &acme,
            "Call CFO",
            "--type",
            "call",
            "--due",
            "2026-03-05",
            "--at",
            "14:00",
        ],
    );
    assert_eq!(
        rex.fails(&["activity", "delete", short(&id)], 2),
        "rex: refusing to delete the activity without confirmation; pass --yes to confirm"
    );
    let out = rex.run(&["activity", "delete", "call cfo", "--deal", "Acme", "--yes"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"");
    assert_eq!(
        stderr(&out),
        format!(
            "rex: deleted call \"Call CFO\" for Acme Corp ({}), due Thu 2026-03-05 14:00",
            short(&acme)
        )
    );
    assert_eq!(rex.json(&["activity", "list", "--all"]), json!([]));
    rex.fails(&["activity", "show", &id], 3);
    let last = rex
        .json(&["deal", "history", &acme])
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(
        (&last["kind"], &last["activity_id"], &last["done"]),
        (&json!("activity_deleted"), &json!(id), &json!(false))
    );
}

#[test]
fn bad_input_is_one_line_exit_2_or_3_and_changes_nothing() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    let id = add(&rex, &[&acme, "Call CFO"]);
    let before = rex.json(&["activity", "list", "--all"]);
    for (args, code, line) in [
        (
            vec!["activity", "add", "Acme", "Visit", "--type", "visit"],
            2,
            "rex: invalid value 'visit' for '--type <TYPE>': unknown activity type 'visit'; use one of call, meeting, email, task, deadline, lunch".to_string(),
        ),
        (
            vec!["activity", "add", "Acme", "Call", "--at", "25:00"],
            2,
            "rex: invalid value '25:00' for '--at <HH:MM>': invalid time '25:00': use HH:MM on a 24-hour clock, like 14:00".to_string(),
        ),
        (
            vec!["activity", "add", "Acme", "Call", "--duration", "90s"],
            2,
            "rex: invalid value '90s' for '--duration <DURATION>': invalid duration '90s': use minutes or hours, like 30m, 1h or 1h30m (at most 168h)".to_string(),
        ),
        (
            vec!["activity", "add", "Acme", "  "],
            2,
            "rex: the subject is empty; give some text".to_string(),
        ),
        (
            vec!["activity", "add", "Acme", "Call", "--due", "2026-02-30"],
            2,
            "rex: invalid value '2026-02-30' for '--due <DATE>': invalid date '2026-02-30': use YYYY-MM-DD, or today, tomorrow, yesterday, +Nd, +Nw, +Nm (days, weeks, months from today), eom, eoq, eoy (end of month, quarter, year)".to_string(),
        ),
        (
            vec!["activity", "add", "Nobody Inc", "Call"],
            3,
            "rex: no deal has the id, reference or name 'Nobody Inc' (give a full id deal_…, a reference as tables show it (or enough of its start, 4 characters or more), or the deal's name)".to_string(),
        ),
        (
            vec!["activity", "add", &id, "Call"],
            2,
            format!("rex: expected a deal, got an activity id '{id}'"),
        ),
        (
            vec!["activity", "list", "--deal", &id],
            2,
            format!("rex: expected a deal, got an activity id '{id}'"),
        ),
        (
            vec!["activity", "list", "--owner", "ana", "--all"],
            2,
            "rex: the argument '--owner <OWNER>' cannot be used with '--all' (see 'rex activity list --help')".to_string(),
        ),
        (
            vec!["activity", "list", "--overdue", "--done"],
            2,
            "rex: --overdue lists activities still to do; leave out --done".to_string(),
        ),
        (
            vec!["activity", "show", "zzzzzzz"],
            3,
            "rex: no activity has the id or reference 'zzzzzzz' (give a full id activity_…, a reference as tables show it, or its subject with --deal DEAL)".to_string(),
        ),
        (
            vec!["activity", "update", &id, "--at", "24:00"],
            2,
            "rex: invalid value '24:00' for '--at <HH:MM|none>': invalid time '24:00': use HH:MM on a 24-hour clock, like 14:00, or none to clear it".to_string(),
        ),
        (
            vec!["activity", "update", &id, "--subject", ""],
            2,
            "rex: the subject is empty; give some text".to_string(),
        ),
        (
            vec!["activity", "update", &id, "--note", "x", "--no-note"],
            2,
            "rex: the argument '--note <TEXT>' cannot be used with '--no-note' (see 'rex activity update --help')".to_string(),
        ),
        (
            vec!["activity", "done", &id, "zzzzzzz"],
            3,
            "rex: no activity has the id or reference 'zzzzzzz' (give a full id activity_…, a reference as tables show it, or its subject with --deal DEAL)".to_string(),
        ),
        (
            vec!["activity", "delete", "zzzzzzz", "--yes"],
            3,
            "rex: no activity has the id or reference 'zzzzzzz' (give a full id activity_…, a reference as tables show it, or its subject with --deal DEAL)".to_string(),
        ),
        (
            vec!["deal", "list", "-o", "ics"],
            2,
            "rex: -o ics (an iCalendar file) is printed by rex activity list only; use table, wide, tsv, json, jsonl, csv or id".to_string(),
        ),
        (
            vec!["activity", "show", &id, "-o", "ics"],
            2,
            "rex: -o ics (an iCalendar file) is printed by rex activity list only; use table, wide, tsv, json, jsonl, csv or id".to_string(),
        ),
        (
            vec!["activity", "list", "-o", "ics", "--fields", "id"],
            2,
            "rex: --fields does not apply to -o ics (a calendar has its own fields); leave it out".to_string(),
        ),
    ] {
        assert_eq!(rex.fails(&args, code), line, "{args:?}");
    }
    // A done that fails on its second activity marks none.
    assert_eq!(rex.json(&["activity", "list", "--all"]), before);
    assert_eq!(
        rex.json(&["activity", "list", "--all", "--done"]),
        json!([])
    );
    // Past dates are allowed: people log what they did.
    let past = rex.json(&[
        "activity",
        "add",
        "Acme",
        "Lunch",
        "--type",
        "lunch",
        "--due",
        "2025-12-24",
    ]);
    assert_eq!(past["due_date"], "2025-12-24");
}

/// An event as read back: summary, start, end, UID, description, status.
type Read = (
    String,
    Option<DatePerhapsTime>,
    Option<DatePerhapsTime>,
    String,
    String,
    String,
);

/// The calendar's events, in order, as the `icalendar` crate's parser reads them.
fn events(ics: &str) -> Vec<Read> {
    use icalendar::{Calendar, Component};
    let parsed: Calendar = ics.parse().unwrap_or_else(|e| panic!("{e}:\n{ics}"));
    parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .map(|e| {
            (
                e.get_summary().unwrap_or("").to_string(),
                e.get_start(),
                e.get_end(),
                e.get_uid().unwrap_or("").to_string(),
                e.get_description().unwrap_or("").to_string(),
                e.property_value("STATUS").unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A time in UTC, as an event's start or end.
fn utc(text: &str) -> Option<DatePerhapsTime> {
    let t = chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc();
    Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)))
}

/// A date, as an all-day event's start or end.
fn date(text: &str) -> Option<DatePerhapsTime> {
    Some(DatePerhapsTime::Date(text.parse().unwrap()))
}

#[test]
fn ics_is_a_calendar_with_an_event_per_activity_at_its_time_in_the_zone_rex_runs_in() {
    let rex = Rex::new();
    let (acme, globex) = two_deals(&rex);
    let call = add(
        &rex,
        &[
            &acme,
            "Call CFO; budget, scope",
            "--type",
            "call",
            "--due",
            "2026-03-05",
            "--at",
            "14:00",
        ],
    );
    let demo = add(
        &rex,
        &[
            &globex,
            "Demo",
            "--type",
            "meeting",
            "--due",
            "2026-07-01",
            "--at",
            "09:00",
            "--duration",
            "1h30m",
            "--note",
            "bring the pilot numbers\nand the contract",
        ],
    );
    let quote = add(&rex, &[&acme, "Send quote", "--due", "2026-03-06"]);
    for (tz, call_start, call_end, demo_start, demo_end) in [
        // Berlin: UTC+1 in March, UTC+2 in July.
        (
            "Europe/Berlin",
            "2026-03-05T13:00:00Z",
            "2026-03-05T13:30:00Z",
            "2026-07-01T07:00:00Z",
            "2026-07-01T08:30:00Z",
        ),
        // New York: UTC-5 in March (before its clocks change on the 8th), UTC-4 in July.
        (
            "America/New_York",
            "2026-03-05T19:00:00Z",
            "2026-03-05T19:30:00Z",
            "2026-07-01T13:00:00Z",
            "2026-07-01T14:30:00Z",
        ),
    ] {
        let out = run_with(
            &rex,
            &[("TZ", tz)],
            &["-o", "ics", "activity", "list", "--all"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"),
            "{text}"
        );
        assert_eq!(
            events(&text),
            [
                (
                    "Call CFO; budget, scope".to_string(),
                    utc(call_start),
                    utc(call_end),
                    format!("{call}@rex"),
                    "Deal: Acme Corp".to_string(),
                    "CONFIRMED".to_string(),
                ),
                (
                    "Send quote".to_string(),
                    date("2026-03-06"),
                    date("2026-03-07"),
                    format!("{quote}@rex"),
                    "Deal: Acme Corp".to_string(),
                    "CONFIRMED".to_string(),
                ),
                (
                    "Demo".to_string(),
                    utc(demo_start),
                    utc(demo_end),
                    format!("{demo}@rex"),
                    "Deal: Globex\n\nbring the pilot numbers\nand the contract".to_string(),
                    "CONFIRMED".to_string(),
                ),
            ],
            "{tz}"
        );
    }
    // The same filters as any list; done ones say when in their description.
    rex.at("2026-03-05T15:00:00Z");
    rex.ok(&["activity", "done", &call]);
    let text = ok_with(
        &rex,
        &[("TZ", "Europe/Berlin")],
        &["-o", "ics", "activity", "list", "--all", "--done"],
    );
    let done = events(&text);
    assert_eq!(done.len(), 1, "{text}");
    assert_eq!(done[0].4, "Deal: Acme Corp\nDone: 2026-03-05T15:00:00Z");
    // An empty list is an empty calendar, still one that parses.
    let none = ok_with(
        &rex,
        &[],
        &["-o", "ics", "activity", "list", "--owner", "zoe"],
    );
    assert_eq!(events(&none), []);
}

/// At the ends of the calendar an event stays one iCalendar can read: an end past 9999 is
/// written as a duration, and a start whose UTC instant falls outside years 1 to 9999 (the
/// first hours of year 1 east of UTC, the last of 9999 west of it) as a floating local time.
#[test]
fn ics_at_the_ends_of_the_calendar_writes_only_what_parses() {
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    add(
        &rex,
        &[&acme, "First", "--due", "0001-01-01", "--at", "00:00"],
    );
    add(
        &rex,
        &[
            &acme,
            "Last",
            "--due",
            "9999-12-31",
            "--at",
            "23:59",
            "--duration",
            "168h",
        ],
    );
    let read = |tz: &str| -> Vec<(
        String,
        Option<DatePerhapsTime>,
        Option<DatePerhapsTime>,
        String,
    )> {
        use icalendar::{Calendar, Component};
        let text = ok_with(
            &rex,
            &[("TZ", tz)],
            &["-o", "ics", "activity", "list", "--all"],
        );
        let parsed: Calendar = text.parse().unwrap_or_else(|e| panic!("{e}:\n{text}"));
        parsed
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .map(|e| {
                (
                    e.get_summary().unwrap_or("").to_string(),
                    e.get_start(),
                    e.get_end(),
                    e.property_value("DURATION").unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let floating = |t: &str| {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Floating(
            t.parse().unwrap(),
        )))
    };
    // Berlin: year 1 starts before UTC's (so floating); 9999's last minute is in it, its
    // week-long end is not.
    assert_eq!(
        read("Europe/Berlin"),
        [
            (
                "First".to_string(),
                floating("0001-01-01T00:00:00"),
                None,
                "PT30M".to_string()
            ),
            (
                "Last".to_string(),
                utc("9999-12-31T22:59:00Z"),
                None,
                "PT10080M".to_string()
            ),
        ]
    );
    // Los Angeles: year 1 starts in UTC's, 9999's last minute is past it.
    let la = read("America/Los_Angeles");
    assert!(
        matches!(&la[0].1, Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) if t.format("%Y-%m-%d").to_string() == "0001-01-01"),
        "{la:?}"
    );
    assert!(la[0].2.is_some() && la[0].3.is_empty(), "{la:?}");
    assert_eq!(
        la[1],
        (
            "Last".to_string(),
            floating("9999-12-31T23:59:00"),
            None,
            "PT10080M".to_string()
        )
    );
}

#[test]
fn at_80x24_a_list_and_a_confirmation_fit_with_dates_and_references_whole() {
    use crate::support::{assert_fits, on_terminal};
    let rex = Rex::new();
    rex.sales();
    let deal = "Umbrella Corp Safety Equipment Renewal and Extended Maintenance Plan";
    let d = rex.id(&["deal", "create", deal, "--value", "22000", "--owner", "ana"]);
    let subject = "Call the CFO about the renewal terms, the pilot and the extended warranty";
    let (screen, code) = on_terminal(
        &rex,
        24,
        80,
        &[("NO_COLOR", "1")],
        &[
            "activity",
            "add",
            short(&d),
            subject,
            "--type",
            "call",
            "--due",
            "2026-03-05",
            "--at",
            "14:00",
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert_fits(&screen, 80, "activity add at 80x24");
    assert_eq!(screen.lines().count(), 1, "{screen}");
    let line = screen.trim_end();
    assert!(line.starts_with("scheduled call \"Call the C"), "{line}");
    assert!(
        line.ends_with(&format!("({}) on Thu 2026-03-05 14:00", short(&d))),
        "{line}"
    );
    assert!(line.contains('…'), "{line}");
    // A reschedule to a time: the dates go whole onto a line of their own.
    let (screen, code) = on_terminal(
        &rex,
        24,
        80,
        &[("NO_COLOR", "1")],
        &[
            "activity",
            "update",
            subject,
            "--deal",
            short(&d),
            "--due",
            "2026-03-07",
            "--at",
            "10:00",
            "--type",
            "deadline",
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert_fits(&screen, 80, "activity update at 80x24");
    let lines: Vec<&str> = screen.trim_end().lines().collect();
    assert_eq!(lines.len(), 2, "{screen}");
    assert!(
        lines[0].starts_with("rescheduled deadline \"Call the C"),
        "{screen}"
    );
    assert!(lines[0].ends_with(&format!("({})", short(&d))), "{screen}");
    assert_eq!(
        lines[1], "  from Thu 2026-03-05 14:00 to Sat 2026-03-07 10:00",
        "{screen}"
    );
    add(
        &rex,
        &[&d, "Send quote", "--due", "2026-03-06", "--owner", "bo"],
    );
    let (screen, code) = on_terminal(
        &rex,
        24,
        80,
        &[("NO_COLOR", "1")],
        &["activity", "list", "--all"],
    );
    assert_eq!(code, 0, "{screen}");
    assert_fits(&screen, 80, "activity list at 80x24");
    assert!(
        screen.contains("Sat 2026-03-07 10:00") && screen.contains("Fri 2026-03-06"),
        "{screen}"
    );
    let ids = rex.ok(&["-o", "id", "activity", "list", "--all"]);
    for id in ids.lines() {
        assert!(screen.contains(short(id)), "{id}:\n{screen}");
    }
    // activity show wraps a long note whole.
    let note = "point1 ".repeat(30);
    let first = ids.lines().next().unwrap();
    rex.ok(&["activity", "update", first, "--note", note.trim()]);
    let (screen, code) = on_terminal(
        &rex,
        24,
        80,
        &[("NO_COLOR", "1")],
        &["activity", "show", short(first)],
    );
    assert_eq!(code, 0, "{screen}");
    assert_fits(&screen, 80, "activity show at 80x24");
    assert_eq!(screen.matches("point1").count(), 30, "{screen}");
    // Was: at 60 columns, with both names as short as they go, the terminal wrapped the
    // confirmations of add and delete in the middle of the date.
    let wide = rex.id(&[
        "deal",
        "create",
        "漢字テスト🎉 Umbrella renewal",
        "--value",
        "1",
    ]);
    for (args, date) in [
        (
            vec![
                "activity",
                "add",
                &wide,
                "A reading of the contract",
                "--type",
                "meeting",
                "--due",
                "2026-03-09",
                "--at",
                "14:00",
            ],
            "Mon 2026-03-09 14:00",
        ),
        (
            vec!["activity", "delete", "reading", "--deal", &wide, "--yes"],
            "Mon 2026-03-09 14:00",
        ),
    ] {
        let (screen, code) = on_terminal(&rex, 24, 60, &[("NO_COLOR", "1")], &args);
        assert_eq!(code, 0, "{screen}");
        assert_fits(&screen, 60, &args.join(" "));
        let lines: Vec<&str> = screen.trim_end().lines().collect();
        assert_eq!(lines.len(), 2, "{screen}");
        assert_eq!(lines[1], format!("  {date}"), "{screen}");
    }
    // Was: the question of delete was neither shortened nor broken: the terminal cut its
    // date (even at 80 columns, with long names).
    add(
        &rex,
        &[&wide, "A reading of the contract", "--due", "2026-03-09"],
    );
    for cols in [80, 60] {
        let (screen, code) = crate::support::on_terminal_replying(
            &rex,
            24,
            cols,
            &["activity", "delete", "reading", "--deal", &wide],
            b"n\n",
        );
        assert_eq!(code, 1, "{screen}");
        // The reply is typed (and echoed) before the question is asked.
        let asked = screen.find("Delete").expect("the question");
        let end = screen.find("[y/N]").expect("the question's end") + "[y/N]".len();
        let question = &screen[asked..end];
        assert_fits(question, cols.into(), "activity delete's question");
        assert!(question.ends_with("Mon 2026-03-09? [y/N]"), "{screen}");
        assert!(
            screen.ends_with("rex: cancelled; nothing was changed\n"),
            "{screen}"
        );
    }
}

#[test]
fn on_a_terminal_delete_asks_naming_the_activity() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        crate::support::skipped("on_a_terminal_delete_asks_naming_the_activity needs script(1)");
        return;
    }
    let rex = Rex::new();
    let (acme, _) = two_deals(&rex);
    let id = add(
        &rex,
        &[&acme, "Call CFO", "--type", "call", "--due", "2026-03-05"],
    );
    let answer = |reply: &[u8]| {
        let mut cmd = rex.std_cmd();
        cmd.args([
            "-qec",
            &format!(
                "{} activity delete {}",
                env!("CARGO_BIN_EXE_rex"),
                short(&id)
            ),
            "/dev/null",
        ]);
        let mut script = std::process::Command::new("script");
        script.envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
        script.env_remove("RUST_BACKTRACE");
        let mut child = script
            .args(cmd.get_args())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(reply).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    let question = format!(
        "Delete call \"Call CFO\" for Acme Corp ({}), due Thu 2026-03-05? [y/N]",
        short(&acme)
    );
    let text = answer(b"n\n");
    assert!(text.contains(&question), "{text}");
    assert!(
        text.contains("rex: cancelled; nothing was changed"),
        "{text}"
    );
    assert_eq!(list(&rex, &["--all"]), ["Call CFO"]);
    let text = answer(b"y\n");
    assert!(text.contains("rex: deleted call \"Call CFO\""), "{text}");
    assert_eq!(list(&rex, &["--all"]), Vec::<String>::new());
}
