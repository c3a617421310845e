-- 0033: the response discipline (issue 20): a lead's next action, its first-response SLA and the customer's unanswered
-- wait; the workspace's SLA minutes and business hours; why a history row happened when no person did it by hand; and
-- the Inbox's partial indexes (only leads someone has to act on are in them).

ALTER TABLE leads ADD next_action_type character varying(20);
ALTER TABLE leads ADD next_action_due_at timestamp with time zone;
ALTER TABLE leads ADD sla_state character varying(20) NOT NULL DEFAULT 'None';
ALTER TABLE leads ALTER COLUMN sla_state DROP DEFAULT;
ALTER TABLE leads ADD sla_due_at timestamp with time zone;
ALTER TABLE leads ADD awaiting_reply_since timestamp with time zone;
ALTER TABLE lead_history ADD reason character varying(200);
ALTER TABLE workspaces ADD first_response_minutes integer NOT NULL DEFAULT 60;
ALTER TABLE workspaces ALTER COLUMN first_response_minutes DROP DEFAULT;
ALTER TABLE workspaces ADD business_hours character varying(2000);

CREATE INDEX ix_leads_inbox_action ON leads (workspace_id, next_action_due_at, id) WHERE next_action_due_at IS NOT NULL AND archived_at IS NULL;
CREATE INDEX ix_leads_inbox_waiting ON leads (workspace_id, awaiting_reply_since, id) WHERE awaiting_reply_since IS NOT NULL AND archived_at IS NULL;
CREATE INDEX ix_leads_sla_due ON leads (sla_due_at) WHERE sla_state = 'Due';
