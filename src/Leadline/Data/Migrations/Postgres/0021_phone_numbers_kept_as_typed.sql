-- 0021: phone numbers through libphonenumber. A number that cannot be read as a full number (a local number without
-- area code, 265-3830) is kept as typed instead of refused, without an E.164 form; the search then finds it by the digits
-- typed. phone_digits and mobile_digits hold what the search reads: the E.164 digits (country code first) or the digits as
-- typed, and the trigram index reads them instead of the E.164 columns. Filled here from the E.164 columns; the start-up
-- step after this script reads every number again with libphonenumber and re-indexes the match keys of the leads whose
-- number changed (Leads/PhoneRenormalization.cs).

ALTER TABLE leads ADD COLUMN phone_digits character varying(50);
ALTER TABLE leads ADD COLUMN mobile_digits character varying(50);
UPDATE leads SET phone_digits = substr(phone_e164, 2), mobile_digits = substr(mobile_e164, 2) WHERE phone_e164 IS NOT NULL OR mobile_e164 IS NOT NULL;

DROP INDEX ix_leads_search;
CREATE INDEX ix_leads_search ON leads USING gin (name gin_trgm_ops, company gin_trgm_ops, email gin_trgm_ops, phone_digits gin_trgm_ops, mobile_digits gin_trgm_ops);
