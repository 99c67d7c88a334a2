//! `/deals`: what the API answers, compared with what the CLI prints.

use serde_json::{json, Value};

use super::{problem, Served};
use crate::support::Rex;

/// A rex with the Sales pipeline, served without tokens.
fn served() -> (Rex, Served) {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let served = Served::start(&rex, &["--open", "--quiet"]);
    (rex, served)
}

#[test]
fn a_deal_created_over_http_reads_as_the_cli_prints_it() {
    let (rex, served) = served();
    let r = served.post(
        "/deals",
        "",
        r#"{"name":"Acme","value":500000,"owner_id":"ana"}"#,
    );
    assert_eq!(r.status, 201, "{r:?}");
    let made = r.json();
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(r.header("location"), Some(format!("/deals/{id}").as_str()));
    assert!(
        r.header("etag").is_some_and(|t| t.starts_with('"')),
        "{r:?}"
    );
    let cli = rex.json(&["deal", "show", &id]);
    assert_eq!(made, cli);
    let got = served.get(&format!("/deals/{id}"), "");
    assert_eq!((got.status, got.json()), (200, cli.clone()));
    assert_eq!(got.header("etag"), r.header("etag"));
    let list = served.get("/deals", "").json();
    assert_eq!(list, json!({"data": [cli], "next_cursor": Value::Null}));
}

#[test]
fn a_path_that_names_no_deal_is_404_and_a_body_that_names_no_stage_is_422() {
    let (_rex, served) = served();
    let r = served.get("/deals/deal_01h455vb4pex5vsknk084sn02q", "");
    assert_eq!(
        problem(&r),
        (
            404,
            "not_found".into(),
            "no deal with id deal_01h455vb4pex5vsknk084sn02q".into()
        )
    );
    let r = served.post(
        "/deals",
        "",
        r#"{"name":"Acme","value":5,"stage_id":"stage_01h455vb4pex5vsknk084sn02q"}"#,
    );
    assert_eq!(
        problem(&r),
        (
            422,
            "invalid".into(),
            "no stage with id stage_01h455vb4pex5vsknk084sn02q".into()
        )
    );
    assert_eq!(
        r.json()["errors"],
        json!([{"field": "stage_id", "message": "no stage with id stage_01h455vb4pex5vsknk084sn02q"}])
    );
    let r = served.post("/deals", "", r#"{"name":"Acme","value":5.5}"#);
    assert_eq!(r.json()["errors"][0]["field"], "value", "{}", r.body);
    let r = served.post("/deals", "", r#"{"name":"Acme","value":5"#);
    assert_eq!(problem(&r).0, 400);
    assert_eq!(served.get("/deals", "").json()["data"], json!([]));
}
