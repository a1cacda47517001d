-- Only on a capped target: the first half of replacing one slice of one day of an aggregate
-- table in one transaction, its rows there now; the INSERT of slice_insert.sql
-- follows in the same transaction. Parameters: the day, the number of slices, the slice.
DELETE FROM {table}
 WHERE report_date = ?
   AND MOD(CRC32({key}), ?) = ?
