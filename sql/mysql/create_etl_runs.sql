-- etl_runs: one row per load (nightly `etl` or `backfill`), written before the first fact
-- row and closed at the end, so a run that died stays visible as 'running'. A day's
-- snapshot is the latest successful run's rows (server_facts.etl_run_id).
--
-- `serverdb-etl init` runs this only when the table is missing; it never alters it.
CREATE TABLE IF NOT EXISTS etl_runs (
  id                  bigint unsigned NOT NULL AUTO_INCREMENT,
  kind                varchar(16) NOT NULL,             -- 'etl' or 'backfill'
  report_date         date NOT NULL,                    -- the day loaded
  started_at          datetime NOT NULL,                -- UTC
  finished_at         datetime NULL,                    -- NULL while running (or after a crash)
  status              varchar(16) NOT NULL,             -- 'running', 'success' or 'failed'
  rows_extracted      bigint unsigned NOT NULL DEFAULT 0,
  rows_loaded         bigint unsigned NOT NULL DEFAULT 0,
  rows_removed        bigint unsigned NOT NULL DEFAULT 0, -- stale rows of the day deleted after the load
  warnings            int unsigned NOT NULL DEFAULT 0,
  warnings_by_column  varchar(1024) NOT NULL DEFAULT '', -- JSON text: {"mac_address": 3, ...}
  host                varchar(255) NOT NULL,            -- where the run ran
  version             varchar(32) NOT NULL,             -- serverdb-etl version
  error               varchar(1024) NULL,               -- the one-line error of a failed run

  PRIMARY KEY (id),
  -- "Latest successful run of day D" and "days with a run still marked running".
  KEY report_date (report_date, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
