-- 0039: the Inbox's partial indexes carry every column the queues' conditions read (whether the customer waits, the SLA's
-- due time, the archive date), so a queue's capped count (up to 10,001 entries at a million leads) is read from the index
-- alone instead of looking each lead up: 20-25 ms of the first page's time on SQLite (docs/performance.md, issue 20).

DROP INDEX IF EXISTS ix_leads_inbox_action;
DROP INDEX IF EXISTS ix_leads_inbox_waiting;
CREATE INDEX ix_leads_inbox_action ON leads (workspace_id, next_action_due_at, id, awaiting_reply_since, sla_due_at, archived_at)
    WHERE next_action_due_at IS NOT NULL AND archived_at IS NULL;
CREATE INDEX ix_leads_inbox_waiting ON leads (workspace_id, awaiting_reply_since, id, sla_due_at, archived_at)
    WHERE awaiting_reply_since IS NOT NULL AND archived_at IS NULL;
