//! A throwaway PostgreSQL server for the suite, and the test that runs the whole suite on it.
//!
//! `cargo test` runs every test on SQLite. Then `the_whole_suite_passes_on_postgresql`
//! starts a PostgreSQL cluster in a temp directory (with `initdb` and `pg_ctl`, found under
//! `/usr/lib/postgresql/*/bin` or on `PATH`), runs this test binary again with
//! `REX_TEST_POSTGRES` set to the server's URL, where every `Rex::new()` gets a database of
//! its own on it, and removes the cluster afterwards. Without PostgreSQL the test prints
//! one line saying it was skipped; `REX_REQUIRE_POSTGRES=1` (set by `.ci/run`) makes that
//! a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::support::succeeded_for;

/// The admin URL of the server the suite runs on, in the child run.
pub const SERVER_VAR: &str = "REX_TEST_POSTGRES";

/// Set where PostgreSQL must be tested: a missing server is then a failure, not a skip.
pub const REQUIRE_VAR: &str = "REX_REQUIRE_POSTGRES";

/// The module of tests about SQLite itself (its file, its locks, its staged imports, its
/// backups), which the PostgreSQL run leaves out by this path; `team::` has PostgreSQL's
/// own versions of them.
pub const SQLITE_ONLY: &str = "sqlite_only::";

/// A new, empty database on the suite's server, as a URL; None when the suite runs on
/// SQLite.
pub fn new_database() -> Option<String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let admin = std::env::var(SERVER_VAR).ok()?;
    let name = format!(
        "rex_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot reach the test server {admin}: {e}"));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    Some(with_database(&admin, &name))
}

/// Drops a test database (best effort: the cluster goes at the end anyway).
pub fn drop_database(url: &str) {
    let (Ok(admin), Some(name)) = (std::env::var(SERVER_VAR), database_of(url)) else {
        return;
    };
    if let Ok(mut client) = postgres::Client::connect(&admin, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    }
}

pub fn database_of(url: &str) -> Option<String> {
    let base = url.split_once('?').map_or(url, |(b, _)| b);
    base.rsplit_once('/').map(|(_, db)| db.to_string())
}

/// Where `initdb` and `pg_ctl` are, if anywhere.
fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .collect();
    found.sort_by_key(|b| {
        b.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        })
    })
}

/// A PostgreSQL cluster in a temp directory, listening on a free port of 127.0.0.1 with
/// TLS (a self-signed certificate for `localhost`), stopped and removed when dropped.
pub struct Cluster {
    dir: TempDir,
    bin: PathBuf,
    pub port: u16,
    /// `postgres` (the server refuses to run as root) when the tests run as root.
    user: Option<String>,
}

impl Cluster {
    pub fn start() -> Result<Cluster, String> {
        let bin = postgres_bin()
            .ok_or("no initdb and pg_ctl (install PostgreSQL: apt-get install -y postgresql)")?;
        let root = unsafe { libc::geteuid() } == 0;
        let user = root.then(|| "postgres".to_string());
        let dir = tempfile::Builder::new()
            .prefix("rex-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let cluster = Cluster {
            dir,
            bin,
            port: free_port()?,
            user,
        };
        if let Some(u) = &cluster.user {
            let ok = Command::new("chown")
                .args(["-R", &format!("{u}:"), cluster.dir.path().to_str().unwrap()])
                .status()
                .map_err(|e| e.to_string())?
                .success();
            if !ok {
                return Err(format!("cannot give the cluster's directory to user {u}"));
            }
        }
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
        )?;
        let tls = cluster.make_certificate();
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             fsync = off\nmax_connections = 300\n\
             ssl = {}\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
            cluster.port,
            cluster.dir.path().display(),
            if tls { "on" } else { "off" }
        );
        append(&data.join("postgresql.conf"), &conf)?;
        // A role that must give its password (for PGPASSWORD and ~/.pgpass); everyone else
        // is trusted.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhost all ana_pw 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n",
        )
        .map_err(|e| e.to_string())?;
        cluster.start_server()?;
        let mut admin = postgres::Client::connect(&cluster.admin_url(), postgres::NoTls)
            .map_err(|e| format!("the test server does not answer: {e}"))?;
        admin
            .batch_execute("CREATE ROLE ana_pw LOGIN SUPERUSER PASSWORD 'pw-s3cret'")
            .map_err(|e| e.to_string())?;
        Ok(cluster)
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The superuser's URL, without TLS.
    pub fn admin_url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    /// The self-signed certificate the server presents, when it has one.
    pub fn certificate(&self) -> Option<PathBuf> {
        let cert = self.dir.path().join("ca.crt");
        cert.is_file().then_some(cert)
    }

    pub fn start_server(&self) -> Result<(), String> {
        let data = self.data();
        let log = self.dir.path().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    /// Stops the server at once (like a crash: connections are cut).
    pub fn stop_server(&self) -> Result<(), String> {
        let data = self.data();
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        )
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(program);
        let mut cmd = match &self.user {
            Some(u) => {
                let mut c = Command::new("setpriv");
                c.args([
                    &format!("--reuid={u}"),
                    &format!("--regid={u}"),
                    "--init-groups",
                ])
                .arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd
            .args(args)
            .env_remove("PGDATA")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// A self-signed certificate for `localhost` and 127.0.0.1, made with openssl; false
    /// (and the server without TLS) where openssl is missing.
    fn make_certificate(&self) -> bool {
        let data = self.data();
        let made = self_signed(
            &data.join("server.key"),
            &data.join("server.crt"),
            "localhost",
        );
        if !made {
            return false;
        }
        let _ = std::fs::copy(data.join("server.crt"), self.dir.path().join("ca.crt"));
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            data.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        );
        if let Some(u) = &self.user {
            let _ = Command::new("chown")
                .arg(format!("{u}:"))
                .arg(data.join("server.key"))
                .arg(data.join("server.crt"))
                .status();
        }
        true
    }
}

/// Makes a self-signed certificate for `name` (and 127.0.0.1) with openssl; false where
/// openssl is missing or fails.
pub fn self_signed(key: &Path, cert: &Path, name: &str) -> bool {
    Command::new("openssl")
        .args(["req", "-new", "-x509", "-days", "2", "-nodes"])
        .args(["-subj", &format!("/CN={name}")])
        .args([
            "-addext",
            &format!("subjectAltName=DNS:{name},IP:127.0.0.1"),
        ])
        .args(["-newkey", "rsa:2048", "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.stop_server();
    }
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// The cluster for this run, or None after saying in one line why PostgreSQL is skipped
/// (a failure when `REX_REQUIRE_POSTGRES` is set).
pub fn cluster_or_skip(test: &str) -> Option<Cluster> {
    if std::env::var_os(SERVER_VAR).is_some() {
        return None; // the child run: the runner owns the server
    }
    match Cluster::start() {
        Ok(c) => Some(c),
        Err(why) if std::env::var_os(REQUIRE_VAR).is_none() => {
            crate::support::skipped(&format!(
                "{test} and every PostgreSQL test: {why}; set {REQUIRE_VAR}=1 to make this a failure"
            ));
            None
        }
        Err(why) => panic!("{REQUIRE_VAR} is set, but PostgreSQL cannot be tested: {why}"),
    }
}

/// Every test of this suite but the SQLite-only ones, run again on a PostgreSQL server;
/// then the tests that stop and start that server.
#[test]
fn the_whole_suite_passes_on_postgresql() {
    let Some(cluster) = cluster_or_skip("the_whole_suite_passes_on_postgresql") else {
        return;
    };
    let started = Instant::now();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    // Every test but the SQLite-only ones and this one, which only starts the run.
    cmd.arg("--include-ignored")
        .args(["--skip", SQLITE_ONLY, "--skip", "server::"]);
    let out = cmd
        .env(SERVER_VAR, cluster.admin_url())
        .env(
            "REX_TEST_PG_CERT",
            cluster.certificate().unwrap_or_default(),
        )
        .env("REX_TEST_PG_PORT", cluster.port.to_string())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout
        .lines()
        .rfind(|l| l.starts_with("test result:"))
        .unwrap_or("no summary");
    {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "on PostgreSQL: {summary} ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    succeeded_for(
        &out,
        &format!("the suite failed on PostgreSQL:\n{stdout}\n"),
    );
    crate::team::server_restarts(&cluster);
}

/// Waits until `f` holds, for at most `limit`.
pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    f()
}
