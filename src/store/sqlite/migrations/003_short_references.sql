-- rex schema 3: short deal references. A deal can be named by the last characters of its id
-- (the random end of the TypeID); `tail` is that end reversed, so that "ids ending in
-- 3kq9v2x" is a range of one index (prefix of the tail) instead of a scan of every id.
-- A virtual column: computed from the id, nothing to write or keep in step.

ALTER TABLE deal_rows ADD COLUMN tail TEXT GENERATED ALWAYS AS (
    substr(id, -1, 1)||substr(id, -2, 1)||substr(id, -3, 1)||substr(id, -4, 1)||substr(id, -5, 1)||substr(id, -6, 1)||substr(id, -7, 1)||substr(id, -8, 1)||substr(id, -9, 1)||substr(id, -10, 1)||substr(id, -11, 1)||substr(id, -12, 1)||substr(id, -13, 1)||substr(id, -14, 1)||substr(id, -15, 1)||substr(id, -16, 1)
) VIRTUAL;
CREATE INDEX deals_tail ON deal_rows (tail);

DROP VIEW deals;
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason, tail FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
