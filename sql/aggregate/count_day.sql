-- Rows one aggregate table ({table}) holds for one day, after writing it: the summary's
-- "rows per table". A range of the primary key's report_date prefix.
SELECT COUNT(*) AS n FROM {table} WHERE report_date = ?
