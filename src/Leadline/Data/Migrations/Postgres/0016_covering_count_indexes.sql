-- 0016: counts from the indexes alone. The list's total and the start page's figures count up to 10,001 leads of a
-- filter (LeadQueries.CountAsync), and every one of them had to be looked up in the table for its archive date: 30-40 ms
-- per count on SQLite at a million leads, 40-130 ms on PostgreSQL for the narrower filters. archived_at becomes the last
-- column of the smart filters' indexes, after the id that settles their order, so the orders they give are unchanged and
-- the count is answered from the index. Three partial indexes cover the "No info" tab, the Enterprise filter and the
-- follow-up filter (the start page's "Overdue follow-ups"), which had none and read the list's order until a page or
-- 10,001 matches were found (a few hundred thousand rows for a count; a page of Enterprise leads took 53 ms on SQLite
-- under 100,000 imported small companies); each holds only the leads it is about, in the list's order (the follow-up
-- date last, so that a count reads the index alone).
CREATE INDEX ix_leads_workspace_id_created_at_id_archived_at ON leads (workspace_id, created_at, id, archived_at);
DROP INDEX ix_leads_workspace_id_created_at_id;
CREATE INDEX ix_leads_workspace_id_status_created_at_id_archived_at ON leads (workspace_id, status, created_at, id, archived_at);
DROP INDEX ix_leads_workspace_id_status_created_at;
CREATE INDEX ix_leads_workspace_id_owner_id_created_at_id_archived_at ON leads (workspace_id, owner_id, created_at, id, archived_at);
DROP INDEX ix_leads_workspace_id_owner_id_created_at;
CREATE INDEX ix_leads_workspace_id_score_id_archived_at ON leads (workspace_id, score, id, archived_at);
DROP INDEX ix_leads_workspace_id_score;
CREATE INDEX ix_leads_no_contact_info ON leads (workspace_id, created_at, id, archived_at) WHERE NOT "has_contact_info";
CREATE INDEX ix_leads_follow_up ON leads (workspace_id, created_at, id, archived_at, next_follow_up_at) WHERE "next_follow_up_at" IS NOT NULL;
CREATE INDEX ix_leads_enterprise ON leads (workspace_id, created_at, id, archived_at) WHERE "company_size" >= 1000 OR "account_type" = 'enterprise';
