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

/// A new deal over HTTP: its id.
fn create(served: &Served, body: &str) -> String {
    let r = served.post("/deals", "", body);
    assert_eq!(r.status, 201, "{r:?}");
    r.json()["id"].as_str().unwrap().to_string()
}

/// The kinds and details of a deal's history, as the CLI prints it.
fn history(rex: &Rex, id: &str) -> Vec<(String, Value)> {
    rex.json(&["deal", "history", id])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["details"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_merge_patch_changes_fields_metadata_stage_and_status_and_records_them_as_the_cli_does() {
    let (rex, served) = served();
    let id = create(
        &served,
        r#"{"name":"Acme","value":100,"contact_id":"bo@acme.test","metadata":{"tier":"gold","seats":5}}"#,
    );
    let path = format!("/deals/{id}");
    let r = served.patch(
        &path,
        "",
        r#"{"value":250,"contact_id":null,"metadata":{"tier":null,"seats":6},"stage_id":null}"#,
    );
    assert_eq!(
        problem(&r),
        (
            422,
            "invalid".into(),
            "stage_id cannot be removed; send a new value".into()
        )
    );
    let r = served.patch(
        &path,
        "",
        r#"{"value":250,"contact_id":null,"metadata":{"tier":null,"seats":6}}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let after = r.json();
    assert_eq!(
        (&after["value"], &after["contact_id"], &after["metadata"]),
        (&json!(250), &Value::Null, &json!({"seats": 6}))
    );
    assert_eq!(after, rex.json(&["deal", "show", &id]));
    let proposal = rex.json(&["pipeline", "show", "Sales"])["stages"][2]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = served.patch(
        &path,
        "",
        &format!(r#"{{"stage_id":"{proposal}","status":"won","close_reason":"signed"}}"#),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        (
            &r.json()["status"],
            &r.json()["stage_name"],
            &r.json()["close_reason"]
        ),
        (&json!("won"), &json!("Proposal"), &json!("signed"))
    );
    let r = served.patch(&path, "", r#"{"status":"open"}"#);
    assert_eq!((r.status, &r.json()["status"]), (200, &json!("open")));
    let kinds: Vec<String> = history(&rex, &id).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        ["created", "updated", "updated", "updated", "updated", "moved", "closed", "reopened"]
    );
    let r = served.patch(&path, "", r#"{"created_at":"2020-01-01T00:00:00Z"}"#);
    assert_eq!(
        problem(&r),
        (
            422,
            "invalid".into(),
            "created_at is set by rex and cannot be changed".into()
        )
    );
    let r = served.patch(&path, "", r#"{"colour":"red"}"#);
    assert_eq!(problem(&r).2, "a deal has no field 'colour'");
    let r = served.patch(&path, "", r#"{"close_reason":"why"}"#);
    assert_eq!(
        problem(&r),
        (
            422,
            "invalid".into(),
            "close_reason goes with status won or lost; send both".into()
        )
    );
    assert_eq!(served.delete(&path, "").status, 204);
    assert_eq!(served.get(&path, "").status, 404);
}

#[test]
fn if_match_lets_exactly_one_of_many_concurrent_patches_win() {
    let (rex, served) = served();
    let id = create(&served, r#"{"name":"Acme","value":100}"#);
    let path = format!("/deals/{id}");
    let tag = served.get(&path, "").header("etag").unwrap().to_string();
    let stale = served.patch(&path, "", r#"{"value":1}"#);
    assert_eq!(stale.status, 200);
    let r = served.send(
        "PATCH",
        &path,
        Some(""),
        Some(r#"{"value":2}"#),
        &[("If-Match", &tag)],
    );
    assert_eq!(problem(&r).0, 412);
    assert_eq!(problem(&r).1, "precondition_failed");
    let tag = stale.header("etag").unwrap().to_string();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|n| {
                let (served, path, tag) = (&served, &path, &tag);
                s.spawn(move || {
                    let body = format!(r#"{{"value":{}}}"#, 1000 + n);
                    served
                        .send("PATCH", path, Some(""), Some(&body), &[("If-Match", tag)])
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 412).count();
    assert_eq!((won, refused), (1, 7), "{statuses:?}");
    let value = rex.json(&["deal", "show", &id])["value"].as_i64().unwrap();
    assert!((1000..1008).contains(&value), "{value}");
    let updates = history(&rex, &id)
        .iter()
        .filter(|(k, _)| k == "updated")
        .count();
    assert_eq!(updates, 2);
    let r = served.send("DELETE", &path, Some(""), None, &[("If-Match", "\"nope\"")]);
    assert_eq!(problem(&r).0, 412);
    assert_eq!(served.get(&path, "").status, 200);
}

#[test]
fn an_idempotency_key_makes_a_retried_or_concurrent_post_create_one_deal() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let body = r#"{"name":"Acme","value":100}"#;
    let key = [("Idempotency-Key", "form-1")];
    let first = served.send("POST", "/deals", Some(""), Some(body), &key);
    let again = served.send("POST", "/deals", Some(""), Some(body), &key);
    assert_eq!(first.status, 201);
    assert_eq!(
        (again.status, &again.body, again.header("location")),
        (201, &first.body, first.header("location"))
    );
    let other = served.send(
        "POST",
        "/deals",
        Some(""),
        Some(r#"{"name":"Other","value":1}"#),
        &key,
    );
    assert_eq!(
        problem(&other),
        (
            422,
            "invalid".into(),
            "this Idempotency-Key was used for another request; send a new key for a new request"
                .into()
        )
    );
    // Two servers on one database, eight clients at once, one key.
    let second = Served::start(&rex, &["--open", "--quiet"]);
    let bodies: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|n| {
                let served = if n % 2 == 0 { &served } else { &second };
                s.spawn(move || {
                    let r = served.send(
                        "POST",
                        "/deals",
                        Some(""),
                        Some(body),
                        &[("Idempotency-Key", "form-2")],
                    );
                    (r.status, r.body)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:?}");
    assert_eq!(bodies[0].0, 201);
    // After a restart the key is still known.
    drop((served, second));
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let third = served.send("POST", "/deals", Some(""), Some(body), &key);
    assert_eq!((third.status, &third.body), (201, &first.body));
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn pages_of_deals_follow_their_cursor_and_skip_or_repeat_nothing_while_others_insert() {
    let (rex, served) = served();
    for n in 0..7 {
        create(
            &served,
            &format!(r#"{{"name":"D{n}","value":{}}}"#, 100 * (n % 3)),
        );
    }
    let names = |page: &Value| -> Vec<String> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut seen = Vec::new();
    let mut next = "/deals?sort=value&order=desc&limit=3".to_string();
    loop {
        let page = served.get(&next, "").json();
        seen.extend(names(&page));
        // Others insert between pages: new deals may or may not show, the others once each.
        create(&served, r#"{"name":"Late","value":100}"#);
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("/deals?sort=value&order=desc&limit=3&cursor={c}"),
            None => break,
        }
    }
    let originals: Vec<&String> = seen.iter().filter(|n| n.starts_with('D')).collect();
    let listed = rex.json(&[
        "deal", "list", "--sort", "value", "--desc", "--fields", "name",
    ]);
    let cli_order: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .filter(|n| n.starts_with('D'))
        .collect();
    assert_eq!(originals, cli_order.iter().collect::<Vec<_>>());
    assert_eq!(cli_order.len(), 7);
    let r = served.get("/deals?cursor=nonsense", "");
    assert_eq!(problem(&r).0, 422);
    assert_eq!(r.json()["errors"][0]["field"], "cursor");
    let first = served.get("/deals?limit=3", "").json();
    let c = first["next_cursor"].as_str().unwrap();
    let r = served.get(&format!("/deals?sort=name&cursor={c}"), "");
    assert_eq!(
        problem(&r).2,
        "cursor does not match sort=name order=asc; start again without cursor"
    );
    for bad in [
        "limit=0",
        "limit=501",
        "limit=abc",
        "sort=colour",
        "order=up",
        "status=gone",
    ] {
        assert_eq!(
            problem(&served.get(&format!("/deals?{bad}"), "")).0,
            422,
            "{bad}"
        );
    }
}

#[test]
fn a_body_field_of_the_wrong_kind_is_named_with_what_it_takes() {
    let (rex, served) = served();
    let cents = "value must be a whole number of cents from 0, like 500000 for $5,000.00";
    for (body, field, message) in [
        (r#"{"name":"A","value":1e3}"#, "value", cents),
        (r#"{"name":"A","value":"500"}"#, "value", cents),
        (
            r#"{"name":"A","value":9223372036854775808}"#,
            "value",
            cents,
        ),
        (r#"{"value":5}"#, "name", "name is required"),
        (
            r#"{"name":"A","value":5,"expected_close":"2026-02-30"}"#,
            "expected_close",
            "expected_close must be a date like 2026-03-31",
        ),
        (
            r#"{"name":"A","value":5,"probability":101}"#,
            "probability",
            "101 is not a whole percent from 0 to 100",
        ),
    ] {
        let r = served.post("/deals", "", body);
        assert_eq!(
            problem(&r),
            (422, "invalid".into(), message.into()),
            "{body}"
        );
        assert_eq!(
            r.json()["errors"],
            json!([{"field": field, "message": message}]),
            "{body}"
        );
    }
    let r = served.post("/deals", "", r#"{"name":"A","value":5,"colour":1}"#);
    assert!(
        problem(&r)
            .2
            .starts_with("unknown field 'colour', expected one of 'name'"),
        "{}",
        r.body
    );
    assert_eq!(rex.json(&["deal", "list"]), json!([]));
}
