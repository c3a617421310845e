-- 0019: the lead list sorted by last activity in index order. The order puts leads never touched first, as the oldest
-- activity, so it is COALESCE(last_activity_at, minimum), which no column index gives: every page of that sort sorted
-- every lead of the workspace (2.4 s on SQLite at a million leads). SQLite uses an index on an expression only for the
-- same expression, so this is word for word what EF writes for `LastActivityAt ?? DateTime.MinValue` (LeadQueries.Order).
CREATE INDEX "ix_leads_last_activity_order" ON "leads" ("workspace_id", COALESCE("last_activity_at", '0001-01-01 00:00:00'), "id");
