//! Team mode: what only a PostgreSQL server has (TLS, passwords, a shared database that
//! several rex set up at once, one-transaction imports, a server that restarts). These run
//! in the suite's PostgreSQL run (see [`crate::server`]); on SQLite they are listed as
//! ignored.

use std::collections::HashSet;
use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::server::{wait_until, with_database, Cluster, SERVER_VAR};
use crate::support::{s, stage_id, succeeded, succeeded_for, Rex};

/// The advisory lock rex's writes take on PostgreSQL (its application id, "REX1").
const WRITE_LOCK: i64 = 0x5245_5831;

/// The URL of this rex's database on the test server.
fn url(rex: &Rex) -> String {
    rex.url.clone().expect("a PostgreSQL run")
}

/// The name of this rex's database on the test server.
fn database_name(rex: &Rex) -> String {
    crate::server::database_of(&url(rex)).expect("a database in the URL")
}

/// A rex command on `url` instead of the rex's own database.
fn on(rex: &Rex, url: &str) -> Command {
    let mut c = rex.std_cmd();
    c.env("REX_DB", url);
    c
}

fn text(out: &Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The server's port and self-signed certificate, as the runner passes them on.
fn port() -> String {
    std::env::var("REX_TEST_PG_PORT").expect("REX_TEST_PG_PORT")
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn tls_modes_and_a_trusted_self_signed_certificate() {
    let rex = Rex::new();
    let cert = std::env::var("REX_TEST_PG_CERT").unwrap_or_default();
    if cert.is_empty() {
        assert!(
            std::env::var_os(crate::server::REQUIRE_VAR).is_none(),
            "TLS cannot be tested: openssl did not make the server's certificate"
        );
        crate::support::skipped("TLS checks need openssl to make the server's certificate");
        return;
    }
    let db_name = database_name(&rex);
    let at = |host: &str, query: &str| {
        format!("postgres://postgres@{host}:{}/{db_name}?{query}", port())
    };
    let info = |u: &str| text(&on(&rex, u).args(["info", "-o", "json"]).output().unwrap());
    // require encrypts without checking who answers, as libpq does.
    let (code, out, err) = info(&at("127.0.0.1", "sslmode=require"));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["database"],
        format!(
            "postgres://postgres@127.0.0.1:{}/{db_name}?sslmode=require",
            port()
        )
    );
    // verify-full trusts only known roots: the self-signed certificate is refused ...
    let (code, out, err) = info(&at("localhost", "sslmode=verify-full"));
    assert_eq!((code, out.as_str()), (Some(6), ""));
    assert!(
        err.starts_with(&format!(
            "rex: cannot connect to postgres://postgres@localhost:{}/{db_name}?sslmode=verify-full: ",
            port()
        )) && err.contains("certificate")
            && err.lines().count() == 1,
        "{err}"
    );
    // ... until sslrootcert names it; then the name must match (localhost and 127.0.0.1 do).
    for host in ["localhost", "127.0.0.1"] {
        let trusted = at(host, &format!("sslmode=verify-full&sslrootcert={cert}"));
        let (code, _, err) = info(&trusted);
        assert_eq!(code, Some(0), "{host}: {err}");
    }
    let (code, _, err) = info(&at(
        "127.0.0.1",
        &format!("sslmode=require&sslrootcert={cert}"),
    ));
    assert_eq!(code, Some(0), "{err}");
    // A root that did not sign the server's certificate is refused even with require.
    let other = rex.dir.path().join("other.pem");
    assert!(crate::server::self_signed(
        &rex.dir.path().join("other.key"),
        &other,
        "other"
    ));
    let (code, _, err) = info(&at(
        "127.0.0.1",
        &format!("sslmode=require&sslrootcert={}", other.display()),
    ));
    assert_eq!(code, Some(6), "{err}");
    for mode in ["disable", "prefer"] {
        let (code, _, err) = info(&at("127.0.0.1", &format!("sslmode={mode}")));
        assert_eq!(code, Some(0), "{mode}: {err}");
    }
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn the_password_comes_from_the_url_pgpassword_or_pgpass_and_is_never_shown() {
    let rex = Rex::new();
    let db_name = database_name(&rex);
    let base = format!("127.0.0.1:{}/{db_name}?sslmode=disable", port());
    let run = |u: &str, envs: &[(&str, &str)]| {
        let mut c = on(&rex, u);
        for (k, v) in envs {
            c.env(k, v);
        }
        text(&c.args(["info", "-o", "json"]).output().unwrap())
    };
    let with_password = format!("postgres://ana_pw:pw-s3cret@{base}");
    let (code, out, err) = run(&with_password, &[]);
    assert_eq!(code, Some(0), "{err}");
    let shown = format!("postgres://ana_pw@{base}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["database"],
        shown
    );
    assert!(!out.contains("s3cret"));
    let without = format!("postgres://ana_pw@{base}");
    let (code, out, err) = run(&without, &[]);
    assert_eq!((code, out.as_str()), (Some(6), ""));
    assert!(
        err.starts_with(&format!("rex: cannot log in to {shown} as 'ana_pw' ("))
            && err.ends_with("; give the password in the URL, PGPASSWORD or ~/.pgpass\n"),
        "{err}"
    );
    let wrong = format!("postgres://ana_pw:wrong-s3cret@{base}");
    let (code, _, err) = run(&wrong, &[]);
    assert_eq!(code, Some(6));
    assert!(!err.contains("wrong-s3cret"), "{err}");
    assert_eq!(run(&without, &[("PGPASSWORD", "pw-s3cret")]).0, Some(0));
    // ~/.pgpass, as psql reads it: only when others cannot read it.
    let home = rex.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let pgpass = home.join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "# team server\nother:1:*:*:nope\n127.0.0.1:{}:*:ana_pw:pw-s3cret\n",
            port()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        run(&without, &[]).0,
        Some(6),
        "a readable ~/.pgpass is ignored"
    );
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, _, err) = run(&without, &[]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_database_of_another_program_or_a_newer_rex_is_refused_and_untouched() {
    let rex = Rex::new();
    let db = url(&rex);
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    client
        .batch_execute("CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (7)")
        .unwrap();
    let out = text(&rex.cmd().args(["deal", "list"]).output().unwrap());
    assert_eq!(
        out,
        (Some(6), String::new(), format!("rex: database {db} holds tables of another program and is not a rex database; give the URL of an empty database or of rex's\n"))
    );
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        tables, 1,
        "nothing was created beside the other program's table"
    );

    let newer = Rex::new();
    newer.ok(&["pipeline", "list"]);
    let mut client = postgres::Client::connect(&url(&newer), postgres::NoTls).unwrap();
    client
        .batch_execute("UPDATE rex_schema SET version = 99")
        .unwrap();
    let (code, out, err) = text(
        &newer
            .cmd()
            .args(["pipeline", "create", "X"])
            .output()
            .unwrap(),
    );
    assert_eq!((code, out.as_str()), (Some(6), ""));
    assert!(
        err.starts_with(
            "rex: the database was written by a newer rex (schema 99; this rex knows up to "
        ),
        "{err}"
    );
    let pipelines: i64 = client
        .query_one("SELECT count(*) FROM pipelines", &[])
        .unwrap()
        .get(0);
    assert_eq!(pipelines, 0);
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn the_schema_belongs_to_the_databases_owner_so_every_member_can_use_it() {
    let rex = Rex::new();
    let admin = std::env::var(SERVER_VAR).unwrap();
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let tag = std::process::id();
    client
        .batch_execute(&format!(
            "CREATE ROLE team_{tag} NOLOGIN;
             CREATE ROLE ana_{tag} LOGIN IN ROLE team_{tag};
             CREATE ROLE cron_{tag} LOGIN IN ROLE team_{tag};"
        ))
        .unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE crm_{tag} OWNER team_{tag}"))
        .unwrap();
    let as_role = |role: &str| {
        with_database(&admin, &format!("crm_{tag}")).replace("postgres@", &format!("{role}_{tag}@"))
    };
    let run =
        |role: &str, args: &[&str]| text(&on(&rex, &as_role(role)).args(args).output().unwrap());
    assert_eq!(
        run("ana", &["pipeline", "create", "Sales", "-q"]).0,
        Some(0)
    );
    let (code, _, err) = run("cron", &["deal", "create", "From cron", "--value", "1"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = run("ana", &["deal", "list", "-o", "id"]);
    assert_eq!((code, out.lines().count()), (Some(0), 1), "{err}");
    let mut crm = postgres::Client::connect(
        &with_database(&admin, &format!("crm_{tag}")),
        postgres::NoTls,
    )
    .unwrap();
    let owner: String = crm
        .query_one(
            "SELECT tableowner::text FROM pg_tables WHERE tablename = 'deals'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, format!("team_{tag}"));
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn backup_is_for_sqlite_files_and_info_names_the_backend() {
    let rex = Rex::new();
    let target = rex.dir.path().join("copy.db");
    assert_eq!(
        rex.fails(&["backup", target.to_str().unwrap()], 2),
        "rex: rex backup copies a SQLite database file; back up a PostgreSQL database with pg_dump, or keep a copy with rex export"
    );
    assert!(!target.exists());
    let info = rex.json(&["info"]);
    assert_eq!(
        (info["backend"].as_str(), info["schema_version"].as_i64()),
        (Some("postgresql"), Some(13))
    );
    assert_eq!(info["database"], Value::from(url(&rex)));
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn many_rex_at_once_on_an_empty_database_set_it_up_once() {
    for round in 0..4 {
        let rex = Rex::new();
        let children: Vec<Child> = (0..12)
            .map(|i| {
                let mut c = rex.std_cmd();
                if i % 3 == 0 {
                    c.args(["pipeline", "create", &format!("P{round}-{i}")]);
                } else {
                    c.args(["deal", "list", "-o", "json"]);
                }
                c.stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            succeeded(&out);
        }
        assert_eq!(rex.json(&["info"])["pipelines"], 4);
    }
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn people_moving_one_deal_at_once_take_turns_and_history_replays() {
    let rex = Rex::new();
    let p = rex.sales();
    let id = rex.id(&["deal", "create", "Shared", "--value", "100"]);
    let stages: Vec<String> = ["Qualification", "Proposal", "Negotiation", "Discovery"]
        .iter()
        .map(|n| stage_id(&p, n))
        .collect();
    let children: Vec<Child> = (0..12)
        .map(|i| {
            let mut c = rex.std_cmd();
            if i % 4 == 3 {
                c.args(["deal", "note", &id, &format!("call {i}")]);
            } else {
                c.args(["deal", "move", &id, &stages[i % 4]]);
            }
            c.stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut notes = 0;
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{err}");
        notes += usize::from(i % 4 == 3);
    }
    let history = rex.json(&["deal", "history", &id]);
    let events = history.as_array().unwrap();
    let count = |kind: &str| events.iter().filter(|e| e["kind"] == kind).count();
    // A move to the stage the deal is already in changes nothing and records nothing.
    assert_eq!(count("note"), notes);
    assert!(count("moved") >= 3 && count("moved") <= 9, "{history}");
    let mut stage = s(&events[0]["stage_id"]);
    for e in &events[1..] {
        if e["kind"] == "moved" {
            assert_eq!(s(&e["from_stage_id"]), stage, "{history}");
            stage = s(&e["to_stage_id"]);
        }
    }
    assert_eq!(
        rex.json(&["deal", "show", &id])["stage_id"],
        Value::from(stage)
    );
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn two_stalled_marks_at_once_mark_each_deal_once() {
    let rex = Rex::new();
    rex.sales();
    for i in 0..40 {
        rex.ok(&["deal", "create", &format!("Idle {i}"), "--value", "1"]);
    }
    rex.at("2026-06-01T00:00:00Z");
    let children: Vec<Child> = (0..2)
        .map(|_| {
            rex.std_cmd()
                .args(["deal", "stalled", "--mark", "-o", "json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut marked: Vec<String> = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        succeeded(&out);
        // A run that marked nothing prints an empty array.
        let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
        marked.extend(rows.as_array().unwrap().iter().map(|r| s(&r["id"])));
    }
    let unique: HashSet<&String> = marked.iter().collect();
    assert_eq!(
        (marked.len(), unique.len()),
        (40, 40),
        "each deal marked once"
    );
    for id in &marked {
        let history = rex.json(&["deal", "history", id]);
        let stalls = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "stalled")
            .count();
        assert_eq!(stalls, 1, "{history}");
    }
}

/// An import of `n` deals whose input stays open after them, so that its transaction does.
fn held_import(rex: &Rex, n: usize) -> Child {
    let mut child = rex
        .std_cmd()
        .args(["import", "-", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.as_mut().unwrap();
    for i in 0..n {
        writeln!(
            stdin,
            "{{\"name\":\"Imported {i}\",\"value\":1,\"pipeline_id\":\"Sales\"}}"
        )
        .unwrap();
    }
    stdin.flush().unwrap();
    child
}

/// Whether the server shows an import's transaction holding rows for this database.
fn import_is_writing(rex: &Rex) -> bool {
    writing_in(&std::env::var(SERVER_VAR).unwrap(), &database_name(rex))
}

/// Whether a transaction on the server at `admin` holds rows it is writing in database `name`.
fn writing_in(admin: &str, name: &str) -> bool {
    let Ok(mut admin) = postgres::Client::connect(admin, postgres::NoTls) else {
        return false;
    };
    admin
        .query_one(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
             WHERE d.datname = $1 AND l.mode = 'RowExclusiveLock' AND l.granted",
            &[&name],
        )
        .map(|r| r.get::<_, i64>(0) > 0)
        .unwrap_or(false)
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn an_import_is_one_transaction_that_others_write_beside_and_never_see_half_of() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Before", "--value", "1"]);
    let mut import = held_import(&rex, 200);
    assert!(wait_until(Duration::from_secs(20), || import_is_writing(
        &rex
    )));
    // Others write and read meanwhile, and see none of the import.
    let during = rex.id(&["deal", "create", "During", "--value", "2"]);
    rex.ok(&["deal", "move", &during, "Proposal"]);
    rex.ok(&["deal", "stalled", "--mark"]);
    let names: Vec<String> = rex
        .json(&["deal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["name"]))
        .collect();
    assert_eq!(names, ["Before", "During"]);
    drop(import.stdin.take());
    let out = import.wait_with_output().unwrap();
    succeeded(&out);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["deals"],
        200
    );
    assert_eq!(rex.json(&["info"])["deals"], 202);
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn kill_9_of_an_import_leaves_nothing() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Before", "--value", "1"]);
    let before = rex.snapshot();
    for n in [1, 50, 500] {
        let mut import = held_import(&rex, n);
        assert!(wait_until(Duration::from_secs(20), || import_is_writing(
            &rex
        )));
        import.kill().unwrap();
        import.wait().unwrap();
        assert!(wait_until(Duration::from_secs(10), || !import_is_writing(
            &rex
        )));
        assert_eq!(
            rex.snapshot(),
            before,
            "a killed import of {n} left something"
        );
    }
    rex.ok(&["deal", "create", "After", "--value", "1"]);
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_personal_file_moves_to_the_server_whole_and_exports_byte_identical() {
    let file = Rex::sqlite();
    file.sales();
    let a = file.id(&[
        "deal",
        "create",
        "Acme",
        "--value",
        "5000",
        "--meta",
        "seats:=12",
    ]);
    file.ok(&["deal", "move", &a, "Proposal"]);
    file.ok(&["deal", "note", &a, "sent the quote"]);
    let b = file.id(&["deal", "create", "Globex", "--value", "12.50"]);
    file.at("2026-03-09T10:00:00Z")
        .ok(&["deal", "close", &b, "--lost", "--reason", "price"]);
    let exported = file.ok(&["export"]);
    let server = Rex::new();
    let out = server
        .std_cmd()
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(exported.as_bytes())?;
            c.wait()
        })
        .unwrap();
    assert!(out.success());
    assert_eq!(server.ok(&["export"]), exported);
    // The same history, but for who recorded it: the server names the login that imported it.
    let without_actor = |rex: &Rex, actor: &str| -> Vec<Value> {
        let mut events = rex
            .json(&["deal", "history", &a])
            .as_array()
            .unwrap()
            .clone();
        for e in &mut events {
            assert_eq!(e["actor"], actor, "{e}");
            e.as_object_mut().unwrap().remove("actor");
        }
        events
    };
    assert_eq!(
        without_actor(&server, &crate::support::actor(&server)),
        without_actor(&file, &crate::support::actor(&file))
    );
}

/// The server stops between two commands and mid-command: a command while it is down
/// exits 6 in one line, the next one after it is back connects again, and the one it
/// interrupted exits non-zero in one line, having changed nothing.
pub fn server_restarts(cluster: &Cluster) {
    let admin = cluster.admin_url();
    let name = format!("rex_restart_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    drop(client);
    let rex = Rex::sqlite();
    let db = with_database(&admin, &name);
    let cmd = |args: &[&str]| {
        let mut c = on(&rex, &db);
        c.args(args);
        c
    };
    let ok = |args: &[&str]| {
        let out = cmd(args).output().unwrap();
        succeeded_for(&out, &format!("{args:?}: "));
        String::from_utf8(out.stdout).unwrap()
    };
    ok(&["pipeline", "create", "Sales"]);
    ok(&["deal", "create", "Before", "--value", "1"]);
    cluster.stop_server().unwrap();
    let out = cmd(&["deal", "list"]).output().unwrap();
    let (code, stdout, stderr) = text(&out);
    assert_eq!((code, stdout.as_str()), (Some(6), ""));
    assert!(
        stderr.starts_with("rex: cannot connect to ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    cluster.start_server().unwrap();
    let before = ok(&["export"]);
    ok(&["deal", "create", "After restart", "--value", "1"]);
    let before_import = ok(&["export"]);
    assert_ne!(before, before_import);

    // Gone mid-command: an import with its transaction open.
    let mut import = cmd(&["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let stdin = import.stdin.as_mut().unwrap();
        for i in 0..100 {
            writeln!(
                stdin,
                "{{\"name\":\"Lost {i}\",\"value\":1,\"pipeline_id\":\"Sales\"}}"
            )
            .unwrap();
        }
        stdin.flush().unwrap();
    }
    assert!(wait_until(Duration::from_secs(20), || writing_in(
        &admin, &name
    )));
    cluster.stop_server().unwrap();
    {
        let stdin = import.stdin.as_mut().unwrap();
        let _ = writeln!(
            stdin,
            "{{\"name\":\"Last\",\"value\":1,\"pipeline_id\":\"Sales\"}}"
        );
    }
    drop(import.stdin.take());
    let out = import.wait_with_output().unwrap();
    let (code, stdout, stderr) = text(&out);
    assert_eq!(code, Some(5), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("rex: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    cluster.start_server().unwrap();
    assert_eq!(
        ok(&["export"]),
        before_import,
        "the interrupted import changed nothing"
    );
    eprintln!(
        "server restarts: survived; interrupted import exited {code:?}: {}",
        stderr.trim_end()
    );
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_write_waits_for_another_writer_then_exits_5_having_changed_nothing() {
    let rex = Rex::new();
    rex.sales();
    let before = rex.snapshot();
    // Another writer holds the write lock (the one every rex write takes: "REX1").
    let mut other = postgres::Client::connect(&url(&rex), postgres::NoTls).unwrap();
    other
        .execute("SELECT pg_advisory_lock($1::bigint)", &[&WRITE_LOCK])
        .unwrap();
    let out = rex
        .cmd()
        .env("REX_BUSY_TIMEOUT", "300")
        .args(["deal", "create", "Waited", "--value", "1"])
        .output()
        .unwrap();
    assert_eq!(
        text(&out),
        (
            Some(5),
            String::new(),
            "rex: the database is busy (another rex is writing); nothing was changed, try again\n"
                .to_string()
        )
    );
    assert_eq!(rex.snapshot(), before);
    // A writer that is let in within its timeout succeeds.
    let waiting = rex
        .std_cmd()
        .env("REX_BUSY_TIMEOUT", "10000")
        .args(["deal", "create", "Waited", "--value", "1", "-o", "id"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    other
        .execute("SELECT pg_advisory_unlock($1::bigint)", &[&WRITE_LOCK])
        .unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap();
    assert_eq!(rex.json(&["deal", "show", id.trim()])["name"], "Waited");
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn serialization_failures_are_retried_then_reported_as_busy() {
    let rex = Rex::new();
    rex.sales();
    let id = rex.id(&["deal", "create", "Retried", "--value", "1"]);
    // The server refuses the next `fail` history entries as a serialization failure would
    // (a sequence, because it is not rolled back with the transaction that failed).
    let mut client = postgres::Client::connect(&url(&rex), postgres::NoTls).unwrap();
    let inject = |client: &mut postgres::Client, fail: i64| {
        client
            .batch_execute(&format!(
                "DROP SEQUENCE IF EXISTS injected; CREATE SEQUENCE injected;
                 CREATE OR REPLACE FUNCTION injected() RETURNS trigger AS $$ BEGIN
                     IF nextval('injected') <= {fail} THEN
                         RAISE EXCEPTION 'injected' USING ERRCODE = 'serialization_failure';
                     END IF;
                     RETURN NEW;
                 END $$ LANGUAGE plpgsql;
                 DROP TRIGGER IF EXISTS injected ON deal_events;
                 CREATE TRIGGER injected BEFORE INSERT ON deal_events
                     FOR EACH ROW EXECUTE FUNCTION injected();"
            ))
            .unwrap();
    };
    let notes = |rex: &Rex| {
        rex.json(&["deal", "history", &id])
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "note")
            .count()
    };
    // Two failures: the third attempt lands, once.
    inject(&mut client, 2);
    rex.ok(&["deal", "note", &id, "third time lucky"]);
    assert_eq!(notes(&rex), 1);
    // More failures than attempts: exit 5, nothing changed.
    inject(&mut client, 50);
    assert_eq!(
        rex.fails(&["deal", "note", &id, "never"], 5),
        "rex: another rex changed the same records at the same moment; nothing was changed, try again"
    );
    let tried: i64 = client
        .query_one("SELECT last_value FROM injected", &[])
        .unwrap()
        .get(0);
    assert_eq!(tried, 5, "rex tries a write 5 times in all");
}

/// How many counter rows an import added are not yet folded into the others (schemas 5, 6).
fn unfolded(client: &mut postgres::Client) -> (i64, i64) {
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM forecast_totals WHERE NOT folded),
                    (SELECT count(*) FROM closed_totals WHERE NOT folded)",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn an_imports_counters_count_at_the_stage_chance_of_now_folded_or_not() {
    let rex = Rex::new();
    rex.sales();
    rex.ok(&["deal", "create", "Before", "--value", "100.05"]);
    // Another writer holds the write lock as an import of new records (which runs without
    // it) commits: the import cannot fold its counter rows into the others.
    let mut other = postgres::Client::connect(&url(&rex), postgres::NoTls).unwrap();
    other
        .execute("SELECT pg_advisory_lock($1::bigint)", &[&WRITE_LOCK])
        .unwrap();
    let lines: String = (0..40)
        .map(|i| {
            format!(
                "{{\"name\":\"Imported {i}\",\"value\":{},\"pipeline_id\":\"Sales\",\"stage_id\":\"{}\",\"status\":\"{}\",\"probability\":{},\"expected_close\":\"2026-0{}-15\"}}\n",
                12_345 + i * 1_001,
                ["Discovery", "Proposal"][i % 2],
                ["open", "stalled", "won", "lost", "open"][i % 5],
                if i % 3 == 0 { "33" } else { "null" },
                1 + i % 9
            )
        })
        .collect();
    // The fold finds the lock busy past REX_BUSY_TIMEOUT: upkeep, so the import succeeds
    // and says nothing of it.
    rex.cmd()
        .env("REX_BUSY_TIMEOUT", "300")
        .args(["import", "-q"])
        .write_stdin(lines)
        .assert()
        .success()
        .stdout("0\t40\t0\tfalse\t0\n")
        .stderr("");
    let (forecast_rows, closed_rows) = unfolded(&mut other);
    assert!(forecast_rows > 0 && closed_rows > 0);
    crate::totals::assert_counted(&rex, "imported, not folded");
    let reports = [
        rex.json(&["report", "wins", "--since", "2000-01-01"]),
        rex.json(&["report", "lost-reasons", "--since", "2000-01-01"]),
    ];
    other
        .execute("SELECT pg_advisory_unlock($1::bigint)", &[&WRITE_LOCK])
        .unwrap();
    // Stage chances change while those rows are unfolded: they count at the chance of now.
    for chance in ["Discovery=70", "Proposal=15"] {
        rex.ok(&["pipeline", "update", "Sales", "--stage-probability", chance]);
        crate::totals::assert_counted(&rex, &format!("{chance}, not folded"));
    }
    assert_eq!(unfolded(&mut other), (forecast_rows, closed_rows));
    rex.cmd()
        .args(["import", "-q"])
        .write_stdin("{\"name\":\"Last\",\"value\":99,\"pipeline_id\":\"Sales\"}\n")
        .assert()
        .success();
    // The next import folds them.
    assert_eq!(unfolded(&mut other), (0, 0));
    crate::totals::assert_counted(&rex, "folded");
    assert_eq!(
        [
            rex.json(&["report", "wins", "--since", "2000-01-01"]),
            rex.json(&["report", "lost-reasons", "--since", "2000-01-01"]),
        ],
        reports
    );
}
