//! Issue 29, "Where they show up": a deal's next steps (its pending activities) in `deal
//! show`, `deal list --no-next-step` and `--sort next-activity` (and `GET /deals`), what
//! `deal close` and `deal delete` say of them, the activity events in `deal history`, the
//! activity sections of `rex today` (and `GET /today`), and the board's marks. Activities
//! are scheduled with `rex activity add`, so every test runs on both backends.

use serde_json::{json, Value};

use crate::api::Served;
use crate::support::{assert_fits, on_terminal, plain, s, stderr, Rex};

/// The reference a table shows for an id: its last seven characters.
fn short(id: &str) -> &str {
    &id[id.len() - 7..]
}

/// Schedules an activity with `rex activity add DEAL SUBJECT ARGS...`; its id.
fn plan(rex: &Rex, deal: &str, subject: &str, args: &[&str]) -> String {
    let mut all = vec!["activity", "add", deal, subject];
    all.extend(args);
    rex.id(&all)
}

/// Creates a deal in Sales; its id.
fn deal(rex: &Rex, name: &str, value: &str, args: &[&str]) -> String {
    let mut all = vec!["deal", "create", name, "--value", value];
    all.extend(args);
    rex.id(&all)
}

/// What `rex ARGS` shows at 80x24 (no colour), line by line; it must succeed and fit.
fn screen(rex: &Rex, env: &[(&str, &str)], args: &[&str]) -> Vec<String> {
    screen_of(rex, 80, env, args)
}

/// The same on a terminal `columns` wide and 24 lines high.
fn screen_of(rex: &Rex, columns: u16, env: &[(&str, &str)], args: &[&str]) -> Vec<String> {
    let mut env = env.to_vec();
    env.push(("NO_COLOR", "1"));
    let (text, code) = on_terminal(rex, 24, columns, &env, args);
    assert_eq!(code, 0, "rex {args:?}:\n{text}");
    assert_fits(&text, columns.into(), &format!("{args:?} at {columns}x24"));
    text.lines().map(plain).collect()
}

/// `deal show REFERENCE`'s card on a terminal `columns` wide: it keeps to the 23 lines
/// above the prompt, so its top stays in sight.
fn card_of(rex: &Rex, columns: u16, reference: &str) -> Vec<String> {
    let card = screen_of(rex, columns, &[], &["deal", "show", reference]);
    assert!(card.len() <= 23, "{card:#?}");
    card
}

/// Where the card's row `key` starts.
fn row(card: &[String], key: &str) -> usize {
    card.iter()
        .position(|l| l.starts_with(&format!(" {key} ")))
        .unwrap_or_else(|| panic!("no {key}: {card:#?}"))
}

/// The `name` of each deal of a JSON list.
fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["name"]))
        .collect()
}

/// Five deals on 2026-03-02 (ids in creation order): Acme and Globex with next steps,
/// Hooli with only a done one, Initech won with one still pending, Stuck stalled with none
/// (marked on 2026-04-10, when it is now).
fn five(rex: &Rex) -> Vec<String> {
    rex.at(crate::support::T0);
    rex.sales();
    let ids = vec![
        deal(rex, "Acme", "5000", &["--owner", "ana"]),
        deal(rex, "Globex", "2000", &["--owner", "ana"]),
        deal(rex, "Hooli", "300", &["--owner", "ana"]),
        deal(rex, "Initech", "4500", &["--owner", "bo"]),
        deal(rex, "Stuck", "100", &["--owner", "ana"]),
    ];
    plan(
        rex,
        &ids[0],
        "Call CFO",
        &["--type", "call", "--due", "2026-04-15", "--at", "14:00"],
    );
    plan(
        rex,
        &ids[0],
        "Send contract",
        &["--type", "email", "--due", "2026-04-14"],
    );
    plan(
        rex,
        &ids[1],
        "Demo",
        &["--type", "meeting", "--due", "2026-04-14", "--at", "09:00"],
    );
    let done = plan(rex, &ids[2], "Intro call", &["--due", "2026-03-03"]);
    rex.ok(&["activity", "done", &done]);
    plan(rex, &ids[3], "Kickoff", &["--due", "2026-04-13"]);
    rex.ok(&["deal", "close", &ids[3], "--won", "-q"]);
    // Everything else was active since; Stuck stalls.
    rex.at("2026-04-01T09:00:00Z");
    for id in &ids[..3] {
        rex.ok(&["deal", "note", id, "checked in"]);
    }
    rex.at("2026-04-10T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark", "-q"]);
    ids
}

#[test]
fn deal_list_finds_the_deals_without_a_next_step_and_sorts_by_the_next_one() {
    let rex = Rex::new();
    let ids = five(&rex);
    // Active deals without a pending activity: a done one is no next step.
    let planless = rex.json(&["deal", "list", "--no-next-step"]);
    assert_eq!(names(&planless), ["Hooli", "Stuck"]);
    assert_eq!(planless[1]["status"], "stalled");
    assert_eq!(planless[0]["next_activity"], Value::Null);
    assert!(names(&rex.json(&["deal", "list", "--no-next-step", "--status", "won"])).is_empty());
    // Soonest next step first (the all-day one before the timed one on the 14th), deals
    // without one last, in either direction.
    let sorted = rex.json(&[
        "deal",
        "list",
        "--sort",
        "next-activity",
        "--fields",
        "name,next_activity",
    ]);
    let next = |i: usize| rex.json(&["deal", "show", &ids[i]])["next_activity"].clone();
    assert_eq!(
        sorted,
        json!([
            {"name": "Initech", "next_activity": next(3)},
            {"name": "Acme", "next_activity": next(0)},
            {"name": "Globex", "next_activity": next(1)},
            {"name": "Hooli", "next_activity": null},
            {"name": "Stuck", "next_activity": null},
        ])
    );
    assert_eq!(
        next(0),
        json!({"id": next(0)["id"], "type": "email", "subject": "Send contract",
               "due_date": "2026-04-14", "due_time": null})
    );
    let desc = rex.json(&["deal", "list", "--sort", "next-activity", "--desc"]);
    assert_eq!(
        names(&desc),
        ["Globex", "Acme", "Initech", "Stuck", "Hooli"]
    );
    let active = rex.json(&[
        "deal",
        "list",
        "--status",
        "active",
        "--sort",
        "next-activity",
        "--limit",
        "2",
    ]);
    assert_eq!(names(&active), ["Acme", "Globex"]);
    // The API: the same lists, a page at a time through their cursors.
    let served = Served::start(&rex, &["--open", "--quiet"]);
    for (query, cli) in [
        ("sort=next_activity", &["--sort", "next-activity"][..]),
        (
            "sort=next_activity&order=desc",
            &["--sort", "next-activity", "--desc"][..],
        ),
        ("no_next_step=true", &["--no-next-step"][..]),
    ] {
        let mut seen = Vec::new();
        let mut path = format!("/deals?{query}&limit=2");
        loop {
            let page = served.get(&path, "").json();
            seen.extend(page["data"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/deals?{query}&limit=2&cursor={c}"),
                None => break,
            }
        }
        let mut args = vec!["deal", "list"];
        args.extend(cli);
        assert_eq!(Value::Array(seen), rex.json(&args), "{query}");
    }
    let r = served.get("/deals?no_next_step=yes", "");
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["field"], "no_next_step");
}

/// Was: at 60 columns each next step's reference left the subject one column (`…`), the
/// lines wrapped and the card outgrew the screen; and the owner's own steps named an owner
/// spelt with other capitals.
#[test]
fn at_60x24_the_cards_next_steps_keep_their_subjects_and_the_card_fits() {
    let rex = Rex::new();
    rex.sales();
    let id = deal(
        &rex,
        "Acme Corp",
        "48000",
        &[
            "--owner",
            "Ana@Example.com",
            "--expected-close",
            "2026-04-02",
        ],
    );
    let r = short(&id);
    let call = plan(
        &rex,
        &id,
        "Call the CTO",
        &[
            "--type",
            "call",
            "--due",
            "2026-03-06",
            "--at",
            "14:00",
            "--owner",
            "ana@example.com",
        ],
    );
    let quote = plan(&rex, &id, "Send quote", &["--due", "2026-03-08"]);
    for i in 1..=9 {
        plan(&rex, &id, &format!("Task {i}"), &["--due", "2026-03-20"]);
    }
    let card = card_of(&rex, 60, r);
    let at = row(&card, "Next steps");
    let lines: Vec<&str> = card[at..at + 3].iter().map(|l| l.trim_end()).collect();
    let (call, quote) = (short(&call), short(&quote));
    assert_eq!(
        lines,
        [
            // The owner (the deal's, in other capitals) is left out; the type too, for
            // the subject's sake; the command just fits (one more and it would be the
            // count alone: see output::activity's tests).
            format!(" Next steps       {call}  Fri 2026-03-06 14:00  Call the …"),
            format!("                  {quote}  Sun 2026-03-08        Send quote"),
            format!("                  +9 more: rex activity list --deal {r}"),
        ]
    );
}

/// Was: a card with many fields kept its latest history entry even when that pushed the
/// deal's name and reference off the top of a 24-line screen.
#[test]
fn a_card_too_tall_for_its_history_keeps_its_top_on_the_screen() {
    let rex = Rex::new();
    rex.sales();
    let id = deal(
        &rex,
        "Globex",
        "9000",
        &[
            "--owner",
            "ana",
            "--contact",
            "cfo@globex.example",
            "--expected-close",
            "2026-04-30",
            "--meta",
            "region=emea",
            "--meta",
            "segment=enterprise",
            "--meta",
            "source=referral",
        ],
    );
    let r = short(&id);
    for (i, day) in [
        "2026-03-06",
        "2026-03-07",
        "2026-03-08",
        "2026-03-09",
        "2026-03-10",
    ]
    .iter()
    .enumerate()
    {
        plan(&rex, &id, &format!("Step {i}"), &["--due", day]);
    }
    let reason = "The customer chose a competitor after a long evaluation of security, \
                  pricing and the roadmap; we lost on the timeline for single sign-on";
    rex.ok(&["deal", "close", r, "--lost", "--reason", reason, "-q"]);
    let card = card_of(&rex, 80, r);
    assert!(card[1].contains("Globex"), "{card:#?}");
    assert!(card[2].contains(r), "{card:#?}");
    // No history entry, and the next steps down to the soonest and how many more.
    assert!(!card.iter().any(|l| l.contains("Event")), "{card:#?}");
    let at = row(&card, "Next steps");
    assert!(
        card[at].contains("Fri 2026-03-06  task  Step 0"),
        "{card:#?}"
    );
    assert_eq!(
        card[at + 1].trim(),
        format!("+4 more: rex activity list --deal {r}")
    );
}

/// Was: a card without next steps was never fitted, so long notes pushed its name and
/// reference off the top of a 24-line screen.
#[test]
fn a_card_without_next_steps_keeps_its_top_on_the_screen_too() {
    let rex = Rex::new();
    rex.sales();
    let id = deal(&rex, "Globex renewal", "5000", &["--owner", "ana"]);
    let r = short(&id);
    for i in 1..=5 {
        rex.ok(&[
            "deal",
            "note",
            r,
            &format!(
                "Call {i}: discussed the renewal terms, the price lock for three years, the \
                 quarterly invoicing, the legal review of the master agreement and the data \
                 processing addendum; next call in a week."
            ),
        ]);
    }
    let card = card_of(&rex, 80, r);
    assert!(card[1].contains("Globex renewal"), "{card:#?}");
    assert!(card[2].contains(r), "{card:#?}");
    // The latest note stays; older ones gave way.
    assert!(card.iter().any(|l| l.contains("Call 5:")), "{card:#?}");
    assert!(!card.iter().any(|l| l.contains("Call 1:")), "{card:#?}");
}

/// Was: a card of thirty metadata keys scrolled its name and reference off the screen.
#[test]
fn a_card_of_many_metadata_keys_shows_what_fits_and_how_to_see_the_rest() {
    let rex = Rex::new();
    rex.sales();
    let id = deal(&rex, "Acme", "1", &[]);
    let r = short(&id);
    let mut args = vec!["deal".to_string(), "update".into(), r.into(), "-q".into()];
    for i in 10..40 {
        args.push("--meta".into());
        args.push(format!("k{i}=v{i}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    rex.ok(&args);
    let card = card_of(&rex, 80, r);
    assert!(card[1].contains("Acme"), "{card:#?}");
    let at = row(&card, "Metadata");
    assert!(card[at].contains("k10=v10"), "{card:#?}");
    let more = card
        .iter()
        .find(|l| l.contains("more: rex deal show"))
        .unwrap_or_else(|| panic!("{card:#?}"));
    let shown = card.iter().filter(|l| l.contains("=v")).count();
    assert_eq!(
        more.trim(),
        format!("+{} more: rex deal show {r} -o json", 30 - shown)
    );
}

#[test]
fn deal_show_lists_the_pending_activities_in_its_card_within_80x24() {
    let rex = Rex::new();
    rex.sales();
    let id = deal(
        &rex,
        "Acme Corp",
        "12000",
        &[
            "--owner",
            "ana",
            "--contact",
            "cfo@acme.example",
            "--expected-close",
            "2026-03-31",
        ],
    );
    rex.ok(&["deal", "note", &id, "Sent quote v1"]);
    let r = short(&id);
    let call = plan(
        &rex,
        &id,
        "Call CFO",
        &["--type", "call", "--due", "2026-03-05", "--at", "14:00"],
    );
    let call = short(&call);
    let card = card_of(&rex, 80, r);
    let at = row(&card, "Next steps");
    assert_eq!(
        card[at].trim_end(),
        // Its short reference first, to type; no owner, which is the deal's own.
        format!(" Next steps       {call}  Thu 2026-03-05 14:00  call  Call CFO")
    );
    // Four more: the soonest two, then how many more and how to list them; each line of
    // them in place of a line of recent history.
    let contract = plan(
        &rex,
        &id,
        "Send contract",
        &["--type", "email", "--due", "2026-03-04", "--owner", "bo"],
    );
    let contract = short(&contract);
    plan(
        &rex,
        &id,
        "Kickoff",
        &[
            "--type",
            "meeting",
            "--due",
            "2026-03-09",
            "--at",
            "10:30",
            "--owner",
            "bo",
        ],
    );
    plan(
        &rex,
        &id,
        "Renewal",
        &["--type", "deadline", "--due", "2026-12-31"],
    );
    let card = card_of(&rex, 80, r);
    let at = row(&card, "Next steps");
    let lines: Vec<&str> = card[at..at + 3].iter().map(|l| l.trim_end()).collect();
    assert_eq!(
        lines,
        [
            // One is another's: each line names its owner.
            &format!(
                " Next steps       {contract}  Wed 2026-03-04        email  Send contract  bo"
            ),
            &format!("                  {call}  Thu 2026-03-05 14:00  call   Call CFO       ana"),
            &format!("                  +2 more: rex activity list --deal {r}"),
        ]
    );
    // The card keeps to the screen: the oldest history gives way, the latest stays.
    let last = card.iter().rev().nth(1).unwrap();
    assert!(
        last.contains("deadline \"Renewal\" due Thu 2026-12-31"),
        "{card:#?}"
    );
    assert!(
        card[0].starts_with('─') && card[1].starts_with(" Name"),
        "{card:#?}"
    );
    // JSON stays the deal, with its next step.
    let shown = rex.json(&["deal", "show", r]);
    assert_eq!(shown, rex.json(&["deal", "list"])[0]);
    assert_eq!(shown["next_activity"]["subject"], "Send contract");
}

#[test]
fn closing_or_deleting_a_deal_says_what_became_of_its_activities() {
    let rex = Rex::new();
    rex.sales();
    let acme = deal(&rex, "Acme Corp", "5000", &[]);
    let globex = deal(&rex, "Globex", "100", &[]);
    let hooli = deal(&rex, "Hooli", "100", &[]);
    let call = plan(&rex, &acme, "Call CFO", &["--due", "2026-03-05"]);
    plan(&rex, &acme, "Send contract", &["--due", "2026-03-06"]);
    let done = plan(&rex, &acme, "Intro", &["--due", "2026-03-02"]);
    rex.ok(&["activity", "done", &done]);
    plan(&rex, &globex, "Demo", &["--due", "2026-03-05"]);
    let r = short(&acme);
    // Closing leaves them pending, and says how many and how to list them.
    let out = rex.run(&["deal", "close", r, "--won"]);
    assert!(out.status.success());
    assert_eq!(
        stderr(&out),
        format!(
            "rex: 2 activities of Acme Corp ({r}) remain pending; to list them: rex activity list --deal {r}"
        )
    );
    let listed = rex.json(&["activity", "list", "--deal", r]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    rex.ok(&["activity", "done", &call]);
    rex.ok(&["deal", "reopen", r]);
    let out = rex.run(&["deal", "close", r, "--lost", "-o", "json"]);
    assert!(
        stderr(&out).starts_with("rex: 1 activity of Acme Corp"),
        "{}",
        stderr(&out)
    );
    rex.ok(&["deal", "reopen", r]);
    let quiet = rex.run(&["deal", "close", r, "--won", "-q"]);
    assert_eq!(stderr(&quiet), "");
    // Deleting takes them along, and says how many.
    let out = rex.run(&["deal", "delete", &acme, "--yes"]);
    assert_eq!(stderr(&out), "rex: deleted 1 deal and its 3 activities");
    let out = rex.run(&["deal", "delete", &globex, &hooli, "--yes"]);
    assert_eq!(stderr(&out), "rex: deleted 2 deals and their activity");
    assert_eq!(
        rex.json(&["activity", "list", "--all", "--done"]),
        json!([])
    );
    let lone = deal(&rex, "Lone", "1", &[]);
    let out = rex.run(&["deal", "delete", &lone, "--yes"]);
    assert_eq!(stderr(&out), "rex: deleted 1 deal");
}

#[test]
fn deal_history_tells_each_activity_event_in_words_and_json_passes_them_through() {
    let rex = Rex::new();
    rex.sales();
    let id = deal(&rex, "Acme Corp", "5000", &[]);
    let a = plan(
        &rex,
        &id,
        "Call CFO",
        &["--type", "call", "--due", "2026-03-05", "--at", "14:00"],
    );
    rex.ok(&[
        "activity",
        "update",
        &a,
        "--due",
        "2026-03-06",
        "--at",
        "none",
    ]);
    rex.ok(&["activity", "done", &a]);
    rex.ok(&["activity", "undo", &a]);
    rex.ok(&["activity", "delete", &a, "--yes"]);
    let history = rex.json(&["deal", "history", &id]);
    let events: Vec<Value> = history.as_array().unwrap()[1..]
        .iter()
        .map(|e| {
            let mut e = e.clone();
            let o = e.as_object_mut().unwrap();
            for k in ["deal_id", "at", "actor"] {
                o.remove(k);
            }
            e
        })
        .collect();
    let what = json!({"activity_id": a, "type": "call", "subject": "Call CFO"});
    let with = |more: Value| {
        let mut v = what.clone();
        v.as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        v
    };
    assert_eq!(
        events,
        [
            with(
                json!({"kind": "activity_scheduled", "due_date": "2026-03-05", "due_time": "14:00"})
            ),
            with(
                json!({"kind": "activity_rescheduled", "from_due_date": "2026-03-05",
                        "from_due_time": "14:00", "to_due_date": "2026-03-06", "to_due_time": null})
            ),
            with(json!({"kind": "activity_done", "due_date": "2026-03-06", "due_time": null})),
            with(json!({"kind": "activity_undone", "due_date": "2026-03-06", "due_time": null})),
            with(
                json!({"kind": "activity_deleted", "due_date": "2026-03-06", "due_time": null,
                        "done": false})
            ),
        ]
    );
    // A table: each in words.
    let text = rex.ok(&["deal", "history", &id, "-o", "table", "--color", "never"]);
    let details: Vec<String> = text
        .lines()
        .filter(|l| l.contains(" activity_"))
        .map(|l| {
            let l = l.trim();
            let (_, rest) = l.split_once(" activity_").unwrap();
            let (kind, details) = rest.split_once(' ').unwrap();
            format!("{kind}: {}", details.trim())
        })
        .collect();
    assert_eq!(
        details,
        [
            "scheduled: call \"Call CFO\" due Thu 2026-03-05 14:00",
            "rescheduled: call \"Call CFO\" Thu 2026-03-05 14:00 → Fri 2026-03-06",
            "done: call \"Call CFO\" due Fri 2026-03-06",
            "undone: call \"Call CFO\" due Fri 2026-03-06",
            "deleted: call \"Call CFO\" due Fri 2026-03-06 (was pending)",
        ],
        "{text}"
    );
    // CSV names their fields.
    let csv = rex.ok(&[
        "deal",
        "history",
        &id,
        "-o",
        "csv",
        "--fields",
        "kind,subject,to_due_date",
    ]);
    assert_eq!(
        csv.lines().nth(3),
        Some("activity_rescheduled,Call CFO,2026-03-06")
    );
}

/// ana's day in Los Angeles: it is 23:30 on Thursday 2026-03-05 there, 07:30 on Friday in
/// UTC. Her activities due on the 4th are late, those of the 5th due today, the one of the
/// 6th not yet due; bo's are not hers; a won deal's pending one stays listed.
fn la_evening(rex: &Rex) -> Vec<String> {
    rex.at("2026-03-02T17:00:00Z");
    rex.sales();
    let acme = deal(
        rex,
        "Acme Corp",
        "12000",
        &["--owner", "ana", "--expected-close", "2026-03-20"],
    );
    let globex = deal(rex, "Globex renewal", "2000", &["--owner", "ana"]);
    let won = deal(rex, "Initech upgrade", "4500", &["--owner", "ana"]);
    deal(rex, "Hooli", "300", &["--owner", "ana"]);
    let ids = vec![
        plan(
            rex,
            &acme,
            "Send contract",
            &["--type", "email", "--due", "2026-03-04"],
        ),
        plan(
            rex,
            &globex,
            "Check budget",
            &["--type", "call", "--due", "2026-03-04", "--at", "16:00"],
        ),
        plan(
            rex,
            &acme,
            "Call CFO",
            &["--type", "call", "--due", "2026-03-05", "--at", "14:00"],
        ),
        plan(
            rex,
            &won,
            "Send invoice",
            &["--type", "task", "--due", "2026-03-05"],
        ),
        plan(
            rex,
            &globex,
            "Demo",
            &["--type", "meeting", "--due", "2026-03-06", "--at", "09:00"],
        ),
        plan(
            rex,
            &acme,
            "Kickoff",
            &["--type", "meeting", "--due", "2026-03-05", "--owner", "bo"],
        ),
    ];
    rex.ok(&["deal", "close", &won, "--won", "-q"]);
    rex.at("2026-03-06T07:30:00Z");
    ids
}

#[test]
fn today_lists_my_activities_due_in_my_zone_across_its_midnight() {
    let rex = Rex::new();
    let ids = la_evening(&rex);
    let la = [("TZ", "America/Los_Angeles"), ("REX_OWNER", "ana")];
    let today = |env: &[(&str, &str)], args: &[&str]| -> Value {
        let mut all = vec!["-o", "json", "today"];
        all.extend(args);
        let out = rex
            .cmd()
            .envs(env.iter().copied())
            .args(&all)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let shown = |i: usize| rex.json(&["activity", "show", &ids[i]]);
    let day = today(&la, &[]);
    assert_eq!(day["activities_overdue"], json!([shown(0), shown(1)]));
    assert_eq!(day["activities_today"], json!([shown(3), shown(2)]));
    assert_eq!(shown(3)["deal_name"], "Initech upgrade");
    // Hooli has no next step; the won deal is not active.
    assert_eq!(names(&day["no_next_step"]), ["Hooli"]);
    let keys: Vec<&String> = day.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "activities_overdue",
            "activities_today",
            "overdue",
            "closing_soon",
            "stalled",
            "going_stale",
            "no_next_step"
        ]
    );
    // The same instant in UTC is Friday: Thursday's are late, the demo is due today.
    let utc = today(&[("TZ", "UTC"), ("REX_OWNER", "ana")], &[]);
    assert_eq!(
        utc["activities_overdue"],
        json!([shown(0), shown(1), shown(3), shown(2)])
    );
    assert_eq!(utc["activities_today"], json!([shown(4)]));
    // Everyone's: bo's too.
    let all = today(&la, &["--all", "--section", "activities_today"]);
    assert_eq!(
        all,
        json!({"activities_today": [shown(3), shown(5), shown(2)]})
    );
    // A flat list of them, asked for alone; with deal sections only in JSON.
    let out = rex
        .cmd()
        .envs(la)
        .args([
            "today",
            "--section",
            "activities_overdue,activities_today",
            "-o",
            "tsv",
        ])
        .args(["--fields", "section,subject,deal_name,due_time"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "activities_overdue\tSend contract\tAcme Corp\t\n\
         activities_overdue\tCheck budget\tGlobex renewal\t16:00\n\
         activities_today\tSend invoice\tInitech upgrade\t\n\
         activities_today\tCall CFO\tAcme Corp\t14:00\n"
    );
    let line = rex.fails(
        &[
            "today",
            "--section",
            "activities_today,overdue",
            "-o",
            "tsv",
        ],
        2,
    );
    assert_eq!(
        line,
        "rex: a flat list (TSV, CSV, JSON Lines, ids) holds deals or activities, not both; ask for activities_overdue and activities_today alone, or use -o json"
    );
    let line = rex.fails(
        &[
            "today",
            "--section",
            "activities_today",
            "-o",
            "csv",
            "--fields",
            "name",
        ],
        2,
    );
    assert!(
        line.starts_with("rex: unknown field 'name' for --fields; valid fields: id, deal_id,"),
        "{line}"
    );
    // Without --section a flat list is the deal sections it always was.
    let out = rex
        .cmd()
        .envs(la)
        .args(["today", "-o", "id"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    let planless = rex
        .cmd()
        .envs(la)
        .args([
            "today",
            "--section",
            "no_next_step",
            "-o",
            "tsv",
            "--fields",
            "section,name",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(planless.stdout).unwrap(),
        "no_next_step\tHooli\n"
    );
    // GET /today answers what rex today prints (the server runs in UTC here).
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let api = served.get("/today?owner=ana", "").json();
    assert_eq!(api, today(&[("TZ", "UTC")], &["--owner", "ana"]));
    let api = served
        .get("/today?section=activities_today,no-next-step", "")
        .json();
    assert_eq!(
        api,
        today(
            &[("TZ", "UTC")],
            &["--all", "--section", "activities_today,no_next_step"]
        )
    );
}

#[test]
fn today_at_80x24_shows_the_activities_first_and_the_deals_without_a_next_step_last() {
    let rex = Rex::new();
    let ids = la_evening(&rex);
    let la = [("TZ", "America/Los_Angeles"), ("REX_OWNER", "ana")];
    let lines = screen(&rex, &la, &["today"]);
    let refs: Vec<String> = ids.iter().map(|id| short(id).to_string()).collect();
    let hooli = short(&s(&rex.json(&["deal", "show", "Hooli"])["id"])).to_string();
    assert_eq!(
        lines,
        [
            "Overdue activities: 2".to_string(),
            format!(
                "  {}  Wed 2026-03-04        email  Send contract  Acme Corp",
                refs[0]
            ),
            format!(
                "  {}  Wed 2026-03-04 16:00  call   Check budget   Globex renewal",
                refs[1]
            ),
            "Activities due today: 2".to_string(),
            format!(
                "  {}  today                 task   Send invoice   Initech upgrade",
                refs[3]
            ),
            format!(
                "  {}  14:00                 call   Call CFO       Acme Corp",
                refs[2]
            ),
            "Overdue: none".to_string(),
            "Closing within 7 days: none".to_string(),
            "Stalled: none".to_string(),
            "Going stale within 3 days: none".to_string(),
            "No next step: 1 deal, $300.00".to_string(),
            format!("  {hooli}  Hooli  $300.00  Discovery"),
        ]
    );
    // Everyone's: the owner at the end of each activity's line too.
    let all = screen(&rex, &la, &["today", "--all"]);
    assert_eq!(all[3], "Activities due today: 3");
    assert!(all[5].ends_with("Acme Corp        bo"), "{all:#?}");
}

#[test]
fn the_board_marks_a_deal_without_a_next_step_and_dates_the_others() {
    let rex = Rex::new();
    rex.sales();
    let acme = deal(&rex, "Acme Corp", "12000", &[]);
    let globex = deal(&rex, "Globex", "2000", &[]);
    let hooli = deal(&rex, "Hooli", "300", &[]);
    plan(
        &rex,
        &acme,
        "Call CFO",
        &["--due", "2026-03-05", "--at", "14:00"],
    );
    plan(&rex, &globex, "Demo", &["--due", "2026-12-04"]);
    let board = screen(&rex, &[], &["board"]);
    let lines: Vec<&str> = board.iter().map(|l| l.trim_end()).collect();
    assert_eq!(
        lines[3..6],
        [
            format!("Acme Corp     Mar 5 $12,000.00 {}", short(&acme)),
            format!("Globex        Dec 4  $2,000.00 {}", short(&globex)),
            format!("Hooli{}$300.00 {}?", " ".repeat(18), short(&hooli)),
        ],
        "{board:#?}"
    );
    assert_eq!(lines.last(), Some(&"? no next step   Mar 5: next step due"));
    // Scheduling one takes the mark away.
    plan(&rex, &hooli, "Call", &[]);
    let board = screen(&rex, &[], &["board"]);
    assert!(!board.iter().any(|l| l.contains('?')), "{board:#?}");
    assert_eq!(
        board.last().map(String::as_str),
        Some("Mar 5: next step due")
    );
}
