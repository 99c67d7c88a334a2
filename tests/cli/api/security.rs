//! Tokens and roles over HTTP: who may do what, and what a refusal leaves.

use serde_json::json;

use super::{problem, token, Served};
use crate::support::Rex;

/// A rex with the Sales pipeline, a deal of ana's and one of bo's, served with tokens.
fn team() -> (Rex, Served, String, String) {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let ana = rex.id(&["deal", "create", "Ana's", "--value", "10", "--owner", "ana"]);
    let bo = rex.id(&["deal", "create", "Bo's", "--value", "20", "--owner", "bo"]);
    let served = Served::start(&rex, &["--quiet"]);
    (rex, served, ana, bo)
}

#[test]
fn no_token_or_an_unknown_one_is_401_with_a_bearer_challenge() {
    let (_rex, served, _, _) = team();
    let r = served.send("GET", "/deals", None, None, &[]);
    assert_eq!(
        problem(&r),
        (
            401,
            "unauthorized".into(),
            "this needs Authorization: Bearer TOKEN (rex token create makes one)".into()
        )
    );
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = served.get("/deals", "rex_not-a-token");
    assert_eq!(
        problem(&r),
        (
            401,
            "unauthorized".into(),
            "the token is not known, revoked or expired".into()
        )
    );
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = served.send(
        "GET",
        "/deals",
        None,
        None,
        &[("Authorization", "Basic YTpi")],
    );
    assert_eq!(problem(&r).2, "Authorization must be 'Bearer TOKEN'");
}

#[test]
fn a_reader_reads_and_may_not_write() {
    let (rex, served, ana, _) = team();
    let reader = token(&rex, "dash", "reader", None);
    assert_eq!(
        served.get("/deals", &reader).json()["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let before = rex.snapshot();
    let r = served.post("/deals", &reader, r#"{"name":"X","value":1}"#);
    assert_eq!(
        problem(&r),
        (
            403,
            "forbidden".into(),
            "token dash is a reader: it may only read (GET)".into()
        )
    );
    let r = served.patch(&format!("/deals/{ana}"), &reader, r#"{"value":1}"#);
    assert_eq!(problem(&r).0, 403);
    let r = served.delete(&format!("/deals/{ana}"), &reader);
    assert_eq!(problem(&r).0, 403);
    assert_eq!(rex.snapshot(), before);
}

#[test]
fn a_member_changes_only_its_owners_deals_and_creates_deals_for_its_owner() {
    let (rex, served, ana, bo) = team();
    let member = token(&rex, "ana-laptop", "member", Some("ana"));
    let r = served.patch(&format!("/deals/{ana}"), &member, r#"{"value":11}"#);
    assert_eq!((r.status, &r.json()["value"]), (200, &json!(11)));
    let before = rex.snapshot();
    let r = served.patch(&format!("/deals/{bo}"), &member, r#"{"value":1}"#);
    assert_eq!(
        problem(&r),
        (
            403,
            "forbidden".into(),
            format!("deal {bo} belongs to bo; member token ana-laptop changes only ana's deals")
        )
    );
    assert_eq!(
        problem(&served.delete(&format!("/deals/{bo}"), &member)).0,
        403
    );
    assert_eq!(
        problem(&served.post(&format!("/deals/{bo}/notes"), &member, r#"{"text":"hi"}"#)).0,
        403
    );
    let r = served.post(
        "/deals",
        &member,
        r#"{"name":"Bo's too","value":1,"owner_id":"bo"}"#,
    );
    assert_eq!(problem(&r).0, 403);
    let r = served.patch(&format!("/deals/{ana}"), &member, r#"{"owner_id":"bo"}"#);
    assert_eq!(
        problem(&r).2,
        "member token ana-laptop cannot give a deal to another owner"
    );
    assert_eq!(rex.snapshot(), before);
    let r = served.post("/deals", &member, r#"{"name":"Mine","value":1}"#);
    assert_eq!((r.status, &r.json()["owner_id"]), (201, &json!("ana")));
    assert_eq!(served.get(&format!("/deals/{bo}"), &member).status, 200);
}

#[test]
fn a_revoked_token_is_refused_from_its_next_request_on_every_server() {
    let (rex, served, _, _) = team();
    let other = Served::start(&rex, &["--quiet"]);
    let admin = token(&rex, "ci", "admin", None);
    assert_eq!(served.get("/deals", &admin).status, 200);
    assert_eq!(other.get("/deals", &admin).status, 200);
    rex.ok(&["token", "revoke", "ci"]);
    assert_eq!(problem(&served.get("/deals", &admin)).0, 401);
    assert_eq!(problem(&other.get("/deals", &admin)).0, 401);
}

#[test]
fn an_expired_token_is_refused() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let short = token(&rex, "short", "admin", None);
    let long = rex.ok(&[
        "token",
        "create",
        "long",
        "--role",
        "admin",
        "--expires",
        "3d",
    ]);
    let short_lived = rex.ok(&[
        "token",
        "create",
        "day",
        "--role",
        "admin",
        "--expires",
        "1d",
    ]);
    rex.at("2026-03-04T09:00:01Z");
    let served = Served::start(&rex, &["--quiet"]);
    assert_eq!(served.get("/deals", &short).status, 200);
    assert_eq!(served.get("/deals", long.trim()).status, 200);
    assert_eq!(problem(&served.get("/deals", short_lived.trim())).0, 401);
}

#[test]
fn two_authorization_headers_are_refused_and_head_health_needs_none() {
    let (rex, served, _, _) = team();
    let admin = token(&rex, "ops", "admin", None);
    let good = format!("Bearer {admin}");
    let r = served.send(
        "GET",
        "/deals",
        None,
        None,
        &[
            ("Authorization", &good),
            ("Authorization", "Bearer rex_bad"),
        ],
    );
    assert_eq!(problem(&r).0, 401);
    assert_eq!(served.send("HEAD", "/health", None, None, &[]).status, 200);
    assert_eq!(
        rex.fails(&["token", "create", "has space", "--role", "admin"], 2),
        "rex: the token name 'has space' has a space; name it in one word, like website-form"
    );
}

#[test]
fn a_body_names_pipelines_and_stages_by_id_only() {
    let (rex, served, _, _) = team();
    let admin = token(&rex, "ops", "admin", None);
    let r = served.post("/pipelines", &admin, r#"{"name":"pipeline_foo"}"#);
    assert_eq!(r.status, 201, "{r:?}");
    let r = served.post(
        "/deals",
        &admin,
        r#"{"name":"X","value":1,"pipeline_id":"pipeline_foo"}"#,
    );
    assert_eq!(
        problem(&r),
        (
            422,
            "invalid".into(),
            "pipeline_id 'pipeline_foo' is not a pipeline id (like pipeline_01h…)".into()
        )
    );
}
