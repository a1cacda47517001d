-- One day of server_by_team: servers per (wou_id, wou_name, status) on the report date `?`,
-- by the fact's managing team (docs/data-contract.md, "Roles and teams": the team of the
-- server's lowest role that has one).
-- Reads only that day's facts through the report_date index.
-- The caller deletes the day's rows first, in the same transaction (delete_day.sql).
-- Sentinels (-1, or any negative count) add 0 to the sums; memory is summed
-- in exact thousandths; see server_by_site.sql.
INSERT INTO server_by_team (report_date, wou_id, wou_name, status, servers, cpu_sockets, cpu_cores, memory_gib)
SELECT report_date, wou_id, wou_name, status,
       COUNT(*),
       SUM(CASE WHEN cpu_count >= 0 THEN cpu_count ELSE 0 END),
       SUM(CASE WHEN cpu_count >= 0 AND cpu_cores >= 0 THEN cpu_count * cpu_cores ELSE 0 END),
       SUM(ROUND(memory * 1000)) / 1000
  FROM server_facts
 WHERE report_date = ?
 GROUP BY report_date, wou_id, wou_name, status
