-- report: every day the aggregates hold (server_by_site has rows for every aggregated day that
-- had facts), oldest first. A walk of the small table's primary key prefix.
SELECT report_date
  FROM server_by_site
 GROUP BY report_date
 ORDER BY report_date
