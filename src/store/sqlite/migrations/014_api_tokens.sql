-- rex schema 14: who may call `rex serve`'s HTTP API, and the responses kept for retries.
-- api_tokens holds a token's SHA-256 hash (hex), never its secret: a request's secret is
-- hashed and looked up by the unique hash. Times are RFC 3339 UTC text, as everywhere.
CREATE TABLE api_tokens (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('reader', 'member', 'admin')),
    owner         TEXT CHECK (role <> 'member' OR owner IS NOT NULL),
    hash          TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    expires_at    TEXT
) STRICT;
-- The response to a POST with an Idempotency-Key, per scope (a token's name) and key: a retry
-- of the same request within 24 hours gets it back instead of creating again. Rows older than
-- that are as none and are removed as new ones are kept (by age, through api_replays_age).
CREATE TABLE api_replays (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL CHECK (status BETWEEN 100 AND 599),
    location      TEXT,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX api_replays_age ON api_replays (created_at);
