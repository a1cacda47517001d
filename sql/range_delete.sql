-- Delete one id range of a day's rows (one short transaction of `expire`): the range the
-- range_ids.sql walk returned, found through the same index. The range takes every bridge row
-- of its last server, also those the walk's LIMIT cut off.
DELETE FROM {table}
 WHERE report_date = ? AND id BETWEEN ? AND ?
