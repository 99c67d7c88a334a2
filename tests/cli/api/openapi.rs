//! `GET /openapi.json`: the document the server serves is the committed `openapi.json`;
//! `REX_UPDATE_GENERATED=1 cargo test generated` rewrites the file.

use serde_json::Value;

use super::Served;
use crate::support::Rex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn generated_openapi_json_is_what_the_server_serves() {
    let rex = Rex::new();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let r = served.get("/openapi.json", "");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let spec = r.json();
    assert_eq!(spec["openapi"], "3.1.0");
    let mut text = serde_json::to_string_pretty(&spec).unwrap();
    text.push('\n');
    let path = std::path::Path::new(ROOT).join("openapi.json");
    if std::env::var_os("REX_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "openapi.json is stale or missing: run REX_UPDATE_GENERATED=1 cargo test generated"
    );
}

#[test]
fn every_path_of_the_spec_is_served_and_needs_a_token_but_health() {
    let rex = Rex::new();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let spec: Value = served.get("/openapi.json", "").json();
    let mut seen = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let concrete = path.replace("{id}", "deal_01h455vb4pex5vsknk084sn02q");
            let r = served.send(&method.to_uppercase(), &concrete, None, None, &[]);
            // Served: whatever it answers, it is not "no such path" or "method not allowed".
            assert!(
                r.status != 405 && !r.body.contains("no such path"),
                "{method} {path}: {r:?}"
            );
            let secured = op["security"] == serde_json::json!([{"bearerAuth": []}]);
            assert_eq!(secured, path != "/health", "{method} {path}");
            seen.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    assert!(seen.contains(&"GET /openapi.json".to_string()), "{seen:?}");
    assert!(seen.contains(&"PATCH /deals/{id}".to_string()), "{seen:?}");
}
