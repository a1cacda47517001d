-- About how many Servers the extract will return, for progress and ETA, read in the same
-- snapshot. Only servers_server is counted: its foreign key to servers_rackedasset (and
-- that one's to servers_asset) makes the join of fact_select.sql add nothing, and the
-- three-way join costs ~5× more. An estimate only; the run's counts come from the rows.
SELECT count(*) AS servers
FROM {schema}.servers_server
