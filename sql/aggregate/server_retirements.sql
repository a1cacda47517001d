-- One day of server_retirements: the servers 'retired' on the report date `?` that were 'in_use'
-- on the fact day before it (the newest report_date below `?`; a week back where retention kept
-- Mondays only). in_service_since is the delivery date, else the day the asset was created
-- (delivery_known says which). Reads the two days' facts through the primary key
-- (report_date, id): a cost per day, not per history. The caller deletes the day first.
-- A server already recorded as retired on a day between the two (that day's facts expired
-- since, so a rebuild compares with an older day) is not counted twice. `aggregate` rebuilds
-- this table for the next fact day too, since its rows depend on the day being rebuilt.
INSERT INTO server_retirements (report_date, id, previous_day, manufacturer, model, asset_type, site, wou_name,
                                in_service_since, delivery_known)
SELECT f.report_date, f.id, p.report_date, f.manufacturer, f.model, f.asset_type, f.site, f.wou_name,
       COALESCE(f.delivery_date, DATE(f.created_at)),
       CASE WHEN f.delivery_date IS NULL THEN 0 ELSE 1 END
  FROM server_facts f
  JOIN server_facts p
    ON p.report_date = (SELECT MAX(d.report_date) FROM server_facts d WHERE d.report_date < ?)
   AND p.id = f.id
 WHERE f.report_date = ?
   AND f.status = 'retired'
   AND p.status = 'in_use'
   AND NOT EXISTS (SELECT 1 FROM server_retirements r
                    WHERE r.report_date > p.report_date AND r.report_date < f.report_date AND r.id = f.id)
