// LOAD DATA LOCAL INFILE for MariaDB/MySQL: the statement's text, reading the rows in the
// format engine/bulk-rows.ts encodes (tab-separated fields, \ escapes, \N for NULL).
import { quoteIdent } from "../ident.ts";

/** The name the server asks the client for; mysql2 hands it to the query's infileStreamFactory, which ignores it. */
export const LOAD_FILE_NAME = "serverdb-etl-batch";

/** `LOAD DATA LOCAL INFILE … REPLACE INTO TABLE t … (cols)` matching encodeRows' format. */
export function loadDataSql(table: string, columns: readonly string[]): string {
  return (
    `LOAD DATA LOCAL INFILE '${LOAD_FILE_NAME}' REPLACE INTO TABLE ${quoteIdent(table)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ` +
    `(${columns.map((c) => quoteIdent(c)).join(", ")})`
  );
}
