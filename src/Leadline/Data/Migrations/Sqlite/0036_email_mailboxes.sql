-- 0036: e-mail channels read their IMAP inbox: how far each was read (UIDVALIDITY, last UID) and which instance holds it.

CREATE TABLE "email_mailboxes" (
    "channel_id" INTEGER NOT NULL CONSTRAINT "pk_email_mailboxes" PRIMARY KEY,
    "workspace_id" INTEGER NOT NULL,
    "uid_validity" INTEGER NOT NULL,
    "last_uid" INTEGER NOT NULL,
    "polled_at" TEXT NULL,
    "lease_until" TEXT NULL,
    "claimed_by" TEXT NULL,
    "error" TEXT NULL,
    CONSTRAINT "fk_email_mailboxes_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE
);
