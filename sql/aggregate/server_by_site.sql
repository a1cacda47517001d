-- One day of server_by_site: servers per (site, region, status) on the report date `?`.
-- Reads only that day's facts through the report_date index (cost per day, not per history).
-- The caller deletes the day's rows first, in the same transaction (delete_day.sql).
-- Known counts are >= 0: -1 is the unknown sentinel, and no negative value is a count, so
-- sentinels add 0 to the sums; cores count only where sockets and cores per socket are known.
-- memory is summed in whole thousandths of a GiB, then divided back: on MariaDB/MySQL that is
-- the exact decimal sum (decimal(8,3) × 1000 is an integer); in a SQLite warehouse memory is
-- a REAL, and doubles add integers below 2^53 exactly, so both engines get the same
-- memory_gib to the thousandth (a plain SUM of doubles could be off in the last digit).
INSERT INTO server_by_site (report_date, site, region, status, servers, cpu_sockets, cpu_cores, memory_gib)
SELECT report_date, site, region, status,
       COUNT(*),
       SUM(CASE WHEN cpu_count >= 0 THEN cpu_count ELSE 0 END),
       SUM(CASE WHEN cpu_count >= 0 AND cpu_cores >= 0 THEN cpu_count * cpu_cores ELSE 0 END),
       SUM(ROUND(memory * 1000)) / 1000
  FROM server_facts
 WHERE report_date = ?
 GROUP BY report_date, site, region, status
