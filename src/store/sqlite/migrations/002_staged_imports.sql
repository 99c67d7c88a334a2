-- rex schema 2: imports load in short committed chunks whose rows stay hidden until one
-- small write publishes them, so other rex processes keep working during a long import.
--
-- Each table of records becomes <noun>_rows with a `batch` column (0: written by a normal
-- command; N: loaded by import N), and the old name becomes a view of the visible rows:
-- every row whose import is neither loading nor being discarded. Reads use the views;
-- writes go to the row tables. Renaming a table also renames the references to it.

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: rows keep their batch
    state         TEXT NOT NULL CHECK (state IN ('loading', 'discarding', 'discarded', 'published')),
    started_at    TEXT NOT NULL,
    heartbeat     INTEGER NOT NULL,                   -- Unix seconds of the last committed chunk
    finished_at   TEXT
) STRICT;
-- The hidden set is read by every query; it is tiny and found through this index.
CREATE INDEX imports_hidden ON imports (state, id);

ALTER TABLE pipelines RENAME TO pipeline_rows;
ALTER TABLE stages RENAME TO stage_rows;
ALTER TABLE deals RENAME TO deal_rows;
ALTER TABLE deal_events RENAME TO event_rows;
ALTER TABLE pipeline_rows ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_rows ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deal_rows ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_rows ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;

-- Counts and sums (the board, pipeline summaries) read only these indexes, so they carry
-- the batch as well.
DROP INDEX deals_stage_status_value;
CREATE INDEX deals_stage_status_value ON deal_rows (stage_id, status, value, id, batch);
DROP INDEX deals_pipeline_status_value;
CREATE INDEX deals_pipeline_status_value ON deal_rows (pipeline_id, status, value, id, batch);
DROP INDEX deals_status_value;
CREATE INDEX deals_status_value ON deal_rows (status, value, id, batch);

CREATE VIEW pipelines AS
    SELECT id, name, name_key, stall_days, created_at, updated_at FROM pipeline_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE VIEW stages AS
    SELECT id, pipeline_id, name, name_key, color, position, stall_days FROM stage_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
CREATE VIEW deal_events AS
    SELECT seq, deal_id, at, kind, details FROM event_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
