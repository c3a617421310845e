-- 0007: the list's search (q: part of a name, company, e-mail or phone number) without reading every lead.
-- A trigram GIN index answers ILIKE '%text%' (and LIKE on the E.164 digits) for texts of 3+ characters; one index over
-- the five columns, so the search's OR becomes a BitmapOr of one index. (0005 and 0006 are taken on other branches.)

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX ix_leads_search ON leads USING gin (name gin_trgm_ops, company gin_trgm_ops, email gin_trgm_ops, phone_e164 gin_trgm_ops, mobile_e164 gin_trgm_ops);
