-- Rows one day holds in {table} (server_facts or server_fact_roles): what an expire would
-- delete, counted for its dry run and for a refused large delete. A range of the report_date
-- index (the bridge: its primary key's prefix), so the cost is that day's rows, not the table's.
SELECT COUNT(*) AS n
  FROM {table}
 WHERE report_date = ?
