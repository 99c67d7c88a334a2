-- rex's PostgreSQL schema, version 1. Every text that rex sorts or compares is in the "C"
-- collation, so order is byte order whatever the database's locale (the same as SQLite's):
-- an export lists deals and pipelines in the same order from either backend.

CREATE TABLE rex_schema (
    id           integer PRIMARY KEY CHECK (id = 1),
    application  text NOT NULL,
    version      bigint NOT NULL
);

CREATE TABLE pipelines (
    id          text COLLATE "C" PRIMARY KEY,
    name        text NOT NULL,
    name_key    text COLLATE "C" NOT NULL UNIQUE,   -- lower-cased name: unique ignoring case
    stall_days  bigint NOT NULL CHECK (stall_days > 0),
    created_at  text COLLATE "C" NOT NULL,
    updated_at  text COLLATE "C" NOT NULL
);

CREATE TABLE stages (
    id           text COLLATE "C" PRIMARY KEY,
    pipeline_id  text COLLATE "C" NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name         text NOT NULL,
    name_key     text COLLATE "C" NOT NULL,
    color        text NOT NULL,
    position     bigint NOT NULL CHECK (position >= 0),
    stall_days   bigint CHECK (stall_days >= 0),   -- NULL: the pipeline's period; 0: never stalls
    probability  bigint NOT NULL DEFAULT 100 CHECK (probability BETWEEN 0 AND 100),
    UNIQUE (pipeline_id, name_key),
    UNIQUE (pipeline_id, id)
);

CREATE TABLE deals (
    id                text COLLATE "C" PRIMARY KEY,
    name              text NOT NULL,
    name_key          text COLLATE "C" NOT NULL,   -- lower-cased name, for search
    value             bigint NOT NULL CHECK (value >= 0),
    status            text COLLATE "C" NOT NULL CHECK (status IN ('open', 'won', 'lost', 'stalled')),
    contact_id        text COLLATE "C",
    pipeline_id       text COLLATE "C" NOT NULL,
    stage_id          text COLLATE "C" NOT NULL,
    expected_close    text COLLATE "C",
    owner_id          text COLLATE "C",
    metadata          text NOT NULL DEFAULT '{}',  -- a JSON object's exact text
    created_at        text COLLATE "C" NOT NULL,
    updated_at        text COLLATE "C" NOT NULL,
    last_activity_at  text COLLATE "C" NOT NULL,
    stage_entered_at  text COLLATE "C" NOT NULL,
    closed_at         text COLLATE "C",
    close_reason      text,
    probability       bigint CHECK (probability BETWEEN 0 AND 100),
    -- the id's last 16 characters reversed: a short reference is one range of deals_tail
    tail              text COLLATE "C" GENERATED ALWAYS AS (reverse(right(id, 16))) STORED,
    FOREIGN KEY (pipeline_id, stage_id) REFERENCES stages (pipeline_id, id)
);

CREATE INDEX deals_stage_status_activity ON deals (stage_id, status, last_activity_at, id);
CREATE INDEX deals_stage_status_value ON deals (stage_id, status, value, id);
CREATE INDEX deals_pipeline_status_value ON deals (pipeline_id, status, value, id);
CREATE INDEX deals_status_value ON deals (status, value, id);
CREATE INDEX deals_owner_status ON deals (owner_id, status, value, id);
CREATE INDEX deals_created ON deals (created_at, id);
CREATE INDEX deals_tail ON deals (tail);

CREATE TABLE deal_events (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- the order events were recorded
    deal_id  text COLLATE "C" NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    at       text COLLATE "C" NOT NULL,
    kind     text NOT NULL,
    details  text NOT NULL DEFAULT '{}'
);

CREATE INDEX deal_events_deal ON deal_events (deal_id, seq);
