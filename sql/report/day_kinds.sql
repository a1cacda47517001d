-- report: which kind of run wrote each day's snapshot ('etl' = the nightly extract, 'backfill' =
-- rebuilt from simple-history: today's teams, deleted servers under <unknown>): the latest
-- successful run of the day, as docs/data-contract.md ("etl_runs") defines a day's snapshot.
SELECT r.report_date, r.kind
  FROM etl_runs r
 WHERE r.status = 'success'
   AND r.id = (SELECT MAX(x.id) FROM etl_runs x WHERE x.report_date = r.report_date AND x.status = 'success')
 ORDER BY r.report_date
