//! `/pipelines`: what the API answers, compared with what the CLI prints, and the rules of
//! changing stages that the CLI and the API share.

use serde_json::{json, Value};

use super::{problem, token, Served};
use crate::support::{stage_id, Rex};

/// A rex served without tokens (every caller an admin).
fn served(rex: &Rex) -> Served {
    Served::start(rex, &["--open", "--quiet"])
}

/// A pipeline's JSON without what differs between two databases: ids and times.
fn shape(p: &Value) -> Value {
    let mut p = p.clone();
    for key in ["id", "created_at", "updated_at"] {
        p.as_object_mut().unwrap().remove(key);
    }
    for s in p["stages"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("id");
    }
    p
}

#[test]
fn a_pipeline_created_over_http_reads_as_the_cli_prints_it() {
    let rex = Rex::new();
    let served = served(&rex);
    let r = served.post(
        "/pipelines",
        "",
        r##"{"name":"Partners","stall_days":45,"stages":[
            {"name":"Intro","color":"#4F9DDE","probability":20,"stall_days":10},
            {"name":"Pilot","stall_days":0},
            {"name":"Signed","stall_days":null}]}"##,
    );
    assert_eq!(r.status, 201, "{r:?}");
    let made = r.json();
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.header("location"),
        Some(format!("/pipelines/{id}").as_str())
    );
    let cli = rex.json(&["pipeline", "show", &id]);
    assert_eq!(made, cli);
    let stages: Vec<Value> = cli["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!([
                s["name"],
                s["color"],
                s["probability"],
                s["stall_days"],
                s["effective_stall_days"]
            ])
        })
        .collect();
    assert_eq!(
        stages,
        [
            json!(["Intro", "#4f9dde", 20, 10, 10]),
            json!(["Pilot", "#8e6bd8", 100, 0, null]),
            json!(["Signed", "#e0a23b", 100, null, 45])
        ]
    );
    let got = served.get(&format!("/pipelines/{id}"), "");
    assert_eq!((got.status, got.json()), (200, cli));
    assert_eq!(got.header("etag"), r.header("etag"));
    assert!(r.header("etag").is_some_and(|t| t.starts_with('"')));

    // Without stages, the default ones, as `rex pipeline create` makes them.
    let r = served.post("/pipelines", "", r#"{"name":"Sales"}"#);
    assert_eq!(r.status, 201, "{r:?}");
    let twin = Rex::new();
    assert_eq!(
        shape(&r.json()),
        shape(&twin.json(&["pipeline", "create", "Sales"]))
    );

    // The list holds every pipeline with its totals, on one page.
    let list = served.get("/pipelines", "");
    assert_eq!(list.status, 200);
    assert_eq!(
        list.json(),
        json!({"data": rex.json(&["pipeline", "list"]), "next_cursor": null})
    );
    assert_eq!(list.json()["data"].as_array().unwrap().len(), 2);
}

/// The Sales pipeline (default stages) with a deal in Discovery; its JSON and the deal.
fn sales_with_a_deal(rex: &Rex) -> (Value, String) {
    let p = rex.sales();
    let deal = rex.id(&["deal", "create", "Acme", "--value", "5000"]);
    (p, deal)
}

#[test]
fn patching_the_stages_makes_the_changes_the_cli_makes_with_its_flags() {
    let rex = Rex::new();
    let (p, _) = sales_with_a_deal(&rex);
    let id = p["id"].as_str().unwrap();
    let served = served(&rex);
    // The whole list: a new stage first, Proposal renamed and moved up with a new chance,
    // Discovery never stalls, Qualification as it is; Negotiation and Closed left out.
    let body = json!({
        "name": "Sales EU",
        "stall_days": 21,
        "stages": [
            {"name": "Intro"},
            {"id": stage_id(&p, "Proposal"), "name": "Offer", "probability": 60},
            {"id": stage_id(&p, "Discovery"), "stall_days": 0},
            {"id": stage_id(&p, "Qualification")},
        ]
    });
    let r = served.patch(&format!("/pipelines/{id}"), "", &body.to_string());
    assert_eq!(r.status, 200, "{r:?}");
    let after = r.json();
    assert_eq!(after, rex.json(&["pipeline", "show", id]));
    assert_eq!(
        r.header("etag"),
        served.get(&format!("/pipelines/{id}"), "").header("etag")
    );
    // Kept stages keep their ids, in the order sent.
    let ids: Vec<&Value> = after["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(ids[1], &json!(stage_id(&p, "Proposal")));
    assert_eq!(ids[2], &json!(stage_id(&p, "Discovery")));
    assert_eq!(after["stages"][2]["open_count"], 1);

    // The same changes with the CLI's flags, on a twin database, give the same pipeline.
    let twin = Rex::new();
    sales_with_a_deal(&twin);
    let cli = twin.json(&[
        "pipeline",
        "update",
        "Sales",
        "--name",
        "Sales EU",
        "--stall-days",
        "21",
        "--add-stage",
        "Intro",
        "--at",
        "0",
        "--rename-stage",
        "Proposal=Offer",
        "--move-stage",
        "Offer=1",
        "--remove-stage",
        "Negotiation",
        "--remove-stage",
        "Closed",
        "--stage-stall-days",
        "Discovery=none",
        "--stage-probability",
        "Offer=60",
    ]);
    assert_eq!(shape(&after), shape(&cli));
}

#[test]
fn a_patch_whose_if_match_is_stale_is_412_and_changes_nothing() {
    let rex = Rex::new();
    let p = rex.sales();
    let path = format!("/pipelines/{}", p["id"].as_str().unwrap());
    let served = served(&rex);
    let first = served.get(&path, "");
    let tag = first.header("etag").unwrap().to_string();
    let rename = |name: &str, tag: &str| {
        served.send(
            "PATCH",
            &path,
            Some(""),
            Some(&json!({ "name": name }).to_string()),
            &[("If-Match", tag)],
        )
    };
    let before = rex.snapshot();
    let r = rename("Other", "\"0123\"");
    let (status, code, detail) = problem(&r);
    assert_eq!((status, code.as_str()), (412, "precondition_failed"));
    assert!(detail.contains("has changed since it was read"), "{detail}");
    assert_eq!(rex.snapshot(), before);
    let r = rename("Sales EU", &tag);
    assert_eq!(
        (r.status, r.json()["name"].clone()),
        (200, json!("Sales EU"))
    );
    let now = r.header("etag").unwrap().to_string();
    assert_ne!(now, tag);
    // A second writer with the tag the first one read loses.
    let before = rex.snapshot();
    assert_eq!(problem(&rename("Sales US", &tag)).0, 412);
    assert_eq!(rex.snapshot(), before);
    assert_eq!(rename("Sales US", &now).status, 200);
    assert_eq!(rex.json(&["pipeline", "show", "Sales US"])["id"], p["id"]);
}

#[test]
fn leaving_out_a_stage_that_holds_deals_is_409_and_changes_nothing_unless_its_deals_move() {
    let rex = Rex::new();
    let (p, deal) = sales_with_a_deal(&rex);
    let path = format!("/pipelines/{}", p["id"].as_str().unwrap());
    let served = served(&rex);
    let without_discovery = |extra: Value| {
        let mut body = json!({"stages": [
            {"id": stage_id(&p, "Qualification")},
            {"id": stage_id(&p, "Closed")},
        ]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        served.patch(&path, "", &body.to_string())
    };
    let before = rex.snapshot();
    let shown = served.get(&path, "").json();
    let r = without_discovery(json!({"name": "Renamed"}));
    assert_eq!(
        problem(&r),
        (
            409,
            "conflict".into(),
            "stage 'Discovery' holds 1 deal; move them with move_deals_to STAGE".into()
        )
    );
    assert_eq!(rex.snapshot(), before);
    assert_eq!(served.get(&path, "").json(), shown);
    // A stage being removed cannot take them.
    let r = without_discovery(json!({"move_deals_to": stage_id(&p, "Proposal")}));
    assert_eq!(problem(&r).0, 422, "{r:?}");
    assert_eq!(r.json()["errors"][0]["field"], "move_deals_to");
    assert_eq!(rex.snapshot(), before);
    // Naming a stage that stays moves them, as `--move-deals-to` does.
    let r = without_discovery(json!({"move_deals_to": stage_id(&p, "Closed")}));
    assert_eq!(r.status, 200, "{r:?}");
    let names: Vec<Value> = r.json()["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, [json!("Qualification"), json!("Closed")]);
    assert_eq!(rex.json(&["deal", "show", &deal])["stage_name"], "Closed");
    let moved = rex.json(&["deal", "history", &deal]);
    let last = moved.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["kind"].clone(),
            last["from_stage"].clone(),
            last["to_stage"].clone(),
            last["reason"].clone()
        ),
        (
            json!("moved"),
            json!("Discovery"),
            json!("Closed"),
            json!("stage removed")
        )
    );
}

#[test]
fn bad_pipeline_bodies_are_422_naming_the_field_and_paths_that_name_nothing_404() {
    let rex = Rex::new();
    let p = rex.sales();
    let path = format!("/pipelines/{}", p["id"].as_str().unwrap());
    let served = served(&rex);
    let before = rex.snapshot();
    let field = |r: &super::Reply| {
        assert_eq!(problem(r).0, 422, "{r:?}");
        r.json()["errors"][0]["field"].as_str().unwrap().to_string()
    };
    for (body, expected) in [
        (json!({"stall_days": 0}), "stall_days"),
        (json!({"name": ""}), "name"),
        (json!({"name": null}), "name"),
        (json!({"id": "pipeline_x"}), "id"),
        (json!({"colour": "red"}), "colour"),
        (
            json!({"stages": [{"name": "A", "position": 0}]}),
            "stages[0].position",
        ),
        (
            json!({"stages": [{"name": "A", "color": "red"}]}),
            "stages[0].color",
        ),
        (
            json!({"stages": [{"name": "A", "probability": 101}]}),
            "stages[0].probability",
        ),
        (
            json!({"stages": [{"name": "A", "stall_days": -1}]}),
            "stages[0].stall_days",
        ),
        (json!({"stages": [{"color": "#123456"}]}), "stages"),
        (json!({"stages": [{"id": "Discovery"}]}), "stages"),
        (
            json!({"stages": [{"id": "stage_01h455vb4pex5vsknk084sn02q"}]}),
            "stages",
        ),
        (json!({"stages": "Lead"}), "stages"),
        (
            json!({"move_deals_to": stage_id(&p, "Closed")}),
            "move_deals_to",
        ),
    ] {
        let r = served.patch(&path, "", &body.to_string());
        assert_eq!(field(&r), expected, "{body}");
    }
    for (body, expected) in [
        (json!({}), "name"),
        (json!({"name": "B", "stages": []}), "stages"),
        (
            json!({"name": "B", "stages": [{"name": "x"}, {"name": "X"}]}),
            "stages",
        ),
        (
            json!({"name": "B", "stages": [{"id": stage_id(&p, "Closed"), "name": "x"}]}),
            "stages[0].id",
        ),
        (json!({"name": "B", "stall_days": 36501}), "stall_days"),
        (json!({"name": "B", "owner": "ana"}), "owner"),
    ] {
        let r = served.post("/pipelines", "", &body.to_string());
        assert_eq!(field(&r), expected, "{body}");
    }
    let r = served.post("/pipelines", "", r#"{"name":"sales"}"#);
    assert_eq!(problem(&r).0, 409);
    // Two stages of one name after a change is a conflict, as `pipeline update` says.
    let r = served.patch(
        &path,
        "",
        &json!({"stages": [{"id": stage_id(&p, "Closed"), "name": "Discovery"}, {"id": stage_id(&p, "Discovery")}]})
            .to_string(),
    );
    assert_eq!(problem(&r).0, 409, "{r:?}");
    assert_eq!(rex.snapshot(), before);
    for gone in [
        "/pipelines/pipeline_01h455vb4pex5vsknk084sn02q",
        "/pipelines/Sales",
        "/pipelines/pipeline_01h455vb4pex5vsknk084sn02q/board",
    ] {
        assert_eq!(problem(&served.get(gone, "")).0, 404, "{gone}");
    }
    let r = served.patch(
        "/pipelines/pipeline_01h455vb4pex5vsknk084sn02q",
        "",
        r#"{"name":"X"}"#,
    );
    assert_eq!(problem(&r).0, 404);
    let r = served.get("/pipelines?limit=5", "");
    assert_eq!(field(&r), "limit");
}

#[test]
fn only_an_admin_token_changes_pipelines() {
    let rex = Rex::new();
    let p = rex.sales();
    let path = format!("/pipelines/{}", p["id"].as_str().unwrap());
    let reader = token(&rex, "dash", "reader", None);
    let member = token(&rex, "ana", "member", Some("ana"));
    let admin = token(&rex, "ops", "admin", None);
    let served = Served::start(&rex, &["--quiet"]);
    // A token's first use notes when it was used: done before the snapshot.
    for t in [&reader, &member] {
        assert_eq!(served.get("/pipelines", t).status, 200);
    }
    let before = rex.snapshot();
    for t in [&reader, &member] {
        assert_eq!(
            problem(&served.post("/pipelines", t, r#"{"name":"B"}"#)).1,
            "forbidden"
        );
        assert_eq!(
            problem(&served.patch(&path, t, r#"{"name":"B"}"#)).1,
            "forbidden"
        );
        assert_eq!(served.get(&path, t).status, 200);
        assert_eq!(served.get("/pipelines", t).status, 200);
    }
    assert_eq!(rex.snapshot(), before);
    assert_eq!(
        served.post("/pipelines", &admin, r#"{"name":"B"}"#).status,
        201
    );
    assert_eq!(served.patch(&path, &admin, r#"{"name":"C"}"#).status, 200);
}

#[test]
fn a_create_retried_with_its_idempotency_key_makes_one_pipeline() {
    let rex = Rex::new();
    let admin = token(&rex, "ops", "admin", None);
    let served = Served::start(&rex, &["--quiet"]);
    let send = |body: &str| {
        served.send(
            "POST",
            "/pipelines",
            Some(&admin),
            Some(body),
            &[("Idempotency-Key", "k1")],
        )
    };
    let first = send(r#"{"name":"B"}"#);
    assert_eq!(first.status, 201);
    let again = send(r#"{"name":"B"}"#);
    assert_eq!(
        (again.status, again.body.clone()),
        (201, first.body.clone())
    );
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(rex.json(&["pipeline", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(problem(&send(r#"{"name":"C"}"#)).0, 422);
}

/// Once the write failed (a database error, exit 1; over HTTP a 500): the new stage and
/// the one being removed had one name while both were written.
#[test]
fn a_new_stage_may_take_the_name_of_one_left_out() {
    let rex = Rex::new();
    let p = rex.sales();
    let path = format!("/pipelines/{}", p["id"].as_str().unwrap());
    let served = served(&rex);
    let body = json!({"stages": [{"id": stage_id(&p, "Discovery")}, {"name": "closed"}]});
    let r = served.patch(&path, "", &body.to_string());
    assert_eq!(r.status, 200, "{r:?}");
    let after = r.json();
    assert_eq!(after["stages"][1]["name"], "closed");
    assert_ne!(after["stages"][1]["id"], json!(stage_id(&p, "Closed")));
    let cli = rex.json(&[
        "pipeline",
        "update",
        "Sales",
        "--remove-stage",
        "closed",
        "--add-stage",
        "Closed",
    ]);
    assert_eq!(cli["stages"][1]["name"], "Closed");
}
