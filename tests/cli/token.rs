//! `rex token create|list|revoke`: the secret printed once and kept nowhere, the records as
//! every list prints them, the refusals; and what `rex serve` asks of the same rows through
//! the library (a token's secret, its last use, the responses kept for retries), on
//! whichever backend the suite runs.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{assert_fits, on_terminal, s, stderr, Rex};
use rex::clock::Clock;
use rex::ops::token::{self, Replay};
use rex::store::{Access, Location, Store};

/// Asserts that `secret` has a token's shape, `rex_` and 43 base62 characters (256 bits).
fn assert_secret(secret: &str) {
    let chars = secret
        .strip_prefix("rex_")
        .unwrap_or_else(|| panic!("{secret:?}"));
    assert!(
        chars.len() == 43 && chars.bytes().all(|b| b.is_ascii_alphanumeric()),
        "not a token: {secret:?}"
    );
}

/// The database of `rex` opened through the library, as `rex serve` opens it.
fn store(rex: &Rex) -> Store {
    let location = Location::parse(&rex.database(), "REX_DB").unwrap();
    Store::open(&location, Duration::from_secs(5), Access::Write).unwrap()
}

/// `rex token create -o json ARGS`, its secret checked and replaced by `<secret>`; the
/// record and the secret.
fn created(rex: &Rex, args: &[&str]) -> (Value, String) {
    let mut all = vec!["token", "create"];
    all.extend(args);
    let mut v = rex.json(&all);
    let secret = s(&v["token"]);
    assert_secret(&secret);
    v["token"] = json!("<secret>");
    (v, secret)
}

#[test]
fn create_list_and_revoke_print_their_records_as_json() {
    let rex = Rex::new();
    let (web, _) = created(
        &rex,
        &[
            "website-form",
            "--role",
            "member",
            "--owner",
            "ana",
            "--expires",
            "90d",
        ],
    );
    assert_eq!(
        web,
        json!({
            "name": "website-form",
            "role": "member",
            "owner": "ana",
            "created_at": "2026-03-02T09:00:00Z",
            "expires_at": "2026-05-31T09:00:00Z",
            "token": "<secret>"
        })
    );
    rex.at("2026-03-03T10:30:00Z");
    let (ci, _) = created(&rex, &["ci", "--role", "admin"]);
    assert_eq!(
        ci,
        json!({
            "name": "ci",
            "role": "admin",
            "owner": null,
            "created_at": "2026-03-03T10:30:00Z",
            "expires_at": null,
            "token": "<secret>"
        })
    );
    created(&rex, &["dashboard", "--role", "reader", "--expires", "12h"]);
    let listed = json!([
        {"name": "ci", "role": "admin", "owner": null,
         "created_at": "2026-03-03T10:30:00Z", "last_used_at": null, "expires_at": null},
        {"name": "dashboard", "role": "reader", "owner": null,
         "created_at": "2026-03-03T10:30:00Z", "last_used_at": null,
         "expires_at": "2026-03-03T22:30:00Z"},
        {"name": "website-form", "role": "member", "owner": "ana",
         "created_at": "2026-03-02T09:00:00Z", "last_used_at": null,
         "expires_at": "2026-05-31T09:00:00Z"}
    ]);
    assert_eq!(rex.json(&["token", "list"]), listed);
    // As every list prints: one JSON object a line, TSV, names alone.
    let lines: Vec<Value> = rex
        .ok(&["-o", "jsonl", "token", "list"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(Value::from(lines), listed);
    assert_eq!(
        rex.ok(&["token", "list"]),
        "ci\tadmin\t\t2026-03-03T10:30:00Z\t\t\n\
         dashboard\treader\t\t2026-03-03T10:30:00Z\t\t2026-03-03T22:30:00Z\n\
         website-form\tmember\tana\t2026-03-02T09:00:00Z\t\t2026-05-31T09:00:00Z\n"
    );
    assert_eq!(
        rex.ok(&["-o", "id", "token", "list"]),
        "ci\ndashboard\nwebsite-form\n"
    );

    let out = rex.run(&["-o", "json", "token", "revoke", "website-form"]);
    assert_eq!(stderr(&out), "rex: revoked token website-form");
    let revoked: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(revoked, listed[2]);
    // In a pipe without -o, the confirmation alone.
    let out = rex.run(&["token", "revoke", "dashboard"]);
    assert_eq!(
        (out.status.code(), out.stdout.is_empty(), stderr(&out)),
        (Some(0), true, "rex: revoked token dashboard".to_string())
    );
    let out = rex.run(&["-q", "token", "revoke", "ci"]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    assert_eq!(rex.json(&["token", "list"]), json!([]));
    assert_eq!(rex.ok(&["token", "list"]), "");
}

#[test]
fn in_a_pipe_the_secret_is_printed_alone_and_only_once() {
    let rex = Rex::new();
    for (name, format) in [("ci", None), ("tsv", Some("tsv")), ("id", Some("id"))] {
        let mut args = Vec::new();
        if let Some(f) = format {
            args.extend(["-o", f]);
        }
        args.extend(["token", "create", name, "--role", "admin"]);
        let out = rex.run(&args);
        assert_eq!(
            (out.status.code(), stderr(&out)),
            (Some(0), String::new()),
            "{args:?}"
        );
        let printed = String::from_utf8(out.stdout).unwrap();
        let secret = printed.strip_suffix('\n').unwrap();
        assert!(!secret.contains('\n'), "{printed:?}");
        assert_secret(secret);
    }
    // Each secret is new, and nothing rex prints later shows one or its hash.
    let secrets: Vec<String> = (0..3)
        .map(|i| rex.ok(&["token", "create", &format!("t{i}"), "--role", "reader"]))
        .collect();
    assert!(secrets[0] != secrets[1] && secrets[1] != secrets[2]);
    let everything = [
        rex.ok(&["-o", "json", "token", "list"]),
        rex.ok(&["-o", "csv", "token", "list"]),
        rex.ok(&["-o", "wide", "token", "list"]),
        rex.ok(&["-o", "json", "token", "revoke", "t0"]),
        rex.ok(&["-o", "json", "info"]),
        rex.ok(&["export"]),
    ]
    .concat();
    for secret in &secrets {
        let secret = secret.trim_end();
        assert!(!everything.contains(secret));
        assert!(!everything.contains(&token::hash(secret)));
        assert!(!everything.contains(&secret[4..20]));
    }
    // --fields picks from the record, the token among them.
    let out = rex.ok(&[
        "--fields",
        "name,token",
        "token",
        "create",
        "f",
        "--role",
        "admin",
    ]);
    let (name, secret) = out.trim_end().split_once('\t').unwrap();
    assert_eq!(name, "f");
    assert_secret(secret);
    assert_eq!(
        rex.fails(&["--fields", "name,hash", "token", "create", "g", "--role", "admin"], 2),
        "rex: unknown field 'hash' for --fields; valid fields: name, role, owner, created_at, expires_at, token"
    );
    assert_eq!(
        rex.fails(&["--fields", "token", "token", "list"], 2),
        "rex: unknown field 'token' for --fields; valid fields: name, role, owner, created_at, last_used_at, expires_at"
    );
}

#[test]
fn the_database_keeps_the_hash_of_a_secret_and_never_the_secret() {
    let rex = Rex::new();
    let (_, secret) = created(&rex, &["ci", "--role", "admin"]);
    let hash = token::hash(&secret);
    assert_eq!(hash.len(), 64);
    let stored = match &rex.url {
        Some(url) => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
            client
                .query("SELECT t::text FROM api_tokens t", &[])
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect::<Vec<_>>()
                .concat()
                .into_bytes()
        }
        None => {
            let mut bytes = std::fs::read(&rex.db).unwrap();
            let mut wal = rex.db.clone().into_os_string();
            wal.push("-wal");
            bytes.extend(std::fs::read(wal).unwrap_or_default());
            bytes
        }
    };
    let holds = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(holds(&hash), "the hash is kept");
    assert!(!holds(&secret), "the secret is not");
    assert!(!holds(&secret[4..24]), "nor a part of it");
}

#[test]
fn expiry_counts_from_the_commands_clock_in_minutes_hours_days_or_weeks() {
    let rex = Rex::new();
    rex.at("2026-03-30T23:45:00Z");
    for (name, expires, at) in [
        ("m", "30m", "2026-03-31T00:15:00Z"),
        ("h", "12h", "2026-03-31T11:45:00Z"),
        ("d", "2d", "2026-04-01T23:45:00Z"),
        ("w", "2w", "2026-04-13T23:45:00Z"),
    ] {
        let (v, _) = created(&rex, &[name, "--role", "reader", "--expires", expires]);
        assert_eq!(v["expires_at"], json!(at), "{expires}");
    }
    for bad in ["3x", "90", "1.5d", "-1d", "d", "90 d"] {
        let flag = format!("--expires={bad}");
        assert_eq!(
            rex.fails(&["token", "create", "x", "--role", "reader", &flag], 2),
            format!("rex: expires '{bad}' is not a duration; give a whole number and a unit: 30m (minutes), 12h (hours), 90d (days) or 2w (weeks)")
        );
    }
    assert_eq!(
        rex.fails(
            &[
                "token",
                "create",
                "x",
                "--role",
                "reader",
                "--expires",
                "0d"
            ],
            2
        ),
        "rex: expires '0d' is no time at all; give at least 1m"
    );
    assert_eq!(
        rex.fails(&["token", "create", "x", "--role", "reader", "--expires", "999999w"], 2),
        "rex: the token would expire after the year 9999; give a shorter --expires, or none to keep it until it is revoked"
    );
    // A token is let in until the moment it expires (the server asks as rex serve does).
    let (_, secret) = created(&rex, &["short", "--role", "reader", "--expires", "30m"]);
    let mut store = store(&rex);
    let live = |store: &mut Store, at: &str| {
        let clock = Clock::parse(at).unwrap();
        store
            .read(|tx| token::authenticate(tx, &clock, &secret))
            .unwrap()
            .map(|t| t.name)
    };
    assert_eq!(
        live(&mut store, "2026-03-31T00:14:59Z").as_deref(),
        Some("short")
    );
    assert_eq!(live(&mut store, "2026-03-31T00:15:00Z"), None);
}

#[test]
fn bad_roles_names_and_owners_are_refused_and_nothing_is_created() {
    let rex = Rex::new();
    assert_eq!(
        rex.fails(&["token", "create", "x", "--role", "owner"], 2),
        "rex: invalid value 'owner' for '--role <ROLE>' [possible values: reader, member, admin]"
    );
    assert!(rex
        .fails(&["token", "create", "x"], 2)
        .starts_with("rex: the following required arguments were not provided:"));
    assert_eq!(
        rex.fails(&["token", "create", "web", "--role", "member"], 2),
        "rex: a member token works on its owner's deals; name the owner with --owner OWNER"
    );
    assert_eq!(
        rex.fails(
            &["token", "create", "web", "--role", "member", "--owner", " "],
            2
        ),
        "rex: the owner is empty; give some text"
    );
    assert_eq!(
        rex.fails(&["token", "create", " ", "--role", "admin"], 2),
        "rex: the token name is empty; give some text"
    );
    assert_eq!(
        rex.fails(&["token", "create", "a\tb", "--role", "admin"], 2),
        "rex: the token name contains the control character U+0009; use printable text on one line"
    );
    let long = "n".repeat(101);
    assert_eq!(
        rex.fails(&["token", "create", &long, "--role", "admin"], 2),
        "rex: the token name is 101 characters long; the limit is 100"
    );
    created(&rex, &[&"n".repeat(100), "--role", "admin"]);
    assert_eq!(rex.json(&["token", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_taken_name_and_a_name_that_names_nothing_are_refused() {
    let rex = Rex::new();
    assert_eq!(
        rex.fails(&["token", "revoke", "ci"], 3),
        "rex: no token named 'ci'; there are none"
    );
    created(&rex, &["ci", "--role", "admin"]);
    created(&rex, &["my-laptop", "--role", "reader"]);
    assert_eq!(
        rex.fails(&["token", "create", "ci", "--role", "reader"], 4),
        "rex: a token named 'ci' exists; rex token revoke ci first, or pick another name"
    );
    assert_eq!(
        rex.fails(&["token", "create", " my-laptop ", "--role", "admin"], 4),
        "rex: a token named 'my-laptop' exists; rex token revoke my-laptop first, or pick another name"
    );
    assert_eq!(
        rex.fails(&["token", "revoke", "cd"], 3),
        "rex: no token named 'cd'; tokens: 'ci', 'my-laptop'"
    );
    // Revoked, the name is free again, for a token with another secret.
    rex.ok(&["token", "revoke", "ci"]);
    created(&rex, &["ci", "--role", "reader"]);
}

#[test]
fn token_commands_need_the_database_to_exist() {
    let rex = Rex::without_database();
    let missing = format!(
        "rex: no database at {} (check --db/REX_DB; rex pipeline create NAME creates one)",
        rex.db.display()
    );
    for args in [
        &["token", "create", "ci", "--role", "admin"][..],
        &["token", "list"],
        &["token", "revoke", "ci"],
    ] {
        assert_eq!(rex.fails(args, 6), missing, "{args:?}");
        assert!(!rex.db.exists(), "{args:?} created the database");
    }
}

#[test]
fn what_the_server_asks_of_tokens_and_kept_responses() {
    let rex = Rex::new();
    let (_, secret) = created(&rex, &["ci", "--role", "admin"]);
    let (_, reader) = created(&rex, &["dash", "--role", "reader"]);
    let mut store = store(&rex);
    let at = |t: &str| Clock::parse(t).unwrap();

    // The secret finds its token; a wrong one finds nothing.
    let clock = at("2026-03-02T10:00:00Z");
    let ci = store
        .read(|tx| token::authenticate(tx, &clock, &secret))
        .unwrap()
        .unwrap();
    assert_eq!((ci.name.as_str(), ci.role), ("ci", token::Role::Admin));
    let wrong = format!("{}A", &secret[..secret.len() - 1]);
    let wrong = if wrong == secret {
        format!("{}B", &secret[..46])
    } else {
        wrong
    };
    for other in [wrong.as_str(), "", "rex_", "Bearer"] {
        assert_eq!(
            store
                .read(|tx| token::authenticate(tx, &clock, other))
                .unwrap(),
            None
        );
    }

    // Its last use is written, and then at most once a minute.
    assert!(token::due_for_touch(&clock, &ci));
    store.write(|tx| token::touch(tx, &clock, &ci)).unwrap();
    let last_used = |rex: &Rex| rex.json(&["token", "list"])[0]["last_used_at"].clone();
    assert_eq!(last_used(&rex), json!("2026-03-02T10:00:00Z"));
    let soon = at("2026-03-02T10:00:59Z");
    let ci = store
        .read(|tx| token::authenticate(tx, &soon, &secret))
        .unwrap()
        .unwrap();
    assert!(!token::due_for_touch(&soon, &ci));
    store.write(|tx| token::touch(tx, &soon, &ci)).unwrap();
    assert_eq!(last_used(&rex), json!("2026-03-02T10:00:00Z"));
    let minute = at("2026-03-02T10:01:00Z");
    store.write(|tx| token::touch(tx, &minute, &ci)).unwrap();
    assert_eq!(last_used(&rex), json!("2026-03-02T10:01:00Z"));

    // A kept response answers its key for 24 hours; a second one for the key is busy.
    let first = Replay {
        request_hash: "h1".into(),
        status: 201,
        location: Some("/deals/deal_01".into()),
        body: "{\"name\":\"Acme\"}".into(),
    };
    store
        .write(|tx| token::save_replay(tx, &clock, "ci", "key-1", &first))
        .unwrap();
    let found = |store: &mut Store, c: &Clock, scope: &str| {
        store
            .read(|tx| token::replay(tx, c, scope, "key-1"))
            .unwrap()
    };
    assert_eq!(found(&mut store, &minute, "ci"), Some(first.clone()));
    assert_eq!(found(&mut store, &minute, "dash"), None);
    assert_eq!(
        found(&mut store, &at("2026-03-03T10:00:00Z"), "ci"),
        Some(first.clone())
    );
    assert_eq!(found(&mut store, &at("2026-03-03T10:00:01Z"), "ci"), None);
    let second = Replay {
        status: 200,
        location: None,
        ..first.clone()
    };
    let e = store
        .write(|tx| token::save_replay(tx, &minute, "ci", "key-1", &second))
        .unwrap_err();
    assert_eq!(e.exit_code(), 5, "{e}");
    assert_eq!(found(&mut store, &minute, "ci"), Some(first.clone()));
    let next_day = at("2026-03-03T10:00:01Z");
    store
        .write(|tx| token::save_replay(tx, &next_day, "ci", "key-1", &second))
        .unwrap();
    assert_eq!(found(&mut store, &next_day, "ci"), Some(second));

    // Revoked with the CLI, the token lets nobody in, on this connection's next request.
    rex.ok(&["token", "revoke", "ci"]);
    assert_eq!(
        store
            .read(|tx| token::authenticate(tx, &minute, &secret))
            .unwrap(),
        None
    );
    assert_eq!(found(&mut store, &next_day, "ci"), None);
    assert!(store
        .read(|tx| token::authenticate(tx, &minute, &reader))
        .unwrap()
        .is_some());
}

#[test]
fn at_a_terminal_create_shows_the_secret_between_two_notes_and_list_fits_80_columns() {
    let rex = Rex::new();
    let (screen, code) = on_terminal(
        &rex,
        24,
        80,
        &[("NO_COLOR", "1")],
        &[
            "token",
            "create",
            "website-form",
            "--role",
            "member",
            "--owner",
            "Ana Lopez",
            "--expires",
            "90d",
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert_fits(&screen, 80, "token create at 80x24");
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), 3, "{screen}");
    assert_eq!(
        lines[0],
        "rex: created member token website-form for Ana Lopez, expires 2026-05-31 09:00"
    );
    assert_secret(lines[1]);
    assert_eq!(
        lines[2],
        "rex: the token is shown only this once; the database keeps only its hash"
    );
    rex.at("2026-03-09T09:00:00Z");
    // At 80 columns, a long name is what gives way.
    created(
        &rex,
        &["a-rather-long-token-name-for-the-ci", "--role", "admin"],
    );
    let (_, secret) = created(&rex, &["dash", "--role", "reader", "--expires", "1d"]);
    let mut store = store(&rex);
    let clock = Clock::parse("2026-03-09T12:00:00Z").unwrap();
    let dash = store
        .read(|tx| token::authenticate(tx, &clock, &secret))
        .unwrap()
        .unwrap();
    store.write(|tx| token::touch(tx, &clock, &dash)).unwrap();
    rex.at("2026-03-12T09:00:00Z");
    let (screen, code) = on_terminal(&rex, 24, 80, &[("NO_COLOR", "1")], &["token", "list"]);
    assert_eq!(code, 0, "{screen}");
    assert_fits(&screen, 80, "token list at 80x24");
    let rows: Vec<Vec<&str>> = screen
        .lines()
        .filter(|l| !l.starts_with('─') && !l.starts_with('═'))
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            vec!["Name", "Role", "Owner", "Created", "Last used", "Expires"],
            vec![
                "a-rather-long-toke…",
                "admin",
                "2026-03-09",
                "never",
                "never"
            ],
            vec!["dash", "reader", "2026-03-09", "2d ago", "expired"],
            vec![
                "website-form",
                "member",
                "Ana Lopez",
                "2026-03-02",
                "never",
                "2026-05-31"
            ],
        ],
        "{screen}"
    );
}
