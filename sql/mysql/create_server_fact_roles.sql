-- server_fact_roles: the role bridge, one row per (report day, server, role) for every role
-- a server has that day. Counting servers per puppet service or per team needs it: a server
-- with two roles counts once under each. Written by the same run as its server_facts rows.
-- No NULLs: a role without a puppet service has '', a role without a team -1/'<unknown>'.
--
-- utf8mb4_bin like server_facts: groups and sorts by exact value, as the SQLite warehouse does.
--
-- `serverdb-etl init` runs this only when the table is missing; it never alters it.
CREATE TABLE IF NOT EXISTS server_fact_roles (
  report_date     date NOT NULL,
  id              bigint unsigned NOT NULL,            -- server_facts.id
  role_id         bigint unsigned NOT NULL,            -- servers_serverrole.id
  role_name       varchar(64) NOT NULL DEFAULT '',
  puppet_service  varchar(64) NOT NULL DEFAULT '',     -- '' when the role has none
  wou_id          int NOT NULL,                        -- team org unit of the role; -1 unknown
  wou_name        varchar(80) NOT NULL DEFAULT '<unknown>',
  etl_run_id      bigint unsigned NOT NULL,            -- etl_runs.id of the run that wrote the row

  -- Day first: loads, retention and the per-day sweep of stale rows all work on one day,
  -- and (report_date, id) walks a day's servers in id order without a sort.
  PRIMARY KEY (report_date, id, role_id),
  -- server_by_puppet_service: a day's rows grouped by service, read from the index alone.
  KEY puppet_service (report_date, puppet_service)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  -- One partition per report day, as server_facts (see there): loads touch the day's partition
  -- only, and expire drops it. p10000101 stays empty.
  PARTITION BY LIST COLUMNS (report_date) (PARTITION p10000101 VALUES IN ('1000-01-01'));
