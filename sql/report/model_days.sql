-- report: servers and their measures per manufacturer, model and status on the listed days
-- (the list below becomes one `?` per day). Reads server_by_vendor_model, never the facts; names are
-- raw here, the report merges aliases (src/report/names.ts).
SELECT report_date, manufacturer, model, status,
       SUM(servers) AS servers, SUM(cpu_sockets) AS cpu_sockets, SUM(cpu_cores) AS cpu_cores,
       SUM(memory_gib) AS memory_gib
  FROM server_by_vendor_model
 WHERE report_date IN ({days})
 GROUP BY report_date, manufacturer, model, status
