-- rex schema 19: each deal's next step kept on its own row.
--
-- Every deal rex prints carries its next step (its soonest pending activity). Read through
-- activities_pending (schema 17), that cost one more index step a deal: about two pages
-- the deal's own read had not touched, 111 more page reads for a 50-deal page of
-- `deal list` at 1M deals. Kept on the deal's row, it is read with the deal.
--
-- It stays derived: no field of the deal's (not exported, not in `updated_at`). The store
-- works it out again, in the same transaction, whenever one of the deal's visible
-- activities is scheduled, changed, done, undone or deleted; for the deals an import
-- touched when it is published or, after a bulk load, once for every deal; and for every
-- deal right after this migration (`next_step_of` in store/sqlite/activities.rs is its one
-- definition). It is NULL for a deal without a pending activity.
ALTER TABLE deal_rows ADD COLUMN next_step TEXT;
DROP VIEW deals;
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason, tail, probability, origin, next_step FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
--
-- activities_pending (schema 17) served the reads of next steps, which now read the deals'
-- rows: `deal list --no-next-step` and `today` ask `next_step IS NULL`, `--sort
-- next-activity` reads the key from it. Working one out again after a change reads
-- activities_deal (the deal's pending activities, soonest first) and one row.
DROP INDEX activities_pending;
