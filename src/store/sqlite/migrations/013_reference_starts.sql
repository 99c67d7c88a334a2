-- rex schema 13: a reference's leading characters name a deal (`rex deal move h0k6 Won` for the
-- reference h0k69na a table shows), and a search finds contacts. The reference is the id's
-- last seven characters for all but the few deals whose ids share them; in deals_ref, the deals
-- whose reference starts with the typed characters are one range. Building it reads every deal
-- once (about 1.5 s and 25 MB at 1M deals).
CREATE INDEX deals_ref ON deal_rows (substr(id, -7));
-- `deal list --search` finds a deal by its contact too (`acme` finds cfo@acme.test): the
-- contacts' three-character pieces in deal_contacts, an FTS5 index with the trigram tokenizer
-- kept beside deal_rows by triggers, as deal_names is for names; each candidate is checked
-- with instr(). Building it reads every deal once (a few seconds at 1M deals; about as large
-- as deal_names for contacts of the same length).
CREATE VIRTUAL TABLE deal_contacts USING fts5(
    contact_id, content = 'deal_rows', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER deal_contacts_insert AFTER INSERT ON deal_rows BEGIN
    INSERT INTO deal_contacts (rowid, contact_id) VALUES (new.rowid, new.contact_id);
END;
CREATE TRIGGER deal_contacts_delete AFTER DELETE ON deal_rows BEGIN
    INSERT INTO deal_contacts (deal_contacts, rowid, contact_id)
    VALUES ('delete', old.rowid, old.contact_id);
END;
CREATE TRIGGER deal_contacts_update AFTER UPDATE OF contact_id ON deal_rows
WHEN old.contact_id IS NOT new.contact_id BEGIN
    INSERT INTO deal_contacts (deal_contacts, rowid, contact_id)
    VALUES ('delete', old.rowid, old.contact_id);
    INSERT INTO deal_contacts (rowid, contact_id) VALUES (new.rowid, new.contact_id);
END;
INSERT INTO deal_contacts (deal_contacts) VALUES ('rebuild');
