// Flow control on the real cluster: node 3 with gcs.fc_limit 1 and its applier held on a row lock
// (a session with wsrep_on OFF, whose locks Galera's applier does not abort: measured on 10.11)
// asks the cluster to pause once other writes queue up behind the held one (the etl alone never
// has more than two batches in flight, which is not over the limit); an etl into node 1 says so in its progress lines ("flow
// control is pausing the cluster; this node asked for it"), and once the lock goes the run ends
// ok with the same rows on every node.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { MysqlDb } from "../../../src/engine/mysql/mysql-db.ts";
import { galeraCluster, type GaleraCluster } from "../../support/galera.ts";
import { expectSameOnEveryNode, freshClusterWarehouse } from "../../support/galera-warehouse.ts";
import { connect, dsn, freshDatabase, ok, runCli, servers } from "../../support/servers.ts";

const D1 = "2026-11-19";
const FLEET = 400;
let cluster: GaleraCluster;
let source: string;
/** Node 3's gcs.fc_limit before the test set it to 1. */
let fcLimit: string | undefined;

async function status(db: MysqlDb, name: string): Promise<string | undefined> {
  const rows = await db.query<{ Value: string }>("SHOW GLOBAL STATUS WHERE Variable_name = ?", [name]);
  return rows[0]?.Value;
}

beforeAll(async () => {
  const [c] = await Promise.all([
    galeraCluster(),
    (async () => {
      source = await freshDatabase("gfcsrc");
      ok("generate", await runCli(["generate", "--source", dsn(servers().primary, source), "--servers", String(FLEET), "--seed", "5", "--end-date", D1], { timeoutMs: 120_000 }));
    })(),
  ]);
  cluster = c;
}, 180_000);

afterAll(async () => {
  if (!cluster || fcLimit === undefined) return;
  const n3 = await connect(cluster.nodes[2]!);
  try {
    await n3.execute("SET GLOBAL wsrep_provider_options = ?", [`gcs.fc_limit=${fcLimit}`]);
  } finally {
    await n3.close();
  }
});

describe("flow control", () => {
  test("a node that pauses the cluster: the waiting reason says flow control is pausing it and that node asked; the run then ends ok", async () => {
    const dw = await freshClusterWarehouse(cluster, "gfc");
    const [n1, , n3] = cluster.nodes;
    const etl = (extra: string[] = []) =>
      runCli(["etl", "--source", dsn(servers().primary, source), "--target", dsn(n1!, dw), "--report-date", D1, ...extra], { timeoutMs: 120_000 });
    ok("etl", await etl());

    const admin3 = await connect(n3!);
    const locker = await connect(n3!, dw);
    const watch1 = await connect(n1!);
    const side = await connect(n1!);
    const sideDb = `gfcside_${process.pid}`;
    await side.execute(`CREATE DATABASE \`${sideDb}\``);
    await side.execute(`CREATE TABLE \`${sideDb}\`.t (id INT PRIMARY KEY)`);
    let held = true;
    try {
      const [{ o }] = await admin3.query<{ o: string }>("SELECT @@GLOBAL.wsrep_provider_options AS o");
      fcLimit = /gcs\.fc_limit = (\d+)/.exec(o)?.[1];
      expect(fcLimit).toBeDefined();
      await admin3.execute("SET GLOBAL wsrep_provider_options = 'gcs.fc_limit=1'");
      // The rerun replaces every fact (a new etl_run_id each): node 3's applier waits on this row.
      await locker.execute("SET SESSION wsrep_on = OFF");
      await locker.execute("BEGIN");
      const locked = await locker.query<{ id: number }>("SELECT id FROM server_facts WHERE report_date = ? ORDER BY id LIMIT 1 FOR UPDATE", [D1]);
      expect(locked).toHaveLength(1);

      const running = etl(["--batch-size", "20", "--replica-timeout", "60", "--progress", "log", "--progress-interval", "1"]);
      // Another writer on the cluster: its write-sets queue on node 3 behind the held one.
      await Bun.sleep(1_000);
      const sideWrites = (async () => {
        for (let i = 0; i < 10; i++) await side.execute(`INSERT INTO \`${sideDb}\`.t VALUES (?)`, [i]);
      })();
      let pausedAt = 0;
      for (const until = Date.now() + 30_000; !pausedAt && Date.now() < until; await Bun.sleep(100)) {
        if ((await status(watch1, "wsrep_flow_control_active")) === "true") pausedAt = performance.now();
      }
      expect(pausedAt).toBeGreaterThan(0);
      expect(await status(admin3, "wsrep_flow_control_requested")).toBe("true");
      // Long enough for a 2 s wait slice to run out and for two progress lines after it.
      await Bun.sleep(4_500);
      await locker.execute("ROLLBACK");
      held = false;
      await sideWrites;
      const r = ok("etl under flow control", await running);
      process.stderr.write(`galera etl, node 3 pausing the cluster for ${((performance.now() - pausedAt) / 1000).toFixed(1)} s: ok\n`);
      if (process.env.GALERA_DEBUG) process.stderr.write(r.stderr);
      const lines = r.stderr.split("\n").filter((l) => l.includes("replica wait: waiting for") && l.includes(`127.0.0.1:${n3!.port}`));
      expect(lines.some((l) => /has not applied \S+ yet; flow control is pausing the cluster.*; this node asked for it \(receive queue \d+, over its gcs\.fc_limit\)/.test(l))).toBe(true);
    } finally {
      if (held) await locker.execute("ROLLBACK").catch(() => {});
      await side.execute(`DROP DATABASE IF EXISTS \`${sideDb}\``).catch(() => {});
      await Promise.all([admin3.close(), locker.close(), watch1.close(), side.close()]);
    }
    const sums = await expectSameOnEveryNode(cluster, dw, ["server_facts", "server_fact_roles", "etl_runs"]);
    expect(sums.etl_runs).toStartWith("2 rows");
  }, 180_000);
});
