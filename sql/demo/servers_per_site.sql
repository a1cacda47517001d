-- demo: servers per site on the newest day, one column per status (server_by_site).
-- Shown to the user as a copyable shell command, so: no double quotes, backticks, $ or !.
-- Portable (SQLite and MySQL): CASE inside SUM, a scalar subquery for the newest day.
SELECT site,
       region,
       SUM(servers) AS servers,
       SUM(CASE WHEN status = 'in_use' THEN servers ELSE 0 END) AS in_use,
       SUM(CASE WHEN status = 'spare' THEN servers ELSE 0 END) AS spare,
       SUM(CASE WHEN status = 'broken' THEN servers ELSE 0 END) AS broken,
       SUM(CASE WHEN status = 'retired' THEN servers ELSE 0 END) AS retired,
       SUM(CASE WHEN status NOT IN ('in_use', 'spare', 'broken', 'retired') THEN servers ELSE 0 END) AS other
  FROM server_by_site
 WHERE report_date = (SELECT MAX(report_date) FROM server_by_site)
 GROUP BY site, region
 ORDER BY servers DESC, site, region
