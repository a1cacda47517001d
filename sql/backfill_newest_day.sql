-- The newest report date the warehouse holds that is not after today (NULL when none): the
-- backfill's daily retention window counts back from it when it is later than --to. A day after
-- today (a typo'd --report-date) is not counted, as expire does not count it. One read at the
-- end of the report_date index range.
SELECT MAX(report_date) AS newest
  FROM server_facts
 WHERE report_date <= ?
