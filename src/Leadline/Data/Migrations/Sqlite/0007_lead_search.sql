-- 0007: the list's search (q) without reading every lead: an FTS5 index over name, company, e-mail and phone numbers.
-- Words are found by their beginning ("hamil" finds Hamilton, "mit-labs" an e-mail at mit-labs.example; the unicode61
-- tokenizer, case-insensitive). A phone number is indexed as its digits with and without a 1-3 digit country code and as
-- its last 8, 7, 6 and 4 digits, so typed digits find it by its start or its end. Contentless (it keeps no copy of the
-- text) and without column sizes, to keep writes cheap; triggers keep it in step with every insert, update and delete.
-- A trigram tokenizer would find any substring, but made bulk writes about four times slower (docs/performance.md).
-- Not in the EF model (EF cannot describe a virtual table): the drift test leaves leads_search out on purpose.
-- (0005 and 0006 are taken on other branches.)

CREATE VIRTUAL TABLE leads_search USING fts5(name, company, email, phones, content = '', columnsize = 0);

INSERT INTO leads_search (rowid, name, company, email, phones)
SELECT id, name, company, email, coalesce(substr(phone_e164, 2) || ' ' || substr(phone_e164, 3) || ' ' || substr(phone_e164, 4) || ' ' || substr(phone_e164, 5) || ' ' || substr(phone_e164, -8) || ' ' || substr(phone_e164, -7) || ' ' || substr(phone_e164, -6) || ' ' || substr(phone_e164, -4), '') || ' ' || coalesce(substr(mobile_e164, 2) || ' ' || substr(mobile_e164, 3) || ' ' || substr(mobile_e164, 4) || ' ' || substr(mobile_e164, 5) || ' ' || substr(mobile_e164, -8) || ' ' || substr(mobile_e164, -7) || ' ' || substr(mobile_e164, -6) || ' ' || substr(mobile_e164, -4), '') FROM leads;

CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_search (rowid, name, company, email, phones)
    VALUES (new.id, new.name, new.company, new.email, coalesce(substr(new.phone_e164, 2) || ' ' || substr(new.phone_e164, 3) || ' ' || substr(new.phone_e164, 4) || ' ' || substr(new.phone_e164, 5) || ' ' || substr(new.phone_e164, -8) || ' ' || substr(new.phone_e164, -7) || ' ' || substr(new.phone_e164, -6) || ' ' || substr(new.phone_e164, -4), '') || ' ' || coalesce(substr(new.mobile_e164, 2) || ' ' || substr(new.mobile_e164, 3) || ' ' || substr(new.mobile_e164, 4) || ' ' || substr(new.mobile_e164, 5) || ' ' || substr(new.mobile_e164, -8) || ' ' || substr(new.mobile_e164, -7) || ' ' || substr(new.mobile_e164, -6) || ' ' || substr(new.mobile_e164, -4), ''));
END;

CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, name, company, email, phones)
    VALUES ('delete', old.id, old.name, old.company, old.email, coalesce(substr(old.phone_e164, 2) || ' ' || substr(old.phone_e164, 3) || ' ' || substr(old.phone_e164, 4) || ' ' || substr(old.phone_e164, 5) || ' ' || substr(old.phone_e164, -8) || ' ' || substr(old.phone_e164, -7) || ' ' || substr(old.phone_e164, -6) || ' ' || substr(old.phone_e164, -4), '') || ' ' || coalesce(substr(old.mobile_e164, 2) || ' ' || substr(old.mobile_e164, 3) || ' ' || substr(old.mobile_e164, 4) || ' ' || substr(old.mobile_e164, 5) || ' ' || substr(old.mobile_e164, -8) || ' ' || substr(old.mobile_e164, -7) || ' ' || substr(old.mobile_e164, -6) || ' ' || substr(old.mobile_e164, -4), ''));
END;

CREATE TRIGGER leads_search_update AFTER UPDATE OF name, company, email, phone_e164, mobile_e164 ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, name, company, email, phones)
    VALUES ('delete', old.id, old.name, old.company, old.email, coalesce(substr(old.phone_e164, 2) || ' ' || substr(old.phone_e164, 3) || ' ' || substr(old.phone_e164, 4) || ' ' || substr(old.phone_e164, 5) || ' ' || substr(old.phone_e164, -8) || ' ' || substr(old.phone_e164, -7) || ' ' || substr(old.phone_e164, -6) || ' ' || substr(old.phone_e164, -4), '') || ' ' || coalesce(substr(old.mobile_e164, 2) || ' ' || substr(old.mobile_e164, 3) || ' ' || substr(old.mobile_e164, 4) || ' ' || substr(old.mobile_e164, 5) || ' ' || substr(old.mobile_e164, -8) || ' ' || substr(old.mobile_e164, -7) || ' ' || substr(old.mobile_e164, -6) || ' ' || substr(old.mobile_e164, -4), ''));
    INSERT INTO leads_search (rowid, name, company, email, phones)
    VALUES (new.id, new.name, new.company, new.email, coalesce(substr(new.phone_e164, 2) || ' ' || substr(new.phone_e164, 3) || ' ' || substr(new.phone_e164, 4) || ' ' || substr(new.phone_e164, 5) || ' ' || substr(new.phone_e164, -8) || ' ' || substr(new.phone_e164, -7) || ' ' || substr(new.phone_e164, -6) || ' ' || substr(new.phone_e164, -4), '') || ' ' || coalesce(substr(new.mobile_e164, 2) || ' ' || substr(new.mobile_e164, 3) || ' ' || substr(new.mobile_e164, 4) || ' ' || substr(new.mobile_e164, 5) || ' ' || substr(new.mobile_e164, -8) || ' ' || substr(new.mobile_e164, -7) || ' ' || substr(new.mobile_e164, -6) || ' ' || substr(new.mobile_e164, -4), ''));
END;
