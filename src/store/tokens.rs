//! What every `rex serve` on a database shares through it: the API tokens (their hashes,
//! never their secrets) and the responses kept for `Idempotency-Key` retries. The rules
//! (roles, expiry, the 24 hours a response is kept) are the operations' (`ops::token`);
//! the store keeps the rows and says what happened as values.

use super::cells::{Cells, Reader};
use crate::error::Result;

/// A token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub name: String,
    /// `reader`, `member` or `admin`.
    pub role: String,
    pub owner: Option<String>,
    /// The SHA-256 of its secret, in lower-case hex.
    pub hash: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
}

/// A kept response, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReplay {
    pub request_hash: String,
    pub status: i64,
    pub location: Option<String>,
    pub body: String,
    pub created_at: String,
}

/// API tokens and kept responses.
pub trait Tokens {
    /// Inserts a token; false when its name (or its hash) is taken.
    fn insert_token(&self, t: &StoredToken) -> Result<bool>;
    /// Every token, in name order.
    fn tokens(&self) -> Result<Vec<StoredToken>>;
    fn token_named(&self, name: &str) -> Result<Option<StoredToken>>;
    /// The token whose secret hashes to `hash`.
    fn token_by_hash(&self, hash: &str) -> Result<Option<StoredToken>>;
    /// Deletes a token; false when there was none of that name.
    fn delete_token(&self, name: &str) -> Result<bool>;
    /// Records that token `name` was used at `now`, unless its last use is after `since`:
    /// a row is written at most once per period, however many requests use it.
    fn touch_token(&self, name: &str, now: &str, since: &str) -> Result<()>;
    /// The response kept for `key` of `scope`, however old.
    fn replay(&self, scope: &str, key: &str) -> Result<Option<StoredReplay>>;
    /// Removes every kept response created before `stale_before` (of any scope), then
    /// keeps `r` for `key` of `scope`; false when a response for that key is still kept
    /// (one another transaction saved meanwhile), which is left as it is.
    fn insert_replay(
        &self,
        scope: &str,
        key: &str,
        r: &StoredReplay,
        stale_before: &str,
    ) -> Result<bool>;
    /// Removes every response kept for `scope` (a token that is revoked).
    fn forget_replays(&self, scope: &str) -> Result<()>;
}

/// The token columns, in the order [`token`] reads them.
pub(crate) const TOKEN_COLUMNS: &str =
    "name, role, owner, hash, created_at, last_used_at, expires_at";

/// The kept response columns, in the order [`replay`] reads them.
pub(crate) const REPLAY_COLUMNS: &str = "request_hash, status, location, body, created_at";

/// A token from the [`TOKEN_COLUMNS`] of a row.
pub(crate) fn token(row: &dyn Cells) -> Result<StoredToken> {
    let r = Reader::new("token", row);
    Ok(StoredToken {
        name: r.text(0)?,
        role: r.text(1)?,
        owner: r.opt_text(2)?,
        hash: r.text(3)?,
        created_at: r.text(4)?,
        last_used_at: r.opt_text(5)?,
        expires_at: r.opt_text(6)?,
    })
}

/// A kept response from the [`REPLAY_COLUMNS`] of a row.
pub(crate) fn replay(row: &dyn Cells) -> Result<StoredReplay> {
    let r = Reader::new("kept response", row);
    Ok(StoredReplay {
        request_hash: r.text(0)?,
        status: r.int(1)?,
        location: r.opt_text(2)?,
        body: r.text(3)?,
        created_at: r.text(4)?,
    })
}
