-- 0031: WhatsApp templates synced from the Graph API (per channel), a reminder's due rule (a birthday each year, a day
-- after the enquiry), and a user's own WhatsApp number for reminder notifications.
ALTER TABLE "reminders" ADD "due_rule" TEXT NULL;
ALTER TABLE "users" ADD "whatsapp_number" TEXT NULL;

CREATE TABLE "message_templates" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_message_templates" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "parameter_count" INTEGER NOT NULL,
    "components" TEXT NOT NULL,
    "synced_at" TEXT NOT NULL,
    CONSTRAINT "fk_message_templates_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_message_templates_channel_id_name_language" ON "message_templates" ("channel_id", "name", "language");
CREATE INDEX "ix_message_templates_workspace_id" ON "message_templates" ("workspace_id");
