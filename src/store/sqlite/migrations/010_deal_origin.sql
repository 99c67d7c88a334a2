-- rex schema 10: where an imported deal came from (`hubspot:123`) is kept in a column of its
-- own, `origin`, instead of `metadata.source`, which any column of a file named Source could
-- take. A unique index makes a second import of the same export a conflict even while the
-- first is still loading (its hidden rows are in the index too). Deals imported before keep
-- their `metadata.source`; where it has the form rex wrote (profile:id), it is copied to
-- `origin`, for the oldest deal of each value (ids are time-ordered).
ALTER TABLE deal_rows ADD COLUMN origin TEXT;
UPDATE deal_rows SET origin = o.source
FROM (SELECT min(id) AS id, json_extract(metadata, '$.source') AS source FROM deal_rows
      WHERE json_type(metadata, '$.source') = 'text'
        AND (json_extract(metadata, '$.source') GLOB 'pipedrive:?*'
          OR json_extract(metadata, '$.source') GLOB 'hubspot:?*'
          OR json_extract(metadata, '$.source') GLOB 'salesforce:?*'
          OR json_extract(metadata, '$.source') GLOB 'salesforce-loader:?*'
          OR json_extract(metadata, '$.source') GLOB 'twenty:?*')
        AND batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'))
      GROUP BY 2) o
WHERE deal_rows.id = o.id;
CREATE UNIQUE INDEX deals_origin ON deal_rows (origin) WHERE origin IS NOT NULL;
DROP VIEW deals;
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason, tail, probability, origin FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
