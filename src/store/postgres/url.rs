//! A PostgreSQL connection URL as rex takes it: libpq's URL form, its `sslmode` and
//! `sslrootcert` parameters, and the password from the URL, `PGPASSWORD` or `~/.pgpass`,
//! as psql finds it. The URL is only ever shown without its password.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::Host;

use crate::error::{Error, Result};

/// How the connection is encrypted, as libpq's `sslmode` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never encrypt.
    Disable,
    /// Encrypt when the server can (libpq's default); the certificate is checked only
    /// against an `sslrootcert` that is given.
    Prefer,
    /// Always encrypt; the certificate is checked only against an `sslrootcert` given.
    Require,
    /// Always encrypt, with a certificate signed by `sslrootcert` (or the system's roots).
    VerifyCa,
    /// As `VerifyCa`, and the certificate must name the host.
    VerifyFull,
}

/// A parsed `postgres://` URL.
#[derive(Debug, Clone)]
pub struct ServerUrl {
    pub(super) config: postgres::Config,
    pub(super) ssl: SslMode,
    pub(super) root_cert: Option<PathBuf>,
    shown: String,
}

/// The keywords of libpq's key=value connection strings (PostgreSQL 17's list).
const LIBPQ_KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "require_auth",
    "channel_binding",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslmode",
    "requiressl",
    "sslnegotiation",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslcertmode",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "service",
    "target_session_attrs",
    "load_balance_hosts",
];

/// Other drivers' and tools' connection keywords (Npgsql, ADO.NET, ODBC, libpq's
/// environment), which a key=value string meant for them may hold.
const OTHER_KEYWORDS: &[&str] = &[
    "server",
    "database",
    "username",
    "uid",
    "pwd",
    "pgpassword",
    "pghost",
    "pguser",
    "pgdatabase",
    "pgport",
];

/// How long connecting may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl ServerUrl {
    /// The scheme of `text` when it is a URL (`scheme://…`, `jdbc:postgresql://…`).
    pub fn scheme_of(text: &str) -> Option<&str> {
        let (scheme, _) = text.split_once("://")?;
        let is_scheme = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.:".contains(c));
        is_scheme.then_some(scheme)
    }

    /// The keywords of a key=value connection string (libpq's `host=db user=ana
    /// dbname=crm`, or another driver's `Host=db;Password=…;Database=crm`), in the order
    /// `text` gives them, when it holds any: a word (at the start, or after a space or a
    /// `;`) that is such a keyword in any case, followed by `=`. Their values are never
    /// returned: one of them may be a password.
    pub fn key_value_keywords(text: &str) -> Vec<&'static str> {
        let mut found: Vec<&'static str> = Vec::new();
        let starts = std::iter::once(0).chain(
            text.char_indices()
                .filter(|(_, c)| c.is_whitespace() || *c == ';')
                .map(|(i, c)| i + c.len_utf8()),
        );
        for start in starts {
            let word = &text[start..];
            let name_end = word
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(word.len());
            let name = word[..name_end].to_ascii_lowercase();
            let keyword = LIBPQ_KEYWORDS
                .iter()
                .chain(OTHER_KEYWORDS)
                .find(|k| **k == name)
                .filter(|_| word[name_end..].trim_start().starts_with('='));
            if let Some(k) = keyword.filter(|k| !found.contains(k)) {
                found.push(k);
            }
        }
        found
    }

    /// Whether `text` starts like a server address with a password but no scheme
    /// (`ana:S3cr3t@db/crm`): a `:` and then an `@` before any `/`.
    pub fn has_credentials(text: &str) -> bool {
        let first = text.split('/').next().unwrap_or_default();
        first
            .find(':')
            .is_some_and(|colon| first[colon..].contains('@'))
    }

    /// `text` without a password, in the user part or as a parameter.
    pub fn hide_password(text: &str) -> String {
        let Some((scheme, after)) = text.split_once("://") else {
            return text.to_string();
        };
        let authority_end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (user, rest) = match after[..authority_end].rfind('@') {
            Some(at) => (Some(&after[..at]), &after[at + 1..]),
            None => (None, after),
        };
        let user = match user {
            Some(u) => format!("{}@", u.split_once(':').map_or(u, |(name, _)| name)),
            None => String::new(),
        };
        // Without an `@`, what follows a host's `:` is a port; anything else there may be a
        // password given without its user's `@` (`postgres://ana:S3cr3t/crm`).
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let hosts: Vec<String> = rest[..authority_end]
            .split(',')
            .map(|h| match h.rsplit_once(':') {
                Some((host, port))
                    if !h.ends_with(']') && !port.chars().all(|c| c.is_ascii_digit()) =>
                {
                    format!("{host}:…")
                }
                _ => h.to_string(),
            })
            .collect();
        let rest = format!("{}{}", hosts.join(","), &rest[authority_end..]);
        let rest = rest.as_str();
        let rest = match rest.split_once('?') {
            Some((base, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|kv| {
                        let key = decode(kv.split_once('=').map_or(*kv, |(k, _)| k));
                        !key.to_ascii_lowercase().ends_with("password")
                    })
                    .collect();
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
            None => rest.to_string(),
        };
        format!("{scheme}://{user}{rest}")
    }

    /// Parses a URL given by `source` (`--db` or `REX_DB`).
    pub fn parse(text: &str, source: &str) -> Result<ServerUrl> {
        let shown = ServerUrl::hide_password(text);
        let bad = |why: String| {
            Error::usage(format!(
                "{source} {shown} is not a PostgreSQL URL rex can use ({why}); give one like postgres://user@host:5432/dbname?sslmode=require"
            ))
        };
        // rex reads sslmode and sslrootcert itself: libpq's verify modes and trusted roots.
        let (base, query) = text.split_once('?').unwrap_or((text, ""));
        let mut kept = Vec::new();
        let (mut ssl, mut root_cert) = (SslMode::Prefer, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    ssl = match decode(value).as_str() {
                        "disable" => SslMode::Disable,
                        "prefer" | "allow" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        other => {
                            return Err(bad(format!(
                        "sslmode={other}; use disable, prefer, require, verify-ca or verify-full"
                    )))
                        }
                    }
                }
                "sslrootcert" => root_cert = Some(PathBuf::from(decode(value))),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config = postgres::Config::from_str(&rest).map_err(|e| bad(e.to_string()))?;
        fill_defaults(&mut config);
        Ok(ServerUrl {
            config,
            ssl,
            root_cert,
            shown,
        })
    }

    /// The URL as it may be shown: without its password.
    pub fn shown(&self) -> String {
        self.shown.clone()
    }

    /// The connection settings, with the password from `PGPASSWORD` or the password file
    /// when the URL has none.
    pub(super) fn config(&self) -> postgres::Config {
        let mut config = self.config.clone();
        if config.get_password().is_none() {
            let password = std::env::var("PGPASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
                .or_else(|| password_from_file(&config));
            if let Some(p) = password {
                config.password(p);
            }
        }
        config
    }
}

/// What libpq takes from the environment when the URL leaves it out: the host, port,
/// database and user; rex also names itself to the server and bounds the connect time.
fn fill_defaults(config: &mut postgres::Config) {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        match var("PGHOST") {
            Some(h) if h.starts_with('/') => {
                config.host_path(h);
            }
            Some(h) => {
                config.host(&h);
            }
            None if Path::new("/var/run/postgresql").is_dir() => {
                config.host_path("/var/run/postgresql");
            }
            None => {
                config.host("localhost");
            }
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = var("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        if let Some(user) = var("PGUSER").or_else(login_name) {
            config.user(&user);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(db) = var("PGDATABASE") {
            config.dbname(&db);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.application_name("rex");
}

/// The name of the user running rex.
fn login_name() -> Option<String> {
    if let Some(user) = std::env::var("USER").ok().filter(|u| !u.is_empty()) {
        return Some(user);
    }
    // SAFETY: getpwuid returns a pointer into static storage or null; the name is copied
    // out at once.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// `%XX` escapes of a URL parameter decoded.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password for this connection in `PGPASSFILE` or `~/.pgpass`, as psql reads it: the
/// first line `host:port:database:user:password` that matches (`*` matches anything, `\`
/// escapes `:` and `\`). Like psql, a file that others can read is ignored.
fn password_from_file(config: &postgres::Config) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let path = match std::env::var_os("PGPASSFILE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".pgpass"),
    };
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.permissions().mode() & 0o077 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match config.get_hosts().first()? {
        Host::Tcp(h) => h.clone(),
        Host::Unix(_) => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user()?.to_string();
    let db = config.get_dbname().map_or(user.clone(), str::to_string);
    let wanted = [host, port, db, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() < 5 {
                return None;
            }
            let matches = wanted
                .iter()
                .zip(&fields)
                .all(|(want, field)| field == "*" || field == want);
            matches.then(|| fields[4].clone())
        })
}

/// A password-file line's fields, unescaped; the fifth is the rest of the line.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' => match chars.next() {
                Some(next) => next,
                None => break,
            },
            ':' if fields.len() < 5 => {
                fields.push(String::new());
                continue;
            }
            c => c,
        };
        if let Some(f) = fields.last_mut() {
            f.push(c);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_connection_strings_are_told_from_paths() {
        assert_eq!(
            ServerUrl::key_value_keywords("host=db user=ana password=p dbname=crm user=bo"),
            ["host", "user", "password", "dbname"]
        );
        assert_eq!(
            ServerUrl::key_value_keywords("  sslmode = require"),
            ["sslmode"]
        );
        for path in [
            "rex.db",
            "./host=x.db",
            "/srv/dbname=crm",
            "hosts=1.db",
            "postgres://ana@db/crm?sslmode=require",
            "my host",
        ] {
            assert!(ServerUrl::key_value_keywords(path).is_empty(), "{path}");
        }
    }

    #[test]
    fn password_file_fields_are_split_with_escapes() {
        assert_eq!(
            split_pgpass(r"db.example:5432:*:ana:p\:ss\\w:rd"),
            vec!["db.example", "5432", "*", "ana", r"p:ss\w:rd"]
        );
    }

    #[test]
    fn urls_are_shown_without_passwords_and_read_rex_parameters() {
        assert_eq!(
            ServerUrl::hide_password(
                "postgres://ana:secret@db:5432/crm?password=x&sslmode=require"
            ),
            "postgres://ana@db:5432/crm?sslmode=require"
        );
        let url = ServerUrl::parse(
            "postgresql://ana:secret@db/crm?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem",
            "--db",
        )
        .unwrap();
        assert_eq!(url.ssl, SslMode::VerifyFull);
        assert_eq!(url.root_cert, Some(PathBuf::from("/tmp/ca.pem")));
        assert_eq!(url.config.get_dbname(), Some("crm"));
        let err = ServerUrl::parse("postgres://ana:secret@db/crm?sslmode=sometimes", "--db")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--db postgres://ana@db/crm?sslmode=sometimes is not a PostgreSQL URL rex can use (sslmode=sometimes; use disable, prefer, require, verify-ca or verify-full); give one like postgres://user@host:5432/dbname?sslmode=require"
        );
    }
}
