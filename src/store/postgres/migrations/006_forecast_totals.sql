-- rex schema 6 (PostgreSQL): what `forecast` adds up without reading every active deal, as
-- SQLite's schema 7 keeps it: for each expected close date ('' for none) and stage, the open
-- and stalled deals: how many, their value and their value weighted by each deal's own chance
-- or else its stage's (to the nearest cent, halves up), each sum as two columns that cannot
-- overflow. As with closed_totals (schema 5), writes, which hold rex's write lock, change the
-- rows in place (`folded`), and an import of new records adds a row per change of its own
-- (deals +1 or -1) holding the deal's value and own chance: such a row is weighed at its
-- stage's chance when it is read or folded, because a stage's chance may change while the
-- import runs. A stage whose chance changes has its folded rows summed again.
CREATE TABLE forecast_totals (
    expected_close  text COLLATE "C" NOT NULL,
    stage_id        text COLLATE "C" NOT NULL,
    deals           bigint NOT NULL,
    value_high      bigint NOT NULL,
    value_low       bigint NOT NULL,
    weighted_high   bigint NOT NULL DEFAULT 0,   -- 0 on a row not folded
    weighted_low    bigint NOT NULL DEFAULT 0,
    amount          bigint,                      -- a row not folded: the deal's value
    probability     bigint,                      -- a row not folded: the deal's own chance
    folded          boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX forecast_totals_folded ON forecast_totals (expected_close, stage_id)
    WHERE folded;
CREATE INDEX forecast_totals_unfolded ON forecast_totals (stage_id) WHERE NOT folded;
-- A value weighted by a chance in percent, as rex rounds it everywhere.
CREATE FUNCTION rex_weighted(amount bigint, chance bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (amount / 100) * chance + ((amount % 100) * chance + 50) / 100 $$;
-- Adds one change to the counters: in place under rex's write lock, else as a row of its own.
CREATE FUNCTION rex_forecast_totals_add(closes text, stage text, sign bigint, amount bigint,
        own bigint) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    w bigint;
BEGIN
    IF current_setting('rex.in_place', true) = 'on' THEN
        SELECT rex_weighted(amount, coalesce(own, s.probability)) INTO w
            FROM stages s WHERE s.id = stage;
        INSERT INTO forecast_totals AS t (expected_close, stage_id, deals, value_high,
            value_low, weighted_high, weighted_low, folded)
        VALUES (coalesce(closes, ''), stage, sign, sign * (amount >> 32),
            sign * (amount & 4294967295), sign * (w >> 32), sign * (w & 4294967295), true)
        ON CONFLICT (expected_close, stage_id) WHERE folded DO UPDATE SET
            deals = t.deals + excluded.deals, value_high = t.value_high + excluded.value_high,
            value_low = t.value_low + excluded.value_low,
            weighted_high = t.weighted_high + excluded.weighted_high,
            weighted_low = t.weighted_low + excluded.weighted_low;
    ELSE
        INSERT INTO forecast_totals (expected_close, stage_id, deals, value_high, value_low,
            amount, probability)
        VALUES (coalesce(closes, ''), stage, sign, sign * (amount >> 32),
            sign * (amount & 4294967295), amount, own);
    END IF;
END
$$;
CREATE FUNCTION rex_forecast_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.status, OLD.stage_id, OLD.value, OLD.expected_close,
            OLD.probability) IS NOT DISTINCT FROM (NEW.status, NEW.stage_id, NEW.value,
            NEW.expected_close, NEW.probability) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('open', 'stalled') THEN
        PERFORM rex_forecast_totals_add(OLD.expected_close, OLD.stage_id, -1, OLD.value,
            OLD.probability);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN ('open', 'stalled') THEN
        PERFORM rex_forecast_totals_add(NEW.expected_close, NEW.stage_id, 1, NEW.value,
            NEW.probability);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER forecast_totals AFTER INSERT OR UPDATE OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION rex_forecast_totals();
-- A stage's chance changes under the write lock. Its folded rows become its deals at the new
-- chance less the rows not yet folded (those of an import that has committed), read in one
-- statement, so in one snapshot.
CREATE FUNCTION rex_forecast_totals_chance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM forecast_totals WHERE folded AND stage_id = NEW.id;
    INSERT INTO forecast_totals (expected_close, stage_id, deals, value_high, value_low,
        weighted_high, weighted_low, folded)
    SELECT expected_close, NEW.id, sum(deals), sum(value_high), sum(value_low),
        sum(weighted_high), sum(weighted_low), true
    FROM (SELECT coalesce(expected_close, '') AS expected_close, 1 AS deals,
                value >> 32 AS value_high, value & 4294967295 AS value_low,
                rex_weighted(value, coalesce(probability, NEW.probability)) >> 32 AS weighted_high,
                rex_weighted(value, coalesce(probability, NEW.probability)) & 4294967295 AS weighted_low
            FROM deals WHERE stage_id = NEW.id AND status IN ('open', 'stalled')
        UNION ALL
        SELECT expected_close, -deals, -value_high, -value_low,
                -deals * (rex_weighted(amount, coalesce(probability, NEW.probability)) >> 32),
                -deals * (rex_weighted(amount, coalesce(probability, NEW.probability)) & 4294967295)
            FROM forecast_totals WHERE NOT folded AND stage_id = NEW.id) c
    GROUP BY expected_close;
    RETURN NULL;
END
$$;
CREATE TRIGGER forecast_totals_chance AFTER UPDATE OF probability ON stages
    FOR EACH ROW WHEN (OLD.probability IS DISTINCT FROM NEW.probability)
    EXECUTE FUNCTION rex_forecast_totals_chance();
INSERT INTO forecast_totals (expected_close, stage_id, deals, value_high, value_low,
    weighted_high, weighted_low, folded)
SELECT coalesce(d.expected_close, ''), d.stage_id, count(*), sum(d.value >> 32),
    sum(d.value & 4294967295), sum(w >> 32), sum(w & 4294967295), true
FROM deals d JOIN stages s ON s.id = d.stage_id,
    LATERAL (SELECT rex_weighted(d.value, coalesce(d.probability, s.probability)) AS w) x
WHERE d.status IN ('open', 'stalled')
GROUP BY 1, 2;
