-- The first day with facts after `?`: the day whose server_retirements compare with it, rebuilt
-- with it (a backfilled or reloaded day changes what its next day saw retire). The end of the
-- primary key's report_date range above `?`.
SELECT MIN(report_date) AS report_date
  FROM server_facts
 WHERE report_date > ?
