-- The newest successful run of one report date (none: no row): before an etl replaces a past
-- day, how old that day's snapshot is. Uses the (report_date, status) key; a row or two per day.
SELECT id, kind, finished_at
  FROM etl_runs
 WHERE report_date = ? AND status = 'success'
 ORDER BY id DESC
 LIMIT 1
