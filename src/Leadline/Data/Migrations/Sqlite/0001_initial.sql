-- 0001: workspaces, identity (users, roles, claims, logins, tokens), API tokens, Data Protection keys.
-- Generated once from the EF model, then owned by hand; DriftTests keep it equal to the model.

CREATE TABLE "data_protection_keys" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_data_protection_keys" PRIMARY KEY AUTOINCREMENT,
    "friendly_name" TEXT NOT NULL,
    "xml" TEXT NOT NULL
);

CREATE TABLE "roles" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_roles" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NULL,
    "normalized_name" TEXT NULL,
    "concurrency_stamp" TEXT NULL
);

CREATE TABLE "workspaces" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_workspaces" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "default_country" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL
);

CREATE TABLE "role_claims" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_role_claims" PRIMARY KEY AUTOINCREMENT,
    "role_id" INTEGER NOT NULL,
    "claim_type" TEXT NULL,
    "claim_value" TEXT NULL,
    CONSTRAINT "fk_role_claims_role_id" FOREIGN KEY ("role_id") REFERENCES "roles" ("id") ON DELETE CASCADE
);

CREATE TABLE "users" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "is_active" INTEGER NOT NULL,
    "last_sign_in_at" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "user_name" TEXT NULL,
    "normalized_user_name" TEXT NULL,
    "email" TEXT NULL,
    "normalized_email" TEXT NULL,
    "email_confirmed" INTEGER NOT NULL,
    "password_hash" TEXT NULL,
    "security_stamp" TEXT NULL,
    "concurrency_stamp" TEXT NULL,
    "phone_number" TEXT NULL,
    "phone_number_confirmed" INTEGER NOT NULL,
    "two_factor_enabled" INTEGER NOT NULL,
    "lockout_end" TEXT NULL,
    "lockout_enabled" INTEGER NOT NULL,
    "access_failed_count" INTEGER NOT NULL,
    CONSTRAINT "fk_users_workspace_id" FOREIGN KEY ("workspace_id") REFERENCES "workspaces" ("id") ON DELETE RESTRICT
);

CREATE TABLE "api_tokens" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_api_tokens" PRIMARY KEY AUTOINCREMENT,
    "workspace_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "expires_at" TEXT NOT NULL,
    CONSTRAINT "fk_api_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE TABLE "user_claims" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_user_claims" PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL,
    "claim_type" TEXT NULL,
    "claim_value" TEXT NULL,
    CONSTRAINT "fk_user_claims_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE TABLE "user_logins" (
    "login_provider" TEXT NOT NULL,
    "provider_key" TEXT NOT NULL,
    "provider_display_name" TEXT NULL,
    "user_id" INTEGER NOT NULL,
    CONSTRAINT "pk_user_logins" PRIMARY KEY ("login_provider", "provider_key"),
    CONSTRAINT "fk_user_logins_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE TABLE "user_roles" (
    "user_id" INTEGER NOT NULL,
    "role_id" INTEGER NOT NULL,
    CONSTRAINT "pk_user_roles" PRIMARY KEY ("user_id", "role_id"),
    CONSTRAINT "fk_user_roles_role_id" FOREIGN KEY ("role_id") REFERENCES "roles" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_user_roles_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE TABLE "user_tokens" (
    "user_id" INTEGER NOT NULL,
    "login_provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NULL,
    CONSTRAINT "pk_user_tokens" PRIMARY KEY ("user_id", "login_provider", "name"),
    CONSTRAINT "fk_user_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_api_tokens_token_hash" ON "api_tokens" ("token_hash");

CREATE INDEX "ix_api_tokens_user_id" ON "api_tokens" ("user_id");

CREATE INDEX "ix_role_claims_role_id" ON "role_claims" ("role_id");

CREATE UNIQUE INDEX "ix_roles_normalized_name" ON "roles" ("normalized_name");

CREATE INDEX "ix_user_claims_user_id" ON "user_claims" ("user_id");

CREATE INDEX "ix_user_logins_user_id" ON "user_logins" ("user_id");

CREATE INDEX "ix_user_roles_role_id" ON "user_roles" ("role_id");

CREATE UNIQUE INDEX "ix_users_normalized_email" ON "users" ("normalized_email");

CREATE UNIQUE INDEX "ix_users_normalized_user_name" ON "users" ("normalized_user_name");

CREATE INDEX "ix_users_workspace_id" ON "users" ("workspace_id");

-- the three fixed roles (Identity looks them up by normalized name)
INSERT INTO roles (name, normalized_name, concurrency_stamp) VALUES ('Admin', 'ADMIN', 'role-admin'), ('Manager', 'MANAGER', 'role-manager'), ('Agent', 'AGENT', 'role-agent');
