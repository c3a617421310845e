-- 0017: the work queue in index order. Its order (never contacted first, oldest first; then the longest untouched) was
-- one ORDER BY with a CASE on the activity date, which no index gives: every page and every "Next" sorted the whole
-- queue (5 s at a million leads on SQLite). WorkQueueService now reads it in two parts, the leads without an activity
-- date by creation and the others by activity date, each a range of this index in order.
CREATE INDEX "ix_leads_workspace_id_last_activity_at_created_at_id" ON "leads" ("workspace_id", "last_activity_at", "created_at", "id");
DROP INDEX "ix_leads_workspace_id_last_activity_at";
