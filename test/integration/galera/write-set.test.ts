// Write-set limits on the real cluster: with wsrep_max_ws_rows set small on every node, a
// transaction over it is refused by the cluster, and an etl asked for huge batches still
// succeeds (batches cut to the limit, said at INFO), its rerun (REPLACE over existing rows,
// the sweep) too, and every node holds the same rows.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { galeraCluster, tableChecksums, type GaleraCluster } from "../../support/galera.ts";
import { connect, dsn, freshDatabase, ok, runCli, servers } from "../../support/servers.ts";

const D1 = "2026-11-19";
const MAX_WS_ROWS = 100;
let cluster: GaleraCluster;
let source: string;

async function onEveryNode(sql: string): Promise<void> {
  for (const n of cluster.nodes) {
    const db = await connect(n);
    try {
      await db.execute(sql);
    } finally {
      await db.close();
    }
  }
}

beforeAll(async () => {
  const [c] = await Promise.all([galeraCluster(), (async () => {
    source = await freshDatabase("wssrc");
    ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", "600", "--seed", "7", "--end-date", D1], { timeoutMs: 120_000 }));
  })()]);
  cluster = c;
  await onEveryNode(`SET GLOBAL wsrep_max_ws_rows = ${MAX_WS_ROWS}`);
}, 180_000);

afterAll(async () => {
  if (cluster) await onEveryNode("SET GLOBAL wsrep_max_ws_rows = 0");
});

describe("write-set limits", () => {
  test(`wsrep_max_ws_rows ${MAX_WS_ROWS}: the cluster refuses a bigger transaction, and etl --batch-size 5000 still loads the day`, async () => {
    const dw = `ws_${process.pid}`;
    const n1 = cluster.nodes[0]!;
    const db = await connect(n1);
    try {
      await db.execute(`CREATE DATABASE \`${dw}\``);
      // The limit is real: one transaction of 2 × MAX_WS_ROWS rows fails.
      await db.execute(`CREATE TABLE \`${dw}\`.probe (id INT PRIMARY KEY)`);
      const values = Array.from({ length: 2 * MAX_WS_ROWS }, (_, i) => `(${i})`).join(",");
      const refused = await db.execute(`INSERT INTO \`${dw}\`.probe VALUES ${values}`).catch((e) => e);
      expect(refused).toBeInstanceOf(Error);
    } finally {
      await db.close();
    }
    ok("init", await runCli(["init", "--target", dsn(n1, dw)]));
    const args = ["etl", "--source", dsn(servers().primary, source), "--target", dsn(n1, dw), "--report-date", D1, "--batch-size", "5000", "--verbose", "INFO"];
    const r = ok("etl", await runCli(args));
    expect(r.stderr).toContain(`wsrep_max_ws_rows ${MAX_WS_ROWS}`);
    expect(r.stderr).toContain(`at most ${MAX_WS_ROWS / 2} rows`);
    // The rerun replaces every row (a delete and an insert each in the write-set) and sweeps.
    ok("etl rerun", await runCli(args));
    const sums = await Promise.all(cluster.nodes.map((n) => tableChecksums(n, dw, ["server_facts", "server_fact_roles"])));
    expect(sums[0]!.server_facts).toStartWith("600 rows");
    expect(sums[1]).toEqual(sums[0]!);
    expect(sums[2]).toEqual(sums[0]!);
  }, 180_000);
});
