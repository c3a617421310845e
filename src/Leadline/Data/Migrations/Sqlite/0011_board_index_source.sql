-- 0011: the board's index (0005) also carries source, so a board filtered by source counts each column and reads its
-- cards from the index alone; before, each stage's count looked up every lead of the stage in the table for its source
-- (SQLite: p95 190 ms for a 100,000-lead board filtered by source). It gets a short name of its own: with source the
-- generated one would be over PostgreSQL's 63 characters.

DROP INDEX "ix_leads_workspace_id_pipeline_id_stage_id_position_id_owner_id";
CREATE INDEX "ix_leads_board" ON "leads" ("workspace_id", "pipeline_id", "stage_id", "position", "id", "owner_id", "source") WHERE "archived_at" IS NULL;
