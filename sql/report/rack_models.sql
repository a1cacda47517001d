-- report (power): servers not retired on the fact day `?` per site, rack, manufacturer, model
-- and status. One day's facts, through the primary key's report_date prefix.
SELECT site, rack, manufacturer, model, status, COUNT(*) AS servers
  FROM server_facts
 WHERE report_date = ?
   AND status <> 'retired'
 GROUP BY site, rack, manufacturer, model, status
