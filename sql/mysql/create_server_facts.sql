-- server_facts: one row per Server per report day, the snapshot the nightly ETL loads.
-- Columns follow docs/data-contract.md ("server_facts") and src/warehouse/columns.ts
-- (same order). Unknown values are sentinels, not NULL ('' or '<unknown>' for text, -1 for
-- counts), so GROUP BY and joins need no NULL handling; only delivery_date, ip_address and
-- mac_address may be NULL. Text defaults are those sentinels: they document what "unknown"
-- looks like.
--
-- utf8mb4_bin on purpose: docs/data-contract.md ("Text rules") defines "distinct" and
-- "sorted" by exact value and code point, so 'Web' and 'web' are two values here (one in
-- the source's utf8mb4_general_ci). utf8mb4_bin is PAD SPACE: 'web' and 'web ' compare
-- equal and form one GROUP BY group; the SQLite warehouse uses COLLATE RTRIM for the same
-- groups. The stored text keeps its trailing blanks, and role_names/puppet_services are
-- built exactly by the transform, so only warehouse-side grouping merges them.
--
-- `serverdb-etl init` runs this only when the table is missing; it never alters it.
-- It compares the live table with this file and prints ALTERs for differences (the partitions
-- themselves are the runs' to add and drop: only the partitioning is compared).
CREATE TABLE IF NOT EXISTS server_facts (
  id              bigint unsigned NOT NULL,            -- servers_asset.id (Django BigAutoField)
  report_date     date NOT NULL,                       -- the day the snapshot describes
  name            varchar(128) NOT NULL DEFAULT '',
  asset_type      varchar(32) NOT NULL DEFAULT '<unknown>',
  serialnumber    varchar(64) NOT NULL DEFAULT '',
  delivery_date   date NULL,
  ip_address      varchar(45) NULL,                    -- IPv6 fits
  mac_address     varchar(17) NULL,                    -- normalized aa:bb:cc:dd:ee:ff, NULL when unparsable
  status          varchar(16) NOT NULL DEFAULT '<unknown>',
  site            varchar(8) NOT NULL DEFAULT '',
  region          varchar(25) NOT NULL DEFAULT '<unknown>',
  role_ids        varchar(255) NOT NULL DEFAULT '',    -- ascending, comma-joined
  puppet_services varchar(255) NOT NULL DEFAULT '',    -- sorted, comma-joined
  role_names      varchar(255) NOT NULL DEFAULT '',    -- sorted, comma-joined
  rack            varchar(128) NOT NULL DEFAULT '',
  cpu_version     varchar(64) NOT NULL DEFAULT '<unknown>',
  cpu_count       int NOT NULL,                        -- sockets; -1 unknown
  cpu_cores       int NOT NULL,                        -- cores per socket; -1 unknown
  cpu_threads     int NOT NULL,                        -- threads per socket; -1 unknown
  memory          decimal(8,3) NOT NULL,               -- GiB; 0.000 unknown
  network_speed   int NOT NULL,                        -- Mbit/s; -1 unknown
  manufacturer    varchar(64) NOT NULL DEFAULT '<unknown>',
  model           varchar(64) NOT NULL DEFAULT '<unknown>',
  owner           varchar(20) NOT NULL DEFAULT '<unknown>',
  wou_id          int NOT NULL,                        -- team org unit; -1 unknown
  wou_name        varchar(80) NOT NULL DEFAULT '<unknown>',
  created_at      datetime NOT NULL,                   -- source wall clock (UTC), whole seconds
  last_edit       datetime NOT NULL,
  etl_run_id      bigint unsigned NOT NULL,            -- etl_runs.id of the run that wrote the row

  -- One row per server and day; a rerun of the day REPLACEs rows in place. Clustered by day:
  -- a night's load appends one contiguous range of pages, and a day's aggregate, sweep and
  -- expire touch that day's pages only, however many days the warehouse holds (BENCHMARKS.md,
  -- "The warehouse as it ages"). It also serves every per-day walk in (report_date, id) order.
  PRIMARY KEY (report_date, id),
  -- One server's history: by id (its every day; InnoDB appends the primary key) or by host name.
  KEY id (id),
  KEY name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  -- One partition per report day, each with its own part of every key: a night's load inserts
  -- into small B-trees (a global KEY id or KEY name would take 100k inserts spread over all of
  -- history, which stops fitting the buffer pool), a query by id or name probes each day's small
  -- tree, and expire drops a day's partition instead of deleting its rows (BENCHMARKS.md, "The
  -- warehouse as it ages"). A run adds the partition of each day it writes before writing it
  -- (ADD PARTITION). A table needs one partition: p10000101 stays empty.
  PARTITION BY LIST COLUMNS (report_date) (PARTITION p10000101 VALUES IN ('1000-01-01'));
