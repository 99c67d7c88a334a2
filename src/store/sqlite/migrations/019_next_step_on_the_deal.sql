-- rex schema 19: each deal's next step kept on its own row.
--
-- Every deal rex prints carries its next step (its soonest pending activity). Read through
-- activities_pending (schema 17), that cost one more index step a deal: about two pages
-- the deal's own read had not touched, 111 more page reads for a 50-deal page of
-- `deal list` at 1M deals. Kept on the deal's row, it is read with the deal.
--
-- It stays derived: no field of the deal's (not exported, not in `updated_at`), and never
-- written by rex's code. The triggers below work it out again whenever one of the deal's
-- activities is scheduled, changed, done, undone or deleted, whoever writes it (rex, or
-- the sqlite3 shell). An import still loading is hidden: its activities' triggers do
-- nothing (as the counters' of schema 6 do), and the deals it touched have their next
-- steps worked out by a trigger when it is published (so also when a rex from before this
-- schema, importing while a newer one upgraded the file, publishes it), or, after a bulk
-- load (which drops every trigger of the table), once for every deal. (A bulk load by a rex
-- from before this schema does not: from this schema on, rex refuses a write into a file a
-- newer rex upgraded while it ran.)
--
-- deal_next_steps is the one place that says what a deal's next step is: the visible
-- pending activity due soonest (all-day before timed, then by creation and id, as
-- `store::activities::SOONEST_FIRST` orders every list), as the JSON array of its
-- `STEP_COLUMNS`; NULL without one.
ALTER TABLE deal_rows ADD COLUMN next_step TEXT;
CREATE VIEW deal_next_steps AS
    SELECT d.id AS deal_id,
        (SELECT json_array(a.id, a.type, a.subject, a.due_date, a.due_time) FROM activities a
         WHERE a.deal_id = d.id AND a.done_at IS NULL
         ORDER BY a.due_date, a.due_time NULLS FIRST, a.created_at, a.id LIMIT 1) AS step
    FROM deal_rows d;
DROP VIEW deals;
CREATE VIEW deals AS
    SELECT id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
           owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at,
           closed_at, close_reason, tail, probability, origin, next_step FROM deal_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
-- Any insert, done or not: an INSERT OR REPLACE deletes the row it replaces without
-- firing next_step_deleted (unless recursive_triggers is on), so the deal's step is worked
-- out again whatever the new row is. (A REPLACE that moves an activity to another deal, or
-- replaces a deal's row, is not followed, as the counters' triggers do not follow it:
-- SQLite fires no delete trigger for it unless `PRAGMA recursive_triggers` is on.)
CREATE TRIGGER next_step_scheduled AFTER INSERT ON activity_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = new.deal_id)
    WHERE id = new.deal_id;
END;
-- A row moved into or out of a hidden import (its batch) is hidden or shown: either side
-- visible is reason enough.
CREATE TRIGGER next_step_changed
AFTER UPDATE OF id, deal_id, type, subject, due_date, due_time, done_at, created_at, batch
ON activity_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'))
    OR old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
    WHERE id IN (new.deal_id, old.deal_id);
END;
CREATE TRIGGER next_step_deleted AFTER DELETE ON activity_rows
WHEN old.done_at IS NULL
    AND old.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = old.deal_id)
    WHERE id = old.deal_id;
END;
-- A deal inserted after its activities (foreign keys deferred, or off in the sqlite3 shell),
-- or with a next step of its own (a row copied by hand), and a deal whose id changed after
-- its activities' did.
CREATE TRIGGER next_step_of_a_new_deal AFTER INSERT ON deal_rows
WHEN new.batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'))
    AND (new.next_step IS NOT NULL OR EXISTS (SELECT 1 FROM activity_rows WHERE deal_id = new.id))
BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = new.id)
    WHERE id = new.id;
END;
CREATE TRIGGER next_step_of_a_renamed_deal AFTER UPDATE OF id ON deal_rows
WHEN old.id IS NOT new.id BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = new.id)
    WHERE id = new.id;
END;
-- An import's activities are shown when it is published (or, by hand, its record is set
-- to another state, renumbered or deleted) and hidden again should its record go back to
-- loading: the deals of its pending activities are worked out again whenever that changes.
-- (Not followed: an import's record inserted by hand for rows already there, and a deal an
-- import adds after activities written for it by hand, outside the import.)
CREATE TRIGGER next_steps_shown_or_hidden AFTER UPDATE OF id, state ON imports
WHEN old.id IS NOT new.id
    OR (old.state IN ('loading', 'discarding')) IS NOT (new.state IN ('loading', 'discarding')) BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
    WHERE id IN (SELECT deal_id FROM activity_rows
                 WHERE batch IN (old.id, new.id) AND done_at IS NULL);
END;
CREATE TRIGGER next_steps_shown AFTER DELETE ON imports
WHEN old.state IN ('loading', 'discarding') BEGIN
    UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
    WHERE id IN (SELECT deal_id FROM activity_rows WHERE batch = old.id AND done_at IS NULL);
END;
--
-- activities_pending (schema 17) served the reads of next steps, which now read the deals'
-- rows: `deal list --no-next-step` and `today` ask `next_step IS NULL`, `--sort
-- next-activity` reads its key from it. Working one out again reads activities_deal (the
-- deal's pending activities, soonest first) and one activity's row.
DROP INDEX activities_pending;
UPDATE deal_rows SET next_step = (SELECT step FROM deal_next_steps WHERE deal_id = deal_rows.id)
WHERE id IN (SELECT deal_id FROM activities WHERE done_at IS NULL);
