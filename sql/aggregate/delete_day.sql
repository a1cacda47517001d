-- Remove one day's rows of one aggregate table ({table}: a server_by_* name from the
-- registry in src/stages/aggregate-tables.ts) before its INSERT … SELECT, in the same
-- transaction, so re-aggregating a day replaces it whole. Walks the primary key's
-- report_date prefix; other days are never touched.
DELETE FROM {table} WHERE report_date = ?
