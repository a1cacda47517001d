-- `expire --include-aggregates`: drop one day of an aggregate table ({table} is a server_by_*
-- table, whose primary key leads with report_date). A day is one row per dimension value and
-- status, a few hundred rows at most: one short transaction per table and day, as `aggregate`
-- writes them.
DELETE FROM {table}
 WHERE report_date = ?
