-- The report dates present in {table} (server_facts or server_fact_roles), oldest first.
-- report_date leads an index of both tables, so this is a loose index scan: one probe per
-- day, however many rows each day holds.
SELECT DISTINCT report_date
  FROM {table}
 ORDER BY report_date
