-- The report dates present in {table} (server_facts or server_fact_roles), oldest first.
-- SQLite answers SELECT DISTINCT report_date by reading every entry of the report_date index
-- (no loose index scan): seconds for a year of a large fleet. This walks from day to day
-- instead, one index seek per day present: the first day, then repeatedly "the smallest day
-- after this one", until there is none. Same rows as sql/mysql/expire_days.sql.
WITH RECURSIVE days(d) AS (
  SELECT MIN(report_date) FROM {table}
  UNION ALL
  SELECT (SELECT MIN(report_date) FROM {table} WHERE report_date > days.d)
    FROM days
   WHERE days.d IS NOT NULL
)
SELECT d AS report_date
  FROM days
 WHERE d IS NOT NULL
 ORDER BY d
