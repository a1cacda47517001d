-- server_fact_roles in a SQLite warehouse: the same columns, order, defaults and keys as
-- sql/mysql/create_server_fact_roles.sql, in SQLite's types (see create_server_facts.sql for
-- the type mapping and the RTRIM collation). The role bridge: one row per (report day, server,
-- role) for every role a server has that day; no NULLs.
--
-- WITHOUT ROWID: rows are small (a few dozen bytes) and the natural key is how every reader
-- and writer walks them (one day, in id order), so the table is stored in key order like an
-- InnoDB clustered index, with no separate rowid b-tree.
--
-- `serverdb-etl init` runs this only when the table is missing; it never alters it.
CREATE TABLE IF NOT EXISTS server_fact_roles (
  report_date     TEXT NOT NULL,
  id              INTEGER NOT NULL,                                 -- server_facts.id
  role_id         INTEGER NOT NULL,                                 -- servers_serverrole.id
  role_name       TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  puppet_service  TEXT COLLATE RTRIM NOT NULL DEFAULT '',           -- '' when the role has none
  wou_id          INTEGER NOT NULL,                                 -- team org unit of the role; -1 unknown
  wou_name        TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  etl_run_id      INTEGER NOT NULL,                                 -- etl_runs.id of the run that wrote the row

  -- Day first: loads, retention and the per-day sweep of stale rows all work on one day.
  PRIMARY KEY (report_date, id, role_id)
) WITHOUT ROWID;

-- server_by_puppet_service: a day's rows grouped by service.
CREATE INDEX IF NOT EXISTS server_fact_roles_puppet_service ON server_fact_roles (report_date, puppet_service);
