-- rex schema 7: what `forecast` adds up without reading every deal. forecast_totals
-- holds, for each expected close date ('' for none) and stage, the visible open and stalled
-- deals: how many, their value, and their value weighted by each deal's own chance or else
-- its stage's (to the nearest cent, halves up, as everywhere), each as two sums that cannot
-- overflow. Triggers keep it as deals change; a stage whose chance changes has its rows summed
-- again. As with deal_totals, rows of an import still loading or being discarded are left out.
CREATE TABLE forecast_totals (
    expected_close  TEXT NOT NULL,
    stage_id        TEXT NOT NULL,
    deals           INTEGER NOT NULL,
    value_high      INTEGER NOT NULL,
    value_low       INTEGER NOT NULL,
    weighted_high   INTEGER NOT NULL,
    weighted_low    INTEGER NOT NULL,
    PRIMARY KEY (expected_close, stage_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER forecast_totals_insert AFTER INSERT ON deal_rows
WHEN new.status IN ('open', 'stalled')
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    INSERT INTO forecast_totals
        SELECT coalesce(new.expected_close, ''), new.stage_id, 1, new.value >> 32, new.value & 4294967295,
            w >> 32, w & 4294967295
        FROM (SELECT ((new.value / 100) * p + ((new.value % 100) * p + 50) / 100) AS w
              FROM (SELECT coalesce(new.probability, s.probability) AS p FROM stage_rows s WHERE s.id = new.stage_id))
        WHERE true
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, weighted_high = weighted_high + excluded.weighted_high,
        weighted_low = weighted_low + excluded.weighted_low;
END;
CREATE TRIGGER forecast_totals_delete AFTER DELETE ON deal_rows
WHEN old.status IN ('open', 'stalled')
    AND old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE forecast_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        weighted_high = weighted_high - (w.w >> 32), weighted_low = weighted_low - (w.w & 4294967295)
    FROM (SELECT ((old.value / 100) * p + ((old.value % 100) * p + 50) / 100) AS w
          FROM (SELECT coalesce(old.probability, s.probability) AS p FROM stage_rows s WHERE s.id = old.stage_id)) w
    WHERE expected_close = coalesce(old.expected_close, '') AND stage_id = old.stage_id;
END;
CREATE TRIGGER forecast_totals_update
AFTER UPDATE OF stage_id, status, value, expected_close, probability ON deal_rows
WHEN (old.stage_id IS NOT new.stage_id OR old.status IS NOT new.status OR old.value IS NOT new.value
        OR old.expected_close IS NOT new.expected_close OR old.probability IS NOT new.probability)
    AND (old.status IN ('open', 'stalled') OR new.status IN ('open', 'stalled'))
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE forecast_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        weighted_high = weighted_high - (w.w >> 32), weighted_low = weighted_low - (w.w & 4294967295)
    FROM (SELECT ((old.value / 100) * p + ((old.value % 100) * p + 50) / 100) AS w
          FROM (SELECT coalesce(old.probability, s.probability) AS p FROM stage_rows s WHERE s.id = old.stage_id)) w
    WHERE old.status IN ('open', 'stalled')
        AND expected_close = coalesce(old.expected_close, '') AND stage_id = old.stage_id;
    INSERT INTO forecast_totals
        SELECT coalesce(new.expected_close, ''), new.stage_id, 1, new.value >> 32, new.value & 4294967295,
            w >> 32, w & 4294967295
        FROM (SELECT ((new.value / 100) * p + ((new.value % 100) * p + 50) / 100) AS w
              FROM (SELECT coalesce(new.probability, s.probability) AS p FROM stage_rows s WHERE s.id = new.stage_id))
        WHERE new.status IN ('open', 'stalled')
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, weighted_high = weighted_high + excluded.weighted_high,
        weighted_low = weighted_low + excluded.weighted_low;
END;
CREATE TRIGGER forecast_totals_stage_chance AFTER UPDATE OF probability ON stage_rows
WHEN old.probability IS NOT new.probability BEGIN
    DELETE FROM forecast_totals WHERE stage_id = new.id;
    INSERT INTO forecast_totals
        SELECT coalesce(expected_close, ''), stage_id, count(*), sum(value >> 32),
            sum(value & 4294967295), sum(w >> 32), sum(w & 4294967295)
        FROM (SELECT expected_close, stage_id, value, ((value / 100) * coalesce(probability, new.probability)
                + ((value % 100) * coalesce(probability, new.probability) + 50) / 100) AS w
            FROM deal_rows WHERE stage_id = new.id AND status IN ('open', 'stalled')
                AND batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')))
        GROUP BY coalesce(expected_close, ''), stage_id;
END;
INSERT INTO forecast_totals
    SELECT coalesce(expected_close, ''), stage_id, count(*), sum(value >> 32),
        sum(value & 4294967295), sum(w >> 32), sum(w & 4294967295)
    FROM (SELECT d.expected_close, d.stage_id, d.value, ((d.value / 100) * coalesce(d.probability, s.probability)
            + ((d.value % 100) * coalesce(d.probability, s.probability) + 50) / 100) AS w
        FROM deal_rows d JOIN stage_rows s ON s.id = d.stage_id WHERE d.status IN ('open', 'stalled')
            AND d.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')))
    GROUP BY coalesce(expected_close, ''), stage_id;
-- The won deals of the forecast's periods, and the closed deals of the reports' windows, are
-- one range of this index rather than every deal of their status.
CREATE INDEX deals_status_closed ON deal_rows (status, closed_at, batch) WHERE closed_at IS NOT NULL;
