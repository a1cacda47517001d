-- One row per Server of ServerDB, denormalized for server_facts (docs/data-contract.md, "Source" and "server_facts").
--
-- Django multi-table inheritance: an asset is a Server only when it has rows in
-- servers_rackedasset and servers_server (same id), so those two are INNER joins;
-- switches and filers drop out here. Everything else is optional (LEFT JOIN) and
-- turns into a sentinel in the transform.
--
-- Roles are folded per server by a correlated subquery instead of an outer GROUP BY:
-- the outer query then streams in primary-key order with no temporary table or
-- filesort, the first row arrives at once (extract and load overlap), and
-- ONLY_FULL_GROUP_BY has nothing to object to. The subquery yields the body of a JSON
-- array, one [role_id, name, puppet_service, team org_unit_id, team name] per role,
-- ordered by role id; the transform sorts names in binary order and picks the team of
-- the lowest role id (deterministic whatever the collation).
--
-- {schema} is the source database, validated and backtick-quoted by the caller; values
-- are never spliced in. Runs inside START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY.
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
  m.name       AS model
  -- {extra_columns}: the [[facts.columns]] expressions, added by src/extras/extract-sql.ts
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
-- {extra_joins}: the [[facts.joins]] tables (LEFT JOINs on a unique key), added by src/extras/extract-sql.ts
ORDER BY a.id
