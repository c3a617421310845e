-- 0002: pipelines with stages, leads, lead history; the lead-code counter on workspaces; a default pipeline for every existing workspace.

ALTER TABLE "workspaces" ADD "last_lead_code" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "pipelines" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_pipelines" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "is_default" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "stages" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_stages" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "pipeline_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "order" INTEGER NOT NULL,
    "color" TEXT NOT NULL,
    "rotting_days" INTEGER NULL,
    CONSTRAINT "fk_stages_pipeline_id" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines" ("id") ON DELETE CASCADE
);

CREATE TABLE "leads" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_leads" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "company" TEXT NULL,
    "title" TEXT NULL,
    "email" TEXT NULL,
    "email_normalized" TEXT NULL,
    "phone" TEXT NULL,
    "phone_e164" TEXT NULL,
    "mobile" TEXT NULL,
    "mobile_e164" TEXT NULL,
    "website" TEXT NULL,
    "source" TEXT NOT NULL,
    "source_detail" TEXT NULL,
    "pipeline_id" INTEGER NOT NULL,
    "stage_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "position" REAL NOT NULL,
    "stage_changed_at" TEXT NOT NULL,
    "lost_reason" TEXT NULL,
    "owner_id" INTEGER NULL,
    "score" INTEGER NOT NULL,
    "tags" TEXT NOT NULL,
    "lifecycle_stage" TEXT NULL,
    "active" INTEGER NOT NULL,
    "primary" INTEGER NOT NULL,
    "code" TEXT NULL,
    "industry" TEXT NULL,
    "company_size" INTEGER NULL,
    "street" TEXT NULL,
    "city" TEXT NULL,
    "state" TEXT NULL,
    "postal_code" TEXT NULL,
    "country" TEXT NULL,
    "gender" TEXT NULL,
    "date_of_birth" TEXT NULL,
    "marital_status" TEXT NULL,
    "account_type" TEXT NULL,
    "relationship_type" TEXT NULL,
    "loyalty_level" TEXT NULL,
    "linkedin" TEXT NULL,
    "twitter" TEXT NULL,
    "facebook" TEXT NULL,
    "instagram" TEXT NULL,
    "custom_fields" TEXT NULL,
    "photo_path" TEXT NULL,
    "has_contact_info" INTEGER NOT NULL,
    "last_activity_at" TEXT NULL,
    "first_response_at" TEXT NULL,
    "next_follow_up_at" TEXT NULL,
    "archived_at" TEXT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_leads_owner_id" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_leads_pipeline_id" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_leads_stage_id" FOREIGN KEY ("stage_id") REFERENCES "stages" ("id") ON DELETE RESTRICT
);

CREATE TABLE "lead_history" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_lead_history" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "at" TEXT NOT NULL,
    "user_id" INTEGER NULL,
    "user_name" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "from" TEXT NULL,
    "to" TEXT NULL,
    CONSTRAINT "fk_lead_history_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_lead_history_lead_id" ON "lead_history" ("lead_id");

CREATE INDEX "ix_lead_history_workspace_id_lead_id_at" ON "lead_history" ("workspace_id", "lead_id", "at");

CREATE INDEX "ix_leads_owner_id" ON "leads" ("owner_id");

CREATE INDEX "ix_leads_pipeline_id" ON "leads" ("pipeline_id");

CREATE INDEX "ix_leads_stage_id" ON "leads" ("stage_id");

CREATE UNIQUE INDEX "ix_leads_workspace_id_code" ON "leads" ("workspace_id", "code");

CREATE INDEX "ix_leads_workspace_id_created_at_id" ON "leads" ("workspace_id", "created_at", "id");

CREATE INDEX "ix_leads_workspace_id_email_normalized" ON "leads" ("workspace_id", "email_normalized");

CREATE INDEX "ix_leads_workspace_id_owner_id_created_at" ON "leads" ("workspace_id", "owner_id", "created_at");

CREATE INDEX "ix_leads_workspace_id_phone_e164" ON "leads" ("workspace_id", "phone_e164");

CREATE INDEX "ix_leads_workspace_id_score" ON "leads" ("workspace_id", "score");

CREATE INDEX "ix_leads_workspace_id_stage_id_position" ON "leads" ("workspace_id", "stage_id", "position");

CREATE INDEX "ix_leads_workspace_id_status_created_at" ON "leads" ("workspace_id", "status", "created_at");

CREATE INDEX "ix_pipelines_workspace_id" ON "pipelines" ("workspace_id");

CREATE INDEX "ix_stages_pipeline_id" ON "stages" ("pipeline_id");

CREATE INDEX "ix_stages_workspace_id_pipeline_id_order" ON "stages" ("workspace_id", "pipeline_id", "order");

-- every workspace that exists already gets the default pipeline (DefaultPipeline.cs makes it for new ones)
INSERT INTO pipelines (workspace_id, name, is_default, created_at, updated_at) SELECT id, 'Sales', 1, strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now') FROM workspaces;
WITH s(name, category, ord, color, rotting) AS (VALUES ('New', 'New', 0, '#0d6efd', NULL), ('Attempted contact', 'Contacted', 1, '#6610f2', 3), ('Contacted', 'Contacted', 2, '#6f42c1', 7), ('Working', 'Working', 3, '#fd7e14', 14), ('Qualified', 'Qualified', 4, '#20c997', 21), ('Unqualified', 'Unqualified', 5, '#adb5bd', NULL), ('Converted', 'Converted', 6, '#198754', NULL), ('Lost', 'Lost', 7, '#dc3545', NULL))
INSERT INTO stages (workspace_id, pipeline_id, name, category, "order", color, rotting_days)
SELECT p.workspace_id, p.id, s.name, s.category, s.ord, s.color, s.rotting FROM pipelines p CROSS JOIN s;
