-- rex schema 4: how likely a deal is to be won. Every stage has a probability (a whole percent);
-- a deal may override its stage's (NULL: it follows the stage). Stages that existed before get
-- what the default stages get (Discovery 10, Qualification 25, Proposal 50, Negotiation 75,
-- Closed 90) by name, and 100 otherwise: weighted equals unweighted until someone sets them.

ALTER TABLE stage_rows ADD COLUMN probability INTEGER NOT NULL DEFAULT 100
    CHECK (probability BETWEEN 0 AND 100);
UPDATE stage_rows SET probability = CASE name_key
    WHEN 'discovery' THEN 10 WHEN 'qualification' THEN 25 WHEN 'proposal' THEN 50
    WHEN 'negotiation' THEN 75 WHEN 'closed' THEN 90 ELSE 100 END;
ALTER TABLE deal_rows ADD COLUMN probability INTEGER CHECK (probability BETWEEN 0 AND 100);
-- Weighted totals read every active deal's value from the covering indexes at its stage's
-- chance, then correct for the few deals with their own, found through this small index.
CREATE INDEX deals_own_probability ON deal_rows (stage_id, status, value, id, batch, probability)
    WHERE probability IS NOT NULL;

DROP VIEW stages;
CREATE VIEW stages AS
    SELECT id, pipeline_id, name, name_key, color, position, stall_days, probability FROM stage_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
DROP VIEW deals;
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason, tail, probability FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
