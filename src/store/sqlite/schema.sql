-- rex's SQLite schema as it stands after every migration in migrations/, exactly as SQLite
-- records it (columns added by ALTER TABLE appear where SQLite appends them). It is for
-- reading: the database is built by the migrations, and the test
-- `store::tests::schema_file_is_what_the_migrations_build` checks that the two agree.
-- After adding a migration, regenerate everything below this header with:
--   REX_DB=/tmp/fresh.db rex pipeline create Sales -q && sqlite3 /tmp/fresh.db \
--     "SELECT sql || ';' FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'
--      AND NOT (type = 'table' AND (name GLOB 'deal_names_*' OR name GLOB 'deal_contacts_*'))
--      ORDER BY rowid"
-- (deal_names_* and deal_contacts_* tables are the ones FTS5 makes for those virtual tables.)
CREATE TABLE "pipeline_rows" (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,         -- lower-cased name: names are unique ignoring case
    stall_days  INTEGER NOT NULL CHECK (stall_days > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
, batch INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE TABLE "stage_rows" (
    id           TEXT PRIMARY KEY,
    pipeline_id  TEXT NOT NULL REFERENCES "pipeline_rows" (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    color        TEXT NOT NULL,
    position     INTEGER NOT NULL CHECK (position >= 0),
    stall_days   INTEGER CHECK (stall_days >= 0), batch INTEGER NOT NULL DEFAULT 0, probability INTEGER NOT NULL DEFAULT 100
    CHECK (probability BETWEEN 0 AND 100),  -- NULL: the pipeline's period; 0: never stalls
    UNIQUE (pipeline_id, name_key),
    UNIQUE (pipeline_id, id)
) STRICT;
CREATE TABLE "deal_rows" (
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
    close_reason      TEXT, batch INTEGER NOT NULL DEFAULT 0, tail TEXT GENERATED ALWAYS AS (
    substr(id, -1, 1)||substr(id, -2, 1)||substr(id, -3, 1)||substr(id, -4, 1)||substr(id, -5, 1)||substr(id, -6, 1)||substr(id, -7, 1)||substr(id, -8, 1)||substr(id, -9, 1)||substr(id, -10, 1)||substr(id, -11, 1)||substr(id, -12, 1)||substr(id, -13, 1)||substr(id, -14, 1)||substr(id, -15, 1)||substr(id, -16, 1)
) VIRTUAL, probability INTEGER CHECK (probability BETWEEN 0 AND 100), origin TEXT, next_step TEXT,
    FOREIGN KEY (pipeline_id, stage_id) REFERENCES "stage_rows" (pipeline_id, id)
) STRICT;
CREATE INDEX deals_stage_status_activity ON "deal_rows" (stage_id, status, last_activity_at, id);
CREATE INDEX deals_owner_status ON "deal_rows" (owner_id, status, value, id);
CREATE TABLE "event_rows" (
    seq      INTEGER PRIMARY KEY,
    deal_id  TEXT NOT NULL REFERENCES "deal_rows" (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    details  TEXT NOT NULL DEFAULT '{}'
, batch INTEGER NOT NULL DEFAULT 0, actor TEXT) STRICT;
CREATE INDEX deal_events_deal ON "event_rows" (deal_id, seq);
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: rows keep their batch
    state         TEXT NOT NULL CHECK (state IN ('loading', 'discarding', 'discarded', 'published')),
    started_at    TEXT NOT NULL,
    heartbeat     INTEGER NOT NULL,                   -- Unix seconds of the last committed chunk
    finished_at   TEXT
) STRICT;
CREATE INDEX imports_hidden ON imports (state, id);
CREATE INDEX deals_stage_status_value ON deal_rows (stage_id, status, value, id, batch);
CREATE INDEX deals_pipeline_status_value ON deal_rows (pipeline_id, status, value, id, batch);
CREATE INDEX deals_status_value ON deal_rows (status, value, id, batch);
CREATE VIEW pipelines AS
    SELECT id, name, name_key, stall_days, created_at, updated_at FROM pipeline_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE INDEX deals_own_probability ON deal_rows (stage_id, status, value, id, batch, probability)
    WHERE probability IS NOT NULL;
CREATE VIEW stages AS
    SELECT id, pipeline_id, name, name_key, color, position, stall_days, probability FROM stage_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE INDEX deals_name ON deal_rows (name_key);
CREATE TRIGGER deal_names_insert AFTER INSERT ON deal_rows BEGIN
    INSERT INTO deal_names (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
CREATE TRIGGER deal_names_delete AFTER DELETE ON deal_rows BEGIN
    INSERT INTO deal_names (deal_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
END;
CREATE TABLE deal_totals (
    stage_id    TEXT NOT NULL,
    status      TEXT NOT NULL,
    cents       INTEGER NOT NULL,
    deals       INTEGER NOT NULL,
    value_high  INTEGER NOT NULL,
    value_low   INTEGER NOT NULL,
    PRIMARY KEY (stage_id, status, cents)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER deal_totals_insert AFTER INSERT ON deal_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    INSERT INTO deal_totals VALUES
        (new.stage_id, new.status, new.value % 100, 1, new.value >> 32, new.value & 4294967295)
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low;
END;
CREATE TRIGGER deal_totals_delete AFTER DELETE ON deal_rows
WHEN old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295)
    WHERE stage_id = old.stage_id AND status = old.status AND cents = old.value % 100;
END;
CREATE TRIGGER deal_totals_update AFTER UPDATE OF stage_id, status, value ON deal_rows
WHEN (old.stage_id IS NOT new.stage_id OR old.status IS NOT new.status OR old.value IS NOT new.value)
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295)
    WHERE stage_id = old.stage_id AND status = old.status AND cents = old.value % 100;
    INSERT INTO deal_totals VALUES
        (new.stage_id, new.status, new.value % 100, 1, new.value >> 32, new.value & 4294967295)
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low;
END;
CREATE TRIGGER deal_names_update AFTER UPDATE OF name_key ON deal_rows
WHEN old.name_key IS NOT new.name_key BEGIN
    INSERT INTO deal_names (deal_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
    INSERT INTO deal_names (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
CREATE TABLE forecast_totals (
    expected_close  TEXT NOT NULL,
    stage_id        TEXT NOT NULL,
    deals           INTEGER NOT NULL,
    value_high      INTEGER NOT NULL,
    value_low       INTEGER NOT NULL,
    weighted_high   INTEGER NOT NULL,
    weighted_low    INTEGER NOT NULL,
    PRIMARY KEY (expected_close, stage_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER forecast_totals_insert AFTER INSERT ON deal_rows
WHEN new.status IN ('open', 'stalled')
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    INSERT INTO forecast_totals
        SELECT coalesce(new.expected_close, ''), new.stage_id, 1, new.value >> 32, new.value & 4294967295,
            w >> 32, w & 4294967295
        FROM (SELECT ((new.value / 100) * p + ((new.value % 100) * p + 50) / 100) AS w
              FROM (SELECT coalesce(new.probability, s.probability) AS p FROM stage_rows s WHERE s.id = new.stage_id))
        WHERE true
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, weighted_high = weighted_high + excluded.weighted_high,
        weighted_low = weighted_low + excluded.weighted_low;
END;
CREATE TRIGGER forecast_totals_delete AFTER DELETE ON deal_rows
WHEN old.status IN ('open', 'stalled')
    AND old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE forecast_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        weighted_high = weighted_high - (w.w >> 32), weighted_low = weighted_low - (w.w & 4294967295)
    FROM (SELECT ((old.value / 100) * p + ((old.value % 100) * p + 50) / 100) AS w
          FROM (SELECT coalesce(old.probability, s.probability) AS p FROM stage_rows s WHERE s.id = old.stage_id)) w
    WHERE expected_close = coalesce(old.expected_close, '') AND stage_id = old.stage_id;
END;
CREATE TRIGGER forecast_totals_update
AFTER UPDATE OF stage_id, status, value, expected_close, probability ON deal_rows
WHEN (old.stage_id IS NOT new.stage_id OR old.status IS NOT new.status OR old.value IS NOT new.value
        OR old.expected_close IS NOT new.expected_close OR old.probability IS NOT new.probability)
    AND (old.status IN ('open', 'stalled') OR new.status IN ('open', 'stalled'))
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE forecast_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        weighted_high = weighted_high - (w.w >> 32), weighted_low = weighted_low - (w.w & 4294967295)
    FROM (SELECT ((old.value / 100) * p + ((old.value % 100) * p + 50) / 100) AS w
          FROM (SELECT coalesce(old.probability, s.probability) AS p FROM stage_rows s WHERE s.id = old.stage_id)) w
    WHERE old.status IN ('open', 'stalled')
        AND expected_close = coalesce(old.expected_close, '') AND stage_id = old.stage_id;
    INSERT INTO forecast_totals
        SELECT coalesce(new.expected_close, ''), new.stage_id, 1, new.value >> 32, new.value & 4294967295,
            w >> 32, w & 4294967295
        FROM (SELECT ((new.value / 100) * p + ((new.value % 100) * p + 50) / 100) AS w
              FROM (SELECT coalesce(new.probability, s.probability) AS p FROM stage_rows s WHERE s.id = new.stage_id))
        WHERE new.status IN ('open', 'stalled')
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, weighted_high = weighted_high + excluded.weighted_high,
        weighted_low = weighted_low + excluded.weighted_low;
END;
CREATE TRIGGER forecast_totals_stage_chance AFTER UPDATE OF probability ON stage_rows
WHEN old.probability IS NOT new.probability BEGIN
    DELETE FROM forecast_totals WHERE stage_id = new.id;
    INSERT INTO forecast_totals
        SELECT coalesce(expected_close, ''), stage_id, count(*), sum(value >> 32),
            sum(value & 4294967295), sum(w >> 32), sum(w & 4294967295)
        FROM (SELECT expected_close, stage_id, value, ((value / 100) * coalesce(probability, new.probability)
                + ((value % 100) * coalesce(probability, new.probability) + 50) / 100) AS w
            FROM deal_rows WHERE stage_id = new.id AND status IN ('open', 'stalled')
                AND batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')))
        GROUP BY coalesce(expected_close, ''), stage_id;
END;
CREATE INDEX deals_status_closed ON deal_rows (status, closed_at, batch) WHERE closed_at IS NOT NULL;
CREATE TABLE closed_totals (
    day          TEXT NOT NULL,
    status       TEXT NOT NULL,
    pipeline_id  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    deals        INTEGER NOT NULL,
    value_high   INTEGER NOT NULL,
    value_low    INTEGER NOT NULL,
    cycle_high   INTEGER NOT NULL,
    cycle_low    INTEGER NOT NULL,
    PRIMARY KEY (day, status, pipeline_id, reason)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER closed_totals_insert AFTER INSERT ON deal_rows
WHEN new.status IN ('won', 'lost') AND new.closed_at IS NOT NULL
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    INSERT INTO closed_totals
        SELECT substr(new.closed_at, 1, 10), new.status, new.pipeline_id, coalesce(new.close_reason, ''),
            1, new.value >> 32, new.value & 4294967295, c >> 32, c & 4294967295
        FROM (SELECT CASE new.status WHEN 'won' THEN coalesce(max(0, unixepoch(new.closed_at) - unixepoch(new.created_at)), 0) ELSE 0 END AS c)
        WHERE true
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, cycle_high = cycle_high + excluded.cycle_high,
        cycle_low = cycle_low + excluded.cycle_low;
END;
CREATE TRIGGER closed_totals_delete AFTER DELETE ON deal_rows
WHEN old.status IN ('won', 'lost') AND old.closed_at IS NOT NULL
    AND old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE closed_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        cycle_high = cycle_high - (w.c >> 32), cycle_low = cycle_low - (w.c & 4294967295)
    FROM (SELECT CASE old.status WHEN 'won' THEN coalesce(max(0, unixepoch(old.closed_at) - unixepoch(old.created_at)), 0) ELSE 0 END AS c) w
    WHERE day = substr(old.closed_at, 1, 10) AND status = old.status AND pipeline_id = old.pipeline_id
        AND reason = coalesce(old.close_reason, '');
END;
CREATE TRIGGER closed_totals_update
AFTER UPDATE OF status, closed_at, value, pipeline_id, close_reason, created_at ON deal_rows
WHEN (old.status IS NOT new.status OR old.closed_at IS NOT new.closed_at OR old.value IS NOT new.value
        OR old.pipeline_id IS NOT new.pipeline_id OR old.close_reason IS NOT new.close_reason
        OR old.created_at IS NOT new.created_at)
    AND ((old.status IN ('won', 'lost') AND old.closed_at IS NOT NULL)
        OR (new.status IN ('won', 'lost') AND new.closed_at IS NOT NULL))
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE closed_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        cycle_high = cycle_high - (w.c >> 32), cycle_low = cycle_low - (w.c & 4294967295)
    FROM (SELECT CASE old.status WHEN 'won' THEN coalesce(max(0, unixepoch(old.closed_at) - unixepoch(old.created_at)), 0) ELSE 0 END AS c) w
    WHERE old.status IN ('won', 'lost') AND old.closed_at IS NOT NULL
        AND day = substr(old.closed_at, 1, 10) AND status = old.status AND pipeline_id = old.pipeline_id
        AND reason = coalesce(old.close_reason, '');
    INSERT INTO closed_totals
        SELECT substr(new.closed_at, 1, 10), new.status, new.pipeline_id, coalesce(new.close_reason, ''),
            1, new.value >> 32, new.value & 4294967295, c >> 32, c & 4294967295
        FROM (SELECT CASE new.status WHEN 'won' THEN coalesce(max(0, unixepoch(new.closed_at) - unixepoch(new.created_at)), 0) ELSE 0 END AS c)
        WHERE new.status IN ('won', 'lost') AND new.closed_at IS NOT NULL
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, cycle_high = cycle_high + excluded.cycle_high,
        cycle_low = cycle_low + excluded.cycle_low;
END;
CREATE INDEX deals_created ON deal_rows (created_at, id, owner_id, pipeline_id, status, batch);
CREATE INDEX deals_owner_stage_activity
    ON deal_rows (owner_id, stage_id, status, last_activity_at, id, batch, pipeline_id);
CREATE UNIQUE INDEX deals_origin ON deal_rows (origin) WHERE origin IS NOT NULL;
CREATE TABLE staged_positions (
    batch     INTEGER NOT NULL,
    stage_id  TEXT NOT NULL,
    position  INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (batch, stage_id)
) STRICT, WITHOUT ROWID;
CREATE VIEW deal_events AS
    SELECT seq, deal_id, at, kind, details, actor FROM event_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE INDEX deals_ref ON deal_rows (substr(id, -7));
CREATE TRIGGER deal_contacts_insert AFTER INSERT ON deal_rows BEGIN
    INSERT INTO deal_contacts (rowid, contact_id) VALUES (new.rowid, new.contact_id);
END;
CREATE TRIGGER deal_contacts_delete AFTER DELETE ON deal_rows BEGIN
    INSERT INTO deal_contacts (deal_contacts, rowid, contact_id)
    VALUES ('delete', old.rowid, old.contact_id);
END;
CREATE TRIGGER deal_contacts_update AFTER UPDATE OF contact_id ON deal_rows
WHEN old.contact_id IS NOT new.contact_id BEGIN
    INSERT INTO deal_contacts (deal_contacts, rowid, contact_id)
    VALUES ('delete', old.rowid, old.contact_id);
    INSERT INTO deal_contacts (rowid, contact_id) VALUES (new.rowid, new.contact_id);
END;
CREATE TABLE api_tokens (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('reader', 'member', 'admin')),
    owner         TEXT CHECK (role <> 'member' OR owner IS NOT NULL),
    hash          TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    expires_at    TEXT
) STRICT;
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
CREATE INDEX deals_owner_created
    ON deal_rows (owner_id, created_at, id, status, pipeline_id, batch);
CREATE TABLE activity_rows (
    id                TEXT PRIMARY KEY,
    deal_id           TEXT NOT NULL REFERENCES deal_rows (id) ON DELETE CASCADE,
    type              TEXT NOT NULL
        CHECK (type IN ('call', 'meeting', 'email', 'task', 'deadline', 'lunch')),
    subject           TEXT NOT NULL,
    due_date          TEXT NOT NULL,
    due_time          TEXT,                                   -- HH:MM; NULL: all day
    duration_minutes  INTEGER CHECK (duration_minutes > 0),
    owner_id          TEXT,
    note              TEXT,
    done_at           TEXT,                                   -- NULL: still to do
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    batch             INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE VIEW activities AS
    SELECT id, deal_id, type, subject, due_date, due_time, duration_minutes, owner_id, note,
           done_at, created_at, updated_at FROM activity_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE INDEX activities_deal
    ON activity_rows (deal_id, done_at, due_date, due_time, created_at, id);
CREATE INDEX activities_owner
    ON activity_rows (owner_id, done_at, due_date, due_time, created_at, id);
CREATE INDEX activities_due ON activity_rows (done_at, due_date, due_time, created_at, id);
CREATE INDEX activities_ref ON activity_rows (substr(id, -7));
CREATE VIRTUAL TABLE deal_names USING fts5(
    name_key, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram',
    detail = none, columnsize = 0
);
CREATE VIRTUAL TABLE deal_contacts USING fts5(
    contact_id, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram',
    detail = none, columnsize = 0
);
CREATE VIEW deal_next_steps AS
    SELECT d.id AS deal_id,
        (SELECT json_array(a.id, a.type, a.subject, a.due_date, a.due_time) FROM activities a
         WHERE a.deal_id = d.id AND a.done_at IS NULL
         ORDER BY a.due_date, a.due_time NULLS FIRST, a.created_at, a.id LIMIT 1) AS step
    FROM deal_rows d;
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason, tail, probability, origin, next_step FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE TRIGGER next_step_scheduled AFTER INSERT ON activity_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = new.deal_id)
    WHERE id = new.deal_id;
END;
CREATE TRIGGER next_step_changed
AFTER UPDATE OF id, deal_id, type, subject, due_date, due_time, done_at, created_at, batch
ON activity_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'))
    OR old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
    WHERE id IN (new.deal_id, old.deal_id);
END;
CREATE TRIGGER next_step_deleted AFTER DELETE ON activity_rows
WHEN old.done_at IS NULL
    AND old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = old.deal_id)
    WHERE id = old.deal_id;
END;
CREATE TRIGGER next_step_of_a_new_deal AFTER INSERT ON deal_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'))
    AND (new.next_step IS NOT NULL OR EXISTS (SELECT 1 FROM activity_rows WHERE deal_id = new.id))
BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = new.id)
    WHERE id = new.id;
END;
CREATE TRIGGER next_step_of_a_renamed_deal AFTER UPDATE OF id ON deal_rows
WHEN old.id IS NOT new.id BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = new.id)
    WHERE id = new.id;
END;
CREATE TRIGGER next_steps_shown_or_hidden AFTER UPDATE OF id, state ON imports
WHEN old.id IS NOT new.id
    OR (old.state IN ('loading', 'discarding')) IS NOT (new.state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
    WHERE id IN (SELECT deal_id FROM activity_rows
                 WHERE batch IN (old.id, new.id) AND done_at IS NULL);
END;
CREATE TRIGGER next_steps_shown AFTER DELETE ON imports
WHEN old.state IN ('loading', 'discarding') BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
    WHERE id IN (SELECT deal_id FROM activity_rows WHERE batch = old.id AND done_at IS NULL);
END;
