-- 0024: CSV imports and their committed progress, so a restarted app can say what landed and where to resume.

CREATE TABLE "imports" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_imports" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "user_id" INTEGER NULL,
    "upload_id" TEXT NULL,
    "file_name" TEXT NOT NULL,
    "on_duplicate" TEXT NOT NULL,
    "columns" TEXT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NULL,
    "processed" INTEGER NOT NULL,
    "start_row" INTEGER NOT NULL,
    "resume_from_row" INTEGER NOT NULL,
    "created" INTEGER NOT NULL,
    "updated" INTEGER NOT NULL,
    "skipped" INTEGER NOT NULL,
    "error_count" INTEGER NOT NULL,
    "errors" TEXT NOT NULL,
    "failure" TEXT NULL,
    "instance" TEXT NOT NULL,
    "heartbeat_at" TEXT NOT NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NULL
);

CREATE INDEX "ix_imports_workspace_id_upload_id" ON "imports" ("workspace_id", "upload_id");
