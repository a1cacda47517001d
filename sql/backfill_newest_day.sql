-- The newest report date the warehouse holds (NULL when empty): the backfill's daily retention
-- window counts back from it when it is later than --to. One read at the end of the
-- report_date index.
SELECT MAX(report_date) AS newest
  FROM server_facts
