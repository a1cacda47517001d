-- The server_by_* aggregates of docs/data-contract.md ("Aggregates"): one table per dimension set, one row per
-- (report_date, dimension values…, status), built by `serverdb-etl aggregate` from one day of
-- server_facts (sql/aggregate/server_by_*.sql). Measures:
--   servers      count of servers
--   cpu_sockets  sum of known cpu_count (the -1 sentinel never enters a sum)
--   cpu_cores    sum of cpu_count × cpu_cores over servers where both are known
--   memory_gib   sum of memory (unknown memory is 0.000 and adds nothing)
-- Dimension columns have server_facts' types, widths and sentinel defaults, so every fact
-- value fits without a cut. Aggregates keep daily resolution for ever (they are small):
-- expire leaves them alone, and re-aggregating never deletes a day whose facts are gone.
--
-- utf8mb4_bin like server_facts: a group is an exact value ('Web' and 'web' are two rows),
-- as in the SQLite warehouse.
--
-- Keys: the primary key is the table's grain and leads with report_date, so replacing a day
-- (DELETE … WHERE report_date = ?) and reading a date range both walk one range of it. No
-- secondary keys: a year of these tables is a few hundred thousand rows at most.
--
-- `serverdb-etl init` runs this only when a table is missing; it never alters one.

-- Servers per site (and the site's region-zone) and status.
CREATE TABLE IF NOT EXISTS server_by_site (
  report_date     date NOT NULL,
  site            varchar(8) NOT NULL DEFAULT '',
  region          varchar(25) NOT NULL DEFAULT '<unknown>',
  status          varchar(16) NOT NULL DEFAULT '<unknown>',
  servers         int unsigned NOT NULL DEFAULT 0,
  cpu_sockets     bigint NOT NULL DEFAULT 0,
  cpu_cores       bigint NOT NULL DEFAULT 0,
  memory_gib      decimal(14,3) NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, site, region, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Servers per puppet service and status, from the role bridge: a server counts once under
-- each distinct service of its roles ('' = a role without a service); a server without any
-- role is not in this table.
CREATE TABLE IF NOT EXISTS server_by_puppet_service (
  report_date     date NOT NULL,
  puppet_service  varchar(64) NOT NULL DEFAULT '',     -- server_fact_roles.puppet_service
  status          varchar(16) NOT NULL DEFAULT '<unknown>',
  servers         int unsigned NOT NULL DEFAULT 0,
  cpu_sockets     bigint NOT NULL DEFAULT 0,
  cpu_cores       bigint NOT NULL DEFAULT 0,
  memory_gib      decimal(14,3) NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, puppet_service, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Servers per manufacturer, model, delivery asset type and status.
CREATE TABLE IF NOT EXISTS server_by_vendor_model (
  report_date     date NOT NULL,
  manufacturer    varchar(64) NOT NULL DEFAULT '<unknown>',
  model           varchar(64) NOT NULL DEFAULT '<unknown>',
  asset_type      varchar(32) NOT NULL DEFAULT '<unknown>',
  status          varchar(16) NOT NULL DEFAULT '<unknown>',
  servers         int unsigned NOT NULL DEFAULT 0,
  cpu_sockets     bigint NOT NULL DEFAULT 0,
  cpu_cores       bigint NOT NULL DEFAULT 0,
  memory_gib      decimal(14,3) NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, manufacturer, model, asset_type, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Servers per managing team (the fact's wou_id/wou_name: the team of the lowest role that
-- has one) and status. wou_name is in the key: teams without an org unit share wou_id -1.
CREATE TABLE IF NOT EXISTS server_by_team (
  report_date     date NOT NULL,
  wou_id          int NOT NULL,                        -- team org unit; -1 unknown
  wou_name        varchar(80) NOT NULL DEFAULT '<unknown>',
  status          varchar(16) NOT NULL DEFAULT '<unknown>',
  servers         int unsigned NOT NULL DEFAULT 0,
  cpu_sockets     bigint NOT NULL DEFAULT 0,
  cpu_cores       bigint NOT NULL DEFAULT 0,
  memory_gib      decimal(14,3) NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, wou_id, wou_name, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Servers per cleaned CPU type and status.
CREATE TABLE IF NOT EXISTS server_by_cpu (
  report_date     date NOT NULL,
  cpu_version     varchar(64) NOT NULL DEFAULT '<unknown>',
  status          varchar(16) NOT NULL DEFAULT '<unknown>',
  servers         int unsigned NOT NULL DEFAULT 0,
  cpu_sockets     bigint NOT NULL DEFAULT 0,
  cpu_cores       bigint NOT NULL DEFAULT 0,
  memory_gib      decimal(14,3) NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, cpu_version, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Servers the warehouse saw retire: one row per server that was 'in_use' on the previous fact day
-- and is 'retired' on report_date, with what it was and since when it served, so `report` can
-- show the age at which servers actually retire per model (against the refresh rule). Built by
-- `aggregate` like the server_by_* tables (sql/aggregate/server_retirements.sql); a day without
-- retirements has no rows. With weekly days (retention), the previous fact day is a week back.
CREATE TABLE IF NOT EXISTS server_retirements (
  report_date      date NOT NULL,                       -- the first fact day it is retired
  id               bigint unsigned NOT NULL,            -- servers_asset.id
  previous_day     date NOT NULL,                       -- the fact day before, when it was in use
  manufacturer     varchar(64) NOT NULL DEFAULT '<unknown>',
  model            varchar(64) NOT NULL DEFAULT '<unknown>',
  asset_type       varchar(32) NOT NULL DEFAULT '<unknown>',
  site             varchar(8) NOT NULL DEFAULT '',
  wou_name         varchar(80) NOT NULL DEFAULT '<unknown>',
  in_service_since date NOT NULL,                       -- delivery_date, else the day of created_at
  delivery_known   tinyint NOT NULL,                    -- 1 when in_service_since is the delivery date

  PRIMARY KEY (report_date, id),
  -- One server's retirements: the builder's "recorded already between the two days?" probe.
  KEY id (id, report_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
