//! The board, today, the forecast, the reports and the export over HTTP: each answers what
//! its command prints with `-o json` (the export: what `rex export` writes), for the same
//! data at the same time (the server and the commands run at one REX_NOW).

use std::io::{Read, Write};

use serde_json::{json, Value};

use super::{problem, token, Reply, Served};
use crate::support::{import, succeeded, Rex};

/// The API's answer to `path`, which must be 200 JSON.
fn answer(served: &Served, path: &str) -> Value {
    let r = served.get(path, "");
    assert_eq!(r.status, 200, "GET {path}: {r:?}");
    assert_eq!(r.header("content-type"), Some("application/json"), "{path}");
    r.json()
}

#[test]
fn the_board_forecast_and_reports_answer_what_their_commands_print() {
    let rex = Rex::new();
    let p = crate::forecast::quarter(&rex);
    let id = p["id"].as_str().unwrap();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let board = format!("/pipelines/{id}/board");
    let pairs: Vec<(String, Vec<&str>)> = vec![
        (board.clone(), vec!["board", id]),
        (
            format!("{board}?owner_id=ana"),
            vec!["board", id, "--owner", "ana"],
        ),
        (
            format!("{board}?limit=1&owner_id=bo"),
            vec!["board", id, "--limit", "1", "--owner", "bo"],
        ),
        ("/forecast".into(), vec!["forecast"]),
        (
            "/forecast?by=quarter&periods=2&owner_id=ana&pipeline_id=Sales".into(),
            vec![
                "forecast",
                "--by",
                "quarter",
                "--periods",
                "2",
                "--owner",
                "ana",
                "--pipeline",
                "Sales",
            ],
        ),
        ("/reports/wins".into(), vec!["report", "wins"]),
        (
            "/reports/wins?by=owner&since=2026-01-01&until=today".into(),
            vec![
                "report",
                "wins",
                "--by",
                "owner",
                "--since",
                "2026-01-01",
                "--until",
                "today",
            ],
        ),
        (
            format!("/reports/wins?by=month&pipeline_id={id}"),
            vec!["report", "wins", "--by", "month", "--pipeline", id],
        ),
        ("/reports/stages".into(), vec!["report", "stages"]),
        (
            format!("/reports/stages?pipeline_id={id}&since=2026-02-01"),
            vec!["report", "stages", id, "--since", "2026-02-01"],
        ),
        (
            "/reports/lost-reasons".into(),
            vec!["report", "lost-reasons"],
        ),
        (
            "/reports/lost-reasons?owner_id=ana&since=2026-01-01&until=2026-03-05".into(),
            vec![
                "report",
                "lost-reasons",
                "--owner",
                "ana",
                "--since",
                "2026-01-01",
                "--until",
                "2026-03-05",
            ],
        ),
    ];
    for (path, args) in &pairs {
        let cli = rex.json(args);
        assert_eq!(answer(&served, path), cli, "GET {path} vs rex {args:?}");
    }
    // The data is not empty: each comparison above compares something.
    let wins = answer(&served, "/reports/wins");
    assert_eq!(wins[0]["won_count"], 2, "{wins}");
    assert_eq!(answer(&served, "/reports/lost-reasons")[0]["count"], 2);
    let b = answer(&served, &board);
    assert!(b["stages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["deals"].as_array().unwrap().len() as i64 == s["count"].as_i64().unwrap()));
    assert_eq!(
        answer(&served, &format!("{board}?limit=0"))["stages"][1]["deals"],
        json!([])
    );
}

#[test]
fn today_answers_what_rex_today_prints_for_the_same_owner() {
    let rex = Rex::new();
    rex.sales();
    crate::today::five(&rex);
    let served = Served::start(&rex, &["--open", "--quiet"]);
    // Without an owner (as --open, or a token without one) it is everyone's: --all.
    let all = rex.json(&["today", "--all"]);
    assert_eq!(answer(&served, "/today"), all);
    assert_eq!(answer(&served, "/today?all=true"), all);
    assert_eq!(all["overdue"].as_array().unwrap().len(), 3, "{all}");
    assert_eq!(all["closing_soon"].as_array().unwrap().len(), 2, "{all}");
    assert_eq!(
        answer(&served, "/today?owner=ana"),
        rex.json(&["today", "--owner", "ana"])
    );
    let sections = rex.json(&["today", "--all", "--section", "overdue,closing-soon"]);
    assert_eq!(sections.as_object().unwrap().len(), 2);
    for path in [
        "/today?section=overdue&section=closing_soon",
        "/today?section=overdue,closing-soon",
    ] {
        assert_eq!(answer(&served, path), sections, "{path}");
    }
    let r = served.get("/today?owner=ana&all=true", "");
    assert_eq!(problem(&r).0, 422);
}

#[test]
fn today_of_a_member_token_is_its_owners_unless_it_asks_for_all() {
    let rex = Rex::new();
    rex.sales();
    crate::today::five(&rex);
    let ana = token(&rex, "ana", "member", Some("ana"));
    let dash = token(&rex, "dash", "reader", None);
    let served = Served::start(&rex, &["--quiet"]);
    let today = |t: &str, q: &str| served.get(&format!("/today{q}"), t).json();
    assert_eq!(today(&ana, ""), rex.json(&["today", "--owner", "ana"]));
    assert_eq!(today(&ana, "?all=true"), rex.json(&["today", "--all"]));
    assert_eq!(today(&dash, ""), rex.json(&["today", "--all"]));
    assert_eq!(
        today(&dash, "?owner=bo"),
        rex.json(&["today", "--owner", "bo"])
    );
}

#[test]
fn unknown_and_bad_query_parameters_are_422_naming_the_parameter() {
    let rex = Rex::new();
    let p = rex.sales();
    let id = p["id"].as_str().unwrap();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let board = format!("/pipelines/{id}/board");
    for (path, field) in [
        (format!("{board}?owner=ana"), "owner"),
        (format!("{board}?limit=-1"), "limit"),
        ("/today?owner_id=ana".into(), "owner_id"),
        ("/today?section=later".into(), "section"),
        ("/today?all=yes".into(), "all"),
        ("/forecast?periods=0".into(), "periods"),
        ("/forecast?periods=241".into(), "periods"),
        ("/forecast?periods=x".into(), "periods"),
        ("/forecast?by=week".into(), "by"),
        ("/forecast?pipeline=Sales".into(), "pipeline"),
        ("/forecast?pipeline_id=Nope".into(), "pipeline_id"),
        ("/reports/wins?by=day".into(), "by"),
        ("/reports/wins?since=someday".into(), "since"),
        ("/reports/wins?exit_status=true".into(), "exit_status"),
        ("/reports/stages?since=2026-02-30".into(), "since"),
        (
            "/reports/stages?pipeline_id=pipeline_01h455vb4pex5vsknk084sn02q".into(),
            "pipeline_id",
        ),
        ("/reports/lost-reasons?until=2026-13-01".into(), "until"),
        (
            "/reports/lost-reasons?owner_id=a&owner_id=b".into(),
            "owner_id",
        ),
        ("/export?format=csv".into(), "format"),
        ("/export?deals=true&pipelines=true".into(), "deals"),
    ] {
        let r = served.get(&path, "");
        assert_eq!(problem(&r).0, 422, "{path}: {r:?}");
        assert_eq!(r.json()["errors"][0]["field"], field, "{path}: {}", r.body);
    }
}

/// `rex export ARGS` as it writes to stdout.
fn exported(rex: &Rex, args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend(args);
    rex.ok(&all)
}

#[test]
fn the_export_streams_exactly_what_rex_export_writes() {
    let rex = Rex::new();
    crate::forecast::quarter(&rex);
    // Enough deals for several chunks: the body is streamed, not sent in one piece.
    let deals: String = (0..400)
        .map(|i| format!("{{\"name\":\"Bulk {i:03}\",\"value\":{}}}\n", i * 100 + 1))
        .collect();
    succeeded(&import(&rex, &[], &deals));
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let get = |q: &str| -> Reply {
        let r = served.get(&format!("/export{q}"), "");
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.header("content-type"), Some("application/jsonl"));
        r
    };
    let all = get("");
    assert_eq!(all.header("transfer-encoding"), Some("chunked"));
    assert_eq!(all.header("content-length"), None);
    let cli = exported(&rex, &[]);
    assert!(cli.len() > 3 * 65536, "{} bytes", cli.len());
    assert_eq!(all.body, cli);
    assert_eq!(get("?all=true").body, cli);
    assert_eq!(get("?deals=true").body, exported(&rex, &["--deals"]));
    assert_eq!(
        get("?pipelines=true").body,
        exported(&rex, &["--pipelines"])
    );

    // A client that stops reading half way does not stop the server.
    let addr = served.base.trim_start_matches("http://").to_string();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    conn.write_all(b"GET /export HTTP/1.1\r\nHost: rex\r\n\r\n")
        .unwrap();
    let mut some = [0u8; 4096];
    let n = conn.read(&mut some).unwrap();
    assert!(String::from_utf8_lossy(&some[..n]).starts_with("HTTP/1.1 200"));
    drop(conn);
    assert_eq!(get("?deals=true").body, exported(&rex, &["--deals"]));
    assert_eq!(served.get("/health", "").status, 200);
}

#[test]
fn an_empty_database_exports_nothing_and_reports_empty_lists() {
    let rex = Rex::new();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let r = served.get("/export", "");
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(exported(&rex, &[]), "");
    assert_eq!(answer(&served, "/reports/wins"), json!([]));
    assert_eq!(
        answer(&served, "/reports/lost-reasons"),
        rex.json(&["report", "lost-reasons"])
    );
    assert_eq!(answer(&served, "/today"), rex.json(&["today"]));
    assert_eq!(
        answer(&served, "/pipelines"),
        json!({"data": [], "next_cursor": null})
    );
}
