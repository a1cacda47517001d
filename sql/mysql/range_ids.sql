-- The next ids (ascending, after a given id) of a day's rows: one batch of `expire` where a day's
-- partition cannot be dropped (a table not partitioned by day). {table} is server_facts or
-- server_fact_roles, both with PRIMARY KEY (report_date, id, …): the server seeks to
-- (report_date, id) and reads the next LIMIT entries in id order, with no sort (EXPLAIN: range,
-- key_len 11; test/integration/stages/expire.test.ts checks plan and reads). FORCE INDEX because
-- on a table partitioned by day MariaDB 10.11 otherwise picks `ref` on the date alone (measured),
-- which re-reads the day's head on every batch.
SELECT id
  FROM {table} FORCE INDEX (PRIMARY)
 WHERE report_date = ? AND id > ?
 ORDER BY id
 LIMIT ?
