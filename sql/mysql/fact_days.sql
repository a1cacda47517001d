-- The distinct report dates that have facts between two dates (inclusive), ascending.
-- Answered from the report_date index alone (MariaDB/MySQL: a loose index scan, one probe
-- per distinct day), never by reading the facts. SQLite's twin: sql/sqlite/fact_days.sql.
SELECT DISTINCT report_date
  FROM server_facts
 WHERE report_date BETWEEN ? AND ?
 ORDER BY report_date
