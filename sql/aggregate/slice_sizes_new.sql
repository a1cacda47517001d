-- Only on a capped target (see slice_sizes_old.sql): how many rows the day's
-- INSERT … SELECT will write in each slice, the slice of a row computed from its key as for the
-- rows there now. g is the SELECT of sql/aggregate/<table>.sql with the table's columns as names.
-- Parameters: the SELECT's (each the day), the number of slices.
WITH g ({columns}) AS ({select})
SELECT MOD(CRC32({key}), ?) AS slice, COUNT(*) AS n
  FROM g
 GROUP BY slice
