-- Record a run before it writes anything, so a run that dies is visible as 'running'.
INSERT INTO etl_runs (kind, report_date, started_at, status, host, version)
VALUES (?, ?, ?, 'running', ?, ?)
