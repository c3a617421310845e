-- 0020: the filter panel's city and post code. The list walked its order's index and kept the leads of that city, and
-- nearly every city or post code is held by a few leads, so such a filter read every lead: 2.8-4.6 s on SQLite and
-- 0.6-0.8 s on PostgreSQL at a million leads for the first page and its count. Each index is in the list's order after
-- the value, as the status and owner indexes are, so a page reads its value's leads in order.
CREATE INDEX ix_leads_workspace_id_city_created_at_id ON leads (workspace_id, city, created_at, id);
CREATE INDEX ix_leads_workspace_id_postal_code_created_at_id ON leads (workspace_id, postal_code, created_at, id);
