//! Values in a SQLite database that rex would not write today, put there behind its back:
//! amounts from before the bound, bytes damaged on disk, and text rex refuses.

use serde_json::json;

use crate::support::{import, stderr, Rex};

/// Was: `deal create x --value 92233720368547758.07` was accepted, and from then on
/// `pipeline list` and `pipeline show` failed with "integer overflow".
#[test]
fn amounts_past_the_maximum_are_refused_and_totals_never_overflow() {
    let rex = Rex::new();
    rex.sales();
    let line = rex.fails(
        &["deal", "create", "x", "--value", "92233720368547758.07"],
        2,
    );
    assert!(
        line.contains("more than $10,000,000,000,000.00, the largest amount rex keeps"),
        "{line}"
    );
    rex.fails(&["deal", "create", "x", "--value", "10000000000000.01"], 2);
    let out = import(&rex, &[], "{\"name\":\"x\",\"value\":1000000000000001}\n");
    assert_eq!(
        stderr(&out),
        "rex: line 1: field 'value': value 1000000000000001 is more than 1000000000000000 cents ($10,000,000,000,000.00), the largest amount rex keeps; nothing was imported"
    );
    for _ in 0..3 {
        rex.ok(&["deal", "create", "max", "--value", "$10,000,000,000,000.00"]);
    }
    let list = rex.json(&["pipeline", "list"]);
    assert_eq!(list[0]["open_value"], json!(3_000_000_000_000_000i64));
    // A database from before the bound may hold more: two deals of i64::MAX cents each.
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute("UPDATE deal_rows SET value = 9223372036854775807", [])
        .unwrap();
    drop(conn);
    let text = rex.ok(&["pipeline", "list", "-o", "json"]);
    assert!(
        text.contains("\"open_value\": 27670116110564327421,"),
        "{text}"
    );
    let board = rex.ok(&["pipeline", "show", "Sales", "-o", "json"]);
    assert!(
        board.contains("\"open_value\": 27670116110564327421,"),
        "{board}"
    );
    let table = rex.ok(&["pipeline", "show", "Sales", "-o", "table"]);
    assert!(table.contains("$276,701,161,105,643,274.21"), "{table}");
    rex.ok(&["pipeline", "list", "-o", "csv"]);
    rex.ok(&["deal", "list", "-o", "table"]);
}

/// Was: one flipped byte in a stored id made `rex export` exit 1 with SQLite's conversion
/// error and the raw byte on stderr, instead of exit 6 naming the damaged deal.
#[test]
fn a_damaged_stored_row_is_exit_6_naming_its_deal() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "x", "--value", "1"]);
    let damaged = format!("{}\u{18}{}", &id[..8], &id[9..]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("UPDATE deal_rows SET id = ?1", [&damaged])
        .unwrap();
    drop(conn);
    for args in [vec!["export"], vec!["deal", "list"]] {
        // An export streams: what it wrote before the damage may be on stdout already.
        let out = rex.run(&args);
        assert_eq!(out.status.code(), Some(6), "{args:?}");
        let line = stderr(&out);
        assert!(
            line.starts_with(&format!(
                "rex: the database is damaged at deal '{}\\u{{18}}{}' (",
                &id[..8],
                &id[9..]
            )) && line.ends_with("); restore a backup"),
            "{line}"
        );
    }
    // Damaged metadata too: its deal is named, and it can still be deleted.
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute("UPDATE deal_rows SET id = ?1, metadata = '{'", [&id])
        .unwrap();
    drop(conn);
    let line = rex.fails(&["deal", "show", &id], 6);
    assert!(
        line.starts_with(&format!("rex: the database is damaged at deal '{id}'")),
        "{line}"
    );
    rex.ok(&["deal", "delete", &id, "--yes"]);
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
    // A report names the damaged deal too, not the value that happened to come first.
    let won = rex.id(&["deal", "create", "y", "--value", "1"]);
    rex.ok(&["deal", "close", &won, "--won"]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("UPDATE deal_rows SET pipeline_id = 'pipeline_x'", [])
        .unwrap();
    drop(conn);
    let line = rex.fails(&["report", "wins"], 6);
    assert!(
        line.starts_with(&format!("rex: the database is damaged at deal '{won}' (")),
        "{line}"
    );
}

/// Was: a subject or deal name holding a control character (which rex refuses, but another
/// program can store) went into `-o ics` as it was, and RFC 5545 text holds none: the
/// calendar shows its escape, as a terminal does, and a tab in a note stays a tab.
#[test]
fn control_characters_stored_behind_rex_s_back_never_reach_the_calendar_raw() {
    use icalendar::{Calendar, Component};
    let rex = Rex::new();
    rex.sales();
    let deal = rex.json(&["deal", "create", "Acme", "--value", "1"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let note = "a\tb\nc";
    rex.ok(&[
        "activity",
        "add",
        &deal,
        "Call",
        "--due",
        "2026-03-05",
        "--at",
        "14:00",
        "--note",
        note,
    ]);
    let conn = rusqlite::Connection::open(&rex.db).unwrap();
    conn.execute(
        "UPDATE activity_rows SET subject = 'Call' || char(27) || '[2J' || char(13) || 'X'",
        [],
    )
    .unwrap();
    conn.execute("UPDATE deal_rows SET name = 'Ac' || char(7) || 'me'", [])
        .unwrap();
    drop(conn);
    let ics = rex.ok(&["activity", "list", "--all", "-o", "ics"]);
    let raw: Vec<char> = ics
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t'))
        .collect();
    assert_eq!(raw, Vec::<char>::new(), "{ics}");
    let parsed: Calendar = ics.parse().unwrap_or_else(|e| panic!("{e}:\n{ics}"));
    let event = parsed.components[0].as_event().unwrap();
    assert_eq!(event.get_summary(), Some("Call\\u{1b}[2J\\u{d}X"));
    assert_eq!(event.get_description(), Some("Deal: Ac\\u{7}me\n\na\tb\nc"));
}

/// Was: on a SQLite file, rex run by an account without a name (a container's uid) recorded
/// `USER` as the history's actor unchecked, invisible and escape characters and all. Runs
/// where it can become such an account (as root, with setpriv); says so and passes else.
#[test]
fn a_system_user_name_no_owner_could_have_is_recorded_as_unknown() {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output();
    if unsafe { libc::geteuid() } != 0 || !setpriv.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: needs root and setpriv to run as an account without a name");
        return;
    }
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Acme", "--value", "1", "-q"]);
    // The account without a name must reach the file, its directory and its journal.
    let open = |p: &std::path::Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    open(rex.dir.path(), 0o777);
    for entry in std::fs::read_dir(rex.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            open(&path, 0o666);
        }
    }
    let as_nobody = |user: &str, note: &str| {
        let mut c = rex.std_cmd();
        let program = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
        let mut wrapped = std::process::Command::new("setpriv");
        wrapped.args([
            "--reuid",
            "54321",
            "--regid",
            "54321",
            "--clear-groups",
            "--",
        ]);
        wrapped
            .arg(program)
            .args(args)
            .args(["deal", "note", "-q", "Acme", note]);
        wrapped.env_clear();
        for (k, v) in c.get_envs() {
            if let Some(v) = v {
                wrapped.env(k, v);
            }
        }
        wrapped.env("USER", user);
        c = wrapped;
        let out = c.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    as_nobody("ana\u{200d}\u{1b}[31mRED", "from an unfit name");
    as_nobody("carla", "from carla");
    let actors: Vec<(String, String)> = rex
        .json(&["deal", "history", "Acme"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| {
            (
                e["text"].as_str().unwrap().to_string(),
                e["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        actors,
        [
            ("from an unfit name".to_string(), "unknown".to_string()),
            ("from carla".to_string(), "carla".to_string()),
        ]
    );
}
