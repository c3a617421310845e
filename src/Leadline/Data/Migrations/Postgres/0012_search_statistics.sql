-- 0012: finer statistics for the searched text columns, so the planner sees how common a searched word is.
-- With the default (a 100-entry histogram) a word in 1 lead of 250 ("smith" in a million demo leads: 10,927 hits)
-- usually matches no histogram entry and is estimated at ~100 rows: the planner then reads every hit through the
-- trigram index and sorts them (~48 ms at a million leads) instead of walking the list's order until 50 hits are found
-- (~12 ms). With 1,000 entries such a word is estimated within a factor of about two. Rare texts (an e-mail, a phone
-- number) still match no entry and keep the trigram plan. ANALYZE samples 300,000 rows instead of 30,000 (seconds, in
-- autovacuum's background). The E.164 columns are searched by digits, whose trigrams say enough.

ALTER TABLE leads ALTER COLUMN name SET STATISTICS 1000, ALTER COLUMN company SET STATISTICS 1000, ALTER COLUMN email SET STATISTICS 1000;
