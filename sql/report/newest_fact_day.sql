-- report: the newest day with facts on or before `?` (retention may have expired the day the
-- aggregates show): the day whose facts the retirement and power sections read.
SELECT MAX(report_date) AS report_date
  FROM server_facts
 WHERE report_date <= ?
