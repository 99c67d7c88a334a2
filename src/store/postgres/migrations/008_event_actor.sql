-- rex schema 8 (PostgreSQL), as SQLite's schema 12: who recorded each history event
-- (`actor`). The server writes it, from the login of the connection (session_user), which
-- a client cannot choose: rex's inserts never name the column. The column is added first
-- and its default set after, so that events recorded before keep NULL (a default given
-- with ADD COLUMN would name the person who ran this migration on every old event).
ALTER TABLE deal_events ADD COLUMN actor text;
ALTER TABLE deal_events ALTER COLUMN actor SET DEFAULT session_user;
-- A member can still reach the table with psql, so the server also keeps the column honest
-- there: an INSERT records the login whatever actor it names, and an UPDATE keeps the one
-- recorded. (A member who owns the tables can still alter them: drop this trigger.)
CREATE FUNCTION rex_event_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.actor := session_user;
    ELSE
        NEW.actor := OLD.actor;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER event_actor BEFORE INSERT OR UPDATE ON deal_events
    FOR EACH ROW EXECUTE FUNCTION rex_event_actor();
