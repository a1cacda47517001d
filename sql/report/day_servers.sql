-- report: the servers not yet retired on the fact day `?`, one row each, with what the
-- retirement and power sections group by: the refresh rule's and the dimensions' columns, the
-- rack, and the month the server entered service (delivery_date, else created_at; the first
-- seven characters of either on both engines). One day's facts, through the primary key's
-- report_date prefix: the cost of one day, however old the warehouse is. Not grouped here:
-- those groups are nearly one per server (80k of 94k for 100k servers), and a GROUP BY that
-- wide spills MariaDB's temporary table to disk (4 s against 0.4 s for the rows themselves);
-- the report folds the rows as they stream (src/report/read-warehouse.ts, dayServers).
SELECT manufacturer, model, asset_type, wou_name, site, rack, status,
       SUBSTR(COALESCE(delivery_date, created_at), 1, 7) AS since_month,
       CASE WHEN delivery_date IS NULL THEN 0 ELSE 1 END AS delivery_known
  FROM server_facts
 WHERE report_date = ?
   AND status <> 'retired'
