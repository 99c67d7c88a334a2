-- rex schema 5 (PostgreSQL): what the reports add up without reading every closed deal, as
-- SQLite's schema 8 keeps it: for each UTC day (of closed_at), status, pipeline and close
-- reason as stored ('' for none), how many closed deals, their value and, of won deals, the
-- seconds from creation to close (each at least 0), each sum as two columns that cannot
-- overflow. Unlike SQLite's, these rows are only ever added: each change to a closed deal
-- adds its own (+1 or -1), so an import's long transaction holds no row another writer needs.
-- The next write that holds rex's write lock folds the rows added since into one row per key
-- (`folded`); readers add up both.
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
CREATE FUNCTION rex_closed_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.status, OLD.closed_at, OLD.value, OLD.pipeline_id,
            OLD.close_reason, OLD.created_at) IS NOT DISTINCT FROM (NEW.status, NEW.closed_at,
            NEW.value, NEW.pipeline_id, NEW.close_reason, NEW.created_at) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('won', 'lost') AND OLD.closed_at IS NOT NULL THEN
        INSERT INTO closed_totals (day, status, pipeline_id, reason, deals, value_high, value_low,
            cycle_high, cycle_low)
        SELECT substr(OLD.closed_at, 1, 10), OLD.status, OLD.pipeline_id,
            coalesce(OLD.close_reason, ''), -1, -(OLD.value >> 32), -(OLD.value & 4294967295),
            -(c >> 32), -(c & 4294967295)
        FROM (SELECT CASE OLD.status WHEN 'won' THEN greatest(0, extract(epoch FROM
                OLD.closed_at::timestamp - OLD.created_at::timestamp))::bigint ELSE 0 END AS c) w;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN ('won', 'lost') AND NEW.closed_at IS NOT NULL THEN
        INSERT INTO closed_totals (day, status, pipeline_id, reason, deals, value_high, value_low,
            cycle_high, cycle_low)
        SELECT substr(NEW.closed_at, 1, 10), NEW.status, NEW.pipeline_id,
            coalesce(NEW.close_reason, ''), 1, NEW.value >> 32, NEW.value & 4294967295,
            c >> 32, c & 4294967295
        FROM (SELECT CASE NEW.status WHEN 'won' THEN greatest(0, extract(epoch FROM
                NEW.closed_at::timestamp - NEW.created_at::timestamp))::bigint ELSE 0 END AS c) w;
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
