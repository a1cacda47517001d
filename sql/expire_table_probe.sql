-- Reads no row; fails when {table} does not exist. `expire --include-aggregates` probes each
-- server_by_* table with it before deleting anything, so a warehouse without them (init not
-- run since the aggregates came) stops with "run serverdb-etl init" instead of half-way.
SELECT report_date
  FROM {table}
 LIMIT 0
