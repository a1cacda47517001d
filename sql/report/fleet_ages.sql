-- report: servers not yet retired on the fact day `?`, by what the refresh rule and the report's
-- dimensions need, and the month they entered service (delivery_date, else created_at; the
-- month is the first seven characters of either on both engines). One day's facts, through
-- the primary key's report_date prefix: the cost of one day, however old the warehouse is.
SELECT manufacturer, model, asset_type, wou_name, site, status,
       SUBSTR(COALESCE(delivery_date, created_at), 1, 7) AS since_month,
       CASE WHEN delivery_date IS NULL THEN 0 ELSE 1 END AS delivery_known,
       COUNT(*) AS servers
  FROM server_facts
 WHERE report_date = ?
   AND status <> 'retired'
 GROUP BY manufacturer, model, asset_type, wou_name, site, status,
          SUBSTR(COALESCE(delivery_date, created_at), 1, 7),
          CASE WHEN delivery_date IS NULL THEN 0 ELSE 1 END
