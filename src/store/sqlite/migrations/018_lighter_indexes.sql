-- rex schema 18, lighter indexes for a cheaper bulk load and cheaper writes.
--
-- The trigram indexes of names and contacts (schema 5 and 13) keep only which
-- deals hold each trigram (detail = none) and no per-deal sizes (columnsize = 0). A search
-- asks FTS5 for the deals holding each of three single trigrams and checks every candidate
-- for the whole text with instr(), so the positions of the trigrams inside a name (what
-- detail = full keeps) and the sizes kept for ranking were never read. Without them each
-- index is about a third of its size (68 → 24 MB at 1M deals), and a bulk load builds both
-- faster. The triggers of schema 5 and 13 keep them as before: they name the tables, which are
-- made again under the same names. Both are rebuilt and merged into one segment each, as a bulk
-- load leaves them (about 10 s at 1M deals).
DROP TABLE deal_names;
CREATE VIRTUAL TABLE deal_names USING fts5(
    name_key, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram',
    detail = none, columnsize = 0
);
INSERT INTO deal_names (deal_names) VALUES ('rebuild');
INSERT INTO deal_names (deal_names) VALUES ('optimize');
DROP TABLE deal_contacts;
CREATE VIRTUAL TABLE deal_contacts USING fts5(
    contact_id, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram',
    detail = none, columnsize = 0
);
INSERT INTO deal_contacts (deal_contacts) VALUES ('rebuild');
INSERT INTO deal_contacts (deal_contacts) VALUES ('optimize');
--
-- deals_tail (schema 3: an id's last 16 characters reversed, 16 substr() calls a deal) gave
-- the end of an id typed in full (`rex deal show 3kq9v2x`, or more of the id) and how long a
-- reference must be to stay unique. deals_ref (schema 13: an id's last seven characters)
-- answers both: an end of seven characters or more is one step of it, an end of six 32 steps
-- (one per character before it), and the ids that share a deal's reference are the ones with
-- its key. deals_tail cost 1.8 s of a 1M-deal bulk load and an entry in every deal create.
DROP INDEX IF EXISTS deals_tail;
