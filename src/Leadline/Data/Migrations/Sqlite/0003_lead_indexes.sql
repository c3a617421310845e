-- 0003: the duplicate check's lookup by mobile (e-mail OR phone OR mobile used to scan every lead).

CREATE INDEX "ix_leads_workspace_id_mobile_e164" ON "leads" ("workspace_id", "mobile_e164") WHERE "mobile_e164" IS NOT NULL;
