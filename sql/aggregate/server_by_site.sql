-- One day of server_by_site: servers per (site, region, status) on the report date `?`.
-- Reads only that day's facts through the report_date index (cost per day, not per history).
-- The caller deletes the day's rows first, in the same transaction (delete_day.sql).
-- Known counts are >= 0: -1 is the unknown sentinel, and no negative value is a count, so
-- sentinels add 0 to the sums; cores count only where sockets and cores per socket are known.
INSERT INTO server_by_site (report_date, site, region, status, servers, cpu_sockets, cpu_cores, memory_gib)
SELECT report_date, site, region, status,
       COUNT(*),
       SUM(CASE WHEN cpu_count >= 0 THEN cpu_count ELSE 0 END),
       SUM(CASE WHEN cpu_count >= 0 AND cpu_cores >= 0 THEN cpu_count * cpu_cores ELSE 0 END),
       SUM(memory)
  FROM server_facts
 WHERE report_date = ?
 GROUP BY report_date, site, region, status
