-- 0028: the lead-flow report counts leads by when they closed (a closing note or a move into a closing stage).

CREATE INDEX "ix_leads_workspace_id_closed_at" ON "leads" ("workspace_id", "closed_at");
