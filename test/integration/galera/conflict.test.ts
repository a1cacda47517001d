// Certification conflicts on the real cluster: a transaction on node 1 whose rows another
// writer changes on node 2 first is aborted by Galera with ER_LOCK_DEADLOCK, which the engine
// classifies as transient, and the batch writer retries it like a deadlock: the batch lands.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { TransientDbError } from "../../../src/errors.ts";
import { BatchWriter, type TargetHandle } from "../../../src/stages/load/batch-writer.ts";
import { noProgress } from "../../../src/progress/progress.ts";
import { galeraCluster, type GaleraCluster } from "../../support/galera.ts";
import { connect } from "../../support/servers.ts";

const DB = `conflict_${process.pid}`;
let cluster: GaleraCluster;
let n1: MysqlDb;
let n2: MysqlDb;

beforeAll(async () => {
  cluster = await galeraCluster();
  n1 = await connect(cluster.nodes[0]!);
  await n1.execute(`CREATE DATABASE \`${DB}\``);
  await n1.execute(`CREATE TABLE \`${DB}\`.t (id INT PRIMARY KEY, v INT NOT NULL)`);
  await n1.execute(`INSERT INTO \`${DB}\`.t VALUES (1, 0), (2, 0)`);
  n2 = await connect(cluster.nodes[1]!, DB);
}, 60_000);

afterAll(async () => {
  await n1?.close();
  await n2?.close();
});

describe("certification conflicts", () => {
  test("a conflicting commit on another node aborts ours with ER_LOCK_DEADLOCK, a TransientDbError", async () => {
    const mine = await connect(cluster.nodes[0]!, DB);
    try {
      await mine.execute("BEGIN");
      await mine.execute("UPDATE t SET v = 10 WHERE id = 1");
      await n2.execute("UPDATE t SET v = 20 WHERE id = 1"); // certified first
      const err = await mine.execute("COMMIT").catch((e) => e);
      expect(err).toBeInstanceOf(TransientDbError);
      expect((err as TransientDbError).code).toBe("ER_LOCK_DEADLOCK");
    } finally {
      await mine.execute("ROLLBACK").catch(() => {});
      await mine.close();
    }
    const [row] = await n1.query<{ v: number }>(`SELECT v FROM \`${DB}\`.t WHERE id = 1`);
    expect(row!.v).toBe(20);
  });

  test("the batch writer retries a batch aborted by certification, and it lands", async () => {
    const ep = { kind: "mysql" as const, host: "127.0.0.1", port: cluster.nodes[0]!.port, user: "root", database: DB, sslMode: "DISABLED" as const };
    const handle: TargetHandle = { db: await MysqlDb.connect(ep), reconnect: () => MysqlDb.connect(ep) };
    const writer = new BatchWriter(handle, undefined, noProgress, { maxAttempts: 3, backoffMs: 50 });
    try {
      let conflicted = false;
      // While the batch's transaction sleeps with row 2 changed, node 2 changes row 2 and commits first (once).
      const conflict = (async () => {
        for (let i = 0; i < 200 && !conflicted; i++) {
          const busy = await n1.query<{ n: number }>(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP(0.8)%'",
          );
          if (Number(busy[0]!.n) > 0) {
            await n2.execute("UPDATE t SET v = v + 100 WHERE id = 2");
            conflicted = true;
          } else await Bun.sleep(20);
        }
      })();
      await writer.write([
        { sql: "UPDATE t SET v = v + 1 WHERE id = 2", params: [] },
        { sql: "DO SLEEP(0.8)", params: [] },
      ]);
      await conflict;
      expect(conflicted).toBe(true);
      expect(writer.retries).toBe(1);
      const [row] = await n1.query<{ v: number }>(`SELECT v FROM \`${DB}\`.t WHERE id = 2`);
      expect(row!.v).toBe(101); // node 2's change, then the retried batch
    } finally {
      await handle.db.close();
    }
  });
});
