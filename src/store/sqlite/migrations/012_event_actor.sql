-- rex schema 12: who recorded each history event (`actor`): the person rex was told of
-- (REX_OWNER, else the system user), which every write of an event binds. Events recorded
-- before keep NULL: rex did not know who made them.
ALTER TABLE event_rows ADD COLUMN actor TEXT;
DROP VIEW deal_events;
CREATE VIEW deal_events AS
    SELECT seq, deal_id, at, kind, details, actor FROM event_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
