-- 0027: bulk actions on selected leads (run at once or as a claimed background job) and what each changed, for the undo.

CREATE TABLE "bulk_actions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_bulk_actions" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "parameters" TEXT NOT NULL,
    "lead_ids" TEXT NULL,
    "filter" TEXT NULL,
    "undo_of_id" INTEGER NULL,
    "undone_by_id" INTEGER NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL,
    "changed" INTEGER NOT NULL,
    "unchanged" INTEGER NOT NULL,
    "refused" INTEGER NOT NULL,
    "refusals" TEXT NOT NULL,
    "last_lead_id" INTEGER NOT NULL,
    "error" TEXT NULL,
    "instance" TEXT NOT NULL,
    "heartbeat_at" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "finished_at" TEXT NULL
);

CREATE TABLE "bulk_action_leads" (
    "action_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "before" TEXT NOT NULL,
    "version_after" INTEGER NOT NULL,
    CONSTRAINT "pk_bulk_action_leads" PRIMARY KEY ("action_id", "lead_id"),
    CONSTRAINT "fk_bulk_action_leads_action_id" FOREIGN KEY ("action_id") REFERENCES "bulk_actions" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_bulk_actions_status_heartbeat_at" ON "bulk_actions" ("status", "heartbeat_at");
CREATE INDEX "ix_bulk_actions_workspace_id_user_id_created_at" ON "bulk_actions" ("workspace_id", "user_id", "created_at");
