-- The server_by_* aggregates in a SQLite warehouse: the same tables, columns, order, defaults
-- and primary keys as sql/mysql/create_aggregates.sql, in SQLite's types (see
-- create_server_facts.sql for the type mapping and the RTRIM collation). One row per
-- (report_date, dimension values…, status), built by `serverdb-etl aggregate` from one day of
-- server_facts with the same statements as on MariaDB (sql/aggregate/server_by_*.sql).
-- Measures: servers, cpu_sockets, cpu_cores (INTEGER, exact) and memory_gib (REAL: the sum of
-- whole thousandths divided by 1000, i.e. the double nearest the exact decimal sum).
--
-- WITHOUT ROWID: small rows whose natural key leads with report_date, so replacing a day
-- (DELETE … WHERE report_date = ?) and reading a date range walk one range of the table.
--
-- `serverdb-etl init` runs this only when a table is missing; it never alters one.

-- Servers per site (and the site's region-zone) and status.
CREATE TABLE IF NOT EXISTS server_by_site (
  report_date     TEXT NOT NULL,
  site            TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  region          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  status          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  servers         INTEGER NOT NULL DEFAULT 0,
  cpu_sockets     INTEGER NOT NULL DEFAULT 0,
  cpu_cores       INTEGER NOT NULL DEFAULT 0,
  memory_gib      REAL NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, site, region, status)
) WITHOUT ROWID;

-- Servers per puppet service and status, from the role bridge: a server counts once under
-- each distinct service of its roles ('' = a role without a service).
CREATE TABLE IF NOT EXISTS server_by_puppet_service (
  report_date     TEXT NOT NULL,
  puppet_service  TEXT COLLATE RTRIM NOT NULL DEFAULT '',           -- server_fact_roles.puppet_service
  status          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  servers         INTEGER NOT NULL DEFAULT 0,
  cpu_sockets     INTEGER NOT NULL DEFAULT 0,
  cpu_cores       INTEGER NOT NULL DEFAULT 0,
  memory_gib      REAL NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, puppet_service, status)
) WITHOUT ROWID;

-- Servers per manufacturer, model, delivery asset type and status.
CREATE TABLE IF NOT EXISTS server_by_vendor_model (
  report_date     TEXT NOT NULL,
  manufacturer    TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  model           TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  asset_type      TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  status          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  servers         INTEGER NOT NULL DEFAULT 0,
  cpu_sockets     INTEGER NOT NULL DEFAULT 0,
  cpu_cores       INTEGER NOT NULL DEFAULT 0,
  memory_gib      REAL NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, manufacturer, model, asset_type, status)
) WITHOUT ROWID;

-- Servers per managing team and status. wou_name is in the key: teams without an org unit
-- share wou_id -1.
CREATE TABLE IF NOT EXISTS server_by_team (
  report_date     TEXT NOT NULL,
  wou_id          INTEGER NOT NULL,                                 -- team org unit; -1 unknown
  wou_name        TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  status          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  servers         INTEGER NOT NULL DEFAULT 0,
  cpu_sockets     INTEGER NOT NULL DEFAULT 0,
  cpu_cores       INTEGER NOT NULL DEFAULT 0,
  memory_gib      REAL NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, wou_id, wou_name, status)
) WITHOUT ROWID;

-- Servers per cleaned CPU type and status.
CREATE TABLE IF NOT EXISTS server_by_cpu (
  report_date     TEXT NOT NULL,
  cpu_version     TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  status          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  servers         INTEGER NOT NULL DEFAULT 0,
  cpu_sockets     INTEGER NOT NULL DEFAULT 0,
  cpu_cores       INTEGER NOT NULL DEFAULT 0,
  memory_gib      REAL NOT NULL DEFAULT 0,

  PRIMARY KEY (report_date, cpu_version, status)
) WITHOUT ROWID;

-- Servers the warehouse saw retire (see sql/mysql/create_aggregates.sql): one row per server
-- 'in_use' on the previous fact day and 'retired' on report_date; a day may have none.
CREATE TABLE IF NOT EXISTS server_retirements (
  report_date      TEXT NOT NULL,
  id               INTEGER NOT NULL,
  previous_day     TEXT NOT NULL,
  manufacturer     TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  model            TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  asset_type       TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  site             TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  wou_name         TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  in_service_since TEXT NOT NULL,
  delivery_known   INTEGER NOT NULL,

  PRIMARY KEY (report_date, id)
) WITHOUT ROWID;

-- One server's retirements (the builder's "recorded already between the two days?" probe).
CREATE INDEX IF NOT EXISTS server_retirements_id ON server_retirements (id, report_date);
