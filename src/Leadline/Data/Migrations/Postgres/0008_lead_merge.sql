-- 0008: a lead archived by a merge points at the lead that survived it.

ALTER TABLE leads ADD merged_into_id integer;
