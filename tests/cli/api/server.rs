//! `rex serve` itself: where it listens, what it logs, its limits, and how it stops.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::{problem, Served};
use crate::support::Rex;

fn sales() -> Rex {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    rex
}

#[test]
fn a_reachable_address_needs_tls_and_open_needs_loopback() {
    let rex = sales();
    assert_eq!(
        rex.fails(&["serve", "--listen", "0.0.0.0:0"], 2),
        "rex: 0.0.0.0:0 is reachable from other machines: give --tls-cert and --tls-key, or --insecure-http when a reverse proxy terminates TLS"
    );
    assert_eq!(
        rex.fails(&["serve", "--listen", "0.0.0.0:0", "--insecure-http", "--open"], 2),
        "rex: --open serves without tokens, so only on a loopback address (127.0.0.1 or ::1), not 0.0.0.0:0; create tokens with rex token create"
    );
    assert_eq!(
        rex.fails(&["serve", "--listen", "nowhere"], 2),
        "rex: --listen 'nowhere' is not an address and port; write it like 127.0.0.1:7272 or 0.0.0.0:8080"
    );
}

#[test]
fn cors_takes_an_origin_and_nothing_else() {
    let rex = sales();
    for bad in [
        "https://a.example/path",
        "https://a.example,https://b.example",
        "a.example",
    ] {
        assert_eq!(
            rex.fails(&["serve", "--open", "--cors", bad], 2),
            format!("rex: --cors '{bad}' is not an origin; write it like https://app.example.com")
        );
    }
}

#[test]
fn serve_refuses_a_database_that_does_not_exist() {
    let rex = Rex::without_database();
    let out = rex.run(&["serve", "--open"]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "rex: no database at {} (check --db/REX_DB; rex pipeline create NAME creates one)\n",
            rex.db.display()
        )
    );
}

#[test]
fn each_request_is_one_log_line_without_its_query_and_quiet_turns_them_off() {
    let rex = sales();
    let served = Served::start(&rex, &["--open"]);
    assert_eq!(served.get("/deals?search=secret-customer", "").status, 200);
    assert_eq!(served.get("/nowhere", "").status, 404);
    let log = wait_for_lines(&served, 2);
    let shape = |line: &str| -> Vec<String> {
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(words.len(), 6, "{line}");
        assert!(
            chrono::DateTime::parse_from_rfc3339(words[0]).is_ok(),
            "{line}"
        );
        assert!(
            words[4].ends_with("ms") && words[4].trim_end_matches("ms").parse::<u64>().is_ok(),
            "{line}"
        );
        vec![
            words[1].into(),
            words[2].into(),
            words[3].into(),
            words[5].into(),
        ]
    };
    assert_eq!(shape(&log[0]), ["GET", "/deals", "200", "open"]);
    assert_eq!(shape(&log[1]), ["GET", "/nowhere", "404", "open"]);
    assert!(!log.concat().contains("secret"), "{log:?}");
    let quiet = Served::start(&rex, &["--open", "--quiet"]);
    assert_eq!(quiet.get("/deals", "").status, 200);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(quiet.log(), Vec::<String>::new());
}

fn wait_for_lines(served: &Served, n: usize) -> Vec<String> {
    let start = Instant::now();
    while served.log().len() < n && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    served.log()
}

#[test]
fn a_body_over_the_limit_is_413_and_an_unknown_method_405_as_problems() {
    let rex = sales();
    let served = Served::start(&rex, &["--open", "--quiet", "--max-body", "100"]);
    let big = format!(r#"{{"name":"{}","value":1}}"#, "a".repeat(200));
    let addr = served.base.trim_start_matches("http://");
    let mut client = TcpStream::connect(addr).unwrap();
    let request = format!(
        "POST /deals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{big}",
        big.len()
    );
    client.write_all(request.as_bytes()).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = [0u8; 4096];
    let n = client.read(&mut answer).unwrap_or(0);
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.ends_with(
            r#""detail":"the body is over 100 bytes (rex serve --max-body)","code":"too_large"}"#
        ),
        "{answer}"
    );
    let r = served.send("PUT", "/deals", Some(""), Some("{}"), &[]);
    assert_eq!(problem(&r).0, 405);
    let r = served.send(
        "POST",
        "/deals",
        Some(""),
        None,
        &[("Content-Type", "text/plain")],
    );
    assert_eq!(problem(&r).0, 415);
    assert_eq!(rex.json(&["deal", "list"]), serde_json::json!([]));
}

#[test]
fn a_client_that_sends_its_headers_too_slowly_is_cut_off() {
    let rex = sales();
    let served = Served::start(&rex, &["--open", "--quiet", "--read-timeout", "1"]);
    let addr = served.base.trim_start_matches("http://");
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /deals HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let start = Instant::now();
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    // Others are served meanwhile and after.
    assert_eq!(served.get("/deals", "").status, 200);
}

#[test]
fn sigterm_lets_requests_in_flight_finish_and_loses_no_acknowledged_write() {
    let rex = sales();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    let acknowledged: Vec<String> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let served = &served;
                s.spawn(move || {
                    let mut ids = Vec::new();
                    for n in 0..200 {
                        let body = format!(r#"{{"name":"W{w} {n}","value":{n}}}"#);
                        let Some(r) = served.try_post("/deals", &body) else {
                            break;
                        };
                        if r.status != 201 {
                            break;
                        }
                        ids.push(r.json()["id"].as_str().unwrap().to_string());
                    }
                    ids
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        served.signal(libc::SIGTERM);
        writers
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(served.wait(), Some(0));
    assert!(!acknowledged.is_empty());
    let listed = rex.json(&["deal", "list"]);
    let stored: std::collections::HashSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    for id in &acknowledged {
        assert!(
            stored.contains(id.as_str()),
            "{id} was acknowledged but is not stored"
        );
    }
}

#[test]
fn cors_answers_the_origin_given_and_no_other() {
    let rex = sales();
    let served = Served::start(
        &rex,
        &["--open", "--quiet", "--cors", "https://app.example.com"],
    );
    let ok = served.send(
        "GET",
        "/deals",
        Some(""),
        None,
        &[("Origin", "https://app.example.com")],
    );
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    let other = served.send(
        "GET",
        "/deals",
        Some(""),
        None,
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(other.header("access-control-allow-origin"), None);
    let plain = Served::start(&rex, &["--open", "--quiet"]);
    let r = plain.send(
        "GET",
        "/deals",
        Some(""),
        None,
        &[("Origin", "https://app.example.com")],
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[test]
fn health_answers_without_a_token() {
    let rex = sales();
    let served = Served::start(&rex, &["--quiet"]);
    let r = served.send("GET", "/health", None, None, &[]);
    assert_eq!(
        (r.status, r.json()),
        (200, serde_json::json!({"status": "ok"}))
    );
}

#[test]
fn with_a_certificate_it_serves_https_and_a_bad_one_is_refused() {
    let rex = sales();
    let missing = rex.dir.path().join("none.pem");
    let missing = missing.to_str().unwrap();
    let line = rex.fails(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            missing,
            "--tls-key",
            missing,
        ],
        2,
    );
    assert!(
        line.starts_with(&format!(
            "rex: cannot use --tls-cert {missing} and --tls-key {missing}: "
        )),
        "{line}"
    );
    let (cert, key) = (
        rex.dir.path().join("cert.pem"),
        rex.dir.path().join("key.pem"),
    );
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        crate::support::skipped("openssl is not installed: the https test needs a certificate");
        return;
    }
    let served = Served::start(
        &rex,
        &[
            "--quiet",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        served.base.starts_with("https://127.0.0.1:"),
        "{}",
        served.base
    );
    // Plain http on the https port is not answered as http.
    let addr = served.base.trim_start_matches("https://");
    let mut plain = TcpStream::connect(addr).unwrap();
    plain
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
}

#[test]
fn a_client_that_sends_its_body_too_slowly_gets_408_and_nothing_is_written() {
    let rex = sales();
    let served = Served::start(&rex, &["--open", "--quiet", "--read-timeout", "1"]);
    let addr = served.base.trim_start_matches("http://");
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(
        b"POST /deals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"name\":",
    )
    .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let start = Instant::now();
    let mut answer = [0u8; 4096];
    let n = slow.read(&mut answer).unwrap_or(0);
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert_eq!(rex.json(&["deal", "list"]), serde_json::json!([]));
}

#[test]
fn on_postgresql_the_server_reconnects_after_its_sessions_are_ended() {
    let rex = sales();
    let (Ok(admin), Some(url)) = (std::env::var(crate::server::SERVER_VAR), rex.url.clone()) else {
        crate::support::skipped("the reconnect test needs the PostgreSQL run");
        return;
    };
    let name = crate::server::database_of(&url).unwrap();
    let served = Served::start(&rex, &["--open", "--quiet"]);
    for _ in 0..4 {
        assert_eq!(served.get("/deals", "").status, 200);
    }
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let ended: i64 = client
        .query_one(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()) t",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert!(ended >= 1, "{ended}");
    for n in 0..4 {
        let r = served.post(
            "/deals",
            "",
            &format!(r#"{{"name":"After {n}","value":1}}"#),
        );
        assert_eq!(r.status, 201, "{r:?}");
    }
    assert_eq!(served.get("/health", "").status, 200);
    assert_eq!(rex.json(&["deal", "list"]).as_array().unwrap().len(), 4);
}

#[test]
fn a_connection_that_sends_nothing_is_closed() {
    let rex = sales();
    let served = Served::start(
        &rex,
        &[
            "--open",
            "--quiet",
            "--read-timeout",
            "1",
            "--request-timeout",
            "1",
        ],
    );
    let addr = served.base.trim_start_matches("http://");
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let start = Instant::now();
    let mut answer = Vec::new();
    let _ = idle.read_to_end(&mut answer);
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(served.get("/health", "").status, 200);
}
