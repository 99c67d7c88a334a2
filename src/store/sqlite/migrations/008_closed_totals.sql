-- rex schema 8: what the reports add up without reading every closed deal. closed_totals
-- holds, for each UTC day (of closed_at), status (won or lost), pipeline and close reason as
-- stored ('' for none), the visible closed deals: how many, their value and, of won deals, the
-- seconds from creation to close (each at least 0), each as two sums that cannot overflow. A report's
-- window starts and ends at local midnights: it reads the whole UTC days inside it here and
-- the hours at either end from the deals. As with deal_totals, rows of an import still
-- loading or being discarded are left out.
CREATE TABLE closed_totals (
    day          TEXT NOT NULL,
    status       TEXT NOT NULL,
    pipeline_id  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    deals        INTEGER NOT NULL,
    value_high   INTEGER NOT NULL,
    value_low    INTEGER NOT NULL,
    cycle_high   INTEGER NOT NULL,
    cycle_low    INTEGER NOT NULL,
    PRIMARY KEY (day, status, pipeline_id, reason)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER closed_totals_insert AFTER INSERT ON deal_rows
WHEN new.status IN ('won', 'lost') AND new.closed_at IS NOT NULL
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    INSERT INTO closed_totals
        SELECT substr(new.closed_at, 1, 10), new.status, new.pipeline_id, coalesce(new.close_reason, ''),
            1, new.value >> 32, new.value & 4294967295, c >> 32, c & 4294967295
        FROM (SELECT CASE new.status WHEN 'won' THEN coalesce(max(0, unixepoch(new.closed_at) - unixepoch(new.created_at)), 0) ELSE 0 END AS c)
        WHERE true
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, cycle_high = cycle_high + excluded.cycle_high,
        cycle_low = cycle_low + excluded.cycle_low;
END;
CREATE TRIGGER closed_totals_delete AFTER DELETE ON deal_rows
WHEN old.status IN ('won', 'lost') AND old.closed_at IS NOT NULL
    AND old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE closed_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        cycle_high = cycle_high - (w.c >> 32), cycle_low = cycle_low - (w.c & 4294967295)
    FROM (SELECT CASE old.status WHEN 'won' THEN coalesce(max(0, unixepoch(old.closed_at) - unixepoch(old.created_at)), 0) ELSE 0 END AS c) w
    WHERE day = substr(old.closed_at, 1, 10) AND status = old.status AND pipeline_id = old.pipeline_id
        AND reason = coalesce(old.close_reason, '');
END;
CREATE TRIGGER closed_totals_update
AFTER UPDATE OF status, closed_at, value, pipeline_id, close_reason, created_at ON deal_rows
WHEN (old.status IS NOT new.status OR old.closed_at IS NOT new.closed_at OR old.value IS NOT new.value
        OR old.pipeline_id IS NOT new.pipeline_id OR old.close_reason IS NOT new.close_reason
        OR old.created_at IS NOT new.created_at)
    AND ((old.status IN ('won', 'lost') AND old.closed_at IS NOT NULL)
        OR (new.status IN ('won', 'lost') AND new.closed_at IS NOT NULL))
    AND new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE closed_totals SET deals = deals - 1, value_high = value_high - (old.value >> 32),
        value_low = value_low - (old.value & 4294967295),
        cycle_high = cycle_high - (w.c >> 32), cycle_low = cycle_low - (w.c & 4294967295)
    FROM (SELECT CASE old.status WHEN 'won' THEN coalesce(max(0, unixepoch(old.closed_at) - unixepoch(old.created_at)), 0) ELSE 0 END AS c) w
    WHERE old.status IN ('won', 'lost') AND old.closed_at IS NOT NULL
        AND day = substr(old.closed_at, 1, 10) AND status = old.status AND pipeline_id = old.pipeline_id
        AND reason = coalesce(old.close_reason, '');
    INSERT INTO closed_totals
        SELECT substr(new.closed_at, 1, 10), new.status, new.pipeline_id, coalesce(new.close_reason, ''),
            1, new.value >> 32, new.value & 4294967295, c >> 32, c & 4294967295
        FROM (SELECT CASE new.status WHEN 'won' THEN coalesce(max(0, unixepoch(new.closed_at) - unixepoch(new.created_at)), 0) ELSE 0 END AS c)
        WHERE new.status IN ('won', 'lost') AND new.closed_at IS NOT NULL
    ON CONFLICT DO UPDATE SET deals = deals + 1, value_high = value_high + excluded.value_high,
        value_low = value_low + excluded.value_low, cycle_high = cycle_high + excluded.cycle_high,
        cycle_low = cycle_low + excluded.cycle_low;
END;
INSERT INTO closed_totals
    SELECT substr(closed_at, 1, 10), status, pipeline_id, coalesce(close_reason, ''), count(*),
        sum(value >> 32), sum(value & 4294967295), sum(c >> 32), sum(c & 4294967295)
    FROM (SELECT closed_at, status, pipeline_id, close_reason, value,
            CASE status WHEN 'won' THEN coalesce(max(0, unixepoch(closed_at) - unixepoch(created_at)), 0) ELSE 0 END AS c
        FROM deal_rows WHERE status IN ('won', 'lost') AND closed_at IS NOT NULL
            AND batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')))
    GROUP BY 1, 2, 3, 4;
