-- rex schema 13 (PostgreSQL): the counters of closed deals (schema 5) and of active deals by
-- expected close (schema 6) count the deals a statement inserts once per statement, over
-- all of its rows (a transition table), instead of once per row: an import loads its deals
-- in large COPY statements, and summing each batch with one GROUP BY costs a fraction of a
-- counter row per deal. What it adds is what the per-row functions add for each inserted
-- row (rex_closed_totals_add, rex_forecast_totals_add), grouped: under rex's write lock
-- (`rex.in_place`) into the folded rows, else as rows of their own that the import folds
-- afterwards (a row not folded of forecast_totals still holds one value and one own chance,
-- for it is weighed at its stage's chance when read). Updates and deletions keep the
-- per-row triggers. (Every statement may run again: see team_roles.rs.)
CREATE OR REPLACE FUNCTION rex_totals_inserted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('rex.in_place', true) = 'on' THEN
        INSERT INTO closed_totals AS t (day, status, pipeline_id, reason, deals, value_high,
            value_low, cycle_high, cycle_low, folded)
        SELECT substr(n.closed_at, 1, 10), n.status, n.pipeline_id,
            coalesce(n.close_reason, ''), count(*), sum(n.value >> 32),
            sum(n.value & 4294967295), sum(c.cycle >> 32), sum(c.cycle & 4294967295), true
        FROM inserted_deals n, LATERAL (SELECT CASE n.status WHEN 'won' THEN
            greatest(0, extract(epoch FROM n.closed_at::timestamp
                - n.created_at::timestamp))::bigint ELSE 0 END AS cycle) c
        WHERE n.status IN ('won', 'lost') AND n.closed_at IS NOT NULL
        GROUP BY 1, 2, 3, 4
        ON CONFLICT (day, status, pipeline_id, reason) WHERE folded DO UPDATE SET
            deals = t.deals + excluded.deals, value_high = t.value_high + excluded.value_high,
            value_low = t.value_low + excluded.value_low,
            cycle_high = t.cycle_high + excluded.cycle_high,
            cycle_low = t.cycle_low + excluded.cycle_low;
        INSERT INTO forecast_totals AS t (expected_close, stage_id, deals, value_high,
            value_low, weighted_high, weighted_low, folded)
        SELECT coalesce(n.expected_close, ''), n.stage_id, count(*), sum(n.value >> 32),
            sum(n.value & 4294967295), sum(x.w >> 32), sum(x.w & 4294967295), true
        FROM inserted_deals n JOIN stages s ON s.id = n.stage_id,
            LATERAL (SELECT rex_weighted(n.value, coalesce(n.probability, s.probability)) AS w) x
        WHERE n.status IN ('open', 'stalled')
        GROUP BY 1, 2
        ON CONFLICT (expected_close, stage_id) WHERE folded DO UPDATE SET
            deals = t.deals + excluded.deals, value_high = t.value_high + excluded.value_high,
            value_low = t.value_low + excluded.value_low,
            weighted_high = t.weighted_high + excluded.weighted_high,
            weighted_low = t.weighted_low + excluded.weighted_low;
    ELSE
        INSERT INTO closed_totals (day, status, pipeline_id, reason, deals, value_high,
            value_low, cycle_high, cycle_low)
        SELECT substr(n.closed_at, 1, 10), n.status, n.pipeline_id,
            coalesce(n.close_reason, ''), count(*), sum(n.value >> 32),
            sum(n.value & 4294967295), sum(c.cycle >> 32), sum(c.cycle & 4294967295)
        FROM inserted_deals n, LATERAL (SELECT CASE n.status WHEN 'won' THEN
            greatest(0, extract(epoch FROM n.closed_at::timestamp
                - n.created_at::timestamp))::bigint ELSE 0 END AS cycle) c
        WHERE n.status IN ('won', 'lost') AND n.closed_at IS NOT NULL
        GROUP BY 1, 2, 3, 4;
        INSERT INTO forecast_totals (expected_close, stage_id, deals, value_high, value_low,
            amount, probability)
        SELECT coalesce(n.expected_close, ''), n.stage_id, count(*), sum(n.value >> 32),
            sum(n.value & 4294967295), n.value, n.probability
        FROM inserted_deals n
        WHERE n.status IN ('open', 'stalled')
        GROUP BY 1, 2, n.value, n.probability;
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS closed_totals ON deals;
CREATE TRIGGER closed_totals AFTER UPDATE OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION rex_closed_totals();
DROP TRIGGER IF EXISTS forecast_totals ON deals;
CREATE TRIGGER forecast_totals AFTER UPDATE OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION rex_forecast_totals();
DROP TRIGGER IF EXISTS totals_inserted ON deals;
CREATE TRIGGER totals_inserted AFTER INSERT ON deals REFERENCING NEW TABLE AS inserted_deals
    FOR EACH STATEMENT EXECUTE FUNCTION rex_totals_inserted();
