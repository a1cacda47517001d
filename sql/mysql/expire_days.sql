-- The report dates present in {table} (server_facts or server_fact_roles), oldest first.
-- report_date leads an index of both tables, so MariaDB/MySQL answer DISTINCT with a loose
-- index scan ("Using index for group-by"): one probe per day, however many rows each day
-- holds. (SQLite has no loose index scan: sql/sqlite/expire_days.sql walks the days instead.
-- The walk would be slow here: MariaDB scans the index for each step's MIN … WHERE > ?.)
SELECT DISTINCT report_date
  FROM {table}
 ORDER BY report_date
