// acquireRunLock on a server that refuses GET_LOCK on a Galera node (MariaDB's May 2023 releases,
// MDEV-30473): the refusal becomes one line naming the cause and the fix. No server of this
// machine refuses it (10.11.19 allows it again), so the server's own error, as those releases
// sent it, comes from a Db that answers every statement with it.
import { describe, expect, test } from "bun:test";
import type { Db } from "../../../../src/engine/db.ts";
import { acquireRunLock } from "../../../../src/engine/mysql/advisory-lock.ts";
import { translateMysqlError } from "../../../../src/engine/mysql/errors.ts";
import { EtlError } from "../../../../src/errors.ts";

const LABEL = "mysql://etl@galera1:3306/serverdb_dw";
const REFUSAL = "This version of MariaDB doesn't yet support 'GET_LOCK in cluster (WSREP_ON=ON)'";

/** A MariaDB session that runs SET statements and refuses GET_LOCK with the server's error 1235. */
function refusingSession(statements: string[]): Db {
  return {
    engine: "mysql",
    label: LABEL,
    caps: { gtid: "wsrep", replication: true, snapshotTransactions: true, maxStatementBytes: 1 << 22, maxPlaceholders: 65_535, bulkLoad: false },
    async query(sql: string) {
      statements.push(sql);
      throw translateMysqlError(Object.assign(new Error(REFUSAL), { code: "ER_NOT_SUPPORTED_YET", errno: 1235, sqlMessage: REFUSAL }), LABEL);
    },
    async execute(sql: string) {
      statements.push(sql);
      return { affectedRows: 0, insertId: 0 };
    },
    async close() {},
  } as unknown as Db;
}

describe("acquireRunLock where GET_LOCK is refused on a Galera node (MDEV-30473)", () => {
  test("one line: the server, its words, which releases did so, and the fix", async () => {
    const statements: string[] = [];
    const err = await acquireRunLock(refusingSession(statements), "serverdb_dw").catch((e) => e);
    expect(statements.some((s) => s.includes("GET_LOCK"))).toBe(true);
    expect(err).toBeInstanceOf(EtlError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toStartWith(`${LABEL}: the server refuses GET_LOCK on a Galera node (`);
    expect(message).toContain("GET_LOCK in cluster (WSREP_ON=ON)");
    expect(message).toContain("MDEV-30473");
    expect(message).toEndWith("upgrade the cluster's MariaDB to a later minor release");
  });
});
