-- doctor's count of the servers [puppetdb] would match: each Server's name and serial number
-- (the two keys a match rule can use), the same servers the nightly extract reads
-- (fact_select.sql's joins of servers_asset, servers_rackedasset and servers_server).
SELECT a.name, a.serialnumber
FROM {schema}.servers_asset a
JOIN {schema}.servers_rackedasset ra ON ra.asset_ptr_id = a.id
JOIN {schema}.servers_server s ON s.rackedasset_ptr_id = ra.asset_ptr_id
