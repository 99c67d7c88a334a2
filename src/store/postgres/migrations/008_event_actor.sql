-- rex schema 8 (PostgreSQL), as SQLite's schema 12: who recorded each history event
-- (`actor`). The server writes it, from the login of the connection (session_user), which
-- a client cannot choose: rex's inserts never name the column. The column is added first
-- and its default set after, so that events recorded before keep NULL (a default given
-- with ADD COLUMN would name the person who ran this migration on every old event).
ALTER TABLE deal_events ADD COLUMN actor text;
ALTER TABLE deal_events ALTER COLUMN actor SET DEFAULT session_user;
