-- 0026: imports as background jobs: the file in the database (any instance runs it), cancel, and the workers' claim.

ALTER TABLE "imports" ADD COLUMN "background" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "imports" ADD COLUMN "cancel_requested" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "imports" ADD COLUMN "options" TEXT NULL;

CREATE INDEX "ix_imports_status_heartbeat_at" ON "imports" ("status", "heartbeat_at");

CREATE TABLE "import_files" (
    "import_id" INTEGER NOT NULL CONSTRAINT "pk_import_files" PRIMARY KEY,
    "workspace_id" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    CONSTRAINT "fk_import_files_import_id" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE CASCADE
);
