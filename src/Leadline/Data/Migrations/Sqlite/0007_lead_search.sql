-- 0007: the list's search (q: part of a name, company, e-mail or phone number) without reading every lead.
-- An FTS5 index with the trigram tokenizer (substring match for texts of 3+ characters) over the searched columns; it
-- keeps no copy of the text (content = leads) and triggers keep it in step with every insert, update and delete.
-- Not in the EF model (EF cannot describe a virtual table): the drift test leaves leads_search out on purpose.
-- (0005 and 0006 are taken on other branches.)

CREATE VIRTUAL TABLE leads_search USING fts5(name, company, email, phone_e164, mobile_e164, content = 'leads', content_rowid = 'id', tokenize = 'trigram');

INSERT INTO leads_search (leads_search) VALUES ('rebuild');

CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_search (rowid, name, company, email, phone_e164, mobile_e164)
    VALUES (new.id, new.name, new.company, new.email, new.phone_e164, new.mobile_e164);
END;

CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, name, company, email, phone_e164, mobile_e164)
    VALUES ('delete', old.id, old.name, old.company, old.email, old.phone_e164, old.mobile_e164);
END;

CREATE TRIGGER leads_search_update AFTER UPDATE OF name, company, email, phone_e164, mobile_e164 ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, name, company, email, phone_e164, mobile_e164)
    VALUES ('delete', old.id, old.name, old.company, old.email, old.phone_e164, old.mobile_e164);
    INSERT INTO leads_search (rowid, name, company, email, phone_e164, mobile_e164)
    VALUES (new.id, new.name, new.company, new.email, new.phone_e164, new.mobile_e164);
END;
