-- server-side browser sessions: the cookie holds a random key, this table its ticket (signing out deletes the row)
CREATE TABLE "browser_sessions" (
    "key_hash" TEXT NOT NULL CONSTRAINT "pk_browser_sessions" PRIMARY KEY,
    "user_id" INTEGER NOT NULL,
    "workspace_id" INTEGER NOT NULL,
    "ticket" BLOB NOT NULL,
    "created_at" TEXT NOT NULL,
    "expires_at" TEXT NULL,
    CONSTRAINT "fk_browser_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_browser_sessions_user_id" ON "browser_sessions" ("user_id");
