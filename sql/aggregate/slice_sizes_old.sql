-- Only on a target whose transactions are capped (a Galera node's write-set limits, so MariaDB:
-- CRC32 is not SQLite's): how many rows one day of an aggregate table holds now in each slice,
-- a slice being the CRC32 of the row's key (the key columns after report_date, each RTRIMmed,
-- so that keys equal under the PAD SPACE collation fall into one slice) modulo the number of
-- slices. Parameters: the number of slices, the day. Walks the primary key's report_date prefix.
SELECT MOD(CRC32({key}), ?) AS slice, COUNT(*) AS n
  FROM {table}
 WHERE report_date = ?
 GROUP BY slice
