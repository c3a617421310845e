-- server-side browser sessions: the cookie holds a random key, this table its ticket (signing out deletes the row)
CREATE TABLE browser_sessions (
    key_hash character varying(64) NOT NULL,
    user_id integer NOT NULL,
    workspace_id integer NOT NULL,
    ticket bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    CONSTRAINT pk_browser_sessions PRIMARY KEY (key_hash),
    CONSTRAINT fk_browser_sessions_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_browser_sessions_user_id ON browser_sessions (user_id);
