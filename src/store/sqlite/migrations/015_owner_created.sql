-- rex schema 15 (14 is the API's tokens): one owner's deals in the order of creation
-- (`deal list --owner`, the API's `GET /deals?owner_id=…`) are one range of this index, and so
-- is each page after a cursor: a page reads its 50 deals, where reading deals_created in
-- order and checking the owner read about 2,500 entries per page at 1M deals of 50 owners (a
-- median of 2.3 ms a page against 0.5 ms, measured). It carries the status and the pipeline,
-- so that an owner's open or stalled deals are checked in it too, and the batch, which hides
-- the deals of an import still loading. About 120 MB at 1M deals; building it reads every
-- deal once (about 12 s at 1M).
CREATE INDEX IF NOT EXISTS deals_owner_created
    ON deal_rows (owner_id, created_at, id, status, pipeline_id, batch);
