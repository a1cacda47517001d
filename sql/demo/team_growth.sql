-- demo: servers per team on the newest day and the change since the oldest day the warehouse
-- has (server_by_team); 0 until there is more than one day. The ten biggest teams.
-- Shown to the user as a copyable shell command, so: no double quotes, backticks, $ or !.
SELECT t.wou_name AS team,
       SUM(CASE WHEN t.report_date = d.newest THEN t.servers ELSE 0 END) AS servers,
       SUM(CASE WHEN t.report_date = d.newest THEN t.servers ELSE 0 END)
         - SUM(CASE WHEN t.report_date = d.oldest THEN t.servers ELSE 0 END) AS growth,
       SUM(CASE WHEN t.report_date = d.newest THEN t.cpu_cores ELSE 0 END) AS cpu_cores,
       ROUND(SUM(CASE WHEN t.report_date = d.newest THEN t.memory_gib ELSE 0 END)) AS memory_gib
  FROM server_by_team t
  JOIN (SELECT MIN(report_date) AS oldest, MAX(report_date) AS newest FROM server_by_team) d
    ON t.report_date IN (d.oldest, d.newest)
 GROUP BY t.wou_id, t.wou_name
 ORDER BY servers DESC, team
 LIMIT 10
