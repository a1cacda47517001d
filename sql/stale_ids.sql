-- The next ids (ascending, after a given id) of a day's rows that a run did not write:
-- servers deleted, or no longer Servers, since an earlier run of the same day.
-- {table} is server_facts or server_fact_roles; both have report_date leading an index
-- whose suffix is id, so this walks the index in id order without a sort.
SELECT id
  FROM {table}
 WHERE report_date = ? AND id > ? AND etl_run_id <> ?
 ORDER BY id
 LIMIT ?
