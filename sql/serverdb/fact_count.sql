-- How many Servers the extract will return (for progress and ETA), in the same snapshot.
SELECT count(*) AS servers
FROM {schema}.servers_rackedasset ra
JOIN {schema}.servers_server s ON s.rackedasset_ptr_id = ra.asset_ptr_id
JOIN {schema}.servers_asset a ON a.id = ra.asset_ptr_id
