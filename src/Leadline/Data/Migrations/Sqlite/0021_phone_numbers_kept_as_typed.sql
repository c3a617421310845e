-- 0021: phone numbers through libphonenumber. A number that cannot be read as a full number (a local number without
-- area code, 265-3830) is kept as typed instead of refused, without an E.164 form; the search then finds it by the digits
-- typed. phone_digits and mobile_digits hold what the search reads: the E.164 digits (country code first) or the digits as
-- typed. Filled here from the E.164 columns, so the search table's content stays what it was (the same tokens); the
-- triggers now read the digits. The start-up step after this script reads every number again with libphonenumber and
-- re-indexes the match keys of the leads whose number changed (Leads/PhoneRenormalization.cs).

ALTER TABLE "leads" ADD COLUMN "phone_digits" TEXT NULL;
ALTER TABLE "leads" ADD COLUMN "mobile_digits" TEXT NULL;
UPDATE "leads" SET "phone_digits" = substr("phone_e164", 2), "mobile_digits" = substr("mobile_e164", 2) WHERE "phone_e164" IS NOT NULL OR "mobile_e164" IS NOT NULL;

DROP TRIGGER IF EXISTS leads_search_insert;
DROP TRIGGER IF EXISTS leads_search_delete;
DROP TRIGGER IF EXISTS leads_search_update;

-- a number's digits with and without a 1-3 digit country code and its last 8, 7, 6 and 4 digits (as script 0007)
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_search (rowid, name, company, email, phones)
    VALUES (new.id, new.name, new.company, new.email, coalesce(substr(new.phone_digits, 1) || ' ' || substr(new.phone_digits, 2) || ' ' || substr(new.phone_digits, 3) || ' ' || substr(new.phone_digits, 4) || ' ' || substr(new.phone_digits, -8) || ' ' || substr(new.phone_digits, -7) || ' ' || substr(new.phone_digits, -6) || ' ' || substr(new.phone_digits, -4), '') || ' ' || coalesce(substr(new.mobile_digits, 1) || ' ' || substr(new.mobile_digits, 2) || ' ' || substr(new.mobile_digits, 3) || ' ' || substr(new.mobile_digits, 4) || ' ' || substr(new.mobile_digits, -8) || ' ' || substr(new.mobile_digits, -7) || ' ' || substr(new.mobile_digits, -6) || ' ' || substr(new.mobile_digits, -4), ''));
END;

CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, name, company, email, phones)
    VALUES ('delete', old.id, old.name, old.company, old.email, coalesce(substr(old.phone_digits, 1) || ' ' || substr(old.phone_digits, 2) || ' ' || substr(old.phone_digits, 3) || ' ' || substr(old.phone_digits, 4) || ' ' || substr(old.phone_digits, -8) || ' ' || substr(old.phone_digits, -7) || ' ' || substr(old.phone_digits, -6) || ' ' || substr(old.phone_digits, -4), '') || ' ' || coalesce(substr(old.mobile_digits, 1) || ' ' || substr(old.mobile_digits, 2) || ' ' || substr(old.mobile_digits, 3) || ' ' || substr(old.mobile_digits, 4) || ' ' || substr(old.mobile_digits, -8) || ' ' || substr(old.mobile_digits, -7) || ' ' || substr(old.mobile_digits, -6) || ' ' || substr(old.mobile_digits, -4), ''));
END;

CREATE TRIGGER leads_search_update AFTER UPDATE OF name, company, email, phone_digits, mobile_digits ON leads BEGIN
    INSERT INTO leads_search (leads_search, rowid, name, company, email, phones)
    VALUES ('delete', old.id, old.name, old.company, old.email, coalesce(substr(old.phone_digits, 1) || ' ' || substr(old.phone_digits, 2) || ' ' || substr(old.phone_digits, 3) || ' ' || substr(old.phone_digits, 4) || ' ' || substr(old.phone_digits, -8) || ' ' || substr(old.phone_digits, -7) || ' ' || substr(old.phone_digits, -6) || ' ' || substr(old.phone_digits, -4), '') || ' ' || coalesce(substr(old.mobile_digits, 1) || ' ' || substr(old.mobile_digits, 2) || ' ' || substr(old.mobile_digits, 3) || ' ' || substr(old.mobile_digits, 4) || ' ' || substr(old.mobile_digits, -8) || ' ' || substr(old.mobile_digits, -7) || ' ' || substr(old.mobile_digits, -6) || ' ' || substr(old.mobile_digits, -4), ''));
    INSERT INTO leads_search (rowid, name, company, email, phones)
    VALUES (new.id, new.name, new.company, new.email, coalesce(substr(new.phone_digits, 1) || ' ' || substr(new.phone_digits, 2) || ' ' || substr(new.phone_digits, 3) || ' ' || substr(new.phone_digits, 4) || ' ' || substr(new.phone_digits, -8) || ' ' || substr(new.phone_digits, -7) || ' ' || substr(new.phone_digits, -6) || ' ' || substr(new.phone_digits, -4), '') || ' ' || coalesce(substr(new.mobile_digits, 1) || ' ' || substr(new.mobile_digits, 2) || ' ' || substr(new.mobile_digits, 3) || ' ' || substr(new.mobile_digits, 4) || ' ' || substr(new.mobile_digits, -8) || ' ' || substr(new.mobile_digits, -7) || ' ' || substr(new.mobile_digits, -6) || ' ' || substr(new.mobile_digits, -4), ''));
END;
