//! The README's command blocks, run as a newcomer would: in the order written, on a fresh
//! home directory (so rex's own default database), with `rex` on `PATH`.
//!
//! Once the README's first command created "Sales Pipeline" and the tour's first line then
//! failed (exit 4); the team section exported the server into itself when `REX_DB` already
//! named it. Every ```sh and ```cron block runs here, so a step that fails as written fails
//! this test, naming its README line.
//!
//! What a test cannot do as written is rewritten, and only that (see `rewrite`): `cargo
//! run --release --` is the `rex` under test, `cargo test` and `cargo install` are not run
//! (the suite is running; rex is on `PATH`), `sudo -u postgres psql` is psql as the
//! superuser of a throwaway PostgreSQL cluster, `db.example.com:5432` is that cluster, and a
//! crontab line runs its command now. Files the README imports as if the reader had them
//! (another CRM's export, `leads.csv`) are small made-up ones written beforehand.
//! The team blocks need PostgreSQL: without it they are left out (the suite's PostgreSQL
//! test already says in one line that PostgreSQL is skipped), unless `REX_REQUIRE_POSTGRES`
//! makes that a failure.

use std::path::Path;
use std::process::Command;

use crate::server::{Cluster, REQUIRE_VAR, SERVER_VAR};

/// A fenced block: its language, the README line of its first command, its text.
struct Block {
    lang: String,
    line: usize,
    text: String,
    team: bool,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    let mut section = String::new();
    for (i, line) in readme.lines().enumerate() {
        if let Some(b) = open.as_mut() {
            if line.starts_with("```") {
                out.push(open.take().unwrap());
            } else {
                b.text.push_str(line);
                b.text.push('\n');
            }
        } else if let Some(lang) = line.strip_prefix("```") {
            open = Some(Block {
                lang: lang.trim().to_string(),
                line: i + 2,
                text: String::new(),
                team: section == "Team mode",
            });
        } else if let Some(h) = line.strip_prefix("## ") {
            section = h.trim().to_string();
        }
    }
    assert!(
        open.is_none(),
        "README.md has a fenced block that is never closed"
    );
    out
}

/// One README line as the test runs it (see the module's comment), or None to leave it out.
fn rewrite(lang: &str, line: &str, server: Option<(&str, u16)>) -> Option<String> {
    let mut line = line.to_string();
    if lang == "cron" {
        // minute hour day month weekday, then the command; `%` is escaped for cron only
        let command: Vec<&str> = line.splitn(6, char::is_whitespace).collect();
        line = command.last()?.trim_start().replace("\\%", "%");
    }
    if line.starts_with("cargo test") || line.starts_with("cargo install") {
        return None;
    }
    line = line.replace("cargo run --release --", "rex");
    if let Some((admin, port)) = server {
        line = line
            .replace("sudo -u postgres psql", &format!("psql '{admin}'"))
            .replace("db.example.com:5432", &format!("127.0.0.1:{port}"));
    }
    Some(line)
}

/// Files the README's commands read as if the reader had them.
const FIXTURES: &[(&str, &str)] = &[
    (
        "leads.csv",
        "name,value_dollars,owner_id,pipeline_id\nHooli Cloud Credits,\"$9,000\",ben,Sales Pipeline\n",
    ),
    (
        "changes.jsonl",
        "{\"name\":\"Wayne Enterprises Fleet\",\"value\":6400000,\"pipeline_id\":\"Sales Pipeline\"}\n",
    ),
    (
        "report.csv",
        "\"Opportunity Owner\",\"Account Name\",\"Opportunity Name\",\"Stage\",\"Amount Currency\",\"Amount\",\"Close Date\"\n\
         \"Ana Rep\",\"Acme\",\"Acme - 500 seats\",\"Proposal/Price Quote\",\"USD\",\"48,000.00\",\"6/30/2026\"\n\
         \"Bo Rep\",\"Globex\",\"Globex expansion\",\"Closed Won\",\"USD\",\"1,250.50\",\"5/4/2026\"\n",
    ),
    (
        "sales.csv",
        "Opportunity,Amount (USD),deal_stage,Region\nInitech Seats,\"30,000.00\",Proposal,EMEA\nSoylent Catering,7500,Won,US\nDunder Mifflin Paper,4200,Lost,US\n",
    ),
    (
        "pipedrive-deals.csv",
        "Deal - ID,Deal - Title,Deal - Owner,Deal - Value,Deal - Currency of Value,Deal - Pipeline,Deal - Stage,Deal - Status\n\
         101,Umbrella Corp renewal,Ana Seller,22000,USD,Sales Pipeline,Proposal,Open\n",
    ),
];

#[test]
fn every_command_block_of_the_readme_runs_as_written_in_order() {
    if std::env::var_os(SERVER_VAR).is_some() {
        return; // the README's steps choose their databases themselves: run once, on SQLite
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = blocks(&readme);
    let cluster = match Cluster::start() {
        Ok(c) => Some(c),
        Err(why) if std::env::var_os(REQUIRE_VAR).is_some() => {
            panic!("{REQUIRE_VAR} is set, but the README's team blocks cannot run: {why}")
        }
        Err(_) => None,
    };
    let admin = cluster
        .as_ref()
        .map(|c| (c.admin_url().replace("?sslmode=disable", ""), c.port));

    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let work = dir.path().join("work");
    let bin = dir.path().join("bin");
    for d in [&home, &work, &bin] {
        std::fs::create_dir(d).unwrap();
    }
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("rex"), bin.join("rex")).unwrap();
    std::os::unix::fs::symlink(root.join("man"), work.join("man")).unwrap();
    for (name, text) in FIXTURES {
        std::fs::write(work.join(name), text).unwrap();
    }

    let mut script = String::from(
        "set -eEuo pipefail\ntrap 'echo \"README.md line $RL failed: $BASH_COMMAND\" >&2' ERR\n",
    );
    let (mut ran, mut team) = (0, 0);
    for b in &blocks {
        if b.lang != "sh" && b.lang != "cron" {
            continue;
        }
        let server = match (&admin, b.team) {
            (_, false) => None,
            (Some((url, port)), true) => Some((url.as_str(), *port)),
            (None, true) => continue,
        };
        let mut heredoc: Option<String> = None;
        let mut continued = false;
        for (line_no, line) in (b.line..).zip(b.text.lines()) {
            if heredoc.is_none() && !continued {
                script.push_str(&format!("RL={line_no}\n"));
            }
            let code = line.split(" #").next().unwrap_or("").trim_end();
            continued = code.ends_with('\\') || code.ends_with('|') || code.ends_with("&&");
            if let Some(end) = &heredoc {
                if line.trim() == end {
                    heredoc = None;
                }
                script.push_str(line);
                script.push('\n');
            } else if let Some(l) = rewrite(&b.lang, line, server) {
                if let Some(tag) = l.split("<<'").nth(1) {
                    heredoc = Some(tag.trim_end_matches('\'').to_string());
                }
                script.push_str(&l);
                script.push('\n');
            }
        }
        ran += 1;
        team += usize::from(b.team);
    }
    assert!(
        ran >= 10,
        "only {ran} README blocks found: did the parser break?"
    );
    assert!(
        admin.is_none() || team >= 4,
        "the team section has {team} blocks: did the parser break?"
    );

    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(&script)
        .current_dir(&work)
        .env_clear()
        .env("HOME", &home)
        .env("PATH", path)
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .env("USER", "newcomer")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a README block failed ({}):\n{}\n--- stdout (tail) ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        tail(&String::from_utf8_lossy(&out.stdout), 30)
    );

    // What the blocks did, checked through rex's own output: the tour's deal was won, and
    // on the team server the personal file arrived whole.
    let rex = |db: &str, args: &[&str]| {
        let out = Command::new(assert_cmd::cargo::cargo_bin("rex"))
            .args(["--db", db])
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let file = home.join(".local/share/rex/rex.db");
    let won = rex(
        file.to_str().unwrap(),
        &[
            "deal", "list", "--status", "won", "--fields", "name", "-o", "tsv",
        ],
    );
    assert!(won.contains("Acme Corp - Enterprise Plan\n"), "{won}");
    if let Some((url, port)) = &admin {
        let team = url
            .replace("postgres@", "ana@")
            .replace(&format!(":{port}/postgres"), &format!(":{port}/crm"));
        assert_eq!(
            rex(&team, &["export"]),
            rex(file.to_str().unwrap(), &["export"]),
            "the team server's export is the personal file's"
        );
    }
}

fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
