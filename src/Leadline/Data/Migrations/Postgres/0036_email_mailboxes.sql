-- 0036: e-mail channels read their IMAP inbox: how far each was read (UIDVALIDITY, last UID) and which instance holds it.

CREATE TABLE email_mailboxes (
    channel_id integer NOT NULL,
    workspace_id integer NOT NULL,
    uid_validity bigint NOT NULL,
    last_uid bigint NOT NULL,
    polled_at timestamp with time zone,
    lease_until timestamp with time zone,
    claimed_by character varying(200),
    error character varying(2000),
    CONSTRAINT pk_email_mailboxes PRIMARY KEY (channel_id),
    CONSTRAINT fk_email_mailboxes_channel_id FOREIGN KEY (channel_id) REFERENCES channels (id) ON DELETE CASCADE
);
