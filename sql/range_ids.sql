-- The next ids (ascending, after a given id) of a day's rows: one batch of `expire`.
-- {table} is server_facts (KEY report_date, which InnoDB extends with the primary key's id) or
-- server_fact_roles (PRIMARY KEY (report_date, id, role_id)): either way MariaDB seeks to
-- (report_date, id) and reads the next LIMIT entries of that index in id order, with no sort
-- (EXPLAIN: range, key_len 11; test/integration/stages/expire.test.ts checks plan and reads).
-- The plan rests on index statistics: with days of similar size (a fleet) it is that range; a
-- day hundreds of times larger than the average may get `ref` on the date instead, which
-- re-reads the day's head on each batch (slower, still correct).
SELECT id
  FROM {table}
 WHERE report_date = ? AND id > ?
 ORDER BY id
 LIMIT ?
