-- Only on a capped target: the second half of replacing one slice of one day of an aggregate
-- table: the rows of the day's SELECT (g, as in slice_sizes_new.sql) whose key falls
-- into the slice, after slice_delete.sql removed the slice's old rows.
-- Parameters: the SELECT's (each the day), the number of slices, the slice.
INSERT INTO {table} ({columns})
WITH g ({columns}) AS ({select})
SELECT {columns}
  FROM g
 WHERE MOD(CRC32({key}), ?) = ?
