-- rex schema 12 (PostgreSQL; 11 is the owner index), as SQLite's schema 16: activities, what
-- a salesperson promised to do next on a deal. An activity is pending while it has no
-- `done_at`; all-day ones (no time) come first on their day, hence NULLS FIRST. Deleting a
-- deal deletes its activities.
CREATE TABLE IF NOT EXISTS activities (
    id                text COLLATE "C" PRIMARY KEY,
    deal_id           text COLLATE "C" NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    type              text COLLATE "C" NOT NULL
        CHECK (type IN ('call', 'meeting', 'email', 'task', 'deadline', 'lunch')),
    subject           text NOT NULL,
    due_date          text COLLATE "C" NOT NULL,
    due_time          text COLLATE "C",
    duration_minutes  bigint CHECK (duration_minutes > 0),
    owner_id          text COLLATE "C",
    note              text,
    done_at           text COLLATE "C",
    created_at        text COLLATE "C" NOT NULL,
    updated_at        text COLLATE "C" NOT NULL
);
-- A deal's activities, its pending ones soonest first: its next step, `--no-next-step`,
-- `activity list --deal`, and the cascade when a deal is deleted.
CREATE INDEX IF NOT EXISTS activities_deal
    ON activities (deal_id, done_at, due_date, due_time NULLS FIRST, created_at, id);
-- One owner's activities soonest first: `activity list`, `today`.
CREATE INDEX IF NOT EXISTS activities_owner
    ON activities (owner_id, done_at, due_date, due_time NULLS FIRST, created_at, id);
-- Everyone's, soonest first: `activity list --all`, `--due`.
CREATE INDEX IF NOT EXISTS activities_due ON activities (done_at, due_date, due_time NULLS FIRST, created_at, id);
-- An activity named by the end of its id, as tables show it.
CREATE INDEX IF NOT EXISTS activities_ref ON activities (right(id, 7));
