-- 0004: follow-up reminders and the in-app notifications they raise (one per reminder at most).

CREATE TABLE "notifications" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_notifications" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "lead_id" INTEGER NULL,
    "reminder_id" INTEGER NULL,
    "text" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "read_at" TEXT NULL
);

CREATE TABLE "reminders" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_reminders" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "due_at" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NULL,
    "template_name" TEXT NULL,
    "language" TEXT NULL,
    "parameters" TEXT NOT NULL,
    "notify_user_id" INTEGER NULL,
    "status" TEXT NOT NULL,
    "created_by_id" INTEGER NULL,
    "fired_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_reminders_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_notifications_reminder_id" ON "notifications" ("reminder_id");

CREATE INDEX "ix_notifications_workspace_id_user_id_read_at" ON "notifications" ("workspace_id", "user_id", "read_at");

CREATE INDEX "ix_reminders_lead_id" ON "reminders" ("lead_id");

CREATE INDEX "ix_reminders_status_due_at" ON "reminders" ("status", "due_at");

CREATE INDEX "ix_reminders_workspace_id_lead_id_status" ON "reminders" ("workspace_id", "lead_id", "status");
