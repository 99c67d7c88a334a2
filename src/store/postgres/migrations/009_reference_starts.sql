-- rex schema 9 (PostgreSQL), as SQLite's schema 13: a reference's leading characters name a
-- deal (`rex deal move h0k6 Won` for the reference h0k69na a table shows). The reference is the
-- id's last seven characters for all but the few deals whose ids share them; in this index (in
-- the column's "C" collation), the deals whose reference starts with the typed characters are
-- one range. Building it reads every deal once.
CREATE INDEX deals_ref ON deals (right(id, 7));
-- `deal list --search` finds a deal by its contact too (`acme` finds cfo@acme.test): the
-- contacts' trigrams (pg_trgm), lower-cased as the search compares them, through LIKE.
CREATE INDEX deals_contact_trigrams ON deals USING gin (lower(contact_id) gin_trgm_ops);
