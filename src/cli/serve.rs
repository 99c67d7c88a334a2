//! `rex serve` (the REST API over HTTP) and `rex token` (who may call it).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `rex serve`'s flags: where it listens, how it is secured, and its limits.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0 picks a free one)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7272")]
    pub listen: String,
    /// TLS certificate chain (PEM); with --tls-key, serves https
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain http on a non-loopback address (a reverse proxy terminates TLS)
    #[arg(long, conflicts_with = "tls_cert")]
    pub insecure_http: bool,
    /// Answer CORS requests from this origin only (like https://app.example.com)
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    /// Serve without tokens, everyone an admin (loopback addresses only)
    #[arg(long)]
    pub open: bool,
    /// The largest request body accepted, in bytes (larger: 413)
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Seconds a client has to send a request's headers, and then its body (slower: 408)
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub read_timeout: u64,
    /// Seconds the server may take to answer a request (longer: 503)
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub request_timeout: u64,
    /// Requests at the database at once (on a SQLite file at most two per core); more wait
    /// their turn
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_concurrent: usize,
}

/// `rex token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret (once)
    #[command(after_long_help = "\
The secret (rex_ and 43 letters and digits) is printed once: alone on its line in a pipe
(and with -o id), as the field token under -o json, between two notes on a terminal. The
database keeps only its hash: a secret that is lost cannot be shown again; revoke the
token and create another.

Roles:
  reader  GET only
  member  reads everything; creates deals and changes only its owner's (--owner)
  admin   everything

Examples:
  rex token create website-form --role member --owner ana
  rex token create dashboard --role reader --expires 90d
  TOKEN=$(rex token create ci --role admin --expires 1d)")]
    Create {
        /// A name for the token (what request logs and `token list` show)
        name: String,
        /// What the token may do
        #[arg(long, value_enum)]
        role: Role,
        /// The owner whose deals a member token works on (required for member)
        #[arg(long, value_name = "OWNER")]
        owner: Option<String>,
        /// How long the token lives: 30m, 12h, 90d, 2w (from REX_NOW when set) [default: until revoked]
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
    },
    /// List tokens: name, role, owner, created, last used, expires (never the secret)
    #[command(after_long_help = "\
Last used is written at most once a minute, so a stream of requests stays reads. -o json
prints name, role, owner, created_at, last_used_at and expires_at (RFC 3339, UTC).

Examples:
  rex token list
  rex token list -o json")]
    List,
    /// Revoke a token: every server refuses it from its next request on
    #[command(after_long_help = "\
The token is deleted from the database: every rex serve on it refuses the token from its
next request on, and the responses kept for its retries (Idempotency-Key) go with it.
rex confirms on stderr; -o json prints the revoked token.

Examples:
  rex token revoke website-form
  rex token revoke ci -o json")]
    Revoke {
        /// The token's name
        name: String,
    },
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    Reader,
    Member,
    Admin,
}

/// `rex serve --help`'s long text.
pub const SERVE_HELP: &str = "\
Serves the product's REST API on the database --db/REX_DB names (a SQLite file or a
PostgreSQL URL; it must exist). The first line on stderr is 'listening on
http://ADDR:PORT'; then one line per request (time, method, path, status, milliseconds,
token name), which --quiet turns off. SIGINT or SIGTERM stops accepting, lets requests in
flight finish (at most 10 s) and exits 0.

Every request but GET /health needs 'Authorization: Bearer TOKEN' (rex token create).
A non-loopback address needs --tls-cert and --tls-key, or --insecure-http when a reverse
proxy terminates TLS; --open (no tokens) is for loopback addresses only.

Endpoints (JSON; errors are application/problem+json; the spec is GET /openapi.json):
  POST/GET /deals, GET/PATCH/DELETE /deals/ID, GET /deals/ID/history,
  POST /deals/ID/notes, POST/GET /pipelines, GET/PATCH /pipelines/ID,
  GET /pipelines/ID/board, GET /today, GET /forecast, GET /reports/wins,
  GET /reports/stages, GET /reports/lost-reasons, GET /export, GET /health

Examples:
  rex token create laptop --role admin
  rex serve --listen 127.0.0.1:7272
  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:7272/deals?status=open
  rex serve --listen 0.0.0.0:443 --tls-cert cert.pem --tls-key key.pem";
