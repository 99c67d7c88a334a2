-- rex schema 5: finding deals by name without reading them all. A name reference
-- (`rex deal move "Pied Piper" Proposal`) looks up the exact lower-cased name in deals_name;
-- `deal list --search` and a reference by part of a name look up the name's three-character
-- pieces in deal_names, an FTS5 index with the trigram tokenizer kept beside deal_rows by
-- triggers. The index only narrows the search: each candidate is checked with instr().
CREATE INDEX deals_name ON deal_rows (name_key);
CREATE VIRTUAL TABLE deal_names USING fts5(
    name_key, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER deal_names_insert AFTER INSERT ON deal_rows BEGIN
    INSERT INTO deal_names (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
CREATE TRIGGER deal_names_delete AFTER DELETE ON deal_rows BEGIN
    INSERT INTO deal_names (deal_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
END;
CREATE TRIGGER deal_names_update AFTER UPDATE OF name_key ON deal_rows BEGIN
    INSERT INTO deal_names (deal_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
    INSERT INTO deal_names (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
INSERT INTO deal_names (deal_names) VALUES ('rebuild');
-- The stalled scan of one owner (`deal stalled --owner`, `rex today`): one range per stage.
CREATE INDEX deals_owner_stage_activity ON deal_rows (owner_id, stage_id, status, last_activity_at, id, batch);
