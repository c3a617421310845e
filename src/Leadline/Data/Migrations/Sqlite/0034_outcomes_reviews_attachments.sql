-- 0034: a job's outcome on the lead, review requests with a tracked link (and their per-workspace settings), and
-- photos and files attached to notes.

ALTER TABLE "leads" ADD "job_outcome" TEXT NULL;
ALTER TABLE "leads" ADD "job_outcome_at" TEXT NULL;
ALTER TABLE "leads" ADD "review_request_status" TEXT NULL;
ALTER TABLE "leads" ADD "review_request_at" TEXT NULL;

CREATE TABLE "review_requests" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_review_requests" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "message_id" INTEGER NULL,
    "channel_id" INTEGER NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "user_id" INTEGER NULL,
    "sent_at" TEXT NOT NULL,
    "clicked_at" TEXT NULL,
    "completed_at" TEXT NULL,
    CONSTRAINT "fk_review_requests_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_review_requests_token" ON "review_requests" ("token");
CREATE INDEX "ix_review_requests_workspace_id_lead_id_sent_at" ON "review_requests" ("workspace_id", "lead_id", "sent_at");
CREATE INDEX "ix_review_requests_lead_id" ON "review_requests" ("lead_id");

CREATE TABLE "review_settings" (
    "workspace_id" INTEGER NOT NULL CONSTRAINT "pk_review_settings" PRIMARY KEY,
    "review_link" TEXT NULL,
    "period_days" INTEGER NOT NULL,
    "auto_on_won" INTEGER NOT NULL,
    "template_name" TEXT NULL,
    "template_language" TEXT NOT NULL,
    "template_parameters" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "note_attachments" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_note_attachments" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "note_id" INTEGER NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_note_attachments_note_id" FOREIGN KEY ("note_id") REFERENCES "notes" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_note_attachments_workspace_id_lead_id" ON "note_attachments" ("workspace_id", "lead_id");
CREATE INDEX "ix_note_attachments_note_id" ON "note_attachments" ("note_id");
