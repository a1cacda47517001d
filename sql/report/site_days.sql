-- report: servers and their measures per site (site) and status on the listed days (the list
-- below becomes one `?` per day). Reads server_by_site, never the facts: a few hundred rows per day.
SELECT report_date, site AS k, status,
       SUM(servers) AS servers, SUM(cpu_sockets) AS cpu_sockets, SUM(cpu_cores) AS cpu_cores,
       SUM(memory_gib) AS memory_gib
  FROM server_by_site
 WHERE report_date IN ({days})
 GROUP BY report_date, site, status
