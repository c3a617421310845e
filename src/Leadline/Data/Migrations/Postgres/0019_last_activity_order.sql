-- 0019: the lead list sorted by last activity in index order. The order puts leads never touched first, as the oldest
-- activity, so it is COALESCE(last_activity_at, minimum), which no column index gives: every page of that sort sorted
-- every lead of the workspace (0.33 s on PostgreSQL at a million leads). The expression is the one EF writes for
-- `LastActivityAt ?? DateTime.MinValue` (LeadQueries.Order; Npgsql maps DateTime.MinValue to -infinity).
CREATE INDEX ix_leads_last_activity_order ON leads (workspace_id, COALESCE(last_activity_at, TIMESTAMPTZ '-infinity'), id);
