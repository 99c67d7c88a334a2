-- rex schema 16 (15 is the owner index): activities, what a salesperson promised to do next
-- on a deal. Like deals and their history, the rows carry the batch of the import that loaded
-- them, and `activities` is the view of the visible ones. An activity is pending while it has
-- no `done_at`. Deleting a deal deletes its activities.
CREATE TABLE IF NOT EXISTS activity_rows (
    id                TEXT PRIMARY KEY,
    deal_id           TEXT NOT NULL REFERENCES deal_rows (id) ON DELETE CASCADE,
    type              TEXT NOT NULL
        CHECK (type IN ('call', 'meeting', 'email', 'task', 'deadline', 'lunch')),
    subject           TEXT NOT NULL,
    due_date          TEXT NOT NULL,
    due_time          TEXT,                                   -- HH:MM; NULL: all day
    duration_minutes  INTEGER CHECK (duration_minutes > 0),
    owner_id          TEXT,
    note              TEXT,
    done_at           TEXT,                                   -- NULL: still to do
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    batch             INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE VIEW IF NOT EXISTS activities AS
    SELECT id, deal_id, type, subject, due_date, due_time, duration_minutes, owner_id, note,
           done_at, created_at, updated_at FROM activity_rows
    WHERE batch NOT IN (SELECT id FROM imports WHERE state IN ('loading', 'discarding'));
-- A deal's activities, its pending ones soonest first: its next step (one step per deal
-- shown), `--no-next-step`, `activity list --deal`, and the cascade when a deal is deleted.
CREATE INDEX IF NOT EXISTS activities_deal
    ON activity_rows (deal_id, done_at, due_date, due_time, created_at, id);
-- One owner's activities soonest first: `activity list`, `today`.
CREATE INDEX IF NOT EXISTS activities_owner
    ON activity_rows (owner_id, done_at, due_date, due_time, created_at, id);
-- Everyone's, soonest first: `activity list --all`, `--due`.
CREATE INDEX IF NOT EXISTS activities_due ON activity_rows (done_at, due_date, due_time, created_at, id);
-- An activity named by the end of its id, as tables show it.
CREATE INDEX IF NOT EXISTS activities_ref ON activity_rows (substr(id, -7));
