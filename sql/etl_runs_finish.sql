-- Close a run: its outcome and counts. warnings_by_column is JSON text ({"mac_address": 3, …}).
UPDATE etl_runs
   SET finished_at = ?, status = ?, rows_extracted = ?, rows_loaded = ?, rows_removed = ?,
       warnings = ?, warnings_by_column = ?, error = ?
 WHERE id = ?
