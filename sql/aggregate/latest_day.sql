-- The day the newest successful nightly `etl` run loaded: what `aggregate` does by default.
SELECT report_date
  FROM etl_runs
 WHERE status = 'success' AND kind = 'etl'
 ORDER BY id DESC
 LIMIT 1
