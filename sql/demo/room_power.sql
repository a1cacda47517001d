-- demo: rated power of the servers in use per site and room on the newest day, from a table the
-- demo's config declares ([[facts.aggregates]] server_by_room over the declared columns room
-- and rated_watts): no join, no SQL of its own. rated_watts_known says how many of the servers
-- had a rating; the others are counted in servers but not in the watts.
-- Shown to the user as a copyable shell command, so: no double quotes, backticks, $ or !.
SELECT site,
       room,
       SUM(servers) AS servers,
       SUM(rated_watts_known) AS rated,
       SUM(rated_watts) AS rated_watts
  FROM server_by_room
 WHERE report_date = (SELECT MAX(report_date) FROM server_by_room)
   AND status = 'in_use'
 GROUP BY site, room
 ORDER BY rated_watts DESC, site, room
 LIMIT 8
