-- 0038: delivery statuses Meta posts before its answer to our send gave the message its provider id are held (a day at
-- most) and applied when the outbox records the id.

CREATE TABLE "pending_message_statuses" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_pending_message_statuses" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "provider_message_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT NULL,
    "at" TEXT NOT NULL,
    "received_at" TEXT NOT NULL,
    CONSTRAINT "fk_pending_message_statuses_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_pending_message_statuses_channel_id_provider_message_id" ON "pending_message_statuses" ("channel_id", "provider_message_id");

CREATE INDEX "ix_pending_message_statuses_received_at" ON "pending_message_statuses" ("received_at");
