-- One day of server_by_puppet_service: servers per (puppet_service, status) on the report
-- date `?`, from the role bridge. A server counts once under each distinct service of its
-- roles: two roles sharing a service are one (the DISTINCT), a role without a service counts
-- under ''. A server with no role at all has no bridge row and is not counted here (the
-- other server_by_* tables count every server).
-- The bridge's primary key (report_date, id, role_id) gives that day's rows; each joins its
-- fact by server_facts' primary key (id, report_date) for status and measures. Both `?` are
-- the report date: the second keeps the facts to that day whichever way the optimizer joins
-- (with stale statistics it may start from server_facts; then it reads the day, not history).
-- The caller deletes the day's rows first, in the same transaction (delete_day.sql).
-- Sentinels (-1, or any negative count) add 0 to the sums; memory is summed
-- in exact thousandths; see server_by_site.sql.
INSERT INTO server_by_puppet_service (report_date, puppet_service, status, servers, cpu_sockets, cpu_cores, memory_gib)
SELECT f.report_date, s.puppet_service, f.status,
       COUNT(*),
       SUM(CASE WHEN f.cpu_count >= 0 THEN f.cpu_count ELSE 0 END),
       SUM(CASE WHEN f.cpu_count >= 0 AND f.cpu_cores >= 0 THEN f.cpu_count * f.cpu_cores ELSE 0 END),
       SUM(ROUND(f.memory * 1000)) / 1000
  FROM (SELECT DISTINCT report_date, id, puppet_service
          FROM server_fact_roles
         WHERE report_date = ?) AS s
  JOIN server_facts AS f ON f.id = s.id AND f.report_date = s.report_date
 WHERE f.report_date = ?
 GROUP BY f.report_date, s.puppet_service, f.status
