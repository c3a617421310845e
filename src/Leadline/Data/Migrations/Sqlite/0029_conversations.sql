-- 0029: the conversation core every channel shares: channels, webhook deliveries stored before they are processed,
-- messages (one timeline per lead), channel identities (who a lead is on a channel), the transactional outbox, bot-flow
-- submissions, and the lead's intake fields.

ALTER TABLE "leads" ADD "intake_mode" TEXT NOT NULL DEFAULT 'Manual';
ALTER TABLE "leads" ADD "enquiry" TEXT NULL;
ALTER TABLE "leads" ADD "last_inbound_at" TEXT NULL;
ALTER TABLE "leads" ADD "whatsapp_inbound_at" TEXT NULL;
ALTER TABLE "leads" ADD "referral_source" TEXT NULL;
ALTER TABLE "leads" ADD "referral_ad_id" TEXT NULL;
ALTER TABLE "leads" ADD "referral_ctwa_clid" TEXT NULL;

CREATE TABLE "channels" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_channels" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "secrets" TEXT NULL,
    "public_key" TEXT NULL,
    "active" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "webhook_deliveries" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "received_at" TEXT NOT NULL,
    "processed_at" TEXT NULL,
    "attempts" INTEGER NOT NULL,
    "lease_until" TEXT NULL,
    "error" TEXT NULL,
    CONSTRAINT "fk_webhook_deliveries_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
);

CREATE TABLE "messages" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_messages" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "direction" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "text" TEXT NULL,
    "subject" TEXT NULL,
    "media_mime_type" TEXT NULL,
    "media_key" TEXT NULL,
    "media_provider_id" TEXT NULL,
    "media_caption" TEXT NULL,
    "payload" TEXT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT NULL,
    "provider_message_id" TEXT NULL,
    "at" TEXT NOT NULL,
    "user_id" INTEGER NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_messages_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_messages_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE TABLE "channel_identities" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_channel_identities" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "channel_id" INTEGER NULL,
    "kind" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "bsuid" TEXT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_channel_identities_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE TABLE "outbox" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_outbox" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "message_id" INTEGER NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "next_attempt_at" TEXT NOT NULL,
    "lease_until" TEXT NULL,
    "claimed_by" TEXT NULL,
    "last_error" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "sent_at" TEXT NULL
);

CREATE INDEX "ix_channels_workspace_id" ON "channels" ("workspace_id");
CREATE UNIQUE INDEX "ix_channels_public_key" ON "channels" ("public_key");
CREATE INDEX "ix_webhook_deliveries_channel_id" ON "webhook_deliveries" ("channel_id");
CREATE INDEX "ix_webhook_deliveries_processed_at_id" ON "webhook_deliveries" ("processed_at", "id");
CREATE UNIQUE INDEX "ix_messages_channel_id_provider_message_id" ON "messages" ("channel_id", "provider_message_id");
CREATE INDEX "ix_messages_lead_id" ON "messages" ("lead_id");
CREATE INDEX "ix_messages_workspace_id_lead_id_at_id" ON "messages" ("workspace_id", "lead_id", "at", "id");
CREATE UNIQUE INDEX "ix_channel_identities_workspace_id_kind_external_id" ON "channel_identities" ("workspace_id", "kind", "external_id");
CREATE INDEX "ix_channel_identities_workspace_id_bsuid" ON "channel_identities" ("workspace_id", "bsuid");
CREATE INDEX "ix_channel_identities_workspace_id_lead_id" ON "channel_identities" ("workspace_id", "lead_id");
CREATE INDEX "ix_channel_identities_lead_id" ON "channel_identities" ("lead_id");
CREATE UNIQUE INDEX "ix_outbox_idempotency_key" ON "outbox" ("idempotency_key");
CREATE INDEX "ix_outbox_status_next_attempt_at" ON "outbox" ("status", "next_attempt_at");
CREATE INDEX "ix_outbox_workspace_id_status_id" ON "outbox" ("workspace_id", "status", "id");

CREATE TABLE "submissions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_submissions" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "lead_id" INTEGER NOT NULL,
    "message_id" INTEGER NULL,
    "flow" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "files" TEXT NULL,
    "status" TEXT NOT NULL,
    "review_note" TEXT NULL,
    "reviewed_by_id" INTEGER NULL,
    "reviewed_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "fk_submissions_lead_id" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_submissions_workspace_id_status_id" ON "submissions" ("workspace_id", "status", "id");
CREATE INDEX "ix_submissions_workspace_id_lead_id" ON "submissions" ("workspace_id", "lead_id");
CREATE INDEX "ix_submissions_lead_id" ON "submissions" ("lead_id");
CREATE UNIQUE INDEX "ix_submissions_message_id" ON "submissions" ("message_id");
