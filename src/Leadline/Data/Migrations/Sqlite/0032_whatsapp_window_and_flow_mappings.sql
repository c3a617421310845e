-- 0032: the lead list filters by the WhatsApp 24-hour window (a range on whatsapp_inbound_at), and bot-flow submissions
-- are reviewed with per-flow labels for JSON paths of their answers.

CREATE INDEX "ix_leads_workspace_id_whatsapp_inbound_at_archived_at" ON "leads" ("workspace_id", "whatsapp_inbound_at", "archived_at");

CREATE TABLE "submission_flow_mappings" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_submission_flow_mappings" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "flow" TEXT NOT NULL,
    "fields" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE UNIQUE INDEX "ix_submission_flow_mappings_workspace_id_flow" ON "submission_flow_mappings" ("workspace_id", "flow");
