-- 0033: the response discipline (issue 20): a lead's next action, its first-response SLA and the customer's unanswered
-- wait; the workspace's SLA minutes and business hours; why a history row happened when no person did it by hand; and
-- the Inbox's partial indexes (only leads someone has to act on are in them).

ALTER TABLE "leads" ADD "next_action_type" TEXT NULL;
ALTER TABLE "leads" ADD "next_action_due_at" TEXT NULL;
ALTER TABLE "leads" ADD "sla_state" TEXT NOT NULL DEFAULT 'None';
ALTER TABLE "leads" ADD "sla_due_at" TEXT NULL;
ALTER TABLE "leads" ADD "awaiting_reply_since" TEXT NULL;
ALTER TABLE "lead_history" ADD "reason" TEXT NULL;
ALTER TABLE "workspaces" ADD "first_response_minutes" INTEGER NOT NULL DEFAULT 60;
ALTER TABLE "workspaces" ADD "business_hours" TEXT NULL;

CREATE INDEX "ix_leads_inbox_action" ON "leads" ("workspace_id", "next_action_due_at", "id") WHERE "next_action_due_at" IS NOT NULL AND "archived_at" IS NULL;
CREATE INDEX "ix_leads_inbox_waiting" ON "leads" ("workspace_id", "awaiting_reply_since", "id") WHERE "awaiting_reply_since" IS NOT NULL AND "archived_at" IS NULL;
CREATE INDEX "ix_leads_sla_due" ON "leads" ("sla_due_at") WHERE "sla_state" = 'Due';
