-- rex schema 17 (16 is activities): the pending activities alone, each deal's soonest first,
-- with what a deal prints of its next step (its type and subject). Every deal rex prints
-- carries its next step, and `today` and `deal list --no-next-step` ask which deals have
-- none: each of those is one step into this index and never a read of the table. It holds
-- only what is still to do (about an eighth of all activities in the benchmark's data), so
-- the steps of a long list stay among pages already read. The batch is in it too, for the
-- view that hides an import still loading, and `done_at` (always NULL here), so that the
-- planner sees it answers the same `deal_id = ? AND done_at IS NULL` as activities_deal.
CREATE INDEX IF NOT EXISTS activities_pending
    ON activity_rows (deal_id, done_at, due_date, due_time, created_at, id, type, subject, batch)
    WHERE done_at IS NULL;
