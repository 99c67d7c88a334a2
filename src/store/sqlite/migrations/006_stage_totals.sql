-- rex schema 6: what `pipeline list`, `pipeline show` and the board count without reading
-- every deal. deal_totals holds, for each stage, status and value's cents (value % 100), how
-- many visible deals there are and their total value as two sums that cannot overflow (the
-- values' high and low 32 bits). The cents let a stage's weighted total be worked out exactly
-- for any chance: each deal's weighted value rounds on its cents alone.
-- Triggers keep it as deals change; rows of an import still loading or being discarded are
-- not counted (a published import adds its rows at once).
CREATE TABLE deal_totals (
    stage_id    TEXT NOT NULL,
    status      TEXT NOT NULL,
    cents       INTEGER NOT NULL,
    deals       INTEGER NOT NULL,
    value_high  INTEGER NOT NULL,
    value_low   INTEGER NOT NULL,
    PRIMARY KEY (stage_id, status, cents)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER deal_totals_insert AFTER INSERT ON deal_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    INSERT INTO deal_totals VALUES
        (new.stage_id, new.status, new.value % 100, 1, new.value >> 32, new.value & 4294967295)
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low;
END;
CREATE TRIGGER deal_totals_delete AFTER DELETE ON deal_rows
WHEN old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295)
    WHERE stage_id = old.stage_id AND status = old.status AND cents = old.value % 100;
END;
CREATE TRIGGER deal_totals_update AFTER UPDATE OF stage_id, status, value ON deal_rows
WHEN (old.stage_id IS NOT new.stage_id OR old.status IS NOT new.status OR old.value IS NOT new.value)
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295)
    WHERE stage_id = old.stage_id AND status = old.status AND cents = old.value % 100;
    INSERT INTO deal_totals VALUES
        (new.stage_id, new.status, new.value % 100, 1, new.value >> 32, new.value & 4294967295)
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low;
END;
INSERT INTO deal_totals
    SELECT stage_id, status, value % 100, count(*), sum(value >> 32), sum(value & 4294967295)
    FROM deal_rows WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'))
    GROUP BY stage_id, status, value % 100;
-- A deal's name is indexed again only when it changes.
DROP TRIGGER deal_names_update;
CREATE TRIGGER deal_names_update AFTER UPDATE OF name_key ON deal_rows
WHEN old.name_key IS NOT new.name_key BEGIN
    INSERT INTO deal_names (deal_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
    INSERT INTO deal_names (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
