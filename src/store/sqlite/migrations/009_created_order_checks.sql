-- rex schema 9: `deal list` in the default order (by creation) with a filter by owner,
-- pipeline or status that selects a large share of the deals reads deals_created in order and
-- checks the filter on each until it has the limit. The index now carries what those checks
-- read (and the batch, which hides deals of an import still loading), so no deal's row is
-- read but those listed. Only a change of owner, pipeline or status rewrites the entry.
DROP INDEX IF EXISTS deals_created;
CREATE INDEX deals_created ON deal_rows (created_at, id, owner_id, pipeline_id, status, batch);
-- Whether an owner's deals are a large share is counted in deals_owner_stage_activity, which
-- now also carries the pipeline, so that an owner's deals in one pipeline are counted there.
DROP INDEX IF EXISTS deals_owner_stage_activity;
CREATE INDEX deals_owner_stage_activity
    ON deal_rows (owner_id, stage_id, status, last_activity_at, id, batch, pipeline_id);
