-- 0009: blocking keys of every lead for the duplicate check (filled for existing leads by the app at start-up).

CREATE TABLE "lead_match_keys" (
    "lead_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    CONSTRAINT "pk_lead_match_keys" PRIMARY KEY ("lead_id", "key"),
    CONSTRAINT "fk_lead_match_keys_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_lead_match_keys_workspace_id_key_lead_id" ON "lead_match_keys" ("workspace_id", "key", "lead_id");
