// transactionCap: what one transaction may carry on a target with write-set limits (a Galera node).
import { describe, expect, test } from "bun:test";
import { transactionCap } from "../../../../src/stages/load/write-set-limit.ts";
import type { DbCapabilities } from "../../../../src/engine/db.ts";

const base: DbCapabilities = { gtid: "mariadb", replication: true, snapshotTransactions: true, maxStatementBytes: 64 << 20, maxPlaceholders: 65_535, bulkLoad: true };

describe("transactionCap", () => {
  const cases: Array<[string, DbCapabilities["transactionLimit"], number, number, boolean]> = [
    ["no limits (not a Galera node)", undefined, Infinity, Infinity, false],
    // Galera's defaults: no row limit, 2 GiB - 1: only the byte cap, a quarter of it.
    ["Galera defaults", { rows: 0, bytes: 2 ** 31 - 1 }, Infinity, Math.floor((2 ** 31 - 1) / 4), true],
    // Half the rows: a REPLACE over an existing row is a delete and an insert.
    ["wsrep_max_ws_rows 100", { rows: 100, bytes: 2 ** 31 - 1 }, 50, Math.floor((2 ** 31 - 1) / 4), true],
    ["wsrep_max_ws_rows 1 still lets one row through", { rows: 1, bytes: 1024 }, 1, 256, true],
  ];
  for (const [name, limit, rows, bytes, says] of cases) {
    test(name, () => {
      const cap = transactionCap({ ...base, ...(limit ? { transactionLimit: limit } : {}) });
      expect(cap.rows).toBe(rows);
      expect(cap.bytes).toBe(bytes);
      expect(Boolean(cap.why)).toBe(says);
    });
  }
});
