//! Activities over HTTP: `/activities` and `/deals/{id}/activities`, what they answer,
//! what they record in the deal's history, and who may do what.

use serde_json::{json, Value};

use super::{problem, token, Reply, Served};
use crate::support::Rex;

/// A rex with the Sales pipeline and a deal of ana's, served without tokens: the deal's id.
fn served() -> (Rex, Served, String) {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let deal = rex.id(&["deal", "create", "Acme", "--value", "100", "--owner", "ana"]);
    let served = Served::start(&rex, &["--open", "--quiet"]);
    (rex, served, deal)
}

/// Schedules an activity on `deal` over HTTP (as `token`); the answer, which must be 201.
fn schedule(served: &Served, token: &str, deal: &str, body: &str) -> Value {
    let r = served.post(&format!("/deals/{deal}/activities"), token, body);
    assert_eq!(r.status, 201, "{r:?}");
    r.json()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// The activities of a list's answer, after checking it is one page, the last.
fn data(r: &Reply) -> Vec<Value> {
    assert_eq!(r.status, 200, "{r:?}");
    let page = r.json();
    assert_eq!(page["next_cursor"], Value::Null, "{page}");
    page["data"].as_array().unwrap().clone()
}

/// The subjects of a list's answer, in its order.
fn subjects(r: &Reply) -> Vec<String> {
    data(r)
        .iter()
        .map(|a| a["subject"].as_str().unwrap().to_string())
        .collect()
}

/// The kinds and details of a deal's history, as the CLI prints it: each event's fields
/// but the deal, the time, the kind and the actor.
fn history(rex: &Rex, deal: &str) -> Vec<(String, Value)> {
    rex.json(&["deal", "history", deal])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut details = e.as_object().unwrap().clone();
            for common in ["deal_id", "at", "kind", "actor"] {
                details.remove(common);
            }
            (e["kind"].as_str().unwrap().to_string(), details.into())
        })
        .collect()
}

#[test]
fn an_activity_scheduled_over_http_reads_alike_everywhere_and_is_its_deals_next_step() {
    let (rex, served, deal) = served();
    let r = served.post(
        &format!("/deals/{deal}/activities"),
        "",
        r#"{"subject":"Call CFO","type":"call","due_date":"2026-03-05","due_time":"14:00",
            "duration_minutes":30,"note":"ask about\r\nthe budget"}"#,
    );
    assert_eq!(r.status, 201, "{r:?}");
    let made = r.json();
    let id = id_of(&made);
    assert_eq!(
        made,
        json!({
            "id": id, "deal_id": deal, "type": "call", "subject": "Call CFO",
            "due_date": "2026-03-05", "due_time": "14:00", "duration_minutes": 30,
            "owner_id": "ana", "note": "ask about\nthe budget", "done": false, "done_at": null,
            "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z",
            "deal_name": "Acme"
        })
    );
    assert_eq!(
        r.header("location"),
        Some(format!("/activities/{id}").as_str())
    );
    let got = served.get(&format!("/activities/{id}"), "");
    assert_eq!((got.status, got.json()), (200, made.clone()));
    assert!(
        got.header("etag").is_some_and(|t| t.starts_with('"')),
        "{got:?}"
    );
    assert_eq!(got.header("etag"), r.header("etag"));
    assert_eq!(
        data(&served.get(&format!("/deals/{deal}/activities"), "")),
        std::slice::from_ref(&made)
    );
    assert_eq!(
        data(&served.get("/activities", "")),
        std::slice::from_ref(&made)
    );
    assert_eq!(
        data(&served.get("/activities?owner_id=ANA", "")),
        std::slice::from_ref(&made)
    );
    // The deal, over HTTP as at the CLI, carries it as its next step; it is not changed.
    let shown = served.get(&format!("/deals/{deal}"), "").json();
    assert_eq!(
        shown["next_activity"],
        json!({"id": id, "type": "call", "subject": "Call CFO", "due_date": "2026-03-05", "due_time": "14:00"})
    );
    assert_eq!(shown, rex.json(&["deal", "show", &deal]));
    assert_eq!(shown["updated_at"], "2026-03-02T09:00:00Z");
    let listed = served.get("/deals", "").json();
    assert_eq!(listed["data"][0]["next_activity"], shown["next_activity"]);
    assert_eq!(
        history(&rex, &deal)[1],
        (
            "activity_scheduled".to_string(),
            json!({"activity_id": id, "type": "call", "subject": "Call CFO", "due_date": "2026-03-05", "due_time": "14:00"})
        )
    );
    // What is left out is as `activity add` leaves it: a task, today, all day, the deal's owner.
    let plain = schedule(&served, "", &deal, r#"{"subject":"Send the quote"}"#);
    assert_eq!(
        (
            &plain["type"],
            &plain["due_date"],
            &plain["due_time"],
            &plain["duration_minutes"],
            &plain["owner_id"],
            &plain["note"]
        ),
        (
            &json!("task"),
            &json!("2026-03-02"),
            &Value::Null,
            &Value::Null,
            &json!("ana"),
            &Value::Null
        )
    );
    // Now the soonest: today's.
    let shown = served.get(&format!("/deals/{deal}"), "").json();
    assert_eq!(shown["next_activity"]["id"], plain["id"]);
}

#[test]
fn lists_take_the_filters_of_activity_list_soonest_first_a_page_at_a_time() {
    let (rex, served, acme) = served();
    let globex = rex.id(&["deal", "create", "Globex", "--value", "5", "--owner", "bo"]);
    for (deal, body) in [
        (
            &acme,
            r#"{"subject":"Lunch","type":"lunch","due_date":"2026-03-02","due_time":"12:30"}"#,
        ),
        (
            &acme,
            r#"{"subject":"Kickoff","type":"meeting","due_date":"2026-03-02","due_time":"08:00"}"#,
        ),
        (&acme, r#"{"subject":"Plan","due_date":"2026-03-02"}"#),
        (
            &globex,
            r#"{"subject":"Intro call","type":"call","due_date":"2026-02-27"}"#,
        ),
        (
            &globex,
            r#"{"subject":"Demo","type":"meeting","due_date":"2026-03-10","owner_id":"ana"}"#,
        ),
        (
            &acme,
            r#"{"subject":"Old call","type":"call","due_date":"2026-02-20"}"#,
        ),
    ] {
        schedule(&served, "", deal, body);
    }
    let done = schedule(
        &served,
        "",
        &acme,
        r#"{"subject":"Sent deck","type":"email","due_date":"2026-02-25"}"#,
    );
    let r = served.post(&format!("/activities/{}/done", id_of(&done)), "", "");
    assert_eq!(r.status, 200, "{r:?}");
    let all = "Old call, Intro call, Plan, Kickoff, Lunch, Demo";
    let list = |q: &str| subjects(&served.get(&format!("/activities?{q}"), "")).join(", ");
    assert_eq!(list(""), all);
    assert_eq!(list("all=true"), all);
    assert_eq!(list("owner_id=ana"), "Old call, Plan, Kickoff, Lunch, Demo");
    assert_eq!(list("owner_id=bo"), "Intro call");
    assert_eq!(list("type=call"), "Old call, Intro call");
    assert_eq!(list("type=MEETING&owner_id=ana"), "Kickoff, Demo");
    // At 09:00 on 2026-03-02: before today, or today at a time already past.
    assert_eq!(list("overdue=true"), "Old call, Intro call, Kickoff");
    assert_eq!(list("due_from=today&due_to=today"), "Plan, Kickoff, Lunch");
    assert_eq!(list("due_from=2026-03-03"), "Demo");
    assert_eq!(list("due_to=yesterday"), "Old call, Intro call");
    assert_eq!(list("done=true"), "Sent deck");
    assert_eq!(list(&format!("deal_id={globex}")), "Intro call, Demo");
    assert_eq!(list(&format!("deal_id={globex}&owner_id=ana")), "Demo");
    let of_deal =
        |q: &str| subjects(&served.get(&format!("/deals/{globex}/activities{q}"), "")).join(", ");
    assert_eq!(of_deal(""), "Intro call, Demo");
    assert_eq!(of_deal("?type=meeting"), "Demo");
    assert_eq!(
        subjects(&served.get(&format!("/deals/{acme}/activities?done=true"), "")),
        ["Sent deck"]
    );
    // Pages of two follow their cursor; an activity scheduled between pages moves nothing.
    let mut seen = Vec::new();
    let mut next = "/activities?limit=2".to_string();
    loop {
        let page = served.get(&next, "").json();
        let names: Vec<String> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["subject"].as_str().unwrap().to_string())
            .collect();
        assert!(names.len() <= 2, "{page}");
        seen.extend(names);
        schedule(
            &served,
            "",
            &acme,
            r#"{"subject":"Late","due_date":"2026-01-01"}"#,
        );
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("/activities?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.join(", "), all);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=nonsense", "cursor"),
        ("type=visit", "type"),
        ("overdue=yes", "overdue"),
        ("overdue=true&done=true", "overdue"),
        ("owner_id=ana&all=true", "all"),
        ("due_from=2026-03-05&due_to=2026-03-01", "due_to"),
        ("due_from=someday", "due_from"),
        ("deal_id=Acme", "deal_id"),
        ("deal_id=deal_01h455vb4pex5vsknk084sn02q", "deal_id"),
        ("deal=x", "deal"),
    ] {
        let r = served.get(&format!("/activities?{query}"), "");
        assert_eq!(problem(&r).0, 422, "{query}: {r:?}");
        assert_eq!(r.json()["errors"][0]["field"], field, "{query}: {r:?}");
    }
    assert_eq!(
        problem(&served.get("/activities?deal_id=deal_01h455vb4pex5vsknk084sn02q", "")).2,
        "no deal with id deal_01h455vb4pex5vsknk084sn02q"
    );
    let r = served.get(&format!("/deals/{acme}/activities?all=true"), "");
    assert_eq!(r.json()["errors"][0]["field"], "all", "{r:?}");
}

#[test]
fn a_merge_patch_changes_and_clears_fields_and_a_new_time_is_recorded_as_rescheduled() {
    let (rex, served, deal) = served();
    let made = schedule(
        &served,
        "",
        &deal,
        r#"{"subject":"Call CFO","type":"call","due_date":"2026-03-05","due_time":"14:00","duration_minutes":30,"note":"n"}"#,
    );
    let id = id_of(&made);
    let path = format!("/activities/{id}");
    let r = served.patch(
        &path,
        "",
        r#"{"subject":"Call the CFO","type":"meeting","owner_id":"bo","due_date":"2026-03-06","due_time":"09:30","duration_minutes":null,"note":null}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let after = r.json();
    assert_eq!(
        after,
        json!({
            "id": id, "deal_id": deal, "type": "meeting", "subject": "Call the CFO",
            "due_date": "2026-03-06", "due_time": "09:30", "duration_minutes": null,
            "owner_id": "bo", "note": null, "done": false, "done_at": null,
            "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z",
            "deal_name": "Acme"
        })
    );
    assert_eq!(served.get(&path, "").json(), after);
    let r = served.patch(&path, "", r#"{"due_time":null}"#);
    assert_eq!(r.json()["due_time"], Value::Null, "{r:?}");
    assert_eq!(
        history(&rex, &deal)[2..],
        [
            (
                "activity_rescheduled".to_string(),
                json!({"activity_id": id, "type": "meeting", "subject": "Call the CFO",
                    "from_due_date": "2026-03-05", "from_due_time": "14:00",
                    "to_due_date": "2026-03-06", "to_due_time": "09:30"})
            ),
            (
                "activity_rescheduled".to_string(),
                json!({"activity_id": id, "type": "meeting", "subject": "Call the CFO",
                    "from_due_date": "2026-03-06", "from_due_time": "09:30",
                    "to_due_date": "2026-03-06", "to_due_time": null})
            )
        ]
    );
    let before = rex.snapshot();
    for (body, field, message) in [
        (r#"{"subject":null}"#, "subject", "subject cannot be removed; send a new value"),
        (r#"{"subject":"  "}"#, "subject", "the subject is empty; give some text"),
        (r#"{"type":"Call"}"#, "type", "type 'Call' is not an activity type; use one of call, meeting, email, task, deadline, lunch"),
        (r#"{"due_date":"2026-02-30"}"#, "due_date", "due_date must be a date like 2026-03-31"),
        (r#"{"due_time":"9:30"}"#, "due_time", "due_time '9:30' is not a time; use HH:MM on a 24-hour clock, like 14:00"),
        (r#"{"duration_minutes":0}"#, "duration_minutes", "duration_minutes is a whole number of minutes from 1 to 10080 (a week)"),
        (r#"{"done":true}"#, "done", "done is changed by POST /activities/ID/done and /undo, not by a patch"),
        (r#"{"deal_id":"x"}"#, "deal_id", "deal_id is set by rex and cannot be changed"),
        (r#"{"colour":"red"}"#, "colour", "an activity has no field 'colour'"),
        (r#"{"note":"a\u0007b"}"#, "note", "the note contains the control character U+0007; use printable text"),
    ] {
        let r = served.patch(&path, "", body);
        assert_eq!(problem(&r), (422, "invalid".into(), message.into()), "{body}");
        assert_eq!(r.json()["errors"][0]["field"], field, "{body}");
    }
    assert_eq!(rex.snapshot(), before);
}

#[test]
fn if_match_guards_a_patch_and_a_delete_and_a_delete_is_recorded() {
    let (rex, served, deal) = served();
    let id = id_of(&schedule(&served, "", &deal, r#"{"subject":"Call"}"#));
    let path = format!("/activities/{id}");
    let tag = served.get(&path, "").header("etag").unwrap().to_string();
    let changed = served.patch(&path, "", r#"{"subject":"Call back"}"#);
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
    let before = rex.snapshot();
    let r = served.send(
        "PATCH",
        &path,
        Some(""),
        Some(r#"{"subject":"Lost"}"#),
        &[("If-Match", &tag)],
    );
    assert_eq!(
        problem(&r),
        (
            412,
            "precondition_failed".into(),
            format!(
                "activity {id} has changed since it was read (its ETag is {}); read it again and resend",
                changed.header("etag").unwrap()
            )
        )
    );
    let r = served.send("DELETE", &path, Some(""), None, &[("If-Match", &tag)]);
    assert_eq!(problem(&r).0, 412);
    assert_eq!(rex.snapshot(), before);
    let fresh = changed.header("etag").unwrap();
    let r = served.send(
        "PATCH",
        &path,
        Some(""),
        Some(r#"{"subject":"Call at 3"}"#),
        &[("If-Match", fresh)],
    );
    assert_eq!((r.status, &r.json()["subject"]), (200, &json!("Call at 3")));
    let r = served.send(
        "DELETE",
        &path,
        Some(""),
        None,
        &[("If-Match", r.header("etag").unwrap())],
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));
    assert_eq!(
        problem(&served.get(&path, "")),
        (404, "not_found".into(), format!("no activity with id {id}"))
    );
    assert_eq!(
        history(&rex, &deal).last().unwrap(),
        &(
            "activity_deleted".to_string(),
            json!({"activity_id": id, "type": "task", "subject": "Call at 3",
                "due_date": "2026-03-02", "due_time": null, "done": false})
        )
    );
    assert_eq!(
        served.get(&format!("/deals/{deal}"), "").json()["next_activity"],
        Value::Null
    );
}

#[test]
fn done_and_undo_answer_the_activity_and_completing_one_reopens_a_stalled_deal() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales", "--stall-days", "10"]);
    let deal = rex.id(&["deal", "create", "Acme", "--value", "100", "--owner", "ana"]);
    rex.at("2026-03-20T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    assert_eq!(rex.json(&["deal", "show", &deal])["status"], "stalled");
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let id = id_of(&schedule(
        &served,
        "",
        &deal,
        r#"{"subject":"Call","note":"first"}"#,
    ));
    let path = format!("/activities/{id}/done");
    let r = served.post(&path, "", r#"{"note":"went well"}"#);
    assert_eq!(r.status, 200, "{r:?}");
    let done = r.json();
    assert_eq!(
        (
            &done["done"],
            &done["done_at"],
            &done["note"],
            &done["updated_at"]
        ),
        (
            &json!(true),
            &json!("2026-03-20T09:00:00Z"),
            &json!("first\nwent well"),
            &json!("2026-03-20T09:00:00Z")
        )
    );
    assert_eq!(served.get(&format!("/activities/{id}"), "").json(), done);
    let d = served.get(&format!("/deals/{deal}"), "").json();
    assert_eq!(
        (&d["status"], &d["last_activity_at"], &d["next_activity"]),
        (&json!("open"), &json!("2026-03-20T09:00:00Z"), &Value::Null)
    );
    // Done again: answered as it is, the note not added twice.
    let again = served.send("POST", &path, Some(""), None, &[]);
    assert_eq!((again.status, again.json()), (200, done.clone()));
    let undone = served.send(
        "POST",
        &format!("/activities/{id}/undo"),
        Some(""),
        None,
        &[],
    );
    assert_eq!(undone.status, 200, "{undone:?}");
    let undone = undone.json();
    assert_eq!(
        (&undone["done"], &undone["done_at"], &undone["note"]),
        (&json!(false), &Value::Null, &json!("first\nwent well"))
    );
    let kinds: Vec<String> = history(&rex, &deal).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "stalled",
            "activity_scheduled",
            "activity_done",
            "unstalled",
            "activity_undone"
        ]
    );
    let r = served.post(&path, "", r#"{"note":"   "}"#);
    assert_eq!(
        problem(&r),
        (
            422,
            "invalid".into(),
            "the note is empty; give some text".into()
        )
    );
    assert_eq!(r.json()["errors"][0]["field"], "note");
    let r = served.post(&path, "", r#"{"text":"x"}"#);
    assert_eq!(problem(&r).0, 422);
    // Was: /undo took any body, not JSON or a note it then dropped, and undid the activity.
    let undo = format!("/activities/{id}/undo");
    served.post(&path, "", "");
    let before = served.get(&format!("/activities/{id}"), "").json();
    assert_eq!(problem(&served.post(&undo, "", "garbage")).0, 400);
    let r = served.post(&undo, "", r#"{"note":"x"}"#);
    assert_eq!(
        (
            problem(&r).0,
            problem(&r).2.starts_with("unknown field 'note'")
        ),
        (422, true),
        "{r:?}"
    );
    assert_eq!(problem(&served.post(&undo, "", "[]")).0, 400);
    assert_eq!(served.get(&format!("/activities/{id}"), "").json(), before);
    let r = served.post(&undo, "", "{}");
    assert_eq!((r.status, &r.json()["done"]), (200, &json!(false)), "{r:?}");
}

#[test]
fn an_idempotency_key_makes_a_retried_schedule_schedule_one_activity() {
    let (rex, served, deal) = served();
    let path = format!("/deals/{deal}/activities");
    let body = r#"{"subject":"Call"}"#;
    let key = [("Idempotency-Key", "form-7")];
    let first = served.send("POST", &path, Some(""), Some(body), &key);
    assert_eq!(first.status, 201, "{first:?}");
    let again = served.send("POST", &path, Some(""), Some(body), &key);
    assert_eq!(
        (
            again.status,
            &again.body,
            again.header("location"),
            again.header("etag")
        ),
        (
            201,
            &first.body,
            first.header("location"),
            first.header("etag")
        )
    );
    let other = served.send(
        "POST",
        &path,
        Some(""),
        Some(r#"{"subject":"Other"}"#),
        &key,
    );
    assert_eq!(
        problem(&other).2,
        "this Idempotency-Key was used for another request; send a new key for a new request"
    );
    assert_eq!(data(&served.get(&path, "")).len(), 1);
    let scheduled = history(&rex, &deal)
        .iter()
        .filter(|(k, _)| k == "activity_scheduled")
        .count();
    assert_eq!(scheduled, 1);
}

#[test]
fn a_bad_body_is_refused_naming_its_field_and_changes_nothing() {
    let (rex, served, deal) = served();
    let path = format!("/deals/{deal}/activities");
    let before = rex.snapshot();
    for (body, field, message) in [
        (r#"{"type":"call"}"#, "subject", "subject is required"),
        (r#"{"subject":" "}"#, "subject", "the subject is empty; give some text"),
        (r#"{"subject":"a","type":"visit"}"#, "type", "type 'visit' is not an activity type; use one of call, meeting, email, task, deadline, lunch"),
        (r#"{"subject":"a","due_date":"2026-02-30"}"#, "due_date", "due_date must be a date like 2026-03-31"),
        (r#"{"subject":"a","due_time":"24:00"}"#, "due_time", "due_time '24:00' is not a time; use HH:MM on a 24-hour clock, like 14:00"),
        (r#"{"subject":"a","duration_minutes":10081}"#, "duration_minutes", "duration_minutes is a whole number of minutes from 1 to 10080 (a week)"),
        (r#"{"subject":"a","duration_minutes":1.5}"#, "duration_minutes", "duration_minutes must be a whole number of minutes from 1 to 10080 (a week)"),
        (r#"{"subject":"a","owner_id":""}"#, "owner_id", "the owner is empty; give some text"),
        (r#"{"subject":"a","note":"x\u0000"}"#, "note", "the note contains the control character U+0000; use printable text"),
    ] {
        let r = served.post(&path, "", body);
        assert_eq!(problem(&r), (422, "invalid".into(), message.into()), "{body}");
        assert_eq!(r.json()["errors"][0]["field"], field, "{body}");
    }
    let r = served.post(&path, "", r#"{"subject":"a","when":"soon"}"#);
    assert!(problem(&r).2.starts_with("unknown field 'when'"), "{r:?}");
    assert_eq!(problem(&served.post(&path, "", r#"{"subject":"a""#)).0, 400);
    assert_eq!(rex.snapshot(), before);
}

#[test]
fn a_path_that_names_no_activity_or_deal_is_404() {
    let (_rex, served, _) = served();
    let nobody = "activity_01h455vb4pex5vsknk084sn02q";
    for (method, path) in [
        ("GET", format!("/activities/{nobody}")),
        ("PATCH", format!("/activities/{nobody}")),
        ("DELETE", format!("/activities/{nobody}")),
        ("POST", format!("/activities/{nobody}/done")),
        ("POST", format!("/activities/{nobody}/undo")),
    ] {
        let body = (method == "PATCH").then_some("{}");
        let r = served.send(method, &path, Some(""), body, &[]);
        assert_eq!(
            problem(&r),
            (
                404,
                "not_found".into(),
                format!("no activity with id {nobody}")
            ),
            "{method} {path}"
        );
    }
    let r = served.get("/activities/Call", "");
    assert_eq!(
        problem(&r),
        (
            404,
            "not_found".into(),
            "no activity with id Call; an activity id looks like activity_01h…".into()
        )
    );
    let deal = "deal_01h455vb4pex5vsknk084sn02q";
    assert_eq!(
        problem(&served.get(&format!("/deals/{deal}/activities"), "")).0,
        404
    );
    let r = served.post(
        &format!("/deals/{deal}/activities"),
        "",
        r#"{"subject":"a"}"#,
    );
    assert_eq!(
        problem(&r),
        (404, "not_found".into(), format!("no deal with id {deal}"))
    );
}

#[test]
fn a_reader_only_reads_and_a_member_works_only_on_its_owners_deals() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let ana = rex.id(&["deal", "create", "Ana's", "--value", "10", "--owner", "ana"]);
    let bo = rex.id(&["deal", "create", "Bo's", "--value", "20", "--owner", "bo"]);
    let served = Served::start(&rex, &["--quiet"]);
    let admin = token(&rex, "ops", "admin", None);
    let reader = token(&rex, "dash", "reader", None);
    let member = token(&rex, "ana-laptop", "member", Some("ana"));
    let on_bo = id_of(&schedule(
        &served,
        &admin,
        &bo,
        r#"{"subject":"Bo's call","due_date":"2026-03-03"}"#,
    ));
    let for_ana = id_of(&schedule(
        &served,
        &admin,
        &bo,
        r#"{"subject":"Ana helps","owner_id":"ana","due_date":"2026-03-04"}"#,
    ));
    // A member's own list: its owner's pending activities, on whoever's deal.
    let mine = schedule(
        &served,
        &member,
        &ana,
        r#"{"subject":"My call","due_date":"2026-03-05"}"#,
    );
    assert_eq!(mine["owner_id"], "ana");
    assert_eq!(
        subjects(&served.get("/activities", &member)),
        ["Ana helps", "My call"]
    );
    assert_eq!(
        subjects(&served.get("/activities", &reader)),
        ["Bo's call", "Ana helps", "My call"]
    );
    assert_eq!(
        subjects(&served.get("/activities?all=true", &member)).len(),
        3
    );
    let before = rex.snapshot();
    let writes = |tok: &str| -> Vec<Reply> {
        vec![
            served.post(
                &format!("/deals/{bo}/activities"),
                tok,
                r#"{"subject":"x"}"#,
            ),
            served.patch(&format!("/activities/{on_bo}"), tok, r#"{"subject":"x"}"#),
            served.patch(&format!("/activities/{for_ana}"), tok, r#"{"subject":"x"}"#),
            served.delete(&format!("/activities/{on_bo}"), tok),
            served.post(&format!("/activities/{for_ana}/done"), tok, "{}"),
            served.send(
                "POST",
                &format!("/activities/{on_bo}/undo"),
                Some(tok),
                None,
                &[],
            ),
        ]
    };
    for r in writes(&reader) {
        assert_eq!(
            problem(&r),
            (
                403,
                "forbidden".into(),
                "token dash is a reader: it may only read (GET)".into()
            )
        );
    }
    for r in writes(&member) {
        assert_eq!(
            problem(&r),
            (
                403,
                "forbidden".into(),
                format!(
                    "deal {bo} belongs to bo; member token ana-laptop changes only ana's deals"
                )
            )
        );
    }
    let r = served.post(
        &format!("/deals/{ana}/activities"),
        &member,
        r#"{"subject":"x","owner_id":"bo"}"#,
    );
    assert_eq!(
        problem(&r),
        (403, "forbidden".into(), "member token ana-laptop schedules activities for ana only; leave owner_id out or send its own".into())
    );
    let r = served.patch(
        &format!("/activities/{}", id_of(&mine)),
        &member,
        r#"{"owner_id":null}"#,
    );
    assert_eq!(
        problem(&r),
        (
            403,
            "forbidden".into(),
            "member token ana-laptop cannot give an activity to another owner".into()
        )
    );
    assert_eq!(rex.snapshot(), before);
    let r = served.post(&format!("/activities/{}/done", id_of(&mine)), &member, "");
    assert_eq!((r.status, &r.json()["done"]), (200, &json!(true)));
    // Owners match ignoring case, for a member token as for --owner and GET /today: a deal
    // of ANA is ana's, and so is an activity given to ANA.
    let upper = rex.id(&["deal", "create", "Upper", "--value", "1", "--owner", "ANA"]);
    let r = served.post(
        &format!("/deals/{upper}/activities"),
        &member,
        r#"{"subject":"Spelled","owner_id":"ANA"}"#,
    );
    assert_eq!(
        (r.status, &r.json()["owner_id"]),
        (201, &json!("ANA")),
        "{r:?}"
    );
    let r = served.patch(
        &format!("/activities/{}", id_of(&r.json())),
        &member,
        r#"{"owner_id":"Ana"}"#,
    );
    assert_eq!(
        (r.status, &r.json()["owner_id"]),
        (200, &json!("Ana")),
        "{r:?}"
    );
    let r = served.patch(
        &format!("/activities/{on_bo}"),
        &admin,
        r#"{"subject":"Bo's call back"}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        served
            .delete(&format!("/activities/{on_bo}"), &admin)
            .status,
        204
    );
}
