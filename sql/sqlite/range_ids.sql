-- The next ids (ascending, after a given id) of a day's rows: one batch of `expire` (SQLite).
-- {table} is server_facts or server_fact_roles, both keyed (report_date, id, …): SQLite seeks to
-- (report_date, id) and reads the next LIMIT entries in id order, with no sort
-- (test/integration/stages/expire.test.ts checks the plan).
SELECT id
  FROM {table}
 WHERE report_date = ? AND id > ?
 ORDER BY id
 LIMIT ?
