-- rex schema 10 (PostgreSQL), as SQLite's schema 14: who may call `rex serve`'s HTTP API, and
-- the responses kept for retries. They live in the database, so that every `rex serve` on it
-- refuses a revoked token from its next request and replays a response another one kept.
-- api_tokens holds a token's SHA-256 hash (hex), never its secret.
CREATE TABLE api_tokens (
    name          text COLLATE "C" PRIMARY KEY,
    role          text COLLATE "C" NOT NULL CHECK (role IN ('reader', 'member', 'admin')),
    owner         text COLLATE "C" CHECK (role <> 'member' OR owner IS NOT NULL),
    hash          text COLLATE "C" NOT NULL UNIQUE,
    created_at    text COLLATE "C" NOT NULL,
    last_used_at  text COLLATE "C",
    expires_at    text COLLATE "C"
);
-- The response to a POST with an Idempotency-Key, per scope (a token's name) and key, for 24
-- hours; older rows are as none and are removed as new ones are kept.
CREATE TABLE api_replays (
    scope         text COLLATE "C" NOT NULL,
    key           text COLLATE "C" NOT NULL,
    request_hash  text COLLATE "C" NOT NULL,
    status        bigint NOT NULL CHECK (status BETWEEN 100 AND 599),
    location      text,
    body          text NOT NULL,
    created_at    text COLLATE "C" NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX api_replays_age ON api_replays (created_at);
