//! `rex serve`: the HTTP API, spoken to with a real client on a free port, on whichever
//! backend the suite runs on.

mod activities;
mod deals;
mod openapi;
mod pipelines;
mod reports;
mod security;
mod server;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::support::Rex;

/// A `rex serve` running on this rex's database, on a free port of the loopback address.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// What it said on stderr after its first line.
    log: Arc<Mutex<Vec<String>>>,
    agent: ureq::Agent,
}

/// An answer: its status, headers and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Served {
    /// Starts `rex serve --listen 127.0.0.1:0` with `args`, and waits for its first line.
    pub fn start(rex: &Rex, args: &[&str]) -> Served {
        let mut child = rex
            .std_cmd()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start rex serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines
            .next()
            .and_then(|l| l.ok())
            .unwrap_or_else(|| panic!("rex serve said nothing: {:?}", child.wait()));
        let base = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("rex serve's first line: {first}"))
            .to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Served {
            child,
            base,
            log,
            agent,
        }
    }

    /// Sends `method path` with the token (if any), a JSON body (if any) and more headers.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if body.is_some() {
            req = req.header("Content-Type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(body.unwrap_or("").as_bytes().to_vec())
            .expect("a request");
        // A kept-alive connection the server closed after its last answer (as it may, after
        // a body it did not read) fails at once: sent again on a new one, as clients do.
        let mut res = match self.agent.run(req.clone()) {
            Err(ureq::Error::Io(_)) => self.agent.run(req),
            other => other,
        }
        .expect("an answer");
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = res.body_mut().read_to_string().unwrap_or_default();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.send("GET", path, Some(token), None, &[])
    }

    pub fn post(&self, path: &str, token: &str, body: &str) -> Reply {
        self.send("POST", path, Some(token), Some(body), &[])
    }

    pub fn patch(&self, path: &str, token: &str, body: &str) -> Reply {
        self.send("PATCH", path, Some(token), Some(body), &[])
    }

    pub fn delete(&self, path: &str, token: &str) -> Reply {
        self.send("DELETE", path, Some(token), None, &[])
    }

    /// POSTs a JSON body, or None when the server no longer answers.
    pub fn try_post(&self, path: &str, body: &str) -> Option<Reply> {
        let req = ureq::http::Request::builder()
            .method("POST")
            .uri(format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .body(body.as_bytes().to_vec())
            .ok()?;
        let mut res = self.agent.run(req).ok()?;
        let status = res.status().as_u16();
        let body = res.body_mut().read_to_string().ok()?;
        Some(Reply {
            status,
            headers: Vec::new(),
            body,
        })
    }

    /// Sends a signal to the server.
    pub fn signal(&self, signal: i32) {
        unsafe {
            libc::kill(self.child.id() as i32, signal);
        }
    }

    /// Waits for the server to exit; its exit code.
    pub fn wait(&self) -> Option<i32> {
        let start = std::time::Instant::now();
        loop {
            if let Ok(Some(s)) = self.child_status() {
                return s.code();
            }
            if start.elapsed() > std::time::Duration::from_secs(20) {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn child_status(&self) -> std::io::Result<Option<std::process::ExitStatus>> {
        // SAFETY: waitpid on our own child, without reaping it twice: try_wait needs &mut.
        let mut status = 0;
        let pid = unsafe { libc::waitpid(self.child.id() as i32, &mut status, libc::WNOHANG) };
        match pid {
            0 => Ok(None),
            p if p < 0 => Err(std::io::Error::last_os_error()),
            _ => Ok(Some(std::os::unix::process::ExitStatusExt::from_raw(
                status,
            ))),
        }
    }

    /// The request lines it logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new token of `role` (for `owner`, if any): its secret.
pub fn token(rex: &Rex, name: &str, role: &str, owner: Option<&str>) -> String {
    let mut args = vec!["token", "create", name, "--role", role];
    if let Some(o) = owner {
        args.extend(["--owner", o]);
    }
    rex.ok(&args).trim().to_string()
}

/// An error answer: its status, `code` and `detail`, after checking it is a problem.
pub fn problem(r: &Reply) -> (u16, String, String) {
    assert_eq!(
        r.header("content-type"),
        Some("application/problem+json"),
        "{r:?}"
    );
    let j = r.json();
    assert_eq!(j["status"], r.status, "{j}");
    (
        r.status,
        j["code"].as_str().unwrap_or_default().to_string(),
        j["detail"].as_str().unwrap_or_default().to_string(),
    )
}
