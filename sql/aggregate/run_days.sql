-- Every etl_runs row of the report dates between two dates (inclusive), newest run last per
-- day: a day is aggregated only when its newest run succeeded. Uses the (report_date,
-- status) key; etl_runs has a row or two per day, so this stays small even with --all.
SELECT report_date, id, status
  FROM etl_runs
 WHERE report_date BETWEEN ? AND ?
 ORDER BY report_date, id
