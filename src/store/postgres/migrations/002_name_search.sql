-- rex's PostgreSQL schema, version 2: finding deals by name without reading them all. A name
-- reference looks up the exact lower-cased name in deals_name; `deal list --search` and a
-- reference by part of a name use the trigram index deals_name_trigrams (pg_trgm, a trusted
-- extension that the database's owner may create) through LIKE.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX deals_name ON deals (name_key);
CREATE INDEX deals_name_trigrams ON deals USING gin (name_key gin_trgm_ops);
-- The stalled scan of one owner (`deal stalled --owner`, `rex today`): one range per stage.
CREATE INDEX deals_owner_stage_activity ON deals (owner_id, stage_id, status, last_activity_at, id);
