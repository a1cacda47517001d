// Shared test fixtures that are plain data: the capabilities of a MySQL-like engine for fake Dbs.
import type { DbCapabilities } from "../../src/engine/db.ts";

/** A MySQL-like engine without replicas and with LOAD DATA off: the multi-row REPLACE path. */
export const MYSQL_LIKE_CAPS: DbCapabilities = {
  gtid: "none",
  replication: false,
  snapshotTransactions: true,
  maxStatementBytes: 64 * 2 ** 20,
  maxPlaceholders: 65_535,
  bulkLoad: false,
};
