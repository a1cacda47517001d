-- One row per Server as it stood at a past instant (the end of a backfilled day), built from
-- django-simple-history's servers_historicalserver, in the same shape as fact_select.sql so
-- the same transform and load write it. Every `?` is that instant: the next local midnight
-- after the day, converted to UTC by the caller, as 'YYYY-MM-DD HH:MM:SS' (history_date and
-- created_at hold UTC, as Django stores them).
--
-- Part 1, servers with history: each server's latest history row before the instant, latest
-- by (history_date, history_id) so two saves within one microsecond keep their insertion
-- order. ROW_NUMBER() runs over three narrow columns only (id, history_date, history_id: a
-- scan of the history, or of its history_date index for early days where that is cheaper);
-- the chosen rows are then read by primary key. A latest row of type '-' means the server had
-- been deleted by then: it is left out.
--
-- Part 2, servers without any history row before the instant but created by then (bulk
-- creates, rows that predate tracking): their current state, as fact_select.sql reads it.
--
-- What the history cannot tell, and so comes from today's tables (README "backfill"):
-- roles and their teams (a many-to-many, never in the history row); the names behind the
-- site, rack, CPU and model ids the history row holds (site shortname, region and zone,
-- rack name, CPU version/cores/threads, model and manufacturer); asset_type and
-- delivery_date (servers_deliveryasset is not a Server field). Servers deleted since have
-- no roles and no delivery row any more. `asof_source` says where a row came from:
-- 'history', 'history-deleted' (history, but gone from ServerDB today) or 'current'
-- (part 2); the backfill counts the last two as approximations. The transform ignores it.
--
-- Portable: window functions and json_array exist in MariaDB ≥ 10.2, MySQL 8 and
-- SQLite ≥ 3.38; group_concat(… ORDER BY …) as in fact_select.sql. {schema} is the source
-- database, validated and backtick-quoted by the caller. Runs inside one read-only snapshot.
SELECT
  h.id,
  h.name,
  h.serialnumber,
  h.status,
  h.owner,
  h.created_at,
  h.last_edit,
  d.asset_type,
  d.delivery_date,
  st.shortname AS site,
  rg.shortname AS region_name,
  az.shortname AS az_name,
  rk.name      AS rack,
  (SELECT group_concat(json_array(r.id, r.name, r.puppet_service, t.org_unit_id, t.name) ORDER BY r.id)
     FROM {schema}.servers_server_role sr
     JOIN {schema}.servers_serverrole r ON r.id = sr.serverrole_id
     LEFT JOIN {schema}.servers_team t ON t.id = r.managed_by
    WHERE sr.server_id = h.id) AS roles,
  c.version    AS cpu_version,
  c.cores      AS cpu_cores,
  c.threads    AS cpu_threads,
  h.cpu_count,
  h.memory,
  h.network_speed,
  h.ip_address,
  h.mac_address,
  mf.name      AS manufacturer,
  m.name       AS model,
  CASE WHEN EXISTS (SELECT 1 FROM {schema}.servers_server live WHERE live.rackedasset_ptr_id = h.id)
       THEN 'history' ELSE 'history-deleted' END AS asof_source
FROM (
  SELECT history_id,
         ROW_NUMBER() OVER (PARTITION BY id ORDER BY history_date DESC, history_id DESC) AS newest
    FROM {schema}.servers_historicalserver
   WHERE history_date < ?
) latest
JOIN {schema}.servers_historicalserver h ON h.history_id = latest.history_id
LEFT JOIN {schema}.servers_deliveryasset d ON d.asset_id = h.id
LEFT JOIN {schema}.servers_site st ON st.id = h.site_id
LEFT JOIN {schema}.servers_availabilityzone az ON az.id = st.availability_zone_id
LEFT JOIN {schema}.servers_region rg ON rg.id = az.region_id
LEFT JOIN {schema}.servers_rack rk ON rk.id = h.rack_id
LEFT JOIN {schema}.servers_cpu c ON c.id = h.cpu_id
LEFT JOIN {schema}.servers_model m ON m.id = h.model_id
LEFT JOIN {schema}.servers_manufacturer mf ON mf.id = m.manufacturer_id
WHERE latest.newest = 1
  AND h.history_type <> '-'

UNION ALL

SELECT
  a.id,
  a.name,
  a.serialnumber,
  a.status,
  a.owner,
  a.created_at,
  a.last_edit,
  d.asset_type,
  d.delivery_date,
  st.shortname AS site,
  rg.shortname AS region_name,
  az.shortname AS az_name,
  rk.name      AS rack,
  (SELECT group_concat(json_array(r.id, r.name, r.puppet_service, t.org_unit_id, t.name) ORDER BY r.id)
     FROM {schema}.servers_server_role sr
     JOIN {schema}.servers_serverrole r ON r.id = sr.serverrole_id
     LEFT JOIN {schema}.servers_team t ON t.id = r.managed_by
    WHERE sr.server_id = s.rackedasset_ptr_id) AS roles,
  c.version    AS cpu_version,
  c.cores      AS cpu_cores,
  c.threads    AS cpu_threads,
  s.cpu_count,
  s.memory,
  s.network_speed,
  s.ip_address,
  s.mac_address,
  mf.name      AS manufacturer,
  m.name       AS model,
  'current'    AS asof_source
FROM {schema}.servers_asset a
JOIN {schema}.servers_rackedasset ra ON ra.asset_ptr_id = a.id
JOIN {schema}.servers_server s ON s.rackedasset_ptr_id = ra.asset_ptr_id
LEFT JOIN {schema}.servers_deliveryasset d ON d.asset_id = a.id
LEFT JOIN {schema}.servers_site st ON st.id = a.site_id
LEFT JOIN {schema}.servers_availabilityzone az ON az.id = st.availability_zone_id
LEFT JOIN {schema}.servers_region rg ON rg.id = az.region_id
LEFT JOIN {schema}.servers_rack rk ON rk.id = ra.rack_id
LEFT JOIN {schema}.servers_cpu c ON c.id = s.cpu_id
LEFT JOIN {schema}.servers_model m ON m.id = s.model_id
LEFT JOIN {schema}.servers_manufacturer mf ON mf.id = m.manufacturer_id
WHERE a.created_at < ?
  -- The index on servers_historicalserver.id makes this one short index probe per server.
  AND NOT EXISTS (SELECT 1
                    FROM {schema}.servers_historicalserver x
                   WHERE x.id = a.id AND x.history_date < ?)
