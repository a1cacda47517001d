-- The server-side reference for bench/etl.ts: the same join as sql/serverdb/fact_select.sql,
-- written straight into the warehouse by the server itself (no client, no transform beyond
-- what SQL does cheaply). Not used by the tool; it is the yardstick the etl is measured by.
-- {schema} = the ServerDB, {dw} = a warehouse created by `init`; ? = report_date, run id.
INSERT INTO {dw}.server_facts
SELECT
  a.id, ?, left(a.name, 128), coalesce(d.asset_type, '<unknown>'), coalesce(a.serialnumber, ''),
  d.delivery_date, s.ip_address, s.mac_address, coalesce(lower(a.status), '<unknown>'),
  coalesce(st.shortname, ''), left(coalesce(concat(rg.shortname, '-', az.shortname), '<unknown>'), 25),
  coalesce((SELECT group_concat(sr.serverrole_id ORDER BY sr.serverrole_id)
              FROM {schema}.servers_server_role sr WHERE sr.server_id = s.rackedasset_ptr_id), ''),
  coalesce((SELECT left(group_concat(DISTINCT r.puppet_service ORDER BY r.puppet_service), 255)
              FROM {schema}.servers_server_role sr JOIN {schema}.servers_serverrole r ON r.id = sr.serverrole_id
             WHERE sr.server_id = s.rackedasset_ptr_id), ''),
  coalesce((SELECT left(group_concat(DISTINCT r.name ORDER BY r.name), 255)
              FROM {schema}.servers_server_role sr JOIN {schema}.servers_serverrole r ON r.id = sr.serverrole_id
             WHERE sr.server_id = s.rackedasset_ptr_id), ''),
  coalesce(rk.name, ''), left(coalesce(lower(c.version), '<unknown>'), 64),
  coalesce(s.cpu_count, -1), coalesce(c.cores, -1), coalesce(c.threads, -1), coalesce(s.memory, 0),
  coalesce(s.network_speed, -1), coalesce(mf.name, '<unknown>'), coalesce(m.name, '<unknown>'),
  left(coalesce(a.owner, '<unknown>'), 20),
  -1, '<unknown>',
  a.created_at, a.last_edit, ?
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
LEFT JOIN {schema}.servers_manufacturer mf ON mf.id = m.manufacturer_id;

INSERT INTO {dw}.server_fact_roles
SELECT ?, sr.server_id, r.id, r.name, coalesce(r.puppet_service, ''), coalesce(t.org_unit_id, -1),
       coalesce(t.name, '<unknown>'), ?
FROM {schema}.servers_server_role sr
JOIN {schema}.servers_server s ON s.rackedasset_ptr_id = sr.server_id
JOIN {schema}.servers_serverrole r ON r.id = sr.serverrole_id
LEFT JOIN {schema}.servers_team t ON t.id = r.managed_by;
