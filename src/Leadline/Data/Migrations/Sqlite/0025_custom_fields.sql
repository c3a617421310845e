-- 0025: custom-field definitions per workspace, and their values per lead, typed, so a filter on one is an index seek
-- without a column or an index per field; the lead list's chosen columns per user.

CREATE TABLE "custom_fields" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_custom_fields" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "required" INTEGER NOT NULL,
    "order" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE UNIQUE INDEX "ix_custom_fields_workspace_id_key" ON "custom_fields" ("workspace_id", "key");

CREATE TABLE "lead_custom_values" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_lead_custom_values" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "field_id" INTEGER NOT NULL,
    "value_text" TEXT NULL,
    "value_number" REAL NULL,
    "value_date" TEXT NULL,
    CONSTRAINT "fk_lead_custom_values_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_lead_custom_values_lead_id_field_id" ON "lead_custom_values" ("lead_id", "field_id");
CREATE INDEX "ix_lead_custom_values_workspace_id_field_id_value_date_lead_id" ON "lead_custom_values" ("workspace_id", "field_id", "value_date", "lead_id");
CREATE INDEX "ix_lead_custom_values_workspace_id_field_id_value_number_lead_id" ON "lead_custom_values" ("workspace_id", "field_id", "value_number", "lead_id");
CREATE INDEX "ix_lead_custom_values_workspace_id_field_id_value_text_lead_id" ON "lead_custom_values" ("workspace_id", "field_id", "value_text", "lead_id");

ALTER TABLE "users" ADD COLUMN "lead_list_columns" TEXT NULL;
