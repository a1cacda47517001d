-- Every etl_runs row of the days a backfill may build (a range, both ends included), with its
-- kind: the newest run of a day decides whether the backfill builds it, skips it as done, or
-- leaves it to the nightly etl. Uses the (report_date, status) key; a row or two per day.
SELECT report_date, id, kind, status
  FROM etl_runs
 WHERE report_date BETWEEN ? AND ?
 ORDER BY report_date, id
