-- demo: CPU sockets, cores and memory of the servers in use, per manufacturer, on the newest
-- day (server_by_vendor_model). Unknown counts (-1) never entered the aggregate's sums.
-- Shown to the user as a copyable shell command, so: no double quotes, backticks, $ or !.
SELECT manufacturer,
       SUM(servers) AS servers,
       SUM(cpu_sockets) AS cpu_sockets,
       SUM(cpu_cores) AS cpu_cores,
       ROUND(SUM(memory_gib)) AS memory_gib
  FROM server_by_vendor_model
 WHERE report_date = (SELECT MAX(report_date) FROM server_by_vendor_model)
   AND status = 'in_use'
 GROUP BY manufacturer
 ORDER BY cpu_cores DESC, manufacturer
