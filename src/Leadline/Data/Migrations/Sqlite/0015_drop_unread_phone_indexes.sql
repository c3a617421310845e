-- 0015: drop the leads' phone and mobile indexes. They served the import's duplicate look-up (e-mail OR phone OR mobile),
-- which now reads the match keys' index (lead_match_keys, "p:" keys hold both numbers in E.164); no query reads them, and
-- every lead written paid for them. The search finds phone numbers through its FTS table (leads_search, script 0007).
DROP INDEX "ix_leads_workspace_id_phone_e164";
DROP INDEX "ix_leads_workspace_id_mobile_e164";
