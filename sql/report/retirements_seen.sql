-- report: every retirement the warehouse saw up to the day `?` (server_retirements: in use on
-- one fact day, retired on the next), with the day it entered service; ages are computed by
-- the report. A few thousand rows a year for a 100k fleet.
SELECT report_date, manufacturer, model, asset_type, in_service_since, delivery_known
  FROM server_retirements
 WHERE report_date <= ?
