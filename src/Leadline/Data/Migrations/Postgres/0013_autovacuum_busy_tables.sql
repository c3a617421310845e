-- 0013: vacuum the busy tables after 1 % of their rows changed, not PostgreSQL's default 20 %.
-- A move on the board changes a lead's position, which is in the board index, so it is never a HOT update: every move
-- leaves a dead row and clears its heap page's all-visible bit, and the board's counts and columns (index-only scans of
-- ix_leads_board) then read the heap for those pages. Measured at 1,000,000 leads: after 20,000 moves the count of a
-- 300,000-card column went from 4,153 buffers and 0 heap fetches to 80,049 buffers and 118,341 heap fetches (62 → 122 ms);
-- the default would wait for 200,000 dead rows before vacuuming, this setting vacuumed within a minute (heap fetches 0).
-- The match keys are rewritten on every edit and bulk-inserted by imports; the duplicate check reads them index-only.
-- The insert setting lets autovacuum mark imported rows all-visible after an import of 1 %, not 20 %.
ALTER TABLE leads SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE lead_match_keys SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
