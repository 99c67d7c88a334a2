-- rex schema 5 (PostgreSQL): what the reports add up without reading every closed deal, as
-- SQLite's schema 8 keeps it: for each UTC day (of closed_at), status, pipeline and close
-- reason as stored ('' for none), how many closed deals, their value and, of won deals, the
-- seconds from creation to close (each at least 0), each sum as two columns that cannot
-- overflow. Writes, which hold rex's write lock, change them in place (the rows `folded`). An
-- import of new records, which runs beside the writers without that lock, only adds rows of
-- its own (+1 or -1 per change), so its long transaction holds no row another writer needs;
-- once it has committed, it folds them into the others under the lock. Readers add up both.
CREATE TABLE closed_totals (
    day          text COLLATE "C" NOT NULL,
    status       text COLLATE "C" NOT NULL,
    pipeline_id  text COLLATE "C" NOT NULL,
    reason       text COLLATE "C" NOT NULL,
    deals        bigint NOT NULL,
    value_high   bigint NOT NULL,
    value_low    bigint NOT NULL,
    cycle_high   bigint NOT NULL,
    cycle_low    bigint NOT NULL,
    folded       boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX closed_totals_folded ON closed_totals (day, status, pipeline_id, reason)
    WHERE folded;
CREATE INDEX closed_totals_unfolded ON closed_totals (day) WHERE NOT folded;
-- Adds one change to the counters: in place under rex's write lock (every write but an
-- import of new records sets rex.in_place), else as a row of its own.
CREATE FUNCTION rex_closed_totals_add(closed text, closed_as text, pipeline text, why text,
        created text, sign bigint, amount bigint) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    cycle bigint := CASE closed_as WHEN 'won' THEN greatest(0, extract(epoch FROM
        closed::timestamp - created::timestamp))::bigint ELSE 0 END;
BEGIN
    IF current_setting('rex.in_place', true) = 'on' THEN
        INSERT INTO closed_totals AS t (day, status, pipeline_id, reason, deals, value_high,
            value_low, cycle_high, cycle_low, folded)
        VALUES (substr(closed, 1, 10), closed_as, pipeline, coalesce(why, ''), sign,
            sign * (amount >> 32), sign * (amount & 4294967295), sign * (cycle >> 32),
            sign * (cycle & 4294967295), true)
        ON CONFLICT (day, status, pipeline_id, reason) WHERE folded DO UPDATE SET
            deals = t.deals + excluded.deals, value_high = t.value_high + excluded.value_high,
            value_low = t.value_low + excluded.value_low,
            cycle_high = t.cycle_high + excluded.cycle_high,
            cycle_low = t.cycle_low + excluded.cycle_low;
    ELSE
        INSERT INTO closed_totals (day, status, pipeline_id, reason, deals, value_high,
            value_low, cycle_high, cycle_low)
        VALUES (substr(closed, 1, 10), closed_as, pipeline, coalesce(why, ''), sign,
            sign * (amount >> 32), sign * (amount & 4294967295), sign * (cycle >> 32),
            sign * (cycle & 4294967295));
    END IF;
END
$$;
CREATE FUNCTION rex_closed_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.status, OLD.closed_at, OLD.value, OLD.pipeline_id,
            OLD.close_reason, OLD.created_at) IS NOT DISTINCT FROM (NEW.status, NEW.closed_at,
            NEW.value, NEW.pipeline_id, NEW.close_reason, NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('won', 'lost') AND OLD.closed_at IS NOT NULL THEN
        PERFORM rex_closed_totals_add(OLD.closed_at, OLD.status, OLD.pipeline_id,
            OLD.close_reason, OLD.created_at, -1, OLD.value);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN ('won', 'lost') AND NEW.closed_at IS NOT NULL THEN
        PERFORM rex_closed_totals_add(NEW.closed_at, NEW.status, NEW.pipeline_id,
            NEW.close_reason, NEW.created_at, 1, NEW.value);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER closed_totals AFTER INSERT OR UPDATE OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION rex_closed_totals();
INSERT INTO closed_totals (day, status, pipeline_id, reason, deals, value_high, value_low,
    cycle_high, cycle_low, folded)
SELECT substr(closed_at, 1, 10), status, pipeline_id, coalesce(close_reason, ''), count(*),
    sum(value >> 32), sum(value & 4294967295), sum(c >> 32), sum(c & 4294967295), true
FROM (SELECT closed_at, status, pipeline_id, close_reason, value,
        CASE status WHEN 'won' THEN greatest(0, extract(epoch FROM
            closed_at::timestamp - created_at::timestamp))::bigint ELSE 0 END AS c
    FROM deals WHERE status IN ('won', 'lost') AND closed_at IS NOT NULL) d
GROUP BY 1, 2, 3, 4;
