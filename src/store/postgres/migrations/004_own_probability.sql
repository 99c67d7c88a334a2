-- rex schema 4 (PostgreSQL): the active deals that carry a chance of their own, per stage, in
-- an index of their own (as on SQLite since its schema 4). A stage's weighted value is its
-- deals' value at the stage's chance, shifted by these few; without this index, finding them
-- read every active deal of the stage.
CREATE INDEX deals_own_probability ON deals (stage_id, status, value, probability)
    WHERE probability IS NOT NULL;
