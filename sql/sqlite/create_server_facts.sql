-- server_facts in a SQLite warehouse: the same columns, order, NOT NULLs, sentinel defaults,
-- primary key and secondary keys as sql/mysql/create_server_facts.sql, in SQLite's types.
-- One row per Server per report day (docs/data-contract.md, "server_facts").
--
-- Types: INTEGER for ids and counts (64-bit signed: Django's BigAutoField ids fit); TEXT for
-- text, dates ('YYYY-MM-DD') and datetimes ('YYYY-MM-DD HH:MM:SS'), exactly as MariaDB prints
-- them. SQLite does not enforce varchar widths: the transform cuts every value to the MySQL
-- width, so both warehouses hold the same text.
--
-- memory is REAL: the 8-byte double nearest the decimal(8,3) value. Every value up to
-- 99999.999 round-trips (printf('%.3f', memory) gives the loaded text back), and the
-- aggregates sum it as whole thousandths (sql/aggregate/*.sql: SUM(ROUND(memory * 1000))),
-- which doubles add exactly, so memory_gib equals MariaDB's decimal sum to the thousandth.
--
-- Text columns are COLLATE RTRIM, SQLite's built-in twin of MariaDB's utf8mb4_bin: bytes of
-- UTF-8 compared as they are (code-point order; 'Web' and 'web' differ) except that trailing
-- spaces are ignored, as utf8mb4_bin's PAD SPACE does ('web' = 'web '). So GROUP BY, DISTINCT
-- and the keys form the same groups on both engines. Dates and datetimes have no collation
-- in MySQL and keep SQLite's default BINARY here.
--
-- A rowid table, not WITHOUT ROWID: a fact row is a few hundred bytes, and SQLite advises
-- WITHOUT ROWID only for rows well under a twentieth of a page. The primary key is then a
-- unique index (the REPLACE target) beside the rowid b-tree.
--
-- `serverdb-etl init` runs this only when the table is missing; it never alters it.
CREATE TABLE IF NOT EXISTS server_facts (
  id              INTEGER NOT NULL,                                 -- servers_asset.id (Django BigAutoField)
  report_date     TEXT NOT NULL,                                    -- the day the snapshot describes
  name            TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  asset_type      TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  serialnumber    TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  delivery_date   TEXT NULL,
  ip_address      TEXT COLLATE RTRIM NULL,                          -- IPv6 fits
  mac_address     TEXT COLLATE RTRIM NULL,                          -- normalized aa:bb:cc:dd:ee:ff, NULL when unparsable
  status          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  site            TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  region          TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  role_ids        TEXT COLLATE RTRIM NOT NULL DEFAULT '',           -- ascending, comma-joined
  puppet_services TEXT COLLATE RTRIM NOT NULL DEFAULT '',           -- sorted, comma-joined
  role_names      TEXT COLLATE RTRIM NOT NULL DEFAULT '',           -- sorted, comma-joined
  rack            TEXT COLLATE RTRIM NOT NULL DEFAULT '',
  cpu_version     TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  cpu_count       INTEGER NOT NULL,                                 -- sockets; -1 unknown
  cpu_cores       INTEGER NOT NULL,                                 -- cores per socket; -1 unknown
  cpu_threads     INTEGER NOT NULL,                                 -- threads per socket; -1 unknown
  memory          REAL NOT NULL,                                    -- GiB, decimal(8,3) values; 0.0 unknown
  network_speed   INTEGER NOT NULL,                                 -- Mbit/s; -1 unknown
  manufacturer    TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  model           TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  owner           TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  wou_id          INTEGER NOT NULL,                                 -- team org unit; -1 unknown
  wou_name        TEXT COLLATE RTRIM NOT NULL DEFAULT '<unknown>',
  created_at      TEXT NOT NULL,                                    -- source wall clock (UTC), whole seconds
  last_edit       TEXT NOT NULL,
  etl_run_id      INTEGER NOT NULL,                                 -- etl_runs.id of the run that wrote the row

  -- One row per server and day; a rerun of the day REPLACEs rows in place. Day first, as on
  -- MariaDB: the key's b-tree grows at its end each night instead of inside every server's
  -- history, and a day's aggregate, sweep and expire walk one range of it in id order.
  PRIMARY KEY (report_date, id)
);

-- One server's history: by id (its every day), or by host name ("where is server X?").
CREATE INDEX IF NOT EXISTS server_facts_id ON server_facts (id);
CREATE INDEX IF NOT EXISTS server_facts_name ON server_facts (name);
