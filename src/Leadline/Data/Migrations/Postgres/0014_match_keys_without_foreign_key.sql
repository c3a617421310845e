-- 0014: the match keys lose their foreign key to leads; a trigger deletes a lead's keys with it instead.
-- lead_match_keys is an index the app derives from each lead (like the search index), written in the same transaction
-- as the lead itself, by EF saves (MatchKeyInterceptor) and by bulk writes (LeadBulkWriter). The foreign key checked
-- every key row against leads and locked its lead (SELECT ... FOR KEY SHARE, a WAL record per lead): about 9.5 keys per
-- lead, and at 1,000,000 leads the check was 3.2 of the 7.9 s an import of 100,000 rows spent writing its 950,000 keys.
-- The app never hard-deletes a lead (it archives), but a hard delete (a workspace's removal, an administrator's
-- DELETE) still takes the lead's keys with it: one statement-level trigger over the deleted rows.
-- The EF model keeps the relationship (EF orders a new lead's insert before its keys' and fills in their lead id);
-- the drift test knows this one constraint exists only in the model.
ALTER TABLE lead_match_keys DROP CONSTRAINT fk_lead_match_keys_lead_id;

CREATE FUNCTION lead_match_keys_delete_with_leads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lead_match_keys k USING deleted_leads d WHERE k.lead_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER leads_delete_match_keys AFTER DELETE ON leads
    REFERENCING OLD TABLE AS deleted_leads FOR EACH STATEMENT EXECUTE FUNCTION lead_match_keys_delete_with_leads();
