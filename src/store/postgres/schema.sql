-- rex's PostgreSQL schema as it stands after every migration in migrations/, as the
-- server's catalog describes it: tables with their columns in order and their constraints,
-- then foreign keys, indexes, functions and triggers, each kind by name. It is for reading
-- (run in this order, it builds the same schema): the database is built by the migrations,
-- and the test `schema::postgresql_schema_file_is_what_the_migrations_build` (in
-- tests/cli/schema.rs, which holds the catalog query) checks that the two agree in the
-- suite's PostgreSQL run. After adding a migration, regenerate everything below this header
-- with a server whose user may create databases:
--   REX_TEST_POSTGRES=postgres://USER@HOST:PORT/postgres REX_UPDATE_GENERATED=1 \
--     cargo test --test cli -- --include-ignored schema::postgresql
CREATE EXTENSION pg_trgm;

CREATE TABLE activities (
    id text COLLATE "C" NOT NULL,
    deal_id text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    subject text NOT NULL,
    due_date text COLLATE "C" NOT NULL,
    due_time text COLLATE "C",
    duration_minutes bigint,
    owner_id text COLLATE "C",
    note text,
    done_at text COLLATE "C",
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL,
    CONSTRAINT activities_duration_minutes_check CHECK ((duration_minutes > 0)),
    CONSTRAINT activities_pkey PRIMARY KEY (id),
    CONSTRAINT activities_type_check CHECK ((type = ANY (ARRAY['call'::text, 'meeting'::text, 'email'::text, 'task'::text, 'deadline'::text, 'lunch'::text])))
);

CREATE TABLE api_replays (
    scope text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    request_hash text COLLATE "C" NOT NULL,
    status bigint NOT NULL,
    location text,
    body text NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    CONSTRAINT api_replays_pkey PRIMARY KEY (scope, key),
    CONSTRAINT api_replays_status_check CHECK (((status >= 100) AND (status <= 599)))
);

CREATE TABLE api_tokens (
    name text COLLATE "C" NOT NULL,
    role text COLLATE "C" NOT NULL,
    owner text COLLATE "C",
    hash text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    last_used_at text COLLATE "C",
    expires_at text COLLATE "C",
    CONSTRAINT api_tokens_check CHECK (((role <> 'member'::text) OR (owner IS NOT NULL))),
    CONSTRAINT api_tokens_hash_key UNIQUE (hash),
    CONSTRAINT api_tokens_pkey PRIMARY KEY (name),
    CONSTRAINT api_tokens_role_check CHECK ((role = ANY (ARRAY['reader'::text, 'member'::text, 'admin'::text])))
);

CREATE TABLE closed_totals (
    day text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    pipeline_id text COLLATE "C" NOT NULL,
    reason text COLLATE "C" NOT NULL,
    deals bigint NOT NULL,
    value_high bigint NOT NULL,
    value_low bigint NOT NULL,
    cycle_high bigint NOT NULL,
    cycle_low bigint NOT NULL,
    folded boolean DEFAULT false NOT NULL
);

CREATE TABLE deal_events (
    seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    deal_id text COLLATE "C" NOT NULL,
    at text COLLATE "C" NOT NULL,
    kind text NOT NULL,
    details text DEFAULT '{}'::text NOT NULL,
    actor text DEFAULT SESSION_USER,
    CONSTRAINT deal_events_pkey PRIMARY KEY (seq)
);

CREATE TABLE deals (
    id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    name_key text COLLATE "C" NOT NULL,
    value bigint NOT NULL,
    status text COLLATE "C" NOT NULL,
    contact_id text COLLATE "C",
    pipeline_id text COLLATE "C" NOT NULL,
    stage_id text COLLATE "C" NOT NULL,
    expected_close text COLLATE "C",
    owner_id text COLLATE "C",
    metadata text DEFAULT '{}'::text NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL,
    last_activity_at text COLLATE "C" NOT NULL,
    stage_entered_at text COLLATE "C" NOT NULL,
    closed_at text COLLATE "C",
    close_reason text,
    probability bigint,
    tail text COLLATE "C" GENERATED ALWAYS AS (reverse("right"(id, 16))) STORED,
    origin text COLLATE "C",
    CONSTRAINT deals_pkey PRIMARY KEY (id),
    CONSTRAINT deals_probability_check CHECK (((probability >= 0) AND (probability <= 100))),
    CONSTRAINT deals_status_check CHECK ((status = ANY (ARRAY['open'::text, 'won'::text, 'lost'::text, 'stalled'::text]))),
    CONSTRAINT deals_value_check CHECK ((value >= 0))
);

CREATE TABLE forecast_totals (
    expected_close text COLLATE "C" NOT NULL,
    stage_id text COLLATE "C" NOT NULL,
    deals bigint NOT NULL,
    value_high bigint NOT NULL,
    value_low bigint NOT NULL,
    weighted_high bigint DEFAULT 0 NOT NULL,
    weighted_low bigint DEFAULT 0 NOT NULL,
    amount bigint,
    probability bigint,
    folded boolean DEFAULT false NOT NULL
);

CREATE TABLE pipelines (
    id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    name_key text COLLATE "C" NOT NULL,
    stall_days bigint NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL,
    CONSTRAINT pipelines_name_key_key UNIQUE (name_key),
    CONSTRAINT pipelines_pkey PRIMARY KEY (id),
    CONSTRAINT pipelines_stall_days_check CHECK ((stall_days > 0))
);

CREATE TABLE rex_schema (
    id integer NOT NULL,
    application text NOT NULL,
    version bigint NOT NULL,
    CONSTRAINT rex_schema_id_check CHECK ((id = 1)),
    CONSTRAINT rex_schema_pkey PRIMARY KEY (id)
);

CREATE TABLE stages (
    id text COLLATE "C" NOT NULL,
    pipeline_id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    name_key text COLLATE "C" NOT NULL,
    color text NOT NULL,
    "position" bigint NOT NULL,
    stall_days bigint,
    probability bigint DEFAULT 100 NOT NULL,
    CONSTRAINT stages_pipeline_id_id_key UNIQUE (pipeline_id, id),
    CONSTRAINT stages_pipeline_id_name_key_key UNIQUE (pipeline_id, name_key),
    CONSTRAINT stages_pkey PRIMARY KEY (id),
    CONSTRAINT stages_position_check CHECK (("position" >= 0)),
    CONSTRAINT stages_probability_check CHECK (((probability >= 0) AND (probability <= 100))),
    CONSTRAINT stages_stall_days_check CHECK ((stall_days >= 0))
);

ALTER TABLE activities ADD CONSTRAINT activities_deal_id_fkey FOREIGN KEY (deal_id) REFERENCES deals(id) ON DELETE CASCADE;

ALTER TABLE deal_events ADD CONSTRAINT deal_events_deal_id_fkey FOREIGN KEY (deal_id) REFERENCES deals(id) ON DELETE CASCADE;

ALTER TABLE deals ADD CONSTRAINT deals_pipeline_id_stage_id_fkey FOREIGN KEY (pipeline_id, stage_id) REFERENCES stages(pipeline_id, id);

ALTER TABLE stages ADD CONSTRAINT stages_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES pipelines(id) ON DELETE CASCADE;

CREATE INDEX activities_deal ON activities USING btree (deal_id, done_at, due_date, due_time NULLS FIRST, created_at, id);

CREATE INDEX activities_due ON activities USING btree (done_at, due_date, due_time NULLS FIRST, created_at, id);

CREATE INDEX activities_owner ON activities USING btree (owner_id, done_at, due_date, due_time NULLS FIRST, created_at, id);

CREATE INDEX activities_ref ON activities USING btree ("right"(id, 7));

CREATE INDEX api_replays_age ON api_replays USING btree (created_at);

CREATE UNIQUE INDEX closed_totals_folded ON closed_totals USING btree (day, status, pipeline_id, reason) WHERE folded;

CREATE INDEX closed_totals_unfolded ON closed_totals USING btree (day) WHERE (NOT folded);

CREATE INDEX deal_events_deal ON deal_events USING btree (deal_id, seq);

CREATE INDEX deals_contact_trigrams ON deals USING gin (lower(contact_id) gin_trgm_ops);

CREATE INDEX deals_created ON deals USING btree (created_at, id);

CREATE INDEX deals_name ON deals USING btree (name_key);

CREATE INDEX deals_name_trigrams ON deals USING gin (name_key gin_trgm_ops);

CREATE UNIQUE INDEX deals_origin ON deals USING btree (origin) WHERE (origin IS NOT NULL);

CREATE INDEX deals_own_probability ON deals USING btree (stage_id, status, value, probability) WHERE (probability IS NOT NULL);

CREATE INDEX deals_owner_created ON deals USING btree (owner_id, created_at, id);

CREATE INDEX deals_owner_stage_activity ON deals USING btree (owner_id, stage_id, status, last_activity_at, id);

CREATE INDEX deals_owner_status ON deals USING btree (owner_id, status, value, id);

CREATE INDEX deals_pipeline_status_value ON deals USING btree (pipeline_id, status, value, id);

CREATE INDEX deals_ref ON deals USING btree ("right"(id, 7));

CREATE INDEX deals_stage_status_activity ON deals USING btree (stage_id, status, last_activity_at, id);

CREATE INDEX deals_stage_status_value ON deals USING btree (stage_id, status, value, id);

CREATE INDEX deals_status_closed ON deals USING btree (status, closed_at) WHERE (closed_at IS NOT NULL);

CREATE INDEX deals_status_value ON deals USING btree (status, value, id);

CREATE INDEX deals_tail ON deals USING btree (tail);

CREATE UNIQUE INDEX forecast_totals_folded ON forecast_totals USING btree (expected_close, stage_id) WHERE folded;

CREATE INDEX forecast_totals_unfolded ON forecast_totals USING btree (stage_id) WHERE (NOT folded);

CREATE OR REPLACE FUNCTION rex_closed_totals()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION rex_closed_totals_add(closed text, closed_as text, pipeline text, why text, created text, sign bigint, amount bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION rex_event_actor()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.actor := session_user;
    ELSE
        NEW.actor := OLD.actor;
    END IF;
    RETURN NEW;
END
$function$;

CREATE OR REPLACE FUNCTION rex_forecast_totals()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION rex_forecast_totals_add(closes text, stage text, sign bigint, amount bigint, own bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION rex_forecast_totals_chance()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION rex_totals_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION rex_weighted(amount bigint, chance bigint)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT (amount / 100) * chance + ((amount % 100) * chance + 50) / 100 $function$;

CREATE TRIGGER closed_totals AFTER DELETE OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION rex_closed_totals();

CREATE TRIGGER event_actor BEFORE INSERT OR UPDATE ON deal_events FOR EACH ROW EXECUTE FUNCTION rex_event_actor();

CREATE TRIGGER forecast_totals AFTER DELETE OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION rex_forecast_totals();

CREATE TRIGGER forecast_totals_chance AFTER UPDATE OF probability ON stages FOR EACH ROW WHEN ((old.probability IS DISTINCT FROM new.probability)) EXECUTE FUNCTION rex_forecast_totals_chance();

CREATE TRIGGER totals_inserted AFTER INSERT ON deals REFERENCING NEW TABLE AS inserted_deals FOR EACH STATEMENT EXECUTE FUNCTION rex_totals_inserted();
