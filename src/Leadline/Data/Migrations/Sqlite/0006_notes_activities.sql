-- 0006: notes with threads and templates, activities, marketing lists; the lead flow, closing and reservation on leads;
-- reservation and work-queue settings on workspaces.

ALTER TABLE "leads" ADD "lead_flow" TEXT NOT NULL DEFAULT 'None';
ALTER TABLE "leads" ADD "closed_at" TEXT NULL;
ALTER TABLE "leads" ADD "reserved_at" TEXT NULL;
UPDATE "leads" SET "lead_flow" = CASE WHEN "status" IN ('Converted', 'Lost', 'Unqualified') THEN 'Completed'
                                      WHEN "last_activity_at" IS NOT NULL THEN 'InProgress' ELSE 'None' END;

ALTER TABLE "workspaces" ADD "reservation_roles" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "workspaces" ADD "reservation_release_hours" INTEGER NOT NULL DEFAULT 48;
ALTER TABLE "workspaces" ADD "queue_list_ids" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "workspaces" ADD "queue_fields" TEXT NOT NULL DEFAULT '[]';

CREATE TABLE "notes" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_notes" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "parent_id" INTEGER NULL,
    "author_id" INTEGER NULL,
    "author_name" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "template_id" INTEGER NULL,
    "outcome" TEXT NULL,
    "closes_lead" INTEGER NOT NULL,
    "activity_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_notes_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE TABLE "note_templates" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_note_templates" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "tags" TEXT NOT NULL,
    "outcome" TEXT NULL,
    "closes_lead" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "activities" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_activities" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "outcome" TEXT NULL,
    "duration_seconds" INTEGER NULL,
    "due_at" TEXT NULL,
    "done_at" TEXT NULL,
    "user_id" INTEGER NULL,
    "user_name" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_activities_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE TABLE "marketing_lists" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_marketing_lists" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "marketing_list_members" (
    "list_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "added_at" TEXT NOT NULL,
    CONSTRAINT "pk_marketing_list_members" PRIMARY KEY ("list_id", "lead_id"),
    CONSTRAINT "fk_marketing_list_members_list_id" FOREIGN KEY ("list_id") REFERENCES "marketing_lists" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_marketing_list_members_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_leads_workspace_id_lead_flow_created_at" ON "leads" ("workspace_id", "lead_flow", "created_at");
CREATE INDEX "ix_leads_workspace_id_last_activity_at" ON "leads" ("workspace_id", "last_activity_at");
CREATE INDEX "ix_leads_reserved_at" ON "leads" ("reserved_at") WHERE "reserved_at" IS NOT NULL;
CREATE INDEX "ix_notes_workspace_id_lead_id_created_at" ON "notes" ("workspace_id", "lead_id", "created_at");
CREATE INDEX "ix_notes_workspace_id_created_at" ON "notes" ("workspace_id", "created_at");
CREATE UNIQUE INDEX "ix_note_templates_workspace_id_title" ON "note_templates" ("workspace_id", "title");
CREATE INDEX "ix_activities_workspace_id_lead_id_created_at" ON "activities" ("workspace_id", "lead_id", "created_at");
CREATE INDEX "ix_activities_workspace_id_type_created_at" ON "activities" ("workspace_id", "type", "created_at");
CREATE UNIQUE INDEX "ix_marketing_lists_workspace_id_name" ON "marketing_lists" ("workspace_id", "name");
CREATE INDEX "ix_marketing_list_members_lead_id" ON "marketing_list_members" ("lead_id");
CREATE INDEX "ix_activities_lead_id" ON "activities" ("lead_id");
CREATE INDEX "ix_notes_lead_id" ON "notes" ("lead_id");
