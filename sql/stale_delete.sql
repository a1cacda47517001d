-- Delete one id range of a day's rows not written by the given run (one short transaction).
DELETE FROM {table}
 WHERE report_date = ? AND etl_run_id <> ? AND id BETWEEN ? AND ?
