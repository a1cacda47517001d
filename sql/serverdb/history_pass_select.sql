-- The history a backfill pass needs to rebuild a block of past days in one read, built from
-- django-simple-history's servers_historicalserver, in the shape of fact_select.sql plus five
-- asof_* columns, sorted by server id so the client walks one server at a time (memory: one
-- server's rows) and emits that server's state on each day of the block
-- (src/stages/extract/extract-pass.ts). The `?` are, in order: the block's first instant, the
-- same again, its last instant (part 1), its last instant, its first instant (part 2). An
-- instant is the next local midnight after a day, converted to UTC by the caller, as
-- 'YYYY-MM-DD HH:MM:SS' (history_date and created_at hold UTC, as Django stores them).
--
-- Part 1, history: of each server's rows before the last instant, the newest one before the
-- first instant (it decides every day of the block until a later row) and every row from the
-- first instant on; newest by (history_date, history_id) so two saves within one microsecond
-- keep their insertion order. The window runs over three narrow columns only; the chosen rows
-- are then read by primary key. The client takes, for each day, the newest of these rows
-- before that day's instant; a row of type '-' means the server had been deleted by then.
--
-- Part 2, servers without any history row before the first instant but created before the
-- last one (bulk creates, rows that predate tracking): their current state, as fact_select.sql
-- reads it. The client uses it on the days before which the server has no history row but
-- was created.
--
-- What the history cannot tell, and so comes from today's tables (README "backfill"):
-- roles and their teams (a many-to-many, never in the history row); the names behind the
-- site, rack, CPU and model ids the history row holds (site shortname, region and zone,
-- rack name, CPU version/cores/threads, model and manufacturer); asset_type and
-- delivery_date (servers_deliveryasset is not a Server field). Servers deleted since have
-- no roles and no delivery row any more. `asof_source` says where a row came from:
-- 'history', 'history-deleted' (history, but gone from ServerDB today) or 'current'
-- (part 2); the backfill counts the last two as approximations. The transform ignores the
-- asof_* columns.
--
-- Portable: window functions and json_array exist in MariaDB ≥ 10.2, MySQL 8 and
-- SQLite ≥ 3.38; group_concat(… ORDER BY …) as in fact_select.sql. {schema} is the source
-- database, validated and backtick-quoted by the caller. Runs inside one read-only snapshot.
SELECT
  h.id AS id,
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
       THEN 'history' ELSE 'history-deleted' END AS asof_source,
  0                AS asof_part,
  h.history_date   AS asof_at,
  h.history_id     AS asof_history_id,
  h.history_type   AS asof_type
  -- {extra_columns_history}: the [[facts.columns]] expressions over the history row, added by src/extras/history-sql.ts
FROM (
  SELECT history_id,
         CASE WHEN history_date >= ? THEN 1 ELSE 0 END AS in_block,
         ROW_NUMBER() OVER (PARTITION BY id, CASE WHEN history_date >= ? THEN 1 ELSE 0 END
                            ORDER BY history_date DESC, history_id DESC) AS newest
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
-- {extra_joins_history}: today's rows for what the history row lacks, and the [[facts.joins]] tables
WHERE latest.in_block = 1 OR latest.newest = 1

UNION ALL

SELECT
  a.id AS id,
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
  'current'    AS asof_source,
  1            AS asof_part,
  a.created_at AS asof_at,
  NULL         AS asof_history_id,
  NULL         AS asof_type
  -- {extra_columns}: the [[facts.columns]] expressions, as in fact_select.sql
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
-- {extra_joins}: the [[facts.joins]] tables, as in fact_select.sql
WHERE a.created_at < ?
  -- The index on servers_historicalserver.id makes this one short index probe per server.
  AND NOT EXISTS (SELECT 1
                    FROM {schema}.servers_historicalserver x
                   WHERE x.id = a.id AND x.history_date < ?)

ORDER BY id, asof_part, asof_at, asof_history_id
