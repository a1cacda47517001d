-- The distinct report dates that have facts between two dates ?1 and ?2 (inclusive),
-- ascending: the day-to-day walk of sql/sqlite/expire_days.sql (one seek of the report_date
-- index per day present, never a scan), bounded. Same rows as sql/mysql/fact_days.sql.
WITH RECURSIVE days(d) AS (
  SELECT MIN(report_date) FROM server_facts WHERE report_date >= ?1
  UNION ALL
  SELECT (SELECT MIN(report_date) FROM server_facts WHERE report_date > days.d)
    FROM days
   WHERE days.d IS NOT NULL AND days.d < ?2
)
SELECT d AS report_date
  FROM days
 WHERE d IS NOT NULL AND d <= ?2
 ORDER BY d
