-- Team roles (`rex team init`): what each group may do, enforced by the server. It runs as
-- rex_owner (the role that owns every rex table and does not log in), with search_path set
-- to rex's schema and pg_temp, which every function below pins (SET search_path FROM
-- CURRENT), so that no one can put a table or function of theirs in its way. It is run by
-- `rex team init` and again after a migration of a team database (a migration may replace
-- a function or add a table): every statement can run any number of times.
--
-- reader: SELECT what rex reads. member: that, and deals, their activities and their
-- history (append-only) where the deal's owner_id is the member's own. admin: everything
-- rex does, and the audit trail to read. Nobody but rex_owner alters or drops a table,
-- and nobody but rex_owner's triggers writes the audit trail.

CREATE TABLE IF NOT EXISTS team_members (
    login text COLLATE "C" NOT NULL PRIMARY KEY,
    role text COLLATE "C" NOT NULL CHECK (role IN ('reader', 'member', 'admin')),
    owner_id text COLLATE "C" NOT NULL,
    created_by_rex boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now(),
    added_by text NOT NULL DEFAULT session_user
);

CREATE TABLE IF NOT EXISTS audit_events (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT session_user,
    kind text COLLATE "C" NOT NULL,
    subject_id text COLLATE "C",
    detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at, id);
CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, at, id);

-- Who the connection's login is: its role and the owner id it acts as (NULL: not on the
-- team). The server answers for session_user, which a client cannot choose.
CREATE OR REPLACE FUNCTION rex_team_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT role FROM team_members WHERE login = session_user $$;

CREATE OR REPLACE FUNCTION rex_team_owner() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT owner_id FROM team_members WHERE login = session_user $$;

-- Whether the deal is the connection's member's own (for its activities and history).
CREATE OR REPLACE FUNCTION rex_team_owns_deal(deal text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT EXISTS (SELECT 1 FROM deals WHERE id = deal AND owner_id = rex_team_owner()) $$;

-- The counters a deal's change keeps (schemas 5 and 6) are written as their owner: a
-- member has no grant on them.
ALTER FUNCTION rex_closed_totals() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION rex_forecast_totals() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION rex_forecast_totals_chance() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION rex_totals_inserted() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION rex_closed_totals_add(text, text, text, text, text, bigint, bigint)
    SET search_path FROM CURRENT;
ALTER FUNCTION rex_forecast_totals_add(text, text, bigint, bigint, bigint)
    SET search_path FROM CURRENT;
-- The actor of an event is the login, whatever the client sends (schema 8).
ALTER FUNCTION rex_event_actor() SET search_path FROM CURRENT;
REVOKE EXECUTE ON FUNCTION rex_closed_totals_add(text, text, text, text, text, bigint, bigint),
    rex_forecast_totals_add(text, text, bigint, bigint, bigint) FROM PUBLIC;

-- The audit trail, written only here, as rex_owner; the actor is the login.
CREATE OR REPLACE FUNCTION rex_audit_deal() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO audit_events (kind, subject_id, detail)
        VALUES ('deal_deleted', OLD.id, to_jsonb(OLD) - 'tail');
    ELSIF OLD.owner_id IS DISTINCT FROM NEW.owner_id THEN
        INSERT INTO audit_events (kind, subject_id, detail)
        VALUES ('owner_changed', NEW.id,
            jsonb_build_object('name', NEW.name, 'from', OLD.owner_id, 'to', NEW.owner_id));
    END IF;
    RETURN NULL;
END
$$;

-- A stage removed on its own. A pipeline's deletion removes its stages with it (the foreign
-- key's cascade): that is its own one event, and by the time these row triggers run the
-- pipeline is gone, which is how they know. `pipeline update --remove-stage` first renames a
-- stage it removes to '#' and its id (so that another may take its name meanwhile): its
-- name is the one it had before (see rex_audit_stage_name).
CREATE OR REPLACE FUNCTION rex_audit_stage() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    of_pipeline text := (SELECT p.name FROM pipelines p WHERE p.id = OLD.pipeline_id);
    was text := OLD.name;
BEGIN
    IF of_pipeline IS NULL THEN
        RETURN NULL;
    END IF;
    IF was = '#' || OLD.id THEN
        was := coalesce(nullif(current_setting('rex.stage_' || md5(OLD.id), true), ''), was);
    END IF;
    INSERT INTO audit_events (kind, subject_id, detail)
    VALUES ('stage_removed', OLD.id, jsonb_build_object('name', was,
        'pipeline_id', OLD.pipeline_id, 'pipeline', of_pipeline));
    RETURN NULL;
END
$$;

-- A stage's name before rex renamed it to '#' and its id, for the rest of the transaction.
CREATE OR REPLACE FUNCTION rex_audit_stage_name() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
BEGIN
    PERFORM set_config('rex.stage_' || md5(NEW.id), OLD.name, true);
    RETURN NULL;
END
$$;

-- Before the deletion, while its stages are still there to name.
CREATE OR REPLACE FUNCTION rex_audit_pipeline() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
BEGIN
    INSERT INTO audit_events (kind, subject_id, detail)
    VALUES ('pipeline_deleted', OLD.id, jsonb_build_object('name', OLD.name,
        'stages', (SELECT coalesce(jsonb_agg(name ORDER BY position), '[]')
                   FROM stages WHERE pipeline_id = OLD.id)));
    RETURN OLD;
END
$$;

CREATE OR REPLACE FUNCTION rex_audit_team() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_events (kind, subject_id, detail)
        VALUES ('team_member_added', NEW.login,
            jsonb_build_object('role', NEW.role, 'owner_id', NEW.owner_id));
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_events (kind, subject_id, detail)
        VALUES ('team_member_removed', OLD.login,
            jsonb_build_object('role', OLD.role, 'owner_id', OLD.owner_id));
    ELSE
        -- rex changes only a role; anything else was changed by hand (as rex_owner), and
        -- is recorded all the same, a line per field.
        IF OLD.role IS DISTINCT FROM NEW.role THEN
            INSERT INTO audit_events (kind, subject_id, detail)
            VALUES ('team_member_role_changed', NEW.login,
                jsonb_build_object('from', OLD.role, 'to', NEW.role));
        END IF;
        IF OLD.owner_id IS DISTINCT FROM NEW.owner_id THEN
            INSERT INTO audit_events (kind, subject_id, detail)
            VALUES ('team_member_owner_changed', NEW.login,
                jsonb_build_object('from', OLD.owner_id, 'to', NEW.owner_id));
        END IF;
        IF OLD.login IS DISTINCT FROM NEW.login THEN
            INSERT INTO audit_events (kind, subject_id, detail)
            VALUES ('team_member_changed', NEW.login, jsonb_build_object('field', 'login',
                'from', OLD.login, 'to', NEW.login));
        END IF;
        IF OLD.created_by_rex IS DISTINCT FROM NEW.created_by_rex THEN
            INSERT INTO audit_events (kind, subject_id, detail)
            VALUES ('team_member_changed', NEW.login, jsonb_build_object(
                'field', 'created_by_rex', 'from', OLD.created_by_rex,
                'to', NEW.created_by_rex));
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS audit ON deals;
CREATE TRIGGER audit AFTER DELETE OR UPDATE OF owner_id ON deals
    FOR EACH ROW EXECUTE FUNCTION rex_audit_deal();
DROP TRIGGER IF EXISTS audit ON stages;
CREATE TRIGGER audit AFTER DELETE ON stages
    FOR EACH ROW EXECUTE FUNCTION rex_audit_stage();
DROP TRIGGER IF EXISTS audit_name ON stages;
CREATE TRIGGER audit_name AFTER UPDATE OF name ON stages
    FOR EACH ROW WHEN (NEW.name = '#' || NEW.id AND OLD.name <> NEW.name)
    EXECUTE FUNCTION rex_audit_stage_name();
DROP TRIGGER IF EXISTS audit ON pipelines;
CREATE TRIGGER audit BEFORE DELETE ON pipelines
    FOR EACH ROW EXECUTE FUNCTION rex_audit_pipeline();
DROP TRIGGER IF EXISTS audit ON team_members;
CREATE TRIGGER audit AFTER INSERT OR DELETE OR UPDATE ON team_members
    FOR EACH ROW EXECUTE FUNCTION rex_audit_team();

-- Grants: nothing to PUBLIC; each group what it may do.
REVOKE ALL ON deals, deal_events, activities, pipelines, stages, closed_totals,
    forecast_totals, rex_schema, api_tokens, api_replays, team_members, audit_events
    FROM PUBLIC, rex_reader, rex_member, rex_admin;
GRANT SELECT ON deals, deal_events, activities, pipelines, stages, closed_totals,
    forecast_totals, rex_schema, team_members TO rex_reader, rex_member, rex_admin;
GRANT INSERT, UPDATE, DELETE ON deals, activities TO rex_member;
GRANT INSERT ON deal_events TO rex_member;
-- Not team_members: rex's team commands write it as rex_owner (SET LOCAL ROLE within
-- their transaction), and a change by hand takes SET ROLE rex_owner too; the trigger above
-- records either, owner ids included.
GRANT INSERT, UPDATE, DELETE ON deals, deal_events, activities, pipelines, stages,
    closed_totals, forecast_totals TO rex_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON api_tokens, api_replays TO rex_admin;
GRANT SELECT ON audit_events TO rex_admin;

-- Row-level security where a member writes: a member's writes only on its own deals (USING
-- for the rows it may touch, WITH CHECK for what it may leave, so that it cannot give a deal
-- away either). The owner role is not subject to them (it does not log in), and deleting a
-- deal deletes its history and activities as the owner (the foreign keys' cascade).
ALTER TABLE deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE deal_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE activities ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS team_read ON deals;
CREATE POLICY team_read ON deals FOR SELECT TO rex_reader, rex_member, rex_admin USING (true);
DROP POLICY IF EXISTS member_insert ON deals;
CREATE POLICY member_insert ON deals FOR INSERT TO rex_member
    WITH CHECK (owner_id = rex_team_owner());
DROP POLICY IF EXISTS member_update ON deals;
CREATE POLICY member_update ON deals FOR UPDATE TO rex_member
    USING (owner_id = rex_team_owner()) WITH CHECK (owner_id = rex_team_owner());
DROP POLICY IF EXISTS member_delete ON deals;
CREATE POLICY member_delete ON deals FOR DELETE TO rex_member
    USING (owner_id = rex_team_owner());
DROP POLICY IF EXISTS admin_all ON deals;
CREATE POLICY admin_all ON deals FOR ALL TO rex_admin USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS team_read ON deal_events;
CREATE POLICY team_read ON deal_events FOR SELECT TO rex_reader, rex_member, rex_admin
    USING (true);
DROP POLICY IF EXISTS member_insert ON deal_events;
CREATE POLICY member_insert ON deal_events FOR INSERT TO rex_member
    WITH CHECK (rex_team_owns_deal(deal_id));
DROP POLICY IF EXISTS admin_all ON deal_events;
CREATE POLICY admin_all ON deal_events FOR ALL TO rex_admin USING (true) WITH CHECK (true);

DROP POLICY IF EXISTS team_read ON activities;
CREATE POLICY team_read ON activities FOR SELECT TO rex_reader, rex_member, rex_admin
    USING (true);
DROP POLICY IF EXISTS member_write ON activities;
CREATE POLICY member_write ON activities FOR ALL TO rex_member
    USING (rex_team_owns_deal(deal_id)) WITH CHECK (rex_team_owns_deal(deal_id));
DROP POLICY IF EXISTS admin_all ON activities;
CREATE POLICY admin_all ON activities FOR ALL TO rex_admin USING (true) WITH CHECK (true);
