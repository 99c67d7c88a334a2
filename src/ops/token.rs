//! API tokens (`rex token`, `rex serve`): who may call the HTTP API and as what role, and
//! the responses kept for `Idempotency-Key` retries. The database keeps a token's hash,
//! never its secret.

use serde::Serialize;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::Tx;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// GET only.
    Reader,
    /// Reads everything; creates deals and changes only its owner's.
    Member,
    /// Everything.
    Admin,
}

/// A token as `rex token list` shows it (never its secret or hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub name: String,
    pub role: Role,
    pub owner: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
}

/// A new token (`rex token create`).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub owner: Option<String>,
    /// How long it lives from the clock's now; None: until revoked.
    pub expires: Option<chrono::Duration>,
}

/// A token just created, with its secret: shown once, kept nowhere.
#[derive(Debug, Clone)]
pub struct Created {
    pub token: Token,
    pub secret: String,
}

pub fn create(_tx: &dyn Tx, _clock: &Clock, _new: &NewToken) -> Result<Created> {
    todo!("tokens")
}

pub fn list(_tx: &dyn Tx) -> Result<Vec<Token>> {
    todo!("tokens")
}

pub fn revoke(_tx: &dyn Tx, _name: &str) -> Result<Token> {
    todo!("tokens")
}

/// The live token whose secret `secret` is: known, not revoked, not expired at the clock's
/// now; None otherwise.
pub fn authenticate(_tx: &dyn Tx, _clock: &Clock, _secret: &str) -> Result<Option<Token>> {
    todo!("tokens")
}

/// Records that `token` was used now (at most once a minute, so that reads stay reads).
pub fn touch(_tx: &dyn Tx, _clock: &Clock, _token: &Token) -> Result<()> {
    todo!("tokens")
}

/// A response kept for an `Idempotency-Key`: what a retry of the same request gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// The hash of the request (method, path, body) the response answered.
    pub request_hash: String,
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// The response kept for `key` of `scope` (a token's name) within the last 24 hours.
pub fn replay(_tx: &dyn Tx, _clock: &Clock, _scope: &str, _key: &str) -> Result<Option<Replay>> {
    todo!("replays")
}

/// Keeps `replay` for `key` of `scope`, in the transaction that made it; a key another
/// transaction took meanwhile is busy (the caller's transaction is retried, and then finds
/// it with [`replay`]).
pub fn save_replay(
    _tx: &dyn Tx,
    _clock: &Clock,
    _scope: &str,
    _key: &str,
    _replay: &Replay,
) -> Result<()> {
    todo!("replays")
}
