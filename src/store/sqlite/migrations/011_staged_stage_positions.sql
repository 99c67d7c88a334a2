-- rex schema 11: a staged import that adds stages to a pipeline people can see (with
-- --create-stages) inserts them hidden, like all its rows, and keeps the new positions of the
-- pipeline's visible stages here until it is published, when they are applied in the same
-- write that makes its rows visible. A failed or killed import leaves the positions alone.
CREATE TABLE staged_positions (
    batch     INTEGER NOT NULL,
    stage_id  TEXT NOT NULL,
    position  INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (batch, stage_id)
) STRICT, WITHOUT ROWID;
