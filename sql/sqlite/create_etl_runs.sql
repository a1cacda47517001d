-- etl_runs in a SQLite warehouse: the same columns, meaning and order as
-- sql/mysql/create_etl_runs.sql, in SQLite's types. One row per load (nightly `etl` or
-- `backfill`), written before the first fact row and closed at the end, so a run that died
-- stays visible as 'running'. A day's snapshot is the latest successful run's rows.
--
-- Types: INTEGER is SQLite's 64-bit signed integer; dates and datetimes are TEXT in the
-- same 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MM:SS' (UTC) form MariaDB prints, so they sort and
-- compare as dates. SQLite does not enforce varchar widths; the tool cuts values itself.
-- Text columns are COLLATE RTRIM, the twin of utf8mb4_bin (see create_server_facts.sql).
--
-- AUTOINCREMENT (not just INTEGER PRIMARY KEY): an id is never reused, even after the newest
-- run's row is deleted, as with MariaDB's AUTO_INCREMENT; fact rows carry it as etl_run_id.
--
-- `serverdb-etl init` runs this only when the table is missing; it never alters it.
CREATE TABLE IF NOT EXISTS etl_runs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                TEXT COLLATE RTRIM NOT NULL,             -- 'etl' or 'backfill'
  report_date         TEXT NOT NULL,                           -- the day loaded, 'YYYY-MM-DD'
  started_at          TEXT NOT NULL,                           -- UTC 'YYYY-MM-DD HH:MM:SS'
  finished_at         TEXT NULL,                               -- NULL while running (or after a crash)
  status              TEXT COLLATE RTRIM NOT NULL,             -- 'running', 'success' or 'failed'
  rows_extracted      INTEGER NOT NULL DEFAULT 0,
  rows_loaded         INTEGER NOT NULL DEFAULT 0,
  rows_removed        INTEGER NOT NULL DEFAULT 0,              -- stale rows of the day deleted after the load
  warnings            INTEGER NOT NULL DEFAULT 0,
  warnings_by_column  TEXT COLLATE RTRIM NOT NULL DEFAULT '',  -- JSON text: {"mac_address": 3, ...}
  host                TEXT COLLATE RTRIM NOT NULL,             -- where the run ran
  version             TEXT COLLATE RTRIM NOT NULL,             -- serverdb-etl version
  error               TEXT COLLATE RTRIM NULL                  -- the one-line error of a failed run
);

-- "Latest successful run of day D" and "days with a run still marked running".
CREATE INDEX IF NOT EXISTS etl_runs_report_date ON etl_runs (report_date, status);
