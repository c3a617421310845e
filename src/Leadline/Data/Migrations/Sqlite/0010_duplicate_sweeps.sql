-- 0010: background duplicate sweeps, the groups they found, and pairs people said are not duplicates.

CREATE TABLE "duplicate_sweeps" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_duplicate_sweeps" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "processed" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "groups" INTEGER NOT NULL,
    "error" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "finished_at" TEXT NULL
);

CREATE TABLE "duplicate_groups" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_duplicate_groups" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "run_id" INTEGER NOT NULL,
    "lead_ids" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "confidence" REAL NOT NULL,
    "fields" TEXT NOT NULL,
    CONSTRAINT "fk_duplicate_groups_run_id" FOREIGN KEY ("run_id") REFERENCES "duplicate_sweeps" ("id") ON DELETE CASCADE
);

CREATE TABLE "duplicate_dismissals" (
    "workspace_id" INTEGER NOT NULL,
    "lead_a" INTEGER NOT NULL,
    "lead_b" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "pk_duplicate_dismissals" PRIMARY KEY ("workspace_id", "lead_a", "lead_b")
);

CREATE INDEX "ix_duplicate_sweeps_workspace_id_created_at" ON "duplicate_sweeps" ("workspace_id", "created_at");
CREATE INDEX "ix_duplicate_groups_run_id_confidence" ON "duplicate_groups" ("run_id", "confidence");
