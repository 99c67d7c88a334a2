-- rex schema 18: the trigram indexes of names and contacts (schema 5 and 13) keep only which
-- deals hold each trigram (detail = none) and no per-deal sizes (columnsize = 0). A search
-- asks FTS5 for the deals holding each of three single trigrams and checks every candidate
-- for the whole text with instr(), so the positions of the trigrams inside a name (what
-- detail = full keeps) and the sizes kept for ranking were never read. Without them each
-- index is about a third of its size (68 → 24 MB at 1M deals), and a bulk load builds both
-- faster. The triggers of schema 5 and 13 keep them as before: they name the tables, which are
-- made again under the same names. Rebuilding both reads every deal once (about 15 s at 1M).
DROP TABLE deal_names;
CREATE VIRTUAL TABLE deal_names USING fts5(
    name_key, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram',
    detail = none, columnsize = 0
);
INSERT INTO deal_names (deal_names) VALUES ('rebuild');
DROP TABLE deal_contacts;
CREATE VIRTUAL TABLE deal_contacts USING fts5(
    contact_id, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram',
    detail = none, columnsize = 0
);
INSERT INTO deal_contacts (deal_contacts) VALUES ('rebuild');
