-- rex schema 1: pipelines, their stages, deals and deal history.
-- Timestamps are RFC 3339 UTC text with whole seconds, so text order is time order.

CREATE TABLE pipelines (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,         -- lower-cased name: names are unique ignoring case
    stall_days  INTEGER NOT NULL CHECK (stall_days > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE stages (
    id           TEXT PRIMARY KEY,
    pipeline_id  TEXT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    color        TEXT NOT NULL,
    position     INTEGER NOT NULL CHECK (position >= 0),
    stall_days   INTEGER CHECK (stall_days >= 0),  -- NULL: the pipeline's period; 0: never stalls
    UNIQUE (pipeline_id, name_key),
    UNIQUE (pipeline_id, id)
) STRICT;

CREATE TABLE deals (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL,               -- lower-cased name, for search
    value             INTEGER NOT NULL CHECK (value >= 0),
    status            TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost', 'stalled')),
    contact_id        TEXT,
    pipeline_id       TEXT NOT NULL,
    stage_id          TEXT NOT NULL,
    expected_close    TEXT,
    owner_id          TEXT,
    metadata          TEXT NOT NULL DEFAULT '{}',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    last_activity_at  TEXT NOT NULL,
    stage_entered_at  TEXT NOT NULL,
    closed_at         TEXT,
    close_reason      TEXT,
    FOREIGN KEY (pipeline_id, stage_id) REFERENCES stages (pipeline_id, id)
) STRICT;

-- Each index ends in id, the tie-breaker of every sort, so sorted lists never need a
-- temporary B-tree. The board and list filters: deals of a stage by status, by value.
CREATE INDEX deals_stage_status_value ON deals (stage_id, status, value, id);
-- The stalled scan: active deals of a stage by last activity.
CREATE INDEX deals_stage_status_activity ON deals (stage_id, status, last_activity_at, id);
-- Pipeline summaries and lists narrowed by pipeline or by status alone.
CREATE INDEX deals_pipeline_status_value ON deals (pipeline_id, status, value, id);
CREATE INDEX deals_status_value ON deals (status, value, id);
CREATE INDEX deals_owner_status ON deals (owner_id, status, value, id);
CREATE INDEX deals_created ON deals (created_at, id);

CREATE TABLE deal_events (
    seq      INTEGER PRIMARY KEY,
    deal_id  TEXT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    details  TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX deal_events_deal ON deal_events (deal_id, seq);
