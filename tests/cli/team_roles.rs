//! Team roles on PostgreSQL (`rex team`, `rex audit`): what an admin, two members (ana and
//! bo) and a reader may and may not do, through rex and straight through a SQL client, and
//! the audit trail. Each test has a database of its own and logins named after it (roles
//! are the server's), dropped at the end. They run in the suite's PostgreSQL run (see
//! [`crate::server`]); on SQLite they are listed as ignored, but for the one about SQLite.

use std::sync::Mutex;

use serde_json::Value;

use crate::server::{database_of, SERVER_VAR};
use crate::support::{s, Rex};

/// Creating the group roles is the server's business: two `rex team init` at the same
/// moment on one server race for them, so the tests take turns.
static INIT: Mutex<()> = Mutex::new(());

const PASSWORD: &str = "pw-team-s3cret";

/// A team database: the superuser's rex, and one rex per login (REX_DB with its login).
struct Team {
    /// The superuser (the suite's server URL), who set the team up.
    owner: Rex,
    admin: Rex,
    ana: Rex,
    bo: Rex,
    reader: Rex,
    /// The logins, in the order above.
    logins: [String; 4],
    /// The deals: ana's Acme and bo's Bolt, as (id, reference).
    acme: (String, String),
    bolt: (String, String),
}

impl Drop for Team {
    fn drop(&mut self) {
        // The database first: its grants to the logins would keep them from going.
        if let Some(url) = &self.owner.url {
            crate::server::drop_database(url);
        }
        let db = self
            .owner
            .url
            .as_deref()
            .and_then(database_of)
            .unwrap_or_default();
        if let Ok(mut c) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            // Every login of this test's: the four, and any it added (named after the
            // database too).
            let names: Vec<String> = c
                .query("SELECT rolname::text FROM pg_roles", &[])
                .map(|rows| rows.iter().map(|r| r.get(0)).collect())
                .unwrap_or_default();
            for login in names.iter().filter(|n| {
                self.logins.contains(n)
                    || (n.starts_with(&db)
                        && n.len() > db.len()
                        && !db.is_empty()
                        && !n[db.len()..].starts_with(|c: char| c.is_ascii_digit()))
            }) {
                let _ = c.batch_execute(&format!(
                    "DROP ROLE IF EXISTS \"{}\"",
                    login.replace('"', "\"\"")
                ));
            }
        }
    }
}

fn admin_url() -> String {
    std::env::var(SERVER_VAR).expect("a PostgreSQL run")
}

/// The URL of `db` for `login` with the test password.
fn url_as(db_url: &str, login: &str) -> String {
    let (scheme, rest) = db_url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{login}:{PASSWORD}@{host}")
}

/// A rex whose REX_DB is the team database as `login`.
fn rex_as(db_url: &str, login: &str) -> Rex {
    let mut rex = Rex::without_database();
    rex.url = Some(url_as(db_url, login));
    rex
}

/// A SQL client on the team database as `login` (what psql is).
fn client_as(team: &Team, login: &str) -> postgres::Client {
    postgres::Client::connect(
        &url_as(team.owner.url.as_ref().unwrap(), login),
        postgres::NoTls,
    )
    .unwrap_or_else(|e| panic!("connect as {login}: {e}"))
}

/// A deal's id and its reference (its id's last seven characters, as tables show it).
fn deal(rex: &Rex, args: &[&str]) -> (String, String) {
    let id = rex.id(args);
    let reference = id[id.len() - 7..].to_string();
    (id, reference)
}

impl Team {
    /// A team database with a pipeline, an admin, members ana and bo, a reader, and a deal of
    /// each member's (made by the admin).
    fn new() -> Team {
        let owner = Rex::new();
        let db_url = owner.url.clone().expect("a PostgreSQL run");
        let db = database_of(&db_url).unwrap();
        owner.ok(&["pipeline", "create", "Sales", "-q"]);
        {
            let _turn = INIT.lock().unwrap_or_else(|e| e.into_inner());
            owner.ok(&["team", "init", "-q"]);
        }
        let pw = owner.file("pw", &format!("{PASSWORD}\n"));
        let logins = ["adm", "ana", "bo", "rd"].map(|n| format!("{db}_{n}"));
        for (login, role) in logins.iter().zip(["admin", "member", "member", "reader"]) {
            owner.ok(&[
                "team",
                "add",
                login,
                "--role",
                role,
                "--password-file",
                &pw,
                "-q",
            ]);
        }
        let [admin, ana, bo, reader] = logins.clone().map(|l| rex_as(&db_url, &l));
        let acme = deal(
            &admin,
            &[
                "deal", "create", "Acme", "--value", "100", "--owner", &logins[1], "-o", "id",
            ],
        );
        let bolt = deal(
            &admin,
            &[
                "deal", "create", "Bolt", "--value", "200", "--owner", &logins[2], "-o", "id",
            ],
        );
        Team {
            owner,
            admin,
            ana,
            bo,
            reader,
            logins,
            acme,
            bolt,
        }
    }

    fn login(&self, i: usize) -> &str {
        &self.logins[i]
    }

    /// The audit trail as the superuser reads it.
    fn audit(&self) -> Vec<Value> {
        self.owner
            .json(&["audit", "-o", "json"])
            .as_array()
            .unwrap()
            .clone()
    }
}

/// "rex: deal Bolt (REF) belongs to BO; members change only their own deals"
fn belongs(name: &str, reference: &str, owner: &str) -> String {
    format!(
        "rex: deal {name} ({reference}) belongs to {owner}; members change only their own deals"
    )
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_member_changes_only_its_own_deals_and_no_pipeline() {
    let t = Team::new();
    let (ana, bo) = (t.login(1), t.login(2));
    let bolt = belongs("Bolt", &t.bolt.1, bo);
    // Everything ana may not do to bo's deal is refused before anything is written.
    for args in [
        vec!["deal", "update", "Bolt", "--value", "5"],
        vec!["deal", "move", "Bolt", "Proposal"],
        vec!["deal", "close", "Bolt", "--won"],
        vec!["deal", "note", "Bolt", "mine now"],
        vec!["deal", "delete", "Bolt", "--yes"],
        vec!["deal", "delete", &t.bolt.0, "--yes"],
        vec!["activity", "add", "Bolt", "Call"],
    ] {
        assert_eq!(t.ana.fails(&args, 4), bolt, "{args:?}");
    }
    // A deal of its own: it may not give it away, nor make one for another.
    let not_hers = format!(
        "rex: {ana} is a member: its deals are owned by {ana}; members change only their own deals"
    );
    assert_eq!(
        t.ana.fails(&["deal", "update", "Acme", "--owner", bo], 4),
        not_hers
    );
    assert_eq!(
        t.ana.fails(
            &["deal", "create", "Gift", "--value", "1", "--owner", bo],
            4
        ),
        not_hers
    );
    let only_admins = format!("rex: {ana} is a member: only admins change pipelines");
    for args in [
        vec!["pipeline", "create", "Mine"],
        vec!["pipeline", "update", "Sales", "--name", "Ours"],
        vec!["pipeline", "delete", "Sales", "--yes"],
    ] {
        assert_eq!(t.ana.fails(&args, 4), only_admins, "{args:?}");
    }
    assert_eq!(
        t.ana.fails(&["token", "list"], 4),
        format!("rex: {ana} is a member: only admins manage API tokens")
    );
    assert_eq!(t.ana.fails(&["audit"], 4), "rex: rex audit is for admins");
    assert_eq!(
        t.ana.fails(&["team", "remove", bo], 4),
        "rex: rex team remove is for admins"
    );
    // What it may do: its own deal, in every way, and a new one (its own by default).
    t.ana
        .ok(&["deal", "update", "Acme", "--value", "150", "-q"]);
    t.ana.ok(&["deal", "move", "Acme", "Proposal", "-q"]);
    t.ana.ok(&["deal", "note", "Acme", "called", "-q"]);
    t.ana.ok(&["deal", "close", "Acme", "--won", "-q"]);
    t.ana.ok(&["deal", "reopen", "Acme", "-q"]);
    t.ana.ok(&["activity", "add", "Acme", "Call", "-q"]);
    t.ana
        .ok(&["activity", "done", "Call", "--deal", "Acme", "-q"]);
    let new = t
        .ana
        .json(&["deal", "create", "Mine", "--value", "7", "-o", "json"]);
    assert_eq!(new["owner_id"], ana);
    t.ana.ok(&["deal", "delete", "Mine", "--yes", "-q"]);
    // Reading is everyone's, the team list too.
    let names: Vec<Value> = t
        .ana
        .json(&["deal", "list", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].clone())
        .collect();
    assert_eq!(names, ["Acme", "Bolt"]);
    let team = t.ana.json(&["team", "list", "-o", "json"]);
    assert_eq!(team.as_array().unwrap().len(), 4);
    // bo's own deal is bo's to delete.
    t.bo.ok(&["deal", "delete", "Bolt", "--yes", "-q"]);
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_reader_only_reads_and_an_admin_does_everything_but_roles_without_createrole() {
    let t = Team::new();
    let (adm, bo, rd) = (t.login(0), t.login(2), t.login(3));
    let reads_only = format!("rex: {rd} is a reader: it may only read");
    let csv = t.reader.file("deals.csv", "name,value\nNew,5\n");
    for args in [
        vec!["deal", "update", "Acme", "--value", "5"],
        vec!["deal", "create", "New", "--value", "5"],
        vec!["deal", "delete", "Acme", "--yes"],
        vec!["deal", "stalled", "--mark"],
        vec!["pipeline", "create", "Mine"],
        vec!["activity", "add", "Acme", "Call"],
        vec!["import", &csv],
    ] {
        assert_eq!(t.reader.fails(&args, 4), reads_only, "{args:?}");
    }
    t.reader.ok(&["deal", "list"]);
    t.reader.ok(&["board"]);
    t.reader.ok(&["forecast"]);
    t.reader.ok(&["export"]);
    // An admin: any deal, any owner, pipelines, tokens, the audit trail.
    t.admin.ok(&[
        "deal", "update", "Bolt", "--value", "250", "--owner", adm, "-q",
    ]);
    t.admin.ok(&["deal", "update", "Bolt", "--owner", bo, "-q"]);
    t.admin.ok(&["pipeline", "create", "Renewals", "-q"]);
    t.admin
        .ok(&["pipeline", "delete", "Renewals", "--yes", "-q"]);
    t.admin
        .ok(&["token", "create", "ci", "--role", "admin", "-q"]);
    t.admin.ok(&["audit"]);
    t.admin.ok(&["deal", "delete", "Acme", "--yes", "-q"]);
    // Roles are the server's: changing them needs CREATEROLE, which a rex admin lacks.
    assert_eq!(
        t.admin.fails(&["team", "set-role", bo, "--role", "reader"], 4),
        format!("rex: rex team set-role needs a login with CREATEROLE or superuser; '{adm}' has neither")
    );
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn the_server_refuses_the_same_to_any_client() {
    let t = Team::new();
    let before = t.owner.snapshot();
    let (adm, ana, bo, rd) = (t.login(0), t.login(1), t.login(2), t.login(3));
    let refused = |c: &mut postgres::Client, sql: &str| {
        let e = c.batch_execute(sql).expect_err(sql);
        let code = e.as_db_error().map(|d| d.code().code().to_string());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {e}");
    };
    let rows = |c: &mut postgres::Client, sql: &str| {
        c.execute(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let mut c = client_as(&t, ana);
    // Another's rows: row-level security leaves them out (0 rows), or refuses the row.
    assert_eq!(
        rows(&mut c, "UPDATE deals SET value = 1 WHERE name = 'Bolt'"),
        0
    );
    assert_eq!(rows(&mut c, "DELETE FROM deals WHERE name = 'Bolt'"), 0);
    assert_eq!(rows(&mut c, "DELETE FROM activities"), 0);
    refused(
        &mut c,
        &format!("UPDATE deals SET owner_id = '{bo}' WHERE name = 'Acme'"),
    );
    assert_eq!(
        rows(
            &mut c,
            &format!("UPDATE deals SET owner_id = '{ana}' WHERE name = 'Bolt'")
        ),
        0
    );
    refused(
        &mut c,
        "INSERT INTO deal_events (deal_id, at, kind) SELECT id, 'now', 'note' FROM deals WHERE name = 'Bolt'",
    );
    // History is append-only; tables are the owner role's; the audit trail nobody's.
    for sql in [
        "UPDATE deal_events SET kind = 'x'",
        "DELETE FROM deal_events",
        "ALTER TABLE deals ADD COLUMN x int",
        "DROP TABLE deals",
        "DELETE FROM audit_events",
        "SELECT * FROM audit_events",
        "SELECT * FROM api_tokens",
        "UPDATE team_members SET role = 'admin'",
        "INSERT INTO pipelines (id, name, name_key, stall_days, created_at, updated_at) VALUES ('p', 'P', 'p', 1, 'now', 'now')",
        "UPDATE stages SET name = 'x'",
        "DELETE FROM closed_totals",
        "SET ROLE rex_owner",
    ] {
        refused(&mut c, sql);
    }
    let mut c = client_as(&t, rd);
    for sql in [
        "UPDATE deals SET value = 1",
        "DELETE FROM deals",
        "INSERT INTO deal_events (deal_id, at, kind) SELECT id, 'now', 'note' FROM deals",
        "DROP TABLE deal_events",
    ] {
        refused(&mut c, sql);
    }
    // An admin cannot alter tables or the audit trail without taking on the owner role.
    let mut c = client_as(&t, adm);
    for sql in [
        "ALTER TABLE deals ADD COLUMN x int",
        "DROP TABLE deals",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET actor = 'x'",
    ] {
        refused(&mut c, sql);
    }
    assert_eq!(t.owner.snapshot(), before, "nothing changed");
    assert_eq!(
        t.audit().len(),
        4,
        "a refusal is not an audit event: {:?}",
        t.audit()
    );
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn events_record_the_login_and_a_deletion_leaves_an_audit_record_no_member_can_remove() {
    let t = Team::new();
    let (adm, ana, bo) = (t.login(0), t.login(1), t.login(2));
    t.ana.ok(&["deal", "note", "Acme", "called", "-q"]);
    t.admin.ok(&["deal", "note", "Acme", "checked", "-q"]);
    let actors: Vec<(String, String)> = t
        .owner
        .json(&["deal", "history", "Acme", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        actors,
        [
            ("created".into(), adm.to_string()),
            ("note".into(), ana.to_string()),
            ("note".into(), adm.to_string())
        ]
    );
    // A client cannot write another actor.
    let mut c = client_as(&t, ana);
    let row = c
        .query_one(
            &format!("INSERT INTO deal_events (deal_id, at, kind, actor) VALUES ('{}', 'now', 'note', '{bo}') RETURNING actor", t.acme.0),
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), ana);
    // ana deletes her deal: the audit trail keeps it, who and when; she cannot remove it.
    t.ana.ok(&["deal", "delete", "Acme", "--yes", "-q"]);
    t.admin
        .ok(&["deal", "update", "Bolt", "--owner", adm, "-q"]);
    let audit = t.admin.json(&["audit", "-o", "json"]);
    let first: Vec<(String, String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
                e["summary"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        first,
        [
            (
                "owner_changed".into(),
                adm.to_string(),
                format!("to {adm} from {bo}: Bolt")
            ),
            (
                "deal_deleted".into(),
                ana.to_string(),
                format!("Acme ({ana}, $100.00)")
            ),
        ]
    );
    let deleted = &audit[1];
    assert_eq!(deleted["subject_id"], t.acme.0.as_str());
    assert_eq!(deleted["detail"]["name"], "Acme");
    assert_eq!(deleted["detail"]["value"], 10000);
    let keys: Vec<&str> = audit[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "at",
            "actor",
            "kind",
            "subject_id",
            "detail",
            "summary"
        ]
    );
    for sql in [
        "DELETE FROM audit_events",
        "UPDATE audit_events SET actor = 'nobody'",
        "TRUNCATE audit_events",
    ] {
        let e = c.batch_execute(sql).expect_err(sql);
        assert_eq!(e.as_db_error().unwrap().code().code(), "42501", "{sql}");
    }
    let by_ana = t.admin.json(&["audit", "--actor", ana, "-o", "json"]);
    assert_eq!(by_ana.as_array().unwrap().len(), 1);
    let later = t
        .admin
        .json(&["audit", "--since", "2999-01-01", "-o", "json"]);
    assert_eq!(later, serde_json::json!([]));
    // Team changes are audit events too.
    t.owner
        .ok(&["team", "set-role", bo, "--role", "reader", "-q"]);
    assert_eq!(t.audit()[0]["kind"], "team_member_role_changed");
    assert_eq!(t.audit()[0]["summary"], format!("{bo}: member → reader"));
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn team_init_again_and_on_a_database_with_data_keeps_every_row() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales", "-q"]);
    rex.ok(&[
        "deal", "create", "Acme", "--value", "100", "--owner", "ana", "-q",
    ]);
    rex.ok(&["deal", "note", "Acme", "first call", "-q"]);
    rex.ok(&["deal", "close", "Acme", "--won", "-q"]);
    rex.ok(&["activity", "add", "Acme", "Follow up", "-q"]);
    let before = rex.ok(&["export"]);
    let init = |rex: &Rex| {
        let _turn = INIT.lock().unwrap_or_else(|e| e.into_inner());
        let out = rex.run(&["team", "init"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    };
    init(&rex);
    assert_eq!(
        rex.ok(&["export"]),
        before,
        "team init kept every row and history line"
    );
    let again = init(&rex);
    assert_eq!(rex.ok(&["export"]), before);
    assert_eq!(
        again,
        "\
rex: kept role rex_owner: the owner of rex's tables (no login)
rex: kept role rex_reader: group of readers
rex: kept role rex_member: group of members
rex: kept role rex_admin: group of admins (does not inherit the owner's rights)
rex: rex's tables, sequences and functions already belong to rex_owner
rex: kept table team_members
rex: kept table audit_events
rex: row-level security on deals, deal_events, activities: 11 policies
rex: granted readers SELECT, members their own deals, admins everything
rex: add each person with rex team add LOGIN --role reader|member|admin
"
    );
    // Every table, sequence and rex function belongs to the owner role now.
    let mut c = postgres::Client::connect(rex.url.as_ref().unwrap(), postgres::NoTls).unwrap();
    let others: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
               AND relkind IN ('r', 'S') AND relowner <> 'rex_owner'::regrole",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(others, 0);
    assert_eq!(rex.ok(&["team", "list"]), "", "nobody on the team yet");
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn team_init_needs_a_login_that_may_create_roles() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales", "-q"]);
    let db_url = rex.url.clone().unwrap();
    let login = format!("{}_plain", database_of(&db_url).unwrap());
    let mut c = postgres::Client::connect(&db_url, postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "CREATE ROLE {login} LOGIN PASSWORD '{PASSWORD}'; GRANT SELECT ON rex_schema TO {login}"
    ))
    .unwrap();
    let plain = rex_as(&db_url, &login);
    let before = rex.snapshot();
    let out = plain.run(&["team", "init"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("rex: rex team init needs a login with CREATEROLE or superuser; '{login}' has neither\n")
    );
    assert_eq!(rex.snapshot(), before);
    assert_eq!(
        rex.fails(&["team", "list"], 4),
        "rex: this database has no team roles yet; an admin sets them up with rex team init"
    );
    drop(c);
    crate::server::drop_database(&db_url);
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP ROLE IF EXISTS {login}"))
        .unwrap();
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn team_add_set_role_and_remove_manage_logins_safely() {
    let t = Team::new();
    let db = database_of(t.owner.url.as_ref().unwrap()).unwrap();
    let bo = t.login(2);
    // A password is never an argument: without a terminal it must come from a file.
    let newbie = format!("{db}_new");
    let line = t
        .owner
        .fails(&["team", "add", &newbie, "--role", "member"], 2);
    assert_eq!(
        line,
        format!("rex: login {newbie} does not exist: rex creates it and needs its password; give --password-file FILE (no terminal to ask on)")
    );
    assert_eq!(
        t.owner.fails(&["team", "add", bo, "--role", "admin"], 4),
        format!("rex: {bo} is already on the team as member; rex team set-role {bo} --role ROLE changes it")
    );
    assert_eq!(
        t.owner.fails(&["team", "add", "postgres", "--role", "member"], 4),
        "rex: postgres is a superuser: PostgreSQL refuses it nothing, whatever its rex role; add a login that is not"
    );
    assert_eq!(
        t.owner
            .fails(&["team", "add", "rex_owner", "--role", "member"], 2),
        "rex: 'rex_owner' is a name PostgreSQL or rex keeps for itself; give a person's login"
    );
    // Was: a login with an invisible character became an owner no command would take,
    // and an invisible --owner was refused only after the password was asked for.
    let pw0 = t.owner.file("pw0", "s3cret-0\n");
    let unseen = format!("{db}\u{200b}");
    assert_eq!(
        t.owner.fails(
            &[
                "team",
                "add",
                &unseen,
                "--role",
                "member",
                "--password-file",
                &pw0
            ],
            2
        ),
        "rex: LOGIN contains the invisible character U+200B; type LOGIN as it reads"
    );
    assert_eq!(
        t.owner.fails(
            &[
                "team",
                "add",
                &newbie,
                "--role",
                "member",
                "--owner",
                "ana\u{200d}"
            ],
            2
        ),
        "rex: the owner contains the invisible character U+200D; type the owner as it reads"
    );
    // A hostile name is a name: quoted wherever it goes.
    let hostile = format!("{db}\"; DROP TABLE deals; --");
    let pw = t.owner.file("pw2", "other-s3cret\r\n");
    let added = t.owner.json(&[
        "team",
        "add",
        &hostile,
        "--role",
        "reader",
        "--owner",
        "carla@example.com",
        "--password-file",
        &pw,
        "-o",
        "json",
    ]);
    assert_eq!(added["login"], hostile.as_str());
    assert_eq!(added["role"], "reader");
    assert_eq!(added["owner_id"], "carla@example.com");
    assert_eq!(added["created_by_rex"], true);
    t.owner.ok(&["deal", "list"]);
    // bo becomes a reader: rex and the server refuse him a write.
    t.owner
        .ok(&["team", "set-role", bo, "--role", "reader", "-q"]);
    assert_eq!(
        t.bo.fails(&["deal", "note", "Bolt", "x"], 4),
        format!("rex: {bo} is a reader: it may only read")
    );
    let mut c = client_as(&t, bo);
    let e = c.batch_execute("UPDATE deals SET value = 1").unwrap_err();
    assert_eq!(e.as_db_error().unwrap().code().code(), "42501");
    drop(c);
    // Removed: the login rex created is dropped; its history stays.
    t.bo.ok(&["deal", "list"]);
    let out = t.owner.run(&["team", "remove", bo]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("rex: removed {bo} (reader) from the team; login dropped (rex had created it)\n")
    );
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).unwrap();
    let left: i64 = admin
        .query_one("SELECT count(*) FROM pg_roles WHERE rolname = $1", &[&bo])
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    assert_eq!(
        t.owner.json(&["deal", "show", "Bolt", "-o", "json"])["owner_id"],
        bo
    );
    assert_eq!(
        t.owner.fails(&["team", "remove", bo], 3),
        format!("rex: {bo} is not on the team (rex team list shows who is)")
    );
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn an_older_team_database_is_upgraded_by_an_admin_only() {
    let t = Team::new();
    let before = t.owner.snapshot();
    let mut c = postgres::Client::connect(t.owner.url.as_ref().unwrap(), postgres::NoTls).unwrap();
    c.batch_execute("UPDATE rex_schema SET version = version - 1")
        .unwrap();
    for rex in [&t.ana, &t.reader] {
        let out = rex.run(&["deal", "list"]);
        assert_eq!(out.status.code(), Some(6));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "rex: the team database needs an upgrade: ask an admin to run any rex command\n"
        );
    }
    t.admin.ok(&["deal", "list"]);
    t.ana
        .ok(&["deal", "note", "Acme", "after the upgrade", "-q"]);
    assert_ne!(t.owner.snapshot(), before);
    // The upgrade ran as the owner role, and the team's rules hold over it.
    let others: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
               AND relkind IN ('r', 'S') AND relowner <> 'rex_owner'::regrole",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(others, 0);
    assert_eq!(
        t.ana.fails(&["deal", "note", "Bolt", "x"], 4),
        belongs("Bolt", &t.bolt.1, t.login(2))
    );
}

#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn rex_serve_works_for_an_admin_login() {
    let t = Team::new();
    let token = t
        .admin
        .id(&["token", "create", "web", "--role", "admin", "-o", "id"]);
    let served = crate::api::Served::start(&t.admin, &[]);
    let list = served.send("GET", "/deals", Some(&token), None, &[]);
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.json()["data"].as_array().unwrap().len(), 2);
    let gone = served.send(
        "DELETE",
        &format!("/deals/{}", t.bolt.0),
        Some(&token),
        None,
        &[],
    );
    assert_eq!(gone.status, 204, "{}", gone.body);
    assert_eq!(t.audit()[0]["kind"], "deal_deleted");
    assert_eq!(t.audit()[0]["actor"], t.login(0));
}

/// A login of another team database on the same server holds that team's group (the
/// server's): this team's admins would change it, so `rex team add` refuses it.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_login_of_another_team_database_is_refused() {
    let t = Team::new();
    let other = Rex::new();
    other.ok(&["pipeline", "create", "Sales", "-q"]);
    {
        let _turn = INIT.lock().unwrap_or_else(|e| e.into_inner());
        other.ok(&["team", "init", "-q"]);
    }
    let (adm, ana) = (t.login(0), t.login(1));
    let before = other.ok(&["export"]);
    // The same group as it holds, or another: refused either way, nothing changed.
    for (login, role, group) in [
        (ana, "member", "rex_member"),
        (ana, "admin", "rex_member"),
        (adm, "reader", "rex_admin"),
    ] {
        assert_eq!(
            other.fails(&["team", "add", login, "--role", role], 4),
            format!("rex: {login} holds {group} from another rex team database on this server, and a login belongs to one team; use another login"),
            "{login} as {role}"
        );
    }
    assert_eq!(other.ok(&["export"]), before);
    assert_eq!(other.ok(&["team", "list"]), "");
    // Nothing was granted to it here: ana still connects only to her own team's database.
    let url = url_as(other.url.as_ref().unwrap(), ana);
    assert!(postgres::Client::connect(&url, postgres::NoTls).is_err());
    crate::server::drop_database(other.url.as_ref().unwrap());
}

/// An admin's login reads `team_members` and no more: rex's team commands write it as the
/// owner role, and a change made by hand as that role is in the audit trail all the same.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn team_members_is_written_as_the_owner_role_and_every_change_is_audited() {
    let t = Team::new();
    let before = t.owner.snapshot();
    let (adm, ana) = (t.login(0), t.login(1));
    let mut c = client_as(&t, adm);
    for sql in [
        format!("UPDATE team_members SET owner_id = 'someone' WHERE login = '{ana}'"),
        format!("DELETE FROM team_members WHERE login = '{ana}'"),
        "INSERT INTO team_members (login, role, owner_id) VALUES ('x', 'admin', 'x')".into(),
    ] {
        let e = c.batch_execute(&sql).expect_err(&sql);
        assert_eq!(e.as_db_error().unwrap().code().code(), "42501", "{sql}");
    }
    assert_eq!(t.owner.snapshot(), before);
    assert_eq!(t.audit().len(), 4, "{:?}", t.audit());
    c.batch_execute(&format!(
        "SET ROLE rex_owner; UPDATE team_members SET owner_id = 'someone',
            created_by_rex = NOT created_by_rex WHERE login = '{ana}'"
    ))
    .unwrap();
    let audit = t.audit();
    let entries: Vec<(Value, Value, Value, Value)> = audit[..2]
        .iter()
        .map(|e| {
            (
                e["kind"].clone(),
                e["actor"].clone(),
                e["subject_id"].clone(),
                e["detail"].clone(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "team_member_changed".into(),
                adm.into(),
                ana.into(),
                serde_json::json!({"field": "created_by_rex", "from": true, "to": false})
            ),
            (
                "team_member_owner_changed".into(),
                adm.into(),
                ana.into(),
                serde_json::json!({"from": ana, "to": "someone"})
            ),
        ]
    );
}

/// An admin may not remove or demote itself, and nobody may take away the team's last
/// admin: rex could not undo it. The admin here is a login with CREATEROLE that owns the
/// database, as the README sets one up.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn an_admin_cannot_remove_or_demote_itself_nor_the_last_admin() {
    let t = Team::new();
    let db_url = t.owner.url.clone().unwrap();
    let db = database_of(&db_url).unwrap();
    let (adm, boss) = (t.login(0), format!("{db}_boss"));
    let mut c = postgres::Client::connect(&db_url, postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "CREATE ROLE {boss} LOGIN CREATEROLE PASSWORD '{PASSWORD}';
         ALTER DATABASE {db} OWNER TO {boss}"
    ))
    .unwrap();
    drop(c);
    t.owner.ok(&["team", "add", &boss, "--role", "admin", "-q"]);
    let b = rex_as(&db_url, &boss);
    assert_eq!(
        b.fails(&["team", "remove", &boss], 4),
        format!("rex: {boss} is your own login: ask another admin to remove it")
    );
    for role in ["member", "reader"] {
        assert_eq!(
            b.fails(&["team", "set-role", &boss, "--role", role], 4),
            format!("rex: {boss} is your own login: ask another admin to change its role")
        );
    }
    // Another admin it may remove; then it is the last one, whom nobody may take away.
    b.ok(&["team", "remove", adm, "-q"]);
    let last = format!("rex: {boss} is the team's last admin; make another login admin first (rex team set-role LOGIN --role admin)");
    assert_eq!(
        t.owner
            .fails(&["team", "set-role", &boss, "--role", "member"], 4),
        last
    );
    assert_eq!(t.owner.fails(&["team", "remove", &boss], 4), last);
    // It still manages the team (writing team_members as the owner role).
    let pw = b.file("pw", &format!("{PASSWORD}\n"));
    let newbie = format!("{db}_new");
    b.ok(&[
        "team",
        "add",
        &newbie,
        "--role",
        "admin",
        "--password-file",
        &pw,
        "-q",
    ]);
    b.ok(&["team", "set-role", &newbie, "--role", "member", "-q"]);
    let team: Vec<(String, String)> = b
        .json(&["team", "list", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (s(&m["login"]), s(&m["role"])))
        .collect();
    assert!(team.contains(&(boss.clone(), "admin".into())), "{team:?}");
    assert!(
        team.contains(&(newbie.clone(), "member".into())),
        "{team:?}"
    );
    assert!(!team.iter().any(|(l, _)| l == adm), "{team:?}");
}

/// `rex serve` as a member or a reader could not read the API's tokens: it refuses to start
/// (exit 4, one line) instead of answering every request 403.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn rex_serve_refuses_to_start_for_a_login_that_is_not_an_admin() {
    let t = Team::new();
    for (rex, login, role) in [
        (&t.ana, t.login(1), "member"),
        (&t.reader, t.login(3), "reader"),
    ] {
        let mut child = rex
            .std_cmd()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start rex serve");
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("rex serve as {login} is still running after 30 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let out = child.wait_with_output().unwrap();
        assert_eq!(status.code(), Some(4), "{login}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("rex: rex serve on a team database runs as an admin login: {login} is a {role}, and only admins may read the API tokens\n")
        );
    }
}

/// A stage removed from a pipeline is recorded by its name; a pipeline's deletion is one
/// entry (not one more per stage); and `rex audit` at 80 columns keeps each actor whole
/// and wraps each detail at words, however long the logins are.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn audit_entries_name_what_changed_and_fit_80_columns() {
    let t = Team::new();
    let (adm, ana, bo) = (t.login(0), t.login(1), t.login(2));
    t.admin.ok(&[
        "pipeline",
        "update",
        "Sales",
        "--remove-stage",
        "Proposal",
        "-q",
    ]);
    let removed = &t.audit()[0];
    assert_eq!(removed["kind"], "stage_removed");
    assert_eq!(removed["detail"]["name"], "Proposal");
    assert_eq!(removed["detail"]["pipeline"], "Sales");
    assert_eq!(removed["summary"], "Proposal of Sales");
    t.admin.ok(&["pipeline", "create", "Renewals", "-q"]);
    let before = t.audit().len();
    t.admin
        .ok(&["pipeline", "delete", "Renewals", "--yes", "-q"]);
    let audit = t.audit();
    assert_eq!(audit.len(), before + 1, "{:?}", &audit[..3]);
    assert_eq!(audit[0]["kind"], "pipeline_deleted");
    assert_eq!(
        audit[0]["summary"],
        "Renewals (stages: Discovery, Qualification, Proposal, Negotiation, Closed)"
    );
    t.admin.ok(&[
        "deal",
        "update",
        "Acme",
        "--name",
        "Acme Corporation, the whole account with every subsidiary",
        "--owner",
        bo,
        "-q",
    ]);
    let (screen, code) = crate::support::on_terminal(&t.owner, 24, 80, &[], &["audit"]);
    assert_eq!(code, 0, "{screen}");
    crate::support::assert_fits(&screen, 80, "rex audit");
    let lines: Vec<String> = screen.lines().map(crate::support::plain).collect();
    let line = |kind: &str, has: &str| {
        lines
            .iter()
            .find(|l| l.contains(kind) && l.contains(has))
            .unwrap_or_else(|| panic!("no {kind} line with {has:?}:\n{screen}"))
            .clone()
    };
    // The detail wraps at words onto the lines below its row, never cut: the row's text,
    // from its kind on, read back across those lines.
    let start = lines
        .iter()
        .position(|l| l.contains("owner_changed"))
        .unwrap_or_else(|| panic!("no owner_changed line:\n{screen}"));
    assert!(lines[start].contains(&format!(" {adm} ")), "{screen}");
    let header = lines
        .iter()
        .find(|l| l.contains(" Detail"))
        .expect("a header");
    let detail_at = header.find(" Detail").unwrap();
    let mut words = Vec::new();
    for (i, l) in lines[start..].iter().enumerate() {
        if i > 0 && !l.get(..detail_at).unwrap_or("").trim().is_empty() || l.starts_with('─') {
            break;
        }
        words.extend(
            l.get(detail_at..)
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string),
        );
    }
    assert_eq!(
        words.join(" "),
        format!("to {bo} from {ana}: Acme Corporation, the whole account with every subsidiary"),
        "{screen}"
    );
    for login in [adm, ana, bo] {
        assert!(line("team_member_added", &format!("{login}: ")).contains("postgres"));
    }
    line("stage_removed", "Proposal of Sales");
    line("pipeline_deleted", "Renewals (stages");
}

/// What the README says of locks: any team login, a reader's too, can hold rex's write lock
/// and make others' writes exit 5; ending its session (pg_terminate_backend) frees it.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_reader_holding_the_write_lock_makes_writes_wait_until_its_session_ends() {
    let t = Team::new();
    let rd = t.login(3);
    let mut c = client_as(&t, rd);
    c.batch_execute("SELECT pg_advisory_lock(x'52455831'::bigint)")
        .unwrap();
    let before = t.owner.snapshot();
    let out = t
        .ana
        .std_cmd()
        .env("REX_BUSY_TIMEOUT", "300")
        .args(["deal", "note", "Acme", "waiting"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        crate::support::stderr(&out)
    );
    assert_eq!(t.owner.snapshot(), before);
    let mut admin =
        postgres::Client::connect(t.owner.url.as_ref().unwrap(), postgres::NoTls).unwrap();
    let ended: bool = admin
        .query_one(
            "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = $1",
            &[&rd],
        )
        .unwrap()
        .get(0);
    assert!(ended);
    let mut left = 50;
    while admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = $1",
            &[&rd],
        )
        .unwrap()
        .get::<_, i64>(0)
        > 0
    {
        left -= 1;
        assert!(left > 0, "the reader's session did not end");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    t.ana.ok(&["deal", "note", "Acme", "after", "-q"]);
}

/// A login removed from the team (kept, as rex did not create it) may no longer connect:
/// rex says so in one line with the server's reason and who can help.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_removed_login_is_told_to_ask_an_admin() {
    let t = Team::new();
    let db_url = t.owner.url.clone().unwrap();
    let db = database_of(&db_url).unwrap();
    let gone = format!("{db}_gone");
    let mut c = postgres::Client::connect(&db_url, postgres::NoTls).unwrap();
    c.batch_execute(&format!("CREATE ROLE {gone} LOGIN PASSWORD '{PASSWORD}'"))
        .unwrap();
    drop(c);
    t.owner
        .ok(&["team", "add", &gone, "--role", "member", "-q"]);
    let rex = rex_as(&db_url, &gone);
    rex.ok(&["deal", "list"]);
    t.owner.ok(&["team", "remove", &gone, "-q"]);
    let out = rex.run(&["deal", "list"]);
    assert_eq!(out.status.code(), Some(6));
    let line = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(line.starts_with("rex: cannot connect to "), "{line}");
    assert!(
        line.ends_with(&format!(
            " as '{gone}' (permission denied for database \"{db}\"); ask an admin to add this login to the team (rex team add)\n"
        )),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(!line.contains("\\u{"), "{line}");
}

/// A member imports its export again with --upsert: the pipeline's line, unchanged, writes
/// nothing and is no pipeline change; a changed one is refused as an admin's.
#[test]
#[ignore = "runs on PostgreSQL, from the_whole_suite_passes_on_postgresql"]
fn a_member_upserts_its_deals_with_an_unchanged_pipeline_line() {
    let t = Team::new();
    let ana = t.login(1);
    let export = t.ana.ok(&["export", "-o", "jsonl"]);
    let mine: Vec<String> = export
        .lines()
        .filter(|l| {
            l.starts_with(r#"{"id":"pipeline_"#)
                || l.starts_with(&format!(r#"{{"id":"{}""#, t.acme.0))
        })
        .map(|l| l.replace(r#""value":10000"#, r#""value":12300"#))
        .collect();
    assert_eq!(mine.len(), 2, "{export}");
    let file = t.ana.file("mine.jsonl", &(mine.join("\n") + "\n"));
    t.ana.ok(&["import", "--upsert", &file, "-q"]);
    assert_eq!(
        t.ana.json(&["deal", "show", "Acme", "-o", "json"])["value"],
        12300
    );
    let renamed = mine[0].replace(r#""name":"Sales""#, r#""name":"Mine""#);
    let file = t.ana.file("renamed.jsonl", &(renamed + "\n"));
    assert_eq!(
        t.ana.fails(&["import", "--upsert", &file], 4),
        format!(
            "rex: line 1: {ana} is a member: only admins change pipelines; nothing was imported"
        )
    );
}

/// On a SQLite file every team command says it is a PostgreSQL feature (exit 2).
#[test]
fn team_commands_on_a_sqlite_file_are_refused() {
    let rex = Rex::sqlite();
    let line =
        "rex: team roles are a PostgreSQL feature: point REX_DB at a team's PostgreSQL database";
    for args in [
        vec!["team", "init"],
        vec!["team", "list"],
        vec!["team", "add", "ana", "--role", "member"],
        vec!["team", "set-role", "ana", "--role", "reader"],
        vec!["team", "remove", "ana"],
        vec!["audit"],
        vec!["audit", "--actor", "ana"],
    ] {
        assert_eq!(rex.fails(&args, 2), line, "{args:?}");
    }
    let missing = Rex::without_database();
    assert_eq!(missing.fails(&["team", "list"], 2), line);
}
