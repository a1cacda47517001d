-- The days of a range that have rows in one aggregate table ({table}: a server_by_* name,
-- validated and quoted by the caller). A backfilled day missing from any of them was cut short
-- between its load and its aggregation, and is aggregated again. Reads the primary key, whose
-- first column is report_date.
SELECT DISTINCT report_date
  FROM {table}
 WHERE report_date BETWEEN ? AND ?
