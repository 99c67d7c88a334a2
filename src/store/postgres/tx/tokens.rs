//! API tokens and kept responses, on PostgreSQL (schema 10): in the database, so that every
//! `rex serve` on it sees a revoked token gone and a response another one kept. An insert
//! that meets a row of the same key does nothing (`ON CONFLICT DO NOTHING`) and says so,
//! rather than failing the transaction.

use super::PgTx;
use crate::error::Result;
use crate::store::tokens::{self, REPLAY_COLUMNS, TOKEN_COLUMNS};
use crate::store::{StoredReplay, StoredToken, Tokens};

impl Tokens for PgTx<'_, '_> {
    fn insert_token(&self, t: &StoredToken) -> Result<bool> {
        let added = self.execute(
            "INSERT INTO api_tokens (name, role, owner, hash, created_at, last_used_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[
                &t.name,
                &t.role,
                &t.owner,
                &t.hash,
                &t.created_at,
                &t.last_used_at,
                &t.expires_at,
            ],
        )?;
        Ok(added == 1)
    }

    fn tokens(&self) -> Result<Vec<StoredToken>> {
        self.rows(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY name"),
            &[],
            tokens::token,
        )
    }

    fn token_named(&self, name: &str) -> Result<Option<StoredToken>> {
        Ok(self
            .rows(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE name = $1"),
                &[&name],
                tokens::token,
            )?
            .pop())
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<StoredToken>> {
        Ok(self
            .rows(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE hash = $1"),
                &[&hash],
                tokens::token,
            )?
            .pop())
    }

    fn delete_token(&self, name: &str) -> Result<bool> {
        Ok(self.execute("DELETE FROM api_tokens WHERE name = $1", &[&name])? > 0)
    }

    fn touch_token(&self, name: &str, now: &str, since: &str) -> Result<()> {
        self.execute(
            "UPDATE api_tokens SET last_used_at = $2
             WHERE name = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
            &[&name, &now, &since],
        )?;
        Ok(())
    }

    fn replay(&self, scope: &str, key: &str) -> Result<Option<StoredReplay>> {
        Ok(self
            .rows(
                &format!("SELECT {REPLAY_COLUMNS} FROM api_replays WHERE scope = $1 AND key = $2"),
                &[&scope, &key],
                tokens::replay,
            )?
            .pop())
    }

    fn insert_replay(
        &self,
        scope: &str,
        key: &str,
        r: &StoredReplay,
        stale_before: &str,
    ) -> Result<bool> {
        self.execute(
            "DELETE FROM api_replays WHERE created_at < $1",
            &[&stale_before],
        )?;
        let added = self.execute(
            "INSERT INTO api_replays (scope, key, request_hash, status, location, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[
                &scope,
                &key,
                &r.request_hash,
                &r.status,
                &r.location,
                &r.body,
                &r.created_at,
            ],
        )?;
        Ok(added == 1)
    }

    fn forget_replays(&self, scope: &str) -> Result<()> {
        self.execute("DELETE FROM api_replays WHERE scope = $1", &[&scope])?;
        Ok(())
    }
}
