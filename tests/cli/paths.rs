//! Where the database is, and who may create it: only a command that adds data
//! (`pipeline create`, `import`) creates a database, and only when it does add some, so
//! that a mistyped `--db` or `REX_DB` never quietly becomes a new, empty one. Every test here runs on SQLite
//! files, with HOME in its own temporary directory (the real home is never touched).

use serde_json::{json, Value};

use crate::support::{entries, stderr, succeeded, Rex};

/// The commands that only read, or change what is there, each with what it prints on an
/// empty database (`None`: it fails as on an empty database: no such deal, no pipeline).
const READERS: [(&[&str], Option<&str>); 9] = [
    (&["deal", "stalled", "--mark", "-o", "json"], Some("[]")),
    (&["deal", "list", "-o", "json"], Some("[]")),
    (&["pipeline", "list", "-o", "json"], Some("[]")),
    (&["report", "wins", "-o", "json"], Some("[]")),
    (
        &["today", "-o", "json"],
        Some(
            r#"{"activities_overdue":[],"activities_today":[],"overdue":[],"closing_soon":[],"stalled":[],"going_stale":[],"no_next_step":[]}"#,
        ),
    ),
    (&["export"], Some("")),
    (&["deal", "move", "Acme", "Proposal"], None),
    (&["board"], None),
    // A deal needs a pipeline, which a new database does not have.
    (&["deal", "create", "Acme", "--value", "5"], None),
];

/// A file for `rex import`: the pipeline Sales and the deal Acme, as `rex export` writes them.
fn export_file(rex: &Rex) -> String {
    let source = Rex::sqlite();
    source.sales();
    source.ok(&["deal", "create", "Acme", "--value", "5", "-q"]);
    rex.file("crm.jsonl", &source.ok(&["export"]))
}

/// `rex ARGS` with the database given by `REX_DB` (`Some`) or the per-user default (`None`).
fn run(rex: &Rex, db: Option<&std::path::Path>, args: &[&str]) -> std::process::Output {
    let mut cmd = rex.cmd();
    match db {
        Some(db) => cmd.env("REX_DB", db),
        None => cmd.env_remove("REX_DB"),
    };
    cmd.args(args).output().unwrap()
}

/// Was: `REX_DB=~/crm/rexx.db rex deal stalled --mark` created the directory and a new
/// database, and reported nothing stalled, forever.
#[test]
fn a_named_database_that_does_not_exist_is_refused_and_nothing_is_created() {
    let rex = Rex::without_database();
    let dir = rex.dir.path();
    let typo = dir.join("crm/rexx.db");
    let line = format!(
        "rex: no database at {} (check --db/REX_DB; rex pipeline create NAME creates one)",
        typo.display()
    );
    let before = entries(dir);
    let mut every: Vec<&[&str]> = READERS.iter().map(|(args, _)| *args).collect();
    every.extend([&["info"][..], &["deal", "show", "Acme"], &["forecast"]]);
    every.push(&["backup", "copy.db"]);
    for args in every {
        for flag in [false, true] {
            let out = match flag {
                false => run(&rex, Some(&typo), args),
                true => {
                    let mut all = vec!["--db", typo.to_str().unwrap()];
                    all.extend(args);
                    rex.run(&all)
                }
            };
            assert_eq!(
                (out.status.code(), stderr(&out)),
                (Some(6), line.clone()),
                "{args:?} (--db: {flag})"
            );
            assert!(out.stdout.is_empty(), "{args:?}");
            assert_eq!(entries(dir), before, "{args:?} made a file");
            assert!(!dir.join("crm").exists(), "{args:?} made the directory");
        }
    }
    // A dry run of an import rehearses on an empty database, and creates nothing.
    let file = export_file(&rex);
    let before = entries(dir);
    let out = run(
        &rex,
        Some(&typo),
        &["import", &file, "--dry-run", "-o", "json"],
    );
    succeeded(&out);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report,
        json!({"pipelines": 1, "deals": 1, "events": 1, "dry_run": true, "activities": 0})
    );
    assert_eq!(entries(dir), before);
}

/// Before anything was created, the per-user database reads as empty and is not created.
#[test]
fn the_default_database_reads_as_empty_until_something_is_added() {
    let rex = Rex::without_database();
    let home = rex.dir.path().join("home");
    let db = home.join(".local/share/rex/rex.db");
    for (args, printed) in READERS {
        let out = run(&rex, None, args);
        match printed {
            Some(text) => {
                succeeded(&out);
                let stdout = String::from_utf8(out.stdout).unwrap();
                if text.starts_with(['[', '{']) {
                    let got: Value = serde_json::from_str(&stdout).unwrap();
                    assert_eq!(
                        got,
                        serde_json::from_str::<Value>(text).unwrap(),
                        "{args:?}"
                    );
                } else {
                    assert_eq!(stdout, text, "{args:?}");
                }
            }
            None => {
                let code = out.status.code();
                assert!(
                    matches!(code, Some(3 | 4)),
                    "{args:?}: {code:?} {}",
                    stderr(&out)
                );
            }
        }
        assert!(!home.exists(), "{args:?} created {}", home.display());
    }
    // info says where the database will be, and that it is not there yet.
    let out = run(&rex, None, &["info", "-o", "json"]);
    succeeded(&out);
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&info["database"], &info["exists"], &info["deals"]),
        (&json!(db.to_str().unwrap()), &json!(false), &json!(0))
    );
    // A backup of nothing is refused.
    let out = run(&rex, None, &["backup", "copy.db"]);
    assert_eq!(
        (out.status.code(), stderr(&out)),
        (
            Some(6),
            format!(
                "rex: no database at {} (rex pipeline create NAME creates one)",
                db.display()
            )
        )
    );
    assert!(!home.exists());
    // The first command that adds data creates it, and reads then see it.
    succeeded(&run(&rex, None, &["pipeline", "create", "Sales", "-q"]));
    assert!(db.is_file());
    succeeded(&run(
        &rex,
        None,
        &["deal", "create", "Acme", "--value", "5", "-q"],
    ));
    let out = run(&rex, None, &["info", "-o", "json"]);
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((&info["exists"], &info["deals"]), (&json!(true), &json!(1)));
}

/// The commands that add data create a named database and the directories it needs, as
/// before (a new directory is private).
#[test]
fn commands_that_add_data_create_a_named_database_and_its_directory() {
    use std::os::unix::fs::PermissionsExt;
    let rex = Rex::without_database();
    let dir = rex.dir.path();
    let file = export_file(&rex);
    for (name, args) in [
        ("a", &["pipeline", "create", "Sales", "-q"][..]),
        ("b", &["import", &file, "-q"]),
    ] {
        let db = dir.join(name).join("new/rex.db");
        succeeded(&run(&rex, Some(&db), args));
        assert!(db.is_file(), "{args:?}");
        let mode = std::fs::metadata(db.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{args:?}");
        let out = run(&rex, Some(&db), &["pipeline", "list", "-o", "json"]);
        let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{args:?}");
    }
}

/// Was: a command that may create a database (`pipeline create`, `import`) created it, and
/// the directories above it, before it looked at its input, and left them behind when it
/// failed or added nothing; every later command on the mistyped path then "worked" on an
/// empty database.
#[test]
fn a_command_that_fails_or_adds_nothing_leaves_no_database_behind() {
    use std::process::Stdio;
    let rex = Rex::without_database();
    let dir = rex.dir.path();
    let missing = dir.join("nosuchfile.csv");
    let missing = missing.to_str().unwrap();
    let bad = rex.file("bad.jsonl", "not json\n");
    let before = entries(dir);
    let cases: [(&[&str], i32, String); 5] = [
        (
            &["import", missing],
            2,
            format!("rex: cannot read '{missing}': No such file or directory (os error 2)"),
        ),
        (
            &["import", &bad],
            2,
            "rex: line 1: not valid JSON (expected ident at line 1 column 2); nothing was imported"
                .into(),
        ),
        (&["import", "-", "-o", "json"], 0, String::new()),
        (
            &["pipeline", "create", ""],
            2,
            "rex: the pipeline name is empty; give some text".into(),
        ),
        (
            &["pipeline", "create", "X", "--stage-probability", "Nope=5"],
            3,
            "rex: no stage named 'Nope' in pipeline 'X'; stages: 'Discovery', 'Qualification', 'Proposal', 'Negotiation', 'Closed'".into(),
        ),
    ];
    for (args, code, line) in cases {
        // Two directories deep, neither there before.
        let typo = dir.join("typo3/deeper/x.db");
        let out = rex
            .std_cmd()
            .env("REX_DB", &typo)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(
            (out.status.code(), stderr(&out)),
            (Some(code), line),
            "{args:?}"
        );
        if code == 0 {
            // An empty input is no error: it imported nothing, and says so.
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                report,
                json!({"pipelines": 0, "deals": 0, "events": 0, "dry_run": false, "activities": 0})
            );
        }
        assert!(!typo.exists(), "{args:?} left the database");
        assert!(!dir.join("typo3").exists(), "{args:?} left the directory");
        assert_eq!(entries(dir), before, "{args:?} left a file");
        // So the mistyped path is still refused, as on the first command.
        let out = run(&rex, Some(&typo), &["pipeline", "list"]);
        assert_eq!(out.status.code(), Some(6), "after {args:?}");
    }
}

/// Only what the failing command itself made goes: a directory that was there before stays,
/// and so does a database that existed before, even with nothing in it.
#[test]
fn a_command_that_adds_nothing_removes_only_what_it_made() {
    let rex = Rex::without_database();
    let dir = rex.dir.path();
    let kept = dir.join("kept");
    std::fs::create_dir(&kept).unwrap();
    let typo = kept.join("new/x.db");
    let out = run(&rex, Some(&typo), &["pipeline", "create", ""]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(kept.is_dir());
    assert_eq!(entries(&kept), Vec::<String>::new());
    // A database that was there, empty since its only pipeline was deleted, stays.
    let db = kept.join("x.db");
    succeeded(&run(
        &rex,
        Some(&db),
        &["pipeline", "create", "Sales", "-q"],
    ));
    succeeded(&run(
        &rex,
        Some(&db),
        &["pipeline", "delete", "Sales", "--yes", "-q"],
    ));
    let out = run(&rex, Some(&db), &["pipeline", "create", ""]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(db.is_file());
    let out = rex
        .std_cmd()
        .env("REX_DB", &db)
        .args(["import", "-", "-q"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    succeeded(&out);
    assert!(db.is_file());
    succeeded(&run(&rex, Some(&db), &["pipeline", "list"]));
}
