-- 0026: imports as background jobs: the file in the database (any instance runs it), cancel, and the workers' claim.

ALTER TABLE imports ADD COLUMN background boolean NOT NULL DEFAULT false;
ALTER TABLE imports ALTER COLUMN background DROP DEFAULT;
ALTER TABLE imports ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
ALTER TABLE imports ALTER COLUMN cancel_requested DROP DEFAULT;
ALTER TABLE imports ADD COLUMN options character varying(2000);

CREATE INDEX ix_imports_status_heartbeat_at ON imports (status, heartbeat_at);

CREATE TABLE import_files (
    import_id integer NOT NULL,
    workspace_id integer NOT NULL,
    content bytea NOT NULL,
    CONSTRAINT pk_import_files PRIMARY KEY (import_id),
    CONSTRAINT fk_import_files_import_id FOREIGN KEY (import_id) REFERENCES imports (id) ON DELETE CASCADE
);
