-- 0015: drop the leads' phone and mobile indexes. They served the import's duplicate look-up (e-mail OR phone OR mobile),
-- which now reads the match keys' index (lead_match_keys, "p:" keys hold both numbers in E.164); no query reads them, and
-- every lead written paid for them (an import of 100,000 rows at 1,000,000 leads writes 200,000 index entries less).
-- The search still finds phone numbers: through the trigram index (ix_leads_search) here, the FTS table on SQLite.
DROP INDEX ix_leads_workspace_id_phone_e164;
DROP INDEX ix_leads_workspace_id_mobile_e164;
