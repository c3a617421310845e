-- 0005: the board's index: a column's cards in board order, the per-stage counts and a move's neighbours read only this
-- (an index-only scan over the unarchived leads), instead of fetching 100,000 rows for archived_at and pipeline_id.
-- owner_id rides along for the board's "My leads" / owner filter.

CREATE INDEX ix_leads_workspace_id_pipeline_id_stage_id_position_id_owner_id ON leads (workspace_id, pipeline_id, stage_id, position, id, owner_id) WHERE archived_at IS NULL;
